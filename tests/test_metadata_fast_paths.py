"""The metadata extractor's fast paths give the answers of the per-document reading they skip: on the seed pages,
on crafted pages (empty, one line, many lines, titles with punctuation, Traditional and Simplified, names, banners,
navigation, bylines, dates) and on generated ones. Each comparison also checks that the fast path was taken."""

from __future__ import annotations

import copy
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataset_builder.cleaning import CleanStage
from dataset_builder.cleaning.text_units import is_running_text
from dataset_builder.config import CleanConfig
from dataset_builder.document import Document, Origin
from dataset_builder import extract_metadata
from dataset_builder.extract_metadata import MetadataExtractor
from dataset_builder.metadata import Found
from dataset_builder.metadata.bylines import lone_names, read_lone_names
from dataset_builder.metadata import titles
from dataset_builder.metadata.titles import _SHAPE_PENALTY, banner_parts, choose_title, plain_titles, title_like
from dataset_builder.readers.txt import read_txt

ROOT = Path(__file__).resolve().parent.parent
VERSE = "千里莺啼绿映红，水村山郭酒旗风。\n南朝四百八十寺，多少楼台烟雨中。"
NEWS = "记者从市气象台获悉，受冷空气影响，本周末全市将出现大风降温天气，最低气温将降至零下五摄氏度。"
PAGES = [
    "", "江南春", "江南春\n", "\n江南春", "江南春\n杜牧", f"江南春\n杜牧\n{VERSE}", f"江南春\n{VERSE}",
    f"江南春\n杜牧 李白\n{VERSE}", f"江南春\n記者 張三\n{VERSE}", f"記者 張三\n{VERSE}", f"作者：李四\n{VERSE}",
    f"春曉\n孟浩然\n春眠不覺曉，處處聞啼鳥。\n夜來風雨聲，花落知多少。", f"李白\n{NEWS}\n{NEWS}", f"長城\n{NEWS}",
    f"环保会增加生活成本吗？\n{NEWS}", f"三十年，一座城的变迁！\n{NEWS}", f"调查：你认可吗\n{NEWS}", f"新闻：\n{NEWS}",
    f"——本周天气一览\n{NEWS}", f"副标题 天气\n{NEWS}", f"某某晚报\n{NEWS}", f"某某新闻网\n{NEWS}", f"社会频道\n{NEWS}",
    f"某某在线 - 您身边的新闻\n本周末大风降温\n{NEWS}", f"欢迎访问某某信息港\n{NEWS}", f"本周末大风降温_社会_某某网\n{NEWS}",
    f"首页 | 新闻 | 体育\n{NEWS}", f"返回首页\n{NEWS}", f"南加大\n{NEWS}", f"上一篇 下一篇\n{NEWS}",
    f"大 中 小\n{NEWS}", f"江南  春\n{NEWS}", f"６．６级地震\n{NEWS}", f"春日。\n{NEWS}", f"春日……\n{NEWS}",
    f"等待...\n{NEWS}", f"江南春\n2012-05-27 19:25\n{NEWS}", f"江南春\n来源：新华网\n{NEWS}", f"江南春\n{NEWS}\n（张三 报道）",
    f"{'长' * 29}\n{NEWS}", f"{'长' * 30}\n{NEWS}", f"{'长' * 28}！\n{NEWS}", f"{'长' * 29}！\n{NEWS}",
    f"{'长' * 50}\n{NEWS}", f"{'长' * 21}\n{NEWS}", f"记者 {'张' * 18}\n{NEWS}",
    # body lines that are not running text: a clause ending in an ellipsis, under the title or under a poet
    "江南春\n春风又绿江南岸，明月来\n" + NEWS, "江南春\n春风又绿江南岸，明月何时照我还……", "江南春\n杜牧\n春风又绿江南岸，明月何时照我还……", "江南春\n杜牧\n春风绿，江南……",
    f"Spring in Jiangnan\n{NEWS}", f"2014\n{NEWS}", "江南春\n杜牧\n短句\n另一短句", "题\n" * 20 + NEWS,
    "\n".join(["春", "夏", "秋", "冬", "风", "花", "雪", "月"]), "江南春\n\n杜牧\n\n" + VERSE,
]
# What generated pages are made of: Han characters, the characters and words the plain test looks for, role and
# navigation words, names, punctuation, spaces, digits and Latin letters.
PIECES = [
    "春", "江", "南", "山", "月", "长", "城", "。", "．", "…", ".", ":", "：", "－", "-", "—", "–", "_", "|", "｜", "，",
    "！", "？", " ", "  ", "\n", "\n", "\n", "首页", "网站", "欢迎", "网", "在线", "频道", "副标题", "下一篇", "分享",
    "大 中 小", "记者", "作者", "文", "张三", "李白", "欧阳修", "2014年7月8日", "6", "A", "长" * 10, VERSE, NEWS,
]


