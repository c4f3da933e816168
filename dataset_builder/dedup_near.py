"""Near-duplicate clustering: MinHash signatures, LSH banding, union-find, a deterministic survivor.

Reposts of one story on several sites differ in headers, footers, a paragraph or a few words; exact dedup keeps
them all. Each document's text is normalised (NFKC, then everything but letters and digits removed: punctuation,
symbols, white space), cut into overlapping character n-grams (characters, not words, so Chinese needs no
segmenter) and summarised by a MinHash signature (rensa's RMinHash, pinned: signatures change between versions).

A global step (global_step.py):
- `observe`: per active document, its signature, id and `published_at` (no text);
- `merge`: the union of two such maps (ids are unique across a build);
- `decide`: split each signature into `bands` bands of `rows` values; documents sharing any band are candidate
  pairs; a candidate pair whose estimated Jaccard similarity is at least `threshold` is an edge; clusters are the
  connected components (union-find). Each cluster's survivor: a document the previous version kept, then the
  earliest `published_at`, then the lowest id. The decision maps every clustered id to its cluster;
- `apply`: every document gets `cluster_id` (its survivor's id) and `cluster_size`; a copy gets `duplicate_of`
  (the survivor), `duplicate_kind = "near"` and its estimated similarity to the survivor.

Every input to `decide` is a set keyed by id, so the result does not depend on batch size, merge order or engine.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version as installed_version
from itertools import combinations

import numpy as np
from rensa import RMinHash

from .config import DedupConfig
from .document import Document
from .global_step import GlobalStep
from .stage import Stage

LIBRARY = "rensa"
ALGORITHM = "RMinHash"  # rensa's classic MinHash over n-gram strings (not its C-MinHash or Rho sketches)
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The text MinHash sees: NFKC (so full-width and half-width forms compare equal), letters and digits only."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text))


def shingles(text: str, n: int) -> list[str]:
    """The distinct character n-grams of the normalised text; a text shorter than n is its own single gram."""
    norm = normalise(text)
    if len(norm) <= n:
        return [norm] if norm else []
    return list({norm[i:i + n] for i in range(len(norm) - n + 1)})


def signature(text: str, config: DedupConfig) -> np.ndarray | None:
    """The MinHash signature (num_perm unsigned 32-bit values), or None for a text with no letters or digits."""
    grams = shingles(text, config.ngram_size)
    if not grams:
        return None
    minhash = RMinHash(num_perm=config.num_perm, seed=config.seed)
    minhash.update(grams)
    return np.asarray(minhash.digest(), dtype="<u4")


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """The share of equal signature values: MinHash's unbiased estimate of the n-gram sets' Jaccard similarity."""
    sa, sb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(sa == sb)) / len(sa)


def band_keys(sig: bytes, config: DedupConfig) -> list[bytes]:
    """One 8-byte key per LSH band: two signatures share a key when all `rows` values of that band agree."""
    width = 4 * config.rows
    return [hashlib.blake2b(sig[band * width:(band + 1) * width], digest_size=8,
                            person=band.to_bytes(4, "little")).digest() for band in range(config.bands)]


def manifest_entry(config: DedupConfig) -> dict:
    """The manifest's `dedup`: the settings and the library that made the signatures (validate re-derives them)."""
    return {**library_versions(), **asdict(config)}


def library_versions() -> dict[str, str]:
    """What the manifest records: signatures are only comparable under the same library and algorithm."""
    return {"library": LIBRARY, "version": installed_version(LIBRARY), "algorithm": ALGORITHM}


@dataclass(frozen=True)
class Observed:
    signature: bytes  # num_perm little-endian uint32 values
    published_at: str | None


# state: id -> Observed (documents without letters or digits are not observed: nothing to compare)
Signatures = dict[str, Observed]


@dataclass(frozen=True)
class Cluster:
    cluster_id: str  # the survivor's id
    size: int
    similarity: float  # this document's estimated Jaccard similarity to the survivor (1.0 for the survivor)


# decision: id -> Cluster, for members of clusters of two or more; everyone else is their own cluster of one
Clusters = dict[str, Cluster]


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the smaller root wins: the forest does not depend on order


