"""A small release folder in the layout the build writes (data/, rejected/, duplicates/, manifest.json),
made from known documents so tests can check every computed figure against what went in."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataset_builder.document import Document, Origin
from dataset_builder.release.writer import DUPLICATES_SCHEMA, REJECTED_SCHEMA
from dataset_builder.schema import document_arrow_schema

CONFIG_TOML = '''name = "fixture-news"
version = "1.2.3"
pretty_name = "Fixture news"
description = "A made-up release for testing the datasheet."
license = "cc-by-4.0"
language = ["zh"]
homepage = "https://example.org/fixture-news"

[[inputs]]
path = "raw.jsonl"
format = "jsonl"

[split]
train = 0.6
validation = 0.2
test = 0.2
'''


def _doc(i: int, text: str, **kw) -> Document:
    doc = Document(id=f"doc{i:02d}", text=text, origin=Origin("raw.jsonl", line=i + 1), language="zh", script="Hans")
    for key, value in kw.items():
        setattr(doc, key, value)
    doc.quality = {"han_ratio": 0.9, "line_end_punct_ratio": 0.5, "repeated_ngram_ratio": 0.1}
    return doc


def kept_documents() -> dict[str, list[Document]]:
    """train: 4 documents, test: 2, validation: none (so it has no shard, as the build writes it)."""
    train = [
        _doc(0, "甲" * 120, source="红网", published_at="2014-07-08T20:51:54", title="一"),
        _doc(1, "乙" * 250, source="红网", published_at="2014-11-25", authors=["汤莉"], script="Hant"),
        _doc(2, "丙" * 75, source=None, published_at="2015", flags=["spam_inline"]),
        _doc(3, "丁" * 400, source="贞丰在线", published_at=None, keywords=["凤冈"], url="https://example.org/3"),
    ]
    train[0].record_edit("whitespace_normalizer", "lines", 3)
    train[1].record_edit("script_converter", "chars", 40)
    train[1].record_edit("whitespace_normalizer", "lines", 2)
    train[3].record_edit("pinyin_annotation_remover", "annotations", 7)
    test = [
        _doc(4, "戊" * 90, source="红网", published_at="2015-08-12T10:49", script="Hant", flags=["spam_inline"]),
        _doc(5, "己" * 60, source=None, published_at=None),
    ]
    test[0].record_edit("script_converter", "chars", 5)
    return {"train": train, "validation": [], "test": test}


REJECTED = [
    ("rej01", "quality_filter", "too_short", "12 < 50"),
    ("rej02", "quality_filter", "too_short", "3 < 50"),
    ("rej03", "quality_filter", "low_han_ratio", "0.05 < 0.3"),
]
DUPLICATES = [("dup01", "doc00")]


def _file_entry(release_dir: Path, path: Path, rows: int | None) -> dict:
    data = path.read_bytes()
    return {"path": path.relative_to(release_dir).as_posix(), "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data), "rows": rows}


def write_release(root: Path) -> tuple[Path, Path]:
    """Write dataset.toml and a release under root/dist/fixture-news/1.2.3; return (config path, release dir)."""
    root.mkdir(parents=True, exist_ok=True)
    config_path = root / "dataset.toml"
    config_path.write_text(CONFIG_TOML, encoding="utf-8")
    release = root / "dist" / "fixture-news" / "1.2.3"
    files = []
    kept = kept_documents()
    for split, docs in kept.items():
        if not docs:
            continue
        path = release / "data" / f"{split}-00000-of-00001.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist([d.to_row() for d in sorted(docs, key=lambda d: d.id)], schema=document_arrow_schema())
        pq.write_table(table, path)
        files.append(_file_entry(release, path, len(docs)))
    origin = {"file": "raw.jsonl", "line": 1, "row": None, "encoding": "utf-8"}
    path = release / "rejected" / "rejected-00000-of-00001.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(
        [{"id": i, "stage": s, "reason": r, "details": d, "origin": origin, "text": "x"} for i, s, r, d in REJECTED],
        schema=REJECTED_SCHEMA), path)
    files.append(_file_entry(release, path, len(REJECTED)))
    path = release / "duplicates" / "duplicates-00000-of-00001.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(
        [{"id": i, "duplicate_of": of, "kind": "exact", "similarity": 1.0, "origin": origin, "text_sha256": "0" * 64,
          "text": "甲" * 120} for i, of in DUPLICATES],
        schema=DUPLICATES_SCHEMA), path)
    files.append(_file_entry(release, path, len(DUPLICATES)))
    (release / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n# card\n", encoding="utf-8")
    files.append(_file_entry(release, release / "README.md", None))
    manifest = {
        "manifest_version": 1, "name": "fixture-news", "version": "1.2.3",
        "config": {"file": "dataset.toml", "sha256": hashlib.sha256(config_path.read_bytes()).hexdigest()},
        "inputs": [{"path": "raw.jsonl", "sha256": "a" * 64, "bytes": 1234, "documents": 10}],
        "counts": {"read": 10, "rejected": 3, "rejected_by_reason": [
            {"stage": "quality_filter", "reason": "low_han_ratio", "count": 1},
            {"stage": "quality_filter", "reason": "too_short", "count": 2}],
            "duplicates": 1, "kept": 6, "splits": {"train": 4, "validation": 0, "test": 2}},
        "files": sorted(files, key=lambda f: f["path"]),
        "cleaning": [
            {"operator": "pinyin_annotation_remover", "unit": "annotations", "count": 7, "documents": 1},
            {"operator": "script_converter", "unit": "chars", "count": 45, "documents": 2},
            {"operator": "whitespace_normalizer", "unit": "lines", "count": 9, "documents": 3},
        ],
        "environment": {"dataset_builder": "0.1.0", "python": ">=3.11", "pyarrow": "26.0.1"},
    }
    (release / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return config_path, release
