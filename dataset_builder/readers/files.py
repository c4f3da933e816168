"""Which files an input names (the file itself, or a folder's files matching a glob, in sorted order), and how
they are read: only files inside the declared input, each hashed from the very bytes the reader consumed.

A declared path may be anywhere (relative, `../`, absolute); what a folder's glob finds must stay inside that
folder, also after following symbolic links, so nothing is read that the config did not declare.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..errors import InputError

BLOCK = 1 << 20


def glob_problem(glob: str) -> str | None:
    """Why a glob could reach outside its folder, or None: it must be relative and have no `..` part."""
    if glob.startswith(("/", "\\")) or PurePosixPath(glob).is_absolute() or (len(glob) > 1 and glob[1] == ":"):
        return "must be relative to the input folder (it is absolute)"
    if ".." in PurePosixPath(glob.replace("\\", "/")).parts:
        return "must stay inside the input folder (it has a '..' part)"
    return None


def shown_path(path: str, inside: str = "") -> str:
    """How a file is named in messages and the manifest: the declared path, then its place in the folder."""
    return posixpath.normpath(posixpath.join(Path(path).as_posix(), inside)) if inside else Path(path).as_posix()


def _followed(file: Path, shown: str) -> Path:
    """The file a path leads to, following symbolic links; a broken or looping link is an error naming it."""
    try:
        return file.resolve(strict=True)
    except FileNotFoundError:
        target = os.readlink(file) if file.is_symlink() else "?"
        raise InputError(f"{shown}: broken symbolic link (to {target}): its document cannot be read") from None
    except (RuntimeError, OSError) as exc:  # a symlink loop: RuntimeError before Python 3.13, OSError after
        raise InputError(f"{shown}: symbolic link loop, cannot be read ({exc})") from None


def input_files(root: Path, path: str, default_glob: str, glob: str | None = None,
                exclude: frozenset[Path] = frozenset()) -> tuple[Path, list[tuple[Path, str]]]:
    """(folder the files are named relative to, [(file, how it is shown)]). `path` is relative to `root` (the
    config's folder) or absolute. Files that resolve to a path in `exclude` (a folder's own metadata sidecar) are
    left out."""
    base = root / path
    if glob is not None and (why := glob_problem(glob)):
        raise InputError(f"{path}: glob {glob!r} {why}")
    if not os.path.lexists(base):
        raise InputError(f"{path}: no such file or folder")
    resolved_base = _followed(base, path)
    if resolved_base.is_file():
        return base.parent, [(base, shown_path(path))]
    if not resolved_base.is_dir():
        raise InputError(f"{path}: not a regular file or folder")
    files = []
    for file in sorted(base.glob(glob or default_glob)):
        shown = shown_path(path, file.relative_to(base).as_posix())
        target = _followed(file, shown)
        if not target.is_relative_to(resolved_base):
            raise InputError(f"{shown}: symbolic link leads outside the input folder {path} (to {target}); "
                             "declare that place as an input of its own if it is meant to be read")
        if target.is_dir() or target in exclude:
            continue  # a sub-folder the glob matched, or the folder's sidecar
        if not target.is_file():
            raise InputError(f"{shown}: not a regular file (a pipe or device cannot be read as a document)")
        files.append((file, shown))
    return base, files


@dataclass
class ReadLog:
    """Every input file read, with the SHA-256 and size of the bytes the reader consumed (not of the file as it
    is later), in the order read; the manifest records these."""

    files: dict[str, tuple[str, int]] = field(default_factory=dict)

    def record(self, shown: str, sha256: str, size: int) -> None:
        self.files[shown] = (sha256, size)


class HashedReader:
    """Reads a binary file in blocks, hashing every byte handed out; `finish` checks the file did not change
    while it was read and records its hash in the log."""

    def __init__(self, handle: BinaryIO, shown: str, log: ReadLog | None):
        self.handle, self.shown, self.log = handle, shown, log
        self.digest = hashlib.sha256()
        self.size = 0
        stat = os.fstat(handle.fileno())
        self._before = (stat.st_size, stat.st_mtime_ns)

    def read(self, n: int = BLOCK) -> bytes:
        try:
            data = self.handle.read(n)
        except OSError as exc:
            raise InputError(f"{self.shown}: cannot read: {exc.strerror or exc}") from None
        self.digest.update(data)
        self.size += len(data)
        return data

    def blocks(self) -> Iterator[bytes]:
        return iter(self.read, b"")

    def finish(self) -> None:
        stat = os.fstat(self.handle.fileno())
        if (stat.st_size, stat.st_mtime_ns) != self._before or self.size != stat.st_size:
            raise InputError(f"{self.shown}: the file changed while it was being read; read it again when it is "
                             "complete")
        if self.log is not None:
            self.log.record(self.shown, self.digest.hexdigest(), self.size)


def open_input(file: Path, shown: str) -> BinaryIO:
    try:
        return file.open("rb")
    except OSError as exc:
        raise InputError(f"{shown}: cannot open: {exc.strerror or exc}") from None


def read_whole(file: Path, shown: str, log: ReadLog | None) -> bytes:
    """The bytes of a (small) input file, hashed as read."""
    with open_input(file, shown) as handle:
        reader = HashedReader(handle, shown, log)
        data = b"".join(reader.blocks())
        reader.finish()
    return data
