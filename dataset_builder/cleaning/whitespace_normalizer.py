"""Normalise white space and drop empty lines: paragraphs end up one per line, without indentation.

Ideographic spaces (U+3000), no-break and other Unicode spaces and zero-width characters become one ASCII space
inside a line and go entirely at its ends; Unicode line and paragraph separators become line breaks."""

from __future__ import annotations

import re

from ..document import Document
from .base import CleaningOperator

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u2060\u180e]+")
_LINE_BREAKS = re.compile(r"[\u2028\u2029\u0085\x0b\x0c]")
# Lines that start and end with a visible character, separated by single line breaks, single ASCII spaces inside.
_CLEAN = re.compile(r"[^\s\u200b\u2060\u180e](?:[^\s\u200b\u2060\u180e]| (?![ \n])|\n(?![\s\u200b\u2060\u180e]))*(?<=[^\s\u200b\u2060\u180e])|")


class WhitespaceNormalizer(CleaningOperator):
    name = "whitespace_normalizer"
    unit = "lines"

    def __call__(self, doc: Document) -> None:
        text = doc.text
        if _CLEAN.fullmatch(text):  # already one trimmed, non-empty line per paragraph: the common case
            return
        text = _LINE_BREAKS.sub("\n", text)
        before = text.count("\n") + 1
        text = _SPACES.sub(" ", text)
        lines = [line.strip(" ") for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        after = text.count("\n") + 1 if text else 0
        doc.record_edit(self.name, self.unit, before - after)
        doc.text = text
