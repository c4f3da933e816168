"""End to end: config -> release folder, on the seeds and on constructed inputs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasets import Features

from dataset_builder.build import build_release, differing_paths
from dataset_builder.errors import InputError, OutputError, ReleaseDiffersError, ReleaseExistsError
from dataset_builder.schema import document_arrow_schema, document_features
from dataset_builder.datasheet.documents import ROOT_MARKER

from .conftest import REPO, SEED_RELEASE, SEED_VERSION, distinct_text, write_config


def release_files(release: Path) -> dict[str, bytes]:
    return {p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()}


def test_seed_release_has_the_hub_layout_and_a_manifest_that_adds_up(seed_project):
    result = build_release(seed_project / "dataset.toml")
    release = seed_project / "dist" / "zh-web-seeds" / SEED_VERSION
    assert result.release_dir == release and result.status == "written"
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    counts = manifest["counts"]
    assert counts["read"] == 5 == len(list((seed_project / "seeds").glob("*.txt")))
    assert counts["read"] == counts["kept"] + counts["rejected"] + counts["duplicates"]
    assert counts["kept"] == sum(counts["splits"].values())
    assert counts["rejected"] == sum(r["count"] for r in counts["rejected_by_reason"])
    # every file but the manifest is listed with its real hash, size and row count
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {k: v for k, v in release_files(release).items() if k != "manifest.json"}
    assert set(listed) == set(on_disk)
    for path, data in on_disk.items():
        assert listed[path]["sha256"] == hashlib.sha256(data).hexdigest() and listed[path]["bytes"] == len(data)
        if path.endswith(".parquet"):
            assert listed[path]["rows"] == pq.ParquetFile(release / path).metadata.num_rows
    # shards named as push_to_hub names them, one explicit schema with the HF features, zstd, page index
    schemas = set()
    for split in ("train", "validation", "test"):
        shard = release / "data" / f"{split}-00000-of-00001.parquet"
        parquet = pq.ParquetFile(shard)
        # Parquet names list children `element`; the types and the huggingface metadata are the declared ones
        assert Features.from_arrow_schema(parquet.schema_arrow) == document_features()
        assert parquet.schema_arrow.metadata[b"huggingface"] == document_arrow_schema().metadata[b"huggingface"]
        schemas.add(parquet.schema_arrow.to_string(show_schema_metadata=True))
        assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
        assert parquet.metadata.row_group(0).column(0).has_offset_index
    assert len(schemas) == 1  # one schema for every shard of every split
    assert counts["splits"] == {"train": 2, "validation": 2, "test": 1}
    # each input file with its hash; the config's hash; the versions that shape the bytes
    inputs = {i["path"]: i for i in manifest["inputs"]}
    for txt in (seed_project / "seeds").glob("*.txt"):
        entry = inputs[f"seeds/{txt.name}"]
        assert entry["sha256"] == hashlib.sha256(txt.read_bytes()).hexdigest() and entry["documents"] == 1
    assert manifest["config"]["sha256"] == hashlib.sha256((seed_project / "dataset.toml").read_bytes()).hexdigest()
    assert {"dataset_builder", "python", "pyarrow", "datasets"} <= set(manifest["environment"])
    # the latest release's datasheet is copied to the project root, its plot links pointing into the release
    root_text = (seed_project / "DATASHEET.md").read_text("utf-8").removeprefix(ROOT_MARKER + "\n\n")
    release_text = (release / "DATASHEET.md").read_text("utf-8")
    assert root_text.replace(f"{SEED_RELEASE}/plots/", "plots/") == release_text
    assert f"]({SEED_RELEASE}/plots/" in root_text



def test_a_build_leaves_the_callers_garbage_collector_as_it_found_it(seed_project, tmp_path):
    """A build freezes its long-lived imports out of the cyclic collector while it runs (the driver's full
    collections walked them again and again); a Python caller's objects are collected as before once it returns,
    and a caller that froze objects of its own (before forking workers, say) finds them still frozen."""
    import gc

    assert gc.get_freeze_count() == 0
    build_release(seed_project / "dataset.toml")
    assert gc.get_freeze_count() == 0  # everything frozen during the build was unfrozen
    frozen_by_the_caller = ["frozen"]
    gc.freeze()
    try:
        not_frozen = ["not frozen"]
        shutil.copytree(seed_project, tmp_path / "again", ignore=shutil.ignore_patterns("dist"))
        build_release(tmp_path / "again" / "dataset.toml")
        tracked = gc.get_objects()  # the collector's generations: frozen objects are not among them
        assert not any(o is frozen_by_the_caller for o in tracked)
        assert any(o is not_frozen for o in tracked)
    finally:
        gc.unfreeze()


def test_the_runs_arrow_types_derived_without_datasets_are_the_features_own():
    """Workers write their runs with `document_arrow_types()` (pyarrow alone); the shards get the features' schema.
    The two must be one set of columns and types, nested fields included, only the metadata apart."""
    from dataset_builder.release.sinks import SINKS, run_schemas, sink_schema
    from dataset_builder.schema import document_arrow_types

    assert document_arrow_types() == document_arrow_schema().remove_metadata()
    assert document_arrow_types().metadata is None
    for sink, schema in run_schemas().items():
        assert schema.equals(sink_schema(sink), check_metadata=False), sink
    assert set(run_schemas()) == set(SINKS)

def test_seed_release_loads_offline_with_declared_features_and_card_counts(seed_project, tmp_path, monkeypatch):
    import datasets
    from huggingface_hub import DatasetCard

    build_release(seed_project / "dataset.toml")
    release = seed_project / "dist" / "zh-web-seeds" / SEED_VERSION
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    loaded = datasets.load_dataset(str(release), cache_dir=str(tmp_path / "cache"))
    card = DatasetCard.load(release / "README.md").data.to_dict()
    declared = {s["name"]: s["num_examples"] for s in card["dataset_info"]["splits"]}
    assert set(loaded) == {"train", "validation", "test"}
    assert {name: ds.num_rows for name, ds in loaded.items()} == declared
    for ds in loaded.values():
        assert ds.features == document_features()
    assert card["license"] == "unknown" and card["size_categories"] == ["n<1K"]
    assert card["configs"][0]["data_files"] == [{"split": s, "path": f"data/{s}-*"} for s in ("train", "validation", "test")]
    row = loaded["train"][0]
    assert row["num_chars"] == len(row["text"]) and row["text_sha256"] == hashlib.sha256(row["text"].encode()).hexdigest()


def test_two_builds_are_byte_identical_and_a_released_version_is_immutable(seed_project, tmp_path):
    build_release(seed_project / "dataset.toml")
    release = seed_project / "dist" / "zh-web-seeds" / SEED_VERSION
    first = release_files(release)
    other = tmp_path / "other"
    shutil.copytree(seed_project, other, ignore=shutil.ignore_patterns("dist", "DATASHEET.md"))
    build_release(other / "dataset.toml")
    assert release_files(other / "dist" / "zh-web-seeds" / SEED_VERSION) == first

    assert build_release(seed_project / "dataset.toml").status == "unchanged"
    assert build_release(seed_project / "dataset.toml", check=True).status == "checked"
    # change an input: the same version must not be silently overwritten
    page = seed_project / "seeds" / "001_a467e75570bca03e.txt"
    page.write_text(page.read_text("utf-8") + "\n新增的一段正文，让这次构建的结果与已发布的版本不同。\n", encoding="utf-8")
    (seed_project / "seeds" / "metadata.jsonl").write_text(
        (seed_project / "seeds" / "metadata.jsonl").read_text().replace(
            hashlib.sha256(first_page_bytes()).hexdigest(), hashlib.sha256(page.read_bytes()).hexdigest()))
    with pytest.raises(ReleaseExistsError, match="already released and this build differs"):
        build_release(seed_project / "dataset.toml")
    with pytest.raises(ReleaseDiffersError, match="differs from the existing one"):
        build_release(seed_project / "dataset.toml", check=True)
    assert release_files(release) == first
    assert build_release(seed_project / "dataset.toml", force=True).status == "replaced"
    assert release_files(release) != first
    assert [p.name for p in release.parent.iterdir()] == [SEED_VERSION]  # no temporary or retired folders left


def first_page_bytes() -> bytes:
    return (REPO / "seeds" / "001_a467e75570bca03e.txt").read_bytes()


def test_bad_input_fails_cleanly_and_leaves_no_half_written_release(tmp_path):
    good = "\n".join(json.dumps({"id": f"d{i}", "text": f"第{i}篇。这是一段足够长的中文正文，用来检验构建在坏输入时的行为是否干净利落。"}, ensure_ascii=False) for i in range(3))
    (tmp_path / "in.jsonl").write_text(good + '\n{"id": "d9", "text": null}\n', encoding="utf-8")
    config = write_config(tmp_path, '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n')
    with pytest.raises(InputError, match=r"in.jsonl:4: field 'text' is missing"):
        build_release(config)
    leftovers = list((tmp_path / "dist").rglob("*")) if (tmp_path / "dist").exists() else []
    assert [p for p in leftovers if p.is_file()] == [] and not (tmp_path / "dist" / "demo" / "1.0.0").exists()


def test_a_failure_while_writing_removes_the_partial_release(seed_project, monkeypatch):
    import dataset_builder.build as build_module

    real_write = build_module.write_release

    def write_then_fail(config, result, folder):
        real_write(config, result, folder)
        assert any(folder.rglob("*.parquet"))  # the partial release really was on disk
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_release", write_then_fail)
    with pytest.raises(OutputError, match="cannot write the release: disk full; nothing was published"):
        build_release(seed_project / "dataset.toml")
    assert not (seed_project / "dist").exists()  # no partial release, and no folder the build created


def test_duplicate_ids_across_inputs_are_an_error(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "甲"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "x", "text": "乙"}\n', encoding="utf-8")
    config = write_config(tmp_path, '[[inputs]]\npath = "a.jsonl"\nformat = "jsonl"\n[[inputs]]\npath = "b.jsonl"\nformat = "jsonl"\n')
    with pytest.raises(InputError, match=r"b.jsonl:1: field 'id': 'x' is already used by a.jsonl:1"):
        build_release(config)


def test_every_document_lands_in_exactly_one_place(tmp_path):
    """Rejected and duplicate documents are written with their reason / the id they duplicate."""
    records = [{"id": f"k{i}", "text": distinct_text(i)} for i in range(30)]  # neither exact nor near copies
    records += [{"id": "z-dup", "text": records[3]["text"]}, {"id": "a-dup", "text": records[5]["text"]}]
    records += [{"id": "short", "text": "短。"}, {"id": "english", "text": "An English page with no Chinese at all. " * 4}]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    config = write_config(tmp_path, '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n', split="train = 0.5\nvalidation = 0.25\ntest = 0.25")
    result = build_release(config)
    release = result.release_dir
    counts = result.manifest["counts"]
    assert counts["read"] == 34 and counts["duplicates"] == 2 and counts["rejected"] == 2
    split_ids = [pq.read_table(p, columns=["id"]).column("id").to_pylist() for p in sorted((release / "data").glob("*.parquet"))]
    rejected = pq.read_table(release / "rejected" / "rejected-00000-of-00001.parquet").to_pylist()
    duplicates = pq.read_table(release / "duplicates" / "duplicates-00000-of-00001.parquet").to_pylist()
    placed = [i for ids in split_ids for i in ids] + [r["id"] for r in rejected] + [d["id"] for d in duplicates]
    assert sorted(placed) == sorted(r["id"] for r in records)  # each exactly once
    assert {(r["id"], r["reason"]) for r in rejected} == {("short", "too_short"), ("english", "not_chinese")}
    assert rejected[0]["text"] and rejected[0]["origin"]["file"] == "in.jsonl"
    # a-dup sorts before k5, so it is the kept copy and k5 is the duplicate; z-dup duplicates k3
    assert {(d["id"], d["duplicate_of"]) for d in duplicates} == {("k5", "a-dup"), ("z-dup", "k3")}
    for ids in split_ids:
        assert ids == sorted(ids)  # rows in a fixed order


def test_cli_build_reports_and_exits_non_zero_on_bad_config(seed_project):
    env = {**os.environ, "COLUMNS": "200"}
    ok = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "build"], cwd=seed_project, capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "documents read" in ok.stdout and "kept in train" in ok.stdout and "bytes written" in ok.stdout
    (seed_project / "dataset.toml").write_text((seed_project / "dataset.toml").read_text().replace("train = 0.6", "train = 0.7"))
    bad = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "build"], cwd=seed_project, capture_output=True, text=True, env=env)
    assert bad.returncode == 1
    assert "dataset.toml: split: train + validation + test must add up to 1" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_committed_seed_release_is_reproduced_byte_for_byte():
    """CI's guard: rebuilding the committed release from the committed seeds gives the same bytes."""
    result = build_release(REPO / "dataset.toml", check=True)
    assert result.status == "checked"
    assert differing_paths(result.release_dir, result.release_dir) == []


