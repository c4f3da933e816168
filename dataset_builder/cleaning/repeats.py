"""Repeats inside one document.

- `TeaserRemover`: a truncated teaser (a line ending in "..." or "…") whose text opens a later, longer line is
  removed: the full paragraph is kept.
- `DuplicateLineRemover`: a line repeated verbatim is kept once (its first occurrence). Lines shorter than
  `min_chars` (list markers, short refrains) are left alone.
"""

from __future__ import annotations

import re

import numpy as np

from ..document import Document
from .base import LineOperator, candidate_lines, drop_lines
from .text_units import ELLIPSIS_END
from .word_triggers import Layout

_ELLIPSIS_LINE = re.compile(r"\.\.\.|…|。。。|···")

_MIN_TEASER_CHARS = 10
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it mixes, modulo 2**64


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

    def batch_candidates(self, layout: Layout) -> list[int]:
        """The texts where two lines of `min_chars` or more may be equal, in numpy: two such lines with the same text,
        length and first, middle and last character (a key mixing these). Equal lines always share the key; other
        lines rarely do (a poem's verses share length and closing mark, seldom all three characters). A Python call
        and a set of the lines for every text cost 0.8 us."""
        starts, ends, owners = layout.lines
        long = ends - starts >= self.min_chars
        starts, ends, owners = starts[long], ends[long], owners[long]
        key = owners.astype(np.uint64) * _MIX + (ends - starts).astype(np.uint64)
        for probe in (starts, (starts + ends) // 2, ends - 1):
            key = key * _MIX + np.take(layout.codes, probe).astype(np.uint64)
        order = np.argsort(key)
        same = key[order[1:]] == key[order[:-1]]
        return np.unique(np.concatenate((owners[order[1:][same]], owners[order[:-1][same]]))).tolist()

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
