"""The project as a user installs it: its distribution name, its command, its CI workflow example."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import distribution
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
NAME = "zh-dataset-builder"


def _requirement_name(requirement: str) -> str:
    return re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1).lower().replace("_", "-")


def test_distribution_is_zh_dataset_builder_with_the_dataset_builder_command():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["name"] == NAME
    assert project["scripts"] == {"dataset-builder": "dataset_builder.cli:main"}
    installed = distribution(NAME)  # the installed metadata, not only the file
    assert [e.name for e in installed.entry_points if e.group == "console_scripts"] == ["dataset-builder"]


def test_workflow_example_installs_this_project_never_the_other_dataset_builder():
    workflow = yaml.safe_load((REPO / ".github/workflows/validate.yml").read_text("utf-8"))
    requirement = workflow["env"]["DATASET_BUILDER"]
    assert _requirement_name(requirement) == NAME
    steps = workflow["jobs"]["validate"]["steps"]
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs == ['pip install "$DATASET_BUILDER"']


def test_license_file_is_the_apache_2_0_text_the_metadata_declares():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    text = (REPO / "LICENSE").read_text("utf-8")
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    assert " ".join(text.split()[:6]) == "Apache License Version 2.0, January 2004"
    assert "END OF TERMS AND CONDITIONS" in text and len(text.split()) > 1500  # the whole licence, not a stub
