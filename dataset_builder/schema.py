"""JSON Schemas shipped with the package, and the Arrow/`datasets` types derived from the row schema.

The row schema (`schema/document.schema.json`) is the single source of truth: the Hugging Face `Features` and
the Parquet schema of every shard are derived from it here, so the two can never drift apart.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa


# An installed wheel carries the repository's schema/ as dataset_builder/schemas (pyproject force-include);
# a source checkout or editable install reads schema/ beside the package.
_REPO_SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def schema_path(name: str) -> Path:
    bundled = Path(str(resources.files("dataset_builder").joinpath("schemas", f"{name}.schema.json")))
    return bundled if bundled.is_file() else _REPO_SCHEMA_DIR / f"{name}.schema.json"


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """Load the JSON Schema `schema/<name>.schema.json`."""
    return json.loads(schema_path(name).read_text("utf-8"))


def _non_null_types(node: dict[str, Any]) -> list[str]:
    kinds = node.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    return [k for k in kinds if k != "null"]


def _column_type(node: dict[str, Any], where: str, scalar: dict[str, Any], listed, fields):
    """The type of one row-schema node, built by `scalar[kind]`, `listed(item type)` and `fields([(name, type)])`:
    the one walk behind both the `datasets` features and the Arrow types."""
    kinds = _non_null_types(node)
    if len(kinds) != 1:
        raise ValueError(f"{where}: a column needs exactly one non-null type, got {node.get('type')!r}")
    kind = kinds[0]
    if kind in scalar:
        return scalar[kind]
    if kind == "array":
        return listed(_column_type(node["items"], f"{where}[]", scalar, listed, fields))
    if kind == "object":
        return fields([(name, _column_type(child, f"{where}.{name}", scalar, listed, fields))
                       for name, child in node["properties"].items()])
    raise ValueError(f"{where}: unsupported JSON Schema type {kind!r}")


_SCALAR_DTYPES = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


@lru_cache(maxsize=None)
def document_features():
    """The `datasets.Features` of a release row, derived from the row schema."""
    from datasets import Features, List, Value  # imported lazily: `datasets` is slow to import

    scalar = {kind: Value(dtype) for kind, dtype in _SCALAR_DTYPES.items()}
    schema = load_schema("document")
    return Features({name: _column_type(node, name, scalar, List, dict) for name, node in schema["properties"].items()})


@lru_cache(maxsize=None)
def document_arrow_schema() -> pa.Schema:
    """The one Arrow schema of every shard, with the `huggingface` features metadata so types round-trip."""
    return document_features().arrow_schema


@lru_cache(maxsize=None)
def document_arrow_types() -> pa.Schema:
    """`document_arrow_schema()` without its features metadata, derived from the row schema in pyarrow alone: the
    columns the build's workers write, with no import of `datasets` (a second and ~100 MB). The features'
    own Arrow types are these (tests/test_build.py); the metadata is added when the shards are written."""
    scalar = {kind: pa.type_for_alias(dtype) for kind, dtype in _SCALAR_DTYPES.items()}
    schema = load_schema("document")
    return pa.schema([(name, _column_type(node, name, scalar, pa.list_, pa.struct))
                      for name, node in schema["properties"].items()])


@lru_cache(maxsize=None)
def side_table_schema(side: str) -> pa.Schema:
    """The Arrow schema of rejected/ ("rejected") or duplicates/ ("duplicates") files: the id and origin of
    each document that is not in a split, and why (stage and reason, or the id it duplicates)."""
    origin = document_arrow_types().field("origin").type
    if side == "rejected":
        return pa.schema([("id", pa.string()), ("stage", pa.string()), ("reason", pa.string()),
                          ("details", pa.string()), ("origin", origin), ("text", pa.string())])
    if side == "duplicates":
        return pa.schema([("id", pa.string()), ("duplicate_of", pa.string()), ("kind", pa.string()),
                          ("similarity", pa.float64()), ("origin", origin), ("text_sha256", pa.string()),
                          ("text", pa.string())])
    raise ValueError(f"no side table {side!r}: rejected or duplicates")


def schema_error_key(error, empty: str = "(top level)", name_required: bool = True) -> str:
    """Where a jsonschema ValidationError is, as a key: `origin.line`, `edits[2].count`, `inputs[0].format`;
    for additionalProperties (and, unless `name_required` is false, required) the property named. `empty` when
    the error is at the top."""
    path = list(error.absolute_path)
    if error.validator == "required" and name_required:
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
    return out or empty
