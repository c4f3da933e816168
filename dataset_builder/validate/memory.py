"""Validate reads Parquet files one row group at a time, in batches of bounded size, so its memory follows the
largest row group, not the file (a 262 KB shard of highly compressible text once cost 2.9 GB). A row group whose
footer declares more than MAX_READ_ROW_GROUP_BYTES uncompressed is reported and not read: the build writes row groups
of at most 100 MiB (release/parquet_shards.py), so only a file made elsewhere has larger ones."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from ..release.reader import BATCH_ROWS

MAX_READ_ROW_GROUP_BYTES = 512 * 1024 * 1024
BATCH_BYTES = 64 * 1024 * 1024  # Arrow bytes per batch, about: rows per batch follow the row group's density


def oversized_row_group(pf: pq.ParquetFile) -> str | None:
    """Why the file is not read (a row group over the bound), or None."""
    for g in range(pf.metadata.num_row_groups):
        rg = pf.metadata.row_group(g)
        declared = max(rg.total_byte_size, sum(rg.column(c).total_uncompressed_size for c in range(rg.num_columns)))
        if declared > MAX_READ_ROW_GROUP_BYTES:
            return (f"row group {g} declares {declared:,} bytes uncompressed; validate reads at most "
                    f"{MAX_READ_ROW_GROUP_BYTES:,} at a time (write smaller row groups), so its rows are not checked")
    return None


def bounded_batches(pf: pq.ParquetFile, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Every row of the file, row group by row group, in batches of about BATCH_BYTES. A batch's columns are decoded
    in Arrow's threads: validation runs alone (a build's last step, once its workers are gone, or `validate`), so
    the cores are free (the bench corpus's release: 0.63-0.77 -> 0.55-0.61 s); the batches and their size are the
    same."""
    for g in range(pf.metadata.num_row_groups):
        rg = pf.metadata.row_group(g)
        rows = max(1, min(BATCH_ROWS, rg.num_rows * BATCH_BYTES // max(1, rg.total_byte_size)))
        yield from pf.iter_batches(batch_size=rows, row_groups=[g], columns=columns, use_threads=True)
