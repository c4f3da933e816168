"""Where a whole build's CPU goes: each part of the workers' shard work and of the driver, in CPU-seconds.

    python bench/breakdown.py [--corpus ../shared/bench/zh_mixed_316k.jsonl.zst] [--base-lines 0] [--workers 2]

Builds the base input of bench/build.py (the corpus's first `--base-lines` documents, 0: all of them, in a
scratch folder deleted at the end) once with the local engine, with the build's functions wrapped by timers of
the CPU clock: in the workers (which import this file as their main module, so the wrapping reaches them) the
reading, every stage, every global step's observation, the hand-over between phases (encoding, decoding, the work
folder's files), the sinks' runs and the tallies; in the driver the shard plan, the merges and decisions, and
publishing. Time is counted once: a part called inside another is taken out of the outer one's figure ("engine,
other" is what is left of a shard). The timers cost a few microseconds a call, a few hundred calls a shard, so
the figures are those of a build, give or take a percent. A worker's CPU outside its shards (start-up, imports,
waiting) is the difference between the workers' whole CPU (the children's rusage) and their parts.

Parts, not throughput: bench/build.py measures speed and memory; this says which part a speed-up has to come from.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # this checkout's code, not an installed one

from build import DEFAULT_CORPUS, make_input  # noqa: E402

BREAKDOWN_ENV = "DATASET_BUILDER_BENCH_BREAKDOWN"  # the folder the workers write their figures to


class Ledger:
    """CPU seconds by part, each second counted once: entering a part stops the clock of the part it is called in."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self._stack: list[str] = []
        self._since = 0.0

    def enter(self, key: str) -> None:
        now = time.process_time()
        if self._stack:
            self.seconds[self._stack[-1]] += now - self._since
        self._stack.append(key)
        self._since = now

    def leave(self) -> None:
        now = time.process_time()
        self.seconds[self._stack.pop()] += now - self._since
        self._since = now


LEDGER = Ledger()


def _timed(owner, name: str, key, consume: bool = False) -> None:
    """Replace `owner.name` by a timed call; `key(args)` names the part; `consume` lists what a generator gives."""
    function = getattr(owner, name)

    def timed(*args, **kwargs):
        LEDGER.enter(key(args))
        try:
            result = function(*args, **kwargs)
            return list(result) if consume else result
        finally:
            LEDGER.leave()

    setattr(owner, name, timed)


def _fixed(part: str):
    return lambda args: part


def install_worker_timers(folder: str) -> None:
    from dataset_builder import phases, work
    from dataset_builder.cleaning.cross_document import CrossDocumentBoilerplateRemover
    from dataset_builder.dedup import Duplicates
    from dataset_builder.stage import Stage

    _timed(phases, "read_shard", _fixed("reading the input"), consume=True)
    _timed(phases, "check_unchanged", _fixed("reading the input"))
    _timed(phases, "_write_ids", _fixed("the shard's ids"))
    _timed(Stage, "process_batch", lambda args: f"stage {args[0].name}")
    _timed(Stage, "complete_batch", lambda args: f"stage {args[0].name}, after its global decision")
    for step in (CrossDocumentBoilerplateRemover, Duplicates):
        _timed(step, "observe", lambda args: f"observe {args[0].name}")
    _timed(work, "encode_documents", _fixed("hand-over: encode the documents"))
    _timed(work, "decode_documents", _fixed("hand-over: decode the documents"))
    _timed(work.WorkFolder, "load_documents", _fixed("hand-over: read the documents' file"))
    _timed(work, "write_atomic", _fixed("work folder: write files (documents, states)"))
    _timed(work.WorkFolder, "save", _fixed("global-step states: pickle"))
    _timed(phases, "write_runs", _fixed("sinks: build and write the runs"))
    _timed(phases, "_sink", _fixed("sinks: tally"))
    run_shard = phases.run_shard

    def shard(job, one):
        LEDGER.enter("engine, other")
        try:
            return run_shard(job, one)
        finally:
            LEDGER.leave()
            (Path(folder) / f"worker-{os.getpid()}.json").write_text(json.dumps(LEDGER.seconds), "utf-8")

    phases.run_shard = shard


def install_driver_timers() -> None:
    from dataset_builder import build, phases
    from dataset_builder.cleaning.cross_document import CrossDocumentBoilerplateRemover
    from dataset_builder.dedup import Duplicates
    from dataset_builder.release import writer

    _timed(build, "plan_shards", _fixed("plan the shards"))
    _timed(build, "run_phases", _fixed("run the phases: hand out shards, wait"))
    _timed(phases, "check_unique_ids", _fixed("check the ids are unique"))
    for step in (CrossDocumentBoilerplateRemover, Duplicates):
        _timed(step, "merge_many", lambda args: f"merge {args[0].name}")
        _timed(step, "decide", lambda args: f"decide {args[0].name}")
    _timed(build, "write_release", _fixed("publish: manifest, card, config"))
    _timed(writer, "_write_sinks", _fixed("publish: merge the runs, write Parquet (threads)"))
    _timed(writer, "document_release", _fixed("publish: datasheet, Croissant"))
    _timed(build, "check_publishable", _fixed("publish: check the release"))


if os.environ.get(BREAKDOWN_ENV) and __name__ != "__main__":  # a spawned worker, importing this as __mp_main__
    install_worker_timers(os.environ[BREAKDOWN_ENV])


def _rusage_cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _print_parts(title: str, parts: dict[str, float], total: float) -> None:
    print(f"{title}: {total:.2f} CPU-s")
    for part, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"  {seconds:7.2f}  {100 * seconds / total:5.1f}%  {part}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--base-lines", type=int, default=0, help="documents of the base input (0: all)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-breakdown-") as scratch:
        folder, figures = Path(scratch) / "input", Path(scratch) / "figures"
        folder.mkdir()
        figures.mkdir()
        nbytes = make_input(args.corpus.resolve(), args.base_lines, 1, folder)
        os.environ[BREAKDOWN_ENV] = str(figures)  # the workers the build spawns inherit it
        install_driver_timers()
        from dataset_builder.build import build_release

        driver_before, started = _rusage_cpu(resource.RUSAGE_SELF), time.perf_counter()
        LEDGER.enter("driver, other")
        result = build_release(folder / "dataset.toml", workers=args.workers)
        LEDGER.leave()
        wall = time.perf_counter() - started
        driver = _rusage_cpu(resource.RUSAGE_SELF) - driver_before
        children = _rusage_cpu(resource.RUSAGE_CHILDREN)  # the pool has exited: every worker is counted
        workers: Counter[str] = Counter()
        for path in figures.glob("worker-*.json"):
            workers.update(json.loads(path.read_text("utf-8")))
    workers["workers: start-up, imports, waiting (outside shards)"] = max(0.0, children - sum(workers.values()))
    documents = result.manifest["counts"]["read"]
    print(f"{documents:,} documents, {nbytes / 1e6:.1f} MB of input, {args.workers} workers: {wall:.1f} s wall, "
          f"{driver + children:.1f} CPU-s in all (load average {os.getloadavg()[0]:.2f})")
    _print_parts("workers", dict(workers), children)
    _print_parts("driver", dict(LEDGER.seconds), driver)


if __name__ == "__main__":
    main()
