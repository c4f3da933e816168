"""Line operators for the lists around an article: related articles, "猜你喜欢", "友情链接", link lists of
truncated titles, and what is left at the foot of the page.

- `RelatedListRemover`: a list heading (相关文章, 猜你喜欢, 延伸阅读, 热门推荐, 友情链接, "<栏目> 更多...") and the
  title-like lines after it, up to the next paragraph of running text; bullet lists (·, •, ●, ...) and runs of
  truncated titles ending in "..." (two or more such items), with the short section headings between them.
- `PageTailTrimmer`: after the last paragraph, a block of lines that is a menu (three or more short bare labels, or
  button-sized ones) or is mostly navigation words and list items is chrome. A closing signature, or a list with
  colons or numbers (award winners, contacts named in the article), is kept.

Title-like: not running text (see `text_units.is_paragraph`). Metadata lines are left for the extractor.
"""

from __future__ import annotations

import re

import numpy as np

from ..document import Document
from .base import LineOperator, candidate_lines, drop_lines
from .metadata_lines import is_metadata_line
from .page_chrome import navigation_share
from .text_units import ELLIPSIS_END, SENTENCE_END, alternation, code_point_table, is_paragraph
from .word_triggers import Layout

_HEADING_WORDS = (
    "相关文章", "相关阅读", "相关新闻", "相关稿件", "相关链接", "相关报道", "相关推荐", "相关资讯", "相关内容", "相关专题",
    "相关视频", "相关搜索", "相关标签", "猜你喜欢", "猜您喜欢", "你可能喜欢", "你可能还喜欢", "你可能感兴趣", "您可能感兴趣",
    "你可能会喜欢", "您可能还喜欢", "可能感兴趣的", "延伸阅读", "推荐阅读", "扩展阅读", "热门文章", "热门推荐", "热门新闻",
    "热门阅读", "热门标签", "热点新闻", "热点推荐", "热点文章", "精彩推荐", "精彩图片", "编辑推荐", "今日推荐", "最新文章",
    "最新新闻", "最新资讯", "最新更新", "点击排行", "阅读排行", "排行榜", "友情链接", "更多新闻", "更多精彩", "更多阅读",
    "更多相关", "热门评论", "最新评论", "网友评论", "为您推荐", "为你推荐", "往期回顾", "往期推荐", "上期回顾",
)
_MORE = r"(?:更多|more|MORE|More)\s*(?:\.{2,}|…+|>+|»|＞+|\+)?"
_HEADING = re.compile(r"^[【\[《]?\s*(?:" + alternation(_HEADING_WORDS) + r")\s*[】\]》]?\s*[:：]?\s*(?:" + _MORE + r")?$")
# "<栏目> 更多..." / "<栏目>更多>>" heads a list of links; "我们要做得更多" is a sentence, not a heading.
_SECTION_MORE = re.compile(r"^.{0,16}(?:\s+(?:更多|more|MORE|More)|(?:更多|more|MORE|More)\s*(?:\.{2,}|…+|>+|»|＞+|\+))$")
_PUNCT_OR_DIGIT = re.compile(r"[\d:：，,。；;！!？?、（(]")
_BULLET = re.compile(r"^[·•●◆◇■□▪▫▶►▸○☆★◎※]\s*\S")
_HEADING_CANDIDATE = re.compile(alternation(_HEADING_WORDS + ("更多", "more", "MORE", "More")))
_ITEM_CANDIDATE = re.compile(alternation(tuple("·•●◆◇■□▪▫▶►▸○☆★◎※") + ("...", "…", "。。。")))



def _is_list_item(line: str) -> bool:
    if len(line) > 60 or is_paragraph(line, 40) and not ELLIPSIS_END.search(line):
        return False
    return bool(_BULLET.match(line) or ELLIPSIS_END.search(line)) and not SENTENCE_END.search(line.rstrip(".…· "))


