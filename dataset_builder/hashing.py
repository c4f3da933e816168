"""SHA-256 of files, read in blocks so large shards and inputs never sit in memory whole."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> tuple[str, int]:
    """(lowercase hex SHA-256, size in bytes) of the file at `path`."""
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
