"""A small, valid release in the documented layout, for validation tests (until the real build lands in main).

`build_release(tmp)` writes dist/<name>/<version>/ with README.md (card from `datasets`/`huggingface_hub`),
manifest.json, DATASHEET.md, data/{train,validation,test}-00000-of-00001.parquet, rejected/ and duplicates/.
`write_manifest(root)` recomputes manifest.json after a test changes other files on purpose."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataset_builder.schema import document_arrow_schema, document_features

NAME, VERSION = "zh-web-seeds", "0.1.0"
TEXTS = [
    "国务院新闻办公室今天举行发布会，介绍上半年经济运行情况。",
    "记者从市教育局获悉，今年秋季全市将新增学位一万余个。\n各区将按计划推进学校建设。",
    "气象台发布暴雨蓝色预警，提醒市民注意出行安全。",
    "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
    "本市地铁三号线北延段今日开通试运营，沿线设站八座。",
    "农业农村部表示，夏粮收购进展顺利，价格总体平稳。",
    "博物馆新展开幕，展出出土文物三百余件。",
    "全国铁路暑运启动，预计发送旅客超过八亿人次。",
    "科研团队在量子通信领域取得新进展，相关论文已发表。",
    "文化和旅游部发布假日出游提示。",
    "市场监管部门开展食品安全专项检查。",
    "图书馆延长开放时间，方便读者借阅。",
]
SPLITS = {"train": range(0, 8), "validation": range(8, 10), "test": range(10, 12)}
DATASHEET_SECTIONS = [
    "Motivation", "Composition", "Collection Process", "Preprocessing/Cleaning/Labeling", "Uses", "Distribution",
    "Maintenance",
]


def make_row(i: int, text: str) -> dict:
    return {
        "id": f"seed-{i:03d}",
        "text": text,
        "title": None if i % 3 else f"标题{i}",
        "published_at": ["2014", "2014-07-08", "2014-07-08T20:51", None][i % 4],
        "source": "新华网" if i % 2 else None,
        "authors": ["张三"] if i % 2 else [],
        "keywords": ["经济", "发布会"] if i % 4 == 0 else [],
        "url": f"https://example.invalid/{i}" if i % 5 == 0 else None,
        "language": "zh",
        "script": "Hant" if i % 4 == 3 else "Hans",
        "num_chars": len(text),
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "origin": {"file": f"seeds/{i:03d}.txt", "line": None, "row": None, "encoding": "utf-8"},
        "edits": [{"operator": "whitespace_normalizer", "unit": "lines", "count": 2}] if i % 2 == 0 else [],
        "quality": {"han_ratio": 0.9, "line_end_punct_ratio": 1.0, "repeated_ngram_ratio": 0.0},
        "flags": ["spam_inline"] if i == 5 else [],
    }


def shard_name(split: str, index: int = 0, count: int = 1) -> str:
    return f"data/{split}-{index:05d}-of-{count:05d}.parquet"


def write_table(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_card(root: Path, split_rows: dict[str, int], split_bytes: dict[str, int], license: str = "unknown") -> None:
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from huggingface_hub import DatasetCard, DatasetCardData

    splits = SplitDict()
    for split in SPLITS:
        splits.add(SplitInfo(name=split, num_bytes=split_bytes[split], num_examples=split_rows[split]))
    download = sum((root / shard_name(s)).stat().st_size for s in SPLITS)
    info = DatasetInfo(features=document_features(), splits=splits, download_size=download,
                       dataset_size=sum(split_bytes.values()))
    card_data = DatasetCardData(
        license=license, language=["zh"], pretty_name="Chinese web seed texts (cleaned)", size_categories=["n<1K"],
        task_categories=["text-generation"],
        configs=[{"config_name": "default", "data_files": [{"split": s, "path": f"data/{s}-*"} for s in SPLITS]}],
    )
    DatasetInfosDict({"default": info}).to_dataset_card_data(card_data)
    card = DatasetCard(f"---\n{card_data.to_yaml()}\n---\n\n# Chinese web seed texts\n\nA test release.\n")
    (root / "README.md").write_text(str(card), encoding="utf-8")


def write_datasheet(root: Path) -> None:
    body = ["# Datasheet for zh-web-seeds 0.1.0", ""]
    for section in DATASHEET_SECTIONS:
        body += [f"## {section}", "", f"Answers about {section.lower()} of this test release.", ""]
    (root / "DATASHEET.md").write_text("\n".join(body), encoding="utf-8")


def write_manifest(root: Path, counts: dict | None = None) -> None:
    """(Re)write manifest.json from the files as they are now; counts from the data unless given."""
    files = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel == "manifest.json":
            continue
        rows = pq.ParquetFile(p).metadata.num_rows if rel.endswith(".parquet") else None
        files.append({"path": rel, "sha256": sha256_file(p), "bytes": p.stat().st_size, "rows": rows})
    if counts is None:
        splits = {s: pq.ParquetFile(root / shard_name(s)).metadata.num_rows for s in SPLITS}
        rejected = pq.read_table(root / "rejected/rejected-00000-of-00001.parquet")
        duplicates = pq.ParquetFile(root / "duplicates/duplicates-00000-of-00001.parquet").metadata.num_rows
        by_reason: dict[tuple[str, str], int] = {}
        for stage, reason in zip(rejected["stage"].to_pylist(), rejected["reason"].to_pylist()):
            by_reason[(stage, reason)] = by_reason.get((stage, reason), 0) + 1
        kept = sum(splits.values())
        counts = {
            "read": kept + rejected.num_rows + duplicates, "rejected": rejected.num_rows,
            "rejected_by_reason": [{"stage": s, "reason": r, "count": c} for (s, r), c in sorted(by_reason.items())],
            "duplicates": duplicates, "kept": kept, "splits": splits,
        }
    manifest = {
        "manifest_version": 1, "name": root.parent.name, "version": root.name,
        "config": {"file": "dataset.toml", "sha256": "0" * 64},
        "inputs": [{"path": "seeds", "sha256": "1" * 64, "bytes": 1234, "documents": counts["read"]}],
        "counts": counts,
        "files": files,
        "cleaning": [{"operator": "whitespace_normalizer", "unit": "lines", "count": 8, "documents": 4}],
        "environment": {"dataset_builder": "0.1.0", "python": "3.11.7", "pyarrow": pa.__version__,
                        "datasets": "5.2.0", "huggingface_hub": "2.4.0"},
    }
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    (root / "manifest.json").write_text(text, encoding="utf-8")


def build_release(base: Path) -> Path:
    root = base / "dist" / NAME / VERSION
    root.mkdir(parents=True)
    schema = document_arrow_schema()
    split_rows, split_bytes = {}, {}
    for split, idx in SPLITS.items():
        table = pa.Table.from_pylist([make_row(i, TEXTS[i]) for i in idx], schema=schema)
        write_table(root / shard_name(split), table)
        split_rows[split] = table.num_rows
        split_bytes[split] = table.nbytes  # as the build measures it: the in-memory table written
    origin = schema.field("origin").type
    rejected = pa.table(
        {"id": ["seed-900", "seed-901"], "stage": ["quality_filter", "quality_filter"],
         "reason": ["min_chars", "min_han_ratio"], "details": ["12 < 50", "0.05 < 0.3"],
         "origin": pa.array([{"file": "seeds/900.txt", "line": None, "row": None, "encoding": "gb18030"},
                             {"file": "seeds/901.txt", "line": None, "row": None, "encoding": "utf-8"}], origin),
         "text": ["首页 | 登录", "Click here to subscribe"]})
    write_table(root / "rejected/rejected-00000-of-00001.parquet", rejected)
    dup_text = TEXTS[0]
    duplicates = pa.table(
        {"id": ["seed-950"], "duplicate_of": ["seed-000"],
         "origin": pa.array([{"file": "seeds/950.txt", "line": None, "row": None, "encoding": "utf-8"}], origin),
         "text_sha256": [hashlib.sha256(dup_text.encode("utf-8")).hexdigest()], "text": [dup_text]})
    write_table(root / "duplicates/duplicates-00000-of-00001.parquet", duplicates)
    write_card(root, split_rows, split_bytes)
    write_datasheet(root)
    write_manifest(root)
    return root
