"""Each batch form and fast path of the per-document stages gives the per-document answer, on real data: the seed
pages and a sample of the shared bench corpus (left out when the corpus is not there), cleaned as the pipeline
cleans them. Each comparison also checks that both paths were taken, so it compares something."""

from __future__ import annotations

import copy
import io
import itertools
import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataset_builder.cleaning import CleanStage, line_hashes
from dataset_builder.cleaning.base import BatchTrigger, LineOperator
from dataset_builder.cleaning.cross_document import CrossDocumentBoilerplateRemover, countable_lines, source_key
from dataset_builder.cleaning.page_chrome import JunkLineRemover
from dataset_builder.cleaning.text_units import (
    _FULL_STOP, LETTER_OR_DIGIT, LETTER_OR_DIGIT_RANGES, SENTENCE_PUNCT, is_running_text,
)
from dataset_builder.cleaning.repeats import DuplicateLineRemover
from dataset_builder.cleaning.related_lists import PageTailTrimmer, last_lines_close_sentences
from dataset_builder.cleaning.unicode_fixer import _NOTHING_TO_FIX, UnicodeFixer
from dataset_builder.cleaning.whitespace_normalizer import is_clean, unclean_texts
from dataset_builder.cleaning.word_triggers import Layout, WordTrigger, word_spec
from dataset_builder.config import CleanConfig
from dataset_builder.document import Document, Origin
from dataset_builder import extract_metadata
from dataset_builder.extract_metadata import MetadataExtractor
from dataset_builder.readers.given_metadata import given_metadata
from dataset_builder.readers.txt import read_txt

