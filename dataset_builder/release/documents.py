"""First versions of the human-readable documents of a release: the card body and DATASHEET.md.

Every figure here is computed from the pipeline's result; nothing is typed by hand. (The full Datasheets for
Datasets document with the maintainer's answers is built by the datasheet module when it is present.)
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..config import Config
from ..pipeline import PipelineResult


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def facts_markdown(config: Config, result: PipelineResult, counts: dict[str, Any], cleaning: list[dict]) -> str:
    kept = result.kept
    splits = _table(
        ("split", "documents", "characters"),
        [(s, len(docs), sum(len(d.text) for d in docs)) for s, docs in kept.items()],
    )
    every_kept = [d for docs in kept.values() for d in docs]
    sources = Counter(d.source or "(unknown)" for d in every_kept)
    scripts = Counter(d.script or "(unknown)" for d in every_kept)
    years = Counter((d.published_at or "")[:4] or "(unknown)" for d in every_kept)
    rejected = _table(
        ("stage", "reason", "documents"),
        [(r["stage"], r["reason"], r["count"]) for r in counts["rejected_by_reason"]] or [("-", "-", 0)],
    )
    operators = _table(
        ("operator", "unit", "changes", "documents changed"),
        [(c["operator"], c["unit"], c["count"], c["documents"]) for c in cleaning] or [("-", "-", 0, 0)],
    )
    ratios = config.split.ratios()
    return "\n\n".join(
        [
            f"Documents read: {counts['read']}; kept: {counts['kept']}; rejected: {counts['rejected']}; "
            f"exact duplicates removed: {counts['duplicates']}.",
            "### Documents and characters per split\n\n" + splits,
            "### Sources\n\n" + _table(("source", "documents"), sorted(sources.items())),
            "### Original script\n\n" + _table(("script", "documents"), sorted(scripts.items())),
            "### Documents per year\n\n" + _table(("year", "documents"), sorted(years.items())),
            "### Rejected documents by reason\n\n" + rejected,
            "### Cleaning changes by operator\n\n" + operators,
            "### How splits were made\n\n"
            f"Each document's id is hashed with SHA-256 to a point in [0, 1); the point falls in the train "
            f"({ratios['train']:g}), validation ({ratios['validation']:g}) or test ({ratios['test']:g}) band. "
            "A document keeps its split when others are added or removed.",
        ]
    )


def datasheet_markdown(config: Config, facts: str) -> str:
    unknown = "[More Information Needed]"
    return f"""# Datasheet: {config.pretty_name or config.name} {config.version}

Following *Datasheets for Datasets* (Gebru et al., 2021). Figures are computed from the release by dataset-builder.

## Motivation

{config.description}

## Composition

{facts}

## Collection Process

Inputs: {", ".join(f"`{spec.path}` ({spec.format})" for spec in config.inputs)}. {unknown}

## Preprocessing/Cleaning/Labeling

Cleaning: Unicode repair (NFC, full-width punctuation kept), content-farm pinyin annotations removed, Traditional
converted to Simplified with OpenCC (`{config.clean.opencc_profile}`) when `to_simplified` is on, empty lines dropped,
metadata lines extracted. The raw inputs are kept beside the configuration; every removed document is in
`rejected/` with its reason, every duplicate in `duplicates/` with the id it duplicates.

## Uses

{unknown}

## Distribution

License: `{config.license}`. {unknown}

## Maintenance

{unknown}
"""


def card_body(config: Config, facts: str) -> str:
    return f"""# {config.pretty_name or config.name}

## Dataset Details

### Dataset Description

{config.description}

- **Version:** {config.version}
- **Language(s):** {", ".join(config.language)}
- **License:** {config.license}

## Dataset Structure

Splits `train`, `validation` and `test` in `data/`, one row per document; the columns are described in
`schema/document.schema.json` of dataset-builder. Removed documents are kept in `rejected/` (with the stage and
reason) and `duplicates/` (with the id each duplicates); `manifest.json` lists every file with its SHA-256 and the
counts that account for every input document.

{facts}

## Dataset Creation

Built with dataset-builder from the inputs and configuration recorded in `manifest.json`. See `DATASHEET.md`.
"""
