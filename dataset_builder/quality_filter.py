"""Quality signals counted in characters (Chinese has no spaces between words) and the thresholds that reject.

Every signal is stored on the document whether or not it passes, so thresholds can be re-tuned later. The checks
run in a fixed order and the first failure is the recorded reason: not_chinese, too_short, low_han_ratio,
few_line_end_punct, repetitive, no_running_text (menus, link lists, SEO pages: not one line of sentences).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np

from .cleaning.text_units import (
    HAN_RANGES, among_sorted, code_point_table, code_points, han_count, has_running_text, per_text, text_bounds,
)
from .config import FilterConfig
from .document import Document
from .stage import Stage

_LINE_END_PUNCT = tuple("。！？!?…”」』）)；;：:")
_NGRAM = 10  # character n-gram length for the repetition signal
_SHORT_TEXT = 400  # longer texts are measured in numpy (`_repeated_ngram_ratio_numpy`), one at a time
_MIX = np.uint64(0x9E3779B97F4A7C15)
_IS_HAN = code_point_table(ranges=HAN_RANGES)  # code point -> Han
_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# Letters of other alphabets (Cyrillic, Greek, Arabic, Hebrew, Indic, Thai, ...): rare in Chinese text.
_OTHER_LETTER = re.compile(r"[\u0370-\u1dbf\u1f00-\u1fff]+")
# Any letter but Han: most Chinese documents have none, and then no class needs counting. (First and last code point
# of each range: Latin, kana, Hangul, the alphabets from Greek to Mongolian.)
_NON_HAN_LETTER_RANGES = (
    (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x3040, 0x309F), (0x30A0, 0x30FF), (0xAC00, 0xD7AF), (0x1100, 0x11FF),
    (0x3130, 0x318F), (0x0370, 0x1DBF), (0x1F00, 0x1FFF),
)
_NON_HAN_LETTER = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in _NON_HAN_LETTER_RANGES) + "]")
_IS_NON_HAN_LETTER = code_point_table(ranges=tuple((a, b + 1) for a, b in _NON_HAN_LETTER_RANGES))


_IS_SPACE_OR_BREAK = code_point_table(" \n")  # what `han_ratio` does not count as visible


def han_ratio(text: str, han: int | None = None) -> float:
    visible = len(text) - text.count(" ") - text.count("\n")
    if han is None:
        han = han_count(text)
    return han / visible if visible else 0.0


def line_end_punct_ratio(text: str) -> float:
    lines = [line for line in text.split("\n") if line]
    return sum(line.endswith(_LINE_END_PUNCT) for line in lines) / len(lines) if lines else 0.0


_ENDS_LINE = code_point_table(_LINE_END_PUNCT)


def line_end_punct_ratios(texts: list[str]) -> list[float]:
    """`line_end_punct_ratio` of each text, for the whole batch in numpy: the texts joined and closed by line
    breaks, each line break ends a line, the line is empty when a line break comes right before it."""
    if not texts:
        return []
    codes = code_points("\n".join(texts) + "\n")
    breaks = np.flatnonzero(codes == 10)
    closing = np.cumsum([len(text) + 1 for text in texts]) - 1  # the line break closing each text
    owner = np.searchsorted(closing, breaks)
    last = codes[breaks - 1]  # breaks[0] - 1 is -1 only when it is 0: then the line is empty anyway
    filled = (breaks > 0) & (last != 10)
    lines = np.bincount(owner[filled], minlength=len(texts)).tolist()
    ended = np.bincount(owner[filled & np.take(_ENDS_LINE, last)], minlength=len(texts)).tolist()
    return [e / n if n else 0.0 for e, n in zip(ended, lines)]


@lru_cache(maxsize=None)
def _ngrams(n: int) -> re.Pattern[str]:
    return re.compile(f"(?=(.{{{n}}}))", re.DOTALL)


def _repeated_ngram_ratio_numpy(text: str, n: int) -> float:
    """The same measure for long texts: 64-bit rolling hashes of every n-gram, sorted, in numpy."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    size = len(codes)
    hashes = rolling_hashes(codes, n)
    ranked = np.sort(hashes)  # only which hashes recur is needed, not where: a plain sort, not an argsort
    recurring = np.unique(ranked[1:][ranked[1:] == ranked[:-1]])
    if len(recurring) == 0:
        return 0.0
    starts = np.flatnonzero(among_sorted(recurring, hashes))
    depth = np.cumsum(np.bincount(starts, minlength=size + 1) - np.bincount(starts + n, minlength=size + 1))
    return float(np.count_nonzero(depth[:size])) / size


