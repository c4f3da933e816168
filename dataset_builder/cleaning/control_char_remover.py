"""Remove control and private-use characters: C0/C1 controls other than tab and newline, DEL, the byte-order mark,
and the private-use areas (icon fonts, mojibake leftovers), which carry no text.

Some sources use a private-use code point as their paragraph mark (SogouCS news: U+E40C between the headline and
the body and between paragraphs). A private-use character that follows the end of a sentence somewhere in the
document is taken for that document's paragraph mark: wherever it stands between text it becomes a line break
(edit unit `paragraphs`); elsewhere it goes like any other private-use character.
"""

from __future__ import annotations

import re

from ..document import Document
from .base import CleaningOperator

_UNWANTED_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\ufeff\ufff9-\ufffb\U000f0000-\U0010ffff]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# A private-use character right after a sentence end and before more text: a paragraph mark.
_MARK_AFTER_SENTENCE = re.compile("[。！？!?…”」』）)][ \u3000]*([\ue000-\uf8ff])[ \u3000]*(?=[^\\s\ue000-\uf8ff])")


def _paragraph_marks(text: str) -> tuple[str, int]:
    marks = {m.group(1) for m in _MARK_AFTER_SENTENCE.finditer(text)}
    converted = 0
    for mark in sorted(marks):
        between = re.compile(f"(?<=[^\\s])[ \u3000]*{re.escape(mark)}+[ \u3000]*(?=[^\\s])")
        text, n = between.subn("\n", text)
        converted += n
    return text, converted


class ControlCharRemover(CleaningOperator):
    name = "control_char_remover"
    unit = "chars"
    trigger = _UNWANTED_CHARS

    def __call__(self, doc: Document) -> None:
        text = doc.text
        first = _UNWANTED_CHARS.search(text)
        if first is None:
            return
        converted = 0
        if _PRIVATE_USE.search(text, first.start()):
            text, converted = _paragraph_marks(text)
        text, removed = _UNWANTED_CHARS.subn("", text)
        doc.text = text
        doc.record_edit(self.name, "paragraphs", converted)
        doc.record_edit(self.name, self.unit, removed)
