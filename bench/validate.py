"""Benchmark: rows/s of full row validation on a release-shaped shard built from the bench corpus.

    python bench/validate.py [--corpus /work/shared/bench/zh_mixed_316k.jsonl.zst] [--limit N] [--bad 0.01]
                             [--jsonschema-sample 20000]

Builds (in a temporary folder, deleted afterwards; nothing is written into the project) one Parquet shard with
`document_arrow_schema()` from the corpus, mapping each document to a schema-valid row, then times:
  1. the compiled row checker on every row (read + check + jsonschema for the messages of up to 20 invalid rows
     per column and batch), as `validate` runs it;
  2. the whole per-shard check `validate` runs (rows + num_chars/text_sha256 consistency + id collection);
  3. jsonschema's Draft202012Validator alone, on a sample, for comparison.
With --bad F, a fraction F of the rows is corrupted (three kinds), to show the cost of the jsonschema fallback.
With --release, it also writes a whole release folder with the build's own shard and card writers (splits by
a hash of the id) and times `validate_path` on it end to end, including the offline `load_dataset`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from dataset_builder.schema import document_arrow_schema, load_schema  # noqa: E402
from dataset_builder.release.reader import BATCH_ROWS, Release, ShardFile  # noqa: E402
from dataset_builder.validate.checks.rows import shard_row_problems  # noqa: E402
from dataset_builder.validate.view import ReleaseView  # noqa: E402
from dataset_builder.validate.rows import RowValidator  # noqa: E402

CORPUS = "/work/shared/bench/zh_mixed_316k.jsonl.zst"


def han_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum("\u4e00" <= c <= "\u9fff" for c in chars) / len(chars) if chars else 0.0


def to_row(doc: dict, line: int) -> dict | None:
    text = doc.get("text") or ""
    if not text:
        return None
    english = doc["id"].startswith("cnews-")
    lines = text.split("\n")
    return {
        "id": doc["id"],
        "text": text,
        "title": lines[0][:80] or None,
        "published_at": None,
        "source": doc.get("source") or None,
        "authors": [],
        "keywords": [],
        "url": None,
        "language": "en" if english else "zh",
        "script": "Hans" if english or doc["id"].startswith("sogoucs-") else "Hant",
        "num_chars": len(text),
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "origin": {"file": "zh_mixed_316k.jsonl", "line": line, "row": None, "encoding": "utf-8"},
        "edits": [],
        "quality": {"han_ratio": round(han_ratio(text), 4), "line_end_punct_ratio": 0.5, "repeated_ngram_ratio": 0.0},
        "flags": [],
    }


def corrupt(row: dict, k: int) -> None:
    kind = k % 3
    if kind == 0:
        row["language"] = "ZH"
    elif kind == 1:
        row["origin"]["line"] = 0
    else:
        row["edits"] = [{"operator": "x", "unit": "words", "count": 0}]


def build_shard(corpus: str, out: Path, limit: int | None, bad: float) -> int:
    rng = random.Random(0)
    schema = document_arrow_schema()
    writer = pq.ParquetWriter(out, schema, compression="zstd")
    rows: list[dict] = []
    n = 0
    with open(corpus, "rb") as raw:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
        for line_no, line in enumerate(reader, 1):
            row = to_row(json.loads(line), line_no)
            if row is None:
                continue
            if bad and rng.random() < bad:
                corrupt(row, n)
            rows.append(row)
            n += 1
            if len(rows) == 50_000:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
            if limit and n >= limit:
                break
    if rows:
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    writer.close()
    return n


def build_release_folder(shard: Path, base: Path) -> Path:
    """A release folder from the bench shard, written with the build's own shard and card writers."""
    import hashlib as _h

    from dataset_builder.config import load_config
    from dataset_builder.release.card import render_card
    from dataset_builder.writing import dump_json
    from dataset_builder.release.parquet_shards import write_sharded
    from dataset_builder.release.writer import DUPLICATES_SCHEMA, REJECTED_SCHEMA

    root = base / "dist" / "zh-bench" / "0.1.0"
    root.mkdir(parents=True)
    rows = pq.read_table(shard).to_pylist()
    by_split: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    for row in rows:
        point = int(_h.sha256(row["id"].encode()).hexdigest()[:8], 16) % 10
        by_split["train" if point < 8 else "validation" if point < 9 else "test"].append(row)
    del rows
    schema = document_arrow_schema()
    shards = {s: write_sharded(r, schema, root / "data", s, root) for s, r in by_split.items()}
    written = [f for files in shards.values() for f in files]
    written += write_sharded([], REJECTED_SCHEMA, root / "rejected", "rejected", root)
    written += write_sharded([], DUPLICATES_SCHEMA, root / "duplicates", "duplicates", root)
    sections = ["Motivation", "Composition", "Collection Process", "Preprocessing/Cleaning/Labeling", "Uses",
                "Distribution", "Maintenance"]
    (root / "DATASHEET.md").write_text("# Datasheet\n\n" + "".join(f"## {x}\n\nBenchmark data.\n\n" for x in sections),
                                       "utf-8")
    config = load_config(Path(__file__).resolve().parent.parent / "dataset.toml")
    (root / "README.md").write_text(render_card(config, shards, "# Bench release\n"), "utf-8")
    kept = {s: len(r) for s, r in by_split.items()}
    files = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            rel = p.relative_to(root).as_posix()
            files.append({"path": rel, "sha256": _h.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size,
                          "rows": pq.ParquetFile(p).metadata.num_rows if rel.endswith(".parquet") else None})
    manifest = {
        "manifest_version": 1, "name": "zh-bench", "version": "0.1.0",
        "config": {"file": "dataset.toml", "sha256": "0" * 64},
        "inputs": [{"path": "zh_mixed_316k.jsonl", "sha256": "0" * 64, "bytes": 0, "documents": sum(kept.values())}],
        "counts": {"read": sum(kept.values()), "rejected": 0, "rejected_by_reason": [], "duplicates": 0,
                   "kept": sum(kept.values()), "splits": kept},
        "files": files, "cleaning": [],
        "environment": {"dataset_builder": "0.1.0", "python": sys.version.split()[0], "pyarrow": pa.__version__,
                        "datasets": "5.2.0", "huggingface_hub": "2.4.0"},
    }
    (root / "manifest.json").write_text(dump_json(manifest), "utf-8")
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N documents")
    ap.add_argument("--bad", type=float, default=0.0, help="fraction of rows to corrupt")
    ap.add_argument("--jsonschema-sample", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    ap.add_argument("--release", action="store_true", help="also time validate_path on a whole release folder")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        shard = Path(tmp) / "train-00000-of-00001.parquet"
        t0 = time.perf_counter()
        n = build_shard(args.corpus, shard, args.limit, args.bad)
        print(f"built {n} rows, {shard.stat().st_size / 1e6:.1f} MB Parquet in {time.perf_counter() - t0:.1f} s "
              f"(temporary, deleted afterwards)")

        schema = load_schema("document")
        t0 = time.perf_counter()
        fast = RowValidator(schema, allow_fallback=False)
        print(f"compiled the row schema in {time.perf_counter() - t0:.2f} s (once per process)")

        def rows_only() -> tuple[int, int]:
            invalid = rows = 0
            for batch in pq.ParquetFile(shard).iter_batches(batch_size=BATCH_ROWS):
                # as validate runs it: every row's verdict, jsonschema messages for up to 20 rows per column
                invalid += len(fast.validate_batch(batch, max_rows_per_column=20).invalid)
                rows += batch.num_rows
            return rows, invalid

        def full_shard() -> int:
            view = ReleaseView(Release(Path(tmp)), max_per_kind=20)
            for _ in shard_row_problems(view, ShardFile(shard.name, "train", 0, 1), pq.ParquetFile(shard), fast):
                pass
            return view.rows_checked

        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            rows, bad_rows = rows_only()
            best = min(best, time.perf_counter() - t0)
        print(f"row schema, every row (read + compiled check + jsonschema messages): {rows} rows, "
              f"{bad_rows} invalid, {best:.2f} s = {rows / best:,.0f} rows/s")

        table = pq.read_table(shard)
        batches = table.to_batches(max_chunksize=BATCH_ROWS)
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for b in batches:
                fast.suspects(b)
            best = min(best, time.perf_counter() - t0)
        print(f"compiled check alone, in memory: {rows / best:,.0f} rows/s")

        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            full_shard()
            best = min(best, time.perf_counter() - t0)
        print(f"whole shard check (rows + num_chars/text_sha256 consistency + ids): {rows / best:,.0f} rows/s")

        sample = table.slice(0, min(args.jsonschema_sample, rows)).to_pylist()
        validator = fast.validator
        t0 = time.perf_counter()
        js_bad = sum(not validator.is_valid(r) for r in sample)
        dt = time.perf_counter() - t0
        print(f"jsonschema Draft202012Validator alone: {len(sample)} rows ({js_bad} invalid) in {dt:.2f} s = "
              f"{len(sample) / dt:,.0f} rows/s")

        if args.release:
            from dataset_builder.validate import validate_path

            del table, batches, sample
            root = build_release_folder(shard, Path(tmp))
            for load in (False, True):
                t0 = time.perf_counter()
                report = validate_path(root, check_load=load)
                dt = time.perf_counter() - t0
                what = "with" if load else "without"
                print(f"validate_path on the whole release, {what} load_dataset: {dt:.1f} s "
                      f"({report.stats.get('rows_checked', 0) / dt:,.0f} rows/s) -> {report.summary()}")
                for p in report.problems[:5]:
                    print("   ", p.text()[:200])


if __name__ == "__main__":
    main()
