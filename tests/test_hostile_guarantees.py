"""Issue 13, the general proofs: nothing is read but the declared inputs, nothing is written outside the release
and the project's DATASHEET.md, every input document is accounted for, and validate reads only the release's
own files, a row group at a time."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset_builder.build import build_release
from dataset_builder.validate import validate_path

from .hostile_helpers import Audit, article, changed, jsonl_lines, playground
from .validate_helpers import refresh_manifest

INPUTS = """[[inputs]]
path = "txt"
format = "txt"
metadata = "txt/metadata.jsonl"
glob = "*"

[[inputs]]
path = "jsonl"
format = "jsonl"

[[inputs]]
path = "table.parquet"
format = "parquet"
"""


def _mixed_project(tmp_path):
    ground = playground(tmp_path)
    ground.write("txt/a.txt", article(1))
    ground.write("txt/b.txt", article(1))  # an exact duplicate of a.txt
    ground.write("txt/short.txt", "太短。")  # rejected: too short
    ground.write("txt/metadata.jsonl", '{"file_name": "a.txt", "source": "新华网"}\n')
    ground.write("jsonl/x.jsonl", jsonl_lines(6, start=10))
    pq.write_table(pa.table({"id": [f"p{k}" for k in range(5)], "text": [article(20 + k) for k in range(5)]}),
                   ground.project / "table.parquet")
    (ground.outside / "decoy.jsonl").write_text(jsonl_lines(2, start=90), encoding="utf-8")
    ground.config(INPUTS)
    return ground


def _under(path: str, folder: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(folder)


def test_a_build_reads_only_declared_inputs_and_writes_only_the_release_and_datasheet(tmp_path):
    from dataset_builder.cleaning import opencc_table

    ground = _mixed_project(tmp_path)
    before = ground.state()
    # What a process derives once (OpenCC's tables, from its dictionaries) is derived in this build too, as in a
    # build of its own: whichever tests ran before in this process.
    opencc_table.fast_converter.cache_clear()
    opencc_table.simplified_sources.cache_clear()
    opencc_table.length_keeping_key_chars.cache_clear()
    opencc_table._file_entries.cache_clear()  # the dictionaries' exports themselves
    with Audit() as events:
        build_release(ground.project / "dataset.toml")
    declared = {ground.project / p for p in ("txt/a.txt", "txt/b.txt", "txt/short.txt", "txt/metadata.jsonl",
                                             "jsonl/x.jsonl", "table.parquet", "dataset.toml")}
    dist, datasheet = ground.project / "dist", ground.project / "DATASHEET.md"
    read_in_project = {Path(os.path.abspath(p)) for e, p, w in events if e == "open" and not w
                       and _under(p, ground.project) and not _under(p, dist)}
    assert read_in_project <= declared | {datasheet}, read_in_project - declared
    assert not [p for _, p, _ in events if _under(p, ground.outside)]
    written = {os.path.abspath(p) for _, p, w in events if w}
    stray = [p for p in written if not _under(p, dist) and Path(p).parent != ground.project and p != os.devnull]
    in_project_root = [p for p in written if Path(p).parent == ground.project and not _under(p, dist)]
    assert not stray, stray
    assert {Path(p).name for p in in_project_root} <= {"DATASHEET.md", f".DATASHEET.md.tmp-{os.getpid()}"}
    assert {p for p in changed(before, ground.state())
            if not p.startswith(("project/dist", "project/DATASHEET.md"))} == set()


def test_every_input_document_is_in_exactly_one_place(tmp_path):
    ground = _mixed_project(tmp_path)
    result = build_release(ground.project / "dataset.toml")
    counts = result.manifest["counts"]
    release = result.release_dir
    ids = []
    for folder in ("data", "rejected", "duplicates"):
        for shard in sorted((release / folder).glob("*.parquet")):
            ids += pq.read_table(shard, columns=["id"])["id"].to_pylist()
    expected = {"a", "b", "short", *(f"doc-{k}" for k in range(10, 16)), *(f"p{k}" for k in range(5))}
    assert sorted(ids) == sorted(expected)  # each exactly once
    assert counts["read"] == 14 == counts["kept"] + counts["rejected"] + counts["duplicates"]
    assert counts["duplicates"] == 1 and counts["rejected"] == 1
    assert sum(i["documents"] for i in result.manifest["inputs"]) == 14
    assert validate_path(release).ok


def test_validate_refuses_a_croissant_file_object_outside_the_release(tmp_path):
    ground = _mixed_project(tmp_path)
    release = build_release(ground.project / "dataset.toml").release_dir
    path = release / "croissant.json"
    data = json.loads(path.read_text("utf-8"))
    objects = [o for o in data["distribution"] if o.get("@type") in ("cr:FileObject", "FileObject")]
    objects[0]["contentUrl"] = "../../../../outside/secret.txt"
    objects[1]["contentUrl"] = str(ground.outside / "secret.txt")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    refresh_manifest(release)
    with Audit() as events:
        report = validate_path(release, check_load=False)
    found = [p for p in report.problems if p.check == "croissant" and p.file.endswith("croissant.json")]
    assert any("leads out of the release" in p.message for p in found), found
    assert any("absolute path" in p.message for p in found), found
    assert not [p for _, p, _ in events if _under(p, ground.outside)]


def test_validate_reports_a_symlink_in_the_release_and_reads_nothing_through_it(tmp_path):
    ground = _mixed_project(tmp_path)
    release = build_release(ground.project / "dataset.toml").release_dir
    os.remove(release / "DATASHEET.md")
    os.symlink(ground.outside / "secret.txt", release / "DATASHEET.md")
    with Audit() as events:
        report = validate_path(release, check_load=False)
    assert [p.file for p in report.problems if "symbolic link" in p.message] == [f"{release}/DATASHEET.md"]
    assert not [p for _, p, _ in events if _under(p, ground.outside) or _under(p, release / "DATASHEET.md")]


@pytest.mark.parametrize("folder", ["data", "rejected"])
def test_validate_refuses_a_row_group_over_its_memory_bound_naming_file_and_group(tmp_path, monkeypatch, folder):
    import dataset_builder.validate.memory as memory

    ground = _mixed_project(tmp_path)
    release = build_release(ground.project / "dataset.toml").release_dir
    shard = sorted((release / folder).glob("*.parquet"))[0]
    declared = pq.ParquetFile(shard).metadata.row_group(0).total_byte_size
    monkeypatch.setattr(memory, "MAX_READ_ROW_GROUP_BYTES", declared - 1)
    report = validate_path(release, check_load=False)
    rel = shard.relative_to(release).as_posix()
    found = [p for p in report.problems if p.file.endswith(rel) and "row group 0 declares" in p.message]
    assert found and "not checked" in found[0].message


def test_validate_reads_a_shard_row_group_by_row_group(tmp_path, monkeypatch):
    """Several row groups, each read in its own batches: the rows all get checked, none twice."""
    import dataset_builder.validate.memory as memory

    ground = _mixed_project(tmp_path)
    release = build_release(ground.project / "dataset.toml").release_dir
    shard = release / "data" / "train-00000-of-00001.parquet"
    table = pq.read_table(shard)
    pq.write_table(table, shard, row_group_size=2, compression="zstd", write_page_index=True)
    refresh_manifest(release)
    seen = []
    real = memory.bounded_batches

    def counting(pf, columns=None):
        for batch in real(pf, columns):
            if pf.metadata.num_row_groups > 1:  # the rewritten train shard
                seen.append(batch.num_rows)
            yield batch

    monkeypatch.setattr("dataset_builder.validate.checks.rows.bounded_batches", counting)
    report = validate_path(release, check_load=False)
    assert report.stats["rows_checked"] == sum(
        pq.ParquetFile(s).metadata.num_rows for s in (release / "data").glob("*.parquet"))
    groups = pq.ParquetFile(shard).metadata.num_row_groups
    assert groups > 1 and len(seen) == groups and max(seen) <= 2 and sum(seen) == table.num_rows
    assert not [p for p in report.problems if p.check in ("rows", "parquet")], [p.text() for p in report.problems]
