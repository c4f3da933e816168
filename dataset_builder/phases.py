"""Running the pipeline's phases over a shard plan, on any engine, with every intermediate in a work folder.

`run_shard(job, shard)` is the one unit of work every engine runs (in-process, in a worker process, on Ray): it
loads the shard (from the inputs in phase 0, else from the previous phase's output), runs the phase, sends the
documents whose place is final to the sinks' runs and stores the others for the next phase, and writes its
completion marker. `run_phases` drives the engine phase by phase, merges the global steps'
states, decides once, and hands back where the sinks' runs are.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa

from .config import Config
from .document import is_active
from .pipeline import Phase, build_stages, merged_stats, plan_phases, run_phase_on
from .readers import check_ids_unique
from .release.sinks import SINKS, run_schemas, write_runs
from .shards import Shard, ShardPlan, check_unchanged, read_shard
from .tallies import BuildTally
from .work import WorkFolder

DOCS = ".docs"  # a shard's documents after a phase (document_codec)
STATE = ".state"  # the partial state of the phase's global step
DONE = ".done"  # the completion marker: the ShardOutcome, written last
IDS = ".ids.arrow"  # phase 0: the shard's ids, sorted, with where each was read


@dataclass(frozen=True)
class PhaseJob:
    """What a worker needs to run one phase on any shard (small and picklable)."""

    config: Config
    work_root: Path
    work_key: dict
    phase: int
    decision_file: Path | None = None


@dataclass
class ShardOutcome:
    shard: int
    documents: int
    bytes: int
    stats: dict[str, Counter] = field(default_factory=dict)
    runs: dict[str, str] = field(default_factory=dict)  # sink -> run file name, of the documents the phase finished
    tally: BuildTally = field(default_factory=BuildTally)  # of the documents the phase finished
    phase: int = 0


_worker_cache: dict[Any, Any] = {}
# Called after each document read, in-process engines only (build_release's `on_document`, for tests).
on_document: Callable[[], None] | None = None
# The size of a global step's merged state, for PhasesResult.state_bytes; set by bench/build.py. A build does not
# measure it by default: pickling the dedup state (580 bytes a document) took 0.5 s at 316k documents, and a copy.
state_size: Callable[[Any], int] | None = None


def _stages(config: Config):
    key = ("stages", config)
    if key not in _worker_cache:
        _worker_cache[key] = build_stages(config)
    return _worker_cache[key]


def _decision(path: Path | None):
    if path is None:
        return None
    stat = path.stat()
    key = ("decision", str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _worker_cache:
        import pickle

        _worker_cache.pop(next((k for k in _worker_cache if k[0] == "decision"), None), None)
        _worker_cache[key] = pickle.loads(path.read_bytes())
    return _worker_cache[key]


@contextmanager
def cyclic_gc_paused():
    """Python's cyclic collector off while a shard runs. A shard's documents form no reference cycles, yet every
    few thousand allocations the collector walks the live containers (the documents, their lists and dicts, the
    cleaning tables): that was 5 of the 7 us it takes to create a Document. Garbage that does form a cycle waits
    for the end of the shard, so memory stays bounded by one shard's."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_shard(job: PhaseJob, shard: Shard) -> ShardOutcome:
    """Run phase `job.phase` on one shard and record its output; the engines' unit of work."""
    with cyclic_gc_paused():
        return _run_shard(job, shard)


def _run_shard(job: PhaseJob, shard: Shard) -> ShardOutcome:
    stages = _stages(job.config)
    phase = plan_phases(stages)[job.phase]
    work = WorkFolder(job.work_root, job.work_key)
    if job.phase == 0:
        docs = []
        for doc in read_shard(job.config, shard):
            docs.append(doc)
            if on_document is not None:
                on_document()
        if job.config.inputs[shard.input].format != "txt":  # a text file is read whole, and checked as it is read
            check_unchanged(shard)  # a range of a file: the file must not have changed under the read
        _write_ids(docs, shard, work.path(0, shard.name + IDS))
    else:
        docs = work.load_documents(job.phase - 1, shard.name + DOCS)
    for stage in stages:
        stage.stats = Counter()
    run_phase_on(docs, stages, phase, _decision(job.decision_file))
    outcome = ShardOutcome(shard.index, len(docs), shard.bytes, phase=job.phase)
    if phase.observes is not None:
        observer = stages[phase.observes]
        work.save(job.phase, shard.name + STATE, observer.global_step.observe([d for d in docs if is_active(d)]))
        finished, docs = _finished_apart(docs, observer.name)
        work.save_documents(job.phase, shard.name + DOCS, docs)
    else:
        finished = docs
    _sink(finished, job, shard, work, outcome)
    outcome.stats = {s.name: s.stats for s in stages[:phase.last + 1] if s.stats}
    work.save(job.phase, shard.name + DONE, outcome)
    return outcome


