"""Patterns for the lines that carry metadata (date, source, author, keywords, breadcrumb, periodical issue).

The boilerplate operators leave these lines alone so the metadata extractor can read them; the extractor then
takes them out of the body. Vocabulary is given in Simplified characters and also matches its Traditional spelling.
"""

from __future__ import annotations

import re

from .text_units import alternation

# 2014-07-08 20:51:54 | 2015-08-12 10:49 | 2014年7月8日 | 2014/7/8 | 2014.7.8 | 2014年7月
DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*[日号]?)?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?(?!\d))?"
)
LABELS = {
    "source": ("来源", "出处", "稿源", "消息来源", "转载自", "本文来源", "文章来源", "新闻来源", "信息来源"),
    "author": ("作者", "记者", "本报记者", "通讯员", "撰文", "撰稿", "文字", "作者姓名"),
    "editor": ("编辑", "责任编辑", "责编", "编审", "审核", "校对", "摄影", "图片", "美编", "值班编辑", "实习编辑", "编者", "主编",
               "图片来源", "图片来自", "图源", "供图", "配图", "视频来源"),
    "keywords": ("关键词", "关键字", "标签", "主题词"),
    # Not bare 时间/日期: "时间：上午9时" in a notice is the event's time, part of the text.
    "date": ("发布时间", "发布日期", "发表时间", "发表日期", "更新时间", "发稿时间", "上传时间", "录入时间"),
}
_LABEL_ALTERNATION = "|".join(f"(?P<{kind}>{alternation(words)})" for kind, words in LABELS.items())
LABELLED = re.compile(rf"(?:^|(?<=\s)|(?<=[|｜【\[(（]))(?:{_LABEL_ALTERNATION})\s*[:：]\s*")
BREADCRUMB_WORDS = ("您当前的位置", "您当前位置", "当前位置", "您现在的位置", "您的位置", "你的位置", "你现在的位置", "所在位置", "现在位置")
BREADCRUMB_LABEL = re.compile("(?:" + alternation(BREADCRUMB_WORDS) + r")\s*[:：]?\s*")
BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|＞|»|›|→|/)\s*")
# "当代贵州 2014年29期", "求是 2015年第3期": a periodical and its issue, alone on a line.
PERIODICAL = re.compile(r"^(?P<name>[^\s\d:：,，。]{2,15})\s*(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?:第\s*)?(?P<issue>\d{1,3})\s*期$")
NOT_SENTENCE = re.compile(r"[。！？；，,!?;]")


# Full-width digits and colon (２０１４年７月８日 ２０：５１) read as ASCII for dates only; the text keeps them.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９：／－．", "0123456789:/-.")


def ascii_digits(line: str) -> str:
    return line.translate(_FULL_WIDTH_DIGITS)


def is_date_line(line: str) -> bool:
    """A short line whose main content is a date (and perhaps a source, counter or font-size control)."""
    if len(line) > 80 or NOT_SENTENCE.search(line):
        return False
    match = DATE.search(ascii_digits(line))
    return match is not None and match["d"] is not None and len(line) - (match.end() - match.start()) <= 50


def is_breadcrumb(line: str) -> bool:
    if len(line) > 100:
        return False
    if BREADCRUMB_LABEL.match(line):
        return True
    parts = [p for p in BREADCRUMB_SEPARATOR.split(line) if p]
    return (
        len(parts) >= 3
        and bool(re.search(r">|＞|»|›", line))
        and all(len(p) <= 14 for p in parts)
        and not NOT_SENTENCE.search(line)
    )


def is_metadata_line(line: str) -> bool:
    """A line the metadata extractor reads: labelled, a date line, a breadcrumb or a periodical issue."""
    if len(line) <= 120 and LABELLED.search(line) and not (len(line) > 60 and NOT_SENTENCE.search(line)):
        return True
    return is_date_line(line) or is_breadcrumb(line) or PERIODICAL.match(line) is not None