def _fingerprint(doc: Document) -> tuple:
    return (doc.text, doc.title, doc.published_at, doc.source, doc.authors, doc.keywords,
            [vars(e) for e in doc.edits], doc.rejection and vars(doc.rejection))


def _docs(texts: list[str]) -> list[Document]:
    return [Document(id=str(k), text=t, raw_text=t, origin=Origin("t.txt")) for k, t in enumerate(texts)]


def _seed_pages() -> list[str]:
    docs = list(read_txt(ROOT, "seeds", "seeds/metadata.jsonl", None))
    return [doc.text for doc in CleanStage(CleanConfig()).run(docs) if doc.rejection is None]


def _texts() -> list[str]:
    return _seed_pages() + PAGES


def _lines(texts: list[str]) -> list[str]:
    return [line for text in texts for line in text.split("\n")] + PIECES


def _assert_plain_is_a_title(lines: list[str]) -> list[bool]:
    """Every line `plain_titles` calls plain passes each test `choose_title` would ask of it."""
    plain = plain_titles(lines)
    for line, is_plain in zip(lines, plain):
        if is_plain:
            assert title_like(line) and not is_running_text(line), line
            assert banner_parts(line) is None and _SHAPE_PENALTY.search(line) is None, line
    return plain


def test_plain_titles_pass_every_test_of_the_early_answer():
    lines = _lines(_texts())
    plain = _assert_plain_is_a_title(lines)
    assert any(plain) and not all(plain)
    # Alone or in a batch, a line's answer is the same (a pair across two lines may only take a line's fast answer).
    alone = [plain_titles([line])[0] for line in lines]
    assert [a and b for a, b in zip(plain, alone)] == plain


def test_choose_title_with_a_plain_first_line_gives_the_full_answer():
    pages = [text.split("\n") if text else [] for text in _texts()]
    plain = plain_titles([lines[0] if lines else "" for lines in pages])
    fast = [choose_title(lines, set(), None, set(), p) for lines, p in zip(pages, plain)]
    assert fast == [choose_title(lines, set(), None, set()) for lines in pages]
    assert any(p and title == 0 for p, title in zip(plain, fast))


def _assert_batch_is_per_document(texts: list[str]) -> None:
    batch, alone = _docs(texts), _docs(texts)
    extractor = MetadataExtractor()
    extractor.process_many(batch)
    for doc in alone:
        extractor.process(doc)  # the full reading: every step, no batch answer
    assert [_fingerprint(d) for d in batch] == [_fingerprint(d) for d in alone]


def test_the_batch_gives_the_per_document_answer_on_seeds_and_crafted_pages():
    texts = _texts()
    _assert_batch_is_per_document(texts)
    _assert_batch_is_per_document(list(reversed(texts)))  # other neighbours in the batch


_PAGE = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PAGE, min_size=1, max_size=8))
def test_generated_pages(texts):
    _assert_plain_is_a_title(_lines(texts))
    _assert_batch_is_per_document(texts)


def _open_lines_in_full(lines: list[str], consumed: set[int]) -> list[str]:
    return [line for i, line in enumerate(lines) if i not in consumed and line]


