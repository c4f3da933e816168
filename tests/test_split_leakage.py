"""Splits without leakage: planted reposts of real stories never straddle splits, and validate catches them
when they do (a release built with near-duplicate removal off, then claimed to have had it on)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from dataset_builder.build import build_release
from dataset_builder.config import DedupConfig
from dataset_builder.release.reader import Release
from dataset_builder.split_assign import assign_split
from dataset_builder.config import SplitConfig
from dataset_builder.validate.checks import leakage
from dataset_builder.validate.checks.leakage import split_leaks

from .conftest import SEEDS, write_config
from .reposts import small_edits, with_chrome

SPLIT = SplitConfig(0.6, 0.2, 0.2)


def planted(tmp_path: Path, near: bool) -> tuple[Path, dict[str, str]]:
    """Each seed story and three reposts of it (other chrome, ~1% of characters edited); returns the config and
    each document's story."""
    rng = random.Random(3)
    rows, story_of = [], {}
    for p in sorted(SEEDS.glob("*.txt")):
        story = p.read_text("utf-8")
        for k in range(4):
            id_ = f"{p.stem[:3]}-{k}"
            rows.append({"id": id_, "text": story if k == 0 else with_chrome(small_edits(story, rng), k)})
            story_of[id_] = p.stem[:3]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    extra = "" if near else "[dedup]\nnear = false\n"
    split = "train = 0.6\nvalidation = 0.2\ntest = 0.2"
    return write_config(tmp_path, '[[inputs]]\npath = "in.jsonl"\nformat = "jsonl"\n', extra, split), story_of


def test_leak_check_names_both_ids_of_each_planted_repost_across_splits(tmp_path, monkeypatch):
    config, story_of = planted(tmp_path, near=False)
    straddling = {s for s in set(story_of.values())
                  if len({assign_split(i, SPLIT) for i, t in story_of.items() if t == s}) > 1}
    assert straddling, "the planted ids must put some story in two splits"
    build_release(config)  # near-duplicate removal off: the manifest says so, validate does not look for leaks
    release_dir = tmp_path / "dist/demo/1.0.0"
    leaks = split_leaks(Release(release_dir), DedupConfig())
    assert leaks and {story_of[leak.id] for leak in leaks} == straddling
    assert all(story_of[leak.train_id] == story_of[leak.id] and leak.similarity >= DedupConfig().threshold
               for leak in leaks)
    assert all(leak.file.startswith(("data/validation-", "data/test-")) for leak in leaks)
    # each leak's row is the row holding its id, and reading the rows a few at a time (batches of 2, the last one
    # short) finds the same leaks at the same rows as reading them 4,096 at a time
    rows = {f: [r["id"] for r in Release(release_dir).rows(f, ["id"])] for f in {leak.file for leak in leaks}}
    assert all(rows[leak.file][leak.row] == leak.id for leak in leaks)
    monkeypatch.setattr(leakage, "_ROWS_AT_ONCE", 2)
    assert split_leaks(Release(release_dir), DedupConfig()) == leaks



def test_build_removes_planted_reposts_into_one_cluster_per_story_with_no_leak(tmp_path):
    config, story_of = planted(tmp_path, near=True)
    build_release(config)
    release = Release(tmp_path / "dist/demo/1.0.0")
    kept = [row for split in release.split_names()
            for row in release.rows(release.split_files(split), ["id", "cluster_id", "cluster_size"])]
    assert sorted(story_of[r["id"]] for r in kept) == sorted(set(story_of.values()))  # one survivor per story
    assert all(r["cluster_id"] == r["id"] and r["cluster_size"] == 4 for r in kept)
    survivor = {story_of[r["id"]]: r["id"] for r in kept}
    copies = list(release.rows(release.parquet_files("duplicates"), ["id", "duplicate_of", "kind", "similarity"]))
    assert len(copies) == len(story_of) - len(kept)
    for copy in copies:
        assert copy["duplicate_of"] == survivor[story_of[copy["id"]]] and copy["kind"] == "near"
        assert DedupConfig().threshold <= copy["similarity"] < 1.0
    counts = release.manifest()["counts"]
    assert counts["duplicates_by_kind"] == {"exact": 0, "near": len(copies)}
    assert release.manifest()["dedup"]["library"] == "rensa" and release.manifest()["dedup"]["near"] is True
    assert split_leaks(release, DedupConfig()) == []
    done = subprocess.run([sys.executable, "-m", "dataset_builder.validate", str(release.root)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_validate_fails_a_release_whose_evaluation_splits_leak_naming_both_ids(tmp_path):
    config, story_of = planted(tmp_path, near=False)
    build_release(config)
    release_dir = tmp_path / "dist/demo/1.0.0"
    manifest = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    assert manifest["dedup"]["near"] is False
    manifest["dedup"]["near"] = True  # claimed, not done: validate must find the reposts across splits
    (release_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                                               + "\n", "utf-8")
    done = subprocess.run([sys.executable, "-m", "dataset_builder.validate", str(release_dir)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    leaks = split_leaks(Release(release_dir), DedupConfig())
    assert leaks
    for leak in leaks:
        assert f"{leak.id!r} is a near-duplicate of train document {leak.train_id!r}" in done.stdout
