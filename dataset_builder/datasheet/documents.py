"""Writing the documents of a release — DATASHEET.md, plots/*.svg, croissant.json — and keeping the
manifest's file list true afterwards."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..config import Config
from ..hashing import file_sha256
from ..errors import OutputError
from ..release.reader import CARD, CROISSANT, DATASHEET, MANIFEST
from ..writing import dump_json, write_atomic
from .answers import DatasheetError, load_answers_or_none
from .card_body import render_card_body
from .croissant import build_croissant, dump_croissant
from .facts import FactsTally, compute_facts
from .plots import plots as make_plots
from .render import render_datasheet

PLOTS_DIR = "plots"


def _write(path: Path, text: str) -> None:
    """Write UTF-8 with LF line ends (no platform newline translation), only when the bytes change. Not synced:
    during a build these land in its temporary release, which is renamed into place whole."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    write_atomic(path, data)


def _file_entry(release_dir: Path, path: Path) -> dict[str, Any]:
    """A manifest `files` entry; the file is hashed in blocks, never read whole."""
    digest, size = file_sha256(path)
    rel = path.relative_to(release_dir).as_posix()
    rows = pq.ParquetFile(path).metadata.num_rows if rel.endswith(".parquet") else None
    return {"path": rel, "sha256": digest, "bytes": size, "rows": rows}


def listed_files(release_dir: Path) -> list[Path]:
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
    manifest["files"] = [_file_entry(release_dir, p) for p in listed_files(release_dir)]
    _write(path, dump_json(manifest))
    return manifest


def config_warnings(config: Config, manifest: dict[str, Any], release_dir: Path) -> list[str]:
    """The description, licence and split ratios printed come from `config`: say so when it is not the
    config the release was built from."""
    recorded = (manifest.get("config") or {}).get("sha256")
    if recorded and recorded != config.sha256:
        return [
            f"{config.path}: not the config {release_dir / MANIFEST} records (sha256 {recorded[:12]}…, this file "
            f"{config.sha256[:12]}…); the description, licence and split ratios in the documents come from this file"
        ]
    return []


def refuse_links(release_dir: Path) -> None:
    """A release holds plain files only: a symbolic link in it (a `plots/` leading elsewhere) would make the
    datasheet writer delete and write files outside the release."""
    for path in sorted(Path(release_dir).rglob("*")):
        if path.is_symlink():
            raise DatasheetError(f"{path}: is a symbolic link (to {os.readlink(path)}); a release holds plain files "
                                 "only, so nothing is written or deleted through it")


def write_documents(release_dir: Path, config: Config, answers_path: Path, strict: bool = False,
                    refresh_manifest: bool = True, tally: FactsTally | None = None) -> list[str]:
    """Write DATASHEET.md, plots/*.svg and croissant.json into `release_dir` from its Parquet files and
    manifest.json, then (unless `refresh_manifest` is false) rewrite the manifest's file entries.

    Returns the warnings: unanswered questions, and disagreements between the data and the manifest.
    With `strict`, any warning is raised as a DatasheetError instead, before anything is written."""
    release_dir = Path(release_dir)
    refuse_links(release_dir)
    answers, warnings = load_answers_or_none(answers_path, detailed=strict)
    facts = compute_facts(release_dir, tally)
    warnings = warnings + facts.warnings + config_warnings(config, facts.manifest, release_dir)
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


ANSWERS = "datasheet.yaml"


def default_answers_path(config: Config) -> Path:
    """datasheet.yaml beside the config file."""
    return config.root / ANSWERS


def card_with_body(card_text: str, body: str) -> str:
    """A card (README.md text) with its YAML front matter kept byte for byte and its body replaced, in the
    form the build writes: `---\\n<yaml>\\n---\\n\\n<body>\\n`."""
    if not card_text.startswith("---\n") or "\n---\n" not in card_text[3:]:
        raise DatasheetError("README.md: no YAML front matter (--- ... ---) to keep")
    end = card_text.index("\n---\n", 3) + len("\n---\n")
    return f"{card_text[:end]}\n{body.strip()}\n"


