"""Side by side, in one run on one machine: this project, datatrove, and the floor (pyarrow alone).

    python bench/compare.py [--corpus ../shared/bench/zh_mixed_316k.jsonl.zst] [--lines 0] [--workers 2]
                            [--skip-datatrove]

The corpus is decompressed into a scratch folder under /tmp as `--parts` JSONL files (so every tool can spread
it over its workers) and deleted at the end; nothing derived from it is kept.

- dataset-builder: `dataset-builder build --workers N`, the full pipeline with its defaults (near-duplicates on).
- datatrove (`datatrove[io,processing]==0.10.1` and the `spacy` its default tokenizer needs, installed by this
  script into its own virtual environment under /tmp, reused by later runs): its closest equivalent pipeline —
  JsonlReader, FTFYFormatter, GopherRepetitionFilter, FineWebQualityFilter, the four MinHash steps (signatures,
  buckets, clusters, filter) and ParquetWriter — on N workers, with its default (English) word tokenizer and
  MinHash settings. Those English defaults drop most Chinese documents in the filters, so its MinHash steps see
  few documents: the comparison flatters datatrove's dedup cost, not ours.
- floor: pyarrow reads the same JSONL and writes zstd Parquet, no processing, one process.

Each runs as its own process tree; a sampler adds up the resident memory of the whole tree every 0.1 s.
Prints wall time, documents/s, input MB/s and peak memory of each as soon as it is done, then the speed ratios to
datatrove. A tool still running after `--timeout` seconds is stopped and reported with bounds (`>` seconds).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import DEFAULT_CORPUS, communicate_sampling  # noqa: E402  (bench/build.py: corpus, memory sampler)

# io: the JSONL reader (orjson) and Parquet writer; spacy: the default (English) word tokenizer of its Gopher and
# FineWeb filters, which no extra pulls in
DATATROVE = ("datatrove[io,processing]==0.10.1", "spacy==3.8.18")
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

def run(pipeline, name, tasks, workers, work):
    LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=workers, logging_dir=f"{work}/logs/{name}").run()


def main(data, work, workers):
    config = MinhashConfig()
    # as datatrove's own examples chain them: filter, then the four MinHash steps over the filtered documents
    run([JsonlReader(data, glob_pattern="*.jsonl"), FTFYFormatter(), GopherRepetitionFilter(), FineWebQualityFilter(),
         JsonlWriter(f"{work}/filtered")], "filter", 8, workers, work)
    run([JsonlReader(f"{work}/filtered"), MinhashDedupSignature(output_folder=f"{work}/signatures", config=config)],
        "signatures", 8, workers, work)
    run([MinhashDedupBuckets(input_folder=f"{work}/signatures", output_folder=f"{work}/buckets", config=config)],
        "buckets", config.num_buckets, workers, work)
    run([MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove_ids", config=config)],
        "clusters", 1, workers, work)
    run([JsonlReader(f"{work}/filtered"), MinhashDedupFilter(input_folder=f"{work}/remove_ids"),
         ParquetWriter(f"{work}/output", compression="zstd")], "dedup", 8, workers, work)


# datatrove's executor starts its workers with spawn: without this guard each worker re-ran the pipeline's
# start and failed, and the parent waited for them for ever
if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
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


def measure(command: list[str], cwd: Path, timeout: float) -> tuple[float, int, bool]:
    """Wall seconds and peak resident bytes of the command's whole process tree, and whether it finished within
    `timeout` seconds (if not, its whole process group is killed and the seconds are a lower bound)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    killer = threading.Timer(timeout, lambda: os.killpg(child.pid, signal.SIGKILL))
    killer.start()
    (_, errors), peak = communicate_sampling(child)
    killer.cancel()
    seconds = time.perf_counter() - started
    if child.returncode == -signal.SIGKILL and seconds >= timeout:
        return seconds, peak, False
    if child.returncode:
        raise SystemExit(f"{command[0]} failed (exit {child.returncode}):\n{errors[-3000:]}")
    return seconds, peak, True


HEADER = f"{'':<16} {'wall s':>9} {'docs/s':>9} {'MB/s':>7} {'peak MiB':>9}"


def line(name: str, run: tuple[float, int, bool], documents: int, nbytes: int) -> str:
    """One tool's figures; a run stopped at the timeout gives bounds (at least the time, at most the speed)."""
    seconds, peak, finished = run
    bound, at_most = ("", "") if finished else (">", "<")
    return (f"{name:<16} {bound + f'{seconds:.1f}':>9} {at_most + f'{documents / seconds:,.0f}':>9} "
            f"{at_most + f'{nbytes / 1e6 / seconds:.2f}':>7} {peak / 2**20:>9,.0f}")


def datatrove_python() -> Path:
    python = DATATROVE_VENV / "bin" / "python"
    if not python.exists() or subprocess.run([str(python), "-c", "import datatrove, spacy"]).returncode:
        print(f"installing {' '.join(DATATROVE)} into {DATATROVE_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DATATROVE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *DATATROVE], check=True)
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
    parser.add_argument("--timeout", type=float, default=1800, help="seconds a tool may run before it is stopped")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as scratch:
        root = Path(scratch)
        documents, nbytes = split_corpus(args.corpus.resolve(), args.lines, args.parts, root / "data")
        print(f"input: {documents:,} documents, {nbytes / 1e6:.1f} MB of JSONL in {args.parts} files; "
              f"{args.workers} workers")
        our_project(root)
        commands = {"dataset-builder": [sys.executable, "-m", "dataset_builder.cli", "build", "--workers",
                                        str(args.workers)]}
        if not args.skip_datatrove:
            (root / "datatrove_pipeline.py").write_text(DATATROVE_PIPELINE, encoding="utf-8")
            commands["datatrove"] = [str(datatrove_python()), "datatrove_pipeline.py", str(root / "data"),
                                     str(root / "datatrove"), str(args.workers)]
        commands["floor (pyarrow)"] = [sys.executable, "-c", FLOOR, str(root / "data"), str(root / "floor")]
        print(HEADER, flush=True)
        runs = {}
        for name, command in commands.items():  # each line as soon as its tool is done
            runs[name] = measure(command, root, args.timeout)
            print(line(name, runs[name], documents, nbytes), flush=True)
        shutil.rmtree(root / "dist", ignore_errors=True)
    reference = runs.get("datatrove")
    if reference:
        bound = "" if reference[2] else "at least "
        for name in ("dataset-builder", "floor (pyarrow)"):
            print(f"{name} speed / datatrove's: {bound}{reference[0] / runs[name][0]:.2f}x")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
