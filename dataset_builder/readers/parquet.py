"""Parquet tables with at least `id` and `text` columns; other known columns are metadata."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..document import Document, Origin
from ..errors import InputError
from .files import HashedReader, ReadLog, input_files, open_input
from .given_metadata import record_document


def read_parquet(root: Path, path: str, glob: str | None, log: ReadLog | None = None) -> Iterator[Document]:
    _, files = input_files(root, path, "*.parquet", glob)
    for file, shown in files:
        with open_input(file, shown) as handle:
            # Hashed through the handle Parquet then reads, so the manifest names the bytes that were read.
            reader = HashedReader(handle, shown, log)
            for _ in reader.blocks():
                pass
            handle.seek(0)
            yield from _documents(handle, shown)
            reader.finish()


def _documents(handle, shown: str) -> Iterator[Document]:
    try:
        parquet = pq.ParquetFile(handle)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{shown}: not a readable Parquet file: {exc}") from None
    names = parquet.schema_arrow.names
    for column in ("id", "text"):
        if column not in names:
            raise InputError(f"{shown}: column '{column}' is missing (columns: {', '.join(names)})")
    row = 0
    batches = parquet.iter_batches(batch_size=4096)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{shown}: cannot read rows after row {row}: {exc}") from None
        if batch is None:
            return
        for record in batch.to_pylist():
            yield record_document(record, f"{shown} row {row}", Origin(shown, row=row))
            row += 1
