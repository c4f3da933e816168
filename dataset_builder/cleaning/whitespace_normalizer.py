"""Normalise white space and drop empty lines: paragraphs end up one per line, without indentation.

Ideographic spaces (U+3000), no-break and other Unicode spaces and zero-width characters become one ASCII space
inside a line and go entirely at its ends; Unicode line and paragraph separators become line breaks."""

from __future__ import annotations

import re

import numpy as np

from ..document import Document
from .base import CleaningOperator
from .text_units import code_point_table
from .word_triggers import Layout

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u2060\u180e]+")
_LINE_BREAKS = re.compile(r"[\u2028\u2029\u0085\x0b\x0c]")
# A clean text: lines that start and end with a visible character, separated by single line breaks, single ASCII
# spaces inside. Anything else is found with one search over explicit classes (faster than the \s category) and a
# look at the two ends: a blank other than the space and the line break, a space before a space or a line break, a
# blank after a line break. Blanks: what \s matches (str.isspace, all below U+3001) and the zero-width characters.
_BLANKS = frozenset(c for c in map(chr, range(0x3001)) if c.isspace()) | {"\u200b", "\u2060", "\u180e"}
_UNCLEAN = re.compile(
    f"[{re.escape(''.join(sorted(_BLANKS - {' ', chr(10)})))}]| [ \n]|\n[{re.escape(''.join(sorted(_BLANKS)))}]"
)


def is_clean(text: str) -> bool:
    return not text or (text[0] not in _BLANKS and text[-1] not in _BLANKS and _UNCLEAN.search(text) is None)


_IS_BLANK = code_point_table(_BLANKS)


def unclean_texts(layout: Layout) -> list[int]:
    """The indexes of the texts that are not `is_clean`, for a whole batch in numpy: the search above costs about a
    microsecond a text. A pair of neighbours is counted for the text of its first character; a pair across two texts
    only flags a text ending in a blank, which its end flags anyway."""
    codes = layout.codes
    if len(codes) == 0:
        return []
    blank = _IS_BLANK[codes]
    space, newline = codes == 32, codes == 10
    unclean = blank & ~space & ~newline
    unclean[:-1] |= (space[:-1] & (space[1:] | newline[1:])) | (newline[:-1] & blank[1:])
    starts, ends = layout.bounds
    filled = ends > starts
    unclean[starts[filled]] |= blank[starts[filled]]
    unclean[ends[filled] - 1] |= blank[ends[filled] - 1]
    return np.unique(np.searchsorted(ends, np.flatnonzero(unclean), side="right")).tolist()


class WhitespaceNormalizer(CleaningOperator):
    name = "whitespace_normalizer"
    unit = "lines"

    def batch_candidates(self, layout: Layout) -> list[int]:
        return unclean_texts(layout)

    def process_many(self, docs: list[Document]) -> None:
        # The batch picked the texts `is_clean` refuses (`unclean_texts`), and a clean text but the empty one would
        # come out as it is anyway: the check is not asked a second time (a third of the bench's texts are picked).
        for doc in docs:
            if doc.text:
                self._normalize(doc)

    def __call__(self, doc: Document) -> None:
        if not is_clean(doc.text):  # already one trimmed, non-empty line per paragraph: the common case
            self._normalize(doc)

    def _normalize(self, doc: Document) -> None:
        text = _LINE_BREAKS.sub("\n", doc.text)
        before = text.count("\n") + 1
        text = _SPACES.sub(" ", text)
        lines = [line.strip(" ") for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        after = text.count("\n") + 1 if text else 0
        doc.record_edit(self.name, self.unit, before - after)
        doc.text = text
