"""The base class of every pipeline stage.

A stage takes documents and gives them back, changed. It never drops a document: a document it removes is marked
(`doc.reject(...)` or `doc.duplicate_of = ...`) and passed on, so the pipeline can route it to the rejected or
duplicates set. Later stages skip marked documents. The base class owns that loop and counts what each stage saw,
kept and removed (by reason), so every build can say where each document went; subclasses only answer
`process(doc)`.

A stage whose decision needs every document (cross-document boilerplate, deduplication) also has a
`global_step` (see global_step.py): the engine runs `process` on each shard, the step's `observe`, then, once
every shard is observed, `decide`, and in the next phase `apply` and the stage's `finish` on each shard.
`run` does all of this in memory, for callers that hold few documents (tests, `dataset-builder clean`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from .document import Document, is_active
from .global_step import GlobalStep


# `run` hands a stage without a global step this many documents at a time: enough for batch pre-checks to pay, few
# enough that a stream stays a stream.
_RUN_BATCH = 512


class Stage:
    """One step of the pipeline. Subclasses implement `process` (one document at a time), and `finish` when
    they have a global step."""

    name: str = "stage"
    global_step: GlobalStep | None = None

    def __init__(self) -> None:
        self.stats: Counter[str] = Counter()

    def process(self, doc: Document) -> None:
        """The per-document work, before the global step (if any) observes the document."""

    def finish(self, doc: Document) -> None:
        """The per-document work after the global step's decision was applied."""

    def process_many(self, docs: list[Document]) -> None:
        """`process` over a batch of active documents. A stage that can answer a cheap question for a whole batch at
        once (one regex search over the batch's texts, one numpy pass) overrides this; documents stay independent."""
        for doc in docs:
            self.process(doc)

    def process_batch(self, docs: Sequence[Document]) -> None:
        """Process the active documents of a batch; without a global step the stage is then complete for them."""
        active = [doc for doc in docs if doc.rejection is None and doc.duplicate_of is None]  # is_active, inlined
        if not active:
            return  # counted nowhere, as a stage that saw nothing
        self.stats["in"] += len(active)
        self.process_many(active)
        if self.global_step is None:
            if self._finishes():
                for doc in active:
                    self.finish(doc)
            self._count_outcomes(active)

    def _finishes(self) -> bool:
        """Whether the stage has per-document work after the decision (the base class's `finish` does nothing)."""
        return type(self).finish is not Stage.finish

    def _count_outcomes(self, docs: list[Document]) -> None:
        """`outcome` of each document counted, in order. Most stages remove no document of most batches: then every
        outcome is "out", counted at once instead of an `outcome` call a document (with `is_active` inlined above:
        0.27 -> 0.13 ms a stage for a batch of 2,000 documents). The counter's keys keep their order either way."""
        if any(doc.rejection is not None or doc.duplicate_of is not None for doc in docs):
            self.stats.update(map(outcome, docs))
        elif docs:
            self.stats["out"] += len(docs)

    def complete_batch(self, docs: Sequence[Document], decision: Any) -> None:
        """After `process_batch` and the global decision: apply it, finish and count, for the documents that
        entered this stage (the active ones, and those this stage's `process` removed)."""
        apply, finishes = self.global_step.apply, self._finishes()
        counted = []  # in order: the counters' keys keep the order of a count a document
        for doc in docs:
            if doc.rejection is None and doc.duplicate_of is None:  # is_active, inlined
                apply(doc, decision)
                if finishes:
                    self.finish(doc)
                counted.append(doc)
            elif doc.rejection is not None and doc.rejection.stage == self.name:
                counted.append(doc)
        self._count_outcomes(counted)

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        """The stage over an in-memory stream: in batches of `_RUN_BATCH` without a global step, else over all at once."""
        if self.global_step is None:
            stream = iter(docs)
            while batch := list(islice(stream, _RUN_BATCH)):
                self.process_batch(batch)
                yield from batch
            return
        every = list(docs)
        self.process_batch(every)
        step = self.global_step
        self.complete_batch(every, step.decide(step.observe([d for d in every if is_active(d)])))
        yield from every


def outcome(doc: Document) -> str:
    """Where a document stands after a stage: the key it is counted under."""
    if doc.rejection is not None:
        return f"rejected:{doc.rejection.reason}"
    return "duplicates" if doc.duplicate_of is not None else "out"