def _finished_apart(docs: list, observer: str) -> tuple[list, list]:
    """(documents whose place is final, documents the next phase needs). A document rejected by a stage that is
    complete (counted) is final: no later stage looks at it, so it goes to the sinks now instead of being stored
    and read back by every later phase (39% of the bench corpus: the filter rejects most short poems). One
    rejected by the observing stage itself stays: the next phase completes that stage and counts it."""
    finished, carried = [], []
    for doc in docs:
        rejection = doc.rejection
        (finished if rejection is not None and rejection.stage != observer else carried).append(doc)
    return finished, carried


def _sink(docs: list, job: PhaseJob, shard: Shard, work: WorkFolder, outcome: ShardOutcome) -> None:
    """The sinks' runs and the tally of the documents a phase finished."""
    if not docs:
        return
    work.path(job.phase, "").mkdir(parents=True, exist_ok=True)
    outcome.runs = write_runs(docs, work.path(job.phase, ""), shard.name, run_schemas())
    for doc in docs:
        outcome.tally.add(doc)


_IDS_SCHEMA = pa.schema([("id", pa.string()), ("where", pa.string())])


def _write_ids(docs, shard: Shard, path: Path) -> None:
    ordered = sorted(docs, key=attrgetter("id"))  # stable: a repeated id keeps the input order
    columns = [pa.array([d.id for d in ordered], pa.string()),
               pa.array([d.origin.describe() for d in ordered], pa.string())]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with pa.OSFile(str(temporary), "wb") as out, pa.ipc.new_file(out, _IDS_SCHEMA) as writer:
        writer.write_table(pa.Table.from_arrays(columns, schema=_IDS_SCHEMA))
    temporary.replace(path)


def check_unique_ids(work: WorkFolder, shards: Sequence[Shard]) -> None:
    """No id is used twice across the whole input. Arrow sorts the ids of every shard at once and compares
    neighbours; only when some id repeats are the shards' sorted id runs merged, to name the smallest such id and
    both its places."""
    import heapq

    import pyarrow.compute as pc

    from .release.sinks import _run_rows

    tables = []
    for shard in shards:
        with pa.memory_map(str(work.path(0, shard.name + IDS))) as source:
            tables.append(pa.ipc.open_file(source).read_all().select(["id"]))
    ids = pa.concat_tables(tables, promote_options="none").column("id") if tables else pa.chunked_array([], pa.string())
    # Sorted, an id that repeats sits beside itself. (count_distinct's hash table cost 0.1-0.36 s for the bench
    # corpus's 316k ids, most of it the kernel's, handing the table fresh pages; the sort 0.06 s.)
    ordered = ids.take(pc.sort_indices(ids)).combine_chunks()
    if len(ordered) < 2 or not pc.any(pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))).as_py():
        return

    def keyed(shard: Shard):
        for row in _run_rows(work.path(0, shard.name + IDS)):
            yield row["id"], shard.index, row["where"]

    check_ids_unique(heapq.merge(*(keyed(s) for s in shards)))


class _MergedState:
    """A phase's global-step state, merged in shard order as the shards finish, so the driver merges while the
    workers run the later shards instead of after the phase; `MERGE_AT_ONCE` shard states at a time, since one
    merge of many costs less than many of two (merge is associative and commutative: the grouping and the order
    cannot change the decision; shard order keeps even the state's layout the same whatever the engine).

    A merge costs time in proportion to the states it is given (the dedup state's arrays are concatenated, the
    boilerplate counts sorted again), so merged states are kept as a stack of levels, as in a binary counter: a
    new merge joins the top level only once that holds no more shards than it, so each shard's part is merged
    about log2(shards / MERGE_AT_ONCE) times, instead of once for every later merge. A step whose merge does not
    shrink the state (`merge_shrinks`) is merged once, at the end: each of those merges would only copy it."""

    MERGE_AT_ONCE = 16

    def __init__(self, work: WorkFolder, phase: Phase, step, shards: Sequence[Shard]) -> None:
        self.work, self.phase, self.step, self.shards = work, phase, step, shards
        self.merged = 0  # shards[:merged] are in `levels` or `pending`
        self.levels: list[tuple[int, Any]] = []  # (shards merged in it, its state), oldest first, fewer shards on top
        self.pending: list = []

    @property
    def state(self):
        """The merged state of every shard, once `advance(..., last=True)` has run (before that, the oldest level's)."""
        return self.levels[0][1] if self.levels else None

    def advance(self, finished, last: bool = False) -> None:
        """Take the shards from the next unmerged one on, as long as each is in `finished` (shard indices); with
        `last`, merge everything taken."""
        while self.merged < len(self.shards) and self.shards[self.merged].index in finished:
            self.pending.append(self.work.load(self.phase.index, self.shards[self.merged].name + STATE))
            self.merged += 1
            if len(self.pending) >= self.MERGE_AT_ONCE and self.step.merge_shrinks:
                self._merge_pending()
        if last:  # every level and what is pending, in one merge
            states = [state for _, state in self.levels] + self.pending
            count = sum(n for n, _ in self.levels) + len(self.pending)
            if states:
                self.levels = [(count, states[0] if len(states) == 1 else self.step.merge_many(states))]
            self.pending = []

    def _merge_pending(self) -> None:
        if not self.pending:
            return
        count, parts = len(self.pending), self.pending
        while self.levels and self.levels[-1][0] <= count:
            below, state = self.levels.pop()
            count, parts = count + below, [state, *parts]
        self.levels.append((count, self.step.merge_many(parts)))
        self.pending = []


