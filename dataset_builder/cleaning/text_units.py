"""Character classes and small line predicates shared by the operators and the metadata extractor.

Everything here counts characters, not space-separated words: Chinese has no spaces between words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import opencc

# Han characters: CJK Extension A, the Unified Ideographs and the Compatibility Ideographs, as [start, stop) ranges
# for the numpy tables and as a regex class.
HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
HAN_CLASS = "".join(f"{chr(start)}-{chr(stop - 1)}" for start, stop in HAN_RANGES)
HAN = re.compile(f"[{HAN_CLASS}]")
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")
# Sentence punctuation anywhere in a line: a line with none of these is a title, a label or a link.
SENTENCE_PUNCT = re.compile(r"[。！？；，,!?;]")
# What a finished sentence or paragraph ends with (closing quotes and brackets after the mark are allowed).
SENTENCE_END = re.compile(r"[。！？!?…；;][”’」』）)\"'】]*\s*$")
ELLIPSIS_END = re.compile(r"(?:\.{3,}|…+|。{3,}|·{3,})\s*$")
LETTER_OR_DIGIT_CLASS = rf"{HAN_CLASS}A-Za-z0-9\u00c0-\u024f\u0370-\u04ff\u3040-\u30ff\uac00-\ud7af\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
LETTER_OR_DIGIT = re.compile(f"[{LETTER_OR_DIGIT_CLASS}]")
# The same class as [start, stop) ranges, for numpy tables (a test holds the two equal).
LETTER_OR_DIGIT_RANGES = HAN_RANGES + (
    (0x41, 0x5B), (0x61, 0x7B), (0x30, 0x3A), (0xC0, 0x250), (0x370, 0x500), (0x3040, 0x3100), (0xAC00, 0xD7B0),
    (0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B),
)


def han_count(text: str) -> int:
    """Han characters in `text`."""
    return sum(map(len, HAN_RUN.findall(text)))  # runs, not characters: fewer objects to build


# Batches in numpy: the texts of a batch laid end to end as one array of code points, and per-text sums over it.

def code_points(text: str) -> np.ndarray:
    # surrogatepass: a lone surrogate (JSON can carry one) is a code point like any other here
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def text_bounds(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of each text in `code_points("".join(texts))`."""
    ends = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))  # no list: 1.6x faster
    np.cumsum(ends, out=ends)
    starts = np.empty_like(ends)
    starts[:1] = 0
    starts[1:] = ends[:-1]
    return starts, ends


def pair_key(first, second):
    """`first`'s bits above a code point's 21 and `second` in them: the key of a pair of code points (ints or numpy
    uint64 arrays alike), or a key extended by one more code point."""
    return (first << 21) | second


def among_sorted(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of `keys` is one of `sorted_keys` (sorted, distinct), by binary search."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    found = np.searchsorted(sorted_keys, keys)
    return sorted_keys[np.minimum(found, len(sorted_keys) - 1)] == keys


def code_point_table(chars: str = "", ranges: tuple[tuple[int, int], ...] = (), *, others: bool = False) -> np.ndarray:
    """A flag per code point (for `np.take` over a batch's code points): `not others` for `chars` and for the
    [start, stop) `ranges`, `others` for every other code point."""
    table = np.full(0x110000, others, dtype=bool)
    for start, stop in ranges:
        table[start:stop] = not others
    table[[ord(c) for c in chars]] = not others
    return table


def text_groups(texts: Sequence[str], chars: int) -> Iterator[tuple[int, int]]:
    """(first, last) ranges of `texts`, in order, each of about `chars` code points (a text and its line break
    counted), so a batch's numpy work needs no arrays of a whole shard's size."""
    first, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= chars:
            yield first, i + 1
            first, size = i + 1, 0
    if first < len(texts):
        yield first, len(texts)


def per_text(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of each text's code points are flagged."""
    total = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    return total[ends] - total[starts]


def is_paragraph(line: str, min_chars: int = 30) -> bool:
    """A line of running text: long enough and made of sentences (not a title, label, link or list item)."""
    return len(line) >= min_chars and SENTENCE_PUNCT.search(line) is not None or (
        len(line) >= 8 and SENTENCE_END.search(line) is not None
    )


_FULL_STOP = re.compile(r"。|(?<![0-9０-９])．(?![0-9０-９])")
# A sentence closed by a full stop after at least eleven characters of its line: prose, found with one search.
_PROSE = re.compile(r"[^\n]{11}。")


def is_running_text(line: str) -> bool:
    """A line of sentences, not a headline or a link: a full stop, or long with sentence punctuation. Stricter than
    `is_paragraph`, which also takes short lines ending in ？ or ！ (headlines do that)."""
    # `_FULL_STOP` finds every 。 but, opening with an alternation, is tried at each position of a line (a long line
    # without a full stop cost tens of microseconds): `in` answers first, the regex runs only for a bare ．.
    if "。" in line or ("．" in line and _FULL_STOP.search(line)):
        return len(line) >= 12 or _FULL_STOP.search(line[:-1]) is not None
    return len(line) >= 50 or (len(line) >= 30 and SENTENCE_PUNCT.search(line) is not None)


def has_running_text(text: str) -> bool:
    """Whether any line of the text is running text (menus, link lists and SEO pages have none)."""
    return _PROSE.search(text) is not None or any(is_running_text(line) for line in text.split("\n"))


@lru_cache(maxsize=None)
def converter(profile: str) -> opencc.OpenCC:
    return opencc.OpenCC(profile)


SPELLINGS_FILE = Path(__file__).with_name("traditional_spellings.json")
ASKED: set[str] = set()  # every word with_traditional was asked about in this process (kept_tables reads it)


@lru_cache(maxsize=1)
def known_spellings() -> dict[str, list[str]]:
    """word -> `opencc_spellings(word)` for the vocabulary of the stages, kept in the package: every process of a
    build makes its patterns from ~500 words at import, and loading the three OpenCC converters for them took 0.09
    of its 0.6 CPU-s of imports and 60 of its 140 MiB (no stage converts with them).
    `python -m dataset_builder.cleaning.kept_tables` rewrites the file after a change of vocabulary; a test
    holds it equal to OpenCC's answers (a word missing from it is converted here)."""
    try:
        return json.loads(SPELLINGS_FILE.read_text("utf-8"))
    except FileNotFoundError:  # deleted to be made again: every word is converted, so kept_tables can still run
        return {}


def opencc_spellings(word: str) -> list[str]:
    """The word, then its Traditional spellings (OpenCC's s2t, s2tw and s2hk), each once, in that order."""
    out: list[str] = []
    for variant in (word, converter("s2t").convert(word), converter("s2tw").convert(word), converter("s2hk").convert(word)):
        if variant not in out:
            out.append(variant)
    return out


def with_traditional(words: list[str] | tuple[str, ...]) -> list[str]:
    """The words plus their Traditional spellings, so vocabulary also matches text that is not converted."""
    known = known_spellings()
    out: list[str] = []
    for word in words:
        ASKED.add(word)
        for variant in known.get(word) or opencc_spellings(word):
            if variant not in out:
                out.append(variant)
    return out


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of the words (and their Traditional spellings), longest first."""
    return "|".join(re.escape(w) for w in sorted(with_traditional(words), key=len, reverse=True))
