"""DATASHEET.md: the seven Datasheets for Datasets sections, none empty; with --strict, no question left as
[More Information Needed]."""

from __future__ import annotations

import re
from typing import Iterator

from ...release.reader import DATASHEET
from ..report import Problem
from ..view import ReleaseView, problem

DATASHEET_SECTIONS = (
    "Motivation", "Composition", "Collection Process", "Preprocessing/Cleaning/Labeling", "Uses", "Distribution",
    "Maintenance",
)
MORE_INFO = "[More Information Needed]"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _norm_heading(text: str) -> str:
    text = re.sub(r"^\s*(\d+[.)]?\s*)+", "", text)  # "3. Collection Process"
    return re.sub(r"[^a-z]", "", text.lower())


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, level, normalised text) of every heading outside code fences."""
    headings = []
    in_code = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        m = None if in_code else _HEADING.match(line)
        if m:
            headings.append((i, len(m.group(1)), _norm_heading(m.group(2))))
    return headings


def datasheet_problems(view: ReleaseView) -> Iterator[Problem]:
    if not view.release.has(DATASHEET):
        return
    lines = view.release.read_text(DATASHEET, errors="replace").splitlines()
    headings = _headings(lines)
    for section in DATASHEET_SECTIONS:
        want = _norm_heading(section)
        found = [h for h in headings if h[2] == want]
        if not found:
            yield problem(DATASHEET, f"section {section!r} is missing (the seven Datasheets for Datasets "
                          "sections are required)", field=section, check="datasheet")
            continue
        start, level, _ = found[0]
        stop = next((h[0] for h in headings if h[0] > start and h[1] <= level), len(lines))
        body = [l for l in lines[start + 1:stop] if l.strip() and not re.match(r"^#{1,6}\s", l)]
        if not body:
            yield problem(DATASHEET, f"section {section!r} is empty", field=section, line=start + 1, check="datasheet")
        if view.strict:
            yield from _unanswered(lines, section, start, stop)


def _unanswered(lines: list[str], section: str, start: int, stop: int) -> Iterator[Problem]:
    question = None
    for j in range(start + 1, stop):
        m = _HEADING.match(lines[j])
        if m:
            question = m.group(2)
        elif MORE_INFO.lower() in lines[j].lower():
            asked = f" ({question[:80]}{'…' if len(question) > 80 else ''})" if question else ""
            yield problem(DATASHEET, f"section {section!r} has an unanswered question{asked}: "
                          f"{MORE_INFO}; --strict requires every answer", field=section, line=j + 1, check="datasheet")
