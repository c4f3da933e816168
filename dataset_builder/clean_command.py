"""`clean_files`: cleaning, metadata extraction and quality filtering alone, on text files, folders of them or
JSONL, without building a release. The CLI's `dataset-builder clean` calls it.

Each kept document is written as one JSON object per line with the fields of a release row
(`Document.to_row()`); each rejected document goes to the rejected file (when given) with its row fields, the
stage and reason that removed it, and the raw text, so nothing is lost without a reason.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .cleaning import CleanStage
from .config import CleanConfig, FilterConfig
from .document import Document
from .errors import InputError
from .extract_metadata import MetadataExtractor
from .quality_filter import QualityFilter
from .readers.jsonl import read_jsonl
from .readers.txt import read_txt

_JSONL_SUFFIXES = (".jsonl", ".jsonl.zst", ".json")


def _is_jsonl(path: Path) -> bool:
    return path.name.endswith(_JSONL_SUFFIXES)


_SIDECAR = "metadata.jsonl"  # the Hugging Face convention: metadata of the text files beside it


def read_inputs(inputs: list[Path]) -> Iterator[Document]:
    """Documents of every input: a .txt file, a .jsonl(.zst) file, or a folder of .txt and .jsonl files (a
    folder's `metadata.jsonl` describes its text files, as in a dataset config)."""
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        root = path.parent if path.is_file() else path
        if path.is_file():
            if _is_jsonl(path):
                yield from read_jsonl(root, path.name, None)
            else:
                yield from read_txt(root, path.name, None, None)
            continue
        sidecar = path / _SIDECAR
        if any(path.glob("*.txt")):
            yield from read_txt(path.parent, path.name, f"{path.name}/{_SIDECAR}" if sidecar.is_file() else None, "*.txt")
        for file in sorted(p for p in path.iterdir() if p.is_file() and _is_jsonl(p) and p.name != _SIDECAR):
            yield from read_jsonl(path.parent, f"{path.name}/{file.name}", None)


def rejected_record(doc: Document) -> dict[str, Any]:
    row = doc.to_row()
    row["rejection"] = {
        "stage": doc.rejection.stage if doc.rejection else None,
        "reason": doc.rejection.reason if doc.rejection else None,
        "details": doc.rejection.details if doc.rejection else "",
    }
    row["raw_text"] = doc.raw_text
    return row


def clean_files(
    inputs: list[Path], output: Path, rejected: Path | None, clean: CleanConfig, filter: FilterConfig
) -> dict[str, Any]:
    """Clean, extract metadata and filter the inputs; write kept rows to `output` and rejected ones to `rejected`.

    Returns a summary: documents read, kept, rejected by reason, and edits summed per operator and unit.
    """
    stages = [CleanStage(clean), MetadataExtractor(), QualityFilter(filter)]
    stream: Any = read_inputs(list(inputs))
    for stage in stages:
        stream = stage.run(stream)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    reasons: Counter[str] = Counter()
    edits: Counter[str] = Counter()
    read = kept = 0
    rejected_handle = None
    try:
        if rejected is not None:
            Path(rejected).parent.mkdir(parents=True, exist_ok=True)
            rejected_handle = open(rejected, "w", encoding="utf-8")
        with open(output, "w", encoding="utf-8") as out:
            for doc in stream:
                read += 1
                if doc.rejection is not None:
                    reasons[doc.rejection.reason] += 1
                    if rejected_handle is not None:
                        rejected_handle.write(json.dumps(rejected_record(doc), ensure_ascii=False) + "\n")
                    continue
                if doc.script is None:  # defensive: every kept row needs a script
                    doc.script = "Hans"
                kept += 1
                for edit in doc.edits:
                    edits[f"{edit.operator}:{edit.unit}"] += edit.count
                out.write(json.dumps(doc.to_row(), ensure_ascii=False) + "\n")
    finally:
        if rejected_handle is not None:
            rejected_handle.close()
    return {
        "read": read,
        "kept": kept,
        "rejected": dict(sorted(reasons.items())),
        "edits": dict(sorted(edits.items())),
        "stages": {stage.name: dict(stage.stats) for stage in stages},
    }
