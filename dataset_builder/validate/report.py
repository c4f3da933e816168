"""Problems found by validation, and the three ways of printing them (text, json, github).

Every problem names the file (relative to the folder validated), and where known the row (0-based, within that
file), the line (1-based, for text files), and the field; the message says what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from dataclasses import field as dataclass_field
from typing import Any, Iterable

FORMATS = ("text", "json", "github")


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None
    field: str | None = None
    line: int | None = None
    check: str = ""  # which check found it (rows, schema, manifest, card, datasheet, load, ...)
    # what sort of row problem it is, for capping repeats (validate.release); not part of the report
    kind: str = dataclass_field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        # one problem, one line: messages from libraries sometimes carry newlines
        object.__setattr__(self, "message", " ".join(str(self.message).split()))

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.row is not None:
            where += f": row {self.row}"
        if self.field:
            where += f": {self.field}"
        return where

    def text(self) -> str:
        return f"{self.location()}: {self.message}"


@dataclass
class Report:
    """What `validate_path` found. `ok` is true when nothing is wrong."""

    path: str
    kind: str = ""  # "release" or "config"
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)  # rows checked, files checked, seconds, ...
    # Problems of one kind beyond the per-kind cap are counted here, not listed (see `add`).
    suppressed: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def summary(self) -> str:
        rows = self.stats.get("rows_checked")
        files = self.stats.get("files_checked")
        parts = []
        if files is not None:
            parts.append(f"{files} files")
        if rows is not None:
            parts.append(f"{rows} rows")
        checked = f" ({', '.join(parts)} checked)" if parts else ""
        if self.ok:
            return f"{self.path}: OK{checked}"
        n = len(self.problems)
        out = f"{self.path}: {n} problem{'s' if n != 1 else ''}"
        hidden = sum(self.suppressed.values())
        if hidden:
            out += f" listed, {hidden} more of the same kinds not listed"
        invalid = self.stats.get("invalid_rows")
        if invalid:
            out += f"; {invalid} row{' fails' if invalid == 1 else 's fail'} the row schema"
        return out + checked

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "ok": self.ok,
            "problems": [{k: v for k, v in asdict(p).items() if k != "kind"} for p in self.problems],
            "suppressed": dict(self.suppressed),
            "stats": dict(self.stats),
            "summary": self.summary(),
        }


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def format_report(report: Report, fmt: str, base: str | None = None) -> str:
    """Render a report. `base` is prefixed to file names in github annotations so they point into the repo."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)
    lines: list[str] = []
    if fmt == "text":
        lines = [p.text() for p in report.problems]
        lines.append(report.summary())
    else:
        for p in report.problems:
            file = p.file if not base else f"{base.rstrip('/')}/{p.file}" if p.file else base
            props = [f"file={_gh_escape_prop(file)}"]
            if p.line is not None:
                props.append(f"line={p.line}")
            title = " ".join(x for x in (p.check, p.field) if x)
            if title:
                props.append(f"title={_gh_escape_prop(title)}")
            row = f"row {p.row}: " if p.row is not None else ""
            fld = f"{p.field}: " if p.field else ""
            lines.append(f"::error {','.join(props)}::{_gh_escape_data(row + fld + p.message)}")
        kind = "notice" if report.ok else "error"
        lines.append(f"::{kind}::{_gh_escape_data(report.summary())}")
    return "\n".join(lines)
