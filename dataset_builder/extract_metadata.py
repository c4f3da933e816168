"""Metadata from the page text: title, publication time, source, authors and keywords. Lines consumed as metadata
leave the body. Metadata given by the input (sidecar, JSONL fields, Parquet columns) wins over what is extracted.

Recognised by structure and vocabulary, in the head and the tail of the page:
- published_at: the first date line (2014-07-08 20:51:54, 2015-08-12 10:49, 2014年7月8日, ...), as ISO 8601 at
  the precision given.
- title: the headline, the title-like line nearest above the date line; without a date, the first title-like line.
- source, by preference: a 来源/出处 label; a periodical issue line ("当代贵州 2014年29期"); the site named first in
  a breadcrumb ("您当前的位置：浙江在线 > ..."); a news-agency dateline opening the body ("某某讯 ...").
- authors: 作者/记者/通讯员 labels; a byline closing a paragraph ("(陈龙 报道)", "(作者:骆帝伟)"); a lone name
  under the title or date (a line of one to three personal names, recognised by their surnames).
  编辑/责任编辑 are editors, not authors: their lines are consumed and dropped.
- keywords: 关键词/关键字/标签 labels, split on separators (or into dictionary words when written without any).
"""

from __future__ import annotations

import re

from .cleaning.metadata_lines import (
    BREADCRUMB_LABEL,
    BREADCRUMB_SEPARATOR,
    DATE,
    BREADCRUMB_WORDS,
    LABELLED,
    LABELS,
    PERIODICAL,
    ascii_digits,
    is_breadcrumb,
    is_date_line,
)
from .cleaning.base import candidate_lines
from .cleaning.page_chrome import is_navigation
from .cleaning.text_units import HAN, alternation, is_paragraph
from .document import Document
from .stage import Stage

