"""Cleaning and metadata accuracy on a labelled sample built from real texts wrapped in page chrome.

    python bench/cleaning_eval.py [--corpus PATH] [--drcd 600] [--seed 12] [--per-document] [--show KIND:N]

The body texts are real: Traditional encyclopedia paragraphs (`drcd-`) and Sohu news (`sogoucs-`, whose U+E40C
paragraph marks are left as found) from the shared benchmark corpus. Around each body this script writes a web page
of its own in several general shapes: a site banner, menu or breadcrumb, the headline, a date/source line, a byline
line or a byline inside the first/last paragraph, a meeting's "时间：" line in the body, comment prompts, share rows,
related-headline lists, spam rows and footers. Some pages are converted the content-farm way (Traditional
characters with pinyin glosses giving the reading of the original Simplified character), and some pages carry no
article at all (link farms, HTTP error pages) and should be rejected.

Every page is labelled while it is written (the body characters, title, date, source and authors), run through the
per-document pipeline (`cleaning_stages`, cross-document evidence within each invented site unless
`--per-document`) and scored:
- kept-character precision and recall: letters, digits and Han characters (NFKC, both sides converted t2s, so
  punctuation and script conversion do not count) as multisets, micro-averaged over all pages;
- full-width punctuation precision and recall: the marks 。，、；：？！“”（）《》「」… of the body (plus the half-width
  , : ; ? ! ( ) between Han characters, which should become full-width) against those of the kept text;
- title, published_at, source and author accuracy over the pages that have one, and rejection accuracy.

The sample lives only in memory (nothing derived from the corpus is written); `--show` prints failing pages.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataset_builder.config import CleanConfig, FilterConfig  # noqa: E402
from dataset_builder.document import Document, Origin  # noqa: E402
from dataset_builder.cleaning.text_units import converter  # noqa: E402
from dataset_builder.pipeline import cleaning_stages  # noqa: E402

DEFAULT_CORPUS = str(Path(__file__).resolve().parents[2] / "shared" / "bench" / "zh_mixed_316k.jsonl.zst")
BENCH_FILTER = {"min_chars": 50, "min_han_ratio": 0.3, "min_line_end_punct_ratio": 0.0, "max_repeated_ngram_ratio": 1.0}

# Invented vocabulary for the page chrome: general shapes, no real site's strings.
SITES = [
    ("东方时报网", "dfsb"), ("江南在线", "jnzx"), ("华夏资讯网", "hxzx"), ("晨光新闻网", "cgxw"), ("知识百科网", "zsbk"),
    ("新民生活网", "xmsh"), ("北方晚报", "bfwb"), ("西部热线", "xbrx"), ("海峡之声网", "hxzs"), ("金陵信息港", "jlxx"),
    ("天府社区", "tfsq"), ("百川百科", "bcbk"), ("中原网", "zyw"), ("南国都市报", "ngds"), ("环球视野", "hqsy"),
    ("星辰文库", "xcwk"), ("龙城在线", "lczx"), ("长河日报", "chrb"), ("博闻网", "bww"), ("云端资讯", "ydzx"),
]
SLOGANS = ["权威媒体 全球视野", "让知识更简单", "您身边的新闻", "有态度的资讯", "记录时代 服务大众", "最全的百科知识"]
SECTIONS = ["国内", "国际", "社会", "财经", "体育", "娱乐", "科技", "教育", "健康", "地理", "历史", "人物", "百科", "公益", "文化"]
SOURCES = ["新华社", "中国新闻网", "人民日报", "经济参考报", "北方晚报", "光明日报", "中国青年报", "华夏资讯网", "南国都市报",
           "法制日报", "科技日报", "长河日报", "央视网", "人民网", "新京报"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红斌宇浩凯晨欣雪梅林海波鹏飞"
SPAM_ROWS = ["澳门百家乐|真人娱乐|网上赌场|注册送彩金", "最新三级片|国产精品|一区二区|免费在线观看",
             "代开发票 代开增值税发票 办假证 联系QQ", "时时彩平台 北京赛车 六合彩 体育投注 开户送彩金"]
COMMENT_BLOCKS = [["网友评论", "请自觉遵守互联网相关政策法规，文明发言", "已有{n}条评论", "发表评论"],
                  ["我要评论", "用户名：", "匿名发表", "{n}人参与 {m}条评论"], ["热门评论", "评论{n}", "查看全部评论"],
                  ["文明上网 理性发言", "网友评论仅供其表达个人看法，并不表明本站同意其观点", "共有{n}条评论"]]
SHARE_ROWS = ["分享到：新浪微博 腾讯微博 QQ空间 人人网", "分享到 微信 微博 QQ", "一键分享", "收藏本文 | 打印 | 关闭窗口",
              "【字号 大 中 小】【打印】【关闭】", "扫一扫 分享到朋友圈"]
FOOTERS = [["关于我们 | 联系我们 | 广告服务 | 网站地图 | 招聘信息", "Copyright © 2004-2012 www.{en}.com All Rights Reserved"],
           ["版权所有：{site}　未经授权禁止转载", "京ICP备{k}号"], ["地址：{site}大厦 电话：010-{k} 邮编：100{p}", "{site} 版权所有"],
           ["本站声明：本站所载文章仅代表作者观点", "返回顶部"]]
ERROR_PAGES = [
    ["404 Not Found", "The requested URL /{en}/{k}.html was not found on this server.", "Apache/2.2.15 (CentOS) Server at www.{en}.com Port 80"],
    ["Not Found", "The requested URL was not found on this server."],
    ["Service Temporarily Unavailable", "The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later."],
    ["502 Bad Gateway", "nginx/1.{p}.0"],
    ["您访问的页面不存在", "可能已被删除或更改了地址", "返回首页"],
]
# Short head lines that sit between a menu and another chrome row.
HEAD_PROMPTS = ["欢迎您，请登录", "您好，欢迎光临{site}", "天气：晴 {p}℃", "游客您好 请先登录", "热线电话 400-{k}"]
HEAD_ROWS = ["设为首页 | 加入收藏", "登录 | 注册", "手机版 | 繁體", "RSS订阅 | 网站地图"]
PINYIN_STYLES = ("tone", "number", "bare")


@dataclass
class Page:
    id: str
    site: str
    text: str
    body: str  # the characters that should survive (the article as written, Simplified or Traditional)
    title: str | None = None
    published_at: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    reject: bool = False
    kind: str = ""


def load_bodies(path: str, n_drcd: int, seed: int) -> list[tuple[str, str, str | None]]:
    """(id, body with its paragraph marks, headline or None) for every sogoucs- news text with a body and a sample
    of drcd- paragraphs."""
    import zstandard

    news, encyclopedia = [], []
    with open(path, "rb") as raw:
        for line in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8"):
            if '"sogoucs-' not in line and '"drcd-' not in line:
                continue
            record = json.loads(line)
            doc_id, text = str(record["id"]), record["text"]
            if doc_id.startswith("sogoucs-"):
                head, _, body = text.partition("\n")
                # A first line ending in ：；，［ or an ellipsis is a fragment of the page, not a headline to label.
                if len(body) >= 40 and not re.search(r"(?:[：:；;，,［\[…]|．．．)\s*$", head) and len(re.findall(r"[\u4e00-\u9fff]", head)) >= 2:
                    news.append((doc_id, body, head))
            elif doc_id.startswith("drcd-"):
                encyclopedia.append((doc_id, text, None))
    random.Random(seed).shuffle(encyclopedia)
    return news + encyclopedia[:n_drcd]


_FUNCTION_CHARS = set("的了是在和与及或为以其之也而被从对于这那一个有中上下不等")


def entry_name(text: str) -> str:
    """An encyclopedia paragraph's subject: its most frequent Han 2-5-gram without function characters."""
    han = re.findall(r"[\u4e00-\u9fff]+", text)
    counts: Counter[str] = Counter()
    for run in han:
        for n in range(2, 6):
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                if not _FUNCTION_CHARS & set(gram):
                    counts[gram] += 1
    if not counts:
        return han[0][:4] if han else "条目"
    best = max(counts.items(), key=lambda kv: (kv[1] * len(kv[0]) ** 0.5, len(kv[0])))
    return best[0]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def date_line(rng: random.Random) -> tuple[str, str]:
    y, m, d, hh, mm = 2012, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
    shape = rng.randrange(5)
    if shape == 0:
        return f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}", f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}"
    if shape == 1:
        return f"{y}年{m}月{d}日 {hh:02d}:{mm:02d}", f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}"
    if shape == 2:
        return f"{y}/{m:02d}/{d:02d}", f"{y}-{m:02d}-{d:02d}"
    if shape == 3:
        full = f"{y}年{m:02d}月{d:02d}日".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return full, f"{y}-{m:02d}-{d:02d}"
    return f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{rng.randint(0, 59):02d}", None  # seconds: filled below


