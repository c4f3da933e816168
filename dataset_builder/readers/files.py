"""Which files an input names: the file itself, or a folder's files matching a glob, in sorted order."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def input_files(root: Path, path: str, default_glob: str, glob: str | None = None) -> tuple[Path, list[Path]]:
    """(folder the files are named relative to, the files). `path` is relative to `root` (the config's folder)."""
    base = root / path
    if base.is_file():
        return base.parent, [base]
    if base.is_dir():
        return base, sorted(p for p in base.glob(glob or default_glob) if p.is_file())
    raise InputError(f"{path}: no such file or folder")
