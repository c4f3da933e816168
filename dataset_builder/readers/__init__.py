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
        return read_jsonl(root, spec.path, spec.glob, log)
    if spec.format == "parquet":
        return read_parquet(root, spec.path, spec.glob, log)
    raise ValueError(f"unknown input format {spec.format!r}")  # the config schema admits no other


def unique_ids(documents: Iterable[Document]) -> Iterator[Document]:
    """The documents unchanged; an id seen twice is an input error naming both places."""
    seen: dict[str, str] = {}
    for doc in documents:
        where = doc.origin.describe()
        if doc.id in seen:
            raise InputError(f"{where}: field 'id': {doc.id!r} is already used by {seen[doc.id]}")
        seen[doc.id] = where
        yield doc


__all__ = ["ReadLog", "read_input", "decode_text", "unique_ids"]
