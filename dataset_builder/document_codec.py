"""A shard's documents as bytes, for the work folder: what one phase hands to the next.

A list of `Document`s is pickled by column: each field's values in one sequence, the nested records (origin, edits,
rejection) as tuples. Pickling the objects one by one cost 10-12 us a document (dump and load) on the bench
corpus, most of it in pickle's per-object machinery (a class reference and a dict of 25 fields per document);
by column it is 7.5-9 us, and a build hands about 510k documents from phase to phase on the 316k-document corpus.
A document's fields are read in one call (`attrgetter` of all of them) and the columns made by transposing those
tuples (`zip`). `Document` has slots: no attribute outside the fields can be set, so none is dropped, and there
is no attribute dict to read. (Reading each document's `__dict__` made Python build one, 27 entries, for every
document of every phase. In six alternated pairs of whole builds of the bench corpus, `bench/breakdown.py`,
encoding took 2.18-3.29 CPU-s that way and 1.83-2.51 this way, less in every pair.)
Pickle, not `marshal` (as fast here): marshal writes any object with a buffer, a numpy scalar among them, as
plain bytes without a word, where pickle keeps every type.

The round trip is exact: the same types, values, field order and shared objects (`tests/test_document_codec.py`).
"""

from __future__ import annotations

import pickle
from dataclasses import fields
from operator import attrgetter

from .document import Document, Edit, Origin, Rejection

FIELDS = tuple(f.name for f in fields(Document))
_COLUMNS = b"C"
_FIELD_VALUES = attrgetter(*FIELDS)  # a document's fields, in order, as one tuple


def encode_documents(docs: list[Document]) -> bytes:
    columns = list(zip(*map(_FIELD_VALUES, docs))) if docs else [() for _ in FIELDS]
    columns[_ORIGIN] = [(o.file, o.line, o.row, o.encoding) for o in columns[_ORIGIN]]
    columns[_EDITS] = [[(e.operator, e.unit, e.count) for e in edits] if edits else None for edits in columns[_EDITS]]
    columns[_REJECTION] = [None if r is None else (r.stage, r.reason, r.details) for r in columns[_REJECTION]]
    return _COLUMNS + pickle.dumps((FIELDS, columns), protocol=pickle.HIGHEST_PROTOCOL)


def decode_documents(data: bytes) -> list[Document]:
    kind, body = data[:1], memoryview(data)[1:]
    if kind != _COLUMNS:
        raise ValueError(f"not a document list of this version (starts with {bytes(data[:1])!r})")
    names, columns = pickle.loads(body)
    if tuple(names) != FIELDS:
        raise ValueError("the documents were stored with other fields; rebuild without --resume")
    columns[_ORIGIN] = [Origin(*o) for o in columns[_ORIGIN]]
    columns[_EDITS] = [[Edit(*e) for e in edits] if edits else [] for edits in columns[_EDITS]]
    columns[_REJECTION] = [None if r is None else Rejection(*r) for r in columns[_REJECTION]]
    # Every field given, in order, to the dataclass's own __init__ (no __post_init__): 0.33 us a document on the
    # bench corpus, against 1.0 us for an empty object whose attribute dict is then filled.
    return [Document(*values) for values in zip(*columns)]


_ORIGIN, _EDITS, _REJECTION = (FIELDS.index(name) for name in ("origin", "edits", "rejection"))
