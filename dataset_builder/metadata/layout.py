"""Where the head of a page ends: page metadata (the headline, the date line) sits above the running text; a line
further down that looks like metadata (a meeting's "时间：" line, a schedule) belongs to the text."""

from __future__ import annotations

from ..cleaning.text_units import is_running_text

__all__ = ["HEAD_LINES", "TAIL_LINES", "head_end", "is_running_text"]

HEAD_LINES = 15
TAIL_LINES = 8


def head_end(lines: list[str]) -> int:
    """Index of the first line of running text that runs on (a long paragraph, or one followed by another), capped
    at HEAD_LINES: publication metadata is read above it. A short lead paragraph above the headline does not end
    the head."""
    n = min(HEAD_LINES, len(lines))
    for i in range(n):
        if is_running_text(lines[i]) and (len(lines[i]) >= 60 or (i + 1 < len(lines) and is_running_text(lines[i + 1]))):
            return i
    return n
