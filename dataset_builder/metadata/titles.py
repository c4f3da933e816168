"""The headline, ranked among the candidate lines at the head of the page.

A candidate is a short line with Han characters that is not a sentence (no full stop inside, no "……" ending),
not navigation, not a metadata line and not a site banner. Headlines of any length from one character (长城, 熊猫)
to 80 may end in ？ or ！ and contain ， ； or ：. Candidates are ranked by:
- position: right above the date line (or the source/byline line), or heading the running text;
- repetition: a headline often reappears in the page's <title> line ("<headline>_<section>_<site>");
- length: 4 to 40 characters is typical, 1 to 3 needs the support of a date line or of the text right below;
- shape: a label ending in a colon, a sub-headline opening with a dash, a bare site or channel name rank low.
Site banners ("<site> - <slogan>", "<site>_<section>", "<site>首页", "欢迎访问<site>") are chrome, never titles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice

import numpy as np

from ..cleaning.page_chrome import NAVIGATION_TRIGGERS, holds_one_navigation_word, is_navigation
from ..cleaning.text_units import HAN, HAN_RANGES, code_point_table, per_text
from ..cleaning.word_triggers import Layout, WordTrigger, word_spec
from .layout import HEAD_LINES, is_running_text
from .names import is_person_name, names

TITLE_MAX_CHARS = 80
_CLAUSE_TITLE_MAX_CHARS = 40  # a headline with ，or ； is still short
# 。 anywhere, or a full-width ． that is not a decimal point (６．６级).
_FULL_STOP_INSIDE = re.compile(r"。|(?<![0-9０-９])．(?![0-9０-９．]|$)")
_CLAUSE_MARK = re.compile(r"[，,；;]")
_BANNER_SEPARATOR = re.compile(r"\s+[-–—|｜]+\s+|\s*_+\s*|\s*[|｜]\s*")
_BANNER_WORDS = re.compile(r"^(?:欢迎(?:访问|光临|来到|您访问)|歡迎(?:訪問|光臨|來到))|(?:首页|主页|首頁|主頁|官网|官網|官方网站|門戶網站|门户网站)$")
_SITE_OR_CHANNEL_ENDINGS = (
    "网", "網", "在线", "在線", "日报", "日報", "晚报", "晚報", "频道", "頻道", "栏目", "欄目", "专题", "專題", "专栏", "專欄", "论坛",
    "論壇",
)
_SITE_OR_CHANNEL = re.compile(r"^[^\s]{2,12}(?:" + "|".join(_SITE_OR_CHANNEL_ENDINGS) + ")$")
_SUBHEAD_OPENINGS = ("——", "—", "－－", "--", "副标题", "副題")
_SUBHEAD_OPENING = re.compile("^(?:" + "|".join(_SUBHEAD_OPENINGS) + ")")
_LABEL_END = re.compile(r"[:：]$")
# Menus and banners are not candidates, so the headline is among the first few left (verse lines after it are not).
_MAX_CANDIDATES = 4


# Every banner has one of these; the other lines are not examined further.
_BANNER_HINT_MARKS = "_|｜-–—"
_BANNER_HINT_WORDS = ("首页", "主页", "首頁", "主頁", "官网", "官網", "网站", "網站", "欢迎", "歡迎")
_BANNER_HINT = re.compile(f"[{re.escape(_BANNER_HINT_MARKS)}]|" + "|".join(_BANNER_HINT_WORDS))
_NOT_TITLE = re.compile(r"。|(?<![0-9０-９])．(?![0-9０-９．]|$)|(?:…+|\.{3,}|．{3,}|。{3,})[”’」』）)]?$")


def banner_parts(line: str) -> list[str] | None:
    """The parts of a site banner or <title> line ("A - B", "A_B_C", "A | B"), or None when it is not one."""
    if _BANNER_HINT.search(line) is None:
        return None
    if _BANNER_WORDS.search(line) and len(line) <= 30:
        return [line]
    if len(line) > TITLE_MAX_CHARS + 40 or _FULL_STOP_INSIDE.search(line):
        return None
    parts = [p for p in _BANNER_SEPARATOR.split(line) if p]
    # The first part may be a long headline ("<headline>_<section>_<site>"); the site's parts are short.
    if 2 <= len(parts) <= 5 and len(parts[0]) <= TITLE_MAX_CHARS and all(len(p) <= 30 for p in parts[1:]):
        return parts if len(line) <= 60 or len(parts) >= 3 else None  # two parts and long: a headline's tail
    return None


def title_like(line: str, min_chars: int = 1) -> bool:
    if not min_chars <= len(line) <= TITLE_MAX_CHARS or HAN.search(line) is None:
        return False
    if _NOT_TITLE.search(line) or (len(line) > _CLAUSE_TITLE_MAX_CHARS and _CLAUSE_MARK.search(line)):
        return False
    if is_navigation(line) and not holds_one_navigation_word(line):
        return False  # (cleaning leaves such a line only right above a date/source line: a headline, 南加大)
    return len(line) > 20 or not _is_byline_line(line)


_ROLE_PREFIX = re.compile(r"^(?:作者|记者|記者|通讯员|通訊員|文|撰文)\s*[:：/]?\s*")


def _is_byline_line(line: str) -> bool:
    """"记者 张三", "作者：李四 王五": names after a role word. A lone name without one may be a headline (李白)."""
    role = _ROLE_PREFIX.match(line)
    if role is None or len(line) > 20:
        return False
    named = names(line[role.end() :])
    return 1 <= len(named) <= 3 and all(is_person_name(n) for n in named)


def choose_title(
    lines: list[str], consumed: set[int], date_index: int | None, anchors: set[int], plain_first: bool = False
) -> int | None:
    """Index of the headline, or None. `anchors` are consumed metadata lines (date, source, byline).
    `plain_first`: the first line is a plain title (`plain_titles` said so for the batch)."""
    if plain_first and not anchors and not consumed and _heads_body(lines):
        return 0  # the early answer below, without asking the first line again
    head = _Head(lines, consumed)
    if not anchors and head.has(0):
        # Nothing marks the head (no date, source or byline line): the first line heading the body is the headline.
        first = lines[head.open[0]]
        if not head.running(0) and banner_parts(first) is None and head.like(0) and _SHAPE_PENALTY.search(first) is None:
            if head.body(1) or (head.has(1) and len(lines[head.open[1]]) <= 8 and head.body(2)):
                return head.open[0]
    banners: list[list[str]] = []
    candidates: list[int] = []
    position = 0
    while position < HEAD_LINES and head.has(position):
        j = head.open[position]
        if len(candidates) >= _MAX_CANDIDATES and (date_index is None or j > date_index):
            break
        if head.running(position):
            if date_index is None or j > date_index:
                break
        else:
            parts = banner_parts(lines[j])
            if parts is not None:
                banners.append(parts)
                head.likes[position] = False
            elif head.like(position):
                candidates.append(position)
        position += 1
    if not candidates:
        return None
    repeated = {p for parts in banners for p in parts}
    best, best_score = None, 0.0
    for rank, position in enumerate(candidates):
        if not head.has(position + 1):
            continue  # a lone line is the body itself, not a title
        j = head.open[position]
        line = lines[j]
        score = 1.0 if rank == 0 else -0.5 * rank  # the first candidate line of the page ranks first
        above_anchor = next((k for k in range(j + 1, j + 4) if k in anchors), None) if anchors else None
        if above_anchor is not None:
            score += 3.0 - 0.5 * (above_anchor - j - 1)
        elif date_index is not None and j > date_index:
            score -= 1.0
        body_next = head.body(position + 1)
        if body_next:
            score += 1.5
        elif rank == 0 and len(lines[head.open[position + 1]]) <= 8 and head.body(position + 2):
            # Title, a short credit line (an author, a pen name), then the body: "荅人 / 太上隐君 / 偶来松树下，…".
            body_next = True
            score += 2.5
        score += _shape_score(line, repeated, lines[j + 1] if j + 1 < len(lines) else "")
        if len(line) < 4 and above_anchor is None and not body_next:
            continue  # a short line needs a date line or the text right below it
        if score > best_score:
            best, best_score = j, score
    return best


# `choose_title` looks at the open lines up to position HEAD_LINES + 1 (a candidate above HEAD_LINES and the two
# lines under it), never further.
_LOOKED_AT = HEAD_LINES + 2


class _Head:
    """The open (not consumed) lines of a page's head as far as `choose_title` looks, classified only as far as they
    are looked at."""

    __slots__ = ("lines", "open", "runnings", "likes")

    def __init__(self, lines: list[str], consumed: set[int]) -> None:
        self.lines = lines
        if consumed:
            self.open: Sequence[int] = list(islice((i for i in range(len(lines)) if i not in consumed), _LOOKED_AT))
        else:
            self.open = range(min(len(lines), _LOOKED_AT))  # the common case: nothing consumed, nothing to skip
        self.runnings: list[bool | None] = [None] * len(self.open)
        self.likes: list[bool | None] = [None] * len(self.open)

    def has(self, position: int) -> bool:
        return position < len(self.open)

    def running(self, position: int) -> bool:
        known = self.runnings[position]
        if known is None:
            known = self.runnings[position] = is_running_text(self.lines[self.open[position]])
        return known

    def like(self, position: int) -> bool:
        known = self.likes[position]
        if known is None:
            known = self.likes[position] = title_like(self.lines[self.open[position]])
        return known

    def body(self, position: int) -> bool:
        """Whether the open line at `position` reads as text (not a title, a credit or a label)."""
        if not self.has(position):
            return False
        if self.running(position):
            return True
        return _marked_as_body(self.lines[self.open[position]]) and not self.like(position)


_BODY_MARK = re.compile(r"[。！？!?，,]")


def _marked_as_body(line: str) -> bool:
    """Long enough and punctuated as text: body, unless it is title-like (`_Head.body`, `_reads_as_body`)."""
    return len(line) >= 8 and _BODY_MARK.search(line) is not None
_SHAPE_PENALTY = re.compile(r"[:：]$|" + _SUBHEAD_OPENING.pattern + "|" + _SITE_OR_CHANNEL.pattern)


def _shape_score(line: str, repeated: set[str], next_line: str) -> float:
    """Length, repetition and the shapes that are rarely headlines (a label, a sub-headline, a site name)."""
    score = 1.0 if 4 <= len(line) <= _CLAUSE_TITLE_MAX_CHARS else 0.0
    if repeated and (line in repeated or any(line in part and len(line) >= 0.6 * len(part) for part in repeated)):
        score += 2.0  # the headline reappears in the page's <title> line
    if next_line == line:
        score += 0.5  # a repeated headline
    if _SHAPE_PENALTY.search(line) is not None:
        if _LABEL_END.search(line):
            score -= 3.0
        if _SUBHEAD_OPENING.match(line):
            score -= 2.0
        if _SITE_OR_CHANNEL.match(line):
            score -= 2.0
    return score


def _heads_body(lines: list[str]) -> bool:
    """With nothing consumed: whether the text right below the first line is body (`_Head.body` of the second line,
    or of the third under a short credit line), as `choose_title` asks of a first line that is a title. The third
    line is asked first: under a poem's title and poet it answers alone (both questions are pure)."""
    n = len(lines)
    return n > 1 and ((len(lines[1]) <= 8 and n > 2 and _reads_as_body(lines[2])) or _reads_as_body(lines[1]))


