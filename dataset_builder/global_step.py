"""The protocol of a step that must see every document before it can decide (a global step).

Cross-document boilerplate, exact deduplication and near-duplicate clustering cannot decide from one document
alone. Each is split into four parts so that its result depends only on the multiset of documents it saw, never
on shard size, shard order, worker count or engine:

- `observe(docs)`: over the active documents of one shard (in any order), a small partial state;
- `merge(a, b)`: combine two partial states; associative and commutative, so any merge tree gives one result
  (`merge_many` combines several at once, where that is cheaper than one after another);
- `decide(state)`: once, on the fully merged state, a decision (small enough to send to every worker);
- `apply(doc, decision)`: per active document, in the next phase, mark or edit the document.

States and decisions must be picklable (they cross process and Ray boundaries) and must not hold documents.
A step says what its state costs per observed document in `state_note`, so benchmarks can report it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import Generic, TypeVar

from .document import Document, is_active

State = TypeVar("State")
Decision = TypeVar("Decision")


class GlobalStep(Generic[State, Decision]):
    name: str = "global_step"
    state_note: str = ""  # what the merged state holds per observed document, e.g. "32-byte hash + id"
    # Whether merged states are smaller than their parts (counts of keys that repeat across shards): the driver
    # then merges the shards' states as they come. A step whose merge only puts its parts side by side says
    # False, and its states are merged once, when every shard is in: merged as they came, the whole state was
    # copied again at each level (the dedup step: 0.6 s of the driver's CPU on the bench corpus, in four merges
    # of up to 98 MB of signatures, against 0.02 s for one merge of every shard).
    merge_shrinks: bool = True

    def observe(self, docs: Sequence[Document]) -> State:  # pragma: no cover - abstract
        raise NotImplementedError

    def merge(self, a: State, b: State) -> State:  # pragma: no cover - abstract
        raise NotImplementedError

    def merge_many(self, states: Sequence[State]) -> State:
        """All of `states` merged; the same as merging them one after another, in any order."""
        return reduce(self.merge, states)

    def decide(self, state: State) -> Decision:  # pragma: no cover - abstract
        raise NotImplementedError

    def apply(self, doc: Document, decision: Decision) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def run_together(self, docs: Sequence[Document]) -> None:
        """Observe, decide and apply over documents held in memory (one shard holding everything)."""
        active = [d for d in docs if is_active(d)]
        decision = self.decide(self.observe(active))
        for doc in active:
            self.apply(doc, decision)
