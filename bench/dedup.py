"""Benchmark near-duplicate detection on the shared corpus: signatures + LSH + union-find, and the index size.

    python bench/dedup.py [--corpus ../shared/bench/zh_mixed_316k.jsonl.zst] [--limit N] [--batch 10000]

Reads the corpus (raw text: no cleaning, so the figure is the step's own cost), observes it in batches as the
engine would per shard, merges the states, decides once and applies. Prints documents/s (wall clock and per CPU
second, since the machine may be shared) of signature computation (observe) and of clustering (merge + decide), clusters found, and the index: bytes per document of
the merged state (signature + id + published_at, as pickled between workers). Nothing derived from the corpus is written.
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from dataset_builder.config import DedupConfig  # noqa: E402
from dataset_builder.dedup import Duplicates  # noqa: E402
from dataset_builder.dedup_near import library_versions  # noqa: E402
from dataset_builder.document import Document, Origin  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/bench/zh_mixed_316k.jsonl.zst")


def read(corpus: Path, limit: int) -> list[Document]:
    docs = []
    with corpus.open("rb") as raw, io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), "utf-8") as f:
        for n, line in enumerate(f):
            if limit and n >= limit:
                break
            row = json.loads(line)
            docs.append(Document(id=row["id"], text=row["text"], origin=Origin("corpus", line=n + 1)))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    parser.add_argument("--batch", type=int, default=10_000, help="documents per observe batch (a shard)")
    args = parser.parse_args()
    docs = read(args.corpus, args.limit)
    config = DedupConfig()
    step = Duplicates(config)
    started, cpu_started = time.perf_counter(), time.process_time()
    states = [step.observe(docs[i:i + args.batch]) for i in range(0, len(docs), args.batch)]
    observed, cpu_observed = time.perf_counter(), time.process_time()
    state_bytes = sum(len(pickle.dumps(s, protocol=5)) for s in states)
    merge_started, cpu_merge = time.perf_counter(), time.process_time()
    merged = states[0]
    for s in states[1:]:
        merged = step.merge(merged, s)
    decision = step.decide(merged)
    decided, cpu_decided = time.perf_counter(), time.process_time()
    for doc in docs:
        step.apply(doc, decision)
    applied = time.perf_counter()
    n = len(docs)
    copies = Counter(d.duplicate_kind for d in docs if d.duplicate_of)
    clusters = len({c.cluster_id for c in decision.values()})
    print(f"dedup, exact + near ({library_versions()}, n={config.ngram_size}, {config.bands}x{config.rows}, "
          f"t={config.threshold}) on {n} documents, batches of {args.batch}")
    print(f"signatures (observe): {observed - started:.1f} s wall, {n / (observed - started):,.0f} docs/s; "
          f"{cpu_observed - cpu_started:.1f} s CPU, {n / (cpu_observed - cpu_started):,.0f} docs/CPU-s")
    print(f"clustering (merge + decide): {decided - merge_started:.1f} s wall, {n / (decided - merge_started):,.0f} "
          f"docs/s; {cpu_decided - cpu_merge:.1f} s CPU, {n / (cpu_decided - cpu_merge):,.0f} docs/CPU-s")
    print(f"apply: {applied - decided:.2f} s; total {n / (applied - started - (merge_started - observed)):,.0f} docs/s")
    print(f"clusters of 2+: {clusters}, copies marked: {copies.get('exact', 0)} exact, {copies.get('near', 0)} near")
    print(f"index: {state_bytes / n:,.0f} bytes/doc of merged state as pickled (signature {4 * config.num_perm} B "
          f"+ 16-byte text digest + id + published_at); decide adds a {4 * config.num_perm} B/doc signature matrix and one sorted band at a time")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
