"""Python `re` -> RE2, exactly or not at all: the row validator checks `pattern` keywords with pyarrow's RE2
regexes, so a pattern is translated only when both give the same `re.search` verdict on every string."""

from __future__ import annotations

import array
import re
import sys
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

_HEX = frozenset("0123456789abcdefABCDEF")



@lru_cache(maxsize=1)
def _every_code_point() -> str:
    """chr(0) .. chr(sys.maxunicode) in one string, decoded in one go rather than a character at a time."""
    order = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
    return array.array("I", range(sys.maxunicode + 1)).tobytes().decode(order, "surrogatepass")


def _ranges(letter: str) -> list[tuple[int, int]]:
    """The code point ranges Python's `re` matches with \\s, \\d or \\w in a str pattern, found by `re` itself on
    every code point (a scan in C: a Python loop over the 1.1 million code points took seconds per build)."""
    # Surrogates never occur in UTF-8 Arrow strings: glued into runs here, split out below.
    runs = re.compile("[\\" + letter + "\\ud800-\\udfff]+").finditer(_every_code_point())
    cleaned: list[tuple[int, int]] = []
    for run in runs:
        a, b = run.start(), run.end() - 1
        for lo, hi in ((a, min(b, 0xD7FF)), (max(a, 0xE000), b)):
            if lo <= hi and not (0xD800 <= lo <= 0xDFFF):
                cleaned.append((lo, hi))
    return cleaned


@lru_cache(maxsize=None)
def _class_body(letter: str) -> str:
    """The RE2 class body matching exactly what Python's `re` matches with \\s, \\d or \\w in a str pattern."""
    parts = []
    for lo, hi in _ranges(letter):
        parts.append(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}")
    return "".join(parts)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int] | None:
    """The RE2 form of the escape at pattern[i] (a backslash) and the index after it, or None."""
    if i + 1 >= len(pattern):
        return None
    e = pattern[i + 1]
    i += 2
    if e in "sdw":
        body = _class_body(e)
        return (body if in_class else f"[{body}]"), i
    if e in "SDW":
        return None if in_class else (f"[^{_class_body(e.lower())}]", i)
    if e == "Z" and not in_class:
        return r"\z", i
    if e == "A" and not in_class:
        return r"\A", i
    if e in "tnrfv":
        return "\\" + e, i
    if e in "xuU":
        k = {"x": 2, "u": 4, "U": 8}[e]
        h = pattern[i:i + k]
        if len(h) != k or not all(ch in _HEX for ch in h):
            return None
        return (f"\\x{{{h}}}" if e == "x" else f"\\x{{{int(h, 16):X}}}"), i + k
    if e.isascii() and e.isalnum():
        return None  # \b \B \N{...} \1 \0 \a and unknown letters: not translated
    return "\\" + e, i  # escaped punctuation means the literal character in both


def _class_open(pattern: str, i: int) -> tuple[str, int]:
    """The start of a character set at pattern[i] (`[`): a leading `^` kept, a leading `]` a literal in Python."""
    out, i = "[", i + 1
    if i < len(pattern) and pattern[i] == "^":
        out, i = out + "^", i + 1
    if i < len(pattern) and pattern[i] == "]":
        out, i = out + "\\]", i + 1
    return out, i


def _outside_class(pattern: str, i: int) -> tuple[str, int] | None:
    """The RE2 form of the character (or group opening, or repeat) at pattern[i] outside a set, or None."""
    c = pattern[i]
    if c == "$":
        return r"(?:\n?\z)", i + 1
    if c == "(":
        if not pattern.startswith("(?", i):
            return c, i + 1
        if pattern.startswith("(?:", i):
            return "(?:", i + 3
        return None  # lookaround, named groups/backrefs, inline flags, comments
    if c == "{":
        m = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
        if m is None:
            return None  # Python and RE2 disagree on which braces are literal
        lo, hi = int(m.group(1)), m.group(3)
        if lo > 1000 or (hi and int(hi) > 1000):
            return None  # RE2's repeat limit
        return m.group(0), i + len(m.group(0))
    return c, i + 1


def python_regex_to_re2(pattern: str) -> str | None:
    """Translate a Python `re` pattern to an RE2 pattern with the same `re.search` verdict on every string, or
    None when it uses a construct whose meaning differs or that RE2 lacks (lookaround, backreferences, inline
    flags, word boundaries, ...). Python's \\s, \\d, \\w are Unicode-wide and `$` also matches before a final
    newline; RE2's are ASCII and `$` is end of text, so those are rewritten."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            step = _escape(pattern, i, in_class)
        elif in_class:
            if c == "[":
                return None  # nested sets / POSIX classes differ
            in_class = c != "]"
            step = c, i + 1
        elif c == "[":
            in_class = True
            step = _class_open(pattern, i)
        else:
            step = _outside_class(pattern, i)
        if step is None:
            return None
        out.append(step[0])
        i = step[1]
    if in_class:
        return None
    translated = "".join(out)
    try:
        re.compile(pattern)
        pc.match_substring_regex(pa.array([], pa.string()), translated)
    except Exception:
        return None
    return translated
