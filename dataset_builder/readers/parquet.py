"""Parquet tables with at least `id` and `text` columns (or the columns the input's [inputs.fields] maps to them);
other row fields are metadata, the remaining columns the document's `extra`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from ..document import Document, Origin
from ..errors import InputError
from .files import HashedReader, ReadLog, input_files, open_input
from .given_metadata import record_document

if TYPE_CHECKING:
    import pyarrow.parquet as pq


def read_parquet(root: Path, path: str, glob: str | None, log: ReadLog | None = None,
                 fields: Mapping[str, str] | None = None) -> Iterator[Document]:
    _, files = input_files(root, path, "*.parquet", glob)
    for file, shown in files:
        with open_input(file, shown) as handle:
            # Hashed through the handle Parquet then reads, so the manifest names the bytes that were read.
            reader = HashedReader(handle, shown, log)
            for _ in reader.blocks():
                pass
            handle.seek(0)
            yield from _documents(handle, shown, fields)
            reader.finish()


def open_parquet(handle, shown: str, fields: Mapping[str, str] | None = None) -> pq.ParquetFile:
    """The Parquet file, with the columns the id and text come from and every column [inputs.fields] names."""
    import pyarrow.parquet as pq  # here: a build of JSONL or text inputs never needs it in its workers

    try:
        parquet = pq.ParquetFile(handle)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{shown}: not a readable Parquet file: {exc}") from None
    names = parquet.schema_arrow.names
    source = {target: column for column, target in (fields or {}).items()}
    for target in ("id", "text"):
        column = source.get(target, target)
        if column not in names:
            mapped = f" (mapped to {target})" if column != target else ""
            raise InputError(f"{shown}: column {column!r}{mapped} is missing (columns: {', '.join(names)})")
    for column, target in (fields or {}).items():
        if column not in names:
            raise InputError(f"{shown}: column {column!r}, which [inputs.fields] maps to {target}, is not in the "
                             f"file (columns: {', '.join(names)})")
    return parquet


def plan_parquet_file(file: Path, shown: str, rows_per_shard: int, log: ReadLog | None,
                      fields: Mapping[str, str] | None = None) -> list[tuple[int, int, int, int]]:
    """[(first_row_group, stop_row_group, first_row, rows)]: runs of consecutive row groups of at least
    `rows_per_shard` rows (the last may be smaller; a big row group is a shard alone). The file is hashed."""
    with open_input(file, shown) as handle:
        reader = HashedReader(handle, shown, log)
        for _ in reader.blocks():
            pass
        handle.seek(0)
        metadata = open_parquet(handle, shown, fields).metadata
        reader.finish()
    ranges: list[tuple[int, int, int, int]] = []
    start = row = rows = 0
    for group in range(metadata.num_row_groups):
        rows += metadata.row_group(group).num_rows
        if rows >= rows_per_shard or group == metadata.num_row_groups - 1:
            ranges.append((start, group + 1, row, rows))
            start, row, rows = group + 1, row + rows, 0
    return ranges


def read_parquet_groups(file: Path, shown: str, groups: range, first_row: int,
                        fields: Mapping[str, str] | None = None) -> Iterator[Document]:
    """The documents of some row groups of one file; `first_row` is the number of the first one's first row."""
    if len(groups):
        with open_input(file, shown) as handle:
            yield from _documents(handle, shown, fields, list(groups), first_row)


def _documents(handle, shown: str, fields: Mapping[str, str] | None, groups: list[int] | None = None,
               first_row: int = 0) -> Iterator[Document]:
    parquet = open_parquet(handle, shown, fields)
    row = first_row
    batches = parquet.iter_batches(batch_size=4096, row_groups=groups)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{shown}: cannot read rows after row {row}: {exc}") from None
        if batch is None:
            return
        for record in batch.to_pylist():
            yield record_document(record, f"{shown} row {row}", Origin(shown, row=row), fields)
            row += 1
