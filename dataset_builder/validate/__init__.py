"""Validation of releases and configs.

`validate_path(path, strict=False) -> Report` checks a release folder (dist/<name>/<version>/) or a config file
(*.toml); `validate_main(path, fmt, strict) -> int` prints the report (text, json or github) and returns the exit
code for `dataset-builder validate`.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from .report import FORMATS, Problem, Report, format_report
from .rows import RowValidator, UnsupportedSchema, document_row_validator, python_regex_to_re2

__all__ = [
    "FORMATS", "Problem", "Report", "RowValidator", "UnsupportedSchema", "check_config_file", "document_row_validator",
    "format_report", "python_regex_to_re2", "validate_main", "validate_path",
]


def check_config_file(path: Path, report: Report) -> None:
    """The config schema and the Hub vocabularies, on a dataset.toml, before any build work starts."""
    from ..config import ConfigFileError, check_config_data, read_config_file, toml_key_line

    name = path.name
    try:
        text, data = read_config_file(path)
    except ConfigFileError as exc:
        report.add(Problem(name, exc.what, line=exc.line, check="config"))
        return
    prefix = f"{name}: "
    for msg in check_config_data(data, name):
        body = msg[len(prefix):] if msg.startswith(prefix) else msg
        key, _, what = body.partition(": ")
        report.add(Problem(name, what or body, field=key, line=toml_key_line(text, key), check="config"))


def validate_path(path: str | Path, strict: bool = False, *, check_load: bool = True) -> Report:
    """Validate a release folder or a config file. Never raises for a broken input: every problem is in the
    report. `strict` also fails datasheet answers left as [More Information Needed]. `check_load=False` skips
    loading the release with `datasets` (the slowest check)."""
    from .release import check_release

    path = Path(path)
    report = Report(path=str(path))
    if path.is_file() and path.suffix == ".toml":
        report.kind = "config"
        check_config_file(path, report)
        report.problems = [replace(p, file=path.as_posix()) for p in report.problems]
        report.stats["files_checked"] = 1
    elif path.is_dir():
        report.kind = "release"
        check_release(path, report, strict=strict, check_load=check_load)
        # name files as the user can open them: the release path as given, then the file inside it
        report.problems = [replace(p, file=(path / p.file).as_posix() if p.file else path.as_posix())
                           for p in report.problems]
        report.suppressed = {(path / k).as_posix(): v for k, v in report.suppressed.items()}
    elif not path.exists():
        report.add(Problem(str(path), "does not exist", check="input"))
    else:
        report.add(Problem(str(path), "not a release folder (dist/<name>/<version>) or a config file (*.toml)",
                           check="input"))
    return report


def validate_main(path: str, fmt: str = "text", strict: bool = False) -> int:
    """Print the validation report of `path` in `fmt` (text, json, github); 0 when nothing is wrong, else 1.
    (2 for a format this does not know.)"""
    if fmt not in FORMATS:
        print(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", file=sys.stderr)
        return 2
    report = validate_path(path, strict=strict)
    print(format_report(report, fmt))
    return 0 if report.ok else 1
