"""Benchmark whole builds on the shared corpus: throughput, peak memory of the process tree, global-step state.

    python bench/build.py [--corpus ../shared/bench/zh_mixed_316k.jsonl.zst] [--base-lines 20000]
                          [--scales 1,4,16] [--workers 1,2] [--engine-overhead | --cli] [--repeat 1]

The base input is the corpus's first `--base-lines` documents (0: all of it); scale k repeats it k times, each
copy in its own JSONL file with the ids suffixed `~<copy>`, in a scratch folder under /tmp that is deleted at the
end (nothing derived from the corpus is kept). Each build runs in its own process; a sampler adds up the resident
memory of that process and all its workers every 0.1 s, so the peak is the whole tree's. `--engine-overhead`
switches every stage off but the split (reading, spilling, merging, validating and writing alone).

By default a build is `build_release` called in a process that has imported the build already, so its time
leaves out the interpreter's start, the imports and the exit. `--cli` times what a user waits for instead:
`dataset-builder build --workers N` (this checkout's code) from the start of its process to its exit, counts
read back from the release's manifest, no state sizes (they need the build's own process).

Prints, per scale and worker count: documents/s, input MB/s, wall time, peak memory, and each global step's
merged state (pickled bytes per document it observed); then the speed-up of each worker count over the first.
The wall time leaves out the pickling that measures the states (0.1-0.5 s in the driver, alone: a build does not
do it). Figures measured while other work shares the machine are noisy: the load average is printed with them.
Even on a quiet 2-vCPU virtual machine the same build varies by about 15% from run to run, so `--repeat N` builds
each configuration N times, the worker counts taking turns, and prints the median time (throughput from it), the
range of the times, the highest peak, and the speed-up of the medians with the range of the runs' pairwise ones.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's code, not the installed one (so does its child build)
# ../shared/bench beside the main checkout (a worktree sits one level deeper)
DEFAULT_CORPUS = next((p for p in (HERE.parent.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst",
                                   HERE.parent.parent.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst")
                       if p.is_file()), HERE.parent.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst")
OVERHEAD_ENV = "DATASET_BUILDER_BENCH_NO_STAGES"

if os.environ.get(OVERHEAD_ENV):
    # Applied at import, so the worker processes (which import this module as __mp_main__) get it too.
    from dataset_builder import phases as _phases
    from dataset_builder.split_assign import SplitAssigner
    from dataset_builder.stage import Stage

    class _RequiredColumns(Stage):
        """The columns a release must have (validated before publication), set without looking at the text."""

        name = "required_columns"

        def process(self, doc) -> None:
            doc.language, doc.script = "zh", "Hans"

    _phases.build_stages = lambda config: [_RequiredColumns(), SplitAssigner(config.split)]


def make_input(corpus: Path, base_lines: int, scale: int, folder: Path) -> int:
    """Write `scale` copies of the base input; returns the input bytes."""
    import zstandard

    with zstandard.ZstdDecompressor().stream_reader(corpus.open("rb")) as raw:
        lines = []
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            lines.append(json.loads(line))
            if base_lines and len(lines) >= base_lines:
                break
    total = 0
    for copy in range(scale):
        path = folder / f"copy-{copy:03d}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in lines:
                out.write(json.dumps({**record, "id": f"{record['id']}~{copy}"}, ensure_ascii=False) + "\n")
        total += path.stat().st_size
    (folder / "dataset.toml").write_text(
        'name = "bench"\nversion = "0.0.1"\ndescription = "benchmark"\nlicense = "cc-by-4.0"\nlanguage = ["zh"]\n'
        '[[inputs]]\npath = "."\nformat = "jsonl"\nglob = "copy-*.jsonl"\n'
        "[split]\ntrain = 0.8\nvalidation = 0.1\ntest = 0.1\n",
        encoding="utf-8",
    )
    return total


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as status:
                total += next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (OSError, StopIteration):
            continue
    return total


def communicate_sampling(child: subprocess.Popen) -> tuple[tuple, int]:
    """`child.communicate()`, and the peak resident bytes of its whole process tree, sampled every 0.1 s."""
    peak = [0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], tree_rss(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = child.communicate()
    sampler.join()
    return output, peak[0]


def run_one(config: Path, workers: int) -> None:
    """In the child process: one build, its figures as JSON on stdout."""
    import pickle

    from dataset_builder import phases
    from dataset_builder.build import build_release

    measuring = [0.0]  # seconds spent pickling states to measure them, which a build does not do

    class ByteCounter:
        """A file that keeps only the count of what is written: the pickled state (1.7 GB for the dedup state at
        16x) is never held, so measuring it adds nothing to the peak memory the bench reports."""

        def __init__(self) -> None:
            self.size = 0

        def write(self, data) -> None:
            self.size += memoryview(data).nbytes

    def state_size(state) -> int:
        started = time.perf_counter()
        counter = ByteCounter()
        pickle.dump(state, counter, protocol=pickle.HIGHEST_PROTOCOL)
        measuring[0] += time.perf_counter() - started
        return counter.size

    phases.state_size = state_size
    started = time.perf_counter()
    result = build_release(config, workers=workers)
    elapsed = time.perf_counter() - started - measuring[0]
    counts = result.manifest["counts"]
    observed = {name: stats.get("in", 0) for name, stats in result.pipeline.stats.items()}
    print(json.dumps({"seconds": elapsed, "counts": counts, "state_bytes": result.pipeline.state_bytes,
                      "observed": observed, "phases": result.pipeline.seconds}))


def measure_cli(config: Path, workers: int) -> dict:
    """One `dataset-builder build` of `config`, timed from its process's start to its exit."""
    from dataset_builder.config import load_config

    release = load_config(config).release_dir  # where the build writes, as the config says
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "dataset_builder.cli", "build", "--workers", str(workers)],
                             cwd=config.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    (_, err), peak = communicate_sampling(child)
    seconds = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"build failed (exit {child.returncode}): {err[-2000:]}")
    counts = json.loads((release / "manifest.json").read_text("utf-8"))["counts"]
    shutil.rmtree(config.parent / "dist", ignore_errors=True)
    return {"seconds": seconds, "counts": counts, "state_bytes": {}, "observed": {}, "peak_bytes": peak}


