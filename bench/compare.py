"""Side by side, in one run on one machine: this project, datatrove, and the floor (pyarrow alone).

    python bench/compare.py [--corpus ../shared/bench/zh_mixed_316k.jsonl.zst] [--lines 0] [--workers 2]
                            [--skip-datatrove]

The corpus is decompressed into a scratch folder under /tmp as `--parts` JSONL files (so every tool can spread
it over its workers) and deleted at the end; nothing derived from it is kept.

- dataset-builder: `dataset-builder build --workers N`, the full pipeline as the config declares it.
- datatrove (`datatrove[io,processing]==0.10.1`, installed by this script into its own virtual environment under
  /tmp, reused by later runs): its closest equivalent pipeline — JsonlReader, FTFYFormatter,
  GopherRepetitionFilter, FineWebQualityFilter, the four MinHash steps (signatures, buckets, clusters, filter)
  and ParquetWriter — on N workers, with its default (English) word tokenizer and MinHash settings.
- floor: pyarrow reads the same JSONL and writes zstd Parquet, no processing, one process.

Each runs as its own process tree; a sampler adds up the resident memory of the whole tree every 0.1 s.
Prints wall time, documents/s, input MB/s and peak memory of each, and the ratios to datatrove.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import DEFAULT_CORPUS, communicate_sampling  # noqa: E402  (bench/build.py: corpus, memory sampler)

DATATROVE = "datatrove[io,processing]==0.10.1"  # io: the JSONL reader (orjson) and Parquet writer
DATATROVE_VENV = Path(tempfile.gettempdir()) / "bench-compare-datatrove-0.10.1"

DATATROVE_PIPELINE = '''
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.filters import FineWebQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.formatters import FTFYFormatter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

data, work, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
config = MinhashConfig()


def run(pipeline, name, tasks=workers):
    LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=workers, logging_dir=f"{work}/logs/{name}").run()


# as datatrove's own examples chain them: filter, then the four MinHash steps over the filtered documents
run([JsonlReader(data, glob_pattern="*.jsonl"), FTFYFormatter(), GopherRepetitionFilter(), FineWebQualityFilter(),
     JsonlWriter(f"{work}/filtered")], "filter", 8)
run([JsonlReader(f"{work}/filtered"), MinhashDedupSignature(output_folder=f"{work}/signatures", config=config)],
    "signatures", 8)
run([MinhashDedupBuckets(input_folder=f"{work}/signatures", output_folder=f"{work}/buckets", config=config)],
    "buckets", config.num_buckets)
run([MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove_ids", config=config)],
    "clusters", 1)
run([JsonlReader(f"{work}/filtered"), MinhashDedupFilter(input_folder=f"{work}/remove_ids"),
     ParquetWriter(f"{work}/output", compression="zstd")], "dedup", 8)
'''

FLOOR = '''
import sys
from pathlib import Path
import pyarrow.json as pj, pyarrow.parquet as pq
data, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for part in sorted(data.glob("*.jsonl")):
    pq.write_table(pj.read_json(part), out / (part.stem + ".parquet"), compression="zstd")
'''


def split_corpus(corpus: Path, lines: int, parts: int, folder: Path) -> tuple[int, int]:
    """Write the corpus's first `lines` documents (0: all) as `parts` JSONL files; returns (documents, bytes)."""
    import zstandard

    with zstandard.ZstdDecompressor().stream_reader(corpus.open("rb")) as raw:
        records = []
        for line in io.BufferedReader(raw):
            records.append(line)
            if lines and len(records) >= lines:
                break
    folder.mkdir(parents=True)
    per_part = -(-len(records) // parts)
    for k in range(parts):
        (folder / f"part-{k:02d}.jsonl").write_bytes(b"".join(records[k * per_part:(k + 1) * per_part]))
    return len(records), sum(len(r) for r in records)


def measure(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of the command's whole process tree."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    (_, errors), peak = communicate_sampling(child)
    if child.returncode:
        raise SystemExit(f"{command[0]} failed (exit {child.returncode}):\n{errors[-3000:]}")
    return time.perf_counter() - started, peak


def datatrove_python() -> Path:
    python = DATATROVE_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing {DATATROVE} into {DATATROVE_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DATATROVE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", DATATROVE], check=True)
    return python


def our_project(folder: Path) -> None:
    (folder / "dataset.toml").write_text(
        'name = "bench"\nversion = "0.0.1"\ndescription = "benchmark"\nlicense = "cc-by-4.0"\nlanguage = ["zh"]\n'
        '[[inputs]]\npath = "data"\nformat = "jsonl"\nglob = "part-*.jsonl"\n'
        "[split]\ntrain = 0.8\nvalidation = 0.1\ntest = 0.1\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--lines", type=int, default=0, help="documents to use (0: the whole corpus)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--skip-datatrove", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as scratch:
        root = Path(scratch)
        documents, nbytes = split_corpus(args.corpus.resolve(), args.lines, args.parts, root / "data")
        print(f"input: {documents:,} documents, {nbytes / 1e6:.1f} MB of JSONL in {args.parts} files; "
              f"{args.workers} workers")
        our_project(root)
        runs = {"dataset-builder": measure(
            [sys.executable, "-m", "dataset_builder.cli", "build", "--workers", str(args.workers)], root)}
        if not args.skip_datatrove:
            (root / "datatrove_pipeline.py").write_text(DATATROVE_PIPELINE, encoding="utf-8")
            python = datatrove_python()
            runs["datatrove"] = measure([str(python), "datatrove_pipeline.py", str(root / "data"),
                                         str(root / "datatrove"), str(args.workers)], root)
        runs["floor (pyarrow)"] = measure([sys.executable, "-c", FLOOR, str(root / "data"), str(root / "floor")], root)
        shutil.rmtree(root / "dist", ignore_errors=True)
    reference = runs.get("datatrove")
    print(f"{'':<16} {'wall s':>8} {'docs/s':>9} {'MB/s':>7} {'peak MiB':>9} {'speed vs datatrove':>19}")
    for name, (seconds, peak) in runs.items():
        ratio = f"{reference[0] / seconds:.2f}x" if reference else "-"
        print(f"{name:<16} {seconds:>8.1f} {documents / seconds:>9,.0f} {nbytes / 1e6 / seconds:>7.2f} "
              f"{peak / 2**20:>9,.0f} {ratio:>19}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
