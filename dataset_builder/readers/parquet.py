"""Parquet tables with at least `id` and `text` columns; other known columns are metadata."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..document import Document, Origin
from ..errors import InputError
from .files import input_files
from .given_metadata import given_metadata, record_id, record_text


def read_parquet(root: Path, path: str, glob: str | None) -> Iterator[Document]:
    _, files = input_files(root, path, "*.parquet", glob)
    for file in files:
        shown = file.relative_to(root).as_posix()
        try:
            parquet = pq.ParquetFile(file)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{shown}: not a readable Parquet file: {exc}") from None
        names = parquet.schema_arrow.names
        for column in ("id", "text"):
            if column not in names:
                raise InputError(f"{shown}: column '{column}' is missing (columns: {', '.join(names)})")
        row = 0
        for batch in parquet.iter_batches(batch_size=4096):
            for record in batch.to_pylist():
                where = f"{shown} row {row}"
                text = record_text(record, where)
                yield Document(
                    id=record_id(record, where),
                    text=text,
                    raw_text=text,
                    origin=Origin(shown, row=row),
                    given=given_metadata(record, where),
                )
                row += 1
