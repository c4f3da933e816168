"""The base class of every pipeline stage.

A stage takes a stream of documents and yields it back, changed. It never drops a document: a document it
removes is marked (`doc.reject(...)` or `doc.duplicate_of = ...`) and passed on, so the pipeline can route it to
the rejected or duplicates set. Later stages skip marked documents. The base class counts what each stage saw,
kept and removed (by reason), so every build can say where each document went.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from .document import Document


class Stage:
    """One step of the pipeline. Subclasses implement `process` (one document at a time) or override `run`
    (stages that must see every document, such as deduplication)."""

    name: str = "stage"

    def __init__(self) -> None:
        self.stats: Counter[str] = Counter()

    def process(self, doc: Document) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            if doc.rejection is None and doc.duplicate_of is None:
                self.stats["in"] += 1
                self.process(doc)
                self.count_outcome(doc)
            yield doc

    def count_outcome(self, doc: Document) -> None:
        if doc.rejection is not None:
            self.stats[f"rejected:{doc.rejection.reason}"] += 1
        elif doc.duplicate_of is not None:
            self.stats["duplicates"] += 1
        else:
            self.stats["out"] += 1
