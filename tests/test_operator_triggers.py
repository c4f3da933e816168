"""An operator's trigger is the cheap question the stage asks before running it: it must find something in every
text the operator would change. Checked on every line and every page of the seeds (and on page chrome of the
kinds the operators remove), with the trigger bypassed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from dataset_builder.cleaning import build_operators
from dataset_builder.cleaning.base import BatchTrigger, LineOperator
from dataset_builder.cleaning.word_triggers import Layout
from dataset_builder.config import CleanConfig
from dataset_builder.document import Document, Origin
from dataset_builder.readers.txt import read_txt

ROOT = Path(__file__).resolve().parent.parent
CHROME = [
    "首页 | 新闻 | 体育 | 财经", "返回顶部", "Copyright © 2014 某某网 All Rights Reserved", "黔ICP备12003456号",
    "404 Not Found", "nginx/1.18.0", "相关文章", "· 某地召开会议...", "（完）", "-----", "Back to top",
    "地址：某市某路1号 电话：0851-1234567", "未经授权禁止转载", "当地群眾解決?shù)厝", "區(qū)政府", "a&nbsp;b<br>c",
    "某某县新闻门户网站", "图标\ue40c\ufeff段落\x07", "六合彩 | 百家乐 | 时时彩 | 娱乐城", "他说……他说……他说……这是一个很长的句子。",
]


def _texts() -> list[str]:
    pages = [doc.text for doc in read_txt(ROOT, "seeds", "seeds/metadata.jsonl", None)]
    lines = [line for page in pages for line in page.split("\n") if line.strip()]
    return pages + lines + CHROME + ["\n".join(CHROME)]


def _run_untriggered(operator, doc: Document) -> None:
    if isinstance(operator, LineOperator):
        lines = doc.text.split("\n") if doc.text else []
        kept = operator.kept_lines(lines, doc)
        doc.text = "\n".join(kept)
    else:
        operator(doc)


@pytest.mark.parametrize("operator", [op for op in build_operators(CleanConfig()) if op.trigger is not None], ids=lambda op: op.name)
def test_an_operator_changes_nothing_where_its_trigger_finds_nothing(operator):
    skipped = acted = 0
    for text in _texts():
        doc = Document(id="t", text=text, origin=Origin("t.txt"))
        before = copy.deepcopy(doc)
        _run_untriggered(operator, doc)
        changed = (doc.text, doc.edits, doc.flags, doc.rejection) != (before.text, before.edits, before.flags, before.rejection)
        if operator.may_change(text):
            acted += changed
        else:
            skipped += 1
            assert not changed, text
    assert skipped > 0 and acted > 0  # the trigger skips texts, and the texts exercise the operator


@pytest.mark.parametrize("operator", [op for op in build_operators(CleanConfig()) if op.trigger is not None], ids=lambda op: op.name)
def test_a_batch_search_picks_every_text_the_trigger_finds_something_in(operator):
    # Each text alone, and the texts laid end to end as the stage joins them (chrome lines at the seams of pages).
    texts = _texts()
    alone = {i for i, text in enumerate(texts) if operator.may_change(text)}
    picked = set(BatchTrigger(operator.triggers()).candidates(Layout(texts)))
    assert alone and alone <= picked
    assert len(picked) < len(texts)  # and it still skips texts
