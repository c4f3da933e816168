"""Repair broken Unicode without folding widths: full-width punctuation (，。：) stays full-width."""

from __future__ import annotations

import re
import unicodedata

import ftfy

from ..document import Document
from .base import CleaningOperator

# ftfy's defaults include NFKC normalisation and width folding, which would turn ，。： into ASCII.
# Only the repairs are kept; normalisation is done separately with NFC.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    normalization=None,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    explain=False,
)
# C0/C1 controls other than tab and newline, and the private-use areas (mojibake leftovers, icon fonts).
_UNWANTED_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff\ufeff]")


class UnicodeFixer(CleaningOperator):
    name = "unicode_fixer"
    unit = "chars"

    def __init__(self, form: str = "NFC") -> None:
        self.form = form

    def __call__(self, doc: Document) -> None:
        before = doc.text
        text = before.replace("\r\n", "\n").replace("\r", "\n")
        text = ftfy.fix_text(text, _FTFY_CONFIG)
        text = _UNWANTED_CHARS.sub("", text)
        if self.form != "none":
            text = unicodedata.normalize(self.form, text)
        if text != before:
            doc.record_edit(self.name, self.unit, _changed_chars(before, text))
            doc.text = text


def _changed_chars(before: str, after: str) -> int:
    """A cheap count of changed characters: length difference plus differing positions of the common prefix."""
    common = min(len(before), len(after))
    differing = sum(1 for i in range(common) if before[i] != after[i])
    return max(1, differing + abs(len(before) - len(after)))
