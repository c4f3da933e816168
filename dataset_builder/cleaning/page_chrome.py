"""Line operators for page chrome recognised by structure and vocabulary, never by one site's exact strings.

- `HttpErrorRemover`: HTTP status banners ("404 Not Found", "502 Bad Gateway", "Error 404") and server signatures
  ("nginx/1.18.0", "Apache/2.4.1 (Unix)", any `Name/1.2.3` alone on a line).
- `JunkLineRemover`: lines with no letter, digit or Han character (stray "?", rules of dashes, lone bullets), and
  end-of-article markers such as （完） or -END-.
- `CopyrightRemover`: copyright, ICP licence, reprint-notice and disclaimer lines, and site footers (地址/电话/主办…).
- `NavigationRemover`: short lines made mostly of navigation vocabulary (home/back/top links, share bars,
  comment prompts, "read the full text", download buttons, font-size controls, read counters, site banners) and
  link bars (many short items separated by | or by spaces).

Lines the metadata extractor needs (dates, 来源/作者/编辑 labels, breadcrumbs) are left for it.
"""

from __future__ import annotations

import re

import numpy as np

from ..document import Document
from .base import LineOperator, candidate_lines, drop_lines
from .metadata_lines import is_breadcrumb, is_metadata_line
from .text_units import (
    LETTER_OR_DIGIT_CLASS, LETTER_OR_DIGIT_RANGES, SENTENCE_END, SENTENCE_PUNCT, alternation, code_point_table, han_count,
    is_paragraph,
)
from .word_triggers import Layout

_HTTP_STATUS = re.compile(
    r"^(?:HTTP(?:/\d(?:\.\d)?)?\s*|Error\s*|错误\s*)?[1-5]\d\d(?:\s*[-:：]?\s*[A-Za-z][A-Za-z' -]{2,40}|\s*错误|\s*error)?$"
    r"|^(?:Error|ERROR)\s*[1-5]\d\d\b.{0,60}$"
    r"|^(?:Not Found|Forbidden|Bad Gateway|Bad Request|Service (?:Temporarily )?Unavailable|Gateway Time-?out"
    r"|Internal Server Error|Access Denied|Request Timeout|Too Many Requests)\.?$"
    r"|^The requested URL(?: .{0,200}?)? was not found on this server\.?(?: .{0,120})?$"
    r"|^The server is (?:temporarily )?unable to service your request\b.{0,200}$"
    r"|^(?:Additionally, a \d{3} .{0,120}|Please try again later\.?)$"
    r"|^(?:Apache|nginx|Microsoft-IIS|lighttpd|openresty|Tengine|LiteSpeed)(?:/[\d.]+)?(?: \([^)]{1,40}\))?"
    r"(?: Server at \S{1,80} Port \d{1,5})?\.?$"
    r"|^(?:Powered by|Proudly powered by)\s+\S.{0,40}$",
    re.IGNORECASE,
)
_SERVER_SIGNATURE = re.compile(r"^[A-Za-z][\w.-]{1,30}/\d+(?:\.\d+){1,3}(?:\s*\([^)]{1,40}\))?(?:\s+Server at .{1,80})?$")
_CHINESE_ERROR = re.compile(
    alternation(("您访问的页面不存在", "页面不存在", "找不到页面", "页面未找到", "访问的页面不存在", "服务器错误", "网页无法访问", "该页面已被删除"))
)


_HTTP_CANDIDATE = re.compile(
    alternation(
        ("Not Found", "NOT FOUND", "not found", "Forbidden", "FORBIDDEN", "Error", "ERROR", "error", "HTTP", "Gateway",
         "Unavailable", "Bad Request", "Powered", "powered", "requested URL", "/", "404", "403", "500", "502", "503",
         "unable to service", "try again later", "Server at", "Apache", "nginx", "Denied", "Timeout", "Too Many")
    )
    + "|"
    + _CHINESE_ERROR.pattern
)


