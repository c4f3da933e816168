"""Throughput of cleaning + metadata extraction + quality filtering on the shared benchmark corpus.

    python bench/clean.py [--corpus PATH] [--limit N] [--workers 1 2] [--chunk 2000] [--min-bytes 0]
                          [--repeat N] [--hash] [--compare HEX] [--no-timing] [--profile LINES]

Reads JSONL records ({"id","text",...}) from a .jsonl.zst file, runs the per-document stages
(`pipeline.cleaning_stages`: cleaning, metadata extraction, quality filter) on chunks of documents (cross-document
evidence works within a chunk) in 1 and 2 worker processes, and prints MB/s (UTF-8 bytes of input text) and
documents/s, wall-clock and per CPU-second the workers spent in the stages (the per-core figure, which stays
meaningful when other processes share the cores). The workers run the stages as the engine's do: the cyclic
garbage collector paused for each chunk, the allocator tuned. --repeat N times each worker count N times, in
turns, and prints the median and range (a run varies by 5-10% on a quiet two-core machine). Nothing derived from
the corpus is written.

--hash proves a speed-up changed no output: a first, untimed run prints one SHA-256 over every field of every
document in corpus order (kept text, title, dates, authors, edits, quality signals, flags, script, language, and
the rejection with its stage, reason and details). --compare HEX exits 1 when that hash differs.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import json
import multiprocessing as mp
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataset_builder.config import CleanConfig, FilterConfig  # noqa: E402
from dataset_builder.document import Document, Origin  # noqa: E402
from dataset_builder.memory import tune_allocator  # noqa: E402
from dataset_builder.phases import cyclic_gc_paused  # noqa: E402
from dataset_builder.pipeline import cleaning_stages  # noqa: E402
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
    tune_allocator()  # as the engine's workers do (engines/processes.py)
    _STAGES = cleaning_stages(CleanConfig(), FilterConfig(**BENCH_FILTER))
    warm_up(_STAGES)


def warm_up(stages, document=Document, origin=Origin) -> None:
    """Caches and lazily loaded tables (OpenCC's, the script sets) filled outside the timed part. `document` and
    `origin`: the classes of the package version the stages come from (bench/clean_against.py runs two)."""
    for stage in stages:
        list(stage.run([document(id="w", text="預熱文字，測試一下。", origin=origin("w"))]))


# The thresholds of dataset.toml.
BENCH_FILTER = {"min_chars": 50, "min_han_ratio": 0.3, "min_line_end_punct_ratio": 0.0, "max_repeated_ngram_ratio": 1.0}


def _documents(number: int) -> list[Document]:
    return chunk_documents(_CHUNKS[number])


def chunk_documents(chunk: list[tuple[str, str, dict]], document=Document, origin=Origin) -> list[Document]:
    """A chunk's documents, as a reader makes them (given metadata included), of the classes `warm_up` says."""
    return [document(id=i, text=t, raw_text=t, origin=origin("bench.jsonl", line=1), given=dict(g)) for i, t, g in chunk]


def _cleaned(stream: Iterable[Document]) -> Iterator[Document]:
    assert _STAGES is not None
    for stage in _STAGES:
        stage.stats.clear()
        stream = stage.run(stream)
    return iter(stream)


def _run_chunk(number: int) -> Counter:
    """The stages over one chunk; the CPU clock runs from the first stage on (making the documents is reading, timed
    by bench/build.py)."""
    outcome: Counter = Counter()
    docs = _documents(number)
    with cyclic_gc_paused():  # as the engine runs a shard (phases.run_shard)
        started = time.process_time()
        for doc in _cleaned(docs):
            outcome[doc.rejection.reason if doc.rejection else "kept"] += 1
        outcome["_cpu_microseconds"] = round((time.process_time() - started) * 1e6)
    return outcome


def fingerprint(doc: Document) -> bytes:
    """Every field of a cleaned document, serialised: what must not change when only speed changes."""
    row = doc.to_row()
    row["quality"] = {k: repr(v) for k, v in doc.quality.items()}  # exact values, every signal stored
    row["raw_text"] = doc.raw_text
    row["rejection"] = vars(doc.rejection) if doc.rejection else None
    row["duplicate_of"] = doc.duplicate_of
    return json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")


def output_digest(docs: Iterable[Document]) -> bytes:
    """SHA-256 over the fingerprint of every document, in order."""
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(fingerprint(doc))
        digest.update(b"\n")
    return digest.digest()


def _hash_chunk(number: int) -> tuple[int, bytes, Counter]:
    docs = list(_cleaned(_documents(number)))
    outcome = Counter(doc.rejection.reason if doc.rejection else "kept" for doc in docs)
    return number, output_digest(docs), outcome


def output_hash(workers: int, chunks: int) -> tuple[str, Counter]:
    """One SHA-256 over the per-chunk digests in corpus order (whatever order the workers finish in)."""
    digests: dict[int, bytes] = {}
    total: Counter = Counter()
    with mp.get_context("fork").Pool(workers, initializer=_init) as pool:
        for number, digest, outcome in pool.imap_unordered(_hash_chunk, range(chunks)):
            digests[number] = digest
            total.update(outcome)
    combined = hashlib.sha256()
    for number in range(chunks):
        combined.update(digests[number])
    return combined.hexdigest(), total


def profile(lines: int) -> None:
    """Every chunk in this process under cProfile; the functions that cost most time of their own, then in all."""
    import cProfile
    import pstats

    _init()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for number in range(len(_CHUNKS)):
        _run_chunk(number)
    profiler.disable()
    print(f"profiled in {time.perf_counter() - started:.1f} s (cProfile overhead included)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--min-bytes", type=int, default=0, help="only documents with at least this much text")
    parser.add_argument("--hash", action="store_true", help="print one hash over every field of every output document")
    parser.add_argument("--compare", metavar="HEX", help="with --hash: exit 1 when the output hash is not HEX")
    parser.add_argument("--no-timing", action="store_true", help="with --hash: stop after the hash")
    parser.add_argument("--repeat", type=int, default=1, help="time every worker count this many times; print the medians")
    parser.add_argument("--profile", type=int, metavar="LINES", help="profile one process (cProfile), print the top LINES")
    args = parser.parse_args()
    started = time.perf_counter()
    records = load(args.corpus, args.limit, args.min_bytes)
    megabytes = sum(len(t.encode("utf-8")) for _, t, _ in records) / 1e6
    print(f"loaded {len(records)} documents, {megabytes:.1f} MB of text in {time.perf_counter() - started:.1f} s")
    _CHUNKS[:] = [records[i : i + args.chunk] for i in range(0, len(records), args.chunk)]
    # The loaded corpus is read-only from here: keep the garbage collector from walking (and, in forked workers,
    # copying) its millions of objects on every full collection.
    gc.freeze()
    if args.profile:
        profile(args.profile)
        return
    if args.hash or args.compare:
        started = time.perf_counter()
        digest, total = output_hash(max(args.workers), len(_CHUNKS))
        print(f"output hash {digest} ({len(records)} documents, chunk {args.chunk}, {time.perf_counter() - started:.1f} s)")
        print("  outcome:", dict(total.most_common()))
        if args.compare and args.compare != digest:
            print(f"output CHANGED: expected {args.compare}")
            sys.exit(1)
        if args.compare:
            print("output unchanged")
        if args.no_timing:
            return
    runs: dict[int, list[float]] = {}
    for _ in range(args.repeat):
        for workers in args.workers:  # the worker counts take turns, so a slower spell of the machine hits each
            seconds, cpu, total = timed_run(workers)
            runs.setdefault(workers, []).append(cpu)
            print(
                f"workers={workers}: {seconds:.1f} s, {megabytes / seconds:.1f} MB/s, {len(records) / seconds:.0f} docs/s"
                f" ({megabytes / seconds / workers:.1f} MB/s per worker); CPU {cpu:.1f} s in the stages:"
                f" {megabytes / cpu:.1f} MB per CPU-second, {len(records) / cpu:.0f} docs per CPU-second"
            )
            print("  outcome:", dict(total.most_common()))
    if args.repeat > 1:
        for workers, cpus in runs.items():
            rates = sorted(megabytes / cpu for cpu in cpus)
            print(f"workers={workers}, {len(rates)} runs: median {statistics.median(rates):.2f} MB per CPU-second"
                  f" (range {rates[0]:.2f}-{rates[-1]:.2f})")


def timed_run(workers: int) -> tuple[float, float, Counter]:
    """(wall-clock seconds, CPU seconds in the stages, outcomes) of one pass over every chunk."""
    with mp.get_context("fork").Pool(workers, initializer=_init) as pool:
        pool.map(abs, range(workers))  # start-up outside the timing (_init warms every worker up)
        started = time.perf_counter()
        total: Counter = Counter()
        for outcome in pool.imap_unordered(_run_chunk, range(len(_CHUNKS))):
            total.update(outcome)
        cpu = total.pop("_cpu_microseconds") / 1e6
        return time.perf_counter() - started, cpu, total

if __name__ == "__main__":
    main()