# Any line that may carry metadata has one of these; the others are not examined further.
_METADATA_CANDIDATE = re.compile(
    alternation(
        tuple(w for words in LABELS.values() for w in words)
        + BREADCRUMB_WORDS
        + ("19", "20", "１９", "２０", ">", "＞", "»", "›", "期")
    )
)
_HEAD_LINES = 15
_HEAD_FURNITURE_LINES = 6  # a headline further down is not at the top of a page: nothing above it is trimmed
_TAIL_LINES = 8
_TITLE_MAX_CHARS = 80
_SENTENCE_INSIDE = re.compile(r"[。！？；!?;]")
_VALUE_END = re.compile(r"\s{2,}|\s*[|｜]\s*|\u3000")
# What a name written after 作者/记者 looks like: Han characters (a pen name too), or a name in Latin letters.
_NAME_TOKEN = re.compile(r"^(?:[\u4e00-\u9fff·]{2,6}|[A-Za-z][A-Za-z .'-]{1,30})$")
_SPLIT_NAMES = re.compile(r"[\s、,，;；/]+")
_SPLIT_KEYWORDS = re.compile(r"[\s、,，;；|｜/]+")
# The most common Chinese surnames (single and compound) in Simplified and Traditional spelling: a name is two to
# four Han characters opening with one of them.
_SURNAMES = set(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘"
    "于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍"
    "史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳"
    "翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑"
    "华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑景党黨宫宮费費卜冷晏席卫衛"
    "米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師和仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺闻聞"
)
_COMPOUND_SURNAMES = ("欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "皇甫", "令狐", "慕容", "公孙", "公孫", "夏侯", "尉迟", "长孙")
_GENERIC_CRUMBS = re.compile(r"^(?:首页|主页|网站首页|首頁|主頁|home|Home|HOME|正文|新闻|新聞|资讯|资讯中心|新闻中心|本站)$")
_SITE_NAME = re.compile(r"^[^\s]{2,12}(?:网|網|在线|在線|日报|日報|晚报|晚報|报|報|台|社|频道|頻道|门户|門戶|新闻网|新聞網)$")
_DATELINE = re.compile(
    r"^[【\[]?(?P<name>[^\s，。,:：“”\"【】\[\]]{2,10}?)(?:讯|訊)(?:[】\]]|\s)"
    r"|^(?P<agency>[^\s，。,:：“”\"]{2,6}?(?:社|网|網))[^\s，。,]{0,8}?\d{1,2}月\d{1,2}日(?:电|電)"
)
_VERBS = r"报道|報道|报导|供稿|撰稿|采写|採寫|摄|攝|整理|编译|編譯|综合|綜合|文/图|文图"
_BYLINE = re.compile(
    r"[(（]\s*(?:(?P<label>作者|记者|記者|通讯员|通訊員|文|撰稿|撰文|供稿)\s*[:：]?\s*)?"
    rf"(?P<names>(?!{_VERBS})[\u4e00-\u9fff·]{{2,4}}?(?:[\s、,，]+(?!{_VERBS})[\u4e00-\u9fff·]{{2,4}}?){{0,4}})"
    rf"\s*(?P<verb>{_VERBS})?\s*[)）]\s*$"
)


_OPENING_BYLINE = re.compile(
    r"^[^，。,（(]{0,16}?(?P<paren>[（(]\s*(?:本报|本刊|本网)?(?:记者|記者|通讯员|通訊員|特约记者)\s*[:：]?\s*"
    r"(?P<names>[\u4e00-\u9fff·、,，\s]{2,40}?)\s*[)）])"
)
_CREDIT = re.compile(
    r"[(（][^()（）\n]{0,40}(?:作者单位|作者單位|责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|审核|審核)[^()（）\n]{0,40}[)）]\s*$"
)


def is_person_name(word: str) -> bool:
    if not 2 <= len(word) <= 4 or len(HAN.findall(word)) != len(word.replace("·", "")):
        return False
    return word[0] in _SURNAMES or word[:2] in _COMPOUND_SURNAMES


_ROLE_WORDS = {"整理", "编译", "編譯", "综合", "綜合", "报道", "報道", "作者", "记者", "記者", "通讯员", "通訊員", "本报记者", "本報記者", "实习生", "實習生", "摄影", "攝影", "文", "图", "圖", "文图", "文/图"}


def _names(value: str) -> list[str]:
    return [n for n in _SPLIT_NAMES.split(value.strip()) if n and n not in _ROLE_WORDS]


def iso_datetime(match: re.Match[str]) -> str | None:
    y, m = int(match["y"]), int(match["m"])
    if not 1 <= m <= 12:
        return None
    value = f"{y:04d}-{m:02d}"
    if match["d"] is None:
        return value
    d = int(match["d"])
    if not 1 <= d <= 31:
        return None
    value += f"-{d:02d}"
    if match["H"] is not None and int(match["H"]) <= 23 and int(match["M"]) <= 59:
        value += f"T{int(match['H']):02d}:{match['M']}"
        if match["S"] is not None and int(match["S"]) <= 59:
            value += f":{match['S']}"
    return value


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


def title_like(line: str, min_chars: int = 4) -> bool:
    return min_chars <= len(line) <= _TITLE_MAX_CHARS and not _SENTENCE_INSIDE.search(line) and not is_navigation(line)


class _Found:
    def __init__(self) -> None:
        self.title: str | None = None
        self.published: str | None = None
        self.sources: dict[str, str] = {}  # kind -> value; the best kind wins
        self.authors: list[str] = []
        self.keywords: list[str] = []

    def author(self, names: list[str]) -> None:
        for name in names:
            if name not in self.authors:
                self.authors.append(name)

    def source(self) -> str | None:
        for kind in ("label", "periodical", "breadcrumb", "dateline"):
            if kind in self.sources:
                return self.sources[kind]
        return None


class MetadataExtractor(Stage):
    name = "extract_metadata"

    def process(self, doc: Document) -> None:
        lines = doc.text.split("\n") if doc.text else []
        found = _Found()
        consumed: set[int] = set()
        n_head = min(_HEAD_LINES, len(lines))
        tail_start = max(n_head, len(lines) - _TAIL_LINES)
        date_index = None
        text = doc.text
        candidates = candidate_lines(_METADATA_CANDIDATE, lines, text)
        for i in candidates:
            if n_head <= i < tail_start:
                continue
            line = lines[i]
            if self._labelled(line, found):
                consumed.add(i)
            if is_date_line(line):
                if found.published is not None:  # a later date line is content (a schedule, a letter's date)
                    continue
                readable = ascii_digits(line)
                match = next((m for m in DATE.finditer(readable) if m["d"] is not None), None)
                value = iso_datetime(match) if match else None
                if value:
                    found.published = value
                    date_index = i
                    self._name_beside_date(readable, match, found)
                consumed.add(i)
            elif is_breadcrumb(line):
                consumed.add(i)
                self._breadcrumb(line, found)
            elif (periodical := PERIODICAL.match(line)) is not None:
                consumed.add(i)
                found.sources.setdefault("periodical", periodical["name"])
        title_index = self._title(lines, consumed, date_index)
        if title_index is not None:
            found.title = lines[title_index]
            consumed.add(title_index)
            # Above the headline only page furniture is left (a channel name, a site banner, a menu): short lines
            # that are not running text go; a paragraph there (a lead, a summary) stays.
            above = [j for j in range(title_index) if j not in consumed and not is_paragraph(lines[j])]
            if above and title_index <= _HEAD_FURNITURE_LINES:
                consumed.update(above)
                doc.record_edit("page_head_trimmer", "lines", len(above))
        # A lone name under the title or the date is the author.
        anchor = max(i for i in (title_index, date_index, -1) if i is not None)
        for i in range(anchor + 1, min(anchor + 4, len(lines))):
            if i in consumed:
                continue
            if len(lines[i]) > 20:  # one to three names and the spaces between them
                break
            names = _names(lines[i])
            if names and len(names) <= 3 and all(is_person_name(n) for n in names):
                found.author(names)
                consumed.add(i)
            break
        last_open = [i for i in range(len(lines) - 1, -1, -1) if i not in consumed][:3]
        # A byline closing one of the last paragraphs.
        for i in last_open:
            byline = _BYLINE.search(lines[i])
            if byline and (byline["label"] or byline["verb"] or all(is_person_name(n) for n in _names(byline["names"]))):
                names = _names(byline["names"])
                if all(is_person_name(n) or byline["label"] for n in names):
                    found.author(names)
                    lines[i] = lines[i][: byline.start()].rstrip()
                    if not lines[i]:
                        consumed.add(i)
                    break
        # A credit closing a paragraph that names no author: "(作者单位:某某中心 责任编辑/ 某某)".
        for i in last_open:
            credit = _CREDIT.search(lines[i])
            if credit:
                lines[i] = lines[i][: credit.start()].rstrip()
                if not lines[i]:
                    consumed.add(i)
        # "本报讯（记者 张三 通讯员 李四）…": the reporters named at the opening of the first paragraph.
        for i in range(min(_HEAD_LINES, len(lines))):
            if i in consumed or not is_paragraph(lines[i]):
                continue
            opening = _OPENING_BYLINE.match(lines[i])
            if opening:
                names = [n for n in _names(opening["names"]) if is_person_name(n)]
                if names:
                    found.author(names)
                    lines[i] = lines[i][: opening.start("paren")] + lines[i][opening.end("paren") :]
            break
        # A news-agency dateline opening the body.
        for i, line in enumerate(lines[:_HEAD_LINES]):
            if i not in consumed and is_paragraph(line):
                dateline = _DATELINE.match(line)
                if dateline:
                    name = dateline["name"] or dateline["agency"]
                    if not name.startswith("本"):
                        found.sources.setdefault("dateline", name)
                break
        given = doc.given
        doc.title = given.get("title") or found.title
        doc.published_at = given.get("published_at") or found.published
        doc.source = given.get("source") or found.source()
        doc.authors = list(given.get("authors") or found.authors)
        doc.keywords = list(given.get("keywords") or found.keywords)
        doc.url = given.get("url")
        kept = [line for i, line in enumerate(lines) if i not in consumed and line]
        doc.record_edit(self.name, "lines", len(lines) - len(kept))
        doc.text = "\n".join(kept)
        if not doc.text:
            doc.reject(self.name, "empty_after_extraction")

    @staticmethod
    def _labelled(line: str, found: _Found) -> bool:
        """Read every `label: value` of a metadata line; True when the line is one."""
        if len(line) > 120 or (len(line) > 60 and _SENTENCE_INSIDE.search(line)):
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
            if kind in ("source", "author") and (_SENTENCE_INSIDE.search(value) or "，" in value):
                continue  # "记者：您怎么看？" is an interview, not a credit
            if kind == "source":
                found.sources.setdefault("label", value.split()[0])
            elif kind == "author":
                value = re.sub(r"[（(][^)）]*[)）]?", " ", value)  # "张三（北京大学教授）": the name only
                names = [n for n in _names(value) if _NAME_TOKEN.match(n)]
                if not names:
                    continue
                found.author(names)
            elif kind == "keywords" and not found.keywords:
                found.keywords = split_keywords(value)
            accepted = True
        return accepted

    @staticmethod
    def _name_beside_date(line: str, match: re.Match[str], found: _Found) -> None:
        """A name written right after the time: "2014-11-25 06:40:17汤莉"."""
        rest = line[match.end() :]
        rest = LABELLED.split(rest)[0] if LABELLED.search(rest) else rest
        words = [w for w in _SPLIT_NAMES.split(rest.strip()) if w]
        if words and is_person_name(words[0]):
            found.author([words[0]])

    @staticmethod
    def _breadcrumb(line: str, found: _Found) -> None:
        label = BREADCRUMB_LABEL.match(line)
        crumbs = [c.strip() for c in BREADCRUMB_SEPARATOR.split(line[label.end() if label else 0 :]) if c.strip()]
        for crumb in crumbs:
            if _GENERIC_CRUMBS.match(crumb):
                continue
            if _SITE_NAME.match(crumb):
                found.sources.setdefault("breadcrumb", crumb)
            break

    @staticmethod
    def _title(lines: list[str], consumed: set[int], date_index: int | None) -> int | None:
        if date_index is not None:
            for j in range(date_index - 1, max(-1, date_index - 4), -1):
                if j not in consumed and title_like(lines[j]):
                    return j
        open_lines = [j for j in range(min(_HEAD_LINES + 2, len(lines))) if j not in consumed]
        for position, j in enumerate(open_lines):
            if j >= _HEAD_LINES:
                break
            following = lines[open_lines[position + 1]] if position + 1 < len(open_lines) else ""
            after = lines[open_lines[position + 2]] if position + 2 < len(open_lines) else ""
            # Title, a short credit line (an author, a pen name), then the body: "荅人 / 太上隐君 / 偶来松树下，…".
            # The shape allows a title of any length, even one character (句).
            if position == 0 and following and len(following) <= 8 and not is_paragraph(following) and is_paragraph(after):
                if title_like(lines[j], 1) and HAN.search(lines[j]):
                    return j
            if title_like(lines[j]) and HAN.search(lines[j]):
                # A headline heads a body: a lone line is the body itself, not a title.
                if following and (is_paragraph(following) or position == 0):
                    return j
            if is_paragraph(lines[j]):
                return None
        return None
