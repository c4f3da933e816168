"""One rule everywhere: no command changes a released version's bytes without --force, and a DATASHEET.md beside
the config that dataset-builder did not write is never overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dataset_builder.build import build_release
from dataset_builder.datasheet.documents import ROOT_MARKER
from dataset_builder.errors import OutputError

from .conftest import SEED_VERSION


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "dataset_builder.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_datasheet_command_changes_a_released_version_only_with_force(seed_project):
    release = build_release(seed_project / "dataset.toml").release_dir
    rel = release.relative_to(seed_project).as_posix()
    before = _tree(release)
    same = _cli("datasheet", rel, cwd=seed_project)
    assert same.returncode == 0 and "already up to date" in same.stdout and _tree(release) == before

    answers = seed_project / "datasheet.yaml"
    answers.write_text(answers.read_text("utf-8").replace("  other_comments: None.", "  other_comments: Changed.", 1),
                       encoding="utf-8")
    refused = _cli("datasheet", rel, cwd=seed_project)
    assert refused.returncode == 1, refused.stdout
    assert "released; regenerating its documents would change" in refused.stderr
    assert "DATASHEET.md" in refused.stderr and "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert _tree(release) == before  # not one byte
    assert not [p.name for p in release.parent.iterdir() if p.name.startswith(".") and "tmp" in p.name]

    forced = _cli("datasheet", rel, "--force", cwd=seed_project)
    assert forced.returncode == 0, forced.stderr
    after = _tree(release)
    assert after != before and "Changed." in after["DATASHEET.md"].decode("utf-8")
    assert {k for k in after if after[k] != before.get(k)} <= {"DATASHEET.md", "README.md", "manifest.json", "build/datasheet.yaml",
                                                               "croissant.json"}
    # the shards are untouched (the copy hard-linked them; the documents were replaced by rename)
    assert all(after[k] == before[k] for k in before if k.endswith(".parquet"))


@pytest.mark.parametrize("command", ["build", "datasheet"])
def test_a_hand_written_root_datasheet_is_never_overwritten(seed_project, command):
    if command == "datasheet":
        build_release(seed_project / "dataset.toml")
    mine = "# Our datasheet\n\nWritten by hand, kept beside dataset.toml.\n"
    (seed_project / "DATASHEET.md").write_text(mine, encoding="utf-8")
    args = ["build"] if command == "build" else ["datasheet", f"dist/zh-web-seeds/{SEED_VERSION}"]
    run = _cli(*args, cwd=seed_project)
    assert run.returncode == 1
    assert f"{seed_project / 'DATASHEET.md'}: this DATASHEET.md was not written by dataset-builder" in run.stderr
    assert (seed_project / "DATASHEET.md").read_text("utf-8") == mine
    if command == "build":  # refused before anything was published
        assert not (seed_project / "dist" / "zh-web-seeds" / SEED_VERSION).exists()


def test_the_tools_own_root_datasheet_is_replaced_old_form_included(seed_project):
    build_release(seed_project / "dataset.toml")
    root = seed_project / "DATASHEET.md"
    assert root.read_text("utf-8").startswith(ROOT_MARKER + "\n\n# Datasheet for ")
    # one written before the marker existed (the committed 0.1.0-era form) is the tool's too
    legacy = root.read_text("utf-8").removeprefix(ROOT_MARKER + "\n\n").replace("five", "5", 1)
    root.write_text(legacy, encoding="utf-8")
    build_release(seed_project / "dataset.toml")
    assert root.read_text("utf-8").startswith(ROOT_MARKER)
    root.write_text("notes\n", encoding="utf-8")
    with pytest.raises(OutputError, match="never overwritten"):
        build_release(seed_project / "dataset.toml", force=True)


def test_a_deleted_or_damaged_document_is_put_back_as_released_without_force(seed_project):
    release = build_release(seed_project / "dataset.toml").release_dir
    before = _tree(release)
    (release / "DATASHEET.md").unlink()
    (release / "croissant.json").write_text("{}", encoding="utf-8")
    run = _cli("datasheet", str(release), cwd=seed_project)
    assert run.returncode == 0 and "put back as released" in run.stdout, run.stderr
    assert _tree(release) == before
