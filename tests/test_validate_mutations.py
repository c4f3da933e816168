"""Mutation suite: corrupt a copy of the seed release in many distinct ways and check that `validate` names each
problem (the file, and the field or row), and that the unmodified release validates clean.

Where a builder bug would also write a consistent manifest (a wrong value in a row, a wrong card number), the
mutation rewrites manifest.json after the change, so the test shows the specific check finds it and not merely
the hash mismatch. Byte-level corruption (a changed byte, a truncated or missing shard) leaves the manifest
as it was."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset_builder.validate import validate_path
from dataset_builder.validate.report import Problem, Report

from .conftest import REPO, SEED_VERSION
from .validate_helpers import (
    build_mixed_release, edit_manifest, edit_text, refresh_manifest, rewrite_table, set_value, shard_name,
)


@pytest.fixture
def release(seed_release, tmp_path) -> Path:
    root = tmp_path / "dist" / seed_release.parent.name / seed_release.name
    shutil.copytree(seed_release, root)
    return root


def find(report: Report, file: str, *, field: str | None = None, row: int | None = None,
         message: str | None = None) -> list[Problem]:
    """Problems in `file` (a path inside the release) with that field/row/message fragment."""
    out = []
    for p in report.problems:
        if p.file != file and not p.file.endswith("/" + file):
            continue
        if field is not None and p.field != field:
            continue
        if row is not None and p.row != row:
            continue
        if message is not None and not re.search(message, p.message, re.I):
            continue
        out.append(p)
    return out


def check(root: Path, file: str, strict: bool = False, **where) -> Report:
    report = validate_path(root, strict=strict)
    assert not report.ok
    hits = find(report, file, **where)
    assert hits, f"no problem in {file} with {where}; got:\n" + "\n".join(p.text() for p in report.problems)
    # the printed line names the file, and the row/field when they are known
    line = hits[0].text()
    assert file in line
    if where.get("row") is not None:
        assert f"row {where['row']}" in line
    if where.get("field"):
        assert where["field"] in line
    return report


TRAIN, VALIDATION, TEST = shard_name("train"), shard_name("validation"), shard_name("test")


# --- the clean release -------------------------------------------------------------------------------------------

def test_unmodified_release_validates_clean(release):
    report = validate_path(release)
    assert report.ok, "\n".join(p.text() for p in report.problems)
    assert report.stats["rows_checked"] == 5
    assert report.stats["splits"] == {"test": 1, "train": 2, "validation": 2}


def test_committed_release_validates_clean():
    release = REPO / "dist" / "zh-web-seeds" / SEED_VERSION
    if not release.is_dir():
        pytest.skip("no committed seed release")
    report = validate_path(release)
    assert report.ok, "\n".join(p.text() for p in report.problems)


def test_seed_release_is_clean_under_strict_too(release):
    report = validate_path(release, strict=True, check_load=False)
    assert report.ok, "\n".join(p.text() for p in report.problems)


# --- rows --------------------------------------------------------------------------------------------------------

def test_wrong_type_column(release):
    rewrite_table(release, TRAIN, lambda t: t.set_column(
        10, "num_chars", pa.array([str(x) for x in t["num_chars"].to_pylist()])))
    report = check(release, TRAIN, field="num_chars", message="column type is string, expected int64")
    assert find(report, TRAIN, field="num_chars", row=0, message="is not of type 'integer'")


def test_null_in_required_field(release):
    rewrite_table(release, TRAIN, lambda t: set_value(t, "text", 1, None))
    check(release, TRAIN, row=1, field="text", message="None is not of type 'string'")


def test_value_breaks_pattern_unicode_space_in_id(release):
    rewrite_table(release, VALIDATION, lambda t: set_value(t, "id", 1, "seed\u3000x"))
    check(release, VALIDATION, row=1, field="id", message="does not match")


def test_nested_value_out_of_range(release):
    def change(t):
        q = t["quality"].to_pylist()
        q[1]["han_ratio"] = 1.5
        return t.set_column(14, t.schema.field(14), pa.array(q, t.schema.field(14).type))

    rewrite_table(release, TRAIN, change)
    check(release, TRAIN, row=1, field="quality.han_ratio", message="greater than the maximum")


def test_enum_violation_in_list_of_structs(release):
    def change(t):
        e = t["edits"].to_pylist()
        e[1] = [{"operator": "x", "unit": "words", "count": 1}]
        return t.set_column(13, t.schema.field(13), pa.array(e, t.schema.field(13).type))

    rewrite_table(release, TRAIN, change)
    check(release, TRAIN, row=1, field="edits[0].unit", message="is not one of")


def test_extra_column(release):
    rewrite_table(release, TRAIN, lambda t: t.append_column("bonus", pa.array(range(t.num_rows))))
    report = check(release, TRAIN, field="bonus", message="unexpected column")
    assert find(report, TRAIN, field="bonus", row=0, message="Additional properties")


def test_missing_column(release):
    rewrite_table(release, VALIDATION, lambda t: t.drop_columns(["script"]))
    report = check(release, VALIDATION, field="script", message="column missing")
    assert find(report, VALIDATION, field="script", row=0, message="required property")


def test_num_chars_disagrees_with_text(release):
    rewrite_table(release, TRAIN, lambda t: set_value(t, "num_chars", 1, t["num_chars"][1].as_py() + 1))
    check(release, TRAIN, row=1, field="num_chars", message="code points")


def test_text_sha256_disagrees_with_text(release):
    rewrite_table(release, TEST, lambda t: set_value(t, "text_sha256", 0, "0" * 64))
    check(release, TEST, row=0, field="text_sha256", message="SHA-256")


def test_same_id_in_two_splits(release):
    train_id = pq.read_table(release / TRAIN)["id"][1].as_py()
    rewrite_table(release, TEST, lambda t: set_value(t, "id", 0, train_id))
    report = check(release, TEST, row=0, field="id", message="not unique")
    assert "data/train-00000-of-00001.parquet row 1" in find(report, TEST, field="id")[0].message


def test_schema_drift_between_shards(release):
    rewrite_table(release, VALIDATION, lambda t: t.set_column(1, "text", t["text"].cast(pa.large_string())))
    check(release, VALIDATION, field="text", message="do not share one Arrow schema")


def test_many_bad_rows_are_capped_not_lost(release):
    rewrite_table(release, TRAIN, lambda t: t.set_column(8, "language", pa.array(["ZH"] * t.num_rows)))
    report = validate_path(release, check_load=False)
    from dataset_builder.validate.release import check_release

    capped = Report(path=str(release))
    check_release(release, capped, check_load=False, max_per_kind=1)
    assert len(find(capped, TRAIN, field="language")) == 1
    assert sum(capped.suppressed.values()) == 1
    assert len(find(report, TRAIN, field="language")) == 2


# --- files and shards --------------------------------------------------------------------------------------------

def test_missing_shard(release):
    (release / TEST).unlink()
    check(release, TEST, message="missing")


def test_truncated_shard(release):
    data = (release / TRAIN).read_bytes()
    (release / TRAIN).write_bytes(data[: len(data) // 2])
    check(release, TRAIN, message="not a readable Parquet file")
    check(release, TRAIN, field="bytes", message="manifest.json says")


def test_one_changed_byte(release):
    path = release / "DATASHEET.md"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    check(release, "DATASHEET.md", field="sha256", message="manifest.json says")


def test_one_changed_byte_in_a_shard(release):
    path = release / TRAIN
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF
    path.write_bytes(bytes(data))
    check(release, TRAIN, field="sha256", message="manifest.json says")


def test_bad_shard_name(release):
    (release / TRAIN).rename(release / "data/train.parquet")
    check(release, "data/train.parquet", message="not a shard name")


def test_bad_split_name(release):
    (release / TEST).rename(release / "data/test-v2!-00000-of-00001.parquet")
    check(release, "data/test-v2!-00000-of-00001.parquet", field="split", message="split name")


def test_shard_count_gap(release):
    (release / TRAIN).rename(release / "data/train-00000-of-00002.parquet")
    check(release, "data/train-00001-of-00002.parquet", message="1 missing")


def test_file_not_in_manifest(release):
    (release / "plots").mkdir(exist_ok=True)
    (release / "plots/unlisted.png").write_bytes(b"\x89PNG fake")
    check(release, "plots/unlisted.png", message="not in manifest.json")


# --- manifest ----------------------------------------------------------------------------------------------------

def test_manifest_counts_do_not_add_up(release):
    edit_manifest(release, lambda m: m["counts"].__setitem__("read", m["counts"]["read"] + 1))
    check(release, "manifest.json", field="counts.read", message=r"!= rejected")


def test_manifest_split_count_differs_from_shards(release):
    def change(m):
        m["counts"]["splits"]["train"] -= 1
        m["counts"]["splits"]["validation"] += 1

    edit_manifest(release, change)
    check(release, "manifest.json", field="counts.splits.train", message="counts say 1 rows, its shards hold 2")


def test_manifest_wrong_rows_for_shard(release):
    def change(m):
        next(f for f in m["files"] if f["path"] == TRAIN)["rows"] = 7

    edit_manifest(release, change)
    check(release, TRAIN, field="rows", message="has 2 rows; manifest.json says 7")


def test_manifest_breaks_its_schema(release):
    edit_manifest(release, lambda m: m["files"][0].__setitem__("sha256", "ABC"))
    check(release, "manifest.json", field="files[0].sha256", message="does not match")


def test_manifest_rejected_by_reason_disagrees_with_rejected(release):
    # the counts add up, but rejected/ holds no such document
    def change(m):
        m["counts"]["rejected_by_reason"].append({"stage": "quality_filter", "reason": "min_chars", "count": 1})
        m["counts"]["rejected"] += 1
        m["counts"]["read"] += 1
        m["inputs"][0]["documents"] += 1

    edit_manifest(release, change)
    check(release, "manifest.json", field="counts.rejected", message="rejected/ holds 0 rows")
    check(release, "manifest.json", field="counts.rejected_by_reason", message="'min_chars': manifest says 1")


def test_missing_manifest(release):
    (release / "manifest.json").unlink()
    check(release, "manifest.json", message="missing")


def test_dangling_duplicate_of(release):
    rel = "duplicates/duplicates-00000-of-00001.parquet"
    text = "重复的文本"
    row = {"id": "dup-1", "duplicate_of": "no-such-id", "text": text,
           "origin": {"file": "seeds/x.txt", "line": None, "row": None, "encoding": "utf-8"},
           "text_sha256": hashlib.sha256(text.encode()).hexdigest()}
    rewrite_table(release, rel, lambda t: pa.concat_tables([t, pa.Table.from_pylist([row], schema=t.schema)]))

    def counts(m):
        m["counts"]["duplicates"] += 1
        m["counts"]["read"] += 1
        m["inputs"][0]["documents"] += 1

    refresh_manifest(release, counts)
    report = check(release, rel, row=0, field="duplicate_of", message="'no-such-id' is not the id of a kept row")
    assert [p for p in report.problems if "duplicate_of" in (p.field or "")] == find(report, rel, field="duplicate_of")


# --- card --------------------------------------------------------------------------------------------------------

def test_wrong_num_examples_in_card(release):
    edit_text(release / "README.md", "num_examples: 2", "num_examples: 3")
    refresh_manifest(release)
    report = check(release, "README.md", field="dataset_info.splits", message="num_examples is 3")
    line = find(report, "README.md", message="num_examples is 3")[0].line
    assert (release / "README.md").read_text("utf-8").splitlines()[line - 1].strip() == "num_examples: 3"
    assert find(report, "README.md", message="load_dataset fails")  # and datasets agrees


def test_wrong_num_bytes_in_card(release):
    text = (release / "README.md").read_text("utf-8")
    n = int(re.search(r"num_bytes: (\d+)", text).group(1))
    edit_text(release / "README.md", f"num_bytes: {n}", f"num_bytes: {n * 2}")
    refresh_manifest(release)
    check(release, "README.md", field="dataset_info.splits", message="num_bytes is")


def test_unknown_license(release):
    edit_text(release / "README.md", "license: unknown", "license: do-what-you-like")
    refresh_manifest(release)
    report = check(release, "README.md", field="license", message="not a Hub licence")
    assert find(report, "README.md", field="license")[0].line is not None


def test_wrong_size_category(release):
    edit_text(release / "README.md", "- n<1K", "- 1K<n<10K")
    refresh_manifest(release)
    check(release, "README.md", field="size_categories", message="5 rows")


def test_unknown_task_category(release):
    edit_text(release / "README.md", "- text-generation", "- chatting")
    refresh_manifest(release)
    check(release, "README.md", field="task_categories", message="'chatting'")


def test_data_files_pattern_matches_nothing(release):
    edit_text(release / "README.md", "path: data/train-*", "path: data/training-*")
    refresh_manifest(release)
    check(release, "README.md", field="configs", message="matches no file")


def test_download_size_wrong(release):
    edit_text(release / "README.md", "download_size: ", "download_size: 1")
    refresh_manifest(release)
    check(release, "README.md", field="dataset_info.download_size", message="data shards hold")


def test_card_without_front_matter(release):
    (release / "README.md").write_text("# Just a title\n", "utf-8")
    refresh_manifest(release)
    check(release, "README.md", message="no YAML front matter")


# --- datasheet ---------------------------------------------------------------------------------------------------

def test_missing_datasheet_section(release):
    text = (release / "DATASHEET.md").read_text("utf-8")
    text = re.sub(r"## Uses\n.*?(?=## )", "", text, flags=re.S)
    (release / "DATASHEET.md").write_text(text, "utf-8")
    refresh_manifest(release)
    check(release, "DATASHEET.md", field="Uses", message="missing")


def test_empty_datasheet_section(release):
    text = (release / "DATASHEET.md").read_text("utf-8")
    text = re.sub(r"(## Maintenance\n).*", r"\1\n", text, flags=re.S)
    (release / "DATASHEET.md").write_text(text, "utf-8")
    refresh_manifest(release)
    check(release, "DATASHEET.md", field="Maintenance", message="empty")


def test_headings_match_case_insensitively_and_numbered(release):
    edit_text(release / "DATASHEET.md", "## Collection Process", "## 3. COLLECTION process")
    edit_text(release / "DATASHEET.md", "## Preprocessing/cleaning/labeling", "## Preprocessing / Cleaning / Labeling")
    refresh_manifest(release)
    assert validate_path(release, check_load=False).ok


def test_more_information_needed_fails_only_when_strict(release):
    text = (release / "DATASHEET.md").read_text("utf-8")
    lines = text.splitlines()
    uses = lines.index("## Uses")
    lines.insert(uses + 2, "[More Information Needed]")
    (release / "DATASHEET.md").write_text("\n".join(lines) + "\n", "utf-8")
    refresh_manifest(release)
    assert validate_path(release, check_load=False).ok
    report = check(release, "DATASHEET.md", strict=True, field="Uses", message="More Information Needed")
    assert find(report, "DATASHEET.md", field="Uses")[0].line == uses + 3
    # the preamble's mention of the marker (outside any section) is not an unanswered question
    assert len(report.problems) == 1


def test_missing_datasheet(release):
    (release / "DATASHEET.md").unlink()
    refresh_manifest(release)
    check(release, "DATASHEET.md", message="missing")


# --- other files -------------------------------------------------------------------------------------------------

def test_shard_not_zstd(release):
    table = pq.read_table(release / TRAIN)
    pq.write_table(table, release / TRAIN, compression="snappy")
    refresh_manifest(release)
    check(release, TRAIN, message="compressed with SNAPPY")


def test_croissant_hash_out_of_date(release):
    if not (release / "croissant.json").is_file():
        pytest.skip("this build writes no croissant.json")
    rewrite_table(release, TEST, lambda t: set_value(t, "title", 0, "新标题"))
    report = check(release, "croissant.json", message="sha256 of data/test-00000-of-00001.parquet")
    assert find(report, "croissant.json")[0].field.startswith("distribution[")


def test_a_check_that_crashes_is_reported_not_raised(release, monkeypatch):
    from dataset_builder.validate import release as release_module

    def boom(view):
        raise RuntimeError("unforeseen")

    monkeypatch.setitem(release_module.CHECKS, "card", boom)
    report = validate_path(release, check_load=False)
    [p] = report.problems
    assert p.file == release.as_posix() and "card check could not finish: RuntimeError: unforeseen" in p.message


def test_yaml_syntax_error_in_card_names_the_line(release):
    edit_text(release / "README.md", "pretty_name: ", "pretty_name: [unclosed ")
    refresh_manifest(release)
    report = check(release, "README.md", message="does not parse")
    assert find(report, "README.md", message="does not parse")[0].line is not None


def test_validation_leaves_the_release_untouched(release):
    before = {p.relative_to(release).as_posix(): p.read_bytes() for p in release.rglob("*") if p.is_file()}
    assert validate_path(release).ok
    after = {p.relative_to(release).as_posix(): p.read_bytes() for p in release.rglob("*") if p.is_file()}
    assert after == before  # the offline load uses a throwaway cache, not the release folder



# --- a release with rejected and duplicate documents and empty splits ------------------------------------------

@pytest.fixture(scope="session")
def mixed_release_built(tmp_path_factory) -> Path:
    return build_mixed_release(tmp_path_factory.mktemp("mixed"))


@pytest.fixture
def mixed(mixed_release_built, tmp_path) -> Path:
    root = tmp_path / "dist" / mixed_release_built.parent.name / mixed_release_built.name
    shutil.copytree(mixed_release_built, root)
    return root


def test_release_with_rejects_duplicates_and_empty_splits_validates_clean(mixed):
    report = validate_path(mixed)
    assert report.ok, "\n".join(p.text() for p in report.problems)
    assert pq.ParquetFile(mixed / "rejected/rejected-00000-of-00001.parquet").metadata.num_rows >= 2
    assert pq.ParquetFile(mixed / "duplicates/duplicates-00000-of-00001.parquet").metadata.num_rows == 1
    assert not (mixed / TEST).exists() and set(report.stats["splits"]) == {"train"}


def test_rejected_reason_changed_in_rejected_table(mixed):
    rel = "rejected/rejected-00000-of-00001.parquet"
    rewrite_table(mixed, rel, lambda t: set_value(t, "reason", 0, "made_up"))
    check(mixed, "manifest.json", field="counts.rejected_by_reason", message="'made_up': manifest says 0")


def test_duplicate_points_at_a_rejected_document(mixed):
    rel = "duplicates/duplicates-00000-of-00001.parquet"
    rewrite_table(mixed, rel, lambda t: set_value(t, "duplicate_of", 0, "d"))
    check(mixed, rel, row=0, field="duplicate_of", message="'d' is not the id of a kept row")


def test_empty_split_counted_but_shard_missing(mixed):
    def change(m):
        m["counts"]["splits"]["test"] += 1
        m["counts"]["splits"]["train"] -= 1

    edit_manifest(mixed, change)
    check(mixed, "manifest.json", field="counts.splits.test", message="it has no shard in data/")
