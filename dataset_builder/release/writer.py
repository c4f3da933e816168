"""Writes a complete release folder from the engine's output: the sinks' runs merged into shards, the rejected
and duplicates sets, card, datasheet and manifest. The caller writes into a temporary folder and renames it into
place when complete."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..config import Config
from ..datasheet import document_release
from ..datasheet.documents import BUILD_CONFIG
from ..errors import ConfigError
from ..datasheet.facts import FactsTally
from ..hashing import file_sha256
from ..phases import PhasesResult
from .card import render_card
from .manifest import build_manifest, previous_release_entry, write_manifest
from .parquet_shards import WrittenFile
from .sinks import SPLIT_SINKS, sink_schema, write_sink

REJECTED_SCHEMA = sink_schema("rejected")
DUPLICATES_SCHEMA = sink_schema("duplicates")
__all__ = ["write_release", "REJECTED_SCHEMA", "DUPLICATES_SCHEMA"]


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


def _write_sinks(result: PhasesResult, release_dir: Path) -> tuple[dict[str, list[WrittenFile]], list[WrittenFile],
                                                                  FactsTally]:
    """Every sink's shards, written side by side in threads (Arrow's merge, sort, take and Parquet encoding run
    without the GIL; the train split alone was half of the serial writing). Each sink counts its rows in its own
    tally, and the tallies are added in sink order, so the figures are those of writing one sink after another."""
    scratch = result.scratch or release_dir
    # `datasets` cannot load a split with no rows ("corresponds to no data"), so an empty split is left out of the
    # files and the card; the manifest still counts it, and the build warns.
    sinks = [s for s in SPLIT_SINKS if result.runs[s]] + ["rejected", "duplicates"]
    tallies = {sink: FactsTally() for sink in sinks}

    def write(sink: str) -> list[WrittenFile]:
        folder = release_dir / ("data" if sink in SPLIT_SINKS else sink)
        return write_sink(result.runs[sink], sink_schema(sink), folder, sink, release_dir, scratch,
                          functools.partial(tallies[sink].add_batch, sink))

    with ThreadPoolExecutor(max_workers=min(len(sinks), os.cpu_count() or 1)) as pool:
        files = dict(zip(sinks, pool.map(write, sinks)))
    tally = FactsTally()
    for sink in sinks:
        tally.add_tally(tallies[sink])
        for shard in files[sink] if sink in SPLIT_SINKS else ():
            tally.add_file(sink, shard.path)
    shards = {sink: files[sink] for sink in sinks if sink in SPLIT_SINKS}
    return shards, [f for sink in sinks for f in files[sink]], tally


def write_release(config: Config, result: PhasesResult, release_dir: Path) -> tuple[dict[str, Any], list[str]]:
    """Write every file of the release into `release_dir` (which must be empty); return the manifest and the
    documentation warnings (unanswered datasheet questions)."""
    shards, written, result.facts = _write_sinks(result, release_dir)
    tally = result.facts

    # The documents' figures come from the tally of the rows just written (`dataset-builder datasheet` counts
    # the same from the files of an existing release): manifest and card YAML first, then DATASHEET.md, plots,
    # croissant.json and the card body, after which the manifest's file list is refreshed to include them.
    keep_config(config, release_dir)
    manifest = build_manifest(config, result, written)
    manifest.update(previous_release_entry(config, release_dir, manifest))
    write_manifest(release_dir, manifest)
    _write_text(release_dir, "README.md", render_card(config, shards, ""))
    warnings = document_release(release_dir, config, tally=tally)
    manifest = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    return manifest, warnings
