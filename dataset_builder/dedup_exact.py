"""Exact duplicates: documents whose cleaned texts are identical (the exact half of dedup.py).

A text is compared by its 16-byte BLAKE2b digest, so the global step holds 16 bytes per document instead of the
text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from .dedup_near import equal_rows


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def exact_groups(ids: Sequence[str], digests: np.ndarray, rank: Callable[[str], tuple]) -> dict[str, list[str]]:
    """Ids that share a digest (`digests[i]`, 16 bytes, is `ids[i]`'s), as survivor -> the other ids of its group,
    sorted (groups of two or more only); the survivor of a group is its member with the lowest `rank`. The digests
    are grouped as rows of four 32-bit integers by the sort the LSH bands use (`equal_rows`), so Python only sees
    the members of groups, whatever the row order."""
    words = np.ascontiguousarray(digests, dtype=np.uint8).view("<u4").reshape(len(ids), 4)
    groups: dict[str, list[str]] = {}
    for rows in equal_rows(words):
        members = [ids[i] for i in rows]
        survivor = min(members, key=rank)
        groups[survivor] = sorted(m for m in members if m != survivor)
    return groups
