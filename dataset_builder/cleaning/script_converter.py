"""Detect whether a document was written in Traditional or Simplified characters, and convert to Simplified.

Detection counts characters that exist in only one of the two scripts (derived from OpenCC's own tables, and kept in
the package: a character is Traditional-only when t2s changes it and s2t does not, and the other way round). The
majority wins; a document with neither (or a tie) counts as Simplified. Only Traditional documents are converted, by
OpenCC's own per-character table where no phrase of its dictionaries occurs (`opencc_table`), else by OpenCC (and a
second time when a 著 is left, see below).

OpenCC's t2s keeps 著 wherever the Traditional text has it, but Simplified writes 着 for the aspect particle and
verb (随着, 有着, 接着, 穿着): measured on the bench corpus's 2,000 Traditional Wikipedia paragraphs, t2s leaves 972
著 in 630 of them; OpenCC's Taiwan profile (tw2s) writes 663 of those as 着 and keeps 著作/著名/显著, but also turns
the 著 of words that keep it (所著, 土著, 著有, 编著 ...) into 着. So with the t2s profile a 著 left by t2s becomes 着
where tw2s says so, unless it belongs to one of those words (616 changed, 356 left). The second conversion runs only
on Traditional documents that still have a 著 after t2s.

The metadata an input gives (title, source, authors, keywords) is converted too (`convert_metadata`), so a row's
text and metadata share one script: a field is converted when the document or the field itself is Traditional.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..document import Document
from .base import CleaningOperator
from .opencc_table import fast_converter, length_keeping_key_chars
from .text_units import HAN_RANGES, code_points, converter, per_text, text_bounds


SCRIPT_SETS_FILE = Path(__file__).with_name("script_sets.json")


@lru_cache(maxsize=None)
def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(Traditional-only characters, Simplified-only characters): `derive_script_sets()`, kept in the package
    (`kept_tables` writes the file, a test holds it equal): deriving them took 0.1 s in every worker and loaded
    OpenCC's s2t, 26 MiB that no stage uses otherwise."""
    try:
        kept = json.loads(SCRIPT_SETS_FILE.read_text("utf-8"))
    except FileNotFoundError:  # deleted to be made again (kept_tables): derived, as before the file was kept
        return derive_script_sets()
    return frozenset(kept["hant"]), frozenset(kept["hans"])


def derive_script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(Traditional-only characters, Simplified-only characters), from OpenCC."""
    chars = [chr(c) for start, stop in HAN_RANGES for c in range(start, stop)]
    joined = "\n".join(chars)
    simplified = converter("t2s").convert(joined).split("\n")
    traditional = converter("s2t").convert(joined).split("\n")
    if len(simplified) != len(chars) or len(traditional) != len(chars):  # pragma: no cover - OpenCC keeps lines
        raise RuntimeError("OpenCC changed the number of lines while deriving script tables")
    hant = frozenset(c for c, s, t in zip(chars, simplified, traditional) if s != c and t == c)
    hans = frozenset(c for c, s, t in zip(chars, simplified, traditional) if t != c and s == c)
    return hant, hans


@lru_cache(maxsize=None)
def _script_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    as_class = lambda found: re.compile("[" + "".join(sorted(found)) + "]")  # noqa: E731
    return tuple(as_class(found) for found in _script_sets())  # type: ignore[return-value]


@lru_cache(maxsize=None)
def _script_of_code_point() -> np.ndarray:
    """Code point -> 1 Traditional-only, 2 Simplified-only, 0 either or neither: `script_counts` for a batch."""
    hant, hans = _script_sets()
    table = np.zeros(0x110000, dtype=np.uint8)
    table[[ord(c) for c in hant]] = 1
    table[[ord(c) for c in hans]] = 2
    return table


def detect_scripts(texts: list[str]) -> list[str]:
    """`detect_script` of each text, counted for the whole batch in one numpy pass."""
    if not texts:
        return []
    starts, ends = text_bounds(texts)
    script = np.take(_script_of_code_point(), code_points("".join(texts)))  # np.take: faster than indexing
    traditional = per_text(script == 1, starts, ends)
    simplified = per_text(script == 2, starts, ends)
    return ["Hant" if t > s else "Hans" for t, s in zip(traditional.tolist(), simplified.tolist())]


def script_counts(text: str) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) character counts; the second is only counted when the first is not 0."""
    hant, hans = _script_classes()
    traditional = len(hant.findall(text))
    return traditional, (len(hans.findall(text)) if traditional else 0)


def detect_script(text: str) -> str:
    """Return "Hant" or "Hans" for the original script of `text`."""
    traditional, simplified = script_counts(text)
    return "Hant" if traditional > simplified else "Hans"


def differing_chars(a: str, b: str) -> int:
    """Characters that differ between two texts (position by position when the lengths agree)."""
    if len(a) == len(b):
        x = np.frombuffer(a.encode("utf-32-le"), dtype=np.uint32)
        y = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
        return int(np.count_nonzero(x != y))
    return abs(len(a) - len(b)) + sum(1 for x, y in zip(a, b) if x != y)


# Words whose Simplified spelling keeps 著 (to author, eminent, indigenous), beyond those OpenCC's tables keep.
_ZHU_WORDS = frozenset(
    "所著 土著 著有 著称 著述 著书 著录 编著 原著 名著 合著 专著 论著 遗著 新著 巨著 译著 著者 卓著 昭著 拙著 力著 大著 著作 著名 显著"
    .split()
)


