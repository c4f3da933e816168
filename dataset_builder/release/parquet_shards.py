"""Parquet shards laid out as `datasets`' push_to_hub lays them out, Xet-friendly and byte-reproducible.

Every shard of every split is written with the one Arrow schema derived from the row schema (with the
`huggingface` features metadata), so a split whose column is all null still has the declared type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..hashing import file_sha256

# datasets' defaults: shards of at most 500 MB of uncompressed Arrow, row groups of at most 100 MB.
MAX_SHARD_BYTES = 500 * 1024 * 1024
MAX_ROW_GROUP_BYTES = 100 * 1024 * 1024
# The content-defined-chunking parameters datasets uses, so re-uploads of a changed release deduplicate on Xet.
CDC_OPTIONS = {"min_chunk_size": 256 * 1024, "max_chunk_size": 1024 * 1024, "norm_level": 0}


@dataclass(frozen=True)
class WrittenFile:
    path: str  # relative to the release folder, forward slashes
    sha256: str
    bytes: int
    rows: int | None
    arrow_bytes: int = 0  # uncompressed Arrow size, for dataset_info num_bytes



def write_parquet(table: pa.Table, path: Path, release_dir: Path) -> WrittenFile:
    import pyarrow.parquet as pq  # here: the build's workers import this module (its names) and write no Parquet

    path.parent.mkdir(parents=True, exist_ok=True)
    rows_per_group = table.num_rows
    if table.num_rows and table.nbytes > MAX_ROW_GROUP_BYTES:
        rows_per_group = max(1, table.num_rows * MAX_ROW_GROUP_BYTES // table.nbytes)
    options = dict(compression="zstd", use_content_defined_chunking=CDC_OPTIONS, write_page_index=True)
    if table.num_rows:
        pq.write_table(table, path, row_group_size=rows_per_group, **options)
    else:
        # No row group at all: `datasets` reads a zero-row row group with batch size 0 and fails, while a file
        # with the schema and no row groups loads as an empty split with the declared features.
        pq.ParquetWriter(path, table.schema, **options).close()
    sha256, size = file_sha256(path)
    return WrittenFile(path.relative_to(release_dir).as_posix(), sha256, size, table.num_rows, table.nbytes)


def shard_name(prefix: str, index: int, count: int) -> str:
    """push_to_hub's name: `{split}-{index:05d}-of-{count:05d}.parquet`."""
    return f"{prefix}-{index:05d}-of-{count:05d}.parquet"


def write_sharded(rows: list[dict], schema: pa.Schema, folder: Path, prefix: str, release_dir: Path) -> list[WrittenFile]:
    """Write `rows` (already in their final order) as one or more shards of at most MAX_SHARD_BYTES each.

    An empty list still gets one empty shard, so an empty split loads with the declared features."""
    table = pa.Table.from_pylist(rows, schema=schema)
    count = max(1, math.ceil(table.nbytes / MAX_SHARD_BYTES))
    per_shard = math.ceil(table.num_rows / count) if table.num_rows else 0
    written = []
    for index in range(count):
        part = table.slice(index * per_shard, per_shard) if per_shard else table
        written.append(write_parquet(part, folder / shard_name(prefix, index, count), release_dir))
    return written
