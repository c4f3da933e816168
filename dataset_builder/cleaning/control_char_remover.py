"""Remove control and private-use characters: C0/C1 controls other than tab and newline, DEL, the byte-order mark,
and the private-use areas (icon fonts, mojibake leftovers), which carry no text."""

from __future__ import annotations

import re

from ..document import Document
from .base import CleaningOperator

_UNWANTED_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\ufeff\ufff9-\ufffb\U000f0000-\U0010ffff]")


class ControlCharRemover(CleaningOperator):
    name = "control_char_remover"
    unit = "chars"
    trigger = _UNWANTED_CHARS

    def __call__(self, doc: Document) -> None:
        text, removed = _UNWANTED_CHARS.subn("", doc.text)
        if removed:
            doc.text = text
            doc.record_edit(self.name, self.unit, removed)
