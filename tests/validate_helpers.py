"""The real seed release, built by the library into a temporary folder, and helpers that corrupt a copy of it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from dataset_builder.build import build_release

from .conftest import REPO, SEED_VERSION, SEEDS

NAME, VERSION = "zh-web-seeds", SEED_VERSION


def build_seed_release(base: Path) -> Path:
    """Build the seed dataset from a copy of dataset.toml and seeds/ into base/dist/<name>/<version>."""
    shutil.copytree(SEEDS, base / "seeds")
    shutil.copy(REPO / "dataset.toml", base / "dataset.toml")
    for extra in ("datasheet.yaml",):  # the maintainer's datasheet answers, as main's seed_project copies them
        if (REPO / extra).exists():
            shutil.copy(REPO / extra, base / extra)
    result = build_release(base / "dataset.toml")
    return result.release_dir


def shard_name(split: str, index: int = 0, count: int = 1) -> str:
    return f"data/{split}-{index:05d}-of-{count:05d}.parquet"


def write_table(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def load_manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text("utf-8"))


def save_manifest(root: Path, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (root / "manifest.json").write_text(text, encoding="utf-8")


def refresh_manifest(root: Path, change: Callable[[dict], None] | None = None) -> None:
    """Re-hash every file into manifest.json `files` (as a builder that wrote the corrupt bytes itself would),
    keeping everything else; then apply `change`."""
    data = load_manifest(root)
    files = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel == "manifest.json":
            continue
        rows = None
        if rel.endswith(".parquet"):
            try:
                rows = pq.ParquetFile(p).metadata.num_rows
            except Exception:
                rows = 0
        files.append({"path": rel, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size,
                      "rows": rows})
    data["files"] = files
    if change is not None:
        change(data)
    save_manifest(root, data)


def edit_manifest(root: Path, change: Callable[[dict], None]) -> None:
    data = load_manifest(root)
    change(data)
    save_manifest(root, data)


def rewrite_table(root: Path, rel: str, change: Callable[[pa.Table], pa.Table], refresh: bool = True) -> None:
    table = pq.read_table(root / rel)
    write_table(root / rel, change(table))
    if refresh:
        refresh_manifest(root)


def set_value(table: pa.Table, column: str, row: int, value) -> pa.Table:
    i = table.schema.get_field_index(column)
    values = table[column].to_pylist()
    values[row] = value
    return table.set_column(i, table.schema.field(i), pa.array(values, table.schema.field(i).type))


def edit_text(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


MIXED_TEXTS = {
    "a": "国务院新闻办公室今天举行发布会，介绍上半年经济运行情况。记者从市教育局获悉，今年秋季全市将新增学位一万余个。",
    "b": "气象台发布暴雨蓝色预警，提醒市民注意出行安全。本市地铁三号线北延段今日开通试运营，沿线设站八座。",
    "c": "国务院新闻办公室今天举行发布会，介绍上半年经济运行情况。记者从市教育局获悉，今年秋季全市将新增学位一万余个。",
    "d": "太短",
    "e": "An English page that the Han-ratio filter rejects, long enough to pass the minimum length check.",
}


def build_mixed_release(base: Path) -> Path:
    """A release with rejected and duplicate documents and empty validation/test splits, built by the library."""
    with (base / "in.jsonl").open("w", encoding="utf-8") as f:
        for doc_id, text in MIXED_TEXTS.items():
            f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    (base / "dataset.toml").write_text(
        'name = "mixed"\nversion = "1.0.0"\ndescription = "mixed"\nlicense = "cc-by-4.0"\nlanguage = ["zh"]\n'
        '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n[split]\ntrain = 1.0\nvalidation = 0.0\ntest = 0.0\n',
        encoding="utf-8")
    return build_release(base / "dataset.toml").release_dir