def _reads_as_body(line: str) -> bool:
    """`_Head.body` of one line, for a caller that asks it once."""
    return is_running_text(line) or (_marked_as_body(line) and not title_like(line))


# A plain title: what `choose_title` asks first of a page's first line, answered for a batch at once. A line of 1 to
# `_PLAIN_MAX_CHARS` characters with a Han character and none of these characters or words passes every test of
# the early answer: no full stop or ellipsis (`_NOT_TITLE`; and under 30 characters only a full stop makes
# `is_running_text`), no banner mark or word (`banner_parts`), no colon at its end, dash or 副标题 opening or site
# ending (`_SHAPE_PENALTY`), no navigation word or shape (`is_navigation`). Only a role prefix is left to ask.
_PLAIN_MAX_CHARS = 29
_NOT_PLAIN_CHARS = "。．….:：－" + _BANNER_HINT_MARKS
_NOT_PLAIN_WORDS = _BANNER_HINT_WORDS + _SUBHEAD_OPENINGS + _SITE_OR_CHANNEL_ENDINGS
_NOT_PLAIN = WordTrigger(
    [
        (
            [w for w in _NOT_PLAIN_WORDS if len(w) > 1],
            [(ord(c), ord(c)) for c in _NOT_PLAIN_CHARS + "".join(w for w in _NOT_PLAIN_WORDS if len(w) == 1)],
        ),
        *(word_spec(p) for p in NAVIGATION_TRIGGERS),
    ]
)
_HAN_TABLE = code_point_table(ranges=HAN_RANGES)


def plain_titles(lines: list[str]) -> list[bool]:
    """For each line, whether it is a plain title (above): one numpy pass over the lines (pairs of characters that
    open a word, as `word_triggers` finds them; a pair across two lines only costs a line its fast answer)."""
    if not lines:
        return []
    layout = Layout(lines)
    hinted = _NOT_PLAIN.candidates(layout)
    han = (per_text(np.take(_HAN_TABLE, layout.codes), *layout.bounds) > 0).tolist()
    return [
        han[i] and i not in hinted and len(line) <= _PLAIN_MAX_CHARS and (len(line) > 20 or not _is_byline_line(line))
        for i, line in enumerate(lines)
    ]