class HttpErrorRemover(LineOperator):
    name = "http_error_remover"
    trigger = _HTTP_CANDIDATE

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        drop = {
            i
            for i in candidate_lines(_HTTP_CANDIDATE, lines)
            if len(line := lines[i]) <= 220
            and (_HTTP_STATUS.match(line) or _SERVER_SIGNATURE.match(line) or (len(line) <= 30 and _CHINESE_ERROR.search(line)))
        }
        return drop_lines(self, lines, doc, drop)


_JUNK = re.compile(
    f"^[^{LETTER_OR_DIGIT_CLASS}\n]+$"
    # end-of-article markers: （完） 【全文完】 -END- (END)
    r"|^[(（【\[\-—]*\s*(?:完|全文完|本文完|END|End|end)\s*[)）】\]\-—]*$",
    re.MULTILINE,
)


# What a line `_JUNK` matches is made of: anything but letters and digits, and the letters of its end markers. A match
# spanning lines (its \\s takes line breaks) spans whole lines of these too, one of them not empty.
_JUNK_CHARACTER = code_point_table(ranges=LETTER_OR_DIGIT_RANGES, others=True) | code_point_table("完全文本ENDnd")


class JunkLineRemover(LineOperator):
    name = "junk_line_remover"
    trigger = _JUNK

    def batch_candidates(self, layout: Layout) -> list[int]:
        """The texts with a line made of `_JUNK_CHARACTER`s only, in numpy: a superset of those `_JUNK` matches in,
        for a fraction of one regex search over the batch (tried at every position: 1.2 ms a batch of 2,000)."""
        starts, ends, owners = layout.lines
        other = np.concatenate(([0], np.cumsum(~np.take(_JUNK_CHARACTER, layout.codes), dtype=np.int64)))
        junk = (ends > starts) & (other[ends] == other[starts])
        return np.unique(owners[junk]).tolist()

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        drop = set(candidate_lines(_JUNK, lines))
        return drop_lines(self, lines, doc, drop)


# Always chrome, wherever they appear.
_COPYRIGHT_WORDS = (
    "版权所有", "版权声明", "©", "公网安备", "网安备", "增值电信业务经营许可证", "不良信息举报", "转载请注明", "本站声明",
    "免责声明", "不代表本站", "不代表本网", "不代表本报", "仅代表作者", "并不意味着赞同", "本站同意其观点",
    "Copyright", "COPYRIGHT", "copyright", "All Rights Reserved", "All rights reserved", "ALL RIGHTS RESERVED",
)
# A pure alternation of literals: Python's regex engine then skips, by their first characters, the positions where
# none can start, which is what makes vocabulary searches fast.
_COPYRIGHT = re.compile(alternation(_COPYRIGHT_WORDS))
# Searched only when the text has "ICP" or "(c)" at all: a pattern that is not a pure alternation is slower.
_COPYRIGHT_CODES = re.compile(r"\([cC]\)\s*\d{4}|(?:ICP|icp)\D{0,8}?\d{6,}|ICP(?:备案|证|證)编?号")
# Chrome only on a short line that is not a sentence ("未经许可擅自施工的……" in an article is not).
_SHORT_NOTICE = re.compile(alternation(("未经授权", "未经许可", "禁止转载", "严禁转载", "技术支持：", "技术支持:")))


# A site footer names two or more of these, each with a colon: 地址：… 邮编：… 电话：…
_FOOTER_LABEL_WORDS = re.compile(
    alternation(("地址", "邮编", "电话", "联系电话", "传真", "邮箱", "电子邮箱", "主办", "主办单位", "承办", "承办单位", "协办", "维护", "网站维护", "E-mail", "Email", "email", "QQ", "备案号"))
)
_FOOTER_LABEL = re.compile("(?:" + _FOOTER_LABEL_WORDS.pattern + r")\s*[:：]")


