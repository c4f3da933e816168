"""Issue 17, input metadata: [inputs.fields] maps input fields to row fields (JSONL, .jsonl.zst, Parquet); the
input's metadata text is converted with the text; impossible dates are input errors and validate problems;
unknown fields are named once per input file and kept in `extra`; a per-document licence is kept.

Inputs are real files written here; builds run through the CLI (exit code, message) and through the library."""

from __future__ import annotations

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import tomllib
import zstandard

from dataset_builder.build import build_release
from dataset_builder.errors import InputError
from dataset_builder.init_project import dataset_toml
from dataset_builder.metadata.dates import read_date_line
from dataset_builder.metadata import Found
from dataset_builder.readers.jsonl import read_jsonl
from dataset_builder.readers.parquet import read_parquet
from dataset_builder.release.reader import Release
from dataset_builder.validate import validate_path

from .hostile_helpers import article, playground
from .validate_helpers import rewrite_table, set_value

MAPPING = '[inputs.fields]\ndoc_id = "id"\nbody = "text"\nheadline = "title"\n'
# Traditional page text and metadata (the headline, the source, an author, keywords) and their Simplified forms
HANT_BODY = ("國務院總理今天在人民大會堂會見了來訪的代表團，雙方就經濟合作、文化交流等議題深入交換了意見。"
             "會見後，雙方簽署了多項合作文件，涵蓋貿易、投資與教育等領域。")
HANT_META = {"headline": "總理會見代表團", "source": "新華網", "authors": ["張曉東"], "keywords": ["經濟", "貿易"]}
HANS_META = {"title": "总理会见代表团", "source": "新华网", "authors": ["张晓东"], "keywords": ["经济", "贸易"]}


@pytest.fixture
def ground(tmp_path):
    return playground(tmp_path)


def _records(n: int = 3, **extra) -> list[dict]:
    return [{"doc_id": f"doc-{k}", "body": article(k), "headline": f"第{k}号通知", **extra} for k in range(n)]


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _write_input(ground, fmt: str, records: list[dict]) -> tuple[str, str]:
    """(path, format) of the records written as .jsonl, .jsonl.zst or .parquet."""
    if fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(records), ground.project / "in.parquet")
        return "in.parquet", "parquet"
    data = _jsonl(records).encode("utf-8")
    if fmt == "zst":
        ground.write("in.jsonl.zst", zstandard.ZstdCompressor().compress(data))
        return "in.jsonl.zst", "jsonl"
    ground.write("in.jsonl", data)
    return "in.jsonl", "jsonl"


def _config(ground, path: str, fmt: str, fields: str = MAPPING, extra: str = "") -> None:
    ground.config(f'[[inputs]]\npath = "{path}"\nformat = "{fmt}"\n{fields}', extra=extra)


def _rows(release) -> dict[str, dict]:
    reader = Release(release)
    return {row["id"]: row for split in ("train", "validation", "test")
            for row in reader.rows(reader.split_files(split), None) if split}


# --- [inputs.fields] -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "zst", "parquet"])
def test_a_field_mapping_fills_id_text_and_title_in_every_record_format(ground, fmt):
    path, kind = _write_input(ground, fmt, _records())
    _config(ground, path, kind)
    run = ground.build()
    assert run.code == 0, run.output
    rows = _rows(ground.release)
    assert sorted(rows) == ["doc-0", "doc-1", "doc-2"]
    for k in range(3):
        row = rows[f"doc-{k}"]
        assert row["title"] == f"第{k}号通知" and row["text"] == article(k) and row["extra"] is None
        assert row["origin"]["file"] == path


def test_a_mapped_field_wins_and_the_field_it_displaces_is_kept_in_extra(ground):
    # the export has its own `title` (a site banner) and the real headline in `headline`
    ground.write("in.jsonl", _jsonl(_records(2, title="某某网站首页")))
    _config(ground, "in.jsonl", "jsonl")
    assert ground.build().code == 0
    row = _rows(ground.release)["doc-0"]
    assert row["title"] == "第0号通知"
    assert json.loads(row["extra"]) == {"title": "某某网站首页"}


