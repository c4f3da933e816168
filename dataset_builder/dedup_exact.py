"""Exact deduplication on the cleaned text.

Documents with the same cleaned text form a cluster; the one with the smallest id is kept and the others are
marked `duplicate_of` it. Choosing by id rather than by arrival order makes the result independent of input
order and of how the work is partitioned.

A global step (global_step.py): `observe` maps each text's 16-byte digest to the smallest id holding it and
notes digests seen twice; `merge` keeps the smaller id; `decide` keeps only the repeated digests; `apply` marks
every document whose id is not its digest's smallest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from .document import Document
from .global_step import GlobalStep
from .stage import Stage


def text_digest(doc: Document) -> bytes:
    return hashlib.blake2b(doc.text.encode("utf-8"), digest_size=16).digest()


@dataclass
class Keepers:
    smallest: dict[bytes, str] = field(default_factory=dict)  # text digest -> smallest id with that text
    repeated: set[bytes] = field(default_factory=set)  # digests held by more than one document


class ExactDuplicates(GlobalStep[Keepers, dict[bytes, str]]):
    name = "dedup_exact"
    state_note = "per active document: a 16-byte text digest and its id (one dict entry)"

    def observe(self, docs: Sequence[Document]) -> Keepers:
        state = Keepers()
        for doc in docs:
            self._add(state, text_digest(doc), doc.id)
        return state

    def merge(self, a: Keepers, b: Keepers) -> Keepers:
        if len(a.smallest) < len(b.smallest):
            a, b = b, a
        a.repeated |= b.repeated
        for digest, id_ in b.smallest.items():
            self._add(a, digest, id_)
        return a

    @staticmethod
    def _add(state: Keepers, digest: bytes, id_: str) -> None:
        kept = state.smallest.get(digest)
        if kept is None:
            state.smallest[digest] = id_
            return
        state.repeated.add(digest)
        if id_ < kept:
            state.smallest[digest] = id_

    def decide(self, state: Keepers) -> dict[bytes, str]:
        return {digest: state.smallest[digest] for digest in state.repeated}

    def apply(self, doc: Document, decision: dict[bytes, str]) -> None:
        if not decision:
            return
        kept = decision.get(text_digest(doc), doc.id)
        if kept != doc.id:
            doc.duplicate_of = kept


class ExactDeduplicator(Stage):
    name = "dedup_exact"
    global_step = ExactDuplicates()
