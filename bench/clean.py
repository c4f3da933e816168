"""Throughput of cleaning + metadata extraction + quality filtering on the shared benchmark corpus.

    python bench/clean.py [--corpus PATH] [--limit N] [--workers 1 2] [--chunk 2000] [--min-bytes 0]

Reads JSONL records ({"id","text",...}) from a .jsonl.zst file, runs CleanStage, MetadataExtractor and
QualityFilter on chunks of documents (cross-document evidence works within a chunk) in 1 and 2 worker processes,
and prints MB/s (UTF-8 bytes of input text) and documents/s. Nothing derived from the corpus is written.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import multiprocessing as mp
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataset_builder.cleaning import CleanStage  # noqa: E402
from dataset_builder.config import CleanConfig, FilterConfig  # noqa: E402
from dataset_builder.document import Document, Origin  # noqa: E402
from dataset_builder.extract_metadata import MetadataExtractor  # noqa: E402
from dataset_builder.quality_filter import QualityFilter  # noqa: E402
from dataset_builder.readers.given_metadata import given_metadata  # noqa: E402

# ../shared/bench beside the project, as the developers' guide lays it out
DEFAULT_CORPUS = str(Path(__file__).resolve().parents[2] / "shared" / "bench" / "zh_mixed_316k.jsonl.zst")


def load(path: str, limit: int | None, min_bytes: int = 0) -> list[tuple[str, str, dict]]:
    import zstandard

    records = []
    with open(path, "rb") as raw:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
        for number, line in enumerate(reader, start=1):
            record = json.loads(line)
            if min_bytes and len(record["text"].encode("utf-8")) < min_bytes:
                continue
            records.append((str(record["id"]), record["text"], given_metadata(record, f"bench:{number}")))
            if limit and len(records) >= limit:
                break
    return records


_STAGES = None
_CHUNKS: list[list[tuple[str, str, dict]]] = []  # inherited by forked workers: only chunk numbers travel


def _init() -> None:
    global _STAGES
    _STAGES = (CleanStage(CleanConfig()), MetadataExtractor(), QualityFilter(FilterConfig(**BENCH_FILTER)))
    for stage in _STAGES:  # warm caches (OpenCC tables, script classes) outside the timed part
        list(stage.run([Document(id="w", text="預熱文字，測試一下。", origin=Origin("w"))]))


# The thresholds of dataset.toml.
BENCH_FILTER = {"min_chars": 50, "min_han_ratio": 0.3, "min_line_end_punct_ratio": 0.0, "max_repeated_ngram_ratio": 1.0}


def _run_chunk(number: int) -> Counter:
    assert _STAGES is not None
    chunk = _CHUNKS[number]
    stream = (Document(id=i, text=t, raw_text=t, origin=Origin("bench.jsonl", line=1), given=g) for i, t, g in chunk)
    for stage in _STAGES:
        stage.stats.clear()
        stream = stage.run(stream)
    outcome: Counter = Counter()
    for doc in stream:
        outcome[doc.rejection.reason if doc.rejection else "kept"] += 1
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--min-bytes", type=int, default=0, help="only documents with at least this much text")
    args = parser.parse_args()
    started = time.perf_counter()
    records = load(args.corpus, args.limit, args.min_bytes)
    megabytes = sum(len(t.encode("utf-8")) for _, t, _ in records) / 1e6
    print(f"loaded {len(records)} documents, {megabytes:.1f} MB of text in {time.perf_counter() - started:.1f} s")
    _CHUNKS[:] = [records[i : i + args.chunk] for i in range(0, len(records), args.chunk)]
    # The loaded corpus is read-only from here: keep the garbage collector from walking (and, in forked workers,
    # copying) its millions of objects on every full collection.
    gc.freeze()
    for workers in args.workers:
        with mp.get_context("fork").Pool(workers, initializer=_init) as pool:
            pool.map(abs, range(workers))  # start-up outside the timing (_init warms every worker up)
            started = time.perf_counter()
            total: Counter = Counter()
            for outcome in pool.imap_unordered(_run_chunk, range(len(_CHUNKS))):
                total.update(outcome)
            seconds = time.perf_counter() - started
        print(
            f"workers={workers}: {seconds:.1f} s, {megabytes / seconds:.1f} MB/s, {len(records) / seconds:.0f} docs/s"
            f" ({megabytes / seconds / workers:.1f} MB/s per worker)"
        )
        print("  outcome:", dict(total.most_common()))


if __name__ == "__main__":
    main()