def test_errors_in_a_mapped_field_name_the_input_field_and_its_row_field(ground):
    records = _records()
    records[1]["headline"] = 7
    ground.write("in.jsonl", _jsonl(records))
    _config(ground, "in.jsonl", "jsonl")
    ground.fails_cleanly(ground.build(), "in.jsonl:2: field 'headline' (mapped to title) must be a string")
    del records[1]["headline"], records[2]["body"]
    ground.write("in.jsonl", _jsonl(records))
    ground.fails_cleanly(ground.build(), "in.jsonl:3: field 'body' (mapped to text) is missing")
    assert not ground.release.exists()


def test_a_parquet_file_without_a_mapped_column_is_an_error_naming_it(ground):
    records = [{k: v for k, v in r.items() if k != "headline"} for r in _records()]
    _write_input(ground, "parquet", records)
    _config(ground, "in.parquet", "parquet")
    ground.fails_cleanly(ground.build(), "in.parquet: column 'headline', which [inputs.fields] maps to title, "
                                         "is not in the file")
    _config(ground, "in.parquet", "parquet", fields='[inputs.fields]\nbody = "text"\n')  # id still from `id`
    ground.fails_cleanly(ground.build(), "in.parquet: column 'id' is missing")


@pytest.mark.parametrize("fields, message", [
    ('[inputs.fields]\nbody = "text"\nheadline = "text"\n', "'body' and 'headline' both fill 'text'"),
    ('[inputs.fields]\nbody = "texts"\n', "inputs[0].fields.body: 'texts' is not one of"),
])
def test_a_bad_mapping_is_a_config_error_naming_the_key(ground, fields, message):
    ground.write("in.jsonl", _jsonl(_records()))
    _config(ground, "in.jsonl", "jsonl", fields=fields)
    ground.fails_cleanly(ground.build(), "dataset.toml", message)


def test_a_text_input_takes_no_mapping(ground):
    ground.write("in/a.txt", article(1))
    _config(ground, "in", "txt", fields='[inputs.fields]\nbody = "text"\n')
    ground.fails_cleanly(ground.build(), "inputs[0].fields: a txt input has no fields to map")


def test_the_readers_apply_the_mapping_from_the_library(tmp_path):
    records = _records(2, category="政治")
    (tmp_path / "in.jsonl").write_text(_jsonl(records), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "in.parquet")
    fields = {"doc_id": "id", "body": "text", "headline": "title"}
    for docs in (list(read_jsonl(tmp_path, "in.jsonl", None, fields=fields)),
                 list(read_parquet(tmp_path, "in.parquet", None, fields=fields))):
        assert [d.id for d in docs] == ["doc-0", "doc-1"]
        assert docs[1].given == {"title": "第1号通知"} and docs[1].extra == {"category": "政治"}
    with pytest.raises(InputError, match=r"in.jsonl:1: field 'text' is missing"):
        list(read_jsonl(tmp_path, "in.jsonl", None))  # without the mapping there is no text


def test_the_init_template_documents_the_mapping_and_its_example_is_accepted(ground):
    template = dataset_toml("demo")
    assert "[inputs.fields]" in template and "convert_metadata" in template
    # uncomment the template's JSON Lines example, mapping included: the config it gives builds
    lines = template.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# [[inputs]]"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("# "))
    example = "\n".join(line[2:].split("  #")[0] for line in lines[start:end])
    table = tomllib.loads(example)["inputs"][0]
    assert table["fields"] == {"doc_id": "id", "body": "text", "headline": "title"}
    ground.write(table["path"], _jsonl(_records()))
    ground.config(example)
    assert ground.build().code == 0


# --- metadata in the script of the text -----------------------------------------------------------------------

def _hant_record(**change) -> dict:
    return {"doc_id": "hant-1", "body": HANT_BODY, **HANT_META, **change}


@pytest.mark.parametrize("clean, title, source", [
    ("", HANS_META["title"], HANS_META["source"]),
    ("[clean]\nconvert_metadata = false\n", HANT_META["headline"], HANT_META["source"]),
])
def test_given_metadata_is_converted_with_the_text_unless_configured_off(ground, clean, title, source):
    ground.write("in.jsonl", _jsonl([_hant_record()]))
    ground.config(f'[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n{MAPPING}\n{clean}')
    assert ground.build().code == 0
    row = _rows(ground.release)["hant-1"]
    assert row["script"] == "Hant"  # the original's script, though the text is now Simplified
    assert "国务院总理" in row["text"] and "國" not in row["text"]
    assert (row["title"], row["source"]) == (title, source)
    if not clean:
        assert (row["authors"], row["keywords"]) == (HANS_META["authors"], HANS_META["keywords"])


