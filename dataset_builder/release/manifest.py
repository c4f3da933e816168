"""manifest.json: every file with its hash, the counts that prove every input document is accounted for, the
inputs and config that produced the release, and the versions of everything that shapes its bytes."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .. import SUPPORTED_PYTHON, __version__
from ..config import Config
from ..dedup_near import manifest_entry
from ..phases import PhasesResult
from ..split_assign import SPLITS
from ..tallies import BuildTally
from ..writing import dump_json
from .parquet_shards import WrittenFile

MANIFEST_VERSION = 1
DUPLICATE_KINDS = ("exact", "near")
# Distributions whose versions can change the bytes of a release.
_RECORDED_PACKAGES = ("pyarrow", "datasets", "huggingface_hub", "PyYAML", "opencc", "ftfy", "pypinyin", "jieba",
                      "mlcroissant", "rensa")


def environment() -> dict[str, str]:
    # "python" is the supported range, not platform.python_version(): see SUPPORTED_PYTHON.
    env = {"dataset_builder": __version__, "python": SUPPORTED_PYTHON}
    for name in _RECORDED_PACKAGES:
        try:
            env[name] = version(name)
        except PackageNotFoundError:
            env[name] = "not installed"
    return env


def counts(tally: BuildTally) -> dict[str, Any]:
    return {
        "read": tally.read,
        "rejected": tally.rejected,
        "rejected_by_reason": [
            {"stage": stage, "reason": reason, "count": n} for (stage, reason), n in sorted(tally.rejected_by_reason.items())
        ],
        "duplicates": tally.duplicates,
        "duplicates_by_kind": {kind: tally.duplicates_by_kind.get(kind, 0) for kind in DUPLICATE_KINDS},
        "kept": tally.kept,
        "splits": {split: tally.kept_per_split.get(split, 0) for split in SPLITS},
    }


def cleaning_totals(tally: BuildTally) -> list[dict[str, Any]]:
    """Per operator: total changes and number of documents changed, over every document read."""
    return [
        {"operator": op, "unit": unit, "count": count, "documents": documents}
        for (op, unit), (count, documents) in sorted(tally.edits.items())
    ]


def build_manifest(config: Config, result: PhasesResult, files: list[WrittenFile]) -> dict[str, Any]:
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": config.name,
        "version": config.version,
        "config": {"file": config.path.name, "sha256": config.sha256, "settings_sha256": config.settings_sha256},
        "inputs": [
            {"path": f.path, "sha256": f.sha256, "bytes": f.bytes, "documents": result.tally.read_per_file.get(f.path, 0)}
            for f in result.inputs
        ],
        "counts": counts(result.tally),
        "files": [
            {"path": f.path, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}
            for f in sorted(files, key=lambda f: f.path)
        ],
        "cleaning": cleaning_totals(result.tally),
        "dedup": manifest_entry(config.dedup),
        "environment": environment(),
    }


def previous_release_entry(config: Config, release_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """`previous`: the release this one follows (version, its manifest's SHA-256) and what changed since, from
    the data shards already written into `release_dir`; nothing for a dataset's first release."""
    from .diff import changes_summary, diff_indexes, index_release
    from .versions import previous_record, previous_release

    previous = previous_release(config)
    if previous is None:
        return {}
    diff = diff_indexes(index_release(previous), index_release(release_dir, manifest))
    return {"previous": {**previous_record(previous), "changes": changes_summary(diff)}}


def write_manifest(release_dir: Path, manifest: dict[str, Any]) -> None:
    (release_dir / "manifest.json").write_text(dump_json(manifest), encoding="utf-8")
