"""`dataset-builder init DIR`: the files a new dataset project starts from.

    dataset.toml                    the config, every choice commented (the [clean], [filter] and [dedup] defaults shown)
    datasheet.yaml                  every question of Datasheets for Datasets, each answer the unanswered marker
    .github/workflows/validate.yml  the validation workflow, pointing at the first release
    raw/README.md                   where the raw files go

An existing file is never overwritten: init refuses, naming it, before writing anything.
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
from importlib.resources import files
from pathlib import Path

from . import __version__
from .config import CleanConfig, DedupConfig, FilterConfig
from .datasheet.answers import MISSING, questions
from .errors import DatasetBuilderError
from .schema import load_schema

FIRST_VERSION = "0.1.0"
RAW_NOTE = """\
# raw/

Put the dataset's raw files here: `.txt` files (UTF-8, GB18030 or Big5; one document per file), optionally with a
`metadata.jsonl` sidecar (one JSON object per file, keyed by `file_name`) named in `dataset.toml`. Other formats
(JSON Lines, Parquet) are declared as `[[inputs]]` of their own. dataset-builder reads these files and never
changes them; the release's manifest records the SHA-256 of every one.

Only `*.txt` files are read from this folder, so this note is not a document.
"""


class InitError(DatasetBuilderError):
    """The target already holds a project file, or its name cannot be a dataset name."""


def _template(name: str) -> str:
    return files("dataset_builder").joinpath("templates", name).read_text("utf-8")


def dataset_name(folder: Path) -> str:
    """A valid dataset name from the folder's name (letters, digits, '.', '_', '-'; 96 characters at most)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.resolve().name).strip("-._")[:96]
    return name or "my-dataset"


def _toml_value(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else json.dumps(value)


def _defaults_section(table: str, settings: type) -> str:
    """A [clean], [filter] or [dedup] table with every default commented out under its description from the schema."""
    node = load_schema("config")["properties"][table]
    described = node["properties"]
    lines = [f"[{table}]"] + _comment(f"{node.get('description', '')} The defaults are shown; uncomment a line to "
                                      "change it, and say in a comment where the new value comes from.", "")
    for spec in dataclasses.fields(settings):
        lines += ["#"] + [f"# {line}" for line in textwrap.wrap(described[spec.name].get("description", ""), 110)]
        lines.append(f"# {spec.name} = {_toml_value(spec.default)}")
    return "\n".join(lines) + "\n"


def dataset_toml(name: str) -> str:
    return (_template("dataset.toml").replace("@NAME@", name) + "\n" + _defaults_section("clean", CleanConfig)
            + "\n" + _defaults_section("filter", FilterConfig) + "\n" + _defaults_section("dedup", DedupConfig))


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(" ".join(text.split()), 110 - len(indent))]


def datasheet_yaml(name: str) -> str:
    """Every question, the paper's follow-ups as comments, each answer the marker (an unanswered question)."""
    out = [
        f"# The answers to Datasheets for Datasets (Gebru et al., 2021) for the dataset {name}, in Markdown.",
        f'# Replace each "{MISSING}" by the answer. A question still showing the marker (or left blank) is',
        "# unanswered: the documents show the marker, the build warns in one line, `dataset-builder datasheet",
        "# --unanswered` lists them, and --strict makes them errors. Do not type figures (counts, lengths, dates,",
        "# sources, cleaning statistics): dataset-builder computes them from the release. A long answer is a block:",
        "# `purpose: |` and the answer's lines indented below it.",
        "datasheet_version: 1",
        "",
        "about:",
    ]
    about = load_schema("datasheet")["properties"]["about"]["properties"]
    for key, node in about.items():
        out += _comment(f"{node['title']}: {node['description']}", "  ")
        if key == "creators":
            out += ["  creators: []   # e.g. - name: My Lab", ""]
        else:
            out += [f"  # {key}: null   # left out: unanswered; null: there is none", ""]
    for section in questions():
        out += ["", f"{section.key}:"]
        for q in section.questions:
            out += _comment(q.text, "  ")
            out += [f'  {q.key}: "{MISSING}"']
    return "\n".join(out) + "\n"


def workflow_yaml(name: str, version: str = FIRST_VERSION) -> str:
    return (_template("validate.yml").replace("@NAME@", name).replace("@VERSION@", version)
            .replace("@TOOLKIT_VERSION@", __version__))


def init_project(folder: str | Path, name: str | None = None) -> list[Path]:
    """Write the starting files of a dataset project into `folder` (created if needed); return their paths."""
    folder = Path(folder)
    name = name or dataset_name(folder)
    if not re.fullmatch(load_schema("config")["properties"]["name"]["pattern"].strip("^$"), name):
        raise InitError(f"{name!r} cannot be a dataset name (letters, digits, '.', '_', '-'); pass --name")
    wanted = {
        folder / "dataset.toml": dataset_toml(name),
        folder / "datasheet.yaml": datasheet_yaml(name),
        folder / ".github" / "workflows" / "validate.yml": workflow_yaml(name),
        folder / "raw" / "README.md": RAW_NOTE,
    }
    present = [p for p in wanted if p.exists() or p.is_symlink()]
    if present:
        raise InitError(f"{present[0]}: already exists; init writes only into a new project and overwrites "
                        "nothing" + (f" ({len(present) - 1} more present)" if len(present) > 1 else ""))
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return list(wanted)