ROOT = Path(__file__).resolve().parent.parent
BENCH = next((p for p in (ROOT.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst",
                          ROOT.parent.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst") if p.is_file()), None)
BENCH_SAMPLE = 3000  # poems first, then English news, DRCD paragraphs and web pages


# Pages with one kind of mark each, where the full reading finds what the fast path would miss: a 来源 line, a
# closing credit, a news-agency dateline.
ONE_MARK_PAGES = [
    "江南春色\n来源：新华网\n今年春天来得特别早，江南的油菜花已经开遍了田野，游人络绎不绝。",
    "江南春色\n今年春天来得特别早，江南的油菜花已经开遍了田野，游人络绎不绝。\n（张三 报道）",
    "江南春色\n某某讯 今年春天来得特别早，江南的油菜花已经开遍了田野，游人络绎不绝。",
]
# A text with no mark at all (title, poet, verses), so the fast path is taken without the bench corpus too.
UNMARKED_PAGE = "江南春\n杜牧\n千里莺啼绿映红，水村山郭酒旗风。\n南朝四百八十寺，多少楼台烟雨中。"


def _fingerprint(doc: Document) -> tuple:
    return (doc.text, doc.title, doc.published_at, doc.source, doc.authors, doc.keywords, doc.url, doc.license,
            [vars(e) for e in doc.edits], doc.rejection and vars(doc.rejection))


def _seed_documents() -> list[Document]:
    return list(read_txt(ROOT, "seeds", "seeds/metadata.jsonl", None))


def _bench_documents() -> list[Document]:
    """The bench sample; none when the corpus is not beside the checkout (a fresh clone): the seeds and the pages
    above are still compared."""
    if BENCH is None:
        return []
    import zstandard

    with zstandard.ZstdDecompressor().stream_reader(BENCH.open("rb")) as raw:
        lines = list(itertools.islice(io.TextIOWrapper(raw, encoding="utf-8"), BENCH_SAMPLE))
    docs = []
    for number, line in enumerate(lines, start=1):
        record = json.loads(line)
        docs.append(Document(id=str(record["id"]), text=record["text"], raw_text=record["text"],
                             origin=Origin("bench.jsonl", line=number), given=given_metadata(record, f"bench:{number}")))
    return docs


@pytest.fixture(scope="module")
def cleaned() -> list[Document]:
    """The seed pages and the bench sample as the metadata extractor receives them."""
    pages = [Document(id=f"mark-{k}", text=t, raw_text=t, origin=Origin("t.txt")) for k, t in enumerate(ONE_MARK_PAGES)]
    pages.append(Document(id="unmarked", text=UNMARKED_PAGE, raw_text=UNMARKED_PAGE, origin=Origin("t.txt")))
    docs = _seed_documents() + pages + _bench_documents()
    return [doc for doc in CleanStage(CleanConfig()).run(docs) if doc.rejection is None]


def test_metadata_batch_gives_the_per_document_answer(cleaned):
    batch, alone = copy.deepcopy(cleaned), copy.deepcopy(cleaned)
    extractor = MetadataExtractor()
    extractor.process_many(batch)
    for doc in alone:
        extractor.process(doc)
    assert [_fingerprint(d) for d in batch] == [_fingerprint(d) for d in alone]


def test_unmarked_documents_take_the_fast_path_and_marked_ones_need_the_full_reading(cleaned):
    """The fast path agrees with the full reading on every text without a mark, and the pre-check matters: on some
    marked text (a byline, a dateline, a metadata line) the fast path would give another answer."""
    extractor = MetadataExtractor()
    texts = [doc.text for doc in cleaned]
    marked = set(extractor._marks.candidates(Layout(texts)))
    unmarked = [doc for i, doc in enumerate(cleaned) if i not in marked]
    assert unmarked and marked
    differs = set()
    for i, doc in enumerate(cleaned):
        fast, full = copy.deepcopy(doc), copy.deepcopy(doc)
        extractor.process(fast, marked=False)
        extractor.process(full)
        if i in marked:
            if _fingerprint(fast) != _fingerprint(full):
                differs.add(doc.id)
        else:
            assert _fingerprint(fast) == _fingerprint(full), doc.id
    assert {f"mark-{k}" for k in range(len(ONE_MARK_PAGES))} <= differs


def _running_text_by_regex(line: str) -> bool:
    """`is_running_text` as it was written first, one regex search for the full stop."""
    if _FULL_STOP.search(line):
        return len(line) >= 12 or _FULL_STOP.search(line[:-1]) is not None
    return len(line) >= 50 or (len(line) >= 30 and SENTENCE_PUNCT.search(line) is not None)


def test_running_text_answers_as_the_regex_alone(cleaned):
    lines = [line for doc in cleaned for line in doc.raw_text.split("\n")] + [
        "６．６级地震", "共计３．５亿元．", "他说．", "第一章．总则", "．", "。", "短句。", "这是一个很长的句子没有句号但有逗号，" * 3]
    answers = [is_running_text(line) for line in lines]
    assert answers == [_running_text_by_regex(line) for line in lines]
    assert any(answers) and not all(answers)


def _lines_and_pages(cleaned) -> list[str]:
    """Real texts before and after cleaning, whole and line by line."""
    pages = [doc.raw_text for doc in cleaned] + [doc.text for doc in cleaned]
    return pages + [line for page in pages for line in page.split("\n")]


def test_unclean_texts_answer_as_is_clean(cleaned):
    texts = _lines_and_pages(cleaned) + ["", " ", "\n", "a  b", "a \nb", "a\n b", "\u3000a", "a\u200b", "a\x1cb", "a\n\nb"]
    picked = unclean_texts(Layout(texts))
    assert picked == [i for i, text in enumerate(texts) if not is_clean(text)]
    assert picked and len(picked) < len(texts)


@given(st.lists(st.text(alphabet=["a", "中", " ", "\n", "\t", "\u3000", "\u200b", "\xa0", "\x1c", "\u2028"], max_size=8),
                max_size=8))
def test_unclean_texts_answer_as_is_clean_on_any_blanks(texts):
    assert unclean_texts(Layout(texts)) == [i for i, text in enumerate(texts) if not is_clean(text)]


_WORD = (1 << 64) - 1


def _splitmix(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _WORD
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _WORD
    return x ^ (x >> 31)


def _line_hash_one_by_one(line: str) -> int:
    """`line_hashes`' hash written out for one line in Python integers."""
    total = sum(_splitmix(ord(c) | (i << 21)) for i, c in enumerate(line)) & _WORD
    return _splitmix((total + len(line) * 0x9E3779B97F4A7C15) & _WORD)


@given(st.lists(st.text(alphabet=["a", "中", "\n", "\U0002a700", "\ud800"], max_size=6), min_size=1, max_size=40),
       st.data())
def test_a_layout_with_texts_replaced_is_the_layout_of_the_new_texts(texts, data):
    layout = Layout(texts)
    layout.codes  # laid out, so that the replaced layout copies from it
    picked = data.draw(st.sets(st.integers(0, len(texts) - 1), max_size=max(1, len(texts) // 8)))
    changed = {i: data.draw(st.text(alphabet=["b", "文", "\n", "\U0002a700"], max_size=6)) for i in picked}
    replaced = layout.replaced(changed)
    new_texts = [changed.get(i, text) for i, text in enumerate(texts)]
    fresh = Layout(new_texts)
    assert replaced.texts == new_texts and layout.texts == texts
    assert replaced.codes.dtype == fresh.codes.dtype and replaced.codes.tolist() == fresh.codes.tolist()
    assert [b.tolist() for b in replaced.bounds] == [b.tolist() for b in fresh.bounds]
    assert [x.tolist() for x in replaced.lines] == [x.tolist() for x in fresh.lines]


@pytest.mark.parametrize("group_chars", [1 << 20, 50])
def test_line_hashes_of_a_batch_are_those_of_each_line(cleaned, monkeypatch, group_chars):
    monkeypatch.setattr(line_hashes, "_GROUP_CHARS", group_chars)  # 50: texts hashed in many groups
    texts = [doc.text for doc in cleaned] + ["", "\n", "a\n\nb\n", "\U0010ffff" * 3]
    lines = line_hashes.text_lines(texts)
    expected = [(_line_hash_one_by_one(line), len(line), k) for k, text in enumerate(texts) for line in text.split("\n")]
    assert list(zip(lines.hashes.tolist(), lines.lengths.tolist(), lines.owners.tolist())) == expected
    assert len(set(lines.hashes.tolist())) == len({line for text in texts for line in text.split("\n")})


def test_observed_line_counts_are_those_of_each_documents_distinct_lines(cleaned):
    step = CrossDocumentBoilerplateRemover()
    docs = cleaned + [Document(id="twice", text="同一行文字重复\n同一行文字重复\n另一行", origin=Origin("t.txt"))]
    expected: dict[str, Counter] = {}
    for doc in docs:
        expected.setdefault(source_key(doc), Counter()).update(map(_line_hash_one_by_one, countable_lines(doc.text)))
    state = step.observe(docs)
    assert {source: dict(zip(c.hashes.tolist(), c.counts.tolist())) for source, c in state.items()} == expected
    assert any(count > 1 for counts in expected.values() for count in counts.values())


def _pair_or_single_one_by_one(specs, texts: list[str]) -> list[int]:
    """What `WordTrigger` answers, character by character in Python: a text holds one of the single characters, or a
    word of two characters, or a longer word's first three characters start in it (the texts laid end to end, as
    the batch lays them)."""
    singles = {chr(c) for _, ranges in specs for low, high in ranges for c in range(low, high + 1)}
    words = {w for words, _ in specs for w in words}
    openings = {w[:3] for w in words}  # a two-character word whole, the first three characters of a longer one
    joined = "".join(texts)
    owners = [k for k, text in enumerate(texts) for _ in text]
    found = {owners[i] for i, c in enumerate(joined)
             if c in singles or joined[i : i + 2] in openings or joined[i : i + 3] in openings}
    return sorted(found)


def test_word_triggers_of_a_batch_are_those_of_each_text(cleaned):
    texts = _lines_and_pages(cleaned)
    triggered = [op for op in CleanStage(CleanConfig()).operators if op.trigger is not None] + [MetadataExtractor()]
    for operator in triggered:
        patterns = operator.triggers() if hasattr(operator, "triggers") else extract_metadata._MARKS
        specs = [spec for spec in map(word_spec, patterns) if spec is not None]
        if not specs:
            continue
        trigger = WordTrigger(specs)
        # the hits outnumber the texts in the whole batch, and are fewer than the texts in small ones: both ways agree
        assert sorted(trigger.candidates(Layout(texts))) == _pair_or_single_one_by_one(specs, texts), operator.name
        for k in range(0, len(texts), 997):
            small = texts[k : k + 7]
            assert sorted(trigger.candidates(Layout(small))) == _pair_or_single_one_by_one(specs, small), operator.name


def test_page_tail_batch_answer_skips_only_pages_ending_in_a_paragraph(cleaned):
    trimmer = PageTailTrimmer()
    texts = _lines_and_pages(cleaned) + ["", "短。", "八个字的一句话吧。", "标题\n八个字的一句话吧。", "一句话。\n短"]
    closes = last_lines_close_sentences(Layout(texts)).tolist()
    expected = [len(last := text[text.rfind("\n") + 1 :]) >= 8 and last[-1] in "。！？!?…；;" for text in texts]
    assert closes == expected and any(closes) and not all(closes)
    picked = set(trimmer.batch_candidates(Layout(texts)))
    assert all(k in picked for k, text in enumerate(texts) if trimmer.may_change(text))


def test_unicode_fixer_batch_answer_is_every_text_it_may_change(cleaned):
    fixer = UnicodeFixer()
    texts = [doc.raw_text for doc in cleaned] + ["a\\nb\\nc", "a\r\nb", "e\u0301", "\ufa10", "Ã©", "\ud800", "好", ""]
    picked = fixer.batch_candidates(Layout(texts))
    expected = [k for k, text in enumerate(texts) if _NOTHING_TO_FIX.fullmatch(text) is None or "\\" in text
                or not unicodedata.is_normalized("NFC", text)]
    assert picked == expected and 0 < len(picked) < len(texts)
    for k, text in enumerate(texts):
        if k not in picked:
            doc = Document(id="t", text=text, origin=Origin("t.txt"))
            fixer(doc)
            assert doc.text == text and not doc.edits


def test_letter_or_digit_ranges_are_the_regex_class():
    table = [False] * 0x110000
    for start, stop in LETTER_OR_DIGIT_RANGES:
        table[start:stop] = [True] * (stop - start)
    assert table == [LETTER_OR_DIGIT.match(chr(c)) is not None for c in range(0x110000)]


def test_junk_batch_answer_picks_every_text_junk_is_found_in(cleaned):
    remover = JunkLineRemover()
    texts = _lines_and_pages(cleaned) + ["-----", "（完）", "正文\n【全文完】", "正文\n\n完", "- END -", "完成了", "", "\n"]
    picked = remover.batch_candidates(Layout(texts))
    junkish = set("完全文本ENDnd")
    expected = [k for k, text in enumerate(texts)
                if any(line and all(c in junkish or not LETTER_OR_DIGIT.match(c) for c in line) for line in text.split("\n"))]
    assert picked == expected
    assert {k for k, text in enumerate(texts) if remover.may_change(text)} <= set(picked) and 0 < len(picked) < len(texts)


def test_duplicate_line_batch_answer_is_every_text_with_lines_alike(cleaned):
    remover = DuplicateLineRemover(10)
    texts = _lines_and_pages(cleaned) + ["一二三四五六七八九十\n一二三四五六七八九十", "一二三四五六七八九十\n一二三四九六七八九十", "短\n短", ""]
    picked = remover.batch_candidates(Layout(texts))

    def alike(text):
        lines = [(len(line), line[0], line[len(line) // 2], line[-1]) for line in text.split("\n") if len(line) >= 10]
        return len(set(lines)) < len(lines)

    assert picked == [k for k, text in enumerate(texts) if alike(text)]
    repeated = [k for k, text in enumerate(texts) if len(lines := [l for l in text.split("\n") if len(l) >= 10]) > len(set(lines))]
    assert repeated and set(repeated) <= set(picked) and len(picked) < len(texts)


def test_exact_batch_matches_are_the_operators_own_question(cleaned):
    """Where the batch's answer replaces `may_change` (word and class triggers only), it is `may_change` exactly."""
    texts = _lines_and_pages(cleaned)
    confirmed = 0
    for operator in CleanStage(CleanConfig()).operators:
        trigger = BatchTrigger(operator.triggers())
        if not (isinstance(operator, LineOperator) and operator.confirmed_by_batch(trigger)):
            continue
        confirmed += 1
        matches = trigger.matches(Layout(texts))
        assert matches == [k for k, text in enumerate(texts) if operator.may_change(text)], operator.name
        assert matches and len(matches) < len(texts) and set(matches) <= set(trigger.candidates(Layout(texts)))
    assert confirmed >= 4  # spam, HTTP errors, copyright, navigation, related lists, teasers
