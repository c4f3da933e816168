"""Quality filter (character-based signals, language), encoding detection on real encoded bytes, and the
clean_files command end to end (output rows valid against the release schema, rejected file with reasons)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder.clean_command import clean_files
from dataset_builder.config import CleanConfig, FilterConfig
from dataset_builder.document import Document, Origin
from dataset_builder.errors import InputError
from dataset_builder.quality_filter import (
    QualityFilter, detect_language, han_ratio, line_end_punct_ratio, line_end_punct_ratios, may_repeat, repeated_ngram_ratio,
)
from dataset_builder.readers.txt import decode_text, read_txt
from dataset_builder.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
SEED_004 = ROOT / "seeds" / "004_7eba0013d72dcdb0.txt"
ZH = "市政府昨天召开常务会议，研究部署今年的防汛抗旱工作，要求各部门提前做好准备。会议强调，要加强监测预警，完善应急预案。"
EN = "The city government held a meeting yesterday to plan flood prevention work and asked all departments to prepare."


def filtered(make_doc, text, **config):
    doc = make_doc(text)
    QualityFilter(FilterConfig(**config)).process(doc)
    return doc


def test_chinese_document_kept_with_language_and_signals(make_doc):
    doc = filtered(make_doc, ZH, min_chars=20)
    assert doc.rejection is None and doc.language == "zh"
    assert set(doc.quality) == {"han_ratio", "line_end_punct_ratio", "repeated_ngram_ratio"}
    assert doc.quality["han_ratio"] > 0.85 and doc.quality["line_end_punct_ratio"] == 1.0


def test_english_and_japanese_rejected_as_not_chinese(make_doc):
    assert filtered(make_doc, EN, min_chars=20).rejection.reason == "not_chinese"
    japanese = "市役所は昨日、洪水対策の会議を開きました。各部門に準備を求めています。"
    doc = filtered(make_doc, japanese, min_chars=20)
    assert doc.rejection.reason == "not_chinese" and detect_language(japanese)[0] == "ja"


def test_chinese_with_some_english_terms_is_chinese():
    assert detect_language("会议讨论了人工智能（AI）和GPU算力的发展，以及5G网络建设。")[0] == "zh"


def test_thresholds_and_reasons(make_doc):
    assert filtered(make_doc, "太短了。", min_chars=50).rejection.reason == "too_short"
    numbers = "2019年：" + "1234567890，" * 10
    assert filtered(make_doc, numbers, min_chars=10, min_chinese_share=0.0, min_han_ratio=0.3).rejection.reason == "low_han_ratio"
    headings = "\n".join(["第一部分总体要求", "第二部分主要任务", "第三部分保障措施"])
    doc = filtered(make_doc, headings, min_chars=10, min_line_end_punct_ratio=0.5)
    assert doc.rejection.reason == "few_line_end_punct"
    repeated = "欢迎访问本站获取最新资讯。" * 8
    doc = filtered(make_doc, repeated, min_chars=10, max_repeated_ngram_ratio=0.5)
    assert doc.rejection.reason == "repetitive" and "0.5" in doc.rejection.details


def test_the_batch_table_of_non_han_letters_is_the_language_regex():
    from dataset_builder.quality_filter import _IS_NON_HAN_LETTER, _NON_HAN_LETTER

    table = [bool(_IS_NON_HAN_LETTER[c]) for c in range(0x10000)]
    regex = [_NON_HAN_LETTER.match(chr(c)) is not None for c in range(0x10000)]
    assert table == regex and sum(table) > 10000
    assert not _IS_NON_HAN_LETTER[0x10000:].any()  # the regex has no range beyond the first plane either


def test_repeated_ngram_ratio_counts_characters():
    assert repeated_ngram_ratio("一二三四五六七八九十甲乙丙") == 0.0
    assert repeated_ngram_ratio("一二三四五六七八九十" * 2) == 1.0
    assert 0.0 < repeated_ngram_ratio("一二三四五六七八九十" * 2 + "子丑寅卯辰巳午未申酉戌亥") < 1.0


def test_the_batch_counts_each_texts_han_share_as_han_ratio_does():
    pages = [doc.text for doc in read_txt(ROOT, "seeds", "seeds/metadata.jsonl", None)]
    texts = pages + [line for page in pages for line in page.split("\n")] + ["", " ", "\n \n", "中 文\nab", "\ud800中"]
    docs = [Document(id=str(i), text=t, raw_text=t, origin=Origin("t.txt")) for i, t in enumerate(texts)]
    QualityFilter(FilterConfig(min_chars=1)).process_many(docs)
    assert [d.quality["han_ratio"] for d in docs] == [round(han_ratio(t), 6) for t in texts]
    assert len({d.quality["han_ratio"] for d in docs}) > 20


def test_texts_answered_together_may_repeat_exactly_where_a_ten_gram_repeats():
    pages = [doc.text for doc in read_txt(ROOT, "seeds", "seeds/metadata.jsonl", None)]
    lines = [line for page in pages for line in page.split("\n")]
    # seams: a repeat split between two neighbouring texts is no repeat in either
    texts = pages + lines + [ZH, ZH + ZH, "一二三四五六七八九十", "一二三四五六七八九十一二三四五六七八九十", "短", ""]
    answers = may_repeat(texts)
    repeated = [repeated_ngram_ratio(text) > 0 for text in texts]
    assert [a for a, r in zip(answers, repeated) if r] == [True] * sum(repeated)  # never a repeat missed
    short = [a for a, text, r in zip(answers, texts, repeated) if len(text) <= 400 and not r]
    assert short and not any(short)  # and, for short texts, no repeat where none is
    # long texts are answered too (the 44-bit hashes of structured text collide now and then: a repeat may be
    # answered where none is, never missed)
    assert any(not a for a, text in zip(answers, texts) if len(text) > 400)
    assert sum(repeated) >= 3


def test_ten_gram_hashes_depend_on_the_ten_characters_alone_wherever_they_stand():
    import numpy as np

    from dataset_builder.cleaning.text_units import code_points
    from dataset_builder.quality_filter import _CACHED_POWERS, _gram_hashes

    gram = code_points("一二三四五六七八九十")
    filler = np.arange(0x4E00, 0x4E00 + 5000, dtype=np.uint32)  # 5000 different characters, then again
    codes = np.concatenate([gram, np.resize(filler, _CACHED_POWERS), gram])  # longer than the kept power tables
    hashes = _gram_hashes(codes)
    assert len(hashes) == len(codes) - 9
    assert hashes[0] == hashes[-1] == _gram_hashes(gram)[0]
    assert hashes[10] == hashes[10 + 5000] == _gram_hashes(codes[10:20])[0]
    assert len(set(hashes[:5000].tolist())) == 5000  # different 10-grams, different hashes


def _rolling_hashes_step_by_step(codes, n):
    """The n-gram hashes as first written: one character added at a time."""
    import numpy as np

    m = len(codes) - n + 1
    hashes = np.zeros(m, dtype=np.uint64)
    for k in range(n):
        hashes = hashes * np.uint64(1_000_003) + codes[k : k + m]
    return hashes


def test_rolling_hashes_built_by_doubling_are_the_step_by_step_ones():
    import numpy as np

    from dataset_builder.quality_filter import rolling_hashes

    pages = [doc.text for doc in read_txt(ROOT, "seeds", "seeds/metadata.jsonl", None)]
    for text in pages + ["\U0010ffff" * 30]:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        for n in (1, 2, 3, 7, 10, 13):
            if len(codes) >= n:
                assert rolling_hashes(codes, n).tolist() == _rolling_hashes_step_by_step(codes, n).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(["中", "。", "！", ")", " ", "a", "\n"]), max_size=12), max_size=8))
def test_line_end_ratios_of_a_batch_are_those_of_each_text(texts):
    assert line_end_punct_ratios(texts) == [line_end_punct_ratio(text) for text in texts]


def test_decode_text_gb18030_and_big5_real_bytes():
    traditional = "“四直為民”有效促進黨員幹部的作風轉變，較好解決了事關群眾切身利益的問題。"
    simplified = "桂东县增口乡践行群众路线，搭建干群“连心桥”，党员干部深入基层调研。"
    assert decode_text(simplified.encode("gb18030")) == (simplified, "gb18030")
    assert decode_text(traditional.encode("big5")) == (traditional, "big5")
    assert decode_text(traditional.encode("gb18030")) == (traditional, "gb18030")
    assert decode_text(("\ufeff" + simplified).encode("utf-8")) == (simplified, "utf-8")


def test_decode_text_seed_page_in_gb18030():
    text = SEED_004.read_text("utf-8")
    assert decode_text(text.encode("gb18030")) == (text, "gb18030")


def test_undecodable_file_becomes_a_rejected_document(tmp_path):
    (tmp_path / "bad.txt").write_bytes(bytes(range(0x80, 0x100)) * 8)
    (tmp_path / "good.txt").write_bytes("會議強調，要加強監測預警，完善應急預案。".encode("big5"))
    docs = {d.id: d for d in read_txt(tmp_path, ".", None, None)}
    assert docs["bad"].rejection.reason == "undecodable" and docs["bad"].origin.encoding == "unknown"
    assert docs["good"].rejection is None and docs["good"].origin.encoding == "big5"


def _write_inputs(folder: Path) -> None:
    seed = SEED_004.read_text("utf-8")
    (folder / "gb.txt").write_bytes(seed.encode("gb18030"))
    records = [
        {"id": "zh-1", "text": "标题在这里写着\n2021-03-05 10:00 来源：某某晚报\n" + ZH * 2, "url": "https://example.org/a"},
        {"id": "en-1", "text": EN * 3},
        {"id": "short", "text": "太短。"},
    ]
    (folder / "docs.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")


def test_clean_files_writes_schema_valid_rows_and_rejections(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    _write_inputs(inputs)
    out, rejected = tmp_path / "out" / "clean.jsonl", tmp_path / "out" / "rejected.jsonl"
    summary = clean_files([inputs], out, rejected, CleanConfig(), FilterConfig())
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    validator = jsonschema.Draft202012Validator(load_schema("document"))
    for row in rows:
        validator.validate(row)
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {"gb", "zh-1"}
    assert by_id["gb"]["origin"]["encoding"] == "gb18030"
    assert by_id["gb"]["title"] == "“四直为民”：联系服务群众新举措" and by_id["gb"]["script"] == "Hant"
    assert by_id["zh-1"]["source"] == "某某晚报" and by_id["zh-1"]["url"] == "https://example.org/a"
    assert by_id["zh-1"]["published_at"] == "2021-03-05T10:00"
    rejections = {r["id"]: r["rejection"]["reason"] for r in map(json.loads, rejected.read_text("utf-8").splitlines())}
    assert rejections == {"en-1": "not_chinese", "short": "too_short"}
    assert summary["read"] == 4 and summary["kept"] == 2
    assert summary["rejected"] == {"not_chinese": 1, "too_short": 1}
    assert summary["edits"]["spam_line_remover:lines"] == 2


def test_clean_files_on_the_seed_folder_uses_its_sidecar(tmp_path):
    out = tmp_path / "seeds.jsonl"
    summary = clean_files([ROOT / "seeds"], out, None, CleanConfig(), FilterConfig())
    ids = [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()]
    assert summary["kept"] == 5 and "7eba0013d72dcdb0" in ids  # ids from seeds/metadata.jsonl


def test_clean_files_user_errors_name_the_place(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        clean_files([tmp_path / "missing"], tmp_path / "o.jsonl", None, CleanConfig(), FilterConfig())
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "好"}\n{"id": "b", "text": 5}\n', "utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: field 'text'"):
        clean_files([bad], tmp_path / "o.jsonl", None, CleanConfig(), FilterConfig())


def test_repeated_ngram_ratio_long_texts_agree_with_the_short_method():
    import random

    from dataset_builder.quality_filter import _repeated_ngram_ratio_numpy

    rng = random.Random(7)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    for _ in range(5):
        text = "".join(rng.choice(alphabet) for _ in range(600))
        text += text[100:180] + text[300:320]  # two repeated stretches
        grams = [text[i : i + 10] for i in range(len(text) - 9)]
        counts = {}
        for g in grams:
            counts[g] = counts.get(g, 0) + 1
        covered = [False] * len(text)
        for i, g in enumerate(grams):
            if counts[g] > 1:
                for k in range(i, i + 10):
                    covered[k] = True
        assert abs(_repeated_ngram_ratio_numpy(text, 10) - sum(covered) / len(text)) < 1e-12


def test_utf8_cut_in_the_middle_of_a_character_stays_utf8():
    text = "会议强调，要加强监测预警，完善应急预案。" * 5
    data = text.encode("utf-8") + "报".encode("utf-8")[:2]
    assert decode_text(data) == (text, "utf-8")


def test_clean_files_reads_a_single_text_file_and_zstd_jsonl(tmp_path):
    import zstandard

    page = tmp_path / "page.txt"
    page.write_bytes(("全市部署防汛抗旱工作\n2021-03-05\n" + ZH * 2).encode("big5", errors="ignore"))
    packed = tmp_path / "docs.jsonl.zst"
    packed.write_bytes(zstandard.ZstdCompressor().compress((json.dumps({"id": "z1", "text": ZH * 2}, ensure_ascii=False) + "\n").encode("utf-8")))
    out = tmp_path / "out.jsonl"
    summary = clean_files([page, packed], out, None, CleanConfig(), FilterConfig())
    rows = {json.loads(line)["id"]: json.loads(line) for line in out.read_text("utf-8").splitlines()}
    assert summary["kept"] == 2 and set(rows) == {"page", "z1"}
    assert rows["page"]["origin"]["encoding"] == "big5" and rows["page"]["published_at"] == "2021-03-05"
    assert rows["z1"]["origin"]["line"] == 1