@given(st.lists(st.sampled_from(["", "春", "杜牧", VERSE]), max_size=8), st.sets(st.integers(0, 9), max_size=5))
def test_open_lines_as_in_full(lines, consumed):
    consumed = {i for i in consumed if i < len(lines)}
    assert extract_metadata._open_lines(lines, consumed) == _open_lines_in_full(lines, consumed)


def test_open_lines_takes_the_slice_for_a_consumed_head():
    lines = ["题", "杜牧", "诗句一", "诗句二"]
    for consumed in (set(), {0}, {0, 1}, {1}, {0, 2}, {0, 1, 2, 3}):
        assert extract_metadata._open_lines(lines, consumed) == _open_lines_in_full(lines, consumed)
    assert extract_metadata._open_lines(["题", "", "诗句"], {0}) == ["诗句"]


@given(
    st.dictionaries(st.sampled_from(["title", "published_at", "source", "authors", "keywords", "url", "license"]),
                    st.one_of(st.none(), st.just(""), st.just([]), st.just(["张三", "李四"]), st.just("值"))),
    st.booleans(),
)
def test_given_metadata_wins_as_before(given_fields, with_found):
    found = Found()
    if with_found:
        found.title, found.published, found.sources = "题", "2014-07-08", {"breadcrumb": "某网", "label": "某报"}
        found.author(["王五"])
        found.keywords = ["春"]
    doc = _docs(["x"])[0]
    doc.given = copy.deepcopy(given_fields)
    MetadataExtractor._publish(doc, copy.deepcopy(found))
    get = given_fields.get
    assert (doc.title, doc.published_at, doc.source, doc.authors, doc.keywords, doc.url, doc.license) == (
        get("title") or found.title, get("published_at") or found.published, get("source") or found.source(),
        list(get("authors") or found.authors), list(get("keywords") or found.keywords), get("url"), get("license"))
    assert doc.authors is not doc.given.get("authors") and doc.keywords is not doc.given.get("keywords")


def _lone_names_in_full(lines: list[str], consumed: set[int], anchor: int, found: Found) -> None:
    """`read_lone_names` as it was first written."""
    for i in range(anchor + 1, min(anchor + 4, len(lines))):
        if i in consumed:
            continue
        named = lone_names(lines[i])
        if named:
            found.author(list(named))
            consumed.add(i)
        break


@given(st.lists(st.sampled_from(["春", "杜牧", "杜牧 李白", "欧阳修", "記者 張三", VERSE]), max_size=7),
       st.sets(st.integers(0, 7), max_size=4), st.integers(-1, 7))
@example(["春", "春", "春", "春", "杜牧"], {1, 2, 3}, 0)  # the fourth line under the anchor is not looked at
@example(["春", "春", "春", "杜牧"], {1, 2}, 0)
def test_lone_names_as_in_full(lines, consumed, anchor):
    consumed = {i for i in consumed if i < len(lines)}
    fast, full = Found(), Found()
    fast_consumed, full_consumed = set(consumed), set(consumed)
    read_lone_names(lines, fast_consumed, anchor, fast)
    _lone_names_in_full(lines, full_consumed, anchor, full)
    assert (fast_consumed, fast.authors) == (full_consumed, full.authors)


def test_heads_body_is_what_the_head_says():
    """`_heads_body` (asked without building the head) answers as `_Head.body` does in `choose_title`'s early answer,
    so a first-line title takes the fast answer wherever the full reading gives it early."""
    pages = [text.split("\n") if text else [] for text in _texts()]
    pages += [["题", "短", NEWS], ["题", NEWS], ["题", "长" * 9, NEWS]]
    answers = []
    for lines in pages:
        head = titles._Head(lines, set())
        answers.append(head.body(1) or (head.has(1) and len(lines[head.open[1]]) <= 8 and head.body(2)))
        assert titles._heads_body(lines) == answers[-1], lines
    assert any(answers) and not all(answers)
