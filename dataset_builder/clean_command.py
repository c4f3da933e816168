"""`clean_files`: cleaning, metadata extraction and quality filtering alone, on text files, folders of them or
JSONL, without building a release. The CLI's `dataset-builder clean` calls it.

Each kept document is written as one JSON object per line with the fields of a release row
(`Document.to_row()`); each rejected document goes to the rejected file (when given) with its row fields, the
stage and reason that removed it, and the raw text, so nothing is lost without a reason.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import CleanConfig, FilterConfig, InputSpec
from .document import Document
from .errors import InputError
from .pipeline import cleaning_stages
from .shards import InputSet, read_documents
from .tallies import BuildTally, unknown_field_warnings
from .writing import temporary_beside

_JSONL_SUFFIXES = (".jsonl", ".jsonl.zst", ".json")


def _is_jsonl(path: Path) -> bool:
    return path.name.endswith(_JSONL_SUFFIXES)


_SIDECAR = "metadata.jsonl"  # the Hugging Face convention: metadata of the text files beside it


def input_set(raw: Path) -> InputSet:
    """The inputs one path given to `clean` stands for, as a config would declare them beside it: a .txt file, a
    .jsonl(.zst) file, or a folder of .txt and .jsonl files (a folder's `metadata.jsonl` describes its text
    files, as in a dataset config)."""
    path = Path(raw)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        return InputSet(path.parent, (InputSpec(path.name, "jsonl" if _is_jsonl(path) else "txt"),))
    specs = []
    if any(path.glob("*.txt")):
        sidecar = f"{path.name}/{_SIDECAR}" if (path / _SIDECAR).is_file() else None
        specs.append(InputSpec(path.name, "txt", metadata=sidecar, glob="*.txt"))
    for file in sorted(p for p in path.iterdir() if p.is_file() and _is_jsonl(p) and p.name != _SIDECAR):
        specs.append(InputSpec(f"{path.name}/{file.name}", "jsonl"))
    return InputSet(path.parent, tuple(specs))


def _refuse_overlaps(inputs: list[Path], output: Path, rejected: Path) -> None:
    """The output must not replace an input (the raw text would be lost) nor be the rejected file (one would
    overwrite the other)."""
    if output.resolve() == rejected.resolve():
        raise InputError(f"{output}: the output and the rejected file are the same file; give --rejected another name")
    for raw in inputs:
        source = Path(raw).resolve()
        for what, path in (("output", output), ("rejected file", rejected)):
            target = path.resolve()
            if target == source or (source.is_dir() and target.parent == source and _is_jsonl(target)):
                raise InputError(f"{path}: the {what} would replace or join the input {raw}; write it elsewhere")


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
    """Clean, extract metadata and filter the inputs; write kept rows to `output` and rejected ones to `rejected`
    (default: `<output>` with `.rejected.jsonl`, so no document is dropped unseen).

    Both files are written under temporary names and renamed into place only when every input was read, so a
    bad input leaves neither half-written. Returns a summary: documents read, kept, rejected by reason, and
    edits summed per operator and unit.
    """
    output = Path(output)
    rejected = Path(rejected) if rejected is not None else output.with_name(output.name.removesuffix(".jsonl") + ".rejected.jsonl")
    _refuse_overlaps(list(inputs), output, rejected)
    stages = cleaning_stages(clean, filter)
    stream: Any = read_documents(*(input_set(raw) for raw in inputs))
    for stage in stages:
        stream = stage.run(stream)
    written = write_rows(stream, output, rejected)
    return {
        "read": written.read,
        "kept": written.kept,
        "rejected": dict(sorted(written.reasons.items())),
        "rejected_file": str(rejected),
        "edits": dict(sorted(written.edits.items())),
        "stages": {stage.name: dict(stage.stats) for stage in stages},
        "warnings": unknown_field_warnings(written.unknown),
    }


@dataclass
class Written:
    read: int = 0
    kept: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # rejected documents per reason
    edits: Counter[str] = field(default_factory=Counter)  # "operator:unit" -> count, over the kept documents
    unknown: BuildTally = field(default_factory=BuildTally)  # only its unknown fields are used: named once per file


def write_rows(stream: Iterable[Document], output: Path, rejected: Path) -> Written:
    """Kept rows to `output`, rejected ones to `rejected`, both under temporary names renamed into place only
    once the whole stream was read (an input error midway leaves neither)."""
    written = Written()
    temporaries = {path: temporary_beside(path) for path in (output, rejected)}
    try:
        for path in temporaries:
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporaries[output], "w", encoding="utf-8") as out, open(temporaries[rejected], "w", encoding="utf-8") as rej:
            for doc in stream:
                written.read += 1
                written.unknown.add(doc)
                if doc.rejection is not None:
                    written.reasons[doc.rejection.reason] += 1
                    rej.write(json.dumps(rejected_record(doc), ensure_ascii=False) + "\n")
                    continue
                written.kept += 1
                for edit in doc.edits:
                    written.edits[f"{edit.operator}:{edit.unit}"] += edit.count
                out.write(json.dumps(doc.to_row(), ensure_ascii=False) + "\n")
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
    return written
