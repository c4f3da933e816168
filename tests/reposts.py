"""Reposts of a real text, as they appear when one story is copied from site to site: other page chrome (a
header and a footer), a paragraph dropped or added, small edits. Used by the near-duplicate tests and by
bench/dedup_eval.py (which builds its labelled set from the shared corpus with the same transforms)."""

from __future__ import annotations

import random

# Page chrome of invented sites: the header and footer a repost wraps around the story.
SITES = (
    ("来源：东方新闻网 | 编辑：王晓明 | 2012年08月03日 09:15", "（责任编辑：李娜）\n分享到：微博 微信 QQ空间\n本文转载自东方新闻网，版权归原作者所有。"),
    ("【大河资讯】 发布时间：2013-05-17 字号：大 中 小", "更多精彩内容请关注大河资讯官方微信。\n相关阅读：\n上一篇：市区今日起调整公交线路\n下一篇：暑期游泳安全提示"),
    ("首页 > 新闻中心 > 社会 > 正文", "打印本页 关闭窗口\n声明：本网转载此文出于传递更多信息之目的，并不意味着赞同其观点。"),
    ("[原标题] 转自网友投稿 阅读次数：1024", "网友评论 (0) 我要评论\n热点推荐：全国多地迎来降温"),
)


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def with_chrome(text: str, site: int) -> str:
    header, footer = SITES[site % len(SITES)]
    return f"{header}\n{text}\n{footer}"


def drop_paragraph(text: str, rng: random.Random) -> str:
    paras = paragraphs(text)
    if len(paras) < 3:
        return text
    del paras[rng.randrange(1, len(paras))]
    return "\n".join(paras)


def add_paragraph(text: str, extra: str, rng: random.Random) -> str:
    paras = paragraphs(text)
    paras.insert(rng.randrange(1, len(paras) + 1), extra)
    return "\n".join(paras)


def small_edits(text: str, rng: random.Random, share: float = 0.01) -> str:
    """Replace, delete or insert about `share` of the characters (typos, a changed word, a re-typed number)."""
    chars = list(text)
    for _ in range(max(1, int(len(chars) * share))):
        i = rng.randrange(len(chars))
        what = rng.randrange(3)
        if what == 0:
            chars[i] = rng.choice("的了是在和有这为中人")
        elif what == 1:
            del chars[i]
        else:
            chars.insert(i, rng.choice("，的了也"))
    return "".join(chars)


def repost(text: str, rng: random.Random, extra: str = "") -> tuple[str, str]:
    """One repost of `text` and how it was made: other chrome, plus one of drop / add / edit / all three."""
    kind = rng.choice(("chrome", "drop", "add", "edit", "mixed"))
    out = text
    if kind in ("drop", "mixed"):
        out = drop_paragraph(out, rng)
    if kind in ("add", "mixed") and extra:
        out = add_paragraph(out, extra, rng)
    if kind in ("edit", "mixed"):
        out = small_edits(out, rng)
    return with_chrome(out, rng.randrange(len(SITES))), kind
