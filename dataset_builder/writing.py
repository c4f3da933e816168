"""How the tool writes files: the one JSON form of what it writes, and replacing a file whole.

A file is written under a temporary name beside its final place (`.<name>.tmp-<pid>`: hidden, and the pid says
which process left it) and renamed over it, so a reader sees the old bytes or the new ones, never half a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def dump_json(data: Any) -> str:
    """The one JSON form of release files: sorted keys, 2-space indent, UTF-8, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def temporary_beside(path: Path) -> Path:
    """Where this process writes `path`'s new bytes before renaming them over it."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` by `data` in one rename (its folder made when missing). Not synced: callers that must
    survive a crash (the root DATASHEET.md) use `release.placement.stage_file`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(path)
    temporary.write_bytes(data)
    os.replace(temporary, path)
