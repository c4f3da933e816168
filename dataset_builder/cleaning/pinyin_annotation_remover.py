"""Remove content-farm pinyin annotations: Han characters followed by their own reading in parentheses.

Content farms print text with pinyin after some characters: 區(qū), 鎮（zhen）, 鎮(zhen4), and sometimes after a
word: 银行(yínháng), 银行（yin hang）. An annotation is removed only when the parenthesised letters spell the
readings of the one to four characters right before it (per pypinyin, all readings of each character, tones
ignored). Farms convert Simplified text to Traditional and keep the reading of the original Simplified character,
which may not be a reading of the Traditional one (了→瞭 le, 吁→籲 xū, 参→蔘 cān): the readings of the characters'
Simplified counterparts count too, both what OpenCC t2s makes of them (character by character and as a phrase) and
every Simplified character that OpenCC's Simplified-to-Traditional table can turn into the one shown (瞭 <- 了,
which t2s leaves as 瞭 because 瞭 is also a Simplified character, 明瞭). Asides such as (陈龙 报道), (2014年29期), 服务APP(手机客户端) or 这本书(ma) are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..document import Document
from .base import CleaningOperator
from .opencc_table import simplified_sources
from .text_units import converter

_LETTERS = r"A-Za-zÀ-ɏ\u0300-\u036f"
_ANNOTATION = re.compile(
    r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"  # right after a Han character
    rf"[(（]\s*([{_LETTERS}]{{1,7}}[1-5]?(?:[\s'’-]?[{_LETTERS}]{{1,7}}[1-5]?){{0,3}})\s*[)）]"  # (pinyin), either parentheses
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\s'’-]+")


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[1-5]", "", bare).replace("v", "u")


@lru_cache(maxsize=65536)
def _readings(han: str) -> frozenset[str]:
    """The readings of a character and of the Simplified characters it may stand for."""
    # Imported on the first annotation-like match: its phrase tables take 0.1 s to load in every worker process,
    # and most texts have no parenthesised Latin right after a Han character.
    from pypinyin import Style, pinyin

    found = pinyin(han, style=Style.TONE, heteronym=True, errors="ignore")
    counterparts = {converter("t2s").convert(han)} | simplified_sources().get(han, frozenset())
    for simplified in sorted(counterparts - {han}):
        found += pinyin(simplified, style=Style.TONE, heteronym=True, errors="ignore")
    return frozenset(_toneless(r) for group in found for r in group)


def _spells(word: str, chars: str) -> bool:
    """Whether `word` (toneless, no separators) is the readings of `chars` one after the other."""
    if not chars:
        return not word
    return any(word.startswith(r) and _spells(word[len(r) :], chars[1:]) for r in _readings(chars[0]) if r)


def annotated_length(text: str, start: int, word: str) -> int:
    """How many characters before `start` the reading `word` annotates (0: it is not a reading)."""
    bare = _SEPARATORS.sub("", _toneless(word))
    for n in range(1, 5):
        chars = text[start - n : start]
        if len(chars) < n or not _HAN.fullmatch(chars[0]):
            return 0
        if _spells(bare, chars):
            return n
        phrase = converter("t2s").convert(chars)  # a phrase-level conversion may pick another character
        if phrase != chars and len(phrase) == n and _spells(bare, phrase):
            return n
    return 0


class PinyinAnnotationRemover(CleaningOperator):
    name = "pinyin_annotation_remover"
    unit = "annotations"
    trigger = re.compile("[(（]")

    def __call__(self, doc: Document) -> None:
        text = doc.text
        if "(" not in text and "（" not in text:
            return
        removed = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal removed
            if annotated_length(match.string, match.start(), match.group(1)):
                removed += 1
                return ""
            return match.group(0)

        text = _ANNOTATION.sub(replace, text)
        if removed:
            doc.text = text
            doc.record_edit(self.name, self.unit, removed)