_BASE = 1_000_003


def _power(k: int) -> np.uint64:
    return np.uint64(pow(_BASE, k, 1 << 64))


def rolling_hashes(codes: np.ndarray, n: int) -> np.ndarray:
    """sum(codes[i + k] * _BASE ** (n - 1 - k) for k < n) for each n-gram start i, modulo 2**64 (numpy wraps around,
    as intended). Built by doubling (the hashes of 1, 2, 4, 8 ... characters, each from two halves), so a 10-gram
    costs 4 steps, not 10: on texts of a thousand characters the numpy calls, not the arithmetic, are the cost."""
    spans = {1: codes}
    width = 1
    while width * 2 <= n:
        half = spans[width]
        spans[width * 2] = half[:-width] * _power(width) + half[width:]
        width *= 2
    hashes, done = spans[width], width
    for part in sorted(spans, reverse=True):  # the rest of n, from the largest spans down
        if done + part <= n:
            hashes = hashes[: len(hashes) - part] * _power(part) + spans[part][done:]
            done += part
    return hashes


def repeated_ngram_ratio(text: str, n: int = _NGRAM) -> float:
    """Share of characters covered by character n-grams that occur more than once in the text."""
    size = len(text)
    if size <= n:
        return 0.0
    if size > _SHORT_TEXT:
        return _repeated_ngram_ratio_numpy(text, n)
    grams = _ngrams(n).findall(text)  # every overlapping n-gram, collected by the regex engine
    if len(set(grams)) == len(grams):  # no n-gram repeats: the common case, answered without a second pass
        return 0.0
    counts = Counter(grams)
    covered = bytearray(size)
    ones = b"\x01" * n
    for i, gram in enumerate(grams):
        if counts[gram] > 1:
            covered[i : i + n] = ones
    return covered.count(1) / size


def may_repeat(texts: list[str]) -> list[bool]:
    """For each text, False when no character 10-gram occurs twice in it (its `repeated_ngram_ratio` is 0.0), True
    when one may. The texts are answered together from a hash of every 10-gram, built from its ten code points only
    (so equal 10-grams hash alike): a text may repeat only where two of its hashes are equal."""
    answer = [False] * len(texts)
    counted = [i for i, text in enumerate(texts) if len(text) > _NGRAM]
    for first in range(0, len(counted), _TAGS):
        group = counted[first : first + _TAGS]
        for k in _repeating([texts[i] for i in group]):
            answer[group[k]] = True
    return answer


_TAGS = 1 << 16  # texts per group: their number takes the top 16 bits of a 60-bit key, the hash the other 44
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)
# Texts of up to 512 10-grams are answered row by row: numpy sorts short rows of a 2D block with SIMD sorting
# networks, which over the bench corpus in batches of 5000 took about half the time of the keyed path (bucket
# rounds, then a sort). Wider rows sort more slowly than that path, so longer texts take it.
_ROW_WIDTHS = (16, 32, 64, 128, 256, 512)


def _repeating(texts: list[str]) -> list[int]:
    """The indexes of the texts (each longer than a 10-gram) where two 10-grams may be equal."""
    codes = code_points("".join(texts))
    starts, ends = text_bounds(texts)
    grams = _gram_hashes(codes)
    counts = ends - starts - (_NGRAM - 1)  # the 10-grams of each text; the ones starting later run into the next
    found = []
    narrower = 0
    for width in _ROW_WIDTHS:
        rows = np.flatnonzero((counts > narrower) & (counts <= width))
        narrower = width
        if len(rows):
            found.append(rows[_repeats_in_rows(grams, starts[rows], counts[rows], width)])
    longer = np.flatnonzero(counts > narrower)
    if len(longer):
        found.append(longer[_repeats_by_key(grams, starts[longer], counts[longer])])
    return sorted(np.concatenate(found).tolist()) if found else []


