"""Deduplication: exact copies, then near-duplicates (reposts), decided once over every kept document.

Both passes are one global step (global_step.py), run after the quality filter:
1. exact: documents with identical cleaned text (dedup_exact.py);
2. near: among the survivors of 1, reposts of one story with other chrome, a paragraph dropped or added, small
   edits (MinHash + LSH over character n-grams, dedup_near.py), when `[dedup] near` is on.

One rule picks the survivor of every cluster, exact or near: a document the previous version of the dataset
kept, then the earliest `published_at`, then the lowest id. So a new version built from more inputs keeps the
documents the previous one kept, and because the split is drawn from the cluster's id (split_assign.py), a
cluster never straddles splits and a kept document keeps its split.

- `observe`: per active document, its id, `published_at`, a 16-byte digest of its text and (near on) its
  MinHash signature; no text; as columns (`Observed`), not an object per document;
- `merge`: the rows of both states (ids are unique across a build), concatenated;
- `decide`: exact groups, then near clusters of the groups' survivors; every member of a cluster of two or more
  gets its placement: the cluster's id (the survivor's id) and size, and for a copy its kind (`exact`: the same
  text as the survivor; `near`: otherwise) and estimated Jaccard similarity to the survivor;
- `apply`: sets `cluster_id`, `cluster_size` and, on a copy, `duplicate_of` (always the survivor, never another
  copy), `duplicate_kind` and `duplicate_similarity`.
`decide` depends on the set of rows alone, never on their order, so the result does not depend on batch size,
merge order or engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from .config import DedupConfig
from .dedup_exact import exact_groups, text_digest
from .dedup_near import near_clusters, signatures
from .document import Document
from .global_step import GlobalStep
from .stage import Stage


@dataclass(frozen=True)
class Observed:
    """The state: what was seen of each active document, one row per document, in the order observed. Columns
    instead of an object per document: merging concatenates arrays, a shard's state pickles as a few buffers, and
    `decide` finds exact copies with one sort (the 16-byte digests as integers) and near ones on the signature
    matrix as it is."""

    ids: list[str]
    published: list[str | None]
    digests: np.ndarray  # (n, 16) uint8: BLAKE2b of the cleaned text
    signatures: np.ndarray  # (n, num_perm) little-endian uint32 (n, 0) with near off; zeros where not `signed`
    signed: np.ndarray  # (n,) bool: the row has a signature (near on, and the text has a letter or digit)

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def concatenate(states: Sequence[Observed]) -> Observed:
        return Observed(list(chain.from_iterable(s.ids for s in states)),
                        list(chain.from_iterable(s.published for s in states)),
                        np.concatenate([s.digests for s in states]), np.concatenate([s.signatures for s in states]),
                        np.concatenate([s.signed for s in states]))

    def signatures_by_id(self) -> dict[str, bytes]:
        """id -> signature bytes, of the signed rows (the form dedup_near.candidate_pairs and the leak check take)."""
        return {self.ids[i]: self.signatures[i].tobytes() for i in np.flatnonzero(self.signed).tolist()}


@dataclass(frozen=True)
class Placement:
    cluster_id: str  # the survivor's id
    cluster_size: int  # documents in the cluster, exact and near copies included
    kind: str | None  # exact | near for a copy; None for the survivor
    similarity: float  # estimated Jaccard similarity to the survivor (1.0 for exact copies and the survivor)


Placements = dict[str, Placement]  # decision: members of clusters of two or more; the rest are clusters of one


class Duplicates(GlobalStep[Observed, Placements]):
    name = "dedup"
    merge_shrinks = False  # a row per observed document, whatever the merge

    def __init__(self, config: DedupConfig, previous_kept: Callable[[], Iterable[str]] | Iterable[str] = ()) -> None:
        self.config = config
        self._previous_kept = previous_kept  # a callable is read once, in `decide` (the workers never need it)
        signature_bytes = f" and a {4 * config.num_perm}-byte MinHash signature" if config.near else ""
        self.state_note = f"per active document: its id, published_at, a 16-byte text digest{signature_bytes}"

    def observe(self, docs: Sequence[Document]) -> Observed:
        if self.config.near:
            matrix, signed = signatures([doc.text for doc in docs], self.config)
        else:
            matrix, signed = np.zeros((len(docs), 0), "<u4"), np.zeros(len(docs), bool)
        return Observed(
            [doc.id for doc in docs], [doc.published_at for doc in docs],
            np.frombuffer(b"".join(text_digest(doc.text) for doc in docs), np.uint8).reshape(len(docs), 16),
            matrix, signed)

    def merge(self, a: Observed, b: Observed) -> Observed:
        return Observed.concatenate([a, b])

    def merge_many(self, states: Sequence[Observed]) -> Observed:
        return Observed.concatenate(states)

    def previous_kept(self) -> frozenset[str]:
        source = self._previous_kept
        return frozenset(source() if callable(source) else source)

    def decide(self, state: Observed) -> Placements:
        previous = self.previous_kept()
        row = {id_: i for i, id_ in enumerate(state.ids)}

        def rank(id_: str) -> tuple:
            published = state.published[row[id_]]
            return (id_ not in previous, published is None, published or "", id_)

        copies = exact_groups(state.ids, state.digests, rank)
        exact_copies = {row[c] for group in copies.values() for c in group}
        heads = [i for i in np.flatnonzero(state.signed).tolist() if i not in exact_copies]
        near = near_clusters([state.ids[i] for i in heads], state.signatures, heads, self.config, rank) \
            if self.config.near else {}
        return self._placements(state, row, copies, near)

    @staticmethod
    def _placements(state: Observed, row: dict[str, int], copies: dict[str, list[str]], near: dict) -> Placements:
        """Every member of an exact group or a near cluster of two or more, placed in its final cluster."""
        heads = set(copies) | set(near)
        members: dict[str, list[tuple[str, float]]] = {}  # survivor -> (member, similarity of its exact group)
        for head in sorted(heads):
            survivor, similarity = (near[head].survivor, near[head].similarity) if head in near else (head, 1.0)
            members.setdefault(survivor, []).extend((m, similarity) for m in [head, *copies.get(head, [])])
        decision: Placements = {}
        for survivor, group in members.items():
            for member, similarity in group:
                if member == survivor:
                    decision[member] = Placement(survivor, len(group), None, 1.0)
                elif (state.digests[row[member]] == state.digests[row[survivor]]).all():
                    decision[member] = Placement(survivor, len(group), "exact", 1.0)
                else:
                    decision[member] = Placement(survivor, len(group), "near", similarity)
        return decision

    def apply(self, doc: Document, decision: Placements) -> None:
        placed = decision.get(doc.id)
        if placed is None:
            doc.cluster_id, doc.cluster_size = doc.id, 1
            return
        doc.cluster_id, doc.cluster_size = placed.cluster_id, placed.cluster_size
        if placed.kind is not None:
            doc.duplicate_of = placed.cluster_id
            doc.duplicate_kind = placed.kind
            doc.duplicate_similarity = placed.similarity


class Deduplicator(Stage):
    name = "dedup"

    def __init__(self, config: DedupConfig, previous_kept: Callable[[], Iterable[str]] | Iterable[str] = ()) -> None:
        super().__init__()
        self.global_step = Duplicates(config, previous_kept)

    def finish(self, doc: Document) -> None:
        if doc.duplicate_kind is not None:
            self.stats[f"duplicates:{doc.duplicate_kind}"] += 1