def test_cli_datasheet_regenerates_the_documents_of_an_existing_release(seed_project):
    build_release(seed_project / "dataset.toml")
    release = seed_project / "dist" / "zh-web-seeds" / SEED_VERSION
    before = release_files(release)
    (release / "DATASHEET.md").unlink()
    (release / "croissant.json").write_text("{}")
    run = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "datasheet", str(release)], cwd=seed_project,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert release_files(release) == before


def test_cli_clean_writes_rows_and_rejects_and_nothing_on_bad_input(tmp_path):
    out = tmp_path / "clean.jsonl"
    run = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "clean", str(REPO / "seeds"), "-o", str(out)],
                         capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(p.stem.split("_", 1)[1] for p in (REPO / "seeds").glob("*.txt"))
    assert all(set(r) == set(document_features()) for r in rows)
    assert (tmp_path / "clean.rejected.jsonl").read_text() == ""  # written, and empty: nothing rejected
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "正文。"}\n{"id": "b"}\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "clean", str(bad), "-o", str(tmp_path / "x.jsonl")],
                         capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert run.returncode == 1 and "bad.jsonl:2: field 'text' is missing" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "clean.jsonl", "clean.rejected.jsonl"]


def test_manifest_environment_names_no_interpreter_version_so_other_pythons_build_the_same_bytes(monkeypatch):
    import platform
    import tomllib

    from dataset_builder import SUPPORTED_PYTHON
    from dataset_builder.release.manifest import environment

    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["requires-python"] == SUPPORTED_PYTHON
    before = environment()
    monkeypatch.setattr(platform, "python_version", lambda: "3.99.1")
    assert environment() == before and before["python"] == SUPPORTED_PYTHON
    assert not any(platform.python_version() in v for v in before.values())

