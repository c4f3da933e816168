"""Rows: the one reading pass over the release's tables. Every data shard is streamed a batch at a time (readable,
zstd, one Arrow schema matching the row schema, every row against the row schema, num_chars and text_sha256
agreeing with text, published_at a possible date, extra a JSON object); then ids unique across the release; then rejected/ and duplicates/. While reading, the
view's figures (rows and Arrow bytes per split, ids, side-table tallies) are filled for the later checks."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..memory import bounded_batches, oversized_row_group
from ...release.reader import SIDE_TABLES, ShardFile, split_order
from ...iso_dates import date_problem
from ...schema import side_table_schema
from ..report import Problem
from ..rows import RowValidator, document_row_validator, error_field, short_message
from ..view import ReleaseView, problem


def _unused_bitmap_bytes(arr: pa.Array) -> int:
    """Bytes of validity bitmaps on arrays (recursively) that have no nulls. A table built in memory (what the
    build measures for num_bytes) has no bitmap there; the same table read back from Parquet has one."""
    out = 0
    bufs = arr.buffers()
    if arr.null_count == 0 and bufs and bufs[0] is not None:
        out += bufs[0].size
    t = arr.type
    if pa.types.is_struct(t):
        out += sum(_unused_bitmap_bytes(arr.field(i)) for i in range(t.num_fields))
    elif pa.types.is_list(t) or pa.types.is_large_list(t):
        out += _unused_bitmap_bytes(arr.values)
    return out


def _batch_boundary_bytes(t: pa.DataType) -> int:
    """Most bytes one extra batch boundary can add to nbytes: an offset per variable-size array, a bitmap byte."""
    own = 1 + (8 if (pa.types.is_string(t) or pa.types.is_binary(t) or pa.types.is_large_string(t)
                     or pa.types.is_large_binary(t) or pa.types.is_list(t) or pa.types.is_large_list(t)) else 0)
    if pa.types.is_struct(t):
        own += sum(_batch_boundary_bytes(t.field(i).type) for i in range(t.num_fields))
    elif pa.types.is_list(t) or pa.types.is_large_list(t):
        own += _batch_boundary_bytes(t.value_type)
    return own


def schema_diff(actual: pa.Schema, expected: pa.Schema) -> list[tuple[str, str]]:
    """(field, what differs) between two Arrow schemas, fields and the `huggingface` metadata."""
    out: list[tuple[str, str]] = []
    a_names, e_names = actual.names, expected.names
    for name in e_names:
        if name not in a_names:
            out.append((name, f"column missing (expected {expected.field(name).type})"))
    for name in a_names:
        if name not in e_names:
            out.append((name, f"unexpected column of type {actual.field(name).type}"))
        elif actual.field(name).type != expected.field(name).type:
            out.append((name, f"column type is {actual.field(name).type}, expected {expected.field(name).type}"))
    common_a = [n for n in a_names if n in e_names]
    common_e = [n for n in e_names if n in a_names]
    if common_a != common_e:
        out.append(("(columns)", f"column order is {', '.join(a_names)}; expected {', '.join(e_names)}"))
    if not out:
        out += _metadata_diff(actual, expected)
    return out


def _metadata_diff(actual: pa.Schema, expected: pa.Schema) -> list[tuple[str, str]]:
    a_meta = (actual.metadata or {}).get(b"huggingface")
    e_meta = (expected.metadata or {}).get(b"huggingface")
    if e_meta is None:
        return []
    if a_meta is None:
        return [("(schema metadata)", "the `huggingface` features metadata key is missing")]
    try:
        same = json.loads(a_meta) == json.loads(e_meta)
    except ValueError:
        same = False
    return [] if same else [("(schema metadata)", "the `huggingface` features metadata differs from the row schema's")]


# -- data shards -------------------------------------------------------------------------------------------------

def shard_problems(view: ReleaseView) -> Iterator[Problem]:
    expected = view.release.row_schema()
    validator = document_row_validator()
    first_schema: tuple[str, pa.Schema] | None = None
    for split in sorted(view.shards, key=split_order):
        for shard in sorted(view.shards[split], key=lambda s: (s.index, s.count, s.path)):
            rel = shard.path
            try:
                pf = view.release.parquet(rel)
                schema = pf.schema_arrow
            except Exception as exc:  # truncated, not Parquet, unreadable
                yield problem(rel, f"not a readable Parquet file: {type(exc).__name__}: {exc}", check="parquet")
                continue
            view.parquet_rows[rel] = pf.metadata.num_rows
            if why := oversized_row_group(pf):
                yield problem(rel, why, check="parquet")
                continue
            codecs = {pf.metadata.row_group(g).column(c).compression
                      for g in range(pf.metadata.num_row_groups) for c in range(pf.metadata.num_columns)}
            if codecs - {"ZSTD"}:
                yield problem(rel, f"compressed with {', '.join(sorted(codecs))}; release shards use zstd",
                              check="parquet")
            for fld, what in schema_diff(schema, expected):
                yield problem(rel, f"Arrow schema differs from the row schema: {what}", field=fld, check="schema")
            if first_schema is None:
                first_schema = (rel, schema)
            elif not schema.equals(first_schema[1], check_metadata=True):
                for fld, what in schema_diff(schema, first_schema[1]):
                    yield problem(rel, f"shards do not share one Arrow schema: differs from {first_schema[0]}: "
                                  f"{what}", field=fld, check="schema")
            yield from shard_row_problems(view, shard, pf, validator)


def shard_row_problems(view: ReleaseView, shard: ShardFile, pf, validator: RowValidator) -> Iterator[Problem]:
    """Every row of one shard, streamed; adds its rows, bytes and ids to the view when it reads to the end."""
    rel, split = shard.path, shard.split
    offset = 0
    ids: list[pa.Array] = []
    batches = 0
    try:
        for batch in bounded_batches(pf):
            batches += 1
            view.split_nbytes_raw[split] += batch.nbytes
            view.split_nbytes[split] += batch.nbytes - sum(_unused_bitmap_bytes(c) for c in batch.columns)
            if batches > 1:
                view.split_nbytes_slack[split] += sum(_batch_boundary_bytes(f.type) for f in batch.schema)
            result = validator.validate_batch(batch, max_rows_per_column=view.max_per_kind or None)
            view.invalid_rows += len(result.invalid)
            for i, error in result.errors:
                yield problem(rel, short_message(error), row=offset + i, field=error_field(error), check="rows",
                              kind=str(error.validator))
            for column, hidden in result.unreported.items():
                view.unreported[f"{rel}: {column}: invalid rows"] += hidden
            yield from consistency_problems(rel, batch, offset)
            if "id" in batch.schema.names:
                ids.append(batch.column("id"))
            offset += batch.num_rows
    except Exception as exc:
        yield problem(rel, f"cannot read rows after row {offset}: {type(exc).__name__}: {exc}", check="parquet")
        return
    view.readable_shards.add(rel)
    view.rows_checked += offset
    view.split_rows[split] += offset
    if ids:
        view.kept_ids.append(pa.chunked_array(ids).combine_chunks())
        view.kept_id_files.append(rel)


def consistency_problems(rel: str, batch: pa.RecordBatch, offset: int) -> Iterator[Problem]:
    """What the schema cannot say: num_chars and text_sha256 agree with text, dates exist, extra is JSON."""
    names = batch.schema.names
    yield from value_problems(rel, batch, offset)
    if "text" not in names or not pa.types.is_string(batch.schema.field("text").type):
        return
    text = batch.column("text")
    if "num_chars" in names and pa.types.is_integer(batch.schema.field("num_chars").type):
        differs = pc.fill_null(pc.not_equal(pc.utf8_length(text), batch.column("num_chars")), False)
        for i in np.flatnonzero(differs.to_numpy(zero_copy_only=False)).tolist():
            n = batch.column("num_chars")[i].as_py()
            yield problem(rel, f"num_chars is {n} but text has {len(text[i].as_py())} code points", row=offset + i,
                          field="num_chars", check="rows", kind="consistency")
    if "text_sha256" in names and pa.types.is_string(batch.schema.field("text_sha256").type):
        texts = text.cast(pa.binary()).to_pylist()  # the UTF-8 bytes as stored: no decoding and encoding again
        shas = batch.column("text_sha256").to_pylist()
        sha = hashlib.sha256
        for i, (t, s) in enumerate(zip(texts, shas)):
            if t is not None and s is not None and sha(t).hexdigest() != s:
                yield problem(rel, "text_sha256 is not the SHA-256 of text (UTF-8)", row=offset + i,
                              field="text_sha256", check="rows", kind="consistency")


def value_problems(rel: str, batch: pa.RecordBatch, offset: int) -> Iterator[Problem]:
    """published_at a date the calendar has (the pattern admits 2020-13-45); extra the text of a JSON object."""
    names = batch.schema.names
    if "published_at" in names and pa.types.is_string(batch.schema.field("published_at").type):
        for i, value in enumerate(batch.column("published_at").to_pylist()):
            if value is not None and (why := date_problem(value)):
                yield problem(rel, f"published_at {value!r} {why}", row=offset + i, field="published_at",
                              check="rows", kind="consistency")
    if "extra" in names and pa.types.is_string(batch.schema.field("extra").type):
        for i, value in enumerate(batch.column("extra").to_pylist()):
            if value is not None and (why := _extra_problem(value)):
                yield problem(rel, f"extra {why}", row=offset + i, field="extra", check="rows", kind="consistency")


def _extra_problem(value: str) -> str | None:
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        return f"is not JSON ({exc})"
    if not isinstance(parsed, dict) or not parsed:
        return "must be a non-empty JSON object (null when the input has no other field)"
    return None


def unique_id_problems(view: ReleaseView) -> Iterator[Problem]:
    if not view.kept_ids:
        return
    lengths = [len(a) for a in view.kept_ids]
    ids = pa.chunked_array([a.cast(pa.string()) for a in view.kept_ids]).combine_chunks()
    counts = pa.table({"id": ids}).group_by("id").aggregate([("id", "count")])
    dup = counts.filter(pc.greater(counts["id_count"], 1))["id"]
    if not len(dup):
        return
    where: dict[str, list[tuple[str, int]]] = defaultdict(list)
    is_dup = pc.is_in(ids, value_set=dup).to_numpy(zero_copy_only=False)
    starts = np.cumsum([0] + lengths)
    for pos in np.flatnonzero(is_dup).tolist():
        k = int(np.searchsorted(starts, pos, side="right") - 1)
        where[ids[pos].as_py()].append((view.kept_id_files[k], pos - int(starts[k])))
    for value, places in where.items():
        first_file, first_row = places[0]
        for file, row in places[1:]:
            yield problem(file, f"id {value!r} is not unique: also in {first_file} row {first_row}", row=row,
                          field="id", check="ids", kind="duplicate-id")


# -- rejected/ and duplicates/ -----------------------------------------------------------------------------------

def side_table_problems(view: ReleaseView) -> Iterator[Problem]:
    kept = pa.chunked_array([a.cast(pa.string()) for a in view.kept_ids] or [pa.array([], pa.string())])
    kept = kept.combine_chunks()
    for side in SIDE_TABLES:
        schema = side_table_schema(side)
        columns = {name: schema.field(name).type for name in schema.names}
        for rel in [f for f in view.files if f.startswith(f"{side}/") and f.endswith(".parquet")]:
            try:
                pf = view.release.parquet(rel)
                unread = oversized_row_group(pf)
            except Exception as exc:
                unread = f"not a readable Parquet file: {type(exc).__name__}: {exc}"
            if unread:
                yield problem(rel, unread, check="parquet")
                if side == "rejected":
                    view.rejected_complete = False
                continue
            view.parquet_rows[rel] = pf.metadata.num_rows
            column_problems, ok = _side_table_column_problems(rel, pf.schema_arrow, columns)
            yield from column_problems
            try:
                if side == "rejected":
                    yield from _rejected_problems(view, rel, pf, ok)
                else:
                    view.duplicates_rows += pf.metadata.num_rows
                    if ok and view.all_read():
                        offset = 0
                        for batch in bounded_batches(pf, ["duplicate_of", "text", "text_sha256"]):
                            yield from duplicates_problems(rel, pa.Table.from_batches([batch]), kept, offset)
                            offset += batch.num_rows
            except Exception as exc:
                yield problem(rel, f"cannot read rows: {type(exc).__name__}: {exc}", check="parquet")
                if side == "rejected":
                    view.rejected_complete = False


def _side_table_column_problems(rel: str, schema: pa.Schema, columns: dict[str, pa.DataType]
                                ) -> tuple[list[Problem], bool]:
    """The column problems of a side table, and whether every expected column is there with its type."""
    out: list[Problem] = []
    ok = True
    for name, typ in columns.items():
        if name not in schema.names:
            out.append(problem(rel, f"column missing (expected {typ})", field=name, check="schema"))
            ok = False
        elif schema.field(name).type != typ:
            out.append(problem(rel, f"column type is {schema.field(name).type}, expected {typ}", field=name,
                               check="schema"))
            ok = False
    for name in schema.names:
        if name not in columns:
            out.append(problem(rel, f"unexpected column of type {schema.field(name).type}", field=name,
                               check="schema"))
    return out, ok


def _rejected_problems(view: ReleaseView, rel: str, pf, ok: bool) -> Iterator[Problem]:
    view.rejected_rows += pf.metadata.num_rows
    view.rejected_complete = ok and view.rejected_complete is not False
    if not ok:
        return
    r = 0
    for batch in bounded_batches(pf, ["stage", "reason"]):
        for stage, reason in zip(batch.column("stage").to_pylist(), batch.column("reason").to_pylist()):
            if not stage or not reason:
                yield problem(rel, "every rejected document names its stage and reason", row=r,
                              field="stage" if not stage else "reason", check="rows", kind="rejected")
            view.rejected_reasons[(stage, reason)] += 1
            r += 1


def duplicates_problems(rel: str, table: pa.Table, kept: pa.Array, offset: int = 0) -> Iterator[Problem]:
    of = table["duplicate_of"].combine_chunks()
    known = pc.fill_null(pc.is_in(of, value_set=kept), False).to_numpy(zero_copy_only=False)
    for r in np.flatnonzero(~known).tolist():
        yield problem(rel, f"duplicate_of {of[r].as_py()!r} is not the id of a kept row", row=offset + r,
                      field="duplicate_of", check="rows", kind="dangling")
    for r, (t, s) in enumerate(zip(table["text"].to_pylist(), table["text_sha256"].to_pylist()), start=offset):
        if t is None or s != hashlib.sha256(t.encode("utf-8")).hexdigest():
            yield problem(rel, "text_sha256 is not the SHA-256 of text (UTF-8)", row=r, field="text_sha256",
                          check="rows", kind="consistency")