class CopyrightRemover(LineOperator):
    name = "copyright_remover"
    # Every line it drops has one of its words or codes (ICP, (c)), a short notice or a footer label.
    trigger = (_COPYRIGHT, re.compile(r"ICP|icp|\(c\)|\(C\)"), _SHORT_NOTICE, _FOOTER_LABEL_WORDS)

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        text = "\n".join(lines)
        drop = {i for i in candidate_lines(_COPYRIGHT, lines, text) if len(lines[i]) <= 160}
        if "ICP" in text or "icp" in text or "(c)" in text or "(C)" in text:
            drop.update(i for i in candidate_lines(_COPYRIGHT_CODES, lines, text) if len(lines[i]) <= 160)
        drop.update(i for i in candidate_lines(_SHORT_NOTICE, lines, text) if len(lines[i]) <= 40 and not SENTENCE_END.search(lines[i]))
        drop.update(
            i for i in candidate_lines(_FOOTER_LABEL, lines, text) if len(lines[i]) <= 160 and len(_FOOTER_LABEL.findall(lines[i])) >= 2
        )
        return drop_lines(self, lines, doc, drop)


# Words of page navigation, buttons, share bars, comment boxes, counters and font controls.
NAVIGATION_WORDS = (
    "首页", "网站首页", "回首页", "返回首页", "主页", "返回", "返 回", "回顶部", "返回顶部", "顶部", "置顶",
    "上一篇", "下一篇", "上一页", "下一页", "上一条", "下一条", "尾页", "末页", "打印本页", "打印此文", "打印", "关闭窗口",
    "关闭本页", "关闭", "收藏本页", "加入收藏", "收藏", "设为首页", "分享到", "分享至", "分享", "转发", "推荐到", "推荐给",
    "字号", "字体", "默认", "阅读量", "阅读数", "阅读次数", "浏览次数", "浏览量", "点击数", "点击量", "点击率", "访问量",
    "人气", "热度", "评论", "发表评论", "我要评论", "查看评论", "网友评论", "评论数", "我要注册", "注册", "登录", "登陆",
    "退出", "文明上网", "理性发言", "遵守相关规定", "请您", "复制本文标题地址", "复制链接", "复制", "本文", "标题", "地址",
    "链接", "网址", "点击查看全文", "查看全文", "阅读全文", "查看原文", "阅读原文", "展开全文", "全文", "点击进入", "点击",
    "立即下载", "免费下载", "下载", "扫一扫", "扫描二维码", "二维码", "微信", "微博", "新浪微博", "腾讯微博", "搜狐微博",
    "网易微博", "开心网", "人人网", "豆瓣", "空间", "朋友圈", "好友", "手机版", "电脑版", "客户端", "订阅", "更多", "点赞",
    "搜索", "帮助", "网站地图", "联系我们", "关于我们", "投稿", "纠错", "举报", "繁体", "简体", "门户网站", "网站", "官网",
    "在线", "论坛", "博客", "频道", "导航", "栏目", "友情链接", "相关链接", "进入", "收起", "加大", "减小",
    "放大", "缩小", "正文", "来顶", "沙发", "打赏", "关注我们", "关注", "扫码", "官方", "公众号", "浏览", "阅读",
    "人参与", "参与", "条评论", "网友", "已有", "手机", "手机看", "列表", "返回列表", "查看", "推荐", "热门", "收藏本文",
)
_NAVIGATION = re.compile(alternation(NAVIGATION_WORDS) + r"|[【\[(（]?\s*大\s*中\s*小\s*[】\])）]?")
_SHARE_BAR = re.compile(r"^(?:" + alternation(("分享到", "分享至", "分享", "一键分享", "转发到")) + r")\s*[:：]?")
_LINK_BAR_SEPARATOR = re.compile(r"\s*[|｜]\s*|\s+[·•]\s+|\s+")


_NAVIGATION_WORDS = re.compile(alternation(NAVIGATION_WORDS))
_NAVIGATION_SHAPE = re.compile(alternation(("|", "｜", "大 中 小", "大中小", "  ", " · ", " • ")))
# A line holding neither (pure alternations: `word_triggers` can ask them of a batch) is not navigation.
NAVIGATION_TRIGGERS = (_NAVIGATION_WORDS, _NAVIGATION_SHAPE)


