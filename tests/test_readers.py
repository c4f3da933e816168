from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder.errors import InputError
from dataset_builder.readers.jsonl import _lines, line_ranges, read_jsonl
from dataset_builder.readers.parquet import read_parquet
from dataset_builder.readers.txt import decode_text, read_txt

from .conftest import REPO, SEEDS


def test_txt_folder_with_sidecar_reads_every_seed_with_its_id_and_origin():
    docs = list(read_txt(REPO, "seeds", "seeds/metadata.jsonl", None))
    files = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert [d.origin.file for d in docs] == [f"seeds/{name}" for name in files]
    assert [d.id for d in docs] == [name.split("_", 1)[1][:-4] for name in files]
    for doc, name in zip(docs, files):
        assert doc.text == (SEEDS / name).read_text("utf-8")
        assert doc.origin.encoding == "utf-8"
        assert doc.given == {}  # the sidecar knows nothing but names and hashes: nothing is invented


def test_txt_without_sidecar_uses_the_file_path_as_id(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page-1.txt").write_text("正文。", encoding="utf-8")
    [doc] = read_txt(tmp_path, "in", None, None)
    assert doc.id == "page-1" and doc.origin.file == "in/page-1.txt"


def test_sidecar_hash_mismatch_names_line_and_field(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("正文。", encoding="utf-8")
    (tmp_path / "meta.jsonl").write_text(json.dumps({"file_name": "a.txt", "sha256": "0" * 64}) + "\n")
    with pytest.raises(InputError, match=r"meta.jsonl:1: field 'sha256' does not match the bytes of in/a.txt"):
        list(read_txt(tmp_path, "in", "meta.jsonl", None))


def test_sidecar_entry_for_a_missing_file_is_an_error(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "meta.jsonl").write_text('{"file_name": "ghost.txt"}\n')
    with pytest.raises(InputError, match=r"meta.jsonl:1: field 'file_name': 'ghost.txt' is not a file"):
        list(read_txt(tmp_path, "in", "meta.jsonl", None))


def test_sidecar_metadata_is_given_to_the_document(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("正文。", encoding="utf-8")
    (tmp_path / "meta.jsonl").write_text(json.dumps({"file_name": "a.txt", "title": "标题", "authors": ["张三"], "published_at": "2014-07-08"}, ensure_ascii=False) + "\n")
    [doc] = read_txt(tmp_path, "in", "meta.jsonl", None)
    assert doc.given == {"title": "标题", "authors": ["张三"], "published_at": "2014-07-08"}


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_legacy_chinese_encodings_are_detected(encoding):
    text = (SEEDS / "001_a467e75570bca03e.txt").read_text("utf-8")
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
    data = text.encode(encoding, errors="ignore")
    decoded, detected = decode_text(data)
    assert detected == encoding
    assert decoded == data.decode(encoding)


def test_undecodable_file_becomes_a_rejected_document(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.txt").write_bytes(bytes(range(128, 256)) * 4)
    [doc] = read_txt(tmp_path, "in", None, None)
    assert doc.rejection is not None and doc.rejection.reason == "undecodable"


def test_jsonl_records_keep_their_line(tmp_path):
    path = tmp_path / "in.jsonl"
    longest = "编" * 256  # the row schema's maxLength: accepted
    path.write_text('{"id": "a", "text": "甲"}\n\n{"id": 7, "text": "乙", "source": "某报"}\n'
                    f'{{"id": "{longest}", "text": "丙", "site": "x"}}\n', encoding="utf-8")
    docs = list(read_jsonl(tmp_path, "in.jsonl", None))
    assert [(d.id, d.origin.line, d.given, d.extra) for d in docs] == [
        ("a", 1, {}, {}), ("7", 3, {"source": "某报"}, {}), (longest, 4, {}, {"site": "x"})]


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", r"in.jsonl:2: not valid JSON"),
        ('["a"]', r"in.jsonl:2: expected a JSON object"),
        ('{"id": "b"}', r"in.jsonl:2: field 'text' is missing"),
        ('{"id": "b", "text": 3}', r"in.jsonl:2: field 'text' must be a string"),
        ('{"text": "乙"}', r"in.jsonl:2: field 'id' is missing"),
        ('{"id": "b", "text": "乙", "authors": "张三"}', r"in.jsonl:2: field 'authors' must be a list of strings"),
        ('{"id": "b", "text": "乙", "published_at": "yesterday"}', r"in.jsonl:2: field 'published_at' must be ISO 8601"),
        ('{"id": "", "text": "乙"}', r"in.jsonl:2: field 'id' must be non-empty and without white space"),
        ('{"id": "b c", "text": "乙"}', r"in.jsonl:2: field 'id' must be non-empty and without white space"),
        ('{"id": "b\\u3000", "text": "乙"}', r"in.jsonl:2: field 'id' must be non-empty and without white space"),
        ('{"id": "' + "编" * 257 + '", "text": "乙"}', r"in.jsonl:2: field 'id' is 257 characters long; ids have at most 256"),
    ],
)
def test_bad_jsonl_names_line_and_field(tmp_path, line, message):
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "甲"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(read_jsonl(tmp_path, "in.jsonl", None))


def test_parquet_rows_keep_their_row_number(tmp_path):
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["甲", "乙"], "title": [None, "题"]}), tmp_path / "in.parquet")
    docs = list(read_parquet(tmp_path, "in.parquet", None))
    assert [(d.id, d.origin.row, d.given) for d in docs] == [("a", 0, {}), ("b", 1, {"title": "题"})]


def test_parquet_errors_name_column_and_row(tmp_path):
    pq.write_table(pa.table({"id": ["a"], "body": ["甲"]}), tmp_path / "no_text.parquet")
    with pytest.raises(InputError, match=r"no_text.parquet: column 'text' is missing"):
        list(read_parquet(tmp_path, "no_text.parquet", None))
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["甲", None]}), tmp_path / "null.parquet")
    with pytest.raises(InputError, match=r"null.parquet row 1: field 'text' is missing"):
        list(read_parquet(tmp_path, "null.parquet", None))
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"junk.parquet: not a readable Parquet file"):
        list(read_parquet(tmp_path, "junk.parquet", None))


def _line_ranges_by_line(data: bytes, lines_per_shard: int) -> list[tuple[int, int, int, int]]:
    """The plain definition: every line `_lines` yields, one at a time; a range starts at every lines_per_shard-th."""
    starts, number, position = [], 0, 0
    for number, line in enumerate(_lines(iter([data])), start=1):
        if (number - 1) % lines_per_shard == 0:
            starts.append((number, position))
        position += len(line) + 1
    ends = [*starts[1:], (number + 1, position)]
    return [(first, stop, offset, end - offset) for (first, offset), (stop, end) in zip(starts, ends)]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\n")) | st.lists(
           st.sampled_from([b"\n", b"{}", b"x", b"\n\n", b"ab\n"]), max_size=30).map(b"".join),
       lines_per_shard=st.integers(1, 5), cuts=st.lists(st.integers(0, 60), max_size=6))
def test_line_ranges_over_any_blocks_are_the_line_by_line_ranges(data, lines_per_shard, cuts):
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    blocks = [data[a:b] for a, b in zip(points, points[1:]) if b > a]  # as a reader hands them out: none empty
    assert line_ranges(iter(blocks), lines_per_shard) == _line_ranges_by_line(data, lines_per_shard)
