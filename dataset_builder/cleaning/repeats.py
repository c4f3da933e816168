"""Repeats inside one document.

- `TeaserRemover`: a truncated teaser (a line ending in "..." or "…") whose text opens a later, longer line is
  removed: the full paragraph is kept.
- `DuplicateLineRemover`: a line repeated verbatim is kept once (its first occurrence). Lines shorter than
  `min_chars` (list markers, short refrains) are left alone.
"""

from __future__ import annotations

from ..document import Document
import re

from .base import LineOperator, candidate_lines, drop_lines
from .text_units import ELLIPSIS_END

_ELLIPSIS_LINE = re.compile(r"\.\.\.|…|。。。|···")

_MIN_TEASER_CHARS = 10


class TeaserRemover(LineOperator):
    name = "teaser_remover"
    unit = "paragraphs"
    trigger = _ELLIPSIS_LINE

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        drop: set[int] = set()
        for i in candidate_lines(_ELLIPSIS_LINE, lines):
            line = lines[i]
            match = ELLIPSIS_END.search(line)
            if match is None:
                continue
            opening = line[: match.start()].rstrip()
            if len(opening) < _MIN_TEASER_CHARS:
                continue
            if any(j != i and len(other) > len(opening) and other.startswith(opening) for j, other in enumerate(lines)):
                drop.add(i)
        return drop_lines(self, lines, doc, drop)


class DuplicateLineRemover(LineOperator):
    name = "duplicate_line_remover"

    def __init__(self, min_chars: int = 10) -> None:
        self.min_chars = min_chars

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        if len(set(lines)) == len(lines):
            return lines
        seen: set[str] = set()
        drop: set[int] = set()
        for i, line in enumerate(lines):
            if len(line) < self.min_chars:
                continue
            if line in seen:
                drop.add(i)
            else:
                seen.add(line)
        return drop_lines(self, lines, doc, drop)
