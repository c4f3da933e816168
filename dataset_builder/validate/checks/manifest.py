"""manifest.json: canonical JSON, the manifest schema, the release's name and version, every file listed with
its size, sha256 and rows, and the counts adding up and matching the data."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterator

from jsonschema import Draft202012Validator

from ...release.reader import MANIFEST
from ...schema import load_schema
from ..report import Problem
from ..rows import error_field, short_message
from ..view import ReleaseView, problem
from .layout import SPLIT_RE

def json_line(text: str, path: list[Any]) -> int | None:
    """The line of the last named key of `path` in pretty-printed JSON (good enough for annotations)."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return None
    needle = f'"{keys[-1]}":'
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    return None


def manifest_problems(view: ReleaseView) -> Iterator[Problem]:
    if not view.release.has(MANIFEST):
        return
    try:
        text = view.release.manifest_text()
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        yield problem(MANIFEST, f"not UTF-8 at byte {exc.start}", check="manifest")
        return
    except json.JSONDecodeError as exc:
        yield problem(MANIFEST, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno, check="manifest")
        return
    canonical = {json.dumps(data, sort_keys=True, indent=2, ensure_ascii=e) + "\n" for e in (False, True)}
    if text not in canonical:
        yield problem(MANIFEST, "not in canonical form (sorted keys, 2-space indent, trailing newline)",
                      check="manifest")
    errors = list(Draft202012Validator(load_schema("manifest")).iter_errors(data))
    for e in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        yield problem(MANIFEST, short_message(e), field=error_field(e), check="manifest",
                      line=json_line(text, list(e.absolute_path)))
    if errors or not isinstance(data, dict):
        return  # the cross-checks below assume the shape is right
    yield from _identity_problems(view, data, text)
    yield from _file_problems(view, data)
    yield from _count_problems(view, data, text)


def _identity_problems(view: ReleaseView, data: dict, text: str) -> Iterator[Problem]:
    version_dir, name_dir = view.release.folder_version, view.release.folder_name
    if data["version"] != version_dir:
        yield problem(MANIFEST, f"version {data['version']!r} but the release folder is {version_dir!r}",
                      field="version", check="manifest", line=json_line(text, ["version"]))
    if data["name"] != name_dir:
        yield problem(MANIFEST, f"name {data['name']!r} but the release is in folder {name_dir!r} "
                      f"(dist/<name>/<version>)", field="name", check="manifest", line=json_line(text, ["name"]))


def _file_problems(view: ReleaseView, data: dict) -> Iterator[Problem]:
    listed: dict[str, dict] = {}
    for k, entry in enumerate(data["files"]):
        if entry["path"] in listed:
            yield problem(MANIFEST, f"{entry['path']} is listed twice", field=f"files[{k}].path", check="manifest")
        listed[entry["path"]] = entry
    for f in view.files:
        if f != MANIFEST and f not in listed:
            yield problem(f, "file is in the release but not in manifest.json `files`", check="manifest")
    for rel, entry in listed.items():
        if not view.release.has(rel):
            yield problem(rel, "listed in manifest.json `files` but missing from the release", check="manifest")
            continue
        yield from _file_entry_problems(view, rel, entry)


def _file_entry_problems(view: ReleaseView, rel: str, entry: dict) -> Iterator[Problem]:
    size = view.release.size(rel)
    if size != entry["bytes"]:
        yield problem(rel, f"size is {size} bytes; manifest.json says {entry['bytes']}", field="bytes",
                      check="manifest")
    digest = view.release.sha256(rel)
    if digest != entry["sha256"]:
        yield problem(rel, f"sha256 is {digest}; manifest.json says {entry['sha256']}", field="sha256",
                      check="manifest")
    if rel.endswith(".parquet"):
        rows = view.parquet_rows.get(rel)
        if entry["rows"] is None:
            yield problem(rel, "manifest.json gives rows null for a Parquet file", field="rows", check="manifest")
        elif rows is not None and rows != entry["rows"]:
            yield problem(rel, f"has {rows} rows; manifest.json says {entry['rows']}", field="rows", check="manifest")
    elif entry["rows"] is not None:
        yield problem(rel, f"manifest.json gives rows {entry['rows']} for a file that is not Parquet (null)",
                      field="rows", check="manifest")


def _count_problems(view: ReleaseView, data: dict, text: str) -> Iterator[Problem]:
    c = data["counts"]

    def bad(fld: str, msg: str) -> Problem:
        return problem(MANIFEST, msg, field=f"counts.{fld}", check="manifest",
                       line=json_line(text, ["counts", fld.split(".")[0]]))

    if c["read"] != c["rejected"] + c["duplicates"] + c["kept"]:
        yield bad("read", f"read ({c['read']}) != rejected ({c['rejected']}) + duplicates ({c['duplicates']}) + kept "
                  f"({c['kept']}) = {c['rejected'] + c['duplicates'] + c['kept']}")
    total_splits = sum(c["splits"].values())
    if c["kept"] != total_splits:
        yield bad("kept", f"kept ({c['kept']}) != the sum of splits ({total_splits})")
    by_reason = sum(r["count"] for r in c["rejected_by_reason"])
    if c["rejected"] != by_reason:
        yield bad("rejected", f"rejected ({c['rejected']}) != the sum of rejected_by_reason ({by_reason})")
    inputs = sum(i["documents"] for i in data["inputs"])
    if data["inputs"] and inputs != c["read"]:
        yield bad("read", f"read ({c['read']}) != the documents of the inputs ({inputs})")
    yield from (bad(fld, msg) for fld, msg in _split_count_problems(view, c))
    if view.rejected_rows != c["rejected"] and any(f.startswith("rejected/") for f in view.files):
        yield bad("rejected", f"rejected is {c['rejected']} but rejected/ holds {view.rejected_rows} rows")
    if view.duplicates_rows != c["duplicates"] and any(f.startswith("duplicates/") for f in view.files):
        yield bad("duplicates", f"duplicates is {c['duplicates']} but duplicates/ holds {view.duplicates_rows} rows")
    yield from (bad(fld, msg) for fld, msg in _reason_count_problems(view, c))


def _split_count_problems(view: ReleaseView, c: dict) -> Iterator[tuple[str, str]]:
    for split in sorted(set(c["splits"]) | set(view.split_rows)):
        if split not in c["splits"]:
            yield "splits", f"split {split!r} has data but is not in counts.splits"
            continue
        if not SPLIT_RE.match(split):
            yield f"splits.{split}", f"split name {split!r} is not allowed by the Hub"
        actual = view.split_rows.get(split, 0)
        if view.split_fully_read(split) and c["splits"][split] != actual:
            held = f"its shards hold {actual}" if split in view.shards else "it has no shard in data/"
            yield f"splits.{split}", f"split {split!r}: counts say {c['splits'][split]} rows, {held}"


def _reason_count_problems(view: ReleaseView, c: dict) -> Iterator[tuple[str, str]]:
    listed: Counter = Counter()
    for r in c["rejected_by_reason"]:
        listed[(r["stage"], r["reason"])] += r["count"]
    if view.rejected_complete and listed != view.rejected_reasons:
        for key in sorted(set(listed) | set(view.rejected_reasons), key=str):
            if listed.get(key, 0) != view.rejected_reasons.get(key, 0):
                yield "rejected_by_reason", (f"stage {key[0]!r} reason {key[1]!r}: manifest says {listed.get(key, 0)}, "
                                             f"rejected/ holds {view.rejected_reasons.get(key, 0)}")
