"""Metadata from the page text: title, publication time, source and authors. Lines consumed as metadata leave the
body. Metadata given by the input (sidecar, JSONL fields, Parquet columns) wins over what is extracted."""

from __future__ import annotations

import re

from .document import Document
from .stage import Stage

# 2014-07-08 20:51:54 | 2015-08-12 10:49 | 2014年7月8日 | 2014/7/8
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_LABELLED = re.compile(r"(?P<label>来源|來源|作者|记者|編輯|编辑|责任编辑)\s*[:：]\s*(?P<value>[^\s|｜]+(?:\s+[^\s|｜:：]+)*)")
_BYLINE = re.compile(r"[(（]\s*(?:(?:作者|记者)\s*[:：]\s*)?(?P<name>[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4})*)\s*(?:报道)?\s*[)）]\s*$")
_SENTENCE_END = "。！？!?；;…”」"
# Metadata lines sit near the top or the bottom of a page; only that many lines are searched.
_HEAD_LINES = 12
_TAIL_LINES = 8


def iso_datetime(match: re.Match[str]) -> str | None:
    y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    value = f"{y:04d}-{m:02d}-{d:02d}"
    if match["H"] is not None:
        value += f"T{int(match['H']):02d}:{match['M']}"
        if match["S"] is not None:
            value += f":{match['S']}"
    return value


class MetadataExtractor(Stage):
    name = "extract_metadata"

    def process(self, doc: Document) -> None:
        lines = doc.text.split("\n")
        consumed: set[int] = set()
        published = title = source = None
        authors: list[str] = []
        head = range(min(_HEAD_LINES, len(lines)))
        tail = range(max(len(head), len(lines) - _TAIL_LINES), len(lines))
        for i in list(head) + list(tail):
            line = lines[i]
            date = _DATE.search(line)
            if published is None and date and len(line) <= 80:
                published = iso_datetime(date)
                if published:
                    consumed.add(i)
                    if title is None:
                        title = self._title_before(lines, i, consumed)
            for labelled in _LABELLED.finditer(line):
                if len(line) > 80:
                    break
                label, value = labelled["label"], labelled["value"].strip()
                if label in ("来源", "來源") and source is None:
                    source = value.split()[0]
                    consumed.add(i)
                elif label in ("作者", "记者"):
                    authors.extend(value.split())
                    consumed.add(i)
                elif label in ("编辑", "編輯", "责任编辑"):
                    consumed.add(i)
        if not authors and lines:
            byline = _BYLINE.search(lines[-1])
            if byline:
                authors = byline["name"].split()
                lines[-1] = lines[-1][: byline.start()].rstrip()
        doc.title = doc.given.get("title") or title
        doc.published_at = doc.given.get("published_at") or published
        doc.source = doc.given.get("source") or source
        doc.authors = list(doc.given.get("authors") or authors)
        doc.url = doc.given.get("url")
        doc.keywords = list(doc.given.get("keywords") or [])
        kept = [line for i, line in enumerate(lines) if i not in consumed and line]
        if title is not None:
            kept = [line for line in kept if line != title]
        doc.record_edit(self.name, "lines", len(lines) - len(kept))
        doc.text = "\n".join(kept)

    @staticmethod
    def _title_before(lines: list[str], date_index: int, consumed: set[int]) -> str | None:
        """The headline is the nearest short line above the date line that does not end a sentence."""
        for j in range(date_index - 1, -1, -1):
            candidate = lines[j].strip()
            if 4 <= len(candidate) <= 60 and candidate[-1] not in _SENTENCE_END:
                consumed.add(j)
                return candidate
        return None
