"""Build a release: config -> shard plan -> phases on an engine -> release folder, written atomically and never
overwritten by accident.

The release is written into a hidden temporary folder beside its final place and renamed into place only when
complete, so an interrupted or failed build leaves nothing half-written. The phases' work is kept in a work
folder beside it (see work.py) until the build finishes, so `resume` continues a build that was interrupted
(Ctrl-C, a killed process); a build that fails removes it. A released version is immutable: rebuilding it is fine
when the bytes come out identical, an error when they differ (unless `force`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config, load_config
from .errors import NothingKeptError, OutputError, ReleaseDiffersError, ReleaseExistsError
from . import phases
from .engines import Engine, engine_for
from .memory import return_freed_memory
from .phases import PhasesResult, Progress, cyclic_gc_paused, run_phases
from .release.placement import (
    check_publishable, clean_leftovers, commit_file, release_lock, replace_release, stage_file, temporary_release,
)
from .release.versions import next_version, write_version
from .shards import DOCUMENTS_PER_SHARD, plan_shards
from .split_assign import SPLITS
from .tallies import unknown_field_warnings
from .work import WorkFolder
from .writing import write_atomic


@dataclass
class BuildResult:
    config: Config
    release_dir: Path
    status: str  # written | replaced | unchanged | checked
    manifest: dict[str, Any]
    pipeline: PhasesResult
    warnings: list[str] = field(default_factory=list)


def _same_bytes(a: Path, b: Path, block: int = 1 << 20) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(block), fb.read(block)
            if x != y:
                return False
            if not x:
                return True


def differing_paths(new: Path, old: Path) -> list[str]:
    """Relative paths that differ between two release folders (added, removed or changed); files are compared
    in blocks, so no shard is read whole."""
    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}

    a, b = files(new), files(old)
    differing = [name for name in sorted(set(a) | set(b)) if name not in a or name not in b]
    differing += [name for name in sorted(set(a) & set(b)) if not _same_bytes(a[name], b[name])]
    return sorted(differing)


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (-1,)


def is_latest(config: Config) -> bool:
    """Whether this version is the highest released version of the dataset (it then owns the root DATASHEET.md)."""
    released = [p.name for p in config.release_dir.parent.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return all(_version_key(config.version) >= _version_key(v) for v in released)


# What writing and checking a release imports: `datasets` (for the features), mlcroissant, the datasheet and the
# validator, about a second in all. A build imports them in a thread while the workers run the first phase (this
# process only waits for them then), not before the workers start nor after the phases, when nothing else runs.
PUBLISH_MODULES = ("dataset_builder.release.writer", "dataset_builder.datasheet", "dataset_builder.validate.release",
                   "mlcroissant")


def _import_publish_modules(freeze: bool) -> None:
    """The publishing modules imported, then (with `freeze`) kept out of the cyclic collector's way: they and this
    process's earlier imports (about 1M objects with `datasets`) live as long as the process, yet every full
    collection of the build walked them again, and the imports themselves set off full collections: 0.45-0.6 s of
    the driver's 0.67-0.84 s in the collector on the bench corpus (0.12-0.21 s now)."""
    import importlib

    with cyclic_gc_paused():
        for name in PUBLISH_MODULES:
            with contextlib.suppress(Exception):  # a failing import fails again, with its message, where it is needed
                importlib.import_module(name)
        if freeze:
            gc.freeze()


def write_release(config: Config, result: PhasesResult, release_dir: Path):
    from .release.writer import write_release as write

    return write(config, result, release_dir)


def root_datasheet(*args, **kwargs) -> str:
    from .datasheet import root_datasheet as render

    return render(*args, **kwargs)


def refuse_foreign_root_datasheet(path: Path) -> None:
    from .datasheet.documents import refuse_foreign_root_datasheet as refuse

    refuse(path)


def work_folder_path(config: Config) -> Path:
    return config.release_dir.parent / f".{config.release_dir.name}.work"