def _zhu_as_zhe(original: str, converted: str) -> str:
    """The t2s text with 着 for each 著 that tw2s writes as 着 and that is not part of a 著 word."""
    positions, i = [], converted.find("著")
    while i != -1:
        positions.append(i)
        i = converted.find("著", i + 1)
    taiwan = _tw2s_at(original, converted, positions)
    if taiwan is None:
        return converted
    zhe = [i for i in positions if taiwan[i] == "着"
           and converted[i - 1 : i + 1] not in _ZHU_WORDS and converted[i : i + 2] not in _ZHU_WORDS]
    if not zhe:
        return converted
    pieces, last = [], 0
    for i in zhe:
        pieces += (converted[last:i], "着")
        last = i + 1
    pieces.append(converted[last:])
    return "".join(pieces)


# OpenCC reads a text as a C string (a NUL ends it) in UTF-8 (a lone surrogate is an error): such a text is
# converted whole, as it always was, so that what happens to it does not change.
_NOT_FOR_RUNS = re.compile("[\x00\ud800-\udfff]")


def _tw2s_at(original: str, converted: str, positions: list[int]) -> dict[int, str] | None:
    """tw2s's character at each of `positions`, or None where tw2s's text is not as long as `converted` (positions
    would not line up). tw2s converts only the runs of its keys' characters, each as if alone and keeping its
    length (`length_keeping_key_chars`), so each position's run is converted instead of the whole text. A 著 sits
    in a run of a few characters between punctuation: for the bench corpus's 13,767 texts with a 著 after t2s
    (1.7M characters, 14,742 著) this took 0.29 CPU-s converting whole texts and takes 0.10 by runs."""
    keys = length_keeping_key_chars("tw2s")
    if keys is None or len(original) != len(converted) or _NOT_FOR_RUNS.search(original):
        taiwan = converter("tw2s").convert(original)
        return {i: taiwan[i] for i in positions} if len(taiwan) == len(converted) else None
    found: dict[int, str] = {}
    runs: dict[int, tuple[int, str]] = {}  # a run's end -> (its start, its conversion): two 著 may share one
    for i in positions:
        if original[i] not in keys:  # no key holds it, so tw2s leaves it as it is
            found[i] = original[i]
            continue
        end = i + 1
        while end < len(original) and original[end] in keys:
            end += 1
        if end not in runs:
            start = i
            while start and original[start - 1] in keys:
                start -= 1
            runs[end] = (start, converter("tw2s").convert(original[start:end]))
        start, taiwan = runs[end]
        found[i] = taiwan[i - start]
    return found


# Given metadata that is text in the document's language; url, license and published_at are identifiers.
METADATA_TEXT_FIELDS = ("title", "source", "authors", "keywords")
_METADATA_TEXT_FIELDS = frozenset(METADATA_TEXT_FIELDS)


class ScriptConverter(CleaningOperator):
    name = "script_converter"
    unit = "chars"

    def __init__(self, to_simplified: bool = True, profile: str = "t2s", convert_metadata: bool = True) -> None:
        self.to_simplified = to_simplified
        self.profile = profile
        self.convert_metadata = convert_metadata

    def __call__(self, doc: Document) -> None:
        self.process_many([doc])

    def process_many(self, docs: list[Document]) -> None:
        """Detection and the table's conversion in numpy over the whole batch; OpenCC only for the texts that need it."""
        scripts = detect_scripts([doc.text for doc in docs])
        for doc, script in zip(docs, scripts):
            doc.script = script
        if not self.to_simplified:
            return
        traditional = [doc for doc, script in zip(docs, scripts) if script == "Hant"]
        conversions = fast_converter(self.profile).convert_many([doc.text for doc in traditional])
        zhu, name, unit = self.profile == "t2s", self.name, self.unit
        for doc, (converted, changed) in zip(traditional, conversions):
            if zhu and "著" in converted:
                converted, changed = _zhu_as_zhe(doc.text, converted), None
            if changed is None:  # converted by OpenCC: the changed characters are counted here
                if converted == doc.text:
                    continue
                changed = differing_chars(doc.text, converted)
            elif not changed:  # the table's conversion changed nothing: `converted` is the text itself
                continue
            doc.record_edit(name, unit, changed)
            doc.text = converted
        if self.convert_metadata:
            for doc in docs:
                if doc.given:
                    self._convert_given(doc)


    def _convert_given(self, doc: Document) -> None:
        """The input's metadata text in Simplified: each field when the document or the field is Traditional
        (a short title has few script-specific characters, so the document's script decides too)."""
        given, hant = doc.given, doc.script == "Hant"
        for name, value in given.items():  # a value replaced, never a key added: the loop may write
            if name not in _METADATA_TEXT_FIELDS:
                continue
            if isinstance(value, str):
                given[name] = _given_converted(self.profile, hant, value)
            elif isinstance(value, list):
                given[name] = [_given_converted(self.profile, hant, v) for v in value]


# Given metadata repeats from document to document (a source, an author): each value is read once per process.
@lru_cache(maxsize=1 << 14)
def _given_converted(profile: str, hant_document: bool, value: str) -> str:
    return _given_simplified(profile, value) if hant_document or _given_script(value) == "Hant" else value


@lru_cache(maxsize=1 << 14)
def _given_script(value: str) -> str:
    return detect_script(value)


@lru_cache(maxsize=1 << 14)
def _given_simplified(profile: str, value: str) -> str:
    converted, _ = fast_converter(profile).convert(value)
    return _zhu_as_zhe(value, converted) if profile == "t2s" and "著" in converted else converted