def farm_convert(body: str, rng: random.Random) -> str:
    """Traditional characters with the reading of the Simplified original glossed after some of them."""
    from pypinyin import Style, lazy_pinyin

    from dataset_builder.cleaning.text_units import converter

    simplified = converter("t2s").convert(body)
    style = {"tone": Style.TONE, "number": Style.TONE3, "bare": Style.NORMAL}[rng.choice(PINYIN_STYLES)]
    readings = lazy_pinyin(simplified, style=style, errors=lambda s: list(s))  # phrase context: 银行 yín háng
    traditional = converter("s2t").convert(simplified)
    if len(readings) != len(simplified) or len(traditional) != len(simplified):
        readings = [lazy_pinyin(c, style=style)[0] for c in simplified]
    out = []
    for ch, plain, reading in zip(traditional, simplified, readings):
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and reading != plain and rng.random() < 0.06:
            out.append(rng.choice(("({})", "（{}）")).format(reading))
    return "".join(out)


def wrap(doc_id: str, body: str, headline: str | None, rng: random.Random) -> Page:
    site, en = rng.choice(SITES)
    section = rng.choice(SECTIONS)
    title = headline if headline is not None else entry_name(body)
    fill = {"site": site, "en": en, "k": rng.randint(10000000, 99999999), "p": rng.randint(10, 99)}
    head: list[str] = []
    banner = rng.randrange(5)
    if banner == 0:
        head.append(f"{site} - {rng.choice(SLOGANS)}")
    elif banner == 1:
        head.append(f"{site}_{section}频道")
    elif banner == 2:
        head.append(f"{title}_{section}_{site}")  # the page's <title>: the headline repeated with the site
    elif banner == 3:
        head.append(f"{site}首页")
    if rng.random() < 0.6:
        head.append(rng.choice([" | ".join(rng.sample(SECTIONS, 6)), "  ".join(["首页"] + rng.sample(SECTIONS, 5)),
                                f"当前位置：首页 > {section} > 正文", f"首页 > {section}频道 > 正文"]))
        if rng.random() < 0.3 and "|" in head[-1]:  # a menu, a short prompt, another chrome row
            head += [rng.choice(HEAD_PROMPTS).format(**fill), rng.choice(HEAD_ROWS)]
    lines = head + [title]
    page = Page(doc_id, site, "", body, title=title)
    authors: list[str] = []
    meta = rng.randrange(6)
    date_text, iso = date_line(rng)
    if iso is None:
        iso = date_text.replace(" ", "T")
    source = rng.choice(SOURCES)
    if meta == 0:
        lines.append(f"{date_text}　来源：{source}")
    elif meta == 1:
        writer = person(rng)
        authors.append(writer)
        lines.append(f"发布时间：{date_text}  来源：{source}  作者：{writer}")
    elif meta == 2:
        lines.append(f"{date_text} {source}")
        source = None  # an unlabelled source name beside the date is not claimed
    elif meta == 3:
        lines.append(f"来源：{source}　　{date_text}　　浏览次数：{rng.randint(10, 9999)}")
    elif meta == 4:
        lines.append(f"[{date_text}]")
        source = None
    else:
        date_text = iso = source = None  # no date, no source line
    page.published_at, page.source = iso, source
    byline = rng.randrange(6)
    paragraphs = body.split("\ue40c")
    if len(paragraphs) >= 3 and rng.random() < 0.3:  # a meeting notice inside the body: the event's date, not the page's
        notice = f"时间：2013年{rng.randint(1, 12)}月{rng.randint(1, 28)}日上午9:00"
        paragraphs.insert(1, notice + "\ue40c地点：" + site + "报告厅")
    credit = ""  # a credit appended to the article ("（张三 报道）") is not part of the text
    if byline == 0:
        writer = person(rng)
        authors.append(writer)
        lines.append(rng.choice(["作者：{}", "记者 {}", "文/{}"]).format(writer))
    elif byline == 1:  # inside the opening paragraph: kept
        writer = person(rng)
        authors.append(writer)
        opening = rng.choice(["本报讯（记者 {}）", "本报讯（记者{}）", "本报讯（通讯员 {}）"]).format(writer)
        paragraphs[0] = opening + paragraphs[0]
    elif byline == 2:  # closing the last paragraph: a reporter's byline is kept, a credit is not
        writer = person(rng)
        authors.append(writer)
        shape = rng.choice(["（记者 {}）", "（通讯员 {}）", "（{} 报道）"]).format(writer)
        if "报道" in shape:
            credit = shape
        else:
            paragraphs[-1] += shape
    page.authors = authors
    body_text = "\ue40c".join(paragraphs)
    page.body = body_text
    if rng.random() < 0.2:
        body_text = farm_convert(body_text, rng)
    body_text += credit
    lines.append(body_text.replace("\ue40c", "\n") if headline is None and rng.random() < 0.5 else body_text)
    tail: list[str] = []
    if rng.random() < 0.5:
        tail.append(f"（责任编辑：{person(rng)}）" if rng.random() < 0.5 else f"编辑：{person(rng)}")
    if rng.random() < 0.5:
        tail.append(rng.choice(SHARE_ROWS))
    if rng.random() < 0.5:
        n, m = rng.randint(0, 300), rng.randint(0, 50)
        tail += [line.format(n=n, m=m) for line in rng.choice(COMMENT_BLOCKS)]
    if rng.random() < 0.08:
        tail.append(rng.choice(SPAM_ROWS))
    if rng.random() < 0.6:
        tail += [line.format(**fill) for line in rng.choice(FOOTERS)]
    page.text = "\n".join(lines + tail)
    return page


