"""Half-width punctuation typed inside Chinese text becomes the full-width mark Chinese writes there.

Pages typed on an English keyboard, or pasted through tools that fold widths, write 中国,美国 and 他说:“…”. Between
Han characters (or a Han character and a Chinese quotation mark or bracket) `,` `:` `;` `?` `!` become ，：；？！, with
the single spaces around them (full-width marks carry their own spacing); `?` and `!` also where they close a line
or a quotation of Chinese. A `?` inside a line of Chinese is a question mark only after a question particle (吗, 呢 ...):
elsewhere, and anywhere in a document flagged `gbk_misalignment`, it stands for a character an encoding lost. A pair of
parentheses becomes （） when what it encloses starts and ends with a Han character and a Han character stands right
outside it. A mark with a digit, a Latin letter or anything else on one side keeps its width: numbers (1,000 3.5),
times (12:30), scores (2:1), Latin text, URLs (http://) and e-mail addresses are left as written. Each mark changed
counts as one edit (unit `chars`).
"""

from __future__ import annotations

import re

from ..document import Document
from .base import CleaningOperator
from .text_units import HAN_CLASS

_BEFORE = HAN_CLASS + "”’」』》〉】）"  # what may stand before a Chinese mark: Han or a closing quote or bracket
_AFTER = HAN_CLASS + "“‘「『《〈【（"  # and after it: Han or an opening quote or bracket
_CLOSING = "”’」』》〉】）"
_FULL = str.maketrans(",:;?!()", "，：；？！（）")
# A ? between two Han characters is most often a character an encoding lost (the bench corpus's six: 另一?法,
# 深水?區, 大?城 ...), a question only after a question particle.
_QUESTION_PARTICLES = "吗嗎呢么麼吧"
_MARK = re.compile(
    rf"(?<=[{_BEFORE}]) ?([,:;]|!\??|!!|(?:(?<=[{_QUESTION_PARTICLES}])|(?<=[{_QUESTION_PARTICLES}] ))\?!?) ?(?=[{_AFTER}])"  # between Chinese characters
    rf"|(?<=[{_BEFORE}]) ?([?!]{{1,3}})(?=[{_CLOSING}]|\n|$)"  # closing a line or a quotation
)
_PARENTHESES = re.compile(
    rf"(?:(?<=[{_BEFORE}])\(([{HAN_CLASS}](?:[^()\n]{{0,58}}[{HAN_CLASS}])?)\)"
    rf"|\(([{HAN_CLASS}](?:[^()\n]{{0,58}}[{HAN_CLASS}])?)\)(?=[{_AFTER}]))"
)


class PunctuationWidthNormalizer(CleaningOperator):
    name = "punctuation_width_normalizer"
    unit = "chars"
    trigger = re.compile("[,:;?!()]")  # a character class: one fast scan finds nothing in most Chinese texts

    def __call__(self, doc: Document) -> None:
        changed = 0

        def widen_mark(match: re.Match[str]) -> str:
            nonlocal changed
            mark = match.group(1) or match.group(2)
            changed += len(mark)
            return mark.translate(_FULL)

        def widen_parentheses(match: re.Match[str]) -> str:
            nonlocal changed
            changed += 2
            return "（" + (match.group(1) or match.group(2)) + "）"

        text = _PARENTHESES.sub(widen_parentheses, doc.text) if "(" in doc.text else doc.text
        if "gbk_misalignment" in doc.flags:  # damage left unrepaired: its ? stands for lost bytes, not a question
            text = _MARK.sub(lambda m: m.group(0) if "?" in m.group(0) else widen_mark(m), text)
        else:
            text = _MARK.sub(widen_mark, text)
        if changed:
            doc.text = text
            doc.record_edit(self.name, self.unit, changed)
