"""Exact duplicates: documents whose cleaned texts are identical (the exact half of dedup.py).

A text is compared by its 16-byte BLAKE2b digest, so the global step holds 16 bytes per document instead of the
text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def exact_groups(digests: Mapping[str, bytes], rank: Callable[[str], tuple]) -> dict[str, list[str]]:
    """Ids that share a digest, as survivor -> the other ids of its group (groups of two or more only); the
    survivor of a group is its member with the lowest `rank`."""
    by_digest: dict[bytes, list[str]] = {}
    for id_, digest in digests.items():
        by_digest.setdefault(digest, []).append(id_)
    groups: dict[str, list[str]] = {}
    for ids in by_digest.values():
        if len(ids) > 1:
            survivor = min(ids, key=rank)
            groups[survivor] = sorted(i for i in ids if i != survivor)
    return groups
