"""Detect whether a document was written in Traditional or Simplified characters, and convert to Simplified.

Detection is symmetric and needs no threshold: Traditional text changes more under Traditional->Simplified
conversion than under Simplified->Traditional, and Simplified text the other way round.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

from ..document import Document
from .base import CleaningOperator


@lru_cache(maxsize=None)
def _converter(profile: str) -> opencc.OpenCC:
    return opencc.OpenCC(profile)


def _differing(a: str, b: str) -> int:
    if len(a) != len(b):  # phrase-level conversions can change length; fall back to a set difference
        return abs(len(a) - len(b)) + sum(1 for x, y in zip(a, b) if x != y)
    return sum(1 for x, y in zip(a, b) if x != y)


def detect_script(text: str) -> str:
    """Return "Hant" or "Hans" for the original script of `text`."""
    to_simplified = _differing(text, _converter("t2s").convert(text))
    to_traditional = _differing(text, _converter("s2t").convert(text))
    return "Hant" if to_simplified > to_traditional else "Hans"


class ScriptConverter(CleaningOperator):
    name = "script_converter"
    unit = "chars"

    def __init__(self, to_simplified: bool = True, profile: str = "t2s") -> None:
        self.to_simplified = to_simplified
        self.profile = profile

    def __call__(self, doc: Document) -> None:
        doc.script = detect_script(doc.text)
        if self.to_simplified and doc.script == "Hant":
            converted = _converter(self.profile).convert(doc.text)
            doc.record_edit(self.name, self.unit, _differing(doc.text, converted))
            doc.text = converted