def _repeats_in_rows(grams: np.ndarray, starts: np.ndarray, counts: np.ndarray, width: int) -> np.ndarray:
    """Which texts (each of at most `width` 10-grams) have two equal 32-bit gram hashes: one row per text, padded
    with the column numbers (distinct, so padding never repeats itself; a hash equal to one only adds a "may")."""
    columns = np.arange(width)
    at = np.minimum(starts[:, None] + columns, len(grams) - 1)
    block = np.where(columns < counts[:, None], (grams[at] >> np.uint64(32)).astype(np.uint32),
                     columns.astype(np.uint32))
    block.sort(axis=1)
    return np.flatnonzero((block[:, 1:] == block[:, :-1]).any(axis=1))


def _repeats_by_key(grams: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Which texts have a recurring key: each of their 10-grams' hash tagged with the text's number."""
    total = int(counts.sum())
    first = np.cumsum(counts) - counts  # where each text's grams begin among the gathered ones
    owner = np.repeat(np.arange(len(counts), dtype=np.uint64), counts)
    at = np.arange(total) + np.repeat(starts - first, counts)
    keys = (owner << np.uint64(44)) | (grams[at] >> np.uint64(20))
    return np.unique(_recurring(keys) >> np.uint64(44)).astype(np.intp)


def _recurring(keys: np.ndarray) -> np.ndarray:
    """The keys that occur more than once (each at least twice, in order). Two rounds of counting by bucket
    (a key alone in its bucket occurs once) leave a few percent of the keys to sort: a sort of them all cost
    1.7x as much on batches of the bench corpus."""
    for mix in (_MIX, _MIX2):
        bits = max(len(keys).bit_length() + 2, 4)  # about four buckets a key: most keys are alone in theirs
        bucket = ((keys * mix) >> np.uint64(64 - bits)).astype(np.intp)
        keys = keys[np.bincount(bucket, minlength=1 << bits)[bucket] > 1]
    keys = np.sort(keys)
    return keys[1:][keys[1:] == keys[:-1]]


_INVERSE = pow(_BASE, -1, 1 << 64)  # _BASE is odd, so it has an inverse modulo 2**64
_CACHED_POWERS = 1 << 20  # characters: 16 MiB of tables kept by each process, enough for most batches


@lru_cache(maxsize=1)
def _cached_powers() -> tuple[np.ndarray, np.ndarray]:
    return _powers(_BASE, _CACHED_POWERS), _powers(_INVERSE, _CACHED_POWERS)


def _powers(base: int, size: int) -> np.ndarray:
    """base ** k modulo 2**64 for k < size."""
    out = np.full(size, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)  # unsigned: wraps around, as intended


def _gram_hashes(codes: np.ndarray) -> np.ndarray:
    """A hash of each 10-gram of `codes` (at each start but the last 9), from its ten code points only: the
    polynomial sum(c[i + k] * _BASE ** k) modulo 2**64, from prefix sums of c[j] * _BASE ** j, each window divided
    by _BASE ** i (times its inverse), then mixed so that the top bits depend on every character."""
    size = len(codes)
    powers, inverses = _cached_powers()
    if size > _CACHED_POWERS:
        powers, inverses = _powers(_BASE, size), _powers(_INVERSE, size)
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(codes * powers[:size], out=prefix[1:])
    return (prefix[_NGRAM:] - prefix[:-_NGRAM]) * inverses[: size + 1 - _NGRAM] * _MIX


def detect_language(text: str, han: int | None = None, other_letters: bool | None = None) -> tuple[str, float]:
    """(language, share of Han characters among letters). zh | ja | ko | en | und. `han` and `other_letters`
    (whether the text has any letter but Han) are counted here when not given.

    Letters are Han, Latin, kana, Hangul and the alphabets from Greek to Mongolian."""
    if han is None:
        han = han_count(text)
    if other_letters is None:
        other_letters = _NON_HAN_LETTER.search(text) is not None
    if not other_letters:
        return ("zh", 1.0) if han else ("und", 0.0)
    latin = sum(map(len, _LATIN.findall(text)))  # words, not letters: fewer objects to build
    kana = len(_KANA.findall(text)) if _KANA.search(text) else 0
    hangul = len(_HANGUL.findall(text)) if _HANGUL.search(text) else 0
    other = sum(map(len, _OTHER_LETTER.findall(text)))
    letters = han + latin + kana + hangul + other
    if letters == 0:
        return "und", 0.0
    share = han / letters
    if kana and kana >= 0.15 * (han + kana):
        return "ja", share
    if hangul >= 0.3 * letters:
        return "ko", share
    if share >= 0.5:
        return "zh", share
    if latin >= 0.5 * letters:
        return "en", share
    return "und", share


class QualityFilter(Stage):
    name = "quality_filter"

    def __init__(self, config: FilterConfig) -> None:
        super().__init__()
        self.config = config

    def process(self, doc: Document) -> None:
        self.process_many([doc])

    def process_many(self, docs: list[Document]) -> None:
        """Han characters, visible characters, line ends and possible repeats counted for the whole batch in numpy,
        then each document judged."""
        texts = [doc.text for doc in docs]
        starts, ends = text_bounds(texts)
        codes = code_points("".join(texts))
        han = per_text(np.take(_IS_HAN, codes), starts, ends)  # np.take: faster than indexing
        visible = (ends - starts) - per_text(np.take(_IS_SPACE_OR_BREAK, codes), starts, ends)
        # int / int in Python and int64 / int64 in numpy are both the correctly rounded quotient: the same floats
        han_shares = np.divide(han, visible, out=np.zeros(len(texts)), where=visible > 0).tolist()
        lettered = per_text(np.take(_IS_NON_HAN_LETTER, codes), starts, ends).astype(bool).tolist()
        signals = zip(han.tolist(), han_shares, lettered, line_end_punct_ratios(texts), may_repeat(texts))
        for doc, (han_chars, han_share, other_letters, ended, repeats) in zip(docs, signals):
            self.judge(doc, han_chars, ended, repeats, other_letters, han_share)

    def judge(self, doc: Document, han: int, line_end_punct: float, repeats: bool, other_letters: bool | None = None,
              han_share: float | None = None) -> None:
        text = doc.text
        han_share = round(han_ratio(text, han) if han_share is None else han_share, 6)
        ended = round(line_end_punct, 6)
        repeated = round(repeated_ngram_ratio(text), 6) if repeats else 0.0
        doc.quality = {"han_ratio": han_share, "line_end_punct_ratio": ended, "repeated_ngram_ratio": repeated}
        cfg = self.config
        language, chinese_share = detect_language(text, han, other_letters)
        if language in ("ja", "ko") or chinese_share < cfg.min_chinese_share:
            doc.language = language
            doc.reject(
                self.name, "not_chinese", f"language {language}, Han share of letters {chinese_share:.3f} (min_chinese_share {cfg.min_chinese_share})"
            )
        elif len(text) < cfg.min_chars:
            doc.reject(self.name, "too_short", f"{len(text)} < min_chars {cfg.min_chars}")
        elif han_share < cfg.min_han_ratio:
            doc.reject(self.name, "low_han_ratio", f"{han_share} < min_han_ratio {cfg.min_han_ratio}")
        elif ended < cfg.min_line_end_punct_ratio:
            doc.reject(self.name, "few_line_end_punct", f"{ended} < min_line_end_punct_ratio {cfg.min_line_end_punct_ratio}")
        elif repeated > cfg.max_repeated_ngram_ratio:
            doc.reject(self.name, "repetitive", f"{repeated} > max_repeated_ngram_ratio {cfg.max_repeated_ngram_ratio}")
        elif not has_running_text(text):
            doc.reject(self.name, "no_running_text", "not one line of sentences: a menu, a link list or an SEO page")
        if doc.rejection is None:
            doc.language = doc.given.get("language") or "zh"