@dataclass
class PhasesResult:
    stats: dict[str, Counter]
    tally: BuildTally
    runs: dict[str, list[Path]]  # sink -> run files, in shard order
    state_bytes: dict[str, int]  # global step -> pickled size of its merged state (when `state_size` is set)
    seconds: dict[str, float]  # phase name -> wall time
    inputs: tuple = ()  # the plan's InputFiles
    scratch: Path | None = None  # where the sinks may merge (inside the work folder)
    facts: Any = None  # the datasheet's tally, filled by the release writer


# phase name, shards done, shards, documents done, documents (lines or files: an upper bound), bytes done, bytes
Progress = Callable[[str, int, int, int, int, int, int], None]


def run_phases(config: Config, plan: ShardPlan, engine, work: WorkFolder, progress: Progress | None = None) -> PhasesResult:
    stages = build_stages(config)
    phases = plan_phases(stages)
    _worker_cache.clear()  # an in-process engine must not reuse what an earlier build of this process cached
    outcomes: dict[int, ShardOutcome] = {}
    decision_file: Path | None = None
    state_bytes: dict[str, int] = {}
    seconds: dict[str, float] = {}
    total_bytes = sum(s.bytes for s in plan.shards)
    total_docs = sum(s.documents for s in plan.shards)
    ids_checked = _Background()
    for phase in phases:
        started = time.perf_counter()
        outcomes = {s.index: work.load(phase.index, s.name + DONE) for s in plan.shards
                    if work.exists(phase.index, s.name + DONE)}
        pending = [s for s in plan.shards if s.index not in outcomes]
        done_bytes = sum(o.bytes for o in outcomes.values())
        done_docs = sum(s.documents for s in plan.shards if s.index in outcomes)
        if progress:
            progress(phase.name, len(outcomes), len(plan.shards), done_docs, total_docs, done_bytes, total_bytes)
        job = PhaseJob(config, work.root, work.key, phase.index, decision_file)
        merging = None if phase.observes is None else _MergedState(
            work, phase, stages[phase.observes].global_step, plan.shards)
        try:
            for outcome in engine.run_phase(job, pending):
                ids_checked.wait()
                outcomes[outcome.shard] = outcome
                if merging is not None:
                    merging.advance(outcomes)
                done_bytes += outcome.bytes
                done_docs += plan.shards[outcome.shard].documents
                if progress:
                    progress(phase.name, len(outcomes), len(plan.shards), done_docs, total_docs, done_bytes,
                             total_bytes)
        finally:
            ids_checked.wait()  # a repeated id is reported before any error of a later phase
        if phase.index == 0:
            # Checked while the next phase's first shards run (0.28 s that every worker waited for on the bench
            # corpus), and waited for before the driver takes their outcomes: its error comes first, as before.
            ids_checked = _Background(check_unique_ids, work, plan.shards)
            if phase is phases[-1]:
                ids_checked.wait()
        if phase.index > 0:
            work.drop(phase.index - 1, DOCS)
        if merging is not None:
            merging.advance(outcomes, last=True)
            decision_file = _decide(work, phase, merging, state_bytes)
        seconds[phase.name] = time.perf_counter() - started
    _worker_cache.clear()  # an in-process engine's stages and last decision are not needed by the release writer
    every = [work.load(p.index, s.name + DONE) for p in phases[:-1] for s in plan.shards]
    every += [outcomes[s.index] for s in plan.shards]
    runs = {sink: [work.path(o.phase, o.runs[sink]) for o in every if sink in o.runs] for sink in SINKS}
    tally = reduce(lambda a, b: a.merge(b), (o.tally for o in every), BuildTally())
    stats = merged_stats(o.stats for o in every)
    ordered = {s.name: stats[s.name] for s in stages if s.name in stats}
    return PhasesResult(ordered, tally, runs, state_bytes, seconds, plan.files, work.root)


class _Background:
    """A call run in a thread (none without a function); `wait` waits for it and raises its error, once."""

    def __init__(self, function: Callable | None = None, *args) -> None:
        self._future: Future | None = None
        if function is not None:
            pool = ThreadPoolExecutor(max_workers=1)
            self._future = pool.submit(function, *args)
            pool.shutdown(wait=False)  # the call goes on; the pool's thread ends with it

    def wait(self) -> None:
        future, self._future = self._future, None
        if future is not None:
            future.result()


def _decide(work: WorkFolder, phase: Phase, merging: _MergedState, state_bytes: dict[str, int]) -> Path:
    step = merging.step
    if merging.merged != len(merging.shards):  # pragma: no cover - every shard has finished by now
        raise RuntimeError(f"{phase.name}: {merging.shards[merging.merged].name} finished but was never merged")
    state = step.observe([]) if merging.state is None else merging.state
    if state_size is not None:
        state_bytes[step.name] = state_size(state)
    return work.save(phase.index, "decision.pickle", step.decide(state))
