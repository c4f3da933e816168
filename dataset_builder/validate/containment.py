"""What validate may open: only the release's own plain files. A symbolic link in a release, or a
croissant.json FileObject naming a path outside the release, is a problem, and nothing outside is read."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


def link_problems(root: Path) -> list[tuple[str, str]]:
    """(file, message) for every symbolic link inside the release folder (rglob does not follow them)."""
    return [
        (p.relative_to(root).as_posix(), f"is a symbolic link (to {os.readlink(p)}); a release holds plain files "
         "only (a link may lead outside it), so it is not read")
        for p in sorted(root.rglob("*")) if p.is_symlink()
    ]


def outside_release(root: Path, relative: str) -> str | None:
    """Why `relative` (a path a release file names) is not a file of the release, or None when it is one."""
    path = PurePosixPath(relative)
    if path.is_absolute() or relative.startswith("\\") or (len(relative) > 1 and relative[1] == ":"):
        return "is an absolute path, outside the release"
    if ".." in path.parts:
        return "leads out of the release ('..')"
    target = root / relative
    if any(p.is_symlink() for p in [target, *target.parents] if p != root and root in p.parents):
        return "goes through a symbolic link"
    return None
