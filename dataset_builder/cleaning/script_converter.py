"""Detect whether a document was written in Traditional or Simplified characters, and convert to Simplified.

Detection counts characters that exist in only one of the two scripts (derived from OpenCC's own tables at first
use: a character is Traditional-only when t2s changes it and s2t does not, and the other way round). The majority
wins; a document with neither (or a tie) counts as Simplified. Only Traditional documents are converted, so OpenCC
runs at most once per document.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from ..document import Document
from .base import CleaningOperator
from .text_units import converter


@lru_cache(maxsize=None)
def _script_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    chars = [chr(c) for c in list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000)) + list(range(0xF900, 0xFB00))]
    joined = "\n".join(chars)
    simplified = converter("t2s").convert(joined).split("\n")
    traditional = converter("s2t").convert(joined).split("\n")
    if len(simplified) != len(chars) or len(traditional) != len(chars):  # pragma: no cover - OpenCC keeps lines
        raise RuntimeError("OpenCC changed the number of lines while deriving script tables")
    hant = {c for c, s, t in zip(chars, simplified, traditional) if s != c and t == c}
    hans = {c for c, s, t in zip(chars, simplified, traditional) if t != c and s == c}
    as_class = lambda found: re.compile("[" + "".join(sorted(found)) + "]")  # noqa: E731
    return as_class(hant), as_class(hans)


def script_counts(text: str) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) character counts; the second is only counted when the first is not 0."""
    hant, hans = _script_classes()
    traditional = len(hant.findall(text))
    return traditional, (len(hans.findall(text)) if traditional else 0)


def detect_script(text: str) -> str:
    """Return "Hant" or "Hans" for the original script of `text`."""
    traditional, simplified = script_counts(text)
    return "Hant" if traditional > simplified else "Hans"


def differing_chars(a: str, b: str) -> int:
    """Characters that differ between two texts (position by position when the lengths agree)."""
    if len(a) == len(b):
        x = np.frombuffer(a.encode("utf-32-le"), dtype=np.uint32)
        y = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
        return int(np.count_nonzero(x != y))
    return abs(len(a) - len(b)) + sum(1 for x, y in zip(a, b) if x != y)


class ScriptConverter(CleaningOperator):
    name = "script_converter"
    unit = "chars"

    def __init__(self, to_simplified: bool = True, profile: str = "t2s") -> None:
        self.to_simplified = to_simplified
        self.profile = profile

    def __call__(self, doc: Document) -> None:
        doc.script = detect_script(doc.text)
        if self.to_simplified and doc.script == "Hant":
            converted = converter(self.profile).convert(doc.text)
            if converted != doc.text:
                doc.record_edit(self.name, self.unit, differing_chars(doc.text, converted))
                doc.text = converted
