"""Exact duplicates: documents whose cleaned texts are identical (the exact half of dedup.py).

A text is compared by its 16-byte BLAKE2b digest, so the global step holds 16 bytes per document instead of the
text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def exact_groups(ids: Sequence[str], digests: np.ndarray, rank: Callable[[str], tuple]) -> dict[str, list[str]]:
    """Ids that share a digest (`digests[i]`, 16 bytes, is `ids[i]`'s), as survivor -> the other ids of its group,
    sorted (groups of two or more only); the survivor of a group is its member with the lowest `rank`. The digests
    are sorted as pairs of 64-bit integers, so Python only sees the members of groups, whatever the row order."""
    if len(ids) < 2:
        return {}
    halves = np.ascontiguousarray(digests, dtype=np.uint8).view("<u8").reshape(len(ids), 2)
    order = np.lexsort((halves[:, 1], halves[:, 0]))
    ordered = halves[order]
    same = np.flatnonzero((ordered[1:] == ordered[:-1]).all(axis=1))  # k: rows k and k+1 of `ordered` are equal
    if not len(same):
        return {}
    breaks = np.diff(same) > 1
    starts, ends = same[np.r_[True, breaks]], same[np.r_[breaks, True]] + 1  # runs of equal digests, inclusive
    groups: dict[str, list[str]] = {}
    for start, end in zip(starts.tolist(), ends.tolist()):
        members = [ids[i] for i in order[start:end + 1].tolist()]
        survivor = min(members, key=rank)
        groups[survivor] = sorted(m for m in members if m != survivor)
    return groups
