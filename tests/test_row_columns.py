"""The release rows built a column at a time are the rows `Document.to_row()` gives, value for value, on real
documents: the seeds and a sample of the bench corpus after the whole pipeline (so with edits, quality signals,
given metadata, extra fields and near-duplicate clusters)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from dataset_builder.config import load_config
from dataset_builder.document import Document, Origin
from dataset_builder.pipeline import run_pipeline
from dataset_builder.release.row_columns import document_table, side_table
from dataset_builder.release.sinks import run_schemas, sink_schema

from .test_engine import make_bench_project


def _by_rows(docs: list[Document], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist([d.to_row() for d in docs], schema=schema)


def _kept(config_path) -> list[Document]:
    result = run_pipeline(load_config(config_path))
    return [d for split in result.kept.values() for d in split]


@pytest.mark.parametrize("project", ["seeds", "bench"])
def test_columns_equal_to_row_on_real_documents(project, seed_project, tmp_path):
    config = seed_project / "dataset.toml" if project == "seeds" else make_bench_project(tmp_path / "bench")
    docs = _kept(config)
    assert len(docs) >= 5 and any(d.edits for d in docs)
    schema = sink_schema("train")
    by_columns = document_table(docs, schema)
    assert by_columns.schema == schema  # metadata included
    assert by_columns.equals(_by_rows(docs, schema))
    assert by_columns.to_pylist() == [d.to_row() for d in docs]


def test_columns_of_unusual_documents_equal_to_row():
    """Nulls, empty and several edits, Parquet origins, extra fields with nulls: the corners real data may lack."""
    plain = Document("a", "正文", Origin("in.jsonl", line=3))
    rich = Document("b", "第二篇", Origin("in.parquet", row=7, encoding="gb18030"), title="题", authors=["甲", "乙"],
                    keywords=["k"], flags=["f"], quality={"han_ratio": 1}, cluster_id="a", cluster_size=2,
                    license="cc0", extra={"x": None, "y": [1, {"z": "字"}]})
    rich.record_edit("op", "lines", 2)
    rich.record_edit("other", "chars", 5)
    empty = Document("c", "", Origin("t.txt"), extra={"only": None})
    docs = [plain, rich, empty]
    schema = sink_schema("train")
    assert document_table(docs, schema).to_pylist() == [d.to_row() for d in docs]
    assert document_table([], schema).equals(_by_rows([], schema))


def _side_row(doc: Document) -> dict:
    """What a side table says of one document, read off the document field by field."""
    origin = doc.origin.to_dict()
    if doc.rejection is not None:
        r = doc.rejection
        return {"id": doc.id, "stage": r.stage, "reason": r.reason, "details": r.details, "origin": origin,
                "text": doc.raw_text}
    return {"id": doc.id, "duplicate_of": doc.duplicate_of, "kind": doc.duplicate_kind,
            "similarity": doc.duplicate_similarity, "origin": origin, "text_sha256": doc.text_sha256,
            "text": doc.text}


def test_side_tables_by_column_equal_their_rows_on_real_documents(tmp_path):
    """The rejected documents of a bench sample (several reasons) and its duplicates."""
    result = run_pipeline(load_config(make_bench_project(tmp_path / "bench")))
    for side, docs in (("rejected", result.rejected), ("duplicates", result.duplicates)):
        assert docs and (side == "duplicates" or len({d.rejection.reason for d in docs}) >= 2), side
        schema = run_schemas()[side]
        table = side_table(docs, side, schema)
        assert table.schema == schema
        assert table.to_pylist() == [_side_row(d) for d in docs]
