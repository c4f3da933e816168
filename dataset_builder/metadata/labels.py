"""`label: value` lines: 来源/出处 (source), 作者/记者/通讯员 (authors), 关键词/标签 (keywords); editors' labels
(编辑/责任编辑) are consumed and dropped: editors are not authors."""

from __future__ import annotations

import re

from ..cleaning.metadata_lines import LABELLED
from ..cleaning.text_units import HAN
from . import Found
from .names import names

SENTENCE_INSIDE = re.compile(r"[。！？；!?;]")
_VALUE_END = re.compile(r"\s{2,}|\s*[|｜]\s*|\u3000")
# What a name written after 作者/记者 looks like: Han characters (a pen name too), or a name in Latin letters.
_NAME_TOKEN = re.compile(r"^(?:[\u4e00-\u9fff·]{2,6}|[A-Za-z][A-Za-z .'-]{1,30})$")
_SPLIT_KEYWORDS = re.compile(r"[\s、,，;；|｜/]+")


def read_labels(line: str, found: Found) -> bool:
    """Read every `label: value` of a metadata line; True when the line is one."""
    if len(line) > 120 or (len(line) > 60 and SENTENCE_INSIDE.search(line)):
        return False
    matches = list(LABELLED.finditer(line))
    if not matches:
        return False
    accepted = False
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        value = line[match.end() : end].strip()
        cut = _VALUE_END.search(value)
        if cut:
            value = value[: cut.start()]
        value = value.strip(" ：:|｜[]【】()（）")
        kind = match.lastgroup
        if kind is None:
            continue
        if not value:
            accepted = True  # an empty label ("编辑：") is still page furniture
            continue
        if kind in ("source", "author") and (SENTENCE_INSIDE.search(value) or "，" in value):
            continue  # "记者：您怎么看？" is an interview, not a credit
        if kind == "source":
            found.sources.setdefault("label", value.split()[0])
        elif kind == "author":
            value = re.sub(r"[（(][^)）]*[)）]?", " ", value)  # "张三（北京大学教授）": the name only
            named = [n for n in names(value) if _NAME_TOKEN.match(n)]
            if not named:
                continue
            found.author(named)
        elif kind == "keywords" and not found.keywords:
            found.keywords = split_keywords(value)
        accepted = True
    return accepted


def split_keywords(value: str) -> list[str]:
    parts = [p for p in _SPLIT_KEYWORDS.split(value.strip()) if p]
    if len(parts) == 1 and len(parts[0]) > 6 and HAN.fullmatch(parts[0][0]):
        parts = _segment(parts[0])
    out: list[str] = []
    for part in parts:
        if part not in out:
            out.append(part)
    return out


def _segment(text: str) -> list[str]:
    """Keywords written without separators ("凤冈凤冈县议事"): split into dictionary words with jieba."""
    import jieba

    jieba.setLogLevel(60)
    words = [w for w in jieba.lcut(text, HMM=False) if w.strip()]
    return words if all(len(w) >= 2 for w in words) else [text]
