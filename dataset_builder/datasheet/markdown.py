"""Untrusted text (from the inputs: sources, ids, titles, file names) made inert in Markdown.

`text(value)` is shown literally wherever inline Markdown is read (a table cell, a heading, a list item): line
breaks and other control characters become spaces (a `\\r` would end a table row), Markdown punctuation that
can start a link, image, emphasis, code span or table cell is backslash-escaped, and `<` and `&` become
entities (a lone `>` is inert), so no HTML (a comment hiding the rest of the card, a tracking image) and no
link (`javascript:`) can come from data. Full-width punctuation is left alone. `code(value)` is a code span
when that is safe, else `text`. `Md` marks text the tool itself wrote as Markdown, which tables pass through.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
# `_` between two letters or digits never starts emphasis (huggingface_hub stays as it is); elsewhere it might.
_PUNCTUATION = re.compile(r"([\\`*\[\]|~]|(?<![^\W_])_|_(?![^\W_]))")
_ENTITIES = {"&": "&amp;", "<": "&lt;"}  # no HTML tag, comment or entity can start; a lone `>` is inert


class Md(str):
    """Markdown written by the tool (not from data): tables keep it as it is."""


def text(value: object) -> str:
    flat = _CONTROL.sub(" ", "" if value is None else str(value))
    escaped = _PUNCTUATION.sub(r"\\\1", flat)
    return "".join(_ENTITIES.get(ch, ch) for ch in escaped)


def code(value: object) -> Md:
    """`value` as a code span, when it has no backtick, pipe or control character; else escaped text."""
    raw = "" if value is None else str(value)
    if raw and not re.search(r"[`|]", raw) and not _CONTROL.search(raw) and raw.strip() == raw:
        return Md(f"`{raw}`")
    return Md(text(raw))


def cell(value: object) -> str:
    """A table cell: tool Markdown as it is (pipes escaped), anything else escaped as data."""
    if isinstance(value, Md):
        out = _CONTROL.sub(" ", value)
        out = re.sub(r"(?<!\\)\|", r"\\|", out)
    else:
        out = text(value)
    return out or " "
