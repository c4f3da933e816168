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

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
from jsonschema import Draft202012Validator, ValidationError

from ..schema import schema_error_key
from .regex_re2 import python_regex_to_re2
from .schema_nodes import BAD, MAYBE, Fallback, SchemaNode, UnsupportedSchema

__all__ = ["RowValidator", "UnsupportedSchema", "python_regex_to_re2", "error_field", "short_message",
           "document_row_validator"]


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
        self._root = SchemaNode("", schema, self.fallbacks, allow_fallback)
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
