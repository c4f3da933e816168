"""Metadata an input states about a document (sidecar entries, JSONL fields, Parquet columns), checked field by
field so a wrong value is reported with its place instead of silently reaching the release."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..document import Document, Origin
from ..errors import InputError
from ..iso_dates import ISO_DATETIME, date_problem

STRING_FIELDS = ("title", "published_at", "source", "url", "license")
LIST_FIELDS = ("authors", "keywords")
ROW_FIELDS = ("id", "text", *STRING_FIELDS, *LIST_FIELDS)  # what an input field can fill ([inputs.fields])
_ROW_FIELD_SET = frozenset(ROW_FIELDS)


class FieldNames:
    """How a row field is named in messages: by the input field that fills it, e.g. 'headline' (title)."""

    def __init__(self, fields: Mapping[str, str] | None = None):
        self.source = {target: source for source, target in (fields or {}).items()}

    def __call__(self, name: str) -> str:
        source = self.source.get(name, name)
        return f"field {source!r}" if source == name else f"field {source!r} (mapped to {name})"


def mapped_record(record: dict[str, Any], fields: Mapping[str, str] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(row field -> value, unknown input field -> value) of one record under the [inputs.fields] mapping. An input
    field named like a row field that a mapping fills instead is unknown: the mapping wins."""
    if not fields:
        if _ROW_FIELD_SET.issuperset(record):  # no field beyond the row's (most records): nothing to sort out
            return record, {}
        return ({k: v for k, v in record.items() if k in ROW_FIELDS},
                {k: v for k, v in record.items() if k not in ROW_FIELDS})
    filled = set(fields.values())
    known: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for key, value in record.items():
        target = fields.get(key) or (key if key in ROW_FIELDS and key not in filled else None)
        if target is None:
            unknown[key] = value
        else:
            known[target] = value
    return known, unknown


_DIRECT_NAMES = FieldNames()  # no [inputs.fields] mapping: every field named as itself
_METADATA_FIELDS = frozenset((*STRING_FIELDS, *LIST_FIELDS))


def given_metadata(record: dict[str, Any], where: str, name: FieldNames = _DIRECT_NAMES) -> dict[str, Any]:
    """The known metadata fields of `record`; null and absent mean unknown. `where` names the file and line/row."""
    given: dict[str, Any] = {}
    if _METADATA_FIELDS.isdisjoint(record):
        return given  # only an id and a text (most lines of a crawl): nothing to check
    for field in STRING_FIELDS:
        value = record.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{where}: {name(field)} must be a string or null, got {type(value).__name__}")
        if field == "published_at" and not ISO_DATETIME.match(value.strip()):
            raise InputError(f"{where}: {name(field)} must be ISO 8601 (e.g. 2014-07-08T20:51), got {value!r}")
        if field == "published_at" and (why := date_problem(value.strip())):
            raise InputError(f"{where}: {name(field)}: {value!r} {why}; give a real date at the precision known "
                             "(2014, 2014-07, 2014-07-08, 2014-07-08T20:51) or null")
        if value.strip():
            given[field] = value.strip()
    for field in LIST_FIELDS:
        value = record.get(field)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{where}: {name(field)} must be a list of strings or null")
        given[field] = [v.strip() for v in value if v.strip()]
    return given


def record_id(record: dict[str, Any], where: str, name: FieldNames = FieldNames()) -> str:
    value = record.get("id")
    if value is None:
        raise InputError(f"{where}: {name('id')} is missing")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"{where}: {name('id')} must be a string, got {type(value).__name__}")
    return checked_id(str(value), lambda: f"{where}: {name('id')}")


MAX_ID_CHARS = 256  # schema/document.schema.json
_WHITE_SPACE = re.compile(r"\s")  # in a str pattern, exactly the characters str.isspace() accepts; searched in C


def checked_id(value: str, what: str | Callable[[], str]) -> str:
    """`value` when the release's row schema accepts it as an id; else an error starting with `what` (or with what
    it returns: a reader passes a function, so a valid id, every record's, costs no message)."""
    if value and len(value) <= MAX_ID_CHARS and _WHITE_SPACE.search(value) is None:
        return value
    what = what() if callable(what) else what
    if not value or _WHITE_SPACE.search(value):
        raise InputError(f"{what} must be non-empty and without white space, got {value!r}")
    if len(value) > MAX_ID_CHARS:
        raise InputError(f"{what} is {len(value)} characters long; ids have at most {MAX_ID_CHARS}")
    return value


def record_text(record: dict[str, Any], where: str, name: FieldNames = FieldNames()) -> str:
    value = record.get("text")
    if value is None:
        raise InputError(f"{where}: {name('text')} is missing")
    if not isinstance(value, str):
        raise InputError(f"{where}: {name('text')} must be a string, got {type(value).__name__}")
    return value


def record_document(record: dict[str, Any], where: str, origin: Origin,
                    fields: Mapping[str, str] | None = None) -> Document:
    """The document of one JSONL object or Parquet row: its id, text and known metadata fields, checked, under
    the input's [inputs.fields] mapping; the other fields are kept as the document's `extra`."""
    known, unknown = mapped_record(record, fields)
    name = FieldNames(fields) if fields else _DIRECT_NAMES
    text = record_text(known, where, name)
    return Document(id=record_id(known, where, name), text=text, raw_text=text, origin=origin,
                    given=given_metadata(known, where, name), extra=unknown)
