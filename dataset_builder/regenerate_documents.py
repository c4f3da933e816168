"""`dataset-builder datasheet RELEASE`: the documents of an existing release (DATASHEET.md, plots, croissant.json,
the card body, the manifest's file list) regenerated from its files, under the rule every command follows: a
released version's bytes change only with `force`.

The documents are regenerated in a copy beside the release (its Parquet files hard-linked, not copied), compared
with the release byte for byte, and swapped in only when they differ and `force` is given.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .build import differing_paths
from .config import Config
from .datasheet import document_release
from .errors import ReleaseExistsError
from .release.placement import clean_leftovers, release_lock, replace_release, temporary_release


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # the documents are rewritten by rename, so a linked shard is never changed
    except OSError:
        shutil.copy2(source, target)


def regenerate_documents(release_dir: Path, config: Config, answers_path: Path | None = None, *,
                         strict: bool = False, force: bool = False) -> tuple[str, list[str]]:
    """Regenerate the documents of `release_dir`; returns ("unchanged" | "repaired" | "replaced", warnings). Raises
    ReleaseExistsError, naming the files that would change, when they differ and `force` is not given."""
    final = Path(release_dir)
    with release_lock(final):
        warnings = clean_leftovers(final)
        copy = temporary_release(final)
        shell = copy.parent.parent
        shutil.rmtree(shell, ignore_errors=True)
        try:
            copy.parent.mkdir(parents=True)
            shutil.copytree(final, copy, symlinks=True, copy_function=_link_or_copy)
            warnings += document_release(copy, config, answers_path, strict=strict)
            differences = differing_paths(copy, final)
            if not differences:
                return "unchanged", warnings
            if (copy / "manifest.json").read_bytes() == (final / "manifest.json").read_bytes():
                # every regenerated file has the hash the release's manifest records: a damaged or deleted
                # document is put back as it was released, which changes nothing of the released version
                replace_release(copy, final)
                return "repaired", warnings
            listed = ", ".join(differences[:10]) + (f" and {len(differences) - 10} more" if len(differences) > 10 else "")
            if not force:
                raise ReleaseExistsError(
                    f"{final}: released; regenerating its documents would change {listed}. A released version is "
                    "immutable: bump `version` and build, or pass --force to replace them deliberately")
            replace_release(copy, final)
            return "replaced", warnings
        finally:
            shutil.rmtree(shell, ignore_errors=True)