class RelatedListRemover(LineOperator):
    name = "related_list_remover"
    trigger = (_HEADING_CANDIDATE, _ITEM_CANDIDATE)

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        text = "\n".join(lines)
        if _HEADING_CANDIDATE.search(text) is None and _ITEM_CANDIDATE.search(text) is None:
            return lines
        drop: set[int] = set()
        n = len(lines)
        # 1. A list heading and the title-like lines under it.
        for i in candidate_lines(_HEADING_CANDIDATE, lines, text):
            line = lines[i]
            if len(line) <= 30 and (_HEADING.match(line) or _SECTION_MORE.match(line)):
                drop.add(i)
                j = i + 1
                while j < n and not is_paragraph(lines[j]) and not is_metadata_line(lines[j]):
                    drop.add(j)
                    j += 1
        # 2. Lists of bullets or truncated titles (two or more items), with the short headings between items.
        # Truncated titles anywhere; bullet items only after the last paragraph (a bullet list inside the article,
        # followed by more running text, is content).
        last = next((i for i in range(n - 1, -1, -1) if is_paragraph(lines[i])), -1)
        items = [
            i
            for i in candidate_lines(_ITEM_CANDIDATE, lines, text)
            if _is_list_item(lines[i]) and (ELLIPSIS_END.search(lines[i]) or i > last)
        ]
        if len(items) >= 2:
            drop.update(items)
            for a, b in zip(items, items[1:]):
                between = range(a + 1, b)
                if 0 < len(between) <= 2 and all(len(lines[k]) <= 16 and not is_paragraph(lines[k]) for k in between):
                    drop.update(k for k in between if not is_metadata_line(lines[k]))
        return drop_lines(self, lines, doc, drop)


class PageTailTrimmer(LineOperator):
    name = "page_tail_trimmer"

    def may_change(self, text: str) -> bool:
        """A page whose last line is a paragraph has no tail after its last paragraph: most pages."""
        return not is_paragraph(text[text.rfind("\n") + 1 :])

    def batch_candidates(self, layout: Layout) -> list[int]:
        return np.flatnonzero(~last_lines_close_sentences(layout)).tolist()

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        last = next((i for i in range(len(lines) - 1, -1, -1) if is_paragraph(lines[i])), None)
        if last is None:
            return lines
        tail = [i for i in range(last + 1, len(lines)) if not is_metadata_line(lines[i])]
        if len(tail) < 2:
            return lines
        bare = [lines[i] for i in tail if not _PUNCT_OR_DIGIT.search(lines[i])]
        menu = len(bare) == len(tail) and (
            (len(tail) >= 3 and all(len(line) <= 10 for line in bare)) or all(len(line) <= 6 for line in bare)
        )
        chrome = sum(1 for i in tail if navigation_share(lines[i])[0] or _is_list_item(lines[i]))
        if menu or chrome * 2 >= len(tail):
            return drop_lines(self, lines, doc, set(tail))
        return lines


_CLOSES_SENTENCE = code_point_table("。！？!?…；;")


def last_lines_close_sentences(layout: Layout) -> np.ndarray:
    """For each text of a batch, whether its last line has 8 characters or more and ends with a sentence mark: then
    `is_paragraph` holds for it (`SENTENCE_END` matches), so `may_change` is False. Most pages end so, and are
    answered here in numpy instead of with a Python call and two regex searches each."""
    codes = layout.codes
    starts, ends = layout.bounds
    closes = np.zeros(len(ends), dtype=bool)
    filled = ends > starts
    closes[filled] = np.take(_CLOSES_SENTENCE, codes[ends[filled] - 1])
    breaks = np.flatnonzero(codes == 10)
    if len(breaks):
        before = np.searchsorted(breaks, ends, side="left") - 1  # the last line break before each text's end
        line_starts = np.where(before >= 0, breaks[np.maximum(before, 0)] + 1, 0)
        starts = np.maximum(starts, line_starts)
    return closes & (ends - starts >= 8)
