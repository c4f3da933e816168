"""Fast, exact row validation: a JSON Schema compiled into vectorised checks on Arrow columns.

`jsonschema.Draft202012Validator` takes ~50 µs per row, too slow to check every row of a large release. Here the
row schema is compiled, keyword by keyword, into a checker that works on whole Arrow columns with
`pyarrow.compute` (null masks, UTF-8 lengths, RE2 regexes, comparisons, struct children, list values) and flags
the rows that *may* be invalid. Only flagged rows are converted to Python and given to `Draft202012Validator`,
which decides the verdict and writes the message. So:

* the verdict is always jsonschema's: a flagged row that jsonschema accepts is valid;
* the compiled checker must never miss an invalid row. Where it cannot decide exactly (a keyword it does not
  implement, an Arrow type it does not know, a regex construct it cannot translate to RE2 exactly), it flags
  every row it cannot decide, so jsonschema sees them. `compile_schema(..., allow_fallback=False)` refuses such
  schemas instead (UnsupportedSchema), which the tests use to prove the row schema compiles entirely.

The checker is generated from the schema, so a change to `schema/document.schema.json` flows through.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from jsonschema import Draft202012Validator, ValidationError

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


class UnsupportedSchema(ValueError):
    """The schema uses something the compiled checker does not implement (and fallback was refused)."""


# ---------------------------------------------------------------------------------------------------------------
# Python `re` -> RE2, exactly or not at all.
# ---------------------------------------------------------------------------------------------------------------

def _ranges(pred: Callable[[str], bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for cp in range(sys.maxunicode + 1):
        ok = 0xD800 <= cp <= 0xDFFF or pred(chr(cp))  # surrogates never occur in UTF-8 Arrow strings
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, sys.maxunicode))
    # drop the surrogate-only runs we glued in, split around them
    cleaned: list[tuple[int, int]] = []
    for a, b in out:
        for lo, hi in ((a, min(b, 0xD7FF)), (max(a, 0xE000), b)):
            if lo <= hi and not (0xD800 <= lo <= 0xDFFF):
                cleaned.append((lo, hi))
    return cleaned


@lru_cache(maxsize=None)
def _class_body(letter: str) -> str:
    """The RE2 class body matching exactly what Python's `re` matches with \\s, \\d or \\w in a str pattern."""
    pred = {"s": str.isspace, "d": str.isdecimal, "w": lambda c: c.isalnum() or c == "_"}[letter]
    parts = []
    for lo, hi in _ranges(pred):
        parts.append(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}")
    return "".join(parts)


