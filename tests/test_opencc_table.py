"""The per-character conversion table gives what OpenCC gives (bench/conversion.py checks the whole corpus)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder.cleaning.opencc_table import FastConverter, fast_converter
from dataset_builder.cleaning.script_converter import differing_chars
from dataset_builder.cleaning.text_units import converter


def _agrees(fast: FastConverter, text: str) -> bool:
    converted, changed = fast.convert(text)
    expected = converter(fast.profile).convert(text)
    return converted == expected and (changed is None or changed == differing_chars(text, expected))


def test_every_character_of_the_table_converts_as_opencc_converts_it_alone():
    fast = fast_converter("t2s")
    assert fast.table is not None and len(fast.table) > 4000  # OpenCC's t2s tables changed thousands of characters
    chars = [chr(c) for c in fast.table]
    assert [fast.convert(c)[0] for c in chars] == converter("t2s").convert("\n".join(chars)).split("\n")


# Every code point OpenCC's Chinese tables could map from: CJK radicals to the compatibility ideographs, the
# half- and full-width forms, and the supplementary ideographic planes.
_CJK_BLOCKS = ((0x2E80, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3134F))


@pytest.mark.parametrize("profile", ["t2s", "s2t", "t2tw"])
def test_the_table_from_the_dictionaries_keys_misses_no_character_opencc_changes_alone(profile):
    """The table is derived from the single-character keys of the profile's dictionaries only; OpenCC run on every
    code point of the CJK blocks, one a line, changes exactly the characters in it, into what it holds."""
    fast = fast_converter(profile)
    assert fast.table is not None
    chars = [chr(c) for start, end in _CJK_BLOCKS for c in range(start, end + 1) if not 0xD800 <= c <= 0xDFFF]
    alone = converter(profile).convert("\n".join(chars)).split("\n")
    assert {ord(c): v for c, v in zip(chars, alone) if v != c} == fast.table


def test_phrases_go_to_opencc_and_keep_their_phrase_conversion():
    fast = fast_converter("t2s")
    text = "他憑藉多年的經驗，深沈地說。"
    assert fast.needs_opencc(text)
    assert fast.convert(text)[0] == "他凭借多年的经验，深沉地说。"  # char by char would give 凭藉 and 深沈
    assert _agrees(fast, text)


def test_plain_traditional_text_is_converted_by_the_table_with_its_changes_counted():
    fast = fast_converter("t2s")
    text = "後來發現這裡的風景很美。\n陸游"
    assert not fast.needs_opencc(text)
    converted, changed = fast.convert(text)
    assert converted == converter("t2s").convert(text) == "后来发现这里的风景很美。\n陆游"
    assert changed == 8  # 後發現這裡風陸: 後來發現這裡風陸 differ


def test_description_sequences_compatibility_ideographs_and_astral_text_agree_with_opencc():
    fast = fast_converter("t2s")
    for text in ("林⿰木養是生涯", "世道多巇⿱山虛，進趨", "\uf900有此理", "𠀾後來𪘀發現", "中文人口大山水"):
        assert _agrees(fast, text), text
    assert fast.needs_opencc("林⿰木養是生涯") and fast.needs_opencc("\uf900有此理")


def test_profiles_of_several_steps_always_use_opencc():
    fast = fast_converter("tw2s")  # variants first, then t2s: a phrase can form out of the first step's output
    assert fast.table is None
    text = "後來發現這裡的軟體"
    assert fast.convert(text) == (converter("tw2s").convert(text), None)


def test_a_batch_converts_each_text_as_it_would_be_converted_alone():
    fast = fast_converter("t2s")
    texts = [
        "他憑藉多年的經驗", "後來發現這裡的風景很美。\n陸游", "林⿰木養是生涯", "\uf900有此理", "𠀾後來𪘀發現", "",
        "中文人口大山水", "深", "沈地說。",  # 深|沈 would open a phrase across two texts: no pair across texts
        "憑", "藉此", "軟體\ud800後來",  # a lone surrogate (JSON allows one) is carried through
    ]
    assert fast.convert_many(texts) == [fast.convert(text) if "\ud800" not in text else ("软体\ud800后来", 4) for text in texts]
    assert [converted for converted, _ in fast.convert_many(texts[:-1])] == [converter("t2s").convert(t) for t in texts[:-1]]


# tw2s's keys around 著 (待著 -> 待着; 顯著, 著名 and 合著者 keep it), characters of its other keys, and what no key
# holds: punctuation, a line break, Latin, a NUL (OpenCC stops there) and a lone surrogate (OpenCC refuses it).
_ZHU_PIECES = ["著", "待著", "顯著", "著名", "合著者", "惡名昭著", "著稱於世", "鉅", "著"] + list("着作名志於書隨有接人後來發現軟體") \
    + list("，。、 \na1") + ["\x00", "\ud800", "\uf900", "𠀾"]


def _tw2s_whole(original: str, converted: str, positions: list[int]):
    """What `_tw2s_at` answers, from tw2s's conversion of the whole text (how it was read before)."""
    taiwan = converter("tw2s").convert(original)
    return {i: taiwan[i] for i in positions} if len(taiwan) == len(converted) else None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ZHU_PIECES), max_size=24).map("".join))
