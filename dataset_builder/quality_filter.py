"""Quality signals counted in characters (Chinese has no spaces between words) and the thresholds that reject.

Every signal is stored on the document whether or not it passes, so thresholds can be re-tuned later."""

from __future__ import annotations

import re
from collections import Counter

from .config import FilterConfig
from .document import Document
from .stage import Stage

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LINE_END_PUNCT = tuple("。！？!?…”」』）)；;：:")
_NGRAM = 10  # character n-gram length for the repetition signal


def han_ratio(text: str) -> float:
    visible = len(text) - text.count(" ") - text.count("\n")
    return len(_HAN.findall(text)) / visible if visible else 0.0


def line_end_punct_ratio(text: str) -> float:
    lines = [line for line in text.split("\n") if line]
    return sum(line.endswith(_LINE_END_PUNCT) for line in lines) / len(lines) if lines else 0.0


def repeated_ngram_ratio(text: str, n: int = _NGRAM) -> float:
    """Share of characters covered by character n-grams that occur more than once in the text."""
    if len(text) < n:
        return 0.0
    grams = [text[i : i + n] for i in range(len(text) - n + 1)]
    counts = Counter(grams)
    covered = bytearray(len(text))
    for i, gram in enumerate(grams):
        if counts[gram] > 1:
            covered[i : i + n] = b"\x01" * n
    return sum(covered) / len(text)


class QualityFilter(Stage):
    name = "quality_filter"

    def __init__(self, config: FilterConfig) -> None:
        super().__init__()
        self.config = config

    def process(self, doc: Document) -> None:
        text = doc.text
        doc.quality = {
            "han_ratio": round(han_ratio(text), 6),
            "line_end_punct_ratio": round(line_end_punct_ratio(text), 6),
            "repeated_ngram_ratio": round(repeated_ngram_ratio(text), 6),
        }
        cfg = self.config
        if len(text) < cfg.min_chars:
            doc.reject(self.name, "too_short", f"{len(text)} < min_chars {cfg.min_chars}")
        elif doc.quality["han_ratio"] < cfg.min_han_ratio:
            doc.reject(self.name, "low_han_ratio", f"{doc.quality['han_ratio']} < {cfg.min_han_ratio}")
        elif doc.quality["line_end_punct_ratio"] < cfg.min_line_end_punct_ratio:
            doc.reject(self.name, "few_line_end_punct", f"{doc.quality['line_end_punct_ratio']} < {cfg.min_line_end_punct_ratio}")
        elif doc.quality["repeated_ngram_ratio"] > cfg.max_repeated_ngram_ratio:
            doc.reject(self.name, "repetitive", f"{doc.quality['repeated_ngram_ratio']} > {cfg.max_repeated_ngram_ratio}")
        if doc.rejection is None:
            doc.language = doc.language or "zh"
