"""Markup: the card and DATASHEET.md render without raw HTML or unsafe links that came from data."""

from __future__ import annotations

from typing import Iterator

from ...release.reader import CARD, DATASHEET
from ..card_markup import markdown_problems
from ..report import Problem
from ..view import ReleaseView, problem


def markup_problems(view: ReleaseView) -> Iterator[Problem]:
    for name in (CARD, DATASHEET):
        if not view.release.has(name):
            continue
        text = view.release.read_text(name, errors="replace")
        offset = 0
        if text.startswith("---\n") and "\n---\n" in text[3:]:  # the card's YAML front matter is not Markdown
            end = text.index("\n---\n", 3) + len("\n---\n")
            offset, text = text[:end].count("\n"), text[end:]
        for line, message in markdown_problems(text, offset):
            yield problem(name, message, line=line, check="markup")