def test_a_traditional_title_on_simplified_text_is_converted_and_nothing_is_when_conversion_is_off(ground):
    ground.write("in.jsonl", _jsonl([{"doc_id": "hans-1", "body": article(1), "headline": "總理會見代表團"}]))
    _config(ground, "in.jsonl", "jsonl")
    assert ground.build().code == 0
    row = _rows(ground.release)["hans-1"]
    assert (row["script"], row["title"]) == ("Hans", "总理会见代表团")
    shutil.rmtree(ground.project / "dist")
    ground.write("in.jsonl", _jsonl([_hant_record()]))
    ground.config(f'[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n{MAPPING}\n[clean]\nto_simplified = false\n')
    assert ground.build().code == 0
    row = _rows(ground.release)["hant-1"]
    assert row["title"] == HANT_META["headline"] and "國務院" in row["text"]


# --- impossible dates -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, where", [("jsonl", "in.jsonl:2"), ("parquet", "in.parquet row 1")])
def test_an_impossible_date_is_an_input_error_naming_file_line_and_field(ground, fmt, where):
    records = _records(published_at="2020-07-08")
    records[1]["published_at"] = "2020-13-45"
    path, kind = _write_input(ground, fmt, records)
    _config(ground, path, kind)
    before = ground.state()
    ground.fails_cleanly(ground.build(), f"{where}: field 'published_at': '2020-13-45' has month 13")
    assert ground.state() == before  # no release, nothing written


@pytest.mark.parametrize("value, why", [("2019-02-29", "has day 29; 2019-02 has 28 days"),
                                        ("2014-07-08T24:00", "has hour 24"), ("0000", "has year 0000")])
def test_impossible_dates_in_a_sidecar_are_refused_too(ground, value, why):
    ground.write("in/a.txt", article(1))
    ground.write("meta.jsonl", json.dumps({"file_name": "a.txt", "published_at": value}) + "\n")
    ground.config('[[inputs]]\npath = "in"\nformat = "txt"\nmetadata = "meta.jsonl"\n')
    ground.fails_cleanly(ground.build(), f"meta.jsonl:1: field 'published_at': '{value}' {why}")


def test_possible_dates_at_every_precision_are_kept(ground):
    dates = ["2014", "2014-07", "2020-02-29", "2014-07-08T20:51", "2014-07-08T20:51:54+08:00"]
    ground.write("in.jsonl", _jsonl([{**r, "published_at": d} for r, d in zip(_records(5), dates)]))
    _config(ground, "in.jsonl", "jsonl")
    assert ground.build().code == 0
    assert sorted(r["published_at"] for r in _rows(ground.release).values()) == sorted(dates)


def test_a_page_date_the_calendar_lacks_is_not_extracted():
    found = Found()
    assert not read_date_line("发布时间：2014年2月30日", found) and found.published is None
    assert read_date_line("发布时间：2016年2月29日", found) and found.published == "2016-02-29"


def test_validate_rejects_an_impossible_date_in_a_release_row(seed_release, tmp_path):
    release = tmp_path / "dist" / seed_release.parent.name / seed_release.name
    shutil.copytree(seed_release, release)
    shard = "data/train-00000-of-00001.parquet"
    rewrite_table(release, shard, lambda t: set_value(t, "published_at", 0, "2021-02-30"))
    report = validate_path(release)
    hits = [p for p in report.problems if p.file.endswith(shard) and p.field == "published_at" and p.row == 0]
    assert hits and "'2021-02-30' has day 30; 2021-02 has 28 days" in hits[0].text()
    rewrite_table(release, shard, lambda t: set_value(t, "published_at", 0, None))
    rewrite_table(release, shard, lambda t: set_value(t, "extra", 1, "[1, 2]"))
    report = validate_path(release)
    assert [(p.row, p.message) for p in report.problems if p.field in ("extra", "published_at")] == [
        (1, "extra must be a non-empty JSON object (null when the input has no other field)")]


# --- unknown fields and extra -----------------------------------------------------------------------------------

