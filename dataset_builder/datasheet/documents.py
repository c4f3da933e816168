"""Writing the documents of a release — DATASHEET.md, plots/*.svg, croissant.json — and keeping the
manifest's file list true afterwards."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..config import Config
from .answers import DatasheetError, load_answers, missing_answer_warnings
from .croissant import build_croissant, dump_croissant
from .facts import compute_facts
from .plots import plots as make_plots
from .render import render_datasheet

DATASHEET = "DATASHEET.md"
CROISSANT = "croissant.json"
PLOTS_DIR = "plots"
MANIFEST = "manifest.json"


def _write(path: Path, text: str) -> None:
    """Write UTF-8 with LF line ends (no platform newline translation), only when the bytes change."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)


def dump_json(data: Any) -> str:
    """The JSON form of release files (the same as manifest.json's): sorted keys, 2-space indent, UTF-8."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _file_entry(release_dir: Path, path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    rel = path.relative_to(release_dir).as_posix()
    rows = pq.ParquetFile(path).metadata.num_rows if rel.endswith(".parquet") else None
    return {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "rows": rows}


def release_files(release_dir: Path) -> list[Path]:
    """Every file of the release except manifest.json and hidden (temporary) files, in path order."""
    release_dir = Path(release_dir)
    found = [
        p for p in release_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST and not any(part.startswith(".") for part in p.relative_to(release_dir).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(release_dir).as_posix())


def refresh_manifest_files(release_dir: Path) -> dict[str, Any]:
    """Rewrite manifest.json's `files` from the files now in the release folder (every file except the
    manifest, with sha256, bytes and Parquet row counts); the rest of the manifest is kept as it is.
    Call it after anything rewrites a document of an existing release."""
    release_dir = Path(release_dir)
    path = release_dir / MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    manifest["files"] = [_file_entry(release_dir, p) for p in release_files(release_dir)]
    _write(path, dump_json(manifest))
    return manifest


def write_documents(release_dir: Path, config: Config, answers_path: Path, strict: bool = False,
                    refresh_manifest: bool = True) -> list[str]:
    """Write DATASHEET.md, plots/*.svg and croissant.json into `release_dir` from its Parquet files and
    manifest.json, then (unless `refresh_manifest` is false) rewrite the manifest's file entries.

    Returns the warnings: unanswered questions, and disagreements between the data and the manifest.
    With `strict`, any warning is raised as a DatasheetError instead, before anything is written."""
    release_dir = Path(release_dir)
    answers = load_answers(answers_path)
    facts = compute_facts(release_dir)
    warnings = missing_answer_warnings(answers) + facts.warnings
    if strict and warnings:
        raise DatasheetError("\n".join(["--strict: the datasheet is incomplete or wrong:"] + warnings))

    figures = make_plots(facts)
    plots_dir = release_dir / PLOTS_DIR
    wanted = {release_dir / p.file for p in figures.values()}
    if plots_dir.is_dir():
        for stale in plots_dir.glob("*.svg"):
            if stale not in wanted:
                stale.unlink()  # a figure with nothing to show any more must not linger
    for plot in figures.values():
        _write(release_dir / plot.file, plot.svg)
    if plots_dir.is_dir() and not any(plots_dir.iterdir()):
        plots_dir.rmdir()
    _write(release_dir / DATASHEET, render_datasheet(config, answers, facts, figures))
    _write(release_dir / CROISSANT, dump_croissant(build_croissant(release_dir, config, answers, facts)))
    if refresh_manifest and (release_dir / MANIFEST).is_file():
        refresh_manifest_files(release_dir)
    return warnings
