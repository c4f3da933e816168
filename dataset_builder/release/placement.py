"""Putting a built release in place, safely: one build of a version at a time (a lock), temporaries of dead
builds cleaned, the checks `validate` runs passed before the rename, a `--force` replacement rolled back when
it fails half-way, and the root DATASHEET.md replaced atomically and never written through a symbolic link.

Layout beside the release `<out>/<name>/<version>`: the lock `.<version>.lock`, the build's temporary
`.<version>.tmp-<pid>/<name>/<version>` (named like the release so its manifest passes the identity check),
and during `--force` the retired release `.<version>.old-<pid>`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..errors import InvalidReleaseError, OutputError, ReleaseLockedError
from ..writing import temporary_beside

_LEFTOVER = re.compile(r"^\.(?P<version>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)$")


def temporary_release(final: Path) -> Path:
    """Where this process builds the release before renaming it to `final`."""
    return final.parent / f".{final.name}.tmp-{os.getpid()}" / final.parent.name / final.name


@contextlib.contextmanager
def release_lock(final: Path) -> Iterator[None]:
    """Hold `.<version>.lock` beside the release; a second build of the same version fails at once, naming it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no advisory locks on this platform
        yield
        return
    path = final.parent / f".{final.name}.lock"
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise OutputError(f"{path}: cannot create the build lock: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ReleaseLockedError(f"{final}: another build of this version is running (it holds {path}); "
                                     "wait for it to finish") from None
        # The holder before us may have removed the file after we opened it: then lock the new one.
        if path.exists() and os.stat(path).st_ino == os.fstat(fd).st_ino:
            break
        os.close(fd)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(final: Path) -> list[str]:
    """Remove the temporaries of builds of this version that died (SIGTERM, kill -9, power loss); put back a
    release a `--force` build retired and did not replace. Call under the lock. Returns one warning per item."""
    warnings: list[str] = []
    if not final.parent.is_dir():
        return warnings
    for entry in sorted(final.parent.iterdir()):
        m = _LEFTOVER.match(entry.name)
        if m is None or m.group("version") != final.name or _alive(int(m.group("pid"))):
            continue
        if m.group("kind") == "old" and not final.exists():
            os.rename(entry, final)
            warnings.append(f"{final}: restored the release a --force build (process {m.group('pid')}, no longer "
                            "running) had set aside")
            continue
        shutil.rmtree(entry, ignore_errors=True)
        warnings.append(f"{entry}: removed, left by build process {m.group('pid')} which is no longer running")
    return warnings


def check_publishable(temporary: Path, final: Path) -> None:
    """The checks `dataset-builder validate` runs, on the release before it is renamed into place: a build never
    publishes what validate rejects. Two are left out: loading with `datasets` (slow to import, and the other
    checks cover what it reads) and the leakage check, which re-derives the near-duplicate clusters the build has
    just decided with the same signatures and bands (a leak cannot survive the build's own split by cluster:
    tests/test_split_leakage.py proves build and check agree); both cost as much as a second build's dedup."""
    from ..validate.release import check_release
    from ..validate.report import Report

    report = Report(path=str(final))
    check_release(temporary, report, check_load=False, skip=frozenset({"leakage"}))
    if report.ok:
        return
    lines = [f"{final}/{p.text()}" if p.file else f"{final}: {p.message}" for p in report.problems[:20]]
    more = len(report.problems) - len(lines)
    raise InvalidReleaseError("\n".join(
        [f"{final}: the built release fails validation; nothing was published:"] + lines
        + ([f"... and {more} more problems"] if more > 0 else [])))


def replace_release(temporary: Path, final: Path) -> None:
    """`--force`: swap the new release in; if the second rename fails, the old release is put back."""
    retired = final.parent / f".{final.name}.old-{os.getpid()}"
    os.rename(final, retired)
    try:
        os.rename(temporary, final)
    except BaseException:
        os.rename(retired, final)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def stage_file(path: Path, data: bytes) -> Path:
    """Write `data` beside `path` under a temporary name (synced to disk) for `commit_file`; `path` must not be a
    symbolic link, so nothing outside the project is ever written through it."""
    if path.is_symlink():
        raise OutputError(f"{path}: is a symbolic link (to {os.readlink(path)}); it is never written through: "
                          "replace it by a plain file or remove it")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: is not a regular file (a folder?); it is never replaced: move it away")
    staged = temporary_beside(path)
    staged.unlink(missing_ok=True)
    try:
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}; it was left as it was") from None
    return staged


def commit_file(staged: Path, path: Path) -> None:
    os.replace(staged, path)
