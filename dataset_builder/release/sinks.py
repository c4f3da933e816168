"""Streaming sinks: the kept, rejected and duplicate rows of each shard are written as they come, as runs sorted
by id; once every shard is done the runs of a sink are merged into its final Parquet shards.

The final bytes depend only on the set of rows: runs are merged by id (ties are impossible, ids are unique), the
merged stream is cut into fixed batches before any size is measured, so the shard count, the shard boundaries
and the row groups are the same whatever the engine, the shard size or the worker count.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from ..document import Document
from ..schema import document_arrow_schema, side_table_schema
from .parquet_shards import MAX_SHARD_BYTES, WrittenFile, shard_name, write_parquet

REJECTED_SCHEMA = side_table_schema("rejected")
DUPLICATES_SCHEMA = side_table_schema("duplicates")
SPLIT_SINKS = ("train", "validation", "test")
SINKS = (*SPLIT_SINKS, "rejected", "duplicates")
BATCH_ROWS = 1024  # the fixed cut of a merged stream, so sizes are measured the same way by every build
_RUN_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")


def sink_schema(sink: str) -> pa.Schema:
    return {"rejected": REJECTED_SCHEMA, "duplicates": DUPLICATES_SCHEMA}.get(sink) or document_arrow_schema()


def sink_row(doc: Document) -> tuple[str, dict]:
    """Where a finished document goes, and its row there."""
    if doc.rejection is not None:
        r = doc.rejection
        return "rejected", {"id": doc.id, "stage": r.stage, "reason": r.reason, "details": r.details,
                            "origin": doc.origin.to_dict(), "text": doc.raw_text}
    if doc.duplicate_of is not None:
        return "duplicates", {"id": doc.id, "duplicate_of": doc.duplicate_of, "kind": doc.duplicate_kind or "exact",
                              "similarity": 1.0 if doc.duplicate_similarity is None else doc.duplicate_similarity,
                              "origin": doc.origin.to_dict(), "text_sha256": doc.text_sha256, "text": doc.text}
    return doc.split, doc.to_row()


def write_runs(docs: Iterable[Document], folder: Path, name: str) -> dict[str, str]:
    """One run per non-empty sink, `<name>.<sink>.arrow`, rows sorted by id; returns sink -> file name."""
    rows: dict[str, list[dict]] = {}
    for doc in docs:
        sink, row = sink_row(doc)
        rows.setdefault(sink, []).append(row)
    written = {}
    for sink, sink_rows in rows.items():
        sink_rows.sort(key=lambda r: r["id"])
        path = folder / f"{name}.{sink}.arrow"
        temporary = path.with_name(f".{path.name}.tmp")
        table = pa.Table.from_pylist(sink_rows, schema=sink_schema(sink))
        with pa.OSFile(str(temporary), "wb") as out, pa.ipc.new_file(out, table.schema, options=_RUN_OPTIONS) as writer:
            writer.write_table(table, max_chunksize=BATCH_ROWS)
        temporary.replace(path)
        written[sink] = path.name
    return written


def _run_rows(path: Path) -> Iterator[dict]:
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches):
            yield from reader.get_batch(i).to_pylist()


def merged_rows(runs: Sequence[Path]) -> Iterator[dict]:
    """Every row of the runs, in id order."""
    return heapq.merge(*(_run_rows(p) for p in runs), key=lambda r: r["id"])


def merge_runs(runs: Sequence[Path], schema: pa.Schema, merged: Path, on_row=None) -> tuple[int, int]:
    """Merge sorted runs into one file of fixed batches; (rows, Arrow bytes of those batches). `on_row` sees
    every row as it passes (the datasheet's tally)."""
    rows = nbytes = 0
    with pa.OSFile(str(merged), "wb") as out, pa.ipc.new_file(out, schema, options=_RUN_OPTIONS) as writer:
        batch: list[dict] = []
        for row in merged_rows(runs):
            if on_row is not None:
                on_row(row)
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                rows, nbytes = _write_batch(writer, batch, schema, rows, nbytes)
                batch = []
        if batch:
            rows, nbytes = _write_batch(writer, batch, schema, rows, nbytes)
    return rows, nbytes


def _write_batch(writer, rows: list[dict], schema: pa.Schema, count: int, nbytes: int) -> tuple[int, int]:
    batch = pa.RecordBatch.from_pylist(rows, schema=schema)
    writer.write_batch(batch)
    return count + batch.num_rows, nbytes + batch.nbytes


def write_sink(runs: Sequence[Path], schema: pa.Schema, folder: Path, prefix: str, release_dir: Path,
               scratch: Path, on_row=None) -> list[WrittenFile]:
    """The sink's final shards, `{prefix}-{index:05d}-of-{count:05d}.parquet`, of at most MAX_SHARD_BYTES of
    Arrow data each, rows in id order. No runs: one empty shard (an empty split loads with its features)."""
    merged = scratch / f"{prefix}.merged.arrow"
    rows, nbytes = merge_runs(runs, schema, merged, on_row)
    count = max(1, math.ceil(nbytes / MAX_SHARD_BYTES))
    per_shard = math.ceil(rows / count) if rows else 0
    written = []
    with pa.memory_map(str(merged)) as source:
        table = pa.ipc.open_file(source).read_all()
        for index in range(count):
            part = table.slice(index * per_shard, per_shard) if per_shard else table
            written.append(write_parquet(part.combine_chunks(), folder / shard_name(prefix, index, count), release_dir))
        del table, part
    merged.unlink()
    return written
