"""Fast, exact row validation: a JSON Schema compiled into vectorised checks on Arrow columns.

`jsonschema.Draft202012Validator` takes ~50-300 µs per document row (measured ~200 µs here), far too slow to check
every row of a large release. Here the row schema is compiled, keyword by keyword, into a checker that works on
whole Arrow columns with `pyarrow.compute` (null masks, UTF-8 lengths, RE2 regexes, comparisons, struct children,
list values) and marks every row OK, BAD or MAYBE:

* BAD means jsonschema rejects the row, exactly (the differential tests in tests/test_validate_rows.py hold the
  compiler to that). BAD rows go to jsonschema only for their messages, up to a cap per column; the rest are
  counted, so a column broken in every row of a large release stays fast.
* MAYBE means the compiler cannot decide: a keyword it does not implement, an Arrow type it does not know (e.g.
  decimals), a schema it cannot reason about. MAYBE rows always go to `Draft202012Validator`, which decides.
* A Python regex is translated to RE2 exactly (Python's Unicode \\s, \\d, \\w become explicit classes; `$` also
  matches before a final newline) or, when no exact translation exists, checked with Python's `re` per value.

So every verdict is jsonschema's. `RowValidator(schema, allow_fallback=False)` refuses a schema that would need
MAYBE fallbacks (UnsupportedSchema); the tests use it to show the row schema compiles entirely. The checker is
generated from the schema, so a change to `schema/document.schema.json` flows through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from jsonschema import Draft202012Validator, ValidationError

from ..schema import schema_error_key
from .regex_re2 import python_regex_to_re2

# Keywords that never make a row invalid for Draft202012Validator (annotations; `format` is an annotation unless
# a format checker is passed, and none is).
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$anchor", "title", "description", "default", "examples", "deprecated",
     "readOnly", "writeOnly", "format", "contentEncoding", "contentMediaType"}
)
IMPLEMENTED = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "minLength", "maxLength", "pattern",
     "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"}
)


OK, MAYBE, BAD = 0, 1, 2


class UnsupportedSchema(ValueError):
    """The schema uses something the compiled checker does not implement (and fallback was refused)."""


# ---------------------------------------------------------------------------------------------------------------
# The compiled checker
# ---------------------------------------------------------------------------------------------------------------

def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow array as a numpy bool array, null read as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _json_kind(t: pa.DataType) -> str | None:
    """The JSON type `to_pylist` gives for values of this Arrow type, or None when it is not a JSON value."""
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "number"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
        return "array"
    if pa.types.is_struct(t):
        return "object"
    if pa.types.is_null(t):
        return "null"
    if (pa.types.is_temporal(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
            or pa.types.is_fixed_size_binary(t) or pa.types.is_binary_view(t)):
        return "non-json"  # datetime/date/time/timedelta/bytes in Python: no JSON type accepts them
    return None


def _accepts(types: frozenset[str] | None, kind: str) -> bool | None:
    """Does the `type` keyword accept values of this kind? None: depends on the value (a float under integer)."""
    if types is None:
        return True
    if kind in types:
        return True
    if kind == "integer" and "number" in types:
        return True
    if kind == "number" and "integer" in types:
        return None  # 1.0 is an integer to jsonschema
    return False


@dataclass
class Fallback:
    path: str
    reason: str


@dataclass
class _Node:
    path: str
    schema: Any
    fallbacks: list[Fallback]
    allow_fallback: bool
    flag_all: bool = False
    always_bad: bool = False  # schema `false`
    types: frozenset[str] | None = None
    null_bad: bool = False
    enum_strings: pa.Array | None = None
    has_enum: bool = False
    min_len: int | None = None
    max_len: int | None = None
    regex: str | None = None
    py_regex: re.Pattern | None = None
    bounds: list[tuple[str, Any]] = field(default_factory=list)
    min_items: int | None = None
    max_items: int | None = None
    items: "_Node | None" = None
    properties: dict[str, "_Node"] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    additional: "bool | _Node" = True

    def __post_init__(self) -> None:
        s = self.schema
        if s is True or s == {}:
            return
        if s is False:
            self.always_bad = True
            return
        if not isinstance(s, dict):
            self._fallback(f"schema is {type(s).__name__}")
            return
        unknown = sorted(set(s) - IMPLEMENTED - ANNOTATIONS)
        if unknown:
            self._fallback(f"keywords not compiled: {', '.join(unknown)}")
            return
        t = s.get("type")
        if t is not None:
            self.types = frozenset([t] if isinstance(t, str) else t)
        null_ok = self.types is None or "null" in self.types
        if "enum" in s or "const" in s:
            self.has_enum = True
            members = list(s.get("enum", [])) if "enum" in s else [s["const"]]
            if "enum" in s and "const" in s:
                members = [m for m in members if _json_equal(m, s["const"])]
            null_ok = null_ok and any(m is None for m in members)
            strings = [m for m in members if isinstance(m, str)]
            self.enum_strings = pa.array(strings, pa.string())  # other kinds of column: jsonschema decides
        self.null_bad = not null_ok
        if "minLength" in s:
            self.min_len = int(s["minLength"])
        if "maxLength" in s:
            self.max_len = int(s["maxLength"])
        if "pattern" in s:
            translated = python_regex_to_re2(s["pattern"])
            if translated is None:
                if not self.allow_fallback:
                    raise UnsupportedSchema(f"{self.path}: pattern {s['pattern']!r} has no exact RE2 translation")
                self.fallbacks.append(Fallback(self.path, f"pattern {s['pattern']!r} checked with Python re"))
                self.py_regex = re.compile(s["pattern"])
            else:
                self.regex = translated
        for kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if kw in s:
                self.bounds.append((kw, s[kw]))
        if "minItems" in s:
            self.min_items = int(s["minItems"])
        if "maxItems" in s:
            self.max_items = int(s["maxItems"])
        if "items" in s:
            self.items = _Node(f"{self.path}[]", s["items"], self.fallbacks, self.allow_fallback)
        for name, sub in (s.get("properties") or {}).items():
            self.properties[name] = _Node(f"{self.path}.{name}" if self.path else name, sub, self.fallbacks,
                                          self.allow_fallback)
        self.required = frozenset(s.get("required", ()))
        add = s.get("additionalProperties", True)
        if isinstance(add, bool):
            self.additional = add
        else:
            self.additional = _Node(f"{self.path}.*", add, self.fallbacks, self.allow_fallback)

    def _fallback(self, reason: str) -> None:
        if not self.allow_fallback:
            raise UnsupportedSchema(f"{self.path or '(row)'}: {reason}")
        self.fallbacks.append(Fallback(self.path or "(row)", reason))
        self.flag_all = True

    # -- checking ---------------------------------------------------------------------------------------------
    # Each check returns an int8 mask: OK (0), MAYBE (1: jsonschema must decide) or BAD (2: certainly invalid,
    # exactly when jsonschema rejects the value). Masks combine with np.maximum.

    def check(self, arr: pa.Array) -> np.ndarray:
        n = len(arr)
        if self.always_bad:
            return np.full(n, BAD, dtype=np.int8)
        if self.flag_all:
            return np.full(n, MAYBE, dtype=np.int8)
        if self.schema is True or self.schema == {}:
            return np.zeros(n, dtype=np.int8)
        if pa.types.is_dictionary(arr.type):
            arr = arr.dictionary_decode()
        kind = _json_kind(arr.type)
        nulls = _np(arr.is_null()) if arr.null_count else np.zeros(n, dtype=bool)
        valid = ~nulls
        out = np.zeros(n, dtype=np.int8)
        if self.null_bad:
            out[nulls] = BAD
        if kind is None or (kind == "non-json" and self.types is None):
            out[valid] = MAYBE  # e.g. decimals (numbers to jsonschema), or no `type` to rule them out
            return out
        if kind == "non-json":
            out[valid] = BAD  # the `type` keyword accepts no datetime or bytes value
            return out
        if kind == "null" or not valid.any():
            return out
        accepted = _accepts(self.types, kind)
        if accepted is False:
            out[valid] = BAD  # wrong type
            return out
        bad = np.zeros(n, dtype=bool)
        if accepted is None:
            # a float under `integer`: jsonschema takes 5.0 as an integer, and rejects 5.5, NaN and infinities
            as_float = pc.cast(arr, pa.float64())
            integral = _np(pc.and_(pc.is_finite(as_float), pc.equal(pc.floor(as_float), as_float)))
            bad |= valid & ~integral
        if self.has_enum:
            if kind == "string":
                bad |= valid & ~_np(pc.is_in(arr, value_set=self.enum_strings))
            else:
                np.maximum(out, np.where(valid, MAYBE, 0).astype(np.int8), out=out)
        if kind == "string":
            if self.min_len is not None or self.max_len is not None:
                lengths = pc.utf8_length(arr)
                if self.min_len is not None:
                    bad |= _np(pc.less(lengths, self.min_len))
                if self.max_len is not None:
                    bad |= _np(pc.greater(lengths, self.max_len))
            if self.regex is not None:
                bad |= valid & ~_np(pc.match_substring_regex(arr, self.regex))
            elif self.py_regex is not None:
                search = self.py_regex.search
                bad |= np.fromiter((v is not None and search(v) is None for v in arr.to_pylist()), bool, n)
        elif kind in ("integer", "number") and self.bounds:
            np.maximum(out, self._check_bounds(arr, kind, valid), out=out)
        elif kind == "array":
            np.maximum(out, self._check_array(arr, valid), out=out)
        elif kind == "object":
            np.maximum(out, self._check_object(arr, valid), out=out)
        out[bad] = BAD
        return out

    def _check_bounds(self, arr: pa.Array, kind: str, valid: np.ndarray) -> np.ndarray:
        if kind == "number":
            arr = pc.cast(arr, pa.float64())
        out = np.zeros(len(arr), dtype=np.int8)
        bad = np.zeros(len(arr), dtype=bool)
        approx = False
        for kw, bound in self.bounds:
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                out[valid] = MAYBE  # jsonschema raises on such schemas; let it
                return out
            if kind == "integer" and isinstance(bound, float):
                if bound.is_integer():
                    bound = int(bound)
                else:
                    approx = True  # compared as float64: exact only up to 2**53
            if kind == "integer" and isinstance(bound, int) and abs(bound) >= 2**63:
                out[valid] = MAYBE
                return out
            op = {"minimum": pc.less, "maximum": pc.greater, "exclusiveMinimum": pc.less_equal,
                  "exclusiveMaximum": pc.greater_equal}[kw]
            bad |= _np(op(arr, bound))
        out[bad] = BAD
        if approx:
            big = _np(pc.greater(pc.abs(pc.cast(arr, pa.float64())), float(2**53)))
            out[big] = MAYBE
        return out

    def _check_array(self, arr: pa.Array, valid: np.ndarray) -> np.ndarray:
        out = np.zeros(len(arr), dtype=np.int8)
        if self.min_items is not None or self.max_items is not None:
            lengths = pc.list_value_length(arr)
            if self.min_items is not None:
                out[_np(pc.less(lengths, self.min_items))] = BAD
            if self.max_items is not None:
                out[_np(pc.greater(lengths, self.max_items))] = BAD
        if self.items is not None:
            values = pc.list_flatten(arr)
            if len(values):
                parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False)
                if len(parents) != len(values):
                    out[valid] = MAYBE
                    return out
                child = self.items.check(values)
                flagged = child > 0
                np.maximum.at(out, parents[flagged], child[flagged])
        out[~valid] = 0
        return out

    def _check_object(self, arr: pa.StructArray, valid: np.ndarray) -> np.ndarray:
        names = [arr.type.field(i).name for i in range(arr.type.num_fields)]
        out = np.zeros(len(arr), dtype=np.int8)
        if len(set(names)) != len(names):
            out[valid] = MAYBE  # duplicate field names: to_pylist keeps one; let jsonschema judge
            return out
        if not self.required <= set(names) or (self.additional is False and set(names) - set(self.properties)):
            out[valid] = BAD  # a required property is missing from, or a forbidden one present in, every row
            return out
        for name, child in zip(names, arr.flatten()):  # flatten pushes parent nulls down into children
            node = self.properties.get(name)
            if node is None:
                node = self.additional if isinstance(self.additional, _Node) else None
            if node is not None:
                np.maximum(out, node.check(child), out=out)
        out[~valid] = 0
        return out

    def column_masks(self, batch: pa.RecordBatch) -> dict[str, np.ndarray]:
        """For a top-level object schema: one mask per column (and per missing required column), so callers can
        tell which column makes a row invalid. Otherwise one mask named "(row)"."""
        n = batch.num_rows
        names = batch.schema.names
        plain = (not (self.flag_all or self.always_bad or self.has_enum)  # (rows are never null)
                 and isinstance(self.schema, dict) and (self.types is None or "object" in self.types)
                 and len(set(names)) == len(names))
        if not plain:
            return {"(row)": self.check(batch.to_struct_array())}
        masks: dict[str, np.ndarray] = {}
        for name in sorted(self.required - set(names)):
            masks[name] = np.full(n, BAD, dtype=np.int8)
        for name, column in zip(names, batch.columns):
            node = self.properties.get(name)
            if node is None:
                if self.additional is False:
                    masks[name] = np.full(n, BAD, dtype=np.int8)
                    continue
                node = self.additional if isinstance(self.additional, _Node) else None
            if node is not None:
                masks[name] = node.check(column)
        return masks


def _json_equal(a: Any, b: Any) -> bool:
    from jsonschema._utils import equal

    return equal(a, b)


@dataclass
class BatchResult:
    invalid: np.ndarray  # row indices jsonschema rejects (exactly)
    errors: list[tuple[int, ValidationError]]  # jsonschema's errors for the rows chosen for messages
    unreported: dict[str, int]  # per column: invalid rows beyond the message cap, not given to jsonschema


class RowValidator:
    """Validates Arrow record batches against a JSON Schema with jsonschema's verdicts, fast.

    The compiled checker marks each row OK, BAD (certainly invalid) or MAYBE. BAD is exact: a BAD row is one
    jsonschema rejects (the differential tests hold it to that). MAYBE rows (a keyword or Arrow type the compiler
    does not decide) always go to Draft202012Validator. BAD rows go to it only for their messages, so a column
    that is wrong in every row of a large release costs `max_rows_per_column` jsonschema calls, not millions."""

    def __init__(self, schema: dict[str, Any], allow_fallback: bool = True):
        Draft202012Validator.check_schema(schema)
        self.schema = schema
        self.fallbacks: list[Fallback] = []
        self._root = _Node("", schema, self.fallbacks, allow_fallback)
        self.validator = Draft202012Validator(schema)
        self.disagreements = 0  # BAD rows jsonschema accepted: a compiler bug; must stay 0

    @staticmethod
    def _batch(batch: pa.RecordBatch | pa.Table) -> pa.RecordBatch:
        if isinstance(batch, pa.Table):
            return batch.combine_chunks().to_batches()[0] if batch.num_rows else pa.RecordBatch.from_pylist(
                [], batch.schema)
        return batch

    def marks(self, batch: pa.RecordBatch | pa.Table) -> np.ndarray:
        """OK/MAYBE/BAD per row."""
        batch = self._batch(batch)
        out = np.zeros(batch.num_rows, dtype=np.int8)
        for mask in self._root.column_masks(batch).values():
            np.maximum(out, mask, out=out)
        return out

    def suspects(self, batch: pa.RecordBatch | pa.Table) -> np.ndarray:
        """Indices of the rows the compiled checker does not pass (BAD or MAYBE)."""
        return np.flatnonzero(self.marks(batch))

    def _errors_of(self, batch: pa.RecordBatch, idx: list[int]) -> dict[int, list[ValidationError]]:
        if not idx:
            return {}
        rows = batch.take(pa.array(idx, pa.int64())).to_pylist()
        key = lambda e: list(map(str, e.absolute_path))  # noqa: E731
        return {i: sorted(self.validator.iter_errors(row), key=key) for i, row in zip(idx, rows)}

    def validate_batch(self, batch: pa.RecordBatch | pa.Table, max_rows_per_column: int | None = None) -> BatchResult:
        batch = self._batch(batch)
        masks = self._root.column_masks(batch)
        combined = np.zeros(batch.num_rows, dtype=np.int8)
        for mask in masks.values():
            np.maximum(combined, mask, out=combined)
        maybe = np.flatnonzero(combined == MAYBE).tolist()
        certain = np.flatnonzero(combined == BAD)
        if max_rows_per_column is None:
            chosen = set(certain.tolist())
        else:
            chosen = set()
            for mask in masks.values():
                chosen.update(np.flatnonzero(mask == BAD)[:max_rows_per_column].tolist())
        found = self._errors_of(batch, sorted(set(maybe) | chosen))
        invalid = set(certain.tolist()) | {i for i in maybe if found[i]}
        for i in chosen:
            if not found[i]:
                self.disagreements += 1
                invalid.discard(i)
        errors = [(i, e) for i in sorted(found) for e in found[i]]
        unreported = {}
        if max_rows_per_column is not None:
            shown = np.zeros(batch.num_rows, dtype=bool)
            shown[sorted(chosen)] = True
            for name, mask in masks.items():
                hidden = int(np.count_nonzero((mask == BAD) & ~shown))
                if hidden:
                    unreported[name] = hidden
        return BatchResult(np.array(sorted(invalid), dtype=np.int64), errors, unreported)

    def errors(self, batch: pa.RecordBatch | pa.Table) -> Iterator[tuple[int, ValidationError]]:
        """(row, error) for every invalid row."""
        yield from self.validate_batch(batch).errors

    def invalid_rows(self, batch: pa.RecordBatch | pa.Table) -> list[int]:
        """Row indices jsonschema rejects (computed the fast way)."""
        return self.validate_batch(batch, max_rows_per_column=0).invalid.tolist()


def error_field(error: ValidationError) -> str:
    """`origin.line`, `edits[2].count`, `authors[0]`; for required/additionalProperties, the property named."""
    return schema_error_key(error, empty="(row)")


def short_message(error: ValidationError, limit: int = 160) -> str:
    """jsonschema's message with the offending value shortened (a whole document text is not useful)."""
    msg = error.message
    if len(msg) > limit:
        inst = error.instance
        shown = repr(inst if not isinstance(inst, str) else (inst[:40] + "…" if len(inst) > 40 else inst))
        if isinstance(inst, (dict, list)):
            shown = f"<{type(inst).__name__} of {len(inst)}>"
        msg = f"{shown} fails {error.validator}: {msg[:limit]}…"
    return msg


@lru_cache(maxsize=None)
def document_row_validator() -> RowValidator:
    from ..schema import load_schema

    return RowValidator(load_schema("document"))