def test_unknown_fields_are_named_once_per_input_file_and_kept_in_extra(ground):
    ground.write("in/a.jsonl", _jsonl(_records(4, category="政治", crawl={"at": "2020-01-01", "depth": 2})))
    ground.write("in/b.jsonl", _jsonl([{**r, "doc_id": r["doc_id"] + "b", "body": article(100 + k), "score": None}
                                       for k, r in enumerate(_records(3))]))
    ground.config(f'[[inputs]]\npath = "in"\nformat = "jsonl"\n{MAPPING}')
    run = ground.build()
    assert run.code == 0, run.output
    warnings = [line for line in run.output.splitlines() if line.startswith("warning:") and "row schema" in line]
    assert warnings == [
        "warning: in/a.jsonl: input fields not in the row schema, kept in the extra column (JSON): 'category' "
        "(4 documents), 'crawl' (4 documents); [inputs.fields] in the config maps an input field to a row field",
        "warning: in/b.jsonl: input field not in the row schema, kept in the extra column (JSON): 'score' (always "
        "null: left out); [inputs.fields] in the config maps an input field to a row field",
    ]
    rows = _rows(ground.release)
    assert rows["doc-1"]["extra"] == '{"category":"政治","crawl":{"at":"2020-01-01","depth":2}}'
    assert rows["doc-1b"]["extra"] is None
    assert validate_path(ground.release).ok


def test_the_library_build_returns_the_same_warnings_and_parquet_values_become_json(ground):
    records = [{**r, "when": pa.scalar(1_600_000_000_000, pa.timestamp("ms")).as_py(), "raw": b"\x00\xff"}
               for r in _records(2)]
    _write_input(ground, "parquet", records)
    _config(ground, "in.parquet", "parquet")
    result = build_release(ground.project / "dataset.toml")
    assert [w for w in result.warnings if "row schema" in w] == [
        "in.parquet: input fields not in the row schema, kept in the extra column (JSON): 'raw' (2 documents), "
        "'when' (2 documents); [inputs.fields] in the config maps an input field to a row field"]
    assert json.loads(_rows(result.release_dir)["doc-0"]["extra"]) == {"raw": "AP8=", "when": "2020-09-13T12:26:40"}


# --- per-document licence ---------------------------------------------------------------------------------------

def test_a_per_document_licence_is_kept_and_the_card_says_licences_vary(ground):
    records = _records(4)
    for record, licence in zip(records, ["cc-by-4.0", "cc-by-4.0", "cc0-1.0", None]):
        record["license"] = licence
    ground.write("in.jsonl", _jsonl(records))
    _config(ground, "in.jsonl", "jsonl")
    assert ground.build().code == 0
    rows = _rows(ground.release)
    assert [rows[f"doc-{k}"]["license"] for k in range(4)] == ["cc-by-4.0", "cc-by-4.0", "cc0-1.0", None]
    card = (ground.release / "README.md").read_text("utf-8")
    assert "- **License:** `cc-by-4.0`:" in card and "licences vary by document: see the `license` column" in card
    datasheet = (ground.release / "DATASHEET.md").read_text("utf-8")
    assert "Licences vary by document: 3 of 4 kept documents state their own in the `license` column" in datasheet
    assert "| `cc0-1.0` | 1 |" in datasheet


def test_without_per_document_licences_the_card_does_not_say_they_vary(ground):
    ground.write("in.jsonl", _jsonl(_records()))
    _config(ground, "in.jsonl", "jsonl")
    assert ground.build().code == 0
    assert all(row["license"] is None for row in _rows(ground.release).values())
    assert "vary" not in (ground.release / "README.md").read_text("utf-8")


def test_clean_names_unknown_fields_once_per_file_too(ground):
    ground.write("in.jsonl", _jsonl([{"id": f"d{k}", "text": article(k), "category": "政治"} for k in range(3)]))
    run = ground.cli("clean", str(ground.project / "in.jsonl"), "-o", str(ground.project / "out.jsonl"))
    assert run.code == 0, run.output
    assert run.output.count("warning:") == 1 and "in.jsonl: input field not in the row schema" in run.output
    rows = [json.loads(line) for line in (ground.project / "out.jsonl").read_text("utf-8").splitlines()]
    assert [row["extra"] for row in rows] == ['{"category":"政治"}'] * 3
