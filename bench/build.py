"""Benchmark a whole build (read -> clean -> extract -> filter -> dedup -> split -> write) on the shared corpus.

    python bench/build.py [--corpus ../shared/bench/zh_mixed_316k.jsonl.zst] [--limit N]

Prints documents/s, input MB/s, peak memory and where the documents went. The release is written to a
temporary folder and deleted: nothing derived from the corpus is kept.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from dataset_builder.build import build_release

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="read only the first N documents (0: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        corpus = args.corpus.resolve()
        if args.limit:
            import io
            import itertools

            import zstandard

            with zstandard.ZstdDecompressor().stream_reader(corpus.open("rb")) as raw:
                lines = itertools.islice(io.TextIOWrapper(raw, encoding="utf-8"), args.limit)
                (root / "corpus.jsonl").write_text("".join(lines), encoding="utf-8")
        else:
            (root / "corpus.jsonl.zst").symlink_to(corpus)
        name = "corpus.jsonl" if args.limit else "corpus.jsonl.zst"
        (root / "dataset.toml").write_text(
            'name = "bench"\nversion = "0.0.1"\ndescription = "benchmark"\nlicense = "other"\nlanguage = ["zh"]\n'
            f'[[inputs]]\npath = "{name}"\nformat = "jsonl"\n[split]\ntrain = 0.8\nvalidation = 0.1\ntest = 0.1\n',
            encoding="utf-8",
        )
        input_bytes = 0
        started = time.perf_counter()
        result = build_release(root / "dataset.toml")
        elapsed = time.perf_counter() - started
        input_bytes = sum(len(d.raw_text.encode("utf-8")) for d in result.pipeline.documents)
        counts = result.manifest["counts"]
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"documents read      {counts['read']:>10,}")
        print(f"text in             {input_bytes / 1e6:>10.1f} MB (UTF-8)")
        print(f"wall time           {elapsed:>10.1f} s")
        print(f"throughput          {counts['read'] / elapsed:>10,.0f} documents/s  {input_bytes / 1e6 / elapsed:.2f} MB/s")
        print(f"peak memory (RSS)   {peak_mib:>10,.0f} MiB")
        print(f"kept per split      {counts['splits']}")
        print(f"rejected            {counts['rejected']:,} {[(r['reason'], r['count']) for r in counts['rejected_by_reason']]}")
        print(f"duplicates          {counts['duplicates']:,}")
        for stage in result.pipeline.stages:
            print(f"  {stage.name:<18} {dict(sorted(stage.stats.items()))}")


if __name__ == "__main__":
    main()
