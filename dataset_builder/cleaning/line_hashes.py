"""8-byte hashes of the lines of many texts at once, in numpy, for the cross-document step.

One BLAKE2b digest a line cost that step about 0.4 us a line in Python calls (1.5 million lines in the bench corpus,
most of its time). Here each character is mixed with its position in its line (SplitMix64's finaliser, which
spreads every input bit over the 64 output bits), a line's values are added up modulo 2**64 with one running
sum over the whole batch, and the sum is mixed once more with the line's length. Two different lines get the same
hash with a chance of about 2**-64, as with a truncated digest; the same line always gets the same hash, in any
process and on any machine (no seed, only integer arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .text_units import code_points, text_groups

_SPLITMIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
_LENGTH = np.uint64(0x9E3779B97F4A7C15)
_SHIFTS = (np.uint64(30), np.uint64(27), np.uint64(31))
_POSITION = np.uint64(21)  # code points have 21 bits; the position in the line goes above them
# Texts are hashed in groups of about this many code points, so a large shard does not need arrays of its size.
_GROUP_CHARS = 1 << 20


def _mixed(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _SHIFTS[0])
    x *= _SPLITMIX[0]
    x ^= x >> _SHIFTS[1]
    x *= _SPLITMIX[1]
    return x ^ (x >> _SHIFTS[2])


@dataclass
class TextLines:
    """Every line of some texts (`text.split("\\n")` of each, in order): its hash, its length and its text's index."""

    hashes: np.ndarray  # uint64
    lengths: np.ndarray  # int64
    owners: np.ndarray  # int64, index into the texts


def text_lines(texts: list[str]) -> TextLines:
    parts = [_group_lines(texts[first:last], first) for first, last in text_groups(texts, _GROUP_CHARS)]
    if len(parts) <= 1:
        return parts[0] if parts else _group_lines([], 0)
    return TextLines(*(np.concatenate([getattr(p, name) for p in parts]) for name in ("hashes", "lengths", "owners")))


def _group_lines(texts: list[str], offset: int) -> TextLines:
    """The texts joined by line breaks: every line break ends a line, those between texts also end a text."""
    if not texts:
        return TextLines(np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.int64))
    codes = code_points("\n".join(texts))
    is_break = codes == 10
    breaks = np.flatnonzero(is_break)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(codes)]))
    line_of_char = np.cumsum(is_break) - is_break  # the line breaks before each character
    position = np.arange(len(codes), dtype=np.int64) - starts[line_of_char]
    values = _mixed(codes.astype(np.uint64) | (position.astype(np.uint64) << _POSITION))
    values[is_break] = 0
    sums = np.concatenate(([np.uint64(0)], np.cumsum(values, dtype=np.uint64)))
    lengths = ends - starts
    hashes = _mixed((sums[ends] - sums[starts]) + lengths.astype(np.uint64) * _LENGTH)
    text_ends = np.cumsum([len(text) + 1 for text in texts], dtype=np.int64) - 1  # where each text's line ends
    owners = np.searchsorted(text_ends, starts, side="left") + offset
    return TextLines(hashes, lengths, owners)


def line_hash(line: str) -> int:
    """The hash of one line (without a line break)."""
    return int(text_lines([line]).hashes[0])
