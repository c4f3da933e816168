"""Where the head of a page ends: page metadata (the headline, the date line) sits above the running text; a line
further down that looks like metadata (a meeting's "时间：" line, a schedule) belongs to the text."""

from __future__ import annotations

import re

HEAD_LINES = 15
TAIL_LINES = 8
_FULL_STOP = re.compile(r"。|(?<![0-9０-９])．(?![0-9０-９])")
_SENTENCE_MARK = re.compile(r"[。！？；，,!?;]")


def is_running_text(line: str) -> bool:
    """A line of sentences, not a headline: a full stop, or long with sentence punctuation. Stricter than
    `is_paragraph`, which also takes short lines ending in ？ or ！ (headlines do that)."""
    if _FULL_STOP.search(line):
        return len(line) >= 12 or _FULL_STOP.search(line[:-1]) is not None
    return len(line) >= 50 or (len(line) >= 30 and _SENTENCE_MARK.search(line) is not None)


def head_end(lines: list[str]) -> int:
    """Index of the first line of running text that runs on (a long paragraph, or one followed by another), capped
    at HEAD_LINES: publication metadata is read above it. A short lead paragraph above the headline does not end
    the head."""
    n = min(HEAD_LINES, len(lines))
    for i in range(n):
        if is_running_text(lines[i]) and (len(lines[i]) >= 60 or (i + 1 < len(lines) and is_running_text(lines[i + 1]))):
            return i
    return n
