"""Readers turn the config's inputs into a stream of `Document`s, each pointing back to where it came from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..config import InputSpec
from ..document import Document
from .jsonl import read_jsonl
from .parquet import read_parquet
from .txt import decode_text, read_txt


def read_input(root: Path, spec: InputSpec) -> Iterator[Document]:
    if spec.format == "txt":
        return read_txt(root, spec.path, spec.metadata, spec.glob)
    if spec.format == "jsonl":
        return read_jsonl(root, spec.path, spec.glob)
    if spec.format == "parquet":
        return read_parquet(root, spec.path, spec.glob)
    raise ValueError(f"unknown input format {spec.format!r}")  # the config schema admits no other


__all__ = ["read_input", "decode_text"]
