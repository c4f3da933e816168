"""Remove content-farm pinyin annotations: a Han character followed by its own reading in parentheses.

Content farms print Simplified text as Traditional with pinyin after some characters: 區(qū), 鎮（zhen）. An
annotation is removed only when the parenthesised word is a reading of the character right before it (per
pypinyin, tones ignored), so asides such as (陈龙 报道), (2014年29期) or 服务APP(手机客户端) are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, pinyin

from ..document import Document
from .base import CleaningOperator

_ANNOTATION = re.compile(
    r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"  # a Han character
    r"[(（]\s*([A-Za-zÀ-ɏ\u0300-\u036f]{1,7}[1-5]?)\s*[)）]"  # (pinyin), ASCII or full-width, tone marks or not
)


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.rstrip("12345").replace("v", "u")


@lru_cache(maxsize=65536)
def _readings(han: str) -> frozenset[str]:
    found = pinyin(han, style=Style.TONE, heteronym=True, errors="ignore")
    return frozenset(_toneless(r) for group in found for r in group)


class PinyinAnnotationRemover(CleaningOperator):
    name = "pinyin_annotation_remover"
    unit = "annotations"

    def __call__(self, doc: Document) -> None:
        removed = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal removed
            han, word = match.group(1), match.group(2)
            if _toneless(word) in _readings(han):
                removed += 1
                return han
            return match.group(0)

        text = _ANNOTATION.sub(replace, doc.text)
        if removed:
            doc.text = text
            doc.record_edit(self.name, self.unit, removed)
