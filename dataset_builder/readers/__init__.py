"""Readers turn the config's inputs into a stream of `Document`s, each pointing back to where it came from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..config import InputSpec
from ..document import Document
from ..errors import InputError
from .files import ReadLog
from .jsonl import read_jsonl
from .parquet import read_parquet
from .txt import decode_text, read_txt


def read_input(root: Path, spec: InputSpec, log: ReadLog | None = None) -> Iterator[Document]:
    """The documents of one declared input; `log` receives each file read with the hash of the bytes read."""
    if spec.format == "txt":
        return read_txt(root, spec.path, spec.metadata, spec.glob, log)
    if spec.format == "jsonl":
        return read_jsonl(root, spec.path, spec.glob, log, spec.field_map)
    if spec.format == "parquet":
        return read_parquet(root, spec.path, spec.glob, log, spec.field_map)
    raise ValueError(f"unknown input format {spec.format!r}")  # the config schema admits no other


def check_ids_unique(entries: Iterable[tuple[str, int, str]]) -> None:
    """`entries`: (id, reading order, where) sorted by id, then reading order. The smallest id used twice is an
    input error naming its second place and its first. The build merges its shards' sorted id runs into this;
    `unique_ids` sorts one stream's, so both report the same id the same way."""
    previous = None
    for entry in entries:
        if previous is not None and previous[0] == entry[0]:
            raise InputError(f"{entry[2]}: field 'id': {entry[0]!r} is already used by {previous[2]}")
        previous = entry


def unique_ids(documents: Iterable[Document]) -> Iterator[Document]:
    """The documents unchanged; once all are read, an id seen twice is an input error naming both places (the
    one the build reports for the same input)."""
    entries = []
    for number, doc in enumerate(documents):
        entries.append((doc.id, number, doc.origin.describe()))
        yield doc
    check_ids_unique(sorted(entries))


__all__ = ["ReadLog", "check_ids_unique", "read_input", "decode_text", "unique_ids"]
