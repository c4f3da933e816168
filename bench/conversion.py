"""Proof that the per-character conversion table (`cleaning.opencc_table`) gives exactly what OpenCC gives.

    python bench/conversion.py [--corpus PATH] [--limit N] [--profile t2s]

Converts every document of the benchmark corpus both ways and compares the texts and the changed-character counts,
and converts it again in batches of 2,000 (`convert_many`, what the cleaning stage does), which must give the same;
prints how many documents needed OpenCC (they contain a phrase key), the speed of each way, and exits 1 on any
difference. Nothing derived from the corpus is written.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataset_builder.cleaning.opencc_table import fast_converter  # noqa: E402
from dataset_builder.cleaning.script_converter import differing_chars  # noqa: E402
from dataset_builder.cleaning.text_units import converter  # noqa: E402

DEFAULT_CORPUS = str(Path(__file__).resolve().parents[2] / "shared" / "bench" / "zh_mixed_316k.jsonl.zst")


def texts(path: str, limit: int | None) -> list[str]:
    import zstandard

    out = []
    with open(path, "rb") as raw:
        for line in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8"):
            out.append(json.loads(line)["text"])
            if limit and len(out) >= limit:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--profile", default="t2s")
    args = parser.parse_args()
    corpus = texts(args.corpus, args.limit)
    megabytes = sum(len(t.encode("utf-8")) for t in corpus) / 1e6
    fast, slow = fast_converter(args.profile), converter(args.profile)
    if fast.table is None:
        print(f"profile {args.profile}: no per-character table (several steps or unreadable tables), OpenCC always")
    started = time.perf_counter()
    quick = [fast.convert(t) for t in corpus]
    fast_seconds = time.perf_counter() - started
    started = time.perf_counter()
    batched = [c for i in range(0, len(corpus), 2000) for c in fast.convert_many(corpus[i : i + 2000])]
    batch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    reference = [slow.convert(t) for t in corpus]
    slow_seconds = time.perf_counter() - started
    differences = 0
    via_opencc = sum(1 for _, changed in quick if changed is None)
    for text, (converted, changed), batch, expected in zip(corpus, quick, batched, reference):
        if converted != expected or (changed is not None and changed != differing_chars(text, expected)) or batch != (converted, changed):
            differences += 1
            if differences <= 5:
                print(f"DIFFERENT: {text[:60]!r}")
    print(f"{len(corpus)} documents, {megabytes:.1f} MB; {via_opencc} contain a phrase key or a normalised character")
    print(f"table + OpenCC where needed: {megabytes / fast_seconds:.1f} MB/s, in batches of 2,000 (convert_many):"
          f" {megabytes / batch_seconds:.1f} MB/s; OpenCC alone: {megabytes / slow_seconds:.1f} MB/s")
    print(f"{differences} documents differ from OpenCC (or, in batches, from the conversion alone)")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
