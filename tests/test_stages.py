"""Each pipeline stage on the seeds and on small constructed inputs."""

from __future__ import annotations

import copy
import re
from collections import Counter

import pytest

from dataset_builder.config import CleanConfig, DedupConfig, FilterConfig, SplitConfig, load_config
from dataset_builder.dedup import Deduplicator
from dataset_builder.document import Document, Origin
from dataset_builder.pipeline import build_stages, run_pipeline
from dataset_builder.shards import read_documents
from dataset_builder.quality_filter import QualityFilter
from dataset_builder.split_assign import SPLITS, assign_split
from dataset_builder.cleaning import CleanStage

from .conftest import REPO

PINYIN_ANNOTATION = re.compile(r"[\u4e00-\u9fff][(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")


def seed_documents() -> list[Document]:
    return list(read_documents(load_config(REPO / "dataset.toml")))


def doc(id_: str, text: str) -> Document:
    return Document(id=id_, text=text, raw_text=text, origin=Origin(f"{id_}.txt"))


def test_clean_stage_on_the_seeds_leaves_simplified_text_without_pinyin():
    docs = list(CleanStage(CleanConfig()).run(seed_documents()))
    scripts = {d.origin.file.split("/")[-1][:3]: d.script for d in docs}
    # Seeds 000 and 004 are content-farm pages printed in Traditional characters; the others are Simplified.
    assert scripts == {"000": "Hant", "001": "Hans", "002": "Hans", "003": "Hans", "004": "Hant"}
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    for d in docs:
        assert PINYIN_ANNOTATION.search(d.raw_text) is None or d.script == "Hant"
        assert PINYIN_ANNOTATION.search(d.text) is None, d.id
        assert to_simplified.convert(d.text) == d.text, d.id  # nothing Traditional left
        assert "\n\n" not in d.text and not d.text.startswith((" ", "\u3000"))
        assert "，" in d.text or "," in d.text  # punctuation is not stripped
    converted = {d.id: {e.operator: e.count for e in d.edits} for d in docs}
    assert converted["c9e8fddc4076b9e8"]["pinyin_annotation_remover"] > 100
    assert converted["7eba0013d72dcdb0"]["script_converter"] > 500


def test_clean_stage_keeps_full_width_punctuation():
    d = doc("a", "他说：“好。”然后，走了！")
    CleanStage(CleanConfig()).process(d)
    assert d.text == "他说：“好。”然后，走了！"


def test_pipeline_extracts_dates_from_the_seeds():
    result = run_pipeline(load_config(REPO / "dataset.toml"))
    published = {d.id: d.published_at for d in result.documents}
    assert published["a467e75570bca03e"] == "2014-07-08T20:51:54"
    assert published["19674198d4fecbc2"] == "2015-08-12T10:49"
    assert published["7eba0013d72dcdb0"] == "2014-11-25T06:40:17"


def test_quality_filter_rejects_with_a_reason_and_keeps_signals():
    short = doc("s", "太短了。")
    english = doc("e", "This page is English text only. " * 5)
    tickers = doc("t", "今日股市行情如下。" + " 600519 +2.35% 000001 -1.20%" * 8)
    good = doc("g", "这是一段足够长的中文正文，用来检验质量过滤器是否会保留正常的文章内容。" * 2)
    stage = QualityFilter(FilterConfig(min_chars=20, min_han_ratio=0.3))
    list(stage.run([short, english, tickers, good]))
    assert short.rejection.reason == "too_short" and "min_chars 20" in short.rejection.details
    assert english.rejection.reason == "not_chinese"
    assert tickers.rejection.reason == "low_han_ratio" and "min_han_ratio 0.3" in tickers.rejection.details
    assert good.rejection is None and good.quality["han_ratio"] > 0.8 and good.language == "zh"
    assert english.quality["han_ratio"] == 0.0  # recorded even when rejected
    assert stage.stats == Counter(
        {"in": 4, "out": 1, "rejected:too_short": 1, "rejected:not_chinese": 1, "rejected:low_han_ratio": 1}
    )


def test_exact_dedup_keeps_the_smallest_id_whatever_the_order():
    for order in (["b", "a", "c"], ["c", "b", "a"]):
        docs = [doc(i, "同一段文字。" if i != "c" else "另一段文字。") for i in order]
        list(Deduplicator(DedupConfig()).run(docs))
        by_id = {d.id: (d.duplicate_of, d.duplicate_kind) for d in docs}
        assert by_id == {"a": (None, None), "b": ("a", "exact"), "c": (None, None)}


def test_exact_dedup_prefers_the_previous_versions_copy_then_the_earliest_date():
    docs = [doc(i, "同一段文字。") for i in "abc"]
    docs[2].published_at, docs[1].published_at = "2014-01-02", "2014-01-03"
    list(Deduplicator(DedupConfig()).run(docs))
    assert [d.duplicate_of for d in docs] == ["c", "c", None]  # dated before undated, earliest first
    docs = [doc(i, "同一段文字。") for i in "abc"]
    list(Deduplicator(DedupConfig(), previous_kept=lambda: {"b"}).run(docs))
    assert [d.duplicate_of for d in docs] == ["b", None, "b"]


def test_split_assignment_is_stable_and_follows_the_ratios():
    config = SplitConfig(train=0.8, validation=0.1, test=0.1)
    keys = [f"doc-{i}" for i in range(20000)]
    first = {k: assign_split(k, config) for k in keys}
    # Adding or removing other documents changes nothing: assignment depends on the key alone.
    assert {k: assign_split(k, config) for k in reversed(keys[:500])} == {k: first[k] for k in keys[:500]}
    shares = Counter(first.values())
    assert abs(shares["train"] / len(keys) - 0.8) < 0.02
    assert abs(shares["validation"] / len(keys) - 0.1) < 0.02
    salted = SplitConfig(train=0.8, validation=0.1, test=0.1, salt="redraw")
    assert sum(assign_split(k, salted) != first[k] for k in keys) > 1000  # a salt re-draws deliberately
    assert set(first.values()) == set(SPLITS)


@pytest.mark.parametrize("ratios, salt", [((0.8, 0.1, 0.1), ""), ((0.7, 0.2, 0.1), "盐"), ((1.0, 0.0, 0.0), ""),
                                           ((0.0, 0.5, 0.5), "redraw"), ((0.0, 0.0, 1.0), "")])
def test_split_assigner_on_a_batch_assigns_and_counts_as_one_document_at_a_time(ratios, salt):
    """`process_many` works the bands out once per batch: each document must get the split `process` gives it (by
    its cluster when it has one, else its id, non-ASCII keys and salts included), counted with the same keys in the
    same order."""
    from dataset_builder.split_assign import SplitAssigner

    config = SplitConfig(train=ratios[0], validation=ratios[1], test=ratios[2], salt=salt)
    batch = [doc(f"文档-{i}", "正文。") for i in range(3000)]
    for i, d in enumerate(batch[::7]):
        d.cluster_id = f"cluster-{i % 50}"
    one_by_one = copy.deepcopy(batch)
    many, single = SplitAssigner(config), SplitAssigner(config)
    many.process_many(batch)
    for d in one_by_one:
        single.process(d)
    assert [d.split for d in batch] == [d.split for d in one_by_one]
    assert list(many.stats.items()) == list(single.stats.items())
    assert len({d.split for d in batch}) == sum(r > 0 for r in ratios)


def test_pipeline_is_declared_as_a_plain_list_in_order():
    names = [s.name for s in build_stages(load_config(REPO / "dataset.toml"))]
    assert names == ["clean", "extract_metadata", "quality_filter", "dedup", "split_assign"]
