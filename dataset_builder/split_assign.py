"""Deterministic split assignment from a hash of the document's key.

The key is the document's cluster key: `doc.cluster_id` when a deduplication step set it (near-duplicates share
one, so a cluster never straddles train and test), else its id. Each key maps to a point in [0, 1) by SHA-256; the split is the ratio band the point falls in. A
document therefore keeps its split when other documents are added or removed.
"""

from __future__ import annotations

import hashlib

from .config import SplitConfig
from .document import Document
from .stage import Stage

SPLITS = ("train", "validation", "test")


def split_point(key: str, salt: str = "") -> float:
    digest = hashlib.sha256(f"{salt}\x00{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_split(key: str, config: SplitConfig) -> str:
    point = split_point(key, config.salt)
    upper = 0.0
    ratios = config.ratios()
    for split in SPLITS:
        upper += ratios[split]
        if point < upper:
            return split
    return next(s for s in reversed(SPLITS) if ratios[s] > 0)  # rounding at the top edge


class SplitAssigner(Stage):
    name = "split_assign"

    def __init__(self, config: SplitConfig) -> None:
        super().__init__()
        self.config = config

    def process(self, doc: Document) -> None:
        doc.split = assign_split(doc.cluster_id or doc.id, self.config)
        self.stats[f"split:{doc.split}"] += 1
