"""Authors named in bylines.

- A lone line of one to three personal names under the headline or the date line is a byline line: consumed.
- A reporters' byline opening or closing a paragraph ("本报讯（记者 张三 通讯员 李四）…", "…。（记者 张三）") is part of
  the paragraph as printed: the names go to `authors`, the paragraph stays as it is.
- A credit appended to the article's last paragraph ("(作者:张三)", "(张三 报道)", "(张三 整理)") is furniture of
  the page: the names go to `authors`, the credit leaves the text. So does a credit naming only editors or an
  affiliation ("(作者单位:某某中心 责任编辑/ 某某)").
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import Found
from .names import is_person_name, names

_VERBS = r"报道|報道|报导|供稿|撰稿|采写|採寫|摄|攝|整理|编译|編譯|综合|綜合|文/图|文图"
_BYLINE = re.compile(
    r"[(（]\s*(?:(?P<label>作者|记者|記者|通讯员|通訊員|文|撰稿|撰文|供稿)\s*[:：]?\s*)?"
    rf"(?P<names>(?!{_VERBS})[\u4e00-\u9fff·]{{2,4}}?(?:[\s、,，]+(?:(?:记者|記者|通讯员|通訊員|实习生|實習生)\s*)?(?!{_VERBS})[\u4e00-\u9fff·]{{2,4}}?){{0,4}})"
    rf"\s*(?P<verb>{_VERBS})?\s*[)）]\s*$"
)
# Reporters' labels: such a byline is printed as part of the copy.
_REPORTER_LABELS = ("记者", "記者", "通讯员", "通訊員")
_OPENING_BYLINE = re.compile(
    r"^[^，。,（(]{0,16}?(?P<paren>[（(]\s*(?:本报|本刊|本网)?(?:记者|記者|通讯员|通訊員|特约记者)\s*[:：]?\s*"
    r"(?P<names>[\u4e00-\u9fff·、,，\s]{2,40}?)\s*[)）])"
)
_CREDIT = re.compile(
    r"[(（][^()（）\n]{0,40}(?:作者单位|作者單位|责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|审核|審核)[^()（）\n]{0,40}[)）]\s*$"
)
_LONE_NAMES_MAX_CHARS = 20  # one to three names and the spaces between them


def read_lone_names(lines: list[str], consumed: set[int], anchor: int, found: Found) -> None:
    """A lone name under the title or the date is the author (only the first open line of the three there is
    looked at)."""
    i = anchor + 1
    while i in consumed:
        i += 1
    if i < len(lines) and i <= anchor + 3:
        named = lone_names(lines[i])
        if named:
            found.author(named)
            consumed.add(i)


@lru_cache(maxsize=1 << 14)  # a poet's or reporter's name line recurs from document to document
def lone_names(line: str) -> tuple[str, ...]:
    """The names of a line made of one to three personal names alone, else ()."""
    if len(line) > _LONE_NAMES_MAX_CHARS:
        return ()
    named = names(line)
    return tuple(named) if named and len(named) <= 3 and all(is_person_name(n) for n in named) else ()


def read_closing_bylines(lines: list[str], consumed: set[int], found: Found) -> None:
    """Bylines and credits closing one of the last three open lines."""
    last_open = [i for i in range(len(lines) - 1, -1, -1) if i not in consumed][:3]
    for i in last_open:
        byline = _BYLINE.search(lines[i])
        if byline is None:
            continue
        named = [n for n in names(byline["names"]) if n not in _REPORTER_LABELS]
        reporter = byline["label"] in _REPORTER_LABELS or re.search("记者|記者|通讯员|通訊員", byline.group(0)) is not None
        if not (byline["label"] or byline["verb"] or reporter) and not all(is_person_name(n) for n in named):
            continue
        if not named or not all(is_person_name(n) or byline["label"] or reporter for n in named):
            continue
        found.author(named)
        if not reporter or not lines[i][: byline.start()].strip():
            lines[i] = lines[i][: byline.start()].rstrip()  # a credit, or a byline alone on its line
            if not lines[i]:
                consumed.add(i)
        break
    for i in last_open:
        credit = _CREDIT.search(lines[i])
        if credit:
            lines[i] = lines[i][: credit.start()].rstrip()
            if not lines[i]:
                consumed.add(i)


def read_opening_byline(lines: list[str], consumed: set[int], head: int, found: Found) -> None:
    """"本报讯（记者 张三 通讯员 李四）…": the reporters named at the opening of the first paragraph."""
    for i in range(min(head, len(lines))):
        if i in consumed:
            continue
        opening = _OPENING_BYLINE.match(lines[i])
        if opening:
            named = [n for n in names(opening["names"]) if is_person_name(n)]
            found.author(named)
            return
        if len(lines[i]) >= 30:
            return
