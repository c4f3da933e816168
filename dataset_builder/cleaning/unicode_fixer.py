"""Repair broken Unicode without folding widths: full-width punctuation (，。：) stays full-width."""

from __future__ import annotations

import re
import unicodedata

import ftfy
import numpy as np

from ..document import Document
from .base import CleaningOperator
from .text_units import code_point_table, per_text
from .word_triggers import Layout

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
_NOTHING_TO_FIX_RANGES = (
    (0x09, 0x0A), (0x20, 0x7E), (0xB7, 0xB7), (0xD7, 0xD7), (0xF7, 0xF7), (0x2010, 0x2027), (0x2030, 0x205E),
    (0x2100, 0x2BFF), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x33FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF01, 0xFFEE), (0x20000, 0x3134F),
)
_NOTHING_TO_FIX = re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _NOTHING_TO_FIX_RANGES) + "]*")
# The same class as a table, for a whole batch (`UnicodeFixer.batch_candidates`); the backslash is in the class but
# flagged anyway, for the line breaks escaped twice.
_MAY_NEED_FIXING = code_point_table(ranges=tuple((low, high + 1) for low, high in _NOTHING_TO_FIX_RANGES), others=True)
_MAY_NEED_FIXING |= code_point_table("\\")


class UnicodeFixer(CleaningOperator):
    name = "unicode_fixer"
    unit = "chars"

    def __init__(self, form: str = "NFC") -> None:
        self.form = form

    def batch_candidates(self, layout: Layout) -> list[int]:
        """The texts `__call__` may change: those with a character outside the class (or a backslash), found in
        numpy for the batch, and those not in normal form. A Python call, a full match and a normal-form check per
        text cost 0.8 us; the normal-form check alone 0.2 us."""
        starts, ends = layout.bounds
        flagged = (per_text(np.take(_MAY_NEED_FIXING, layout.codes), starts, ends) > 0).tolist()
        form = self.form
        return [i for i, (text, flag) in enumerate(zip(layout.texts, flagged))
                if flag or (form != "none" and not unicodedata.is_normalized(form, text))]

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
