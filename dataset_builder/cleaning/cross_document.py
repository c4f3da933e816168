"""Cross-document evidence: a line that recurs in many documents of one source is boilerplate (a site's footer,
menu or disclaimer), whatever its wording.

Documents are grouped by source: the source given by the input, else the URL's host, else the input file's folder.
A line is removed from every document of a group when it occurs in at least `min_docs` documents and in at least
`min_fraction` of the group. Metadata lines (dates, 来源/作者 labels, breadcrumbs) are kept for the extractor.

A global step (global_step.py): `observe` counts, per source, the documents and, for each distinct candidate line
of a document, an 8-byte hash of the line; `merge` adds counts; `decide` keeps, per source, the hashes counted in
enough documents; `apply` removes those lines. The result depends only on the multiset of (source, document's
line set) pairs, never on how documents are cut into shards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from ..document import Document
from ..global_step import GlobalStep
from .line_hashes import line_hash, text_lines
from .metadata_lines import is_metadata_line

__all__ = ["CrossDocumentBoilerplateRemover", "countable_lines", "line_hash", "source_key"]

_MIN_LINE_CHARS = 4  # shorter lines (a poem's title, a name) recur naturally
_MAX_LINE_CHARS = 200


def source_key(doc: Document) -> str:
    given = doc.given.get("source")
    if given:
        return f"source:{given}"
    url = doc.given.get("url")
    if url:
        host = urlsplit(url).hostname
        if host:
            return f"host:{host}"
    folder = doc.origin.file.rsplit("/", 1)[0] if "/" in doc.origin.file else ""
    return f"file:{doc.origin.file}" if doc.origin.line is not None or doc.origin.row is not None else f"folder:{folder}"


def countable_lines(text: str) -> set[str]:
    """The distinct lines of a text long enough, and short enough, to be counted as possible boilerplate."""
    return {line for line in text.split("\n") if _MIN_LINE_CHARS <= len(line) <= _MAX_LINE_CHARS}


@dataclass
class SourceCounts:
    """Per source: documents seen, and a sorted array of line hashes with the number of documents holding each."""

    documents: int = 0
    hashes: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    counts: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint32))

    @staticmethod
    def total(parts: Sequence[SourceCounts]) -> SourceCounts:
        """The counts of several parts of one source added up, in one sort of all their hashes."""
        if len(parts) == 1:
            return parts[0]
        hashes = np.concatenate([p.hashes for p in parts])
        counts = np.concatenate([p.counts for p in parts])
        unique, inverse = np.unique(hashes, return_inverse=True)
        return SourceCounts(sum(p.documents for p in parts), unique,
                            np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.uint32))


BoilerplateState = dict[str, SourceCounts]
BoilerplateDecision = dict[str, frozenset[int]]  # source -> hashes of its recurring lines


class CrossDocumentBoilerplateRemover(GlobalStep[BoilerplateState, BoilerplateDecision]):
    name = "cross_document_boilerplate_remover"
    unit = "lines"
    state_note = "per source and distinct candidate line: an 8-byte hash and a 4-byte document count"

    def __init__(self, min_docs: int = 5, min_fraction: float = 0.2) -> None:
        self.min_docs = min_docs
        self.min_fraction = min_fraction

    def observe(self, docs: Sequence[Document]) -> BoilerplateState:
        """The hashes of every line of the batch are made in numpy at once (`text_lines`), a document's distinct
        countable lines kept once each, and counted by (source, hash): the same state as `line_hash` of each of
        `countable_lines` and a count per source."""
        sources: dict[str, int] = {}  # source -> its number, in order of appearance
        documents: list[int] = []
        texts: list[str] = []
        owner_source: list[int] = []
        for doc in docs:
            if doc.rejection is not None or not doc.text:
                continue
            source = sources.setdefault(source_key(doc), len(sources))
            if source == len(documents):
                documents.append(0)
            documents[source] += 1
            texts.append(doc.text)
            owner_source.append(source)
        lines = text_lines(texts)
        countable = (lines.lengths >= _MIN_LINE_CHARS) & (lines.lengths <= _MAX_LINE_CHARS)
        hashes, texts_of = lines.hashes[countable], lines.owners[countable]
        # Stable sorts (a lexsort by two keys cost twice as much): by hash, the lines of a text staying in text order,
        # so a line repeated in its text is a neighbour and counts once; then by source, each source's hashes in order.
        order = np.argsort(hashes, kind="stable")
        hashes, texts_of = hashes[order], texts_of[order]
        distinct = np.ones(len(hashes), dtype=bool)
        distinct[1:] = (hashes[1:] != hashes[:-1]) | (texts_of[1:] != texts_of[:-1])
        hashes, owners = hashes[distinct], np.asarray(owner_source, dtype=np.int64)[texts_of[distinct]]
        order = np.argsort(owners, kind="stable")
        hashes, by_source = hashes[order], owners[order]
        new = np.ones(len(hashes), dtype=bool)  # where a (source, hash) run starts
        new[1:] = (hashes[1:] != hashes[:-1]) | (by_source[1:] != by_source[:-1])
        firsts = np.flatnonzero(new)
        counts = np.diff(np.append(firsts, len(hashes))).astype(np.uint32)
        edges = np.searchsorted(by_source[firsts], np.arange(len(documents) + 1))
        return {
            source: SourceCounts(documents[n], hashes[firsts[edges[n] : edges[n + 1]]], counts[edges[n] : edges[n + 1]])
            for source, n in sources.items()
        }

    def merge(self, a: BoilerplateState, b: BoilerplateState) -> BoilerplateState:
        return self.merge_many([a, b])

    def merge_many(self, states: Sequence[BoilerplateState]) -> BoilerplateState:
        """One sort per source over all the states' parts of it: merging shard states one after another sorted
        a source's hashes again at each shard (20,000 small sorts, 3.3 s, for the bench corpus's 64 shards)."""
        parts: dict[str, list[SourceCounts]] = {}
        for state in states:
            for source, counted in state.items():
                parts.setdefault(source, []).append(counted)
        return {source: SourceCounts.total(counted) for source, counted in parts.items()}

    def decide(self, state: BoilerplateState) -> BoilerplateDecision:
        decision: BoilerplateDecision = {}
        for source, counted in state.items():
            if counted.documents < self.min_docs:
                continue
            needed = max(self.min_docs, self.min_fraction * counted.documents)
            common = counted.hashes[counted.counts >= needed]
            if len(common):
                decision[source] = frozenset(int(h) for h in common)
        return decision

    def apply(self, doc: Document, decision: BoilerplateDecision) -> None:
        """Remove the source's recurring lines; metadata lines stay (the extractor reads them)."""
        if not decision:  # no source has a recurring line: no source key to make for each document
            return
        common = decision.get(source_key(doc)) if doc.text else None
        if not common:
            return
        lines = doc.text.split("\n")
        hashes = text_lines([doc.text]).hashes.tolist()  # one per line, in order
        kept = [line for line, h in zip(lines, hashes) if not self._recurring(line, h, common)]
        if len(kept) != len(lines):
            doc.record_edit(self.name, self.unit, len(lines) - len(kept))
            doc.text = "\n".join(kept)

    @staticmethod
    def _recurring(line: str, hashed: int, common: frozenset[int]) -> bool:
        return _MIN_LINE_CHARS <= len(line) <= _MAX_LINE_CHARS and hashed in common and not is_metadata_line(line)