def build_release(
    config_path: str | Path = "dataset.toml",
    *,
    force: bool = False,
    check: bool = False,
    workers: int = 1,
    resume: bool = False,
    engine: str | Engine = "local",
    ray_address: str | None = None,
    documents_per_shard: int = DOCUMENTS_PER_SHARD,
    progress: Progress | None = None,
    on_document: Callable[[], None] | None = None,
) -> BuildResult:
    """Build the config's release with `workers` processes (on `engine`: "local", or "ray", joining the cluster
    at `ray_address` or starting a local one; or an `Engine` the caller made, used instead and closed at the end),
    from an interrupted build's work with `resume`. `on_document` is called after each document read (in this
    process: it implies one worker)."""
    config = load_config(config_path)  # a bad config fails here, before any work
    # Frozen with the imports, a Python caller's objects are unfrozen at the end; a caller that froze its own
    # (before forking, say) keeps them as they are: nothing is frozen or unfrozen then.
    freeze = gc.get_freeze_count() == 0
    warm_up = threading.Thread(target=_import_publish_modules, args=(freeze,), name="import the release writer",
                               daemon=True)
    runner = engine if isinstance(engine, Engine) else engine_for(1 if on_document else workers, engine, ray_address)
    with runner:
        runner.prepare()  # a process pool starts now: its workers import the stages while this process plans
        warm_up.start()
        try:
            return _build(config, runner, force=force, check=check, resume=resume,
                          documents_per_shard=documents_per_shard, progress=progress, on_document=on_document)
        finally:
            warm_up.join()
            if freeze:
                gc.unfreeze()


def _build(config: Config, runner, *, force: bool, check: bool, resume: bool, documents_per_shard: int,
           progress: Progress | None, on_document: Callable[[], None] | None) -> BuildResult:
    plan = plan_shards(config, documents_per_shard)  # unreadable inputs fail here
    final = config.release_dir
    created = [p for p in [final.parent, *final.parent.parents] if not p.exists()]
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with release_lock(final):
            warnings = clean_leftovers(final)
            key = {"config_sha256": config.sha256, "inputs": plan.key, "dataset_builder": __version__}
            work = WorkFolder.open(work_folder_path(config), key, resume)
            try:
                phases.on_document = on_document
                result = run_phases(config, plan, runner, work, progress)
                runner.finish()  # no more phases: the workers' memory is free before the release is written
                return_freed_memory()  # and so is this process's, of the phases it ran or merged
                phases.on_document = None
                if not result.tally.kept:
                    raise NothingKeptError(nothing_kept(result))
                warnings += unknown_field_warnings(result.tally) + empty_split_warnings(config, result)
                if progress:
                    progress("write the release", 0, 1, 0, 0, 0, 0)
                try:
                    manifest, status, more = _publish(config, result, final, force=force, check=check)
                except BaseException:
                    # Interrupted while the release is written: nothing is left (no temporary of any kind); the
                    # interruptible, resumable part is the phases.
                    work.remove()
                    raise
            except Exception:
                phases.on_document = None
                work.remove()  # a failure leaves nothing behind; an interruption keeps the work for --resume
                raise
            work.remove()
    except OSError as exc:  # disk full, read-only output, permissions: the user's to fix, named by path
        where = exc.filename or final
        raise OutputError(f"{where}: cannot write the release: {exc.strerror or exc}; nothing was published") from None
    finally:
        for folder in created:  # a failed build leaves no empty dist/<name>/ behind either
            with contextlib.suppress(OSError):
                folder.rmdir()
    return BuildResult(config, final, status, manifest, result, warnings + more)


def build_next(config_path: str | Path, part: str, **build_options) -> BuildResult:
    """`build --bump`: the next version after the latest release, written into the config, then built. The
    config's old bytes come back if the build fails, so a failed bump changes nothing."""
    config_path = Path(config_path)
    version = next_version(load_config(config_path), part)
    old = write_version(config_path, version)
    try:
        return build_release(config_path, **build_options)
    except BaseException:
        write_atomic(config_path, old)
        raise


