"""The typed record every pipeline stage reads and writes.

A `Document` is created by a reader with the raw text and whatever metadata the input carries, then each stage
fills in or changes its fields. A stage that removes a document sets `rejection` (or `duplicate_of`) instead of
dropping it, so the pipeline can route it to the rejected or duplicates set: nothing is ever lost.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where a document was read from."""

    file: str  # relative to the config's folder, with forward slashes
    line: int | None = None  # 1-based line of a JSONL input
    row: int | None = None  # 0-based row of a Parquet input
    encoding: str = "utf-8"

    def describe(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.row is not None:
            return f"{self.file} row {self.row}"
        return self.file

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "row": self.row, "encoding": self.encoding}


@dataclass
class Edit:
    """What one cleaning operator changed in one document."""

    operator: str
    unit: str  # lines | chars | annotations | paragraphs
    count: int


@dataclass
class Rejection:
    """Why a document was removed, and by which stage."""

    stage: str
    reason: str
    details: str = ""


@dataclass(slots=True)  # its fields and nothing else: the work folder stores the fields alone (document_codec)
class Document:
    id: str
    text: str
    origin: Origin
    raw_text: str = ""  # the text as read, kept so rejected documents carry what was removed
    # Metadata given by the input (a sidecar, JSONL fields, Parquet columns). It wins over extraction.
    given: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    published_at: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    url: str | None = None
    license: str | None = None  # the document's own licence, when the input states one
    language: str | None = None
    script: str | None = None  # Hans | Hant, of the original text
    edits: list[Edit] = field(default_factory=list)
    quality: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    rejection: Rejection | None = None
    duplicate_of: str | None = None
    duplicate_kind: str | None = None  # exact | near, for a document with duplicate_of
    duplicate_similarity: float | None = None  # estimated Jaccard similarity to duplicate_of (1.0 when exact)
    # The key the split is drawn from (the near-duplicate cluster: the survivor's id). None: the document's id.
    cluster_id: str | None = None
    cluster_size: int = 1
    split: str | None = None
    # Input fields that fill no row field (JSONL keys, Parquet columns), as read; null values included, so the
    # build can name every unknown field, but left out of the row's `extra`.
    extra: dict[str, Any] = field(default_factory=dict)

    def record_edit(self, operator: str, unit: str, count: int) -> None:
        """Add `count` changes by `operator`; zero-change calls are not recorded."""
        if count <= 0:
            return
        for edit in self.edits:
            if edit.operator == operator and edit.unit == unit:
                edit.count += count
                return
        self.edits.append(Edit(operator, unit, count))

    def reject(self, stage: str, reason: str, details: str = "") -> None:
        self.rejection = Rejection(stage, reason, details)

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_row(self) -> dict[str, Any]:
        """The release row, in the column order of schema/document.schema.json."""
        return {
            "id": self.id,
            "text": self.text,
            "title": self.title,
            "published_at": self.published_at,
            "source": self.source,
            "authors": list(self.authors),
            "keywords": list(self.keywords),
            "url": self.url,
            "language": self.language,
            "script": self.script,
            "num_chars": len(self.text),
            "text_sha256": self.text_sha256,
            "origin": self.origin.to_dict(),
            "edits": [{"operator": e.operator, "unit": e.unit, "count": e.count} for e in self.edits],
            "quality": {k: float(self.quality.get(k, 0.0)) for k in QUALITY_SIGNALS},
            "flags": list(self.flags),
            "cluster_id": self.cluster_id or self.id,
            "cluster_size": self.cluster_size,
            "license": self.license,
            "extra": extra_json(self.extra),
        }


def is_active(doc: Document) -> bool:
    """Still in the running: neither rejected nor a duplicate. Stages and global steps see only these."""
    return doc.rejection is None and doc.duplicate_of is None


def extra_json(extra: dict[str, Any]) -> str | None:
    """The `extra` column: the non-null unknown input fields as one JSON object (keys sorted, UTF-8 as is, no
    spaces, so the bytes depend on the values alone), or None when there are none."""
    kept = {k: v for k, v in extra.items() if v is not None}
    if not kept:
        return None
    return json.dumps(_jsonable(kept), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=str)


def _jsonable(value: Any) -> Any:
    """A Parquet cell as JSON: dates and times in ISO 8601, decimals as strings, bytes in base64, NaN as null."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# The quality signals every row carries (schema/document.schema.json, property `quality`).
QUALITY_SIGNALS = ("han_ratio", "line_end_punct_ratio", "repeated_ngram_ratio")
