"""Spam: keyword-stuffed lines (pornography, gambling, runs of place names joined by | or _) are removed; a
document that is mostly spam is rejected by the stage (reason `spam`); spam phrases injected into an otherwise good
paragraph are flagged (`spam_inline`) and left, since cutting them out of a sentence could damage it.

Some spam words have innocent readings (威尼斯人 "Venetians", 太阳城 a town's name): one of them never makes a line
spam nor flags a paragraph; it takes a stuffing pattern (separators, repetition) or two different spam terms.

Recognised by shape and vocabulary: many short items joined by separators, with spam words or place-name suffixes.
"""

from __future__ import annotations

import re

from ..document import Document
from .base import LineOperator, candidate_lines
from .text_units import SENTENCE_END, alternation, han_count, is_paragraph

# Words that almost only occur in porn or gambling spam.
STRONG_SPAM = (
    "一区二区", "二区三区", "三区四区", "无码", "熟女", "少妇", "人妻", "波多野结衣", "苍井空", "国产精品", "精品国产",
    "久久久久", "偷拍", "自拍偷拍", "在线av", "av在线", "av网", "毛片", "三级片", "黄色网站", "黄色视频", "成人网站",
    "成人视频", "色情", "乱伦", "巨乳", "美女裸体", "免费a片", "a片", "百家乐", "六合彩", "时时彩", "娱乐城", "真人娱乐",
    "网上赌场", "赌场", "博彩", "老虎机", "赌球", "开户送", "注册送", "彩金", "葡京", "威尼斯人", "太阳城", "金沙娱乐",
    "北京赛车", "重庆时时彩", "澳门赌", "体育投注", "棋牌游戏", "日本一区", "亚洲av", "国产av", "欧美av", "日韩av",
    "代开发票", "代开增值税", "办假证", "迷药", "迷幻药", "窃听器", "信用卡套现", "私家侦探", "代孕", "裸聊", "约炮",
    "一夜情", "援交", "外围女", "新葡京", "澳门新葡京", "皇冠体育", "bet365", "188bet",
)
# Words common in spam lists but also in news; they count only on a keyword-stuffed line.
WEAK_SPAM = ("亚洲", "欧美", "日韩", "国产", "精品", "在线", "免费", "视频", "高清", "福利", "激情", "午夜", "美女", "av",
             "AV", "彩票", "投注", "澳门", "娱乐", "网站", "观看", "播放", "下载")

def _cased(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words as written, in upper case and capitalised: a case-sensitive pure alternation stays fast."""
    return tuple(dict.fromkeys(v for w in words for v in (w, w.upper(), w.capitalize())))


_STRONG = re.compile(alternation(_cased(STRONG_SPAM)))
_WEAK = re.compile(alternation(_cased(WEAK_SPAM)))
_HARD_SEPARATOR = re.compile(r"\s*[|｜_]\s*")
# Weak words alone never make a line spam: only lines with strong words or hard separators are examined.
_CANDIDATE = re.compile(alternation(_cased(STRONG_SPAM) + ("|", "｜", "_")))
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:省|市|县|区|镇|乡|村|州|旗|盟|岛|自治区|自治州|自治县)$")


def spam_words(line: str) -> int:
    return len(_STRONG.findall(line))


def distinct_spam_words(line: str) -> int:
    return len(set(_STRONG.findall(line)))


def is_spam_line(line: str) -> bool:
    """Keyword stuffing: many short items joined by | or _ with spam words or mostly place names; or a line that is
    not running text and carries several spam words."""
    strong = spam_words(line)
    hard = [p for p in _HARD_SEPARATOR.split(line) if p]
    if len(hard) >= 4 and sum(len(p) for p in hard) / len(hard) <= 16 and not SENTENCE_END.search(line):
        if strong >= 1 or len(_WEAK.findall(line)) >= len(hard):
            return True
        places = sum(1 for p in hard if _PLACE.match(p))
        if len(hard) >= 6 and places >= 3 and places + sum(1 for p in hard if len(p) <= 3) >= 0.6 * len(hard):
            return True
    if strong >= 2 and not is_paragraph(line) and distinct_spam_words(line) >= 2:
        return True
    # A line that is mostly spam words, whatever its shape.
    han = han_count(line)
    covered = sum(len(m.group(0)) for m in _STRONG.finditer(line))
    return han > 0 and strong >= 3 and covered >= 0.4 * han


class SpamLineRemover(LineOperator):
    name = "spam_line_remover"
    trigger = _CANDIDATE

    def __init__(self, max_spam_share: float = 0.5) -> None:
        self.max_spam_share = max_spam_share

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:
        candidates = candidate_lines(_CANDIDATE, lines)
        if not candidates:
            return lines
        drop: set[int] = set()
        removed_chars = 0
        for i in candidates:
            line = lines[i]
            if is_spam_line(line):
                removed_chars += len(line)
                drop.add(i)
            elif "spam_inline" not in doc.flags and distinct_spam_words(line) >= 2:
                doc.flags.append("spam_inline")
        kept = [line for i, line in enumerate(lines) if i not in drop] if drop else lines
        if len(kept) != len(lines):
            doc.record_edit(self.name, self.unit, len(lines) - len(kept))
            total = removed_chars + sum(len(line) for line in kept)
            share = removed_chars / total if total else 0.0
            if share > self.max_spam_share:
                doc.reject("clean", "spam", f"{share:.2f} of the characters are spam lines > max_spam_share {self.max_spam_share}")
        return kept