def test_tw2s_read_run_by_run_agrees_with_tw2s_of_the_whole_text(text):
    from dataset_builder.cleaning.script_converter import _tw2s_at

    try:
        converted = fast_converter("t2s").convert_many([text])[0][0]
    except UnicodeError:  # a lone surrogate in a text t2s itself converts: no 著 to look at
        return
    positions = [i for i, char in enumerate(converted) if char == "著"]
    try:
        expected = _tw2s_whole(text, converted, positions)
    except UnicodeError as error:  # a lone surrogate: the same error, as before
        with pytest.raises(type(error)):
            _tw2s_at(text, converted, positions)
        return
    assert _tw2s_at(text, converted, positions) == expected


def test_tw2s_is_read_by_runs_only_while_its_dictionaries_keep_lengths():
    from dataset_builder.cleaning.opencc_table import length_keeping_key_chars

    keys = length_keeping_key_chars("tw2s")
    assert keys is not None and "著" in keys and "待" in keys and "，" not in keys and "\n" not in keys
    # tw2sp's phrases change lengths (肯亞 -> 肯尼亚): no character's conversion can be read from its run's
    assert length_keeping_key_chars("tw2sp") is None
    assert converter("tw2sp").convert("肯亞") == "肯尼亚"


def test_the_kept_traditional_spellings_are_what_opencc_gives_for_exactly_the_stages_vocabulary():
    """traditional_spellings.json, which the stages' patterns are made from without loading OpenCC, equals what its
    generator makes from OpenCC and the words every stage asks about (a fresh process: nothing else asked before);
    a vocabulary change without `python -m dataset_builder.cleaning.kept_tables` fails here."""
    from dataset_builder.cleaning.text_units import SPELLINGS_FILE

    made = subprocess.run([sys.executable, "-c", "import json; from dataset_builder.cleaning.kept_tables import "
                           "spellings_table; print(json.dumps(spellings_table(), ensure_ascii=False))"],
                          capture_output=True, text=True, encoding="utf-8", check=True).stdout
    kept = json.loads(SPELLINGS_FILE.read_text("utf-8"))
    assert len(kept) > 400 and json.loads(made) == kept
    assert any(len(spellings) > 1 for spellings in kept.values())  # Traditional spellings, not only the words


def test_a_word_outside_the_kept_spellings_is_converted_by_opencc():
    from dataset_builder.cleaning.text_units import known_spellings, with_traditional

    assert "国际书展" not in known_spellings()
    assert with_traditional(["国际书展", "来源"]) == ["国际书展", "國際書展", "来源", "來源"]


def test_the_kept_script_sets_are_the_ones_opencc_s_tables_give():
    """script_sets.json, which script detection reads instead of deriving the sets from OpenCC in every worker."""
    from dataset_builder.cleaning.kept_tables import script_sets_table
    from dataset_builder.cleaning.script_converter import SCRIPT_SETS_FILE, _script_sets, derive_script_sets

    assert json.loads(SCRIPT_SETS_FILE.read_text("utf-8")) == script_sets_table()
    hant, hans = _script_sets()
    assert (hant, hans) == derive_script_sets() and len(hant) > 2000 and len(hans) > 2000
    assert "國" in hant and "国" in hans and "中" not in hant | hans
