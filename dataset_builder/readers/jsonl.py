"""JSON Lines: one object per line with at least `id` and `text`; other known fields are metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..document import Document, Origin
from ..errors import InputError
from .files import input_files
from .given_metadata import given_metadata, record_id, record_text


def _open_lines(file: Path):
    if file.suffix == ".zst":
        import io

        import zstandard

        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(file.open("rb")), encoding="utf-8")
    return file.open(encoding="utf-8")


def read_jsonl(root: Path, path: str, glob: str | None) -> Iterator[Document]:
    _, files = input_files(root, path, "*.jsonl*", glob)
    for file in files:
        shown = file.relative_to(root).as_posix()
        with _open_lines(file) as handle:
            number = 0
            try:
                for number, line in enumerate(handle, start=1):
                    where = f"{shown}:{number}"
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError(f"{where}: not valid JSON: {exc.msg} at column {exc.colno}") from None
                    if not isinstance(record, dict):
                        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
                    text = record_text(record, where)
                    yield Document(
                        id=record_id(record, where),
                        text=text,
                        raw_text=text,
                        origin=Origin(shown, line=number),
                        given=given_metadata(record, where),
                    )
            except UnicodeDecodeError as exc:
                raise InputError(f"{shown}:{number + 1}: not UTF-8 ({exc.reason})") from None
