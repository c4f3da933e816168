"""The whole pipeline in one place: read -> clean -> extract metadata -> quality filter -> dedup (exact, near) -> split,
then the release sinks. Each stage is its own module; this file lists them in order and cuts the list into
phases at the stages that need a global step.

    phase 0   read shard, clean each document          | observe: cross-document lines
    phase 1   apply: cross-document lines, finish clean;
              extract metadata, quality filter         | observe: text digests, MinHash signatures
    phase 2   apply: exact and near duplicates; split  -> sinks (runs sorted by id), tallies

A phase runs shard by shard (on any engine, see engines/); between phases a shard's documents are kept in the
work folder, and each global step's partial states are merged and decided once. A document rejected by a
complete stage (the filter, in phase 1) goes to the sinks in the phase that rejected it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from .cleaning import CleanStage
from .config import CleanConfig, Config, FilterConfig
from .dedup import Deduplicator
from .document import Document, is_active
from .extract_metadata import MetadataExtractor
from .quality_filter import QualityFilter
from .release.versions import previous_kept_ids
from .shards import InputFile, plan_shards, read_documents
from .split_assign import SPLITS, SplitAssigner
from .stage import Stage


def cleaning_stages(clean: CleanConfig, filter: FilterConfig) -> list[Stage]:
    """The per-document part of the pipeline; `dataset-builder clean` runs these alone."""
    return [
        CleanStage(clean),
        MetadataExtractor(),
        QualityFilter(filter),
    ]


def build_stages(config: Config) -> list[Stage]:
    """The pipeline, read top to bottom."""
    return [
        *cleaning_stages(config.clean, config.filter),
        Deduplicator(config.dedup, partial(previous_kept_ids, config)),
        SplitAssigner(config.split),
    ]


@dataclass(frozen=True)
class Phase:
    """Stages `first`..`last` (indices into the stage list) over one shard. It starts by completing stage
    `first - 1` when that one ended the previous phase with a global step, and ends with the global step of
    stage `last` (`observes`) or, in the last phase, in the sinks."""

    index: int
    first: int
    last: int
    completes: int | None  # the stage whose global decision this phase applies first
    observes: int | None  # the stage whose global step observes this phase's output; None: the final phase
    name: str = ""


def plan_phases(stages: list[Stage]) -> list[Phase]:
    phases: list[Phase] = []
    first, completes = 0, None
    for i, stage in enumerate(stages):
        if stage.global_step is not None:
            names = [s.name for s in stages[first:i + 1]]
            phases.append(Phase(len(phases), first, i, completes, i, " + ".join(names)))
            first, completes = i + 1, i
    names = [s.name for s in stages[first:]] + ["write"]
    phases.append(Phase(len(phases), first, len(stages) - 1, completes, None, " + ".join(names)))
    return phases


def run_phase_on(docs: list[Document], stages: list[Stage], phase: Phase, decision=None) -> None:
    """One phase's per-document work on one shard's documents, in place."""
    if phase.completes is not None:
        stages[phase.completes].complete_batch(docs, decision)
    for stage in stages[phase.first:phase.last + 1]:
        stage.process_batch(docs)


# In-memory pipeline: every document held at once. For tests and small inputs; builds use the engine.

@dataclass
class PipelineResult:
    documents: list[Document]
    stages: list[Stage]
    inputs: list[InputFile] = field(default_factory=list)

    @property
    def kept(self) -> dict[str, list[Document]]:
        by_split: dict[str, list[Document]] = {s: [] for s in SPLITS}
        for doc in self.documents:
            if is_active(doc):
                by_split[doc.split].append(doc)
        return by_split

    @property
    def rejected(self) -> list[Document]:
        return [d for d in self.documents if d.rejection is not None]

    @property
    def duplicates(self) -> list[Document]:
        return [d for d in self.documents if d.rejection is None and d.duplicate_of is not None]


def run_pipeline(config: Config) -> PipelineResult:
    """Every stage over every document, in memory."""
    stages = build_stages(config)
    stream: Iterable[Document] = read_documents(config)
    for stage in stages:
        stream = stage.run(stream)
    documents = list(stream)
    return PipelineResult(documents, stages, list(plan_shards(config).files))


def merged_stats(per_shard: Iterable[dict[str, Counter]]) -> dict[str, Counter]:
    total: dict[str, Counter] = {}
    for stats in per_shard:
        for name, counter in stats.items():
            total.setdefault(name, Counter()).update(counter)
    return total
