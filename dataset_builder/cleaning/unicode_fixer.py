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
# Text made only of these characters has nothing ftfy could repair (mojibake is made of Latin-1, cp1252, Cyrillic
# ... characters; ftfy's other fixes concern controls, surrogates and odd line breaks), so ftfy is skipped. This is
# what keeps the operator fast on clean Chinese text.
_NOTHING_TO_FIX = re.compile(
    "[\t\n\x20-\x7e\u00b7\u00d7\u00f7\u2010-\u2027\u2030-\u205e\u2100-\u2bff\u2e80-\u2fdf\u3000-\u303f"
    "\u3040-\u30ff\u3100-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uffee"
    "\U00020000-\U0003134f]*"
)


class UnicodeFixer(CleaningOperator):
    name = "unicode_fixer"
    unit = "chars"

    def __init__(self, form: str = "NFC") -> None:
        self.form = form

    def __call__(self, doc: Document) -> None:
        before = doc.text
        text = before
        if "\n" not in text and text.count("\\n") >= 2:  # line breaks escaped twice on the way (JSON in JSON)
            text = text.replace("\\r\\n", "\n").replace("\\n", "\n")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if _NOTHING_TO_FIX.fullmatch(text) is None:
            text = ftfy.fix_text(text, _FTFY_CONFIG)
        if self.form != "none" and not unicodedata.is_normalized(self.form, text):
            text = unicodedata.normalize(self.form, text)
        if text != before:
            doc.record_edit(self.name, self.unit, changed_chars(before, text))
            doc.text = text


def changed_chars(before: str, after: str) -> int:
    """A cheap count of changed characters: length difference plus differing positions of the common prefix."""
    if len(before) == len(after):
        return max(1, sum(1 for a, b in zip(before, after) if a != b))
    return max(1, abs(len(before) - len(after)) + sum(1 for a, b in zip(before, after) if a != b))
