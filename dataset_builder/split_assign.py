"""Deterministic split assignment from a hash of the document's key.

The key is the document's cluster key: `doc.cluster_id` when a deduplication step set it (near-duplicates share
one, so a cluster never straddles train and test), else its id. Each key maps to a point in [0, 1) by SHA-256; the split is the ratio band the point falls in. A
document therefore keeps its split when other documents are added or removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from .config import SplitConfig
from .document import Document
from .stage import Stage

SPLITS = ("train", "validation", "test")


def assign_split(key: str, config: SplitConfig) -> str:
    return split_chooser(config)(key)


def split_chooser(config: SplitConfig) -> Callable[[str], str]:
    """The split of a key under `config`, as a function of the key alone: the key's point is the first 8 bytes of
    SHA-256(salt, NUL, key in UTF-8) as a big-endian fraction of 2^64; its split is the first whose upper edge (the
    ratios summed in SPLITS order) lies above it. The edges and the salt's bytes are worked out once, for many keys."""
    ratios = config.ratios()
    edges, upper = [], 0.0
    for split in SPLITS:
        upper += ratios[split]
        edges.append((upper, split))
    top = next(s for s in reversed(SPLITS) if ratios[s] > 0)  # rounding at the top edge
    prefix, sha256, from_bytes = f"{config.salt}\x00".encode("utf-8"), hashlib.sha256, int.from_bytes

    def choose(key: str) -> str:
        point = from_bytes(sha256(prefix + key.encode("utf-8")).digest()[:8], "big") / 2**64
        for edge, split in edges:
            if point < edge:
                return split
        return top

    return choose


class SplitAssigner(Stage):
    name = "split_assign"

    def __init__(self, config: SplitConfig) -> None:
        super().__init__()
        self.config = config

    def process(self, doc: Document) -> None:
        doc.split = assign_split(doc.cluster_id or doc.id, self.config)
        self.stats[f"split:{doc.split}"] += 1

    def process_many(self, docs: list[Document]) -> None:
        """`process` over a batch, with the split bands worked out once (`split_chooser`); counted in order, so the
        counter's keys come in the order a count a document gives them."""
        choose = split_chooser(self.config)
        for doc in docs:
            doc.split = choose(doc.cluster_id or doc.id)
        self.stats.update(_COUNTED[doc.split] for doc in docs)


_COUNTED = {split: f"split:{split}" for split in SPLITS}
