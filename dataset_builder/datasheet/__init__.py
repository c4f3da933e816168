"""The documentation of a release: the maintainer's answers to Datasheets for Datasets (datasheet.yaml),
merged with figures computed from the release's files, written as DATASHEET.md (with SVG plots), the Hub
card body and croissant.json.

    write_documents(release_dir, config, answers_path, strict=False) -> warnings
        DATASHEET.md, plots/*.svg, croissant.json; manifest.json's file list rewritten
    render_card_body(config, answers, facts) -> Markdown       (card_body(release_dir, config, answers_path))
    document_release(release_dir, config, answers_path=None, strict=False) -> warnings
        all of the above plus the README.md body under the build's YAML: `dataset-builder datasheet PATH`
    root_datasheet(release_dir, config) -> the root DATASHEET.md text (plot links into the release)
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from .answers import (
    MISSING, Answers, DatasheetError, load_answers, load_answers_or_none, missing_answer_warnings, questions,
)
from .croissant import build_croissant
from .documents import (
    card_with_body, default_answers_path, document_release, refresh_manifest_files, root_datasheet,
    write_card_body, write_documents,
)
from .facts import ReleaseFacts, compute_facts
from .plots import plots
from .card_body import render_card_body
from .render import render_datasheet

__all__ = [
    "card_with_body", "default_answers_path", "document_release", "root_datasheet", "write_card_body",
    "MISSING", "Answers", "DatasheetError", "ReleaseFacts", "build_croissant", "card_body", "compute_facts",
    "load_answers", "load_answers_or_none", "missing_answer_warnings", "plots", "questions", "refresh_manifest_files",
    "render_card_body", "render_datasheet", "write_documents",
]


def card_body(release_dir: Path, config: Config, answers_path: Path) -> str:
    """The card body of the release in `release_dir`, computed from its files: what the build puts under
    the YAML it generates."""
    return render_card_body(config, load_answers_or_none(answers_path)[0], compute_facts(Path(release_dir)))