def navigation_share(line: str) -> tuple[int, int]:
    """(Han characters in navigation words, Han characters in the line)."""
    covered = sum(han_count(m.group(0)) for m in _NAVIGATION.finditer(line))
    return covered, han_count(line)


# "上一篇：<title>", "下一条：<title>": links to the neighbouring articles.
_NEIGHBOUR_LINK = re.compile("^[【\\[]?(?:" + alternation(("上一篇", "下一篇", "上一条", "下一条", "上一页", "下一页", "上篇", "下篇", "前一篇", "后一篇")) + r")[】\]]?\s*[:：]")


def is_navigation(line: str) -> bool:
    if len(line) > 120 or (_NAVIGATION_WORDS.search(line) is None and _NAVIGATION_SHAPE.search(line) is None):
        return False
    if _NEIGHBOUR_LINK.match(line):
        return True
    if _SHARE_BAR.match(line) and not SENTENCE_END.search(line):
        return True
    if len(line) <= 60:
        covered, total = navigation_share(line)
        if covered >= 2 and total - covered <= max(2, 0.3 * total):
            # A finished sentence ("网友纷纷点赞。") must be made almost only of navigation words.
            if not SENTENCE_END.search(line) or total < 6 or covered >= 0.8 * total:
                return True
    parts = [p for p in _LINK_BAR_SEPARATOR.split(line) if p]
    if len(parts) >= 4 and not SENTENCE_END.search(line):
        lengths = [len(p) for p in parts]
        if "|" in line or "｜" in line:
            return max(lengths) <= 12
        # Menu words split by spaces: short items. Verse split by spaces has 5- or 7-character phrases.
        return len(parts) >= 5 and sum(lengths) / len(lengths) <= 4 and max(lengths) <= 6 and not SENTENCE_PUNCT.search(line)
    return False


# A site's name banner at the head of the page: "某某县新闻门户网站", "某某市人民政府网".
_SITE_BANNER_SUFFIX = alternation(("门户网站", "官方网站", "网站", "门户", "官网", "新闻网", "信息网", "政府网", "人民政府网"))
_SITE_BANNER = re.compile(r"^[^\s，。,:：]{2,16}(?:" + _SITE_BANNER_SUFFIX + r")$")
_HEAD_LINES = 5


# A line made only of English navigation words: "Back to top", "Home | About us | Contact", "Print  Close".
_ENGLISH_NAVIGATION = re.compile(
    r"^(?:[^A-Za-z\n]*\b(?:home|top|back|to|print|close|share|next|prev|previous|more|login|log|sign|register|in|out|up"
    r"|search|menu|about|contact|us|rss|comments?|reply|english|page|go)\b)+[^A-Za-z\n]*$",
    re.IGNORECASE | re.MULTILINE,
)


_ASCII_LETTER = re.compile(r"[A-Za-z]")


class NavigationRemover(LineOperator):
    name = "navigation_remover"
    # Every line it drops has a navigation word or shape, a site-banner suffix or an ASCII letter.
    trigger = (_NAVIGATION_WORDS, _NAVIGATION_SHAPE, re.compile(_SITE_BANNER_SUFFIX), _ASCII_LETTER)

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        text = "\n".join(lines)
        candidates = set(candidate_lines(_NAVIGATION_WORDS, lines, text))
        candidates.update(candidate_lines(_NAVIGATION_SHAPE, lines, text))
        candidates.update(i for i in range(min(_HEAD_LINES, len(lines))) if _SITE_BANNER.match(lines[i]))
        drop = {
            i
            for i in candidates
            if (is_navigation(lines[i]) or (i < _HEAD_LINES and _SITE_BANNER.match(lines[i]))) and not is_metadata_line(lines[i])
        }
        if _ASCII_LETTER.search(text):
            drop.update(i for i in candidate_lines(_ENGLISH_NAVIGATION, lines, text) if len(lines[i]) <= 60)
        if drop:
            drop.discard(_headline_above_metadata(lines, drop))
        if drop:
            drop |= chrome_block(lines, drop)
        return drop_lines(self, lines, doc, drop)


_HEADLINE_SEARCH_LINES = 12