def measure(config: Path, workers: int, overhead: bool) -> dict:
    env = {**os.environ, **({OVERHEAD_ENV: "1"} if overhead else {})}
    child = subprocess.Popen([sys.executable, __file__, "--run-one", str(config), "--workers", str(workers)],
                             stdout=subprocess.PIPE, env=env, text=True)
    (out, _), peak = communicate_sampling(child)
    if child.returncode:
        raise SystemExit(f"build failed (exit {child.returncode})")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["peak_bytes"] = peak
    shutil.rmtree(config.parent / "dist", ignore_errors=True)
    return figures


STEP_STAGE = {"cross_document_boilerplate_remover": "clean", "dedup": "dedup"}


def print_row(scale: int, workers: int, nbytes: int, runs: list[dict]) -> None:
    """One configuration's figures: the median time of its runs (and their range), the highest peak."""
    seconds = statistics.median(r["seconds"] for r in runs)
    low, high = min(r["seconds"] for r in runs), max(r["seconds"] for r in runs)
    f = runs[0]  # counts and states are the same in every run (the build is deterministic)
    read = f["counts"]["read"]
    state = ", ".join(
        f"{step} {size / max(1, f['observed'].get(STEP_STAGE.get(step, step), 0)):.1f} B"
        f" ({size / 2**20:.1f} MiB)" for step, size in f["state_bytes"].items())
    spread = f"{low:.1f}-{high:.1f}" if len(runs) > 1 else "-"
    print(f"{scale:>5} {workers:>7} {read:>10,} {nbytes / 1e6:>8.1f} {seconds:>8.1f} {spread:>11} "
          f"{read / seconds:>8,.0f} {nbytes / 1e6 / seconds:>6.2f} {max(r['peak_bytes'] for r in runs) / 2**20:>9,.0f}  "
          f"{state or '-'}", flush=True)


def print_speedups(worker_counts: list[int], runs: dict[int, list[dict]]) -> None:
    """Each worker count against the first: the ratio of the median times, and the range of the ratios of the runs
    made in the same turn."""
    base = worker_counts[0]
    for workers in worker_counts[1:]:
        median = statistics.median(r["seconds"] for r in runs[base]) / statistics.median(
            r["seconds"] for r in runs[workers])
        pairs = [a["seconds"] / b["seconds"] for a, b in zip(runs[base], runs[workers])]
        spread = f" (runs paired by turn: {min(pairs):.2f}-{max(pairs):.2f}x)" if len(pairs) > 1 else ""
        print(f"      speed-up of {workers} workers over {base}: {median:.2f}x{spread}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--base-lines", type=int, default=20000, help="documents of the base input (0: all)")
    parser.add_argument("--scales", default="1,4,16")
    parser.add_argument("--workers", default="1,2")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--engine-overhead", action="store_true", help="every stage off but the split")
    mode.add_argument("--cli", action="store_true", help="time `dataset-builder build` from its start to its exit")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each configuration (the median is printed)")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        run_one(args.run_one, int(args.workers))
        return
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"({os.cpu_count()} cores); mode: {'engine overhead (stages off)' if args.engine_overhead else 'full build'}"
          f"{', the command from start to exit' if args.cli else ''}")
    print(f"{'scale':>5} {'workers':>7} {'documents':>10} {'MB in':>8} {'wall s':>8} {'range s':>11} {'docs/s':>8} "
          f"{'MB/s':>6} {'peak MiB':>9}  global state (pickled bytes per observed document)")
    worker_counts = [int(w) for w in args.workers.split(",")]
    for scale in [int(s) for s in args.scales.split(",")]:
        with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
            folder = Path(scratch)
            nbytes = make_input(args.corpus.resolve(), args.base_lines, scale, folder)
            runs: dict[int, list[dict]] = {w: [] for w in worker_counts}
            for _ in range(args.repeat):  # the worker counts take turns, so a slow spell hits them alike
                for workers in worker_counts:
                    config = folder / "dataset.toml"
                    runs[workers].append(measure_cli(config, workers) if args.cli else
                                         measure(config, workers, args.engine_overhead))
            for workers in worker_counts:
                print_row(scale, workers, nbytes, runs[workers])
            print_speedups(worker_counts, runs)
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
