"""`dataset-builder init DIR`, then `dataset-builder build` in DIR on the user's own files."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from dataset_builder.config import CleanConfig, DedupConfig, FilterConfig, load_config
from dataset_builder.datasheet import MISSING, load_answers, questions
from dataset_builder.errors import DatasetBuilderError
from dataset_builder.init_project import init_project, workflow_yaml

from .conftest import SEED_VERSION

REPO = Path(__file__).resolve().parent.parent


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "dataset_builder.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


def test_init_writes_a_valid_commented_config_every_question_a_workflow_and_raw(tmp_path):
    written = init_project(tmp_path / "my-corpus")
    project = tmp_path / "my-corpus"
    assert sorted(p.relative_to(project).as_posix() for p in written) == [
        ".github/workflows/validate.yml", "dataset.toml", "datasheet.yaml", "raw/README.md"]
    config = load_config(project / "dataset.toml")
    assert config.name == "my-corpus" and config.version == "0.1.0"
    assert [(i.path, i.format) for i in config.inputs] == [("raw", "txt")]
    # every [clean] and [filter] setting is shown, commented out, at its real default
    text = (project / "dataset.toml").read_text("utf-8")
    uncommented = re.sub(r"(?m)^# (\w+ = .*)$", r"\1", text.split("[clean]", 1)[1])
    shown = tomllib.loads("[clean]" + uncommented)
    assert shown["clean"] == dataclasses.asdict(CleanConfig()) and shown["filter"] == dataclasses.asdict(FilterConfig())
    assert shown["dedup"] == dataclasses.asdict(DedupConfig())
    # every question, each still unanswered; the file passes the schema
    answers = load_answers(project / "datasheet.yaml")
    keys = [f"{s.key}.{q.key}" for s in questions() for q in s.questions]
    assert len(keys) == 57 and [k for k in answers.missing() if not k.startswith("about.")] == keys
    raw = yaml.safe_load((project / "datasheet.yaml").read_text("utf-8"))
    assert all(raw[k.split(".")[0]][k.split(".")[1]] == MISSING for k in keys)
    flat = " ".join((project / "datasheet.yaml").read_text("utf-8").replace("#", " ").split())
    assert all(" ".join(q.text.split()) in flat for s in questions() for q in s.questions)  # each question to read
    workflow = yaml.safe_load((project / ".github/workflows/validate.yml").read_text("utf-8"))
    assert workflow["env"]["RELEASE"] == "dist/my-corpus/0.1.0"
    assert workflow["env"]["DATASET_BUILDER"].startswith("zh-dataset-builder==")


def test_init_then_build_works_on_the_users_files_with_one_warning_line_for_the_datasheet(tmp_path):
    project = tmp_path / "corpus"
    made = _cli("init", str(project), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for seed in sorted((REPO / "seeds").glob("*.txt"))[:4]:
        shutil.copy(seed, project / "raw" / seed.name)
    built = _cli("build", cwd=project)
    assert built.returncode == 0, built.stderr
    release = project / "dist" / "corpus" / "0.1.0"
    assert "documents read      4" in built.stdout and (release / "manifest.json").is_file()
    datasheet_lines = [line for line in built.stderr.splitlines() if "datasheet.yaml" in line]
    assert len(datasheet_lines) == 1, built.stderr
    assert re.search(r"57 of 57 questions unanswered \(motivation 4, composition \d+, .*maintenance \d+\)",
                     datasheet_lines[0])
    assert "`dataset-builder datasheet --unanswered` lists them" in datasheet_lines[0]
    listed = _cli("datasheet", "--unanswered", cwd=project)
    assert listed.returncode == 0 and "64 unanswered" in listed.stdout
    assert "motivation.funding: no answer (Who funded the creation of the dataset?)" in listed.stdout
    assert _cli("validate", "dist/corpus/0.1.0", cwd=project).returncode == 0
    # the raw folder's note is not a document, and nothing but the release and the datasheet was written
    assert {p.relative_to(project).as_posix() for p in project.iterdir()} == {
        ".github", "dataset.toml", "datasheet.yaml", "raw", "dist", "DATASHEET.md"}


def test_init_never_overwrites_and_names_the_file_it_would_have_replaced(tmp_path):
    (tmp_path / "dataset.toml").write_text("name = 'mine'\n", encoding="utf-8")
    with pytest.raises(DatasetBuilderError, match=r"dataset.toml: already exists"):
        init_project(tmp_path)
    assert (tmp_path / "dataset.toml").read_text("utf-8") == "name = 'mine'\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset.toml"]  # nothing else written either
    refused = _cli("init", str(tmp_path), cwd=tmp_path)
    assert refused.returncode == 1 and "already exists" in refused.stderr and "Traceback" not in refused.stderr


def test_this_repositorys_workflow_is_the_one_init_writes():
    assert (REPO / ".github/workflows/validate.yml").read_text("utf-8") == workflow_yaml("zh-web-seeds", SEED_VERSION)