def chrome_page(n: int, headlines: list[str], rng: random.Random) -> Page:
    """A page without running text: a link farm or an HTTP error page."""
    site, en = rng.choice(SITES)
    fill = {"site": site, "en": en, "k": rng.randint(10000000, 99999999), "p": rng.randint(10, 99)}
    if n % 2:
        lines = [line.format(**fill) for line in rng.choice(ERROR_PAGES)]
        kind = "error"
    else:
        lines = [f"{site} - {rng.choice(SLOGANS)}", " | ".join(rng.sample(SECTIONS, 7))]
        lines += rng.sample(headlines, rng.randint(8, 20))
        lines += [line.format(**fill) for line in rng.choice(FOOTERS)]
        kind = "links"
    return Page(f"chrome-{n}", site, "\n".join(lines), "", reject=True, kind=kind)


def build_sample(corpus: str, n_drcd: int, seed: int) -> list[Page]:
    bodies = load_bodies(corpus, n_drcd, seed)
    pages = []
    for doc_id, body, headline in bodies:
        page = wrap(doc_id, body, headline, random.Random(f"{seed}:{doc_id}"))
        page.kind = "news" if headline else "encyclopedia"
        pages.append(page)
    headlines = [h for _, _, h in bodies if h]
    rng = random.Random(seed)
    pages += [chrome_page(n, headlines, rng) for n in range(max(20, len(pages) // 20))]
    return pages


def _chars(text: str) -> Counter[str]:
    # 著/着: the converter's choice between them is measured on its own (see script_converter), not here.
    folded = converter("t2s").convert(unicodedata.normalize("NFKC", text)).replace("著", "着")
    return Counter(c for c in folded if c.isalnum())


# Full-width punctuation must stay full-width (never 。，： to ASCII). The gold side is the body's own marks plus the
# half-width , : ; ? ! ( ) that stand between Han characters, which the pipeline is asked to make full-width.
_FULL_WIDTH_PUNCT = set("。，、；：？！“”‘’（）《》〈〉「」『』【】…—～·")
_HALF_BETWEEN_HAN = re.compile(r"(?<=[\u4e00-\u9fff])[,:;?!()](?=[\u4e00-\u9fff])")
_TO_FULL = str.maketrans(",:;?!()", "，：；？！（）")


def _punctuation(text: str, gold: bool = False) -> Counter[str]:
    if gold:
        text = _HALF_BETWEEN_HAN.sub(lambda m: m.group(0).translate(_TO_FULL), text)
    return Counter(c for c in text if c in _FULL_WIDTH_PUNCT)


def _same(a: str | None, b: str | None) -> bool:
    """Equal up to white space, full-width forms and script."""
    if a is None or b is None:
        return a is b
    norm = lambda s: converter("t2s").convert(re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)))  # noqa: E731
    return norm(a) == norm(b)


def run(pages: list[Page], per_document: bool) -> list[Document]:
    clean = CleanConfig(cross_document_min_docs=0) if per_document else CleanConfig()
    stages = cleaning_stages(clean, FilterConfig(**BENCH_FILTER))
    docs = (
        Document(id=p.id, text=p.text, raw_text=p.text, origin=Origin(f"{p.site}.jsonl", line=n + 1))
        for n, p in enumerate(pages)
    )
    stream = docs
    for stage in stages:
        stream = stage.run(stream)
    return list(stream)


def score(pages: list[Page], docs: list[Document], show: str | None) -> dict[str, str]:
    matched = out_total = gold_total = 0
    punct = [0, 0, 0]  # matched, in the output, in the gold bodies
    fields = {"title": [0, 0], "published_at": [0, 0], "source": [0, 0], "authors": [0, 0], "rejection": [0, 0]}
    failures: dict[str, list[str]] = {k: [] for k in list(fields) + ["chars"]}
    for page, doc in zip(pages, docs):
        kept = doc.rejection is None
        out = _chars(doc.text) if kept else Counter()
        gold = _chars(page.body)
        common = sum((out & gold).values())
        matched, out_total, gold_total = matched + common, out_total + sum(out.values()), gold_total + sum(gold.values())
        lost, extra = sum(gold.values()) - common, sum(out.values()) - common
        out_p, gold_p = (_punctuation(doc.text) if kept else Counter()), _punctuation(page.body, gold=True)
        punct = [punct[0] + sum((out_p & gold_p).values()), punct[1] + sum(out_p.values()), punct[2] + sum(gold_p.values())]
        if lost > 0.02 * max(1, sum(gold.values())) or extra > 5:
            failures["chars"].append(f"{page.id} lost={lost} extra={extra} rejected={doc.rejection}\n{doc.text}")
        fields["rejection"][0] += (not kept) == page.reject
        fields["rejection"][1] += 1
        if (not kept) != page.reject:
            failures["rejection"].append(f"{page.id} {doc.rejection}\n{page.text[:300]}")
        if page.reject:
            continue
        body = converter("t2s").convert(page.body)
        found_in_text = lambda value: value is not None and converter("t2s").convert(value) in body  # noqa: E731
        checks = {
            "title": (page.title, doc.title if kept else None, False),
            "published_at": (page.published_at, doc.published_at if kept else None, False),
            # A source or author the real article names itself (a dateline, its own byline) is right too.
            "source": (page.source, doc.source if kept else None, page.source is None and found_in_text(doc.source)),
            "authors": (
                " ".join(sorted(page.authors)) or None,
                " ".join(sorted(a for a in doc.authors if not found_in_text(a) or a in page.authors)) or None if kept else None,
                False,
            ),
        }
        for name, (want, got, also_right) in checks.items():
            ok = also_right or _same(want, got)
            fields[name][0] += ok
            fields[name][1] += 1
            if not ok:
                failures[name].append(f"{page.id}: want {want!r} got {got!r}\n{page.text[:400]}")
    if show:
        kind, _, count = show.partition(":")
        for item in failures[kind][: int(count or 10)]:
            print("-" * 60)
            print(item)
    precision = matched / out_total if out_total else 0.0
    recall = matched / gold_total if gold_total else 0.0
    figures = {"kept-char precision": f"{precision:.4f}", "kept-char recall": f"{recall:.4f}"}
    figures["full-width precision"] = f"{punct[0] / punct[1]:.4f}" if punct[1] else "-"
    figures["full-width recall"] = f"{punct[0] / punct[2]:.4f}" if punct[2] else "-"
    for name, (ok, total) in fields.items():
        figures[f"{name} accuracy"] = f"{ok / total:.4f} ({ok}/{total})" if total else "-"
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--drcd", type=int, default=600, help="encyclopedia paragraphs to sample (all news are used)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--per-document", action="store_true", help="no cross-document evidence")
    parser.add_argument("--show", help="print failing pages: chars|title|published_at|source|authors|rejection[:N]")
    args = parser.parse_args()
    pages = build_sample(args.corpus, args.drcd, args.seed)
    docs = run(pages, args.per_document)
    kinds = Counter(p.kind for p in pages)
    print(f"pages: {len(pages)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    for name, value in score(pages, docs, args.show).items():
        print(f"{name:24} {value}")


if __name__ == "__main__":
    main()
