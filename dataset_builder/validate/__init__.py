"""Validation of releases and configs.

`validate_path(path, strict=False) -> Report` checks a release folder (dist/<name>/<version>/) or a config file
(*.toml); `validate_main(path, fmt, strict) -> int` prints the report (text, json or github) and returns the exit
code for `dataset-builder validate`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

from .report import FORMATS, Problem, Report, format_report
from .rows import RowValidator, UnsupportedSchema, document_row_validator, python_regex_to_re2

__all__ = [
    "FORMATS", "Problem", "Report", "RowValidator", "UnsupportedSchema", "check_config_file", "document_row_validator",
    "format_report", "python_regex_to_re2", "validate_main", "validate_path",
]


def _toml_line(text: str, key: str) -> int | None:
    """Best-effort line of a dotted key (`split.train`, `inputs[0].format`) in a TOML file, for annotations."""
    parts = [p for p in re.split(r"[.\[\]]+", key) if p and not p.isdigit()]
    if not parts:
        return None
    lines = text.splitlines()
    last = parts[-1]
    for n, line in enumerate(lines, 1):
        if re.match(rf"^\s*\[\[?\s*{re.escape(key.split('[')[0])}\s*\]\]?\s*$", line) and len(parts) == 1:
            return n
        if re.match(rf"^\s*\"?{re.escape(last)}\"?\s*=", line):
            return n
    return None


def check_config_file(path: Path, report: Report) -> None:
    """The config schema and the Hub vocabularies, on a dataset.toml, before any build work starts."""
    from ..config import check_config_data

    import tomllib

    name = path.name
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        report.add(Problem(name, f"cannot read the config: {exc.strerror or exc}", check="config"))
        return
    except UnicodeDecodeError as exc:
        report.add(Problem(name, f"not UTF-8 at byte {exc.start}", check="config"))
        return
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        report.add(Problem(name, f"not valid TOML: {exc}", line=int(m.group(1)) if m else None, check="config"))
        return
    prefix = f"{name}: "
    for msg in check_config_data(data, name):
        body = msg[len(prefix):] if msg.startswith(prefix) else msg
        key, _, what = body.partition(": ")
        report.add(Problem(name, what or body, field=key, line=_toml_line(text, key), check="config"))


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
