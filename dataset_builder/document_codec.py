"""A shard's documents as bytes, for the work folder: what one phase hands to the next.

A list of `Document`s is stored by column: each field's values in one list, the nested records (origin, edits,
rejection) as tuples, the whole written with `marshal`. Pickling the objects one by one cost 15 us a document
(dump and load) on the bench corpus, most of it in the per-object machinery; this takes 8-9 us, and a build
hands about 510k documents from phase to phase on the 316k-document corpus. `marshal` knows the types JSON
inputs give (str, int, float, bool, None, list, dict); a field holding anything else (a Parquet input's dates or
decimals in `given` or `extra`) sends the whole shard through pickle instead. Format version 4 of marshal is
pinned, so every supported Python reads what another wrote (a resume after an upgrade).

The round trip is exact: the same types, values, field order and shared objects (`tests/test_document_codec.py`).
"""

from __future__ import annotations

import marshal
import pickle
from dataclasses import fields

from .document import Document, Edit, Origin, Rejection

FIELDS = tuple(f.name for f in fields(Document))
_MARSHAL, _PICKLE = b"M", b"P"
MARSHAL_VERSION = 4  # read by every Python from 3.4 on


def encode_documents(docs: list[Document]) -> bytes:
    states = [doc.__dict__ for doc in docs]
    if any(len(state) != len(FIELDS) for state in states):  # an attribute that is not a field: pickle keeps it
        return _PICKLE + pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)
    columns = [[state[name] for state in states] for name in FIELDS]
    columns[_ORIGIN] = [(o.file, o.line, o.row, o.encoding) for o in columns[_ORIGIN]]
    columns[_EDITS] = [[(e.operator, e.unit, e.count) for e in edits] if edits else None for edits in columns[_EDITS]]
    columns[_REJECTION] = [None if r is None else (r.stage, r.reason, r.details) for r in columns[_REJECTION]]
    try:
        return _MARSHAL + marshal.dumps((FIELDS, columns), MARSHAL_VERSION)
    except ValueError:  # a value marshal cannot write (a date, a Decimal, a str subclass)
        return _PICKLE + pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)


def decode_documents(data: bytes) -> list[Document]:
    kind, body = data[:1], memoryview(data)[1:]
    if kind == _PICKLE:
        return pickle.loads(body)
    if kind != _MARSHAL:
        raise ValueError(f"not a document list of this version (starts with {bytes(data[:1])!r})")
    names, columns = marshal.loads(body)
    if tuple(names) != FIELDS:
        raise ValueError("the documents were stored with other fields; rebuild without --resume")
    columns[_ORIGIN] = [Origin(*o) for o in columns[_ORIGIN]]
    columns[_EDITS] = [[Edit(*e) for e in edits] if edits else [] for edits in columns[_EDITS]]
    columns[_REJECTION] = [None if r is None else Rejection(*r) for r in columns[_REJECTION]]
    new = object.__new__
    docs = []
    for values in zip(*columns):
        doc = new(Document)
        doc.__dict__.update(zip(FIELDS, values))
        docs.append(doc)
    return docs


_ORIGIN, _EDITS, _REJECTION = (FIELDS.index(name) for name in ("origin", "edits", "rejection"))