def python_regex_to_re2(pattern: str) -> str | None:
    """Translate a Python `re` pattern to an RE2 pattern with the same `re.search` verdict on every string, or
    None when it uses a construct whose meaning differs or that RE2 lacks (lookaround, backreferences, inline
    flags, word boundaries, ...). Python's \\s, \\d, \\w are Unicode-wide and `$` also matches before a final
    newline; RE2's are ASCII and `$` is end of text, so those are rewritten."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                return None
            e = pattern[i + 1]
            i += 2
            if e in "sdw":
                body = _class_body(e)
                out.append(body if in_class else f"[{body}]")
            elif e in "SDW":
                if in_class:
                    return None
                out.append(f"[^{_class_body(e.lower())}]")
            elif e == "Z" and not in_class:
                out.append(r"\z")
            elif e == "A" and not in_class:
                out.append(r"\A")
            elif e in "tnrfv":
                out.append("\\" + e)
            elif e == "x":
                h = pattern[i:i + 2]
                if len(h) != 2 or not all(ch in "0123456789abcdefABCDEF" for ch in h):
                    return None
                out.append(f"\\x{{{h}}}")
                i += 2
            elif e in "uU":
                k = 4 if e == "u" else 8
                h = pattern[i:i + k]
                if len(h) != k or not all(ch in "0123456789abcdefABCDEF" for ch in h):
                    return None
                out.append(f"\\x{{{int(h, 16):X}}}")
                i += k
            elif e.isascii() and e.isalnum():
                return None  # \b \B \N{...} \1 \0 \a and unknown letters: not translated
            else:
                out.append("\\" + e)  # escaped punctuation means the literal character in both
            continue
        if in_class:
            if c == "[":
                return None  # nested sets / POSIX classes differ
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading ] is a literal in Python
                out.append("\\]")
                i += 1
            continue
        if c == "$":
            out.append(r"(?:\n?\z)")
        elif c == "(":
            if pattern.startswith("(?", i):
                if pattern.startswith("(?:", i):
                    out.append("(?:")
                    i += 3
                    continue
                return None  # lookaround, named groups/backrefs, inline flags, comments
            out.append(c)
        elif c == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
            if m is None:
                return None  # Python and RE2 disagree on which braces are literal
            lo, hi = int(m.group(1)), m.group(3)
            if lo > 1000 or (hi and int(hi) > 1000):
                return None  # RE2's repeat limit
            out.append(m.group(0))
            i += len(m.group(0))
            continue
        else:
            out.append(c)
        i += 1
    if in_class:
        return None
    translated = "".join(out)
    try:
        re.compile(pattern)
        pc.match_substring_regex(pa.array([], pa.string()), translated)
    except Exception:
        return None
    return translated


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
    enum_other: bool = False  # enum/const has members a string column cannot equal -> decide per kind
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
            self.enum_strings = pa.array(strings, pa.string())
            self.enum_other = True  # non-string kinds are decided by jsonschema (flagged)
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

    def check(self, arr: pa.Array) -> np.ndarray:
        """True for each value that may be invalid under this schema node."""
        n = len(arr)
        if self.flag_all or self.always_bad:
            return np.ones(n, dtype=bool)
        if self.schema is True or self.schema == {}:
            return np.zeros(n, dtype=bool)
        if pa.types.is_dictionary(arr.type):
            arr = arr.dictionary_decode()
        kind = _json_kind(arr.type)
        nulls = _np(arr.is_null()) if arr.null_count else np.zeros(n, dtype=bool)
        valid = ~nulls
        bad = nulls.copy() if self.null_bad else np.zeros(n, dtype=bool)
        if kind is None:
            return bad | valid  # not a JSON value: jsonschema decides (and rejects)
        if kind == "null" or not valid.any():
            return bad
        accepted = _accepts(self.types, kind)
        if accepted is not True:
            return bad | valid  # wrong type (or a float under integer: jsonschema decides)
        if self.has_enum:
            if kind == "string":
                bad |= valid & ~_np(pc.is_in(arr, value_set=self.enum_strings))
            else:
                bad |= valid
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
            bad |= self._check_bounds(arr, kind)
        elif kind == "array":
            bad |= self._check_array(arr, valid)
        elif kind == "object":
            bad |= self._check_object(arr, valid)
        return bad

    def _check_bounds(self, arr: pa.Array, kind: str) -> np.ndarray:
        if kind == "number":
            arr = pc.cast(arr, pa.float64())
        bad = np.zeros(len(arr), dtype=bool)
        approx = False
        for kw, bound in self.bounds:
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                return np.ones(len(arr), dtype=bool)  # jsonschema raises on such schemas; let it
            if kind == "integer" and isinstance(bound, float):
                if bound.is_integer():
                    bound = int(bound)
                else:
                    approx = True  # compared as float64: exact only up to 2**53
            if kind == "integer" and isinstance(bound, int) and abs(bound) >= 2**63:
                return np.ones(len(arr), dtype=bool)
            op = {"minimum": pc.less, "maximum": pc.greater, "exclusiveMinimum": pc.less_equal,
                  "exclusiveMaximum": pc.greater_equal}[kw]
            bad |= _np(op(arr, bound))
        if approx:
            bad |= _np(pc.greater(pc.abs(pc.cast(arr, pa.float64())), float(2**53)))
        return bad

    def _check_array(self, arr: pa.Array, valid: np.ndarray) -> np.ndarray:
        bad = np.zeros(len(arr), dtype=bool)
        if self.min_items is not None or self.max_items is not None:
            lengths = pc.list_value_length(arr)
            if self.min_items is not None:
                bad |= _np(pc.less(lengths, self.min_items))
            if self.max_items is not None:
                bad |= _np(pc.greater(lengths, self.max_items))
        if self.items is not None:
            values = pc.list_flatten(arr)
            if len(values):
                parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False)
                if len(parents) != len(values):
                    return valid.copy()
                child_bad = self.items.check(values)
                bad[parents[child_bad]] = True
        return bad & valid

    def _check_object(self, arr: pa.StructArray, valid: np.ndarray) -> np.ndarray:
        names = [arr.type.field(i).name for i in range(arr.type.num_fields)]
        if len(set(names)) != len(names):
            return valid.copy()  # duplicate field names: to_pylist keeps one; let jsonschema judge
        if not self.required <= set(names):
            return valid.copy()  # a required property is missing from every row
        extra = [x for x in names if x not in self.properties]
        if extra and self.additional is False:
            return valid.copy()  # an additional property is present in every row
        bad = np.zeros(len(arr), dtype=bool)
        children = arr.flatten()  # parent nulls pushed down into children
        for name, child in zip(names, children):
            node = self.properties.get(name)
            if node is None:
                node = self.additional if isinstance(self.additional, _Node) else None
            if node is not None:
                bad |= node.check(child)
        return bad & valid


def _json_equal(a: Any, b: Any) -> bool:
    from jsonschema._utils import equal

    return equal(a, b)


class RowValidator:
    """Validates Arrow record batches against a JSON Schema with jsonschema's verdicts, fast.

    `suspects(batch)` gives the rows the compiled checker flags (a superset of the invalid rows);
    `errors(batch)` yields (row, ValidationError) for the invalid ones, using Draft202012Validator on the
    suspects only."""

    def __init__(self, schema: dict[str, Any], allow_fallback: bool = True):
        Draft202012Validator.check_schema(schema)
        self.schema = schema
        self.fallbacks: list[Fallback] = []
        self._root = _Node("", schema, self.fallbacks, allow_fallback)
        self.validator = Draft202012Validator(schema)

    def suspects(self, batch: pa.RecordBatch | pa.Table) -> np.ndarray:
        """Indices of the rows that may be invalid."""
        if isinstance(batch, pa.Table):
            batch = batch.combine_chunks().to_batches()[0] if batch.num_rows else pa.RecordBatch.from_pylist([], batch.schema)
        return np.flatnonzero(self._root.check(batch.to_struct_array()))

    def errors(self, batch: pa.RecordBatch | pa.Table) -> Iterator[tuple[int, ValidationError]]:
        idx = self.suspects(batch)
        if not len(idx):
            return
        rows = batch.take(pa.array(idx, pa.int64())).to_pylist()
        for i, row in zip(idx.tolist(), rows):
            for error in sorted(self.validator.iter_errors(row), key=lambda e: list(map(str, e.absolute_path))):
                yield i, error

    def invalid_rows(self, batch: pa.RecordBatch | pa.Table) -> list[int]:
        """Row indices jsonschema rejects (computed the fast way)."""
        idx = self.suspects(batch)
        if not len(idx):
            return []
        rows = batch.take(pa.array(idx, pa.int64())).to_pylist()
        return [i for i, row in zip(idx.tolist(), rows) if not self.validator.is_valid(row)]


def error_field(error: ValidationError) -> str:
    """`origin.line`, `edits[2].count`, `authors[0]`; for required/additionalProperties, the property named."""
    path = list(error.absolute_path)
    if error.validator == "required":
        m = re.match(r"'(.*)' is a required property", error.message)
        if m:
            path.append(m.group(1))
    elif error.validator == "additionalProperties":
        m = re.search(r"\('(.*?)'", error.message)
        if m:
            path.append(m.group(1))
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(row)"


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