class NearDuplicates(GlobalStep[Signatures, Clusters]):
    name = "dedup_near"

    def __init__(self, config: DedupConfig, previous_kept: Iterable[str] = ()) -> None:
        self.config = config
        self.previous_kept = frozenset(previous_kept)
        self.state_note = f"per active document: a {4 * config.num_perm}-byte signature, its id and published_at"

    def observe(self, docs: Sequence[Document]) -> Signatures:
        state: Signatures = {}
        for doc in docs:
            sig = signature(doc.text, self.config)
            if sig is not None:
                state[doc.id] = Observed(sig.tobytes(), doc.published_at)
        return state

    def merge(self, a: Signatures, b: Signatures) -> Signatures:
        if len(a) < len(b):
            a, b = b, a
        a.update(b)
        return a

    def decide(self, state: Signatures) -> Clusters:
        ids = sorted(state)
        forest = _UnionFind(ids)
        for a, b in sorted(self.candidate_pairs(state, ids)):
            if self.config.threshold <= 0 or estimated_jaccard(state[a].signature, state[b].signature) >= \
                    self.config.threshold:
                forest.union(a, b)
        members: dict[str, list[str]] = {}
        for id_ in ids:
            members.setdefault(forest.find(id_), []).append(id_)
        decision: Clusters = {}
        for group in members.values():
            if len(group) < 2:
                continue
            survivor = min(group, key=lambda i: self.survivor_key(i, state[i]))
            kept = state[survivor].signature
            for id_ in group:
                similarity = 1.0 if id_ == survivor else estimated_jaccard(state[id_].signature, kept)
                decision[id_] = Cluster(survivor, len(group), similarity)
        return decision

    def candidate_pairs(self, state: Signatures, ids: list[str]) -> set[tuple[str, str]]:
        """Pairs (a < b) of documents whose signatures agree on every row of at least one band: per band, the
        signatures' band bytes are sorted (numpy) and equal runs give the pairs."""
        if len(ids) < 2:
            return set()
        bands, rows = self.config.bands, self.config.rows
        matrix = np.frombuffer(b"".join(state[i].signature for i in ids), dtype="<u4").reshape(len(ids), bands, rows)
        pairs: set[tuple[str, str]] = set()
        for band in range(bands):
            keys = np.ascontiguousarray(matrix[:, band, :]).view(f"V{4 * rows}").ravel()
            order = np.argsort(keys, kind="stable")
            ordered = keys[order]
            same = np.flatnonzero(ordered[1:] == ordered[:-1])  # position k: ordered[k] == ordered[k + 1]
            if not len(same):
                continue
            starts = same[np.r_[True, np.diff(same) > 1]]
            for start in starts:
                end = start + 1
                while end + 1 < len(ordered) and ordered[end + 1] == ordered[start]:
                    end += 1
                members = sorted(ids[i] for i in order[start:end + 1])
                pairs.update(combinations(members, 2))
        return pairs

    def survivor_key(self, id_: str, observed: Observed) -> tuple:
        published = observed.published_at
        return (id_ not in self.previous_kept, published is None, published or "", id_)

    def apply(self, doc: Document, decision: Clusters) -> None:
        cluster = decision.get(doc.id)
        if cluster is None:
            doc.cluster_id, doc.cluster_size = doc.id, 1
            return
        doc.cluster_id, doc.cluster_size = cluster.cluster_id, cluster.size
        if cluster.cluster_id != doc.id:
            doc.duplicate_of = cluster.cluster_id
            doc.duplicate_kind = "near"
            doc.duplicate_similarity = cluster.similarity


class NearDeduplicator(Stage):
    name = "dedup_near"

    def __init__(self, config: DedupConfig, previous_kept: Iterable[str] = ()) -> None:
        super().__init__()
        self.global_step = NearDuplicates(config, previous_kept)

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        """In memory: observe every active document, decide once, apply (the engine does the same per shard)."""
        every = list(docs)
        live = [d for d in every if d.rejection is None and d.duplicate_of is None]
        step = self.global_step
        decision = step.decide(step.observe(live))
        for doc in live:
            self.stats["in"] += 1
            step.apply(doc, decision)
            self.count_outcome(doc)
        yield from every