def _headline_above_metadata(lines: list[str], drop: set[int]) -> int | None:
    """The line right above the page's first date/source line is its headline (what the metadata extractor reads);
    it stays when it only holds one navigation word inside a word of its own."""
    head = range(min(_HEADLINE_SEARCH_LINES, len(lines)))
    meta = next((i for i in head if i not in drop and is_metadata_line(lines[i]) and not is_breadcrumb(lines[i])), None)
    if not meta or meta - 1 not in drop:
        return None
    return meta - 1 if holds_one_navigation_word(lines[meta - 1]) else None


def holds_one_navigation_word(line: str) -> bool:
    """A short phrase with one navigation word inside a word of its own (南加大, 手机壳): navigation words make up
    less than two thirds of its Han characters, and it has no link-bar, share-bar or neighbour-link shape."""
    if _NAVIGATION_SHAPE.search(line) or _NEIGHBOUR_LINK.match(line) or _SHARE_BAR.match(line):
        return False
    if len(_NAVIGATION.findall(line)) != 1:
        return False
    covered, total = navigation_share(line)
    return 3 * (total - covered) >= total


_BLOCK_LINE_MAX_CHARS = 20
_BLOCK_MAX_LINES = 3


def chrome_block(lines: list[str], drop: set[int]) -> set[int]:
    """Chrome comes in blocks: a run of one to three short lines that are not sentences ("用户名：", "匿名发表",
    "评论283", "欢迎您，请登录") between chrome lines is chrome too, in the tail and in the head of the page."""
    return _tail_block(lines, drop) | _head_block(lines, drop)


def _tail_block(lines: list[str], drop: set[int]) -> set[int]:
    """After the last paragraph, between chrome lines or between a chrome line and the end of the page."""
    last = next((i for i in range(len(lines) - 1, -1, -1) if i not in drop and is_paragraph(lines[i])), -1)
    if max(drop) <= last:
        return set()
    return {i for run in _sandwiched_runs(lines, drop, last + 1, len(lines), end_bounds=True) for i in run}


def _head_block(lines: list[str], drop: set[int]) -> set[int]:
    """Before the first paragraph. The headline often sits between a menu and a font-size row too, so a run holding
    it stays. The headline is the line right above the first date/source line (what the metadata extractor reads),
    or, on a page without one, the line heading the first paragraph: a prompt above it between two chrome rows
    ("游客您好 请先登录" between a menu and a "手机版 | 繁體" row) goes with them."""
    first = next((i for i, line in enumerate(lines) if i not in drop and is_paragraph(line)), len(lines))
    if min(drop) >= first:
        return set()
    meta = next((i for i in range(first) if i not in drop and is_metadata_line(lines[i])), None)
    if meta is None and first == len(lines):
        return set()  # no paragraph, no date line: nothing says where the headline is
    above = first if meta is None else meta
    headline = next((i for i in range(above - 1, -1, -1) if i not in drop and not is_metadata_line(lines[i])), None)
    if headline is None:
        return set()
    runs = _sandwiched_runs(lines, drop, 0, first, end_bounds=False)
    return {i for run in runs if headline not in run for i in run}


def _sandwiched_runs(lines: list[str], drop: set[int], start: int, stop: int, end_bounds: bool) -> list[range]:
    """Runs of block lines in [start, stop) with a dropped line right above and right below (or, with `end_bounds`,
    the end of the page below)."""
    runs: list[range] = []
    i = start
    while i < stop:
        if i in drop:
            i += 1
            continue
        run = i
        while run < stop and run not in drop and _block_line(lines[run]):
            run += 1
        bounded_below = run in drop or (end_bounds and run == len(lines))
        if run > i and run - i <= _BLOCK_MAX_LINES and i - 1 in drop and bounded_below:
            runs.append(range(i, run))
        i = max(run, i + 1)
    return runs


def _block_line(line: str) -> bool:
    return len(line) <= _BLOCK_LINE_MAX_CHARS and not SENTENCE_END.search(line) and not is_metadata_line(line)
