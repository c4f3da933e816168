"""Triggers that are pure alternations of literal words, or classes of characters, answered for a batch in numpy.

Python's regex engine searches an alternation of many words by trying every word at each position whose character
opens one of them; with hundreds of navigation or spam words, many opening with common characters (上, 人, 在), that
costs microseconds per short document. A word can only occur where its first two characters occur (its only
character, for a word of one; and where its first three do, for a longer word), so a batch is answered by looking
those pairs up in numpy over the batch's code points (`Layout`, computed once and shared by the operators while no
text changes): the texts where none occurs are skipped, the others (a superset of the texts holding a word) are
searched by the regex itself when the operator runs.
An operator's word triggers are merged into one table, so it costs one pass whatever their number.
"""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from .text_units import among_sorted, code_points, pair_key, per_text, text_bounds

_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPED_BAR = re.compile(r"(?<!\\)\|")

Spec = tuple[list[str], list[tuple[int, int]]]  # words of two or more characters; ranges of single characters


class Layout:
    """A batch's texts laid end to end as code points, with where each text ends."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    @cached_property
    def codes(self) -> np.ndarray:
        return code_points("".join(self.texts))

    @cached_property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(starts, ends) of each text in `codes`."""
        return text_bounds(self.texts)

    @property
    def ends(self) -> np.ndarray:
        return self.bounds[1]

    def replaced(self, changed: dict[int, str]) -> Layout:
        """This layout with the texts at some indexes replaced. When few changed, the others' code points are copied
        from this layout's, not encoded again, and the bounds shifted: an operator changes a few texts of a batch,
        and the next trigger asks for the code points of all."""
        texts = list(self.texts)
        for i, text in changed.items():
            texts[i] = text
        layout = Layout(texts)
        if "codes" not in self.__dict__ or len(changed) * 8 > len(texts):
            return layout  # nothing laid out yet, or so much changed that laying out anew is as cheap
        starts, ends = self.bounds
        order = sorted(changed)
        old_starts, old_ends = starts[order].tolist(), ends[order].tolist()
        pieces, copied = [], 0
        for i, start, end in zip(order, old_starts, old_ends):
            pieces += [self.codes[copied:start], code_points(texts[i])]
            copied = end
        pieces.append(self.codes[copied:])
        growth = np.zeros(len(texts), dtype=np.int64)
        growth[order] = [len(texts[i]) - (end - start) for i, start, end in zip(order, old_starts, old_ends)]
        new_ends = ends + np.cumsum(growth)
        layout.codes = np.concatenate(pieces)  # the cached properties' values, as they would be computed
        layout.bounds = (new_ends - np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), new_ends)
        return layout

    @cached_property
    def lines(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, text indexes) in `codes` of every line of every text, as `text.split("\\n")` makes them."""
        codes = self.codes
        starts, ends = self.bounds
        breaks = np.flatnonzero(codes == 10)
        # A text's lines start at its start and after each of its line breaks, and end at each break and at its end.
        # Each is two sorted arrays end to end: timsort ("stable") merges the two runs in one pass.
        line_starts = np.sort(np.concatenate((starts, breaks + 1)), kind="stable")
        line_ends = np.sort(np.concatenate((ends, breaks)), kind="stable")
        owners = np.repeat(np.arange(len(ends)), np.diff(np.searchsorted(breaks, np.concatenate(([0], ends)))) + 1)
        return line_starts, line_ends, owners


class WordTrigger:
    def __init__(self, specs: list[Spec]) -> None:
        self.singles = np.zeros(0x110000, dtype=bool)
        for _, ranges in specs:
            for low, high in ranges:
                self.singles[low : high + 1] = True
        words = {w for words, _ in specs for w in words}
        pairs = sorted({(ord(w[0]), ord(w[1])) for w in words})
        self.first = np.zeros(0x110000, dtype=bool)
        self.second = np.zeros(0x110000, dtype=bool)
        self.first[[a for a, _ in pairs]] = True
        self.second[[b for _, b in pairs]] = True
        self.keys = np.array([pair_key(a, b) for a, b in pairs], dtype=np.uint64)
        # A pair that is a word of two characters is that word; a pair that only opens longer words is one where
        # their third character follows too. Common pairs ("er" of "Error", "50" of "503") stand in many texts where
        # no word does: the third character leaves a few of their positions for the regex to confirm (`matches`).
        self.two_character_words = np.array(sorted({pair_key(ord(w[0]), ord(w[1])) for w in words if len(w) == 2}),
                                            dtype=np.uint64)
        self.triples = np.array(sorted({pair_key(pair_key(ord(w[0]), ord(w[1])), ord(w[2])) for w in words if len(w) > 2}),
                                dtype=np.uint64)
        # The three tables in one, so a batch costs one look-up per code point: 1 a single, 2 a pair's first
        # character, 4 a pair's second.
        self.marks = self.singles.astype(np.uint8) | (self.first.astype(np.uint8) << 1) | (self.second.astype(np.uint8) << 2)

    def candidates(self, layout: Layout) -> set[int]:
        """Indexes of the texts where a word may occur. (np.take, and flatnonzero of booleans: fancy indexing and
        flatnonzero of bytes cost several times more; a set of every hit's text cost most when hits are many.)"""
        hit, pairs = self._hits(layout)
        hit[pairs] = True
        return self._texts_hit(layout, hit)

    def matches(self, layout: Layout, patterns: tuple[re.Pattern[str], ...]) -> set[int]:
        """Indexes of the texts where one of `patterns` (the pure alternations and classes this table was made of)
        finds something: a single character is a match; a word's first two characters are one where a pattern
        matches there. Exact, so the operator need not search the text again: one search of a few hundred words
        over a long text cost up to 36 us, and most texts picked by their pairs alone hold no word."""
        hit, pairs = self._hits(layout)
        found = self._texts_hit(layout, hit)
        if len(pairs):
            starts = layout.bounds[0]
            owners = np.searchsorted(layout.ends, pairs, side="right")
            texts = layout.texts
            for owner, position in zip(owners.tolist(), pairs.tolist()):
                if owner not in found:
                    text, local = texts[owner], position - int(starts[owner])
                    if any(p.match(text, local) is not None for p in patterns):
                        found.add(owner)
        return found

    def _hits(self, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
        """(whether each code point is a single, the positions where a word's first two characters are)."""
        codes = layout.codes
        if not (len(self.keys) and len(codes) >= 2):
            return np.take(self.singles, codes), np.empty(0, dtype=np.int64)
        marks = np.take(self.marks, codes)
        maybe = np.flatnonzero((marks[:-1] & (marks[1:] >> 1) & 2) != 0)
        keys = pair_key(codes[maybe].astype(np.uint64), codes[maybe + 1])
        paired = among_sorted(self.keys, keys)
        at, keys = maybe[paired], keys[paired]
        if len(at) and len(self.triples):
            # A word of three characters or more at `at` has its third one at at + 2, inside the same text.
            inside = at + 2 < len(codes)
            third = np.take(codes, np.minimum(at + 2, len(codes) - 1)).astype(np.uint64)
            at = at[among_sorted(self.two_character_words, keys) | (among_sorted(self.triples, pair_key(keys, third)) & inside)]
        return (marks & 1) != 0, at

    @staticmethod
    def _texts_hit(layout: Layout, hit: np.ndarray) -> set[int]:
        starts, ends = layout.bounds
        positions = np.flatnonzero(hit)
        if len(positions) <= len(ends):  # few hits: the texts they fall in
            return set(np.searchsorted(ends, positions, side="right").tolist())
        return set(np.flatnonzero(per_text(hit, starts, ends)).tolist())


def word_spec(pattern: re.Pattern[str]) -> Spec | None:
    """What a trigger is made of when it is exactly `"|".join(re.escape(word) ...)`, or a class of characters and
    ranges written as themselves (`[&<]`, `[\\x00-\\x08\\ue000-\\uf8ff]`), without flags; else None."""
    if pattern.flags & ~re.UNICODE or not pattern.pattern:
        return None
    if pattern.pattern.startswith("["):
        return _class_spec(pattern.pattern)
    words = [_UNESCAPE.sub(r"\1", part) for part in _UNESCAPED_BAR.split(pattern.pattern)]
    if not all(words) or "|".join(re.escape(w) for w in words) != pattern.pattern:
        return None
    return [w for w in words if len(w) > 1], [(ord(w), ord(w)) for w in words if len(w) == 1]


def _class_spec(source: str) -> Spec | None:
    inner = source[1:-1]
    if not source.endswith("]") or not inner or inner[0] in "^-" or inner[-1] == "-" or any(c in inner for c in "[]\\"):
        return None
    ranges: list[tuple[int, int]] = []
    i = 0
    while i < len(inner):
        if i + 2 < len(inner) and inner[i + 1] == "-":
            ranges.append((ord(inner[i]), ord(inner[i + 2])))
            i += 3
        elif inner[i] == "-":
            return None
        else:
            ranges.append((ord(inner[i]), ord(inner[i])))
            i += 1
    return [], ranges