def empty_split_warnings(config: Config, result: PhasesResult) -> list[str]:
    kept = result.tally.kept
    return [
        f"split '{split}' is empty (ratio {config.split.ratios()[split]:g} of {kept} kept documents): it is left out "
        "of the card so the other splits still load (datasets cannot load a split with no rows)"
        for split in SPLITS
        if not result.tally.kept_per_split.get(split)
    ]


def nothing_kept(result: PhasesResult) -> str:
    """Why a build kept no document, naming the inputs and the reasons documents were removed."""
    tally = result.tally
    inputs = ", ".join(f"{f.path} ({tally.read_per_file.get(f.path, 0)})" for f in result.inputs) or "no file matched the inputs"
    why = [f"{n} rejected: {reason} ({stage})" for (stage, reason), n in sorted(tally.rejected_by_reason.items(), key=lambda kv: (kv[0][1], kv[0][0]))]
    if tally.duplicates:
        why.append(f"{tally.duplicates} duplicates")
    return (f"no document was kept, so there is no release to write: {tally.read} documents read "
            f"(inputs: {inputs})" + (f"; {', '.join(why)}" if why else "")
            + ". Check the inputs' paths and globs and the [filter] thresholds")


def _publish(config: Config, result: PhasesResult, final: Path, *, force: bool, check: bool):
    temporary = temporary_release(final)
    shell = temporary.parent.parent
    shutil.rmtree(shell, ignore_errors=True)
    staged: Path | None = None
    try:
        temporary.mkdir(parents=True)
        manifest, warnings = write_release(config, result, temporary)
        return_freed_memory()  # the sinks' buffers, before validation reads the release back
        check_publishable(temporary, final)
        root_text = root_datasheet(temporary, config, published_as=final, tally=result.facts).encode("utf-8") if is_latest(config) else None
        root_path = config.root / "DATASHEET.md"
        stale = root_text is not None and (not root_path.is_file() or root_path.read_bytes() != root_text)
        if stale and not check:
            refuse_foreign_root_datasheet(root_path)  # before anything is published
            staged = stage_file(root_path, root_text)  # before the release is published: a full disk fails here
        status = _put_in_place(temporary, final, force=force, check=check)
        if stale and check:
            raise ReleaseDiffersError(f"{root_path}: stale; it is not the datasheet of {final} (run a build)")
        if staged is not None:
            commit_file(staged, root_path)
            staged = None
    finally:
        shutil.rmtree(shell, ignore_errors=True)
        if staged is not None:
            staged.unlink(missing_ok=True)
    return manifest, status, warnings


def update_root_datasheet(config: Config, release_dir: Path, *, check: bool) -> None:
    """The repository root's DATASHEET.md is the latest release's, with its plot links pointing into the release;
    replaced atomically, never through a symbolic link."""
    path = config.root / "DATASHEET.md"
    wanted = root_datasheet(release_dir, config).encode("utf-8")
    current = path.read_bytes() if path.is_file() else None
    if current == wanted:
        return
    if check:
        raise ReleaseDiffersError(f"{path}: stale; it is not the datasheet of {release_dir} (run a build)")
    refuse_foreign_root_datasheet(path)
    commit_file(stage_file(path, wanted), path)


def _put_in_place(temporary: Path, final: Path, *, force: bool, check: bool) -> str:
    if not final.exists():
        if check:
            raise ReleaseDiffersError(f"{final}: no release to check against (build it first)")
        os.rename(temporary, final)
        return "written"
    differences = differing_paths(temporary, final)
    if not differences:
        return "checked" if check else "unchanged"
    listed = ", ".join(differences[:10]) + (f" and {len(differences) - 10} more" if len(differences) > 10 else "")
    if check:
        raise ReleaseDiffersError(f"{final}: the rebuilt release differs from the existing one in: {listed}")
    if not force:
        raise ReleaseExistsError(
            f"{final}: version already released and this build differs ({listed}); "
            "bump `version` in the config, or pass --force to replace it deliberately"
        )
    replace_release(temporary, final)
    return "replaced"
