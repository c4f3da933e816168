"""The work folder's document lists (document_codec) come back exactly as they were stored: the same types,
values, field order and shared objects."""

from __future__ import annotations

import datetime
import decimal
import pickle
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset_builder.config import load_config
from dataset_builder.document import Document
from dataset_builder.document_codec import decode_documents, encode_documents
from dataset_builder.pipeline import run_pipeline

from .conftest import distinct_text, write_config


def _same(a: list[Document], b: list[Document]) -> bool:
    """Pickle's bytes of a list say everything: each object's type, every field in order, and which objects are
    shared (pickle writes a second reference to one object as a back-reference)."""
    return pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL) == pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL)


@pytest.fixture(scope="module")
def seed_documents(tmp_path_factory) -> list[Document]:
    """The seed documents after every stage, with a copy of one seed (a duplicate), an English page (rejected)
    and nested JSON fields beside them."""
    import json
    import shutil

    from .conftest import REPO, SEEDS

    project = tmp_path_factory.mktemp("codec-seeds")
    shutil.copytree(SEEDS, project / "seeds")
    seed = next(iter(sorted((project / "seeds").glob("*.txt")))).read_text("utf-8")
    records = [{"id": "copy-of-a-seed", "text": seed, "tags": ["新闻", 1, 2.5, None, True], "meta": {"深": {"x": []}}},
               {"id": "english", "text": "An English page about nothing in particular, long enough to be read. " * 3}]
    (project / "more.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    config = (REPO / "dataset.toml").read_text("utf-8").replace(
        "[split]", '[[inputs]]\npath = "more.jsonl"\nformat = "jsonl"\n\n[split]', 1)
    (project / "dataset.toml").write_text(config, "utf-8")
    return run_pipeline(load_config(project / "dataset.toml")).documents


def test_the_seed_documents_after_every_stage_come_back_exactly_by_column(seed_documents):
    docs = seed_documents
    # every kind of document a phase hands on: kept with edits, metadata and scores, rejected, duplicates
    assert any(d.rejection for d in docs) and any(d.duplicate_of for d in docs) and any(d.edits for d in docs)
    assert any(d.quality and d.title and d.split for d in docs) and any(d.extra.get("tags") for d in docs)
    data = encode_documents(docs)
    assert data[:1] == b"C"  # by column
    back = decode_documents(data)
    assert _same(back, docs) and back == docs
    assert decode_documents(encode_documents([])) == []


def test_a_shared_object_stays_shared_and_a_copy_stays_a_copy(seed_documents):
    docs = [Document(id=d.id, text=d.text, origin=d.origin, raw_text=d.text, authors=d.authors) for d in seed_documents]
    docs[1].authors = docs[0].authors  # one list object in two documents, as a stage may hand over
    back = decode_documents(encode_documents(docs))
    assert back[1].authors is back[0].authors and back[2].authors is not back[0].authors
    assert back[0].raw_text is back[0].text
    assert _same(back, docs)


def test_dates_decimals_and_numpy_scalars_keep_their_types(tmp_path: Path):
    """A Parquet input's dates and decimals land in `extra`; a numpy scalar could come from a stage. Each comes
    back as itself (marshal, for one, would write the numpy float as bytes without an error)."""
    table = pa.table({
        "id": [f"d{k}" for k in range(4)],
        "text": [distinct_text(k) for k in range(4)],
        "seen_on": [datetime.date(2024, 1, k + 1) for k in range(4)],
        "price": pa.array([decimal.Decimal(f"{k}.50") for k in range(4)], pa.decimal128(6, 2)),
    })
    pq.write_table(table, tmp_path / "in.parquet")
    config = write_config(tmp_path, '[[inputs]]\npath = "in.parquet"\nformat = "parquet"\n')
    docs = run_pipeline(load_config(config)).documents
    assert isinstance(docs[0].extra["seen_on"], datetime.date)
    docs[1].quality["han_ratio"] = np.float64(0.25)
    data = encode_documents(docs)
    assert data[:1] == b"C"
    back = decode_documents(data)
    assert _same(back, docs) and isinstance(back[0].extra["price"], decimal.Decimal)
    assert type(back[1].quality["han_ratio"]) is np.float64 and back[1].quality["han_ratio"] == 0.25


def test_a_document_holds_its_fields_alone_so_the_columns_drop_nothing(seed_documents):
    doc = Document(id="a", text="正文", origin=seed_documents[0].origin)
    with pytest.raises(AttributeError):
        doc.scratch_note = "set by a stage"  # not a field: the columns would drop it, so it cannot be set at all
    assert not hasattr(doc, "__dict__")


def test_bytes_of_another_format_are_refused():
    with pytest.raises(ValueError, match="not a document list"):
        decode_documents(b"\x80\x05 an old pickle")
