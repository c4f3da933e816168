"""Streaming sinks: the kept, rejected and duplicate rows of each shard are written as they come, as runs sorted
by id; once every shard is done the runs of a sink are merged into its final Parquet shards.

The final bytes depend only on the set of rows: runs are merged by id (ties are impossible, ids are unique), the
merged stream is cut into fixed batches before any size is measured, so the shard count, the shard boundaries
and the row groups are the same whatever the engine, the shard size or the worker count.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from operator import attrgetter
from pathlib import Path

import pyarrow as pa

from ..document import Document
from ..schema import document_arrow_schema, document_arrow_types, side_table_schema
from .parquet_shards import MAX_SHARD_BYTES, WrittenFile, shard_name, write_parquet
from .row_columns import document_table, side_table

SPLIT_SINKS = ("train", "validation", "test")
SINKS = (*SPLIT_SINKS, "rejected", "duplicates")
BATCH_ROWS = 1024  # the fixed cut of a merged stream, so sizes are measured the same way by every build
MAX_MERGE_RUNS = 64  # runs merged at once (more are merged in levels): the merge holds a batch of each
RUN_BATCH_ROWS = 256  # a run is read a batch at a time while it is merged with every other run of its sink
STEP_ROWS = 8192  # rows a merge step takes from all the runs at most (each run reads this many ids ahead at most)
# Runs are not compressed: they live in the work folder only until the release is written, as the documents handed
# from phase to phase do (also uncompressed, and larger). lz4 took 0.37 s of the workers' CPU for the bench corpus's
# 173 MB of runs, to make them 104 MB.
_RUN_OPTIONS = pa.ipc.IpcWriteOptions()


def sink_schema(sink: str) -> pa.Schema:
    """The Arrow schema of a sink's final shards: a split's carries the features metadata, derived by `datasets`
    (an import of about a second), which only the release writer needs."""
    return side_table_schema(sink) if sink in ("rejected", "duplicates") else document_arrow_schema()


def run_schemas() -> dict[str, pa.Schema]:
    """The schemas of the sinks' runs: the final shards' columns without the features metadata, derived in pyarrow
    alone, so no process of the build imports `datasets` before it writes the release (the merge takes the runs'
    batches into the final schema, metadata and all)."""
    return {sink: side_table_schema(sink) if sink in ("rejected", "duplicates") else document_arrow_types()
            for sink in SINKS}


def sink_of(doc: Document) -> str:
    """Where a finished document goes: rejected, duplicates, or its split."""
    if doc.rejection is not None:
        return "rejected"
    return "duplicates" if doc.duplicate_of is not None else doc.split


def write_runs(docs: Iterable[Document], folder: Path, name: str, schemas: dict[str, pa.Schema]) -> dict[str, str]:
    """One run per non-empty sink, `<name>.<sink>.arrow`, rows sorted by id; returns sink -> file name."""
    by_sink: dict[str, list[Document]] = {}
    for doc in docs:
        by_sink.setdefault(sink_of(doc), []).append(doc)
    written = {}
    for sink, sink_docs in by_sink.items():
        sink_docs.sort(key=attrgetter("id"))
        path = folder / f"{name}.{sink}.arrow"
        temporary = path.with_name(f".{path.name}.tmp")
        schema = schemas[sink]
        # built a column at a time, no dict per row
        table = document_table(sink_docs, schema) if sink in SPLIT_SINKS else side_table(sink_docs, sink, schema)
        with pa.OSFile(str(temporary), "wb") as out, pa.ipc.new_file(out, table.schema, options=_RUN_OPTIONS) as writer:
            writer.write_table(table, max_chunksize=RUN_BATCH_ROWS)
        temporary.replace(path)
        written[sink] = path.name
    return written


class _Run:
    """One sorted run, read two ways: its ids ahead of its rows (the id column alone, as Python strings, so a merge
    step compares and bisects strings instead of calling into Arrow for every run; UTF-8 order is code point
    order: the same as Arrow's sort), and its rows a record batch at a time, only as far as a step takes them.
    `ids[pos:]` are the ids of the run's rows `row`, `row + 1`, ... not merged yet."""

    def __init__(self, path: Path) -> None:
        # Read, not memory-mapped: a mapped run's pages stay resident (and counted) until the merge ends, so the
        # merge would hold every run of the sink instead of one batch per run.
        # One thread: a run's batch is small, and handing its buffers' decompression to Arrow's thread pool cost
        # three times the read itself (235 against 79 us a 256-row batch).
        options = pa.ipc.IpcReadOptions(use_threads=False)
        self._rows = pa.ipc.open_file(pa.OSFile(str(path)), options=options)
        id_only = pa.ipc.IpcReadOptions(use_threads=False, included_fields=[self._rows.schema.get_field_index("id")])
        self._ids = pa.ipc.open_file(pa.OSFile(str(path)), options=id_only)
        self._next_ids = 0  # the next batch whose ids are read
        self.ids: list[str] = []
        self.pos = 0
        self.row = 0  # the run's row number of ids[pos]
        self._batch: pa.RecordBatch | None = None  # the rows' batch being taken from, starting at run row _batch_first
        self._batch_first = 0
        self._next_rows = 0
        self._read_ids(1)

    @property
    def done(self) -> bool:
        return self.pos == len(self.ids)

    def _read_ids(self, wanted: int) -> None:
        """At least `wanted` ids not merged yet (or all the run has left); the merged ones are dropped."""
        if self.pos:
            del self.ids[:self.pos]
            self.pos = 0
        while len(self.ids) < wanted and self._next_ids < self._ids.num_record_batches:
            self.ids += self._ids.get_batch(self._next_ids).column(0).to_pylist()
            self._next_ids += 1

    def horizon(self, rows: int) -> str:
        """The id of the run's `rows`-th next row (its last row's, when fewer are left)."""
        if len(self.ids) - self.pos < rows:
            self._read_ids(rows)
        return self.ids[min(self.pos + rows, len(self.ids)) - 1]

    def take_through(self, bound: str) -> list[pa.RecordBatch]:
        """The leading rows with an id <= `bound` (the run is sorted), removed from the run: slices of its batches."""
        stop = bisect.bisect_right(self.ids, bound, self.pos)
        parts = self._rows_until(self.row + stop - self.pos)
        self.row += stop - self.pos
        self.pos = stop
        if self.pos == len(self.ids):
            self._read_ids(1)
        return parts

    def _rows_until(self, end: int) -> list[pa.RecordBatch]:
        parts, row = [], self.row
        while row < end:
            if self._batch is None or row >= self._batch_first + self._batch.num_rows:
                if self._batch is not None:
                    self._batch_first += self._batch.num_rows
                self._batch = self._rows.get_batch(self._next_rows)
                self._next_rows += 1
                continue
            offset = row - self._batch_first
            length = min(end - row, self._batch.num_rows - offset)
            parts.append(self._batch.slice(offset, length))
            row += length
        return parts


def _merged_slices(runs: Sequence[Path], schema: pa.Schema) -> Iterator[pa.Table]:
    """The runs' rows in id order, as tables of at most STEP_ROWS rows. Each step reads every run's ids ahead by an
    equal share of STEP_ROWS, takes from every run the rows up to the smallest id so reached, and sorts those alone:
    every row left in any run sorts after them. A step therefore takes thousands of rows, whatever the runs' batch
    size, and its fixed cost (one sort and one take over every column) is paid a few dozen times a sink instead of
    once every few hundred rows. Memory: a batch of rows of each run and one step's rows. A tie (ids are unique,
    so none) would keep the runs' order, as the sort is stable."""
    import pyarrow.compute as pc  # here: the workers import this module to write runs, and never merge them

    open_runs = [run for run in map(_Run, runs) if not run.done]
    while open_runs:
        share = max(1, STEP_ROWS // len(open_runs))
        bound = min(run.horizon(share) for run in open_runs)
        parts = [part for run in open_runs for part in run.take_through(bound)]
        open_runs = [run for run in open_runs if not run.done]
        table = pa.Table.from_batches(parts, schema)
        yield table if len(parts) == 1 else table.take(pc.sort_indices(table, [("id", "ascending")]))


def merged_batches(runs: Sequence[Path], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Every row of the runs in id order, cut into batches of BATCH_ROWS rows (the last one shorter)."""
    pending: list[pa.Table] = []
    pending_rows = 0
    for table in _merged_slices(runs, schema):
        pending.append(table)
        pending_rows += table.num_rows
        if pending_rows >= BATCH_ROWS:
            joined = pa.concat_tables(pending).combine_chunks()
            whole = pending_rows - pending_rows % BATCH_ROWS
            for start in range(0, whole, BATCH_ROWS):
                yield joined.slice(start, BATCH_ROWS).to_batches()[0]
            pending = [joined.slice(whole)] if whole < pending_rows else []
            pending_rows -= whole
    if pending_rows:
        yield pa.concat_tables(pending).combine_chunks().to_batches()[0]


def _run_rows(path: Path) -> Iterator[dict]:
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches):
            yield from reader.get_batch(i).to_pylist()


def merge_runs(runs: Sequence[Path], schema: pa.Schema, merged: Path, on_batch=None) -> None:
    """Merge sorted runs into one Arrow file of fixed batches (uncompressed: each shard is read back from it a column
    at a time). `on_batch` sees every batch as it passes (the datasheet's tally)."""
    with pa.OSFile(str(merged), "wb") as out, pa.ipc.new_file(out, schema) as writer:
        for batch in merged_batches(runs, schema):
            if on_batch is not None:
                on_batch(batch)
            writer.write_batch(batch)


def _fewer_runs(runs: Sequence[Path], schema: pa.Schema, scratch: Path, prefix: str) -> list[Path]:
    """The runs merged MAX_MERGE_RUNS at a time into longer runs in `scratch`, level after level, until at most
    MAX_MERGE_RUNS are left: the final merge holds a batch of each run, so without this its memory would grow
    with the number of shards. Each level's files are removed once the next level is written."""
    runs, level = list(runs), 0
    while len(runs) > MAX_MERGE_RUNS:
        longer = []
        for start in range(0, len(runs), MAX_MERGE_RUNS):
            path = scratch / f"{prefix}.level-{level}.{len(longer):05d}.arrow"
            with pa.OSFile(str(path), "wb") as out, pa.ipc.new_file(out, schema, options=_RUN_OPTIONS) as writer:
                for batch in merged_batches(runs[start:start + MAX_MERGE_RUNS], schema):
                    writer.write_table(pa.Table.from_batches([batch]), max_chunksize=RUN_BATCH_ROWS)
            longer.append(path)
        if level:
            for path in runs:
                path.unlink()
        runs, level = longer, level + 1
    return runs


def write_sink(runs: Sequence[Path], schema: pa.Schema, folder: Path, prefix: str, release_dir: Path,
               scratch: Path, on_batch=None) -> list[WrittenFile]:
    """The sink's final shards, `{prefix}-{index:05d}-of-{count:05d}.parquet`, of at most MAX_SHARD_BYTES of
    Arrow data each, rows in id order. No runs: one empty shard (an empty split loads with its features). A small
    sink is merged in memory (IN_MEMORY_FRACTION), a larger one through a merged file read back shard by shard."""
    merged = scratch / f"{prefix}.merged.arrow"
    final_runs = _fewer_runs(runs, schema, scratch, prefix)
    if sum(path.stat().st_size for path in final_runs) <= MAX_SHARD_BYTES // IN_MEMORY_FRACTION:
        return [_write_in_memory(final_runs, runs, schema, folder / shard_name(prefix, 0, 1), release_dir, on_batch)]
    merge_runs(final_runs, schema, merged, on_batch)
    _remove_levels(final_runs, runs)
    # Measured on the fixed batches as read back (one chunk each), so on the rows alone: not on how the runs were
    # cut, nor on the buffers the merge happened to build.
    batch_rows, nbytes = _batch_sizes(merged)
    rows = sum(batch_rows)
    count = max(1, math.ceil(nbytes / MAX_SHARD_BYTES))
    per_shard = math.ceil(rows / count) if rows else 0
    written = []
    for index in range(count):
        part = _rows_of(merged, schema, batch_rows, index * per_shard, min(rows, (index + 1) * per_shard))
        written.append(write_parquet(part, folder / shard_name(prefix, index, count), release_dir))
        del part
    merged.unlink()
    return written


# A sink whose runs' files hold at most a third of a shard's bytes is merged in memory and written as its one shard
# (its rows' Arrow size is the runs' less their files' framing: far below a shard, so the file path would cut one
# shard too). In exchange the merged file is neither written nor read back a column at a time: 0.3 s of the bench
# corpus's train split, the longest part of publishing (its runs: 102 MB, and 125 MB with every stage off). The
# merged batches are combined a column at a time, each column's batches let go once it is combined, so the rows
# are held about once and a column more (the largest, text, is 38% of the bench's train rows), not twice. Larger
# sinks take the file path: memory stays one shard.
IN_MEMORY_FRACTION = 3


def _write_in_memory(final_runs: Sequence[Path], runs: Sequence[Path], schema: pa.Schema, path: Path,
                     release_dir: Path, on_batch=None) -> WrittenFile:
    """Every row of the runs, merged as merge_runs merges them, written as one shard from one table of one chunk a
    column: what `_rows_of` reads back from the merged file for the whole of it (tests/test_engine.py compares the
    two ways' files). `on_batch` sees the merged batches (the same rows, cut the same way, as views of the combined
    table) in a thread of its own while the shard is encoded (Parquet's encoding runs without the GIL): 0.15 s of
    the bench corpus's train split off the path."""
    table = _combined(merged_batches(final_runs, schema), schema)
    _remove_levels(final_runs, runs)
    with ThreadPoolExecutor(max_workers=1) as tally:
        batches = table.to_batches(max_chunksize=BATCH_ROWS)
        tallied = tally.submit(lambda: [on_batch(batch) for batch in batches] if on_batch is not None else None)
        written = write_parquet(table, path, release_dir)
        tallied.result()  # its error, if any, is the sink's
    return written


def _combined(batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> pa.Table:
    """`pa.Table.from_batches(batches, schema).combine_chunks()`, holding the rows about once: the batches are taken
    apart into columns, and each column's pieces are dropped as soon as that column is combined."""
    columns: list[list[pa.Array] | None] = [[] for _ in schema]
    for batch in batches:
        for pieces, column in zip(columns, batch.columns):
            pieces.append(column)
        del batch  # only the columns hold its buffers now
    combined = []
    for i, field in enumerate(schema):
        combined.append(pa.chunked_array(columns[i], field.type).combine_chunks())
        columns[i] = None  # this column's merged buffers go back to the pool before the next column is combined
    return pa.Table.from_arrays(combined, schema=schema)


def _remove_levels(final_runs: Sequence[Path], runs: Sequence[Path]) -> None:
    """The longer runs `_fewer_runs` made, once merged (the engine's own runs stay: the work folder owns them)."""
    for path in set(final_runs) - set(runs):
        path.unlink()


def _batch_sizes(merged: Path) -> tuple[list[int], int]:
    """Each batch's row count, and the Arrow size of all of them. Mapped: a batch's size is read from its metadata
    and offsets, so this touches a few pages, not the rows."""
    with pa.memory_map(str(merged)) as source:
        reader = pa.ipc.open_file(source)
        batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        return [b.num_rows for b in batches], sum(b.nbytes for b in batches)


def _rows_of(merged: Path, schema: pa.Schema, batch_rows: list[int], start: int, stop: int) -> pa.Table:
    """Rows [start, stop) of the merged file, as `slice(start, stop - start).combine_chunks()` of the whole file
    gives them (a column inside one batch stays that batch's slice), built a column at a time from reads of that
    column alone: the peak is the shard once, not the shard beside the mapped file it came from. `schema` is the
    one the file was written with (merge_runs)."""
    columns = []
    for field_index, field in enumerate(schema):
        options = pa.ipc.IpcReadOptions(included_fields=[field_index])
        pieces, first = [], 0
        with pa.OSFile(str(merged)) as source:
            reader = pa.ipc.open_file(source, options=options)
            for i, length in enumerate(batch_rows):
                if first < stop and first + length > start:
                    column = reader.get_batch(i).column(0)
                    pieces.append(column.slice(max(start - first, 0), min(stop, first + length) - max(start, first)))
                first += length
        # Combined as a one-column table, by the very call that combined the whole table: whether a piece's null
        # count is known decides whether the result gets a validity bitmap, which `num_bytes` counts.
        column = pa.Table.from_arrays([pa.chunked_array(pieces, type=field.type)], names=[field.name])
        columns.append(column.combine_chunks().column(0))
    return pa.Table.from_arrays(columns, schema=schema)
