"""The compiled checker behind `rows.RowValidator`: a JSON Schema turned, keyword by keyword, into a tree of
`SchemaNode`s that mark whole Arrow columns OK, MAYBE or BAD with `pyarrow.compute` (see rows.py for what the
marks promise and how jsonschema settles the rest)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
class SchemaNode:
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
    items: "SchemaNode | None" = None
    properties: dict[str, "SchemaNode"] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    additional: "bool | SchemaNode" = True

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
            self.items = SchemaNode(f"{self.path}[]", s["items"], self.fallbacks, self.allow_fallback)
        for name, sub in (s.get("properties") or {}).items():
            self.properties[name] = SchemaNode(f"{self.path}.{name}" if self.path else name, sub, self.fallbacks,
                                          self.allow_fallback)
        self.required = frozenset(s.get("required", ()))
        add = s.get("additionalProperties", True)
        if isinstance(add, bool):
            self.additional = add
        else:
            self.additional = SchemaNode(f"{self.path}.*", add, self.fallbacks, self.allow_fallback)

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
                node = self.additional if isinstance(self.additional, SchemaNode) else None
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
                node = self.additional if isinstance(self.additional, SchemaNode) else None
            if node is not None:
                masks[name] = node.check(column)
        return masks


def _json_equal(a: Any, b: Any) -> bool:
    from jsonschema._utils import equal

    return equal(a, b)