def write_card_body(release_dir: Path, config: Config, answers_path: Path, tally: FactsTally | None = None) -> None:
    """Replace the body of the release's README.md by the card body rendered from the answers and the
    release's files; the YAML front matter (the build's) is kept as it is."""
    release_dir = Path(release_dir)
    refuse_links(release_dir)
    path = release_dir / CARD
    try:
        current = path.read_text("utf-8")
    except OSError as exc:
        raise DatasheetError(f"{path}: cannot read the card: {exc.strerror or exc}") from None
    facts = compute_facts(release_dir, tally)
    body = render_card_body(config, load_answers_or_none(answers_path)[0], facts, make_plots(facts))
    _write(path, card_with_body(current, body))


def document_release(release_dir: Path, config: Config, answers_path: Path | None = None,
                     strict: bool = False, tally: FactsTally | None = None) -> list[str]:
    """Everything `dataset-builder datasheet PATH` does, and the last step of a build: write DATASHEET.md,
    plots/*.svg and croissant.json, put the card body under README.md's front matter (when there is a
    README.md), then rewrite manifest.json's file list. Returns the warnings (raised under `strict`)."""
    answers_path = Path(answers_path) if answers_path is not None else default_answers_path(config)
    warnings = write_documents(release_dir, config, answers_path, strict=strict, refresh_manifest=False, tally=tally)
    keep_answers(release_dir, answers_path)
    if (Path(release_dir) / CARD).is_file():
        write_card_body(release_dir, config, answers_path, tally)
    if (Path(release_dir) / MANIFEST).is_file():
        refresh_manifest_files(release_dir)
    return warnings


# What a release was built from, inside it (listed in the manifest like every file): the config's exact bytes
# (written by the build) and the datasheet answers the documents were rendered from, so a Hub user sees the
# thresholds and answers used.
BUILD_CONFIG = "build/dataset.toml"
BUILD_ANSWERS = "build/datasheet.yaml"


def keep_answers(release_dir: Path, answers_path: Path) -> None:
    """Copy the answers' bytes to build/datasheet.yaml; without an answers file there is no copy."""
    target = Path(release_dir) / BUILD_ANSWERS
    if Path(answers_path).is_file():
        data = Path(answers_path).read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            write_atomic(target, data)
    elif target.is_file():
        target.unlink()


# The first line of the root DATASHEET.md the tool writes (an HTML comment, invisible where Markdown is shown): how
# a later build knows the file is its own to replace. A DATASHEET.md without it is the maintainer's: never replaced.
ROOT_MARKER = ("<!-- Written by dataset-builder from the latest release and datasheet.yaml; it is replaced by every "
               "build: edit datasheet.yaml instead. -->")


def refuse_foreign_root_datasheet(path: Path) -> None:
    """Raise OutputError, naming `path`, when it is a DATASHEET.md that dataset-builder did not write."""
    if not path.is_file() or path.is_symlink():
        return  # absent (ours to create), or a link (refused where it would be written)
    head = path.read_bytes()[:4096].decode("utf-8", "replace")
    ours = head.startswith(ROOT_MARKER) or (
        # written before the marker existed: the tool's title and its sentence on computed figures
        head.startswith("# Datasheet for ") and "computed by dataset-builder" in head)
    if not ours:
        raise OutputError(
            f"{path}: this DATASHEET.md was not written by dataset-builder (its first line is not the tool's marker), "
            "so it is never overwritten: move or rename it and build again (each release has its own DATASHEET.md)")


def root_datasheet(release_dir: Path, config: Config, answers_path: Path | None = None,
                   published_as: Path | None = None, tally: FactsTally | None = None) -> str:
    """DATASHEET.md of a release as the repository root shows it: the same text, with plot links pointing
    into the release folder so the figures display from the root too. `published_as`: where the release will
    be when `release_dir` is the build's temporary folder."""
    release_dir = Path(release_dir)
    answers_path = Path(answers_path) if answers_path is not None else default_answers_path(config)
    facts = compute_facts(release_dir, tally)
    shown = Path(published_as) if published_as is not None else release_dir
    prefix = os.path.relpath(shown.resolve(), config.root.resolve()).replace(os.sep, "/") + "/"
    return ROOT_MARKER + "\n\n" + render_datasheet(config, load_answers_or_none(answers_path)[0], facts,
                                                   make_plots(facts), asset_prefix=prefix)
