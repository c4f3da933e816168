"""Checks of a release folder `dist/<name>/<version>/` against the release layout.

Each check adds `Problem`s to a `Report`; nothing raises for a broken release. The checks, in order:
layout and file names, every shard (readable, one Arrow schema, every row against the row schema, num_chars and
text_sha256 consistent with the text), ids unique across the release, rejected/ and duplicates/, the manifest
(schema, files, hashes, sizes, counts adding up and matching the data), the card's YAML (configs, splits,
num_examples, num_bytes, sizes, features, Hub vocabularies), the datasheet, and loading with `datasets`.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import re
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from jsonschema import Draft202012Validator

from ..hashing import file_sha256
from ..schema import document_arrow_schema, document_features, load_schema
from .card_markup import markup_problems
from .containment import link_problems, outside_release
from .report import Problem, Report
from .rows import RowValidator, document_row_validator, error_field, short_message
from .vocab import LICENSES, SIZE_CATEGORIES, TASK_CATEGORIES, size_category

SPLIT_RE = re.compile(r"^\w+(\.\w+)*$")
# push_to_hub's shard names: {split}-{index:05d}-of-{count:05d}.parquet
SHARD_RE = re.compile(r"^(?P<split>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet$")
EXPECTED_SPLITS = ("train", "validation", "test")
DATASHEET_SECTIONS = (
    "Motivation", "Composition", "Collection Process", "Preprocessing/Cleaning/Labeling", "Uses", "Distribution",
    "Maintenance",
)
MORE_INFO = "[More Information Needed]"
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
BATCH_ROWS = 65_536


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


def _split_order(split: str) -> tuple[int, str]:
    return (EXPECTED_SPLITS.index(split) if split in EXPECTED_SPLITS else len(EXPECTED_SPLITS), split)



def _norm_heading(text: str) -> str:
    text = re.sub(r"^\s*(\d+[.)]?\s*)+", "", text)  # "3. Collection Process"
    return re.sub(r"[^a-z]", "", text.lower())


def _schema_diff(actual: pa.Schema, expected: pa.Schema) -> list[tuple[str, str]]:
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
    a_meta = (actual.metadata or {}).get(b"huggingface")
    e_meta = (expected.metadata or {}).get(b"huggingface")
    if e_meta is not None and not out:
        if a_meta is None:
            out.append(("(schema metadata)", "the `huggingface` features metadata key is missing"))
        else:
            try:
                same = json.loads(a_meta) == json.loads(e_meta)
            except ValueError:
                same = False
            if not same:
                out.append(("(schema metadata)", "the `huggingface` features metadata differs from the row schema's"))
    return out


class ReleaseChecker:
    def __init__(self, root: Path, report: Report, strict: bool = False, check_load: bool = True,
                 max_per_kind: int = 20):
        self.root = root
        self.report = report
        self.strict = strict
        self.check_load = check_load
        self.max_per_kind = max_per_kind
        self._kind_counts: Counter = Counter()
        # what the data says, filled in by the shard checks and used by manifest/card checks
        self.files: list[str] = []
        self.shards: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # split -> [(index, count, path)]
        self.split_rows: dict[str, int] = defaultdict(int)
        self.split_nbytes: dict[str, int] = defaultdict(int)  # Arrow bytes as a build measures them in memory
        self.split_nbytes_raw: dict[str, int] = defaultdict(int)  # Arrow bytes as read back
        self.split_nbytes_slack: dict[str, int] = defaultdict(int)  # what batch boundaries may add
        self.parquet_rows: dict[str, int] = {}
        self.readable_shards: set[str] = set()
        self.kept_ids: list[pa.Array] = []
        self.kept_id_files: list[str] = []
        self.rejected_rows = 0
        self.rejected_reasons: Counter = Counter()
        self.rejected_complete: bool | None = None  # every rejected/ file read with its stage and reason columns
        self.duplicates_rows = 0
        self.rows_checked = 0
        self.invalid_rows = 0  # rows the row schema rejects, all of them counted (messages are capped)

    # -- reporting -------------------------------------------------------------------------------------------

    def problem(self, file: str, message: str, row: int | None = None, field: str | None = None,
                line: int | None = None, check: str = "", kind: str = "") -> None:
        """Add a problem; past `max_per_kind` problems of one kind in one file (the same field and check),
        the rest are only counted, so a column broken in a million rows gives twenty lines and a count."""
        if row is not None and self.max_per_kind:
            base_field = re.sub(r"\[\d+\]", "[]", field or "")
            key = f"{file}|{check}|{base_field}|{kind}"
            self._kind_counts[key] += 1
            if self._kind_counts[key] > self.max_per_kind:
                label = f"{file}: {base_field or '(row)'}: {kind or check}"
                self.report.suppressed[label] = self.report.suppressed.get(label, 0) + 1
                return
        self.report.add(Problem(file=file, message=message, row=row, field=field, line=line, check=check))

    # -- entry -----------------------------------------------------------------------------------------------

    def run(self) -> None:
        started = time.perf_counter()
        names = ["layout", "shards", "unique_ids", "side_tables", "manifest", "card", "markup", "datasheet",
                 "croissant"]
        if self.check_load:
            names.append("loads")
        if self.check_links():
            names = []  # a link may lead outside the release: nothing more is opened
        for name in names:
            try:
                getattr(self, f"check_{name}")()
            except Exception as exc:  # a bug of ours, or a release broken in a way nobody foresaw: still report
                self.problem("", f"the {name} check could not finish: {type(exc).__name__}: {exc}", check=name)
        self.report.stats.update(
            rows_checked=self.rows_checked,
            invalid_rows=self.invalid_rows,
            files_checked=len(self.files),
            splits={k: self.split_rows.get(k, 0) for k in sorted(set(self.split_rows) | set(self.shards))},
            seconds=round(time.perf_counter() - started, 3),
        )

    # -- links: nothing outside the release is read -----------------------------------------------------------

    def check_links(self) -> bool:
        """Report every symbolic link in the release; true when there is one."""
        links = link_problems(self.root)
        for file, message in links:
            self.problem(file, message, check="layout")
        return bool(links)

    # -- layout ----------------------------------------------------------------------------------------------

    def check_layout(self) -> None:
        self.files = sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file() and not p.is_symlink()
        )
        for required in ("README.md", "manifest.json", "DATASHEET.md"):
            if not (self.root / required).is_file():
                self.problem(required, "missing: every release has README.md (card), manifest.json and DATASHEET.md",
                             check="layout")
        data_files = [f for f in self.files if f.startswith("data/")]
        if not data_files:
            self.problem("data/", "no data shards: expected data/<split>-00000-of-0000N.parquet", check="layout")
        for f in data_files:
            name = f[len("data/"):]
            m = SHARD_RE.match(name)
            if "/" in name or m is None:
                self.problem(f, "not a shard name the Hub resolves: expected data/<split>-<index:05d>-of-<count:05d>"
                             ".parquet", check="layout")
                continue
            split = m.group("split")
            if not SPLIT_RE.match(split):
                self.problem(f, f"split name {split!r} is not allowed by the Hub (must match ^\\w+(\\.\\w+)*$)",
                             check="layout", field="split")
            self.shards[split].append((int(m.group("index")), int(m.group("count")), f))
        for split, shards in sorted(self.shards.items()):
            counts = {c for _, c, _ in shards}
            indices = sorted(i for i, _, _ in shards)
            first = sorted(shards)[0][2]
            if len(counts) != 1:
                self.problem(first, f"split {split!r}: shards disagree on the shard count ({sorted(counts)})",
                             check="layout")
                continue
            count = counts.pop()
            missing = sorted(set(range(count)) - set(indices))
            if missing:
                names = ", ".join(f"data/{split}-{i:05d}-of-{count:05d}.parquet" for i in missing)
                self.problem(f"data/{split}-{missing[0]:05d}-of-{count:05d}.parquet",
                             f"split {split!r} has {count} shards but {len(missing)} missing: {names}", check="layout")
            extra = [i for i in indices if i >= count]
            for i in extra:
                self.problem(f"data/{split}-{i:05d}-of-{count:05d}.parquet",
                             f"shard index {i} is out of range for {count} shards", check="layout")
        # A split with no rows has no shard and is left out of the card (datasets cannot load an empty split);
        # the manifest still counts it, and the counts check holds its shards to that count.
        for side in ("rejected", "duplicates"):
            files = [f for f in self.files if f.startswith(f"{side}/")]
            if not files:
                what = "rejected document" if side == "rejected" else "duplicate document"
                self.problem(f"{side}/{side}-00000-of-00001.parquet", f"missing: the release keeps every {what} in "
                             f"{side}/ (an empty Parquet file when there are none)", check="layout")
            for f in files:
                m = SHARD_RE.match(f[len(side) + 1:])
                if m is None or m.group("split") != side:
                    self.problem(f, f"unexpected file name: expected {side}/{side}-<index:05d>-of-<count:05d>.parquet",
                                 check="layout")

    # -- data shards -----------------------------------------------------------------------------------------

    def check_shards(self) -> None:
        expected = document_arrow_schema()
        validator = document_row_validator()
        first_schema: tuple[str, pa.Schema] | None = None
        drift: list[str] = []
        for split in sorted(self.shards, key=_split_order):
            for _, _, rel in sorted(self.shards[split]):
                path = self.root / rel
                try:
                    pf = pq.ParquetFile(path)
                    schema = pf.schema_arrow
                except Exception as exc:  # truncated, not Parquet, unreadable
                    self.problem(rel, f"not a readable Parquet file: {type(exc).__name__}: {exc}", check="parquet")
                    continue
                self.parquet_rows[rel] = pf.metadata.num_rows
                codecs = {pf.metadata.row_group(g).column(c).compression
                          for g in range(pf.metadata.num_row_groups) for c in range(pf.metadata.num_columns)}
                if codecs - {"ZSTD"}:
                    self.problem(rel, f"compressed with {', '.join(sorted(codecs))}; release shards use zstd",
                                 check="parquet")
                for fld, what in _schema_diff(schema, expected):
                    self.problem(rel, f"Arrow schema differs from the row schema: {what}", field=fld, check="schema")
                if first_schema is None:
                    first_schema = (rel, schema)
                elif not schema.equals(first_schema[1], check_metadata=True):
                    drift.append(rel)
                    for fld, what in _schema_diff(schema, first_schema[1]):
                        self.problem(rel, f"shards do not share one Arrow schema: differs from {first_schema[0]}: "
                                     f"{what}", field=fld, check="schema")
                self._check_shard_rows(rel, pf, split, validator)

    def _check_shard_rows(self, rel: str, pf: pq.ParquetFile, split: str, validator: RowValidator) -> None:
        offset = 0
        ids: list[pa.Array] = []
        batches = 0
        try:
            for batch in pf.iter_batches(batch_size=BATCH_ROWS):
                batches += 1
                self.split_nbytes_raw[split] += batch.nbytes
                self.split_nbytes[split] += batch.nbytes - sum(_unused_bitmap_bytes(c) for c in batch.columns)
                if batches > 1:
                    self.split_nbytes_slack[split] += sum(_batch_boundary_bytes(f.type) for f in batch.schema)
                result = validator.validate_batch(batch, max_rows_per_column=self.max_per_kind or None)
                self.invalid_rows += len(result.invalid)
                for i, error in result.errors:
                    self.problem(rel, short_message(error), row=offset + i, field=error_field(error), check="rows",
                                 kind=str(error.validator))
                for column, hidden in result.unreported.items():
                    label = f"{rel}: {column}: invalid rows"
                    self.report.suppressed[label] = self.report.suppressed.get(label, 0) + hidden
                self._check_consistency(rel, batch, offset)
                if "id" in batch.schema.names:
                    ids.append(batch.column("id"))
                offset += batch.num_rows
        except Exception as exc:
            self.problem(rel, f"cannot read rows after row {offset}: {type(exc).__name__}: {exc}", check="parquet")
            return
        self.readable_shards.add(rel)
        self.rows_checked += offset
        self.split_rows[split] += offset
        if ids:
            self.kept_ids.append(pa.chunked_array(ids).combine_chunks())
            self.kept_id_files.append(rel)

    def _check_consistency(self, rel: str, batch: pa.RecordBatch, offset: int) -> None:
        """What the schema cannot say: num_chars and text_sha256 agree with text."""
        names = batch.schema.names
        if "text" not in names or not pa.types.is_string(batch.schema.field("text").type):
            return
        text = batch.column("text")
        if "num_chars" in names and pa.types.is_integer(batch.schema.field("num_chars").type):
            differs = pc.fill_null(pc.not_equal(pc.utf8_length(text), batch.column("num_chars")), False)
            for i in np.flatnonzero(differs.to_numpy(zero_copy_only=False)).tolist():
                n = batch.column("num_chars")[i].as_py()
                self.problem(rel, f"num_chars is {n} but text has {len(text[i].as_py())} code points", row=offset + i,
                             field="num_chars", check="rows", kind="consistency")
        if "text_sha256" in names and pa.types.is_string(batch.schema.field("text_sha256").type):
            texts = text.to_pylist()
            shas = batch.column("text_sha256").to_pylist()
            sha = hashlib.sha256
            for i, (t, s) in enumerate(zip(texts, shas)):
                if t is not None and s is not None and sha(t.encode("utf-8")).hexdigest() != s:
                    self.problem(rel, "text_sha256 is not the SHA-256 of text (UTF-8)", row=offset + i,
                                 field="text_sha256", check="rows", kind="consistency")

    def check_unique_ids(self) -> None:
        if not self.kept_ids:
            return
        lengths = [len(a) for a in self.kept_ids]
        ids = pa.chunked_array([a.cast(pa.string()) for a in self.kept_ids]).combine_chunks()
        counts = pa.table({"id": ids}).group_by("id").aggregate([("id", "count")])
        dup = counts.filter(pc.greater(counts["id_count"], 1))["id"]
        if not len(dup):
            return
        where: dict[str, list[tuple[str, int]]] = defaultdict(list)
        is_dup = pc.is_in(ids, value_set=dup).to_numpy(zero_copy_only=False)
        starts = np.cumsum([0] + lengths)
        for pos in np.flatnonzero(is_dup).tolist():
            k = int(np.searchsorted(starts, pos, side="right") - 1)
            where[ids[pos].as_py()].append((self.kept_id_files[k], pos - int(starts[k])))
        for value, places in where.items():
            first_file, first_row = places[0]
            for file, row in places[1:]:
                self.problem(file, f"id {value!r} is not unique: also in {first_file} row {first_row}", row=row,
                             field="id", check="ids", kind="duplicate-id")

    # -- rejected/ and duplicates/ ---------------------------------------------------------------------------

    def check_side_tables(self) -> None:
        origin_type = document_arrow_schema().field("origin").type
        expected = {
            "rejected": {"id": pa.string(), "stage": pa.string(), "reason": pa.string(), "details": pa.string(),
                         "origin": origin_type, "text": pa.string()},
            "duplicates": {"id": pa.string(), "duplicate_of": pa.string(), "origin": origin_type,
                           "text_sha256": pa.string(), "text": pa.string()},
        }
        kept = pa.chunked_array([a.cast(pa.string()) for a in self.kept_ids] or [pa.array([], pa.string())])
        kept = kept.combine_chunks()
        for side, columns in expected.items():
            for rel in [f for f in self.files if f.startswith(f"{side}/") and f.endswith(".parquet")]:
                try:
                    table = pq.read_table(self.root / rel)
                except Exception as exc:
                    self.problem(rel, f"not a readable Parquet file: {type(exc).__name__}: {exc}", check="parquet")
                    if side == "rejected":
                        self.rejected_complete = False
                    continue
                self.parquet_rows[rel] = table.num_rows
                ok = True
                for name, typ in columns.items():
                    if name not in table.schema.names:
                        self.problem(rel, f"column missing (expected {typ})", field=name, check="schema")
                        ok = False
                    elif table.schema.field(name).type != typ:
                        self.problem(rel, f"column type is {table.schema.field(name).type}, expected {typ}", field=name,
                                     check="schema")
                        ok = False
                for name in table.schema.names:
                    if name not in columns:
                        self.problem(rel, f"unexpected column of type {table.schema.field(name).type}", field=name,
                                     check="schema")
                if side == "rejected":
                    self.rejected_rows += table.num_rows
                    self.rejected_complete = ok and self.rejected_complete is not False
                    if ok:
                        for r, (stage, reason) in enumerate(zip(table["stage"].to_pylist(), table["reason"].to_pylist())):
                            if not stage or not reason:
                                self.problem(rel, "every rejected document names its stage and reason", row=r,
                                             field="stage" if not stage else "reason", check="rows", kind="rejected")
                            self.rejected_reasons[(stage, reason)] += 1
                else:
                    self.duplicates_rows += table.num_rows
                    if ok and all(self._split_fully_read(s) for s in self.shards):
                        self._check_duplicates(rel, table, kept)

    def _check_duplicates(self, rel: str, table: pa.Table, kept: pa.Array) -> None:
        of = table["duplicate_of"].combine_chunks()
        known = pc.fill_null(pc.is_in(of, value_set=kept), False).to_numpy(zero_copy_only=False)
        for r in np.flatnonzero(~known).tolist():
            self.problem(rel, f"duplicate_of {of[r].as_py()!r} is not the id of a kept row", row=r, field="duplicate_of",
                         check="rows", kind="dangling")
        for r, (t, s) in enumerate(zip(table["text"].to_pylist(), table["text_sha256"].to_pylist())):
            if t is None or s != hashlib.sha256(t.encode("utf-8")).hexdigest():
                self.problem(rel, "text_sha256 is not the SHA-256 of text (UTF-8)", row=r, field="text_sha256",
                             check="rows", kind="consistency")

    # -- manifest --------------------------------------------------------------------------------------------

    def check_manifest(self) -> dict | None:
        path = self.root / "manifest.json"
        if not path.is_file():
            return None
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
            data = json.loads(text)
        except UnicodeDecodeError as exc:
            self.problem("manifest.json", f"not UTF-8 at byte {exc.start}", check="manifest")
            return None
        except json.JSONDecodeError as exc:
            self.problem("manifest.json", f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno,
                         check="manifest")
            return None
        canonical = {json.dumps(data, sort_keys=True, indent=2, ensure_ascii=e) + "\n" for e in (False, True)}
        if text not in canonical:
            self.problem("manifest.json", "not in canonical form (sorted keys, 2-space indent, trailing newline)",
                         check="manifest")
        errors = list(Draft202012Validator(load_schema("manifest")).iter_errors(data))
        for e in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
            self.problem("manifest.json", short_message(e), field=error_field(e), check="manifest",
                         line=self._json_line(text, list(e.absolute_path)))
        if errors or not isinstance(data, dict):
            return None  # the cross-checks below assume the shape is right
        self._manifest_identity(data, text)
        self._manifest_files(data, text)
        self._manifest_counts(data, text)
        return data

    @staticmethod
    def _json_line(text: str, path: list[Any]) -> int | None:
        """The line of the last named key of `path` in pretty-printed JSON (good enough for annotations)."""
        keys = [p for p in path if isinstance(p, str)]
        if not keys:
            return None
        needle = f'"{keys[-1]}":'
        for n, line in enumerate(text.splitlines(), 1):
            if needle in line:
                return n
        return None

    def _manifest_identity(self, data: dict, text: str) -> None:
        version_dir, name_dir = self.root.name, self.root.parent.name
        if data["version"] != version_dir:
            self.problem("manifest.json", f"version {data['version']!r} but the release folder is {version_dir!r}",
                         field="version", check="manifest", line=self._json_line(text, ["version"]))
        if data["name"] != name_dir:
            self.problem("manifest.json", f"name {data['name']!r} but the release is in folder {name_dir!r} "
                         f"(dist/<name>/<version>)", field="name", check="manifest", line=self._json_line(text, ["name"]))

    def _manifest_files(self, data: dict, text: str) -> None:
        listed: dict[str, dict] = {}
        for k, entry in enumerate(data["files"]):
            if entry["path"] in listed:
                self.problem("manifest.json", f"{entry['path']} is listed twice", field=f"files[{k}].path",
                             check="manifest")
            listed[entry["path"]] = entry
        present = [f for f in self.files if f != "manifest.json"]
        for f in present:
            if f not in listed:
                self.problem(f, "file is in the release but not in manifest.json `files`", check="manifest")
        for k, (rel, entry) in enumerate(listed.items()):
            path = self.root / rel
            if not path.is_file():
                self.problem(rel, "listed in manifest.json `files` but missing from the release", check="manifest")
                continue
            size = path.stat().st_size
            if size != entry["bytes"]:
                self.problem(rel, f"size is {size} bytes; manifest.json says {entry['bytes']}", field="bytes",
                             check="manifest")
            digest = file_sha256(path)[0]
            if digest != entry["sha256"]:
                self.problem(rel, f"sha256 is {digest}; manifest.json says {entry['sha256']}", field="sha256",
                             check="manifest")
            if rel.endswith(".parquet"):
                rows = self.parquet_rows.get(rel)
                if entry["rows"] is None:
                    self.problem(rel, "manifest.json gives rows null for a Parquet file", field="rows", check="manifest")
                elif rows is not None and rows != entry["rows"]:
                    self.problem(rel, f"has {rows} rows; manifest.json says {entry['rows']}", field="rows",
                                 check="manifest")
            elif entry["rows"] is not None:
                self.problem(rel, f"manifest.json gives rows {entry['rows']} for a file that is not Parquet (null)",
                             field="rows", check="manifest")

    def _manifest_counts(self, data: dict, text: str) -> None:
        c = data["counts"]

        def bad(fld: str, msg: str) -> None:
            self.problem("manifest.json", msg, field=f"counts.{fld}", check="manifest",
                         line=self._json_line(text, ["counts", fld.split(".")[0]]))

        if c["read"] != c["rejected"] + c["duplicates"] + c["kept"]:
            bad("read", f"read ({c['read']}) != rejected ({c['rejected']}) + duplicates ({c['duplicates']}) + kept "
                f"({c['kept']}) = {c['rejected'] + c['duplicates'] + c['kept']}")
        total_splits = sum(c["splits"].values())
        if c["kept"] != total_splits:
            bad("kept", f"kept ({c['kept']}) != the sum of splits ({total_splits})")
        by_reason = sum(r["count"] for r in c["rejected_by_reason"])
        if c["rejected"] != by_reason:
            bad("rejected", f"rejected ({c['rejected']}) != the sum of rejected_by_reason ({by_reason})")
        inputs = sum(i["documents"] for i in data["inputs"])
        if data["inputs"] and inputs != c["read"]:
            bad("read", f"read ({c['read']}) != the documents of the inputs ({inputs})")
        for split in sorted(set(c["splits"]) | set(self.split_rows)):
            if split not in c["splits"]:
                bad("splits", f"split {split!r} has data but is not in counts.splits")
                continue
            if not SPLIT_RE.match(split):
                bad(f"splits.{split}", f"split name {split!r} is not allowed by the Hub")
            actual = self.split_rows.get(split, 0)
            if self._split_fully_read(split) and c["splits"][split] != actual:
                held = f"its shards hold {actual}" if split in self.shards else "it has no shard in data/"
                bad(f"splits.{split}", f"split {split!r}: counts say {c['splits'][split]} rows, {held}")
        if self.rejected_rows != c["rejected"] and any(f.startswith("rejected/") for f in self.files):
            bad("rejected", f"rejected is {c['rejected']} but rejected/ holds {self.rejected_rows} rows")
        if self.duplicates_rows != c["duplicates"] and any(f.startswith("duplicates/") for f in self.files):
            bad("duplicates", f"duplicates is {c['duplicates']} but duplicates/ holds {self.duplicates_rows} rows")
        listed = Counter()
        for r in c["rejected_by_reason"]:
            listed[(r["stage"], r["reason"])] += r["count"]
        if self.rejected_complete and listed != self.rejected_reasons:
            for key in sorted(set(listed) | set(self.rejected_reasons), key=str):
                if listed.get(key, 0) != self.rejected_reasons.get(key, 0):
                    bad("rejected_by_reason", f"stage {key[0]!r} reason {key[1]!r}: manifest says {listed.get(key, 0)}, "
                        f"rejected/ holds {self.rejected_reasons.get(key, 0)}")

    def _split_fully_read(self, split: str) -> bool:
        return all(p in self.readable_shards for _, _, p in self.shards.get(split, []))

    # -- card ------------------------------------------------------------------------------------------------

    def check_card(self) -> None:
        path = self.root / "README.md"
        if not path.is_file():
            return
        import yaml

        text = path.read_text("utf-8", errors="replace")
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            self.problem("README.md", "no YAML front matter (the card starts with a line `---`)", line=1, check="card")
            return
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")  # an indented --- is YAML
        except StopIteration:
            self.problem("README.md", "YAML front matter is not closed by a line `---`", line=1, check="card")
            return
        try:
            meta = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.problem("README.md", f"YAML front matter does not parse: {exc}",
                         line=(mark.line + 2) if mark else 1, check="card")
            return
        if not isinstance(meta, dict):
            self.problem("README.md", "YAML front matter is not a mapping", line=2, check="card")
            return

        def line_of(key: str) -> int | None:
            for i in range(1, end):
                if re.match(rf"^{re.escape(key)}\s*:", lines[i]):
                    return i + 1
            return None

        def bad(key: str, msg: str, line: int | None = None) -> None:
            self.problem("README.md", msg, field=key, line=line or line_of(key.split(".")[0].split("[")[0]),
                         check="card")

        self._card_lines = lines[:end]

        total = sum(self.split_rows.values())
        all_read = all(self._split_fully_read(s) for s in self.shards)
        # vocabularies
        lic = meta.get("license")
        for value in ([lic] if isinstance(lic, str) else lic) if isinstance(lic, (str, list)) else [None]:
            if value not in LICENSES:
                bad("license", f"license {value!r} is not a Hub licence identifier (e.g. apache-2.0, cc-by-4.0, "
                    "unknown, other)")
        if lic == "other" and not meta.get("license_name"):
            bad("license", "license other needs license_name (and a LICENSE file)")
        sizes = meta.get("size_categories")
        sizes = [sizes] if isinstance(sizes, str) else sizes
        if not isinstance(sizes, list) or not sizes:
            bad("size_categories", "size_categories missing (one of " + ", ".join(SIZE_CATEGORIES) + ")")
        else:
            for s in sizes:
                if s not in SIZE_CATEGORIES:
                    bad("size_categories", f"size category {s!r} is not one of the Hub's: {', '.join(SIZE_CATEGORIES)}")
            if all_read and size_category(total) not in sizes:
                bad("size_categories", f"size_categories {sizes} but the release has {total} rows "
                    f"({size_category(total)})")
        tasks = meta.get("task_categories")
        if tasks is not None:
            for t in [tasks] if isinstance(tasks, str) else tasks if isinstance(tasks, list) else [tasks]:
                if t not in TASK_CATEGORIES:
                    bad("task_categories", f"task category {t!r} is not one of the Hub's")
        langs = meta.get("language")
        if not langs:
            bad("language", "language missing")
        else:
            for code in [langs] if isinstance(langs, str) else langs if isinstance(langs, list) else [langs]:
                if not isinstance(code, str) or not LANGUAGE_RE.match(code):
                    bad("language", f"language {code!r} is not a language code (ISO 639-1/2/3, e.g. zh)")
        if not isinstance(meta.get("pretty_name"), str) or not meta.get("pretty_name", "").strip():
            bad("pretty_name", "pretty_name missing")
        self._card_configs(meta, bad)
        self._card_info(meta, bad, all_read)

    def _card_configs(self, meta: dict, bad) -> None:
        configs = meta.get("configs")
        if not isinstance(configs, list) or not configs:
            bad("configs", "configs missing: [{config_name: default, data_files: [{split, path: data/<split>-*}]}]")
            return
        default = [c for c in configs if isinstance(c, dict) and c.get("config_name") == "default"]
        if not default:
            bad("configs", "no config with config_name: default")
            return
        data_files = default[0].get("data_files")
        if not isinstance(data_files, list):
            bad("configs", "configs[default].data_files must be a list of {split, path}")
            return
        data = [f for f in self.files if f.startswith("data/")]
        seen = set()
        for k, entry in enumerate(data_files):
            if not isinstance(entry, dict) or "split" not in entry or "path" not in entry:
                bad("configs", f"data_files[{k}] must be {{split, path}}")
                continue
            split, patterns = str(entry["split"]), entry["path"]
            patterns = [patterns] if isinstance(patterns, str) else patterns
            seen.add(split)
            if not SPLIT_RE.match(split):
                bad("configs", f"split name {split!r} is not allowed by the Hub (^\\w+(\\.\\w+)*$)")
            matched = {f for f in data for p in patterns if fnmatch.fnmatchcase(f, p)}
            expected = {p for _, _, p in self.shards.get(split, [])}
            if not matched:
                bad("configs", f"split {split!r}: data_files path {entry['path']!r} matches no file")
            elif matched != expected:
                bad("configs", f"split {split!r}: data_files path {entry['path']!r} matches "
                    f"{', '.join(sorted(matched))}, not the split's shards {', '.join(sorted(expected)) or '(none)'}")
        for split in sorted(self.shards):
            if split not in seen:
                bad("configs", f"split {split!r} has shards but no data_files entry")

    def _card_line(self, *patterns: str) -> int | None:
        """1-based line of the front matter matching the patterns in sequence (each after the previous)."""
        start = 0
        found = None
        for pattern in patterns:
            found = next((i for i in range(start, len(self._card_lines))
                          if re.search(pattern, self._card_lines[i])), None)
            if found is None:
                return None
            start = found + 1
        return found + 1 if found is not None else None

    def _card_info(self, meta: dict, bad, all_read: bool) -> None:
        from datasets.features import Features

        info = meta.get("dataset_info")
        if isinstance(info, list):
            info = next((i for i in info if isinstance(i, dict) and i.get("config_name", "default") == "default"), None)
        if not isinstance(info, dict):
            bad("dataset_info", "dataset_info missing (features, splits, download_size, dataset_size)")
            return
        try:
            features = Features._from_yaml_list(info["features"])
        except Exception as exc:
            bad("dataset_info.features", f"features do not parse: {type(exc).__name__}: {exc}")
        else:
            if features != document_features():
                bad("dataset_info.features", "features differ from the row schema's")
        splits = info.get("splits")
        if not isinstance(splits, list):
            bad("dataset_info.splits", "splits missing: [{name, num_bytes, num_examples}]")
            return
        named = {}
        for k, s in enumerate(splits):
            if not isinstance(s, dict) or not isinstance(s.get("name"), str):
                bad("dataset_info.splits", f"splits[{k}] needs name, num_bytes, num_examples")
                continue
            named[s["name"]] = s
        for name in sorted(set(named) | set(self.shards)):
            if name not in named:
                bad("dataset_info.splits", f"split {name!r} has shards but is not in dataset_info.splits")
                continue
            if name not in self.shards:
                bad("dataset_info.splits", f"split {name!r} is in dataset_info.splits but has no shards")
                continue
            s = named[name]
            if not self._split_fully_read(name):
                continue
            rows = self.split_rows[name]
            split_line = (r"^dataset_info:", r"^\s*splits:", rf"^\s*- name: ['\"]?{re.escape(name)}['\"]?\s*$")
            if s.get("num_examples") != rows:
                bad("dataset_info.splits", f"split {name!r}: num_examples is {s.get('num_examples')!r}, its shards "
                    f"hold {rows} rows (load_dataset would fail with NonMatchingSplitsSizesError)",
                    line=self._card_line(*split_line, r"^\s*num_examples:"))
            nb, actual = s.get("num_bytes"), self.split_nbytes[name]
            if not isinstance(nb, int) or isinstance(nb, bool) or nb < 0:
                bad("dataset_info.splits", f"split {name!r}: num_bytes {nb!r} is not a byte count",
                    line=self._card_line(*split_line, r"^\s*num_bytes:"))
            elif nb != self.split_nbytes_raw[name] and abs(nb - actual) > self.split_nbytes_slack[name]:
                bad("dataset_info.splits", f"split {name!r}: num_bytes is {nb}, its rows take {actual} bytes in Arrow "
                    f"(the table's nbytes as written)", line=self._card_line(*split_line, r"^\s*num_bytes:"))
        data_bytes = sum((self.root / f).stat().st_size for f in self.files if f.startswith("data/"))
        if info.get("download_size") != data_bytes:
            bad("dataset_info.download_size", f"download_size is {info.get('download_size')!r}; the data shards "
                f"hold {data_bytes} bytes", line=self._card_line(r"^dataset_info:", r"^\s*download_size:"))
        nbs = [s.get("num_bytes") for s in named.values()]
        if all(isinstance(x, int) for x in nbs) and info.get("dataset_size") != sum(nbs):
            bad("dataset_info.dataset_size", f"dataset_size is {info.get('dataset_size')!r}; the splits' num_bytes "
                f"add up to {sum(nbs)}", line=self._card_line(r"^dataset_info:", r"^\s*dataset_size:"))

    # -- datasheet -------------------------------------------------------------------------------------------

    def check_datasheet(self) -> None:
        path = self.root / "DATASHEET.md"
        if not path.is_file():
            return
        lines = path.read_text("utf-8", errors="replace").splitlines()
        headings = []  # (line index, level, normalised text)
        in_code = False
        for i, line in enumerate(lines):
            if line.lstrip().startswith("```"):
                in_code = not in_code
            m = None if in_code else re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if m:
                headings.append((i, len(m.group(1)), _norm_heading(m.group(2))))
        for section in DATASHEET_SECTIONS:
            want = _norm_heading(section)
            found = [h for h in headings if h[2] == want]
            if not found:
                self.problem("DATASHEET.md", f"section {section!r} is missing (the seven Datasheets for Datasets "
                             "sections are required)", field=section, check="datasheet")
                continue
            start, level, _ = found[0]
            stop = next((h[0] for h in headings if h[0] > start and h[1] <= level), len(lines))
            body = [l for l in lines[start + 1:stop] if l.strip() and not re.match(r"^#{1,6}\s", l)]
            if not body:
                self.problem("DATASHEET.md", f"section {section!r} is empty", field=section, line=start + 1,
                             check="datasheet")
            if self.strict:
                question = None
                for j in range(start + 1, stop):
                    m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", lines[j])
                    if m:
                        question = m.group(1)
                    elif MORE_INFO.lower() in lines[j].lower():
                        asked = f" ({question[:80]}{'…' if len(question) > 80 else ''})" if question else ""
                        self.problem("DATASHEET.md", f"section {section!r} has an unanswered question{asked}: "
                                     f"{MORE_INFO}; --strict requires every answer", field=section, line=j + 1,
                                     check="datasheet")

    # -- markup: the card and datasheet render without HTML or unsafe links from data ---------------------------

    def check_markup(self) -> None:
        for name in ("README.md", "DATASHEET.md"):
            path = self.root / name
            if not path.is_file():
                continue
            text = path.read_text("utf-8", errors="replace")
            offset = 0
            if text.startswith("---\n") and "\n---\n" in text[3:]:  # the card's YAML front matter is not Markdown
                end = text.index("\n---\n", 3) + len("\n---\n")
                offset, text = text[:end].count("\n"), text[end:]
            for line, message in markup_problems(text, offset):
                self.problem(name, message, line=line, check="markup")

    # -- croissant.json (when the release has one) -------------------------------------------------------------

    def check_croissant(self) -> None:
        path = self.root / "croissant.json"
        if not path.is_file():
            return
        try:
            data = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problem("croissant.json", f"not valid JSON: {exc}", line=getattr(exc, "lineno", None),
                         check="croissant")
            return
        dist = data.get("distribution") if isinstance(data, dict) else None
        if not isinstance(dist, list):
            self.problem("croissant.json", "no distribution list", field="distribution", check="croissant")
            return
        for k, obj in enumerate(dist):
            if not isinstance(obj, dict) or obj.get("@type") not in ("cr:FileObject", "FileObject"):
                continue
            url = obj.get("contentUrl")
            if not isinstance(url, str) or "://" in url:
                continue
            if why := outside_release(self.root, url):
                self.problem("croissant.json", f"FileObject {url!r} {why}; it is not opened",
                             field=f"distribution[{k}].contentUrl", check="croissant")
                continue
            target = self.root / url
            if not target.is_file():
                self.problem("croissant.json", f"FileObject {url!r} is not in the release",
                             field=f"distribution[{k}].contentUrl", check="croissant")
                continue
            if "sha256" in obj and obj["sha256"] != file_sha256(target)[0]:
                self.problem("croissant.json", f"sha256 of {url} does not match the file",
                             field=f"distribution[{k}].sha256", check="croissant")
            size = obj.get("contentSize")
            m = re.fullmatch(r"\s*(\d+)\s*B\s*", size) if isinstance(size, str) else None
            if m and int(m.group(1)) != target.stat().st_size:
                self.problem("croissant.json", f"contentSize {size!r} of {url}, the file has "
                             f"{target.stat().st_size} bytes", field=f"distribution[{k}].contentSize",
                             check="croissant")

    # -- load ------------------------------------------------------------------------------------------------

    def check_loads(self) -> None:
        if not (self.root / "README.md").is_file():
            return
        try:
            result = load_offline(self.root)
        except Exception as exc:
            chain = [exc]
            while (nxt := chain[-1].__cause__ or chain[-1].__context__) is not None and len(chain) < 5:
                chain.append(nxt)
            why = "; caused by ".join(f"{type(e).__name__}: {str(e).strip()[:300]}" for e in chain)
            self.problem("README.md", f"datasets.load_dataset fails offline: {why}", check="load")
            return
        for split, rows in sorted(result.items()):
            if split in self.split_rows and self._split_fully_read(split) and rows != self.split_rows[split]:
                self.problem("README.md", f"load_dataset gives {rows} rows for {split!r}; the shards hold "
                             f"{self.split_rows[split]}", check="load", field=split)
        for split in sorted(set(self.shards) - set(result)):
            self.problem("README.md", f"load_dataset does not give split {split!r}", check="load", field=split)


@contextlib.contextmanager
def _offline_env():
    """HF_HUB_OFFLINE=1 for code that reads it at call time and for the constants read at import time."""
    import datasets.config as dconfig
    import huggingface_hub.constants as hconst

    saved_env = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")}
    saved = (dconfig.HF_HUB_OFFLINE, hconst.HF_HUB_OFFLINE)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    dconfig.HF_HUB_OFFLINE = True
    hconst.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        dconfig.HF_HUB_OFFLINE, hconst.HF_HUB_OFFLINE = saved
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def load_offline(root: Path) -> dict[str, int]:
    """Load the release folder with `datasets.load_dataset`, offline, into a throwaway cache; rows per split."""
    import datasets
    from datasets.utils import logging as dlogging

    was_enabled = dlogging.is_progress_bar_enabled()
    verbosity = dlogging.get_verbosity()
    dlogging.disable_progress_bar()
    dlogging.set_verbosity(dlogging.CRITICAL)  # its own error lines would repeat ours outside the report
    try:
        with _offline_env(), tempfile.TemporaryDirectory(prefix="dataset-builder-validate-") as cache:
            ds = datasets.load_dataset(str(root), cache_dir=cache)
            return {name: split.num_rows for name, split in ds.items()}
    finally:
        dlogging.set_verbosity(verbosity)
        if was_enabled:
            dlogging.enable_progress_bar()


def check_release(root: Path, report: Report, strict: bool = False, check_load: bool = True) -> None:
    ReleaseChecker(root, report, strict=strict, check_load=check_load).run()
