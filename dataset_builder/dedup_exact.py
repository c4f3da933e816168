"""Exact deduplication on the cleaned text.

Documents with the same cleaned text form a cluster; the one with the smallest id is kept and the others are
marked `duplicate_of` it. Choosing by id rather than by arrival order makes the result independent of input
order and of how the work is partitioned. This stage needs every document before it can decide (a barrier).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .document import Document
from .stage import Stage


class ExactDeduplicator(Stage):
    name = "dedup_exact"

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        every = list(docs)
        keeper: dict[str, str] = {}  # text sha256 -> smallest id with that text
        live = [d for d in every if d.rejection is None and d.duplicate_of is None]
        for doc in live:
            digest = doc.text_sha256
            if digest not in keeper or doc.id < keeper[digest]:
                keeper[digest] = doc.id
        for doc in live:
            self.stats["in"] += 1
            kept_id = keeper[doc.text_sha256]
            if kept_id != doc.id:
                doc.duplicate_of = kept_id
            self.count_outcome(doc)
        yield from every
