"""Normalise white space and drop empty lines: paragraphs end up one per line, without indentation."""

from __future__ import annotations

import re

from ..document import Document
from .base import CleaningOperator

# Ideographic space (U+3000), no-break spaces and other Unicode spaces count as white space; so do zero-width ones.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u2060]+")


class WhitespaceNormalizer(CleaningOperator):
    name = "whitespace_normalizer"
    unit = "lines"

    def __call__(self, doc: Document) -> None:
        lines = doc.text.split("\n")
        kept = []
        for line in lines:
            line = _SPACES.sub(" ", line).strip()
            if line:
                kept.append(line)
        doc.record_edit(self.name, self.unit, len(lines) - len(kept))
        doc.text = "\n".join(kept)
