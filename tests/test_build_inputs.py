"""The release carries what it was built from: build/dataset.toml and build/datasheet.yaml, listed in the
manifest and validated."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from dataset_builder.build import build_release


def _validate(release) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dataset_builder.cli", "validate", str(release)],
                          capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "300"})


def test_release_keeps_its_config_and_answers_listed_and_validated(seed_project):
    release = build_release(seed_project / "dataset.toml").release_dir
    assert (release / "build/dataset.toml").read_bytes() == (seed_project / "dataset.toml").read_bytes()
    assert (release / "build/datasheet.yaml").read_bytes() == (seed_project / "datasheet.yaml").read_bytes()
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    assert {"build/dataset.toml", "build/datasheet.yaml"} <= {f["path"] for f in manifest["files"]}
    assert _validate(release).returncode == 0

    # a config that is not the one the manifest records, and answers the schema refuses, are problems
    config = release / "build/dataset.toml"
    config.write_text(config.read_text("utf-8").replace("min_chars = 50", "min_chars = 5"), encoding="utf-8")
    answers = release / "build/datasheet.yaml"
    answers.write_text(answers.read_text("utf-8") + "bogus: 1\n", encoding="utf-8")
    run = _validate(release)
    assert run.returncode == 1
    assert "build/dataset.toml: is not the config manifest.json records" in run.stdout
    assert "build/datasheet.yaml: bogus: Additional properties are not allowed" in run.stdout

    # a kept config that is not TOML gets the message dataset.toml itself would get
    config.write_text("name = \n", encoding="utf-8")
    run = _validate(release)
    assert run.returncode == 1
    assert "build/dataset.toml: not valid TOML: " in run.stdout
