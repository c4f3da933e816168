"""Which Han characters are common, and how often two characters form a word.

- `COMMON`: the 3,755 level-1 characters of GB2312 (the most frequent Simplified characters) and the 5,401 common
  characters of Big5 (A440-C67E, the most frequent Traditional ones), read from the codecs themselves.
- `bigram_frequency`: frequency of two-character words in the jieba dictionary (jieba is only used as a word list).
Both are loaded on first use: most documents never need them.
"""

from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=None)
def common_chars() -> frozenset[str]:
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):  # GB2312 level 1: rows 16-55
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):  # Big5 frequently used characters: A440-C67E
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if (lead, trail) > (0xC6, 0x7E):
                break
            try:
                chars.add(bytes([lead, trail]).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def common_share(text: str) -> float:
    """Share of the Han characters of `text` that are common ones (1.0 when it has none)."""
    common = common_chars()
    han = [c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    if not han:
        return 1.0
    return sum(c in common for c in han) / len(han)


@lru_cache(maxsize=None)
def _two_char_words() -> dict[str, int]:
    import jieba  # only its dictionary file is read; jieba's segmenter is not initialised

    words: dict[str, int] = {}
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and len(parts[0]) == 2:
                words[parts[0]] = int(parts[1])
    return words


def bigram_frequency(pair: str) -> int:
    return _two_char_words().get(pair, 0)


def word_coverage(text: str) -> float:
    """Share of the Han characters of `text` that belong to a known two-character word with a neighbour."""
    from .text_units import HAN, converter

    simple = converter("t2s").convert(text)
    if len(simple) != len(text):
        simple = text
    han = [bool(HAN.match(c)) for c in simple]
    if not any(han):
        return 1.0
    covered = [False] * len(simple)
    for i in range(len(simple) - 1):
        if han[i] and han[i + 1] and bigram_frequency(simple[i : i + 2]):
            covered[i] = covered[i + 1] = True
    return sum(covered) / sum(han)
