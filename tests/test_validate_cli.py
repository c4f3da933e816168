"""validate_main's output formats and exit codes, config-file validation, and the schemas themselves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from dataset_builder.schema import load_schema
from dataset_builder.validate import validate_main, validate_path
from dataset_builder.validate.report import Problem, Report, format_report
from dataset_builder.vocab import size_category

from .conftest import SEED_VERSION
from .validate_helpers import refresh_manifest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def broken_release(seed_release, tmp_path) -> Path:
    root = tmp_path / "dist" / seed_release.parent.name / seed_release.name
    shutil.copytree(seed_release, root)
    text = (root / "README.md").read_text("utf-8").replace("license: unknown", "license: nope")
    (root / "README.md").write_text(text, "utf-8")
    refresh_manifest(root)
    return root


@pytest.mark.parametrize("name", ["document", "config", "manifest"])
def test_schemas_are_valid_2020_12_and_described(name):
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema.get("description")

    defs = schema.get("$defs", {})

    def described(node) -> bool:
        if node.get("description"):
            return True
        ref = node.get("$ref", "")
        return ref.startswith("#/$defs/") and bool(defs[ref.split("/")[-1]].get("description"))

    def walk(node, where):
        if isinstance(node, dict):
            for key, child in (node.get("properties") or {}).items():
                assert described(child), f"{where}.{key} has no description"
                walk(child, f"{where}.{key}")
            for sub in ("items", "additionalProperties"):
                if isinstance(node.get(sub), dict):
                    walk(node[sub], f"{where}[]")

    walk(schema, name)


def test_clean_release_exit_0_and_summary(seed_release, capsys):
    assert validate_main(str(seed_release), "text", False) == 0
    out = capsys.readouterr().out.strip().splitlines()
    files = sum(1 for p in seed_release.rglob("*") if p.is_file())
    assert out == [f"{seed_release}: OK ({files} files, 5 rows checked)"]


def test_text_format_one_line_per_problem_then_summary(broken_release, capsys):
    assert validate_main(str(broken_release), "text", False) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(f"{broken_release}/README.md:")
    assert "license: license 'nope' is not a Hub licence identifier" in lines[0]
    files = sum(1 for p in broken_release.rglob("*") if p.is_file())
    assert lines[-1] == f"{broken_release}: 1 problem ({files} files, 5 rows checked)"


def test_json_format(broken_release, capsys):
    assert validate_main(str(broken_release), "json", False) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    [p] = data["problems"]
    assert p["file"] == f"{broken_release}/README.md" and p["field"] == "license" and isinstance(p["line"], int)


def test_github_format(broken_release, capsys):
    assert validate_main(str(broken_release), "github", False) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(f"::error file={broken_release}/README.md,line=")
    assert lines[0].endswith("::license: license 'nope' is not a Hub licence identifier (e.g. apache-2.0, cc-by-4.0, "
                             "unknown, other)")
    assert lines[-1].startswith("::error::")


def test_github_escaping():
    r = Report(path="x", problems=[Problem(file="a,b:c.md", message="50% of\nrows", row=3, field="f", line=2)])
    first = format_report(r, "github").splitlines()[0]
    assert first == "::error file=a%2Cb%3Ac.md,line=2,title=f::row 3: f: 50%25 of rows"


def test_unknown_format_is_exit_2(seed_release):
    assert validate_main(str(seed_release), "xml", False) == 2


def test_missing_path():
    report = validate_path("/nonexistent/release")
    assert not report.ok and "does not exist" in report.problems[0].message


# --- config files ------------------------------------------------------------------------------------------------

def test_project_config_validates_clean():
    report = validate_path(REPO / "dataset.toml")
    assert report.kind == "config"
    assert report.ok, [p.text() for p in report.problems]


@pytest.mark.parametrize("change,field,line_text", [
    ((f"version = \"{SEED_VERSION}\"", "version = \"0.1\""), "version", "version ="),
    (("min_chars = 50", "min_chars = -1"), "filter.min_chars", "min_chars ="),
    (("format = \"txt\"", "format = \"csv\""), "inputs[0].format", "format ="),
    (("license = \"unknown\"", "license = \"cc-by-5.0\""), "license", "license ="),
    (("task_categories = [\"text-generation\"]", "task_categories = [\"chat\"]"), "task_categories[0]",
     "task_categories ="),
    (("\ntrain = ", "\ntrian = 0.1\ntrain = "), "split.trian", "trian ="),
    (("unicode_form = \"NFC\"", "unicode_form = \"NFKC\""), "clean.unicode_form", "unicode_form ="),
])
def test_config_problems_name_key_and_line(tmp_path, change, field, line_text):
    text = (REPO / "dataset.toml").read_text("utf-8")
    assert change[0] in text
    text = text.replace(change[0], change[1], 1)
    path = tmp_path / "dataset.toml"
    path.write_text(text, "utf-8")
    report = validate_path(path)
    assert not report.ok
    hits = [p for p in report.problems if p.field == field]
    assert hits, [p.text() for p in report.problems]
    assert hits[0].file == path.as_posix()
    assert hits[0].line is not None and text.splitlines()[hits[0].line - 1].lstrip().startswith(line_text)


def test_config_not_toml(tmp_path):
    path = tmp_path / "dataset.toml"
    path.write_text("name = \n", "utf-8")
    report = validate_path(path)
    assert not report.ok and report.problems[0].line == 1


def test_size_category_boundaries():
    assert [size_category(n) for n in (0, 999, 1000, 9999, 10_000, 999_999, 1_000_000)] == [
        "n<1K", "n<1K", "1K<n<10K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M"]


def test_module_entry_point_runs_in_a_fresh_process(seed_release):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "dataset_builder.validate", str(seed_release), "--format", "json"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
