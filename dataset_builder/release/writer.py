"""Writes a complete release folder from a pipeline result: shards, rejected and duplicates sets, card,
datasheet and manifest. The caller writes into a temporary folder and renames it into place when complete."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


from ..config import Config
from ..pipeline import PipelineResult
from ..schema import document_arrow_schema, side_table_schema
from ..datasheet import document_release
from ..datasheet.documents import BUILD_CONFIG
from ..errors import ConfigError
from .card import render_card
from .manifest import build_manifest, previous_release_entry, write_manifest
from ..hashing import file_sha256
from .parquet_shards import WrittenFile, write_sharded

REJECTED_SCHEMA = side_table_schema("rejected")
DUPLICATES_SCHEMA = side_table_schema("duplicates")


def _write_text(release_dir: Path, name: str, text: str) -> WrittenFile:
    path = release_dir / name
    path.write_text(text, encoding="utf-8")
    sha256, size = file_sha256(path)
    return WrittenFile(name, sha256, size, None)


def keep_config(config: Config, release_dir: Path) -> None:
    """The config's exact bytes into build/dataset.toml (the manifest records their hash)."""
    data = config.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != config.sha256:
        raise ConfigError(f"{config.path}: changed while the release was being built; build again")
    (release_dir / BUILD_CONFIG).parent.mkdir(exist_ok=True)
    (release_dir / BUILD_CONFIG).write_bytes(data)


def write_release(config: Config, result: PipelineResult, release_dir: Path) -> tuple[dict[str, Any], list[str]]:
    """Write every file of the release into `release_dir` (which must be empty); return the manifest and the
    documentation warnings (unanswered datasheet questions)."""
    written: list[WrittenFile] = []
    shards: dict[str, list[WrittenFile]] = {}
    for split, docs in result.kept.items():
        if not docs:
            # `datasets` cannot load a split with no rows ("corresponds to no data"), so an empty split is left
            # out of the files and the card; the manifest still counts it, and the build warns.
            continue
        rows = [d.to_row() for d in sorted(docs, key=lambda d: d.id)]
        shards[split] = write_sharded(rows, document_arrow_schema(), release_dir / "data", split, release_dir)
        written += shards[split]

    rejected_rows = [
        {"id": d.id, "stage": d.rejection.stage, "reason": d.rejection.reason, "details": d.rejection.details,
         "origin": d.origin.to_dict(), "text": d.raw_text}
        for d in sorted(result.rejected, key=lambda d: d.id)
    ]
    written += write_sharded(rejected_rows, REJECTED_SCHEMA, release_dir / "rejected", "rejected", release_dir)
    duplicate_rows = [
        {"id": d.id, "duplicate_of": d.duplicate_of, "origin": d.origin.to_dict(), "text_sha256": d.text_sha256,
         "text": d.text}
        for d in sorted(result.duplicates, key=lambda d: d.id)
    ]
    written += write_sharded(duplicate_rows, DUPLICATES_SCHEMA, release_dir / "duplicates", "duplicates", release_dir)

    # The documents are computed from the files just written (so `dataset-builder datasheet` can regenerate
    # them for an existing release): manifest and card YAML first, then DATASHEET.md, plots, croissant.json and
    # the card body, after which the manifest's file list is refreshed to include them.
    keep_config(config, release_dir)
    manifest = build_manifest(config, result, written)
    manifest.update(previous_release_entry(config, release_dir, manifest))
    write_manifest(release_dir, manifest)
    _write_text(release_dir, "README.md", render_card(config, shards, ""))
    warnings = document_release(release_dir, config)
    manifest = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    return manifest, warnings
