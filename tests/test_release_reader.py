"""The read-only release reader, on the committed seed release and on copies broken on purpose."""

from __future__ import annotations

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset_builder.release.reader import CardFormatError, Release, parse_card, parse_shard_name

from .conftest import REPO, SEED_RELEASE, SEED_VERSION


@pytest.fixture
def seed_release() -> Release:
    return Release(REPO / SEED_RELEASE)


def test_files_manifest_and_card(seed_release):
    manifest = json.loads((seed_release.root / "manifest.json").read_text("utf-8"))
    assert seed_release.manifest() == manifest
    listed = sorted([e["path"] for e in manifest["files"]] + ["manifest.json"])
    assert seed_release.files == listed
    card = seed_release.card()
    assert card.meta["configs"][0]["config_name"] == "default"
    assert card.lines[card.end] == "---" and card.key_line("license") is not None
    assert card.line_of(r"^dataset_info:", r"^\s*splits:") > card.key_line("dataset_info")
    for entry in manifest["files"]:
        assert seed_release.sha256(entry["path"]) == entry["sha256"]
        assert seed_release.size(entry["path"]) == entry["bytes"]


def test_shards_by_split_follow_the_manifest(seed_release):
    counts = seed_release.manifest()["counts"]["splits"]
    by_split = seed_release.shards_by_split()
    assert list(by_split) == ["train", "validation", "test"]
    for split, shards in by_split.items():
        assert [s.index for s in shards] == list(range(shards[0].count))
        rows = sum(b.num_rows for b in seed_release.split_batches(split, columns=["id"]))
        assert rows == counts[split]
    assert seed_release.split_files("train") == [s.path for s in by_split["train"]]


def test_batches_stream_the_columns_asked_for_in_small_pieces(seed_release):
    whole = pq.read_table(seed_release.root / "data/train-00000-of-00001.parquet", columns=["id", "num_chars"])
    batches = list(seed_release.split_batches("train", columns=["id", "num_chars"], batch_rows=1))
    assert len(batches) == whole.num_rows and all(b.num_rows == 1 for b in batches)
    assert all(b.schema.names == ["id", "num_chars"] for b in batches)
    assert pa.Table.from_batches(batches).equals(whole)
    rows = list(seed_release.rows(seed_release.parquet_files("data"), ["id"]))
    assert len(rows) == sum(seed_release.manifest()["counts"]["splits"].values())
    assert seed_release.row_schema().equals(pq.read_schema(seed_release.root / "data/train-00000-of-00001.parquet"))


def test_shard_names_and_broken_cards(tmp_path):
    assert parse_shard_name("data/train-00001-of-00002.parquet").index == 1
    assert parse_shard_name("data/x/train-00000-of-00001.parquet") is None
    assert parse_shard_name("data/train-0-of-1.parquet") is None
    for text, line in (("no front matter", 1), ("---\nlicense: x\n", 1), ("---\n- a\n---\n", 2),
                       ("---\nlicense: [\n---\n", 2)):
        with pytest.raises(CardFormatError) as err:
            parse_card(text)
        assert err.value.line == line


def test_links_are_not_listed_and_nothing_is_written(tmp_path):
    copy = tmp_path / "zh-web-seeds" / SEED_VERSION
    shutil.copytree(REPO / SEED_RELEASE, copy)
    (tmp_path / "outside.parquet").write_bytes(b"x")
    (copy / "data" / "link-00000-of-00001.parquet").symlink_to(tmp_path / "outside.parquet")
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file() and not p.is_symlink()}
    release = Release(copy)
    assert "data/link-00000-of-00001.parquet" not in release.files
    assert release.folder_name == "zh-web-seeds" and release.folder_version == SEED_VERSION
    list(release.rows(release.parquet_files("data"), ["id", "text"]))
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file() and not p.is_symlink()} == before
