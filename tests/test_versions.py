"""Versions a user can diff: `build --bump`, the manifest's `previous`, `dataset-builder diff`, the card's changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dataset_builder.build import build_next, build_release
from dataset_builder.errors import ConfigError
from dataset_builder.release.diff import diff_releases
from dataset_builder.release.versions import bumped, released_versions, with_version

from .conftest import SEEDS, write_config

# Real paragraphs of the seed pages, one document each (long lines only: headings and chrome are left out).
PARAGRAPHS = [(f"{p.stem[:3]}-{k:02d}", line.strip()) for p in sorted(SEEDS.glob("*.txt"))
              for k, line in enumerate(p.read_text("utf-8").splitlines()) if len(line.strip()) >= 80]


def write_inputs(folder: Path, name: str, docs: list[tuple[str, str]]) -> None:
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in docs]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def project(tmp_path: Path, docs: list[tuple[str, str]]) -> Path:
    write_inputs(tmp_path, "a.jsonl", docs)
    config = write_config(tmp_path, '[[inputs]]\npath = "a.jsonl"\nformat = "jsonl"\n',
                          "# the version line keeps this comment\n", "train = 0.6\nvalidation = 0.2\ntest = 0.2")
    return config


def kept(release: Path) -> dict[str, tuple[str, str]]:
    out = {}
    for shard in sorted((release / "data").glob("*.parquet")):
        for row in pq.read_table(shard, columns=["id", "text_sha256"]).to_pylist():
            out[row["id"]] = (shard.name.split("-")[0], row["text_sha256"])
    return out


def test_bump_from_more_inputs_keeps_every_old_document_and_split(tmp_path):
    assert len(PARAGRAPHS) >= 20
    first, more = PARAGRAPHS[: len(PARAGRAPHS) // 2], PARAGRAPHS[len(PARAGRAPHS) // 2:]
    config = project(tmp_path, first)
    build_release(config)
    old = kept(tmp_path / "dist/demo/1.0.0")
    write_inputs(tmp_path, "b.jsonl", more)
    config.write_text(config.read_text("utf-8").replace(
        '[split]', '[[inputs]]\npath = "b.jsonl"\nformat = "jsonl"\n[split]'), encoding="utf-8")
    result = build_next(config, "minor")
    assert result.config.version == "1.1.0" and released_versions(tmp_path / "dist/demo") == ["1.0.0", "1.1.0"]
    text = config.read_text("utf-8")
    assert 'version = "1.1.0"' in text and "# the version line keeps this comment" in text
    new = kept(tmp_path / "dist/demo/1.1.0")
    assert old and all(new.get(i) == v for i, v in old.items())  # same id, same split, same text
    assert len(new) > len(old)
    previous = result.manifest["previous"]
    old_manifest = (tmp_path / "dist/demo/1.0.0/manifest.json").read_bytes()
    import hashlib
    assert previous["version"] == "1.0.0"
    assert previous["manifest_sha256"] == hashlib.sha256(old_manifest).hexdigest()
    assert previous["changes"]["added"] == len(new) - len(old) and previous["changes"]["removed"] == 0
    card = (tmp_path / "dist/demo/1.1.0/README.md").read_text("utf-8")
    assert "## Changes since 1.0.0" in card and f"| added | {len(new) - len(old)} |" in card
    assert "Changes since" not in (tmp_path / "dist/demo/1.0.0/README.md").read_text("utf-8")


def test_diff_reports_exactly_the_known_difference(tmp_path):
    docs = PARAGRAPHS[:16]
    config = project(tmp_path, docs)
    build_release(config)
    before = kept(tmp_path / "dist/demo/1.0.0")
    removed_id, changed_id = sorted(before)[0], sorted(before)[1]
    changed = [(i, t + "此段落在新版本中补充了一句说明。" if i == changed_id else t) for i, t in docs if i != removed_id]
    write_inputs(tmp_path, "a.jsonl", changed + [PARAGRAPHS[20]])
    build_next(config, "patch")
    result = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "diff", "dist/demo/1.0.0", "dist/demo/1.0.1",
                             "--format", "json"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert (diff["added"], diff["removed"], diff["changed"], diff["moved_split"]) == \
        ([PARAGRAPHS[20][0]], [removed_id], [changed_id], [])
    assert diff["counts"]["kept"] == {"old": len(before), "new": len(before)}
    assert diff["config"] is None and diff["schema"] == {"added": [], "removed": [], "retyped": []}
    text = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "diff", "dist/demo/1.0.0", "dist/demo/1.0.1"],
                          cwd=tmp_path, capture_output=True, text=True).stdout
    assert f"added: 1 ({PARAGRAPHS[20][0]})" in text and f"removed: 1 ({removed_id})" in text


def test_a_document_that_moves_split_is_reported_loudly(tmp_path):
    config = project(tmp_path, PARAGRAPHS[:16])
    build_release(config)
    config.write_text(config.read_text("utf-8").replace("test = 0.2", 'test = 0.2\nsalt = "redrawn"'), "utf-8")
    build_next(config, "major")
    diff = diff_releases(tmp_path / "dist/demo/1.0.0", tmp_path / "dist/demo/2.0.0")
    assert diff.moved_split and diff.config is not None
    assert all(m["from"] != m["to"] for m in diff.moved_split)
    run = subprocess.run([sys.executable, "-m", "dataset_builder.cli", "diff", "dist/demo/1.0.0", "dist/demo/2.0.0"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1 and "MOVED SPLIT" in run.stdout
    card = (tmp_path / "dist/demo/2.0.0/README.md").read_text("utf-8")
    assert "**Warning:**" in card and f"{len(diff.moved_split)} documents changed split" in card


def test_bump_needs_a_release_and_a_failed_build_leaves_the_config_as_it_was(tmp_path):
    config = project(tmp_path, PARAGRAPHS[:8])
    before = config.read_bytes()
    with pytest.raises(ConfigError, match="no release of demo yet"):
        build_next(config, "patch")
    build_release(config)
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": null}\n', encoding="utf-8")
    with pytest.raises(Exception, match="a.jsonl:1"):
        build_next(config, "patch")
    assert config.read_bytes() == before and released_versions(tmp_path / "dist/demo") == ["1.0.0"]


def test_version_arithmetic_and_in_place_rewrite():
    assert [bumped("1.4.2", p) for p in ("major", "minor", "patch")] == ["2.0.0", "1.5.0", "1.4.3"]
    text = '# top\nname = "x"\nversion = "0.2.0"  # keep\n[split]\nversion = "not this"\n'
    assert with_version(text, "0.3.0") == '# top\nname = "x"\nversion = "0.3.0"  # keep\n[split]\nversion = "not this"\n'


def test_copies_added_later_never_displace_a_kept_document_nor_move_its_split(tmp_path):
    """The new version's inputs hold, for each old kept document, an exact copy under a smaller id and a repost
    (a few characters edited) dated earlier: either would win without the previous version's rule. The old documents stay
    the survivors, in their splits, and the copies go to duplicates/ pointing at them."""
    import random

    from .reposts import small_edits

    first, rng = PARAGRAPHS[:8], random.Random(5)
    config = project(tmp_path, first)
    build_release(config)
    old = kept(tmp_path / "dist/demo/1.0.0")
    lines = [json.dumps({"id": f"0-copy-{i}", "text": t}, ensure_ascii=False) for i, t in first]
    lines += [json.dumps({"id": f"repost-{i}", "text": small_edits(t, rng, 0.02), "published_at": "2001-01-01"},
                         ensure_ascii=False) for i, t in first]
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config.write_text(config.read_text("utf-8").replace(
        '[split]', '[[inputs]]\npath = "b.jsonl"\nformat = "jsonl"\n[split]'), encoding="utf-8")
    result = build_next(config, "minor")
    assert kept(tmp_path / "dist/demo/1.1.0") == old
    rows = pq.read_table(tmp_path / "dist/demo/1.1.0/duplicates/duplicates-00000-of-00001.parquet",
                         columns=["id", "duplicate_of", "kind"]).to_pylist()
    assert {(r["id"], r["duplicate_of"], r["kind"]) for r in rows} == \
        {(f"0-copy-{i}", i, "exact") for i, _ in first} | {(f"repost-{i}", i, "near") for i, _ in first}
    assert result.manifest["previous"]["changes"]["removed"] == 0
