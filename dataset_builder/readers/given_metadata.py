"""Metadata an input states about a document (sidecar entries, JSONL fields, Parquet columns), checked field by
field so a wrong value is reported with its place instead of silently reaching the release."""

from __future__ import annotations

import re
from typing import Any

from ..document import Document, Origin
from ..errors import InputError

_ISO_DATETIME = re.compile(
    r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$"
)
STRING_FIELDS = ("title", "published_at", "source", "url", "license")
LIST_FIELDS = ("authors", "keywords")


def given_metadata(record: dict[str, Any], where: str) -> dict[str, Any]:
    """The known metadata fields of `record`; null and absent mean unknown. `where` names the file and line/row."""
    given: dict[str, Any] = {}
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{where}: field '{name}' must be a string or null, got {type(value).__name__}")
        if name == "published_at" and not _ISO_DATETIME.match(value):
            raise InputError(f"{where}: field 'published_at' must be ISO 8601 (e.g. 2014-07-08T20:51), got {value!r}")
        if value.strip():
            given[name] = value.strip()
    for name in LIST_FIELDS:
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{where}: field '{name}' must be a list of strings or null")
        given[name] = [v.strip() for v in value if v.strip()]
    return given


def record_id(record: dict[str, Any], where: str) -> str:
    value = record.get("id")
    if value is None:
        raise InputError(f"{where}: field 'id' is missing")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"{where}: field 'id' must be a string, got {type(value).__name__}")
    return checked_id(str(value), f"{where}: field 'id'")


MAX_ID_CHARS = 256  # schema/document.schema.json


def checked_id(value: str, what: str) -> str:
    """`value` when the release's row schema accepts it as an id; else an error starting with `what`."""
    if not value or any(c.isspace() for c in value):
        raise InputError(f"{what} must be non-empty and without white space, got {value!r}")
    if len(value) > MAX_ID_CHARS:
        raise InputError(f"{what} is {len(value)} characters long; ids have at most {MAX_ID_CHARS}")
    return value


def record_text(record: dict[str, Any], where: str) -> str:
    value = record.get("text")
    if value is None:
        raise InputError(f"{where}: field 'text' is missing")
    if not isinstance(value, str):
        raise InputError(f"{where}: field 'text' must be a string, got {type(value).__name__}")
    return value


def record_document(record: dict[str, Any], where: str, origin: Origin) -> Document:
    """The document of one JSONL object or Parquet row: its id, text and known metadata fields, checked."""
    text = record_text(record, where)
    return Document(id=record_id(record, where), text=text, raw_text=text, origin=origin,
                    given=given_metadata(record, where))
