"""Character-level operators on small synthetic cases (not copies of seed strings), with negative cases."""

from __future__ import annotations

from dataset_builder.cleaning.control_char_remover import ControlCharRemover
from dataset_builder.cleaning.gbk_misalignment_repairer import GbkMisalignmentRepairer
from dataset_builder.cleaning.pinyin_annotation_remover import PinyinAnnotationRemover
from dataset_builder.cleaning.script_converter import ScriptConverter, detect_script
from dataset_builder.cleaning.unicode_fixer import UnicodeFixer
from dataset_builder.cleaning.whitespace_normalizer import WhitespaceNormalizer


def edits(doc):
    return {(e.operator, e.unit): e.count for e in doc.edits}


def test_unicode_fixer_repairs_mojibake_and_keeps_full_width(make_doc):
    broken = "春天来了，花开了。".encode("utf-8").decode("latin-1")  # UTF-8 read as Latin-1
    doc = make_doc(broken)
    UnicodeFixer()(doc)
    assert doc.text == "春天来了，花开了。"
    assert edits(doc)[("unicode_fixer", "chars")] > 0


def test_unicode_fixer_leaves_clean_chinese_and_width_alone(make_doc):
    text = "会议指出：要坚持“以人为本”，做好工作！全角ＡＢＣ１２３与半角ABC123并存。"
    doc = make_doc(text)
    UnicodeFixer()(doc)
    assert doc.text == text
    assert doc.edits == []


def test_unicode_fixer_normalises_to_nfc_and_line_breaks(make_doc):
    doc = make_doc("Cafe\u0301\r\n第二行\r第三行")
    UnicodeFixer()(doc)
    assert doc.text == "Café\n第二行\n第三行"


def test_control_and_private_use_characters_removed(make_doc):
    doc = make_doc("标题\x00\x07内容\ue012\ufeff继续\t保留\n换行")
    ControlCharRemover()(doc)
    assert doc.text == "标题内容继续\t保留\n换行"
    assert edits(doc)[("control_char_remover", "chars")] == 4


def test_whitespace_normaliser_indentation_ideographic_spaces_and_blank_lines(make_doc):
    doc = make_doc("\u3000\u3000第一段落。  \n\n \u00a0\n    第二段\u3000\u3000落。\n\n")
    WhitespaceNormalizer()(doc)
    assert doc.text == "第一段落。\n第二段 落。"
    assert edits(doc)[("whitespace_normalizer", "lines")] == 4


def test_pinyin_readings_removed_ascii_and_full_width_with_and_without_tones(make_doc):
    doc = make_doc("他走進銀(yín)行，來到鄉（xiang）鎮(zhen4)辦事處。")
    PinyinAnnotationRemover()(doc)
    assert doc.text == "他走進銀行，來到鄉鎮辦事處。"
    assert edits(doc)[("pinyin_annotation_remover", "annotations")] == 3


def test_pinyin_remover_leaves_asides_alone(make_doc):
    text = "会议在县城召开(王小明 摄)。详见《农村工作》(2016年3期)和手机应用APP(客户端)，维生素C(vc)也提到了。"
    doc = make_doc(text)
    PinyinAnnotationRemover()(doc)
    assert doc.text == text
    assert doc.edits == []


def test_pinyin_remover_needs_the_reading_of_the_character_before(make_doc):
    # "ma" is not a reading of 书: an aside in Latin letters, not an annotation.
    doc = make_doc("这本书(ma)很好。")
    PinyinAnnotationRemover()(doc)
    assert doc.text == "这本书(ma)很好。"


def test_script_detected_and_converted_once(make_doc):
    doc = make_doc("這個國家的經濟發展很快，人們的生活越來越好。")
    ScriptConverter(True, "t2s")(doc)
    assert doc.script == "Hant"
    assert doc.text == "这个国家的经济发展很快，人们的生活越来越好。"
    assert edits(doc)[("script_converter", "chars")] == 8


def test_simplified_text_left_as_is(make_doc):
    text = "这个国家的经济发展很快，皇后和后来者都知道。"
    doc = make_doc(text)
    ScriptConverter(True, "t2s")(doc)
    assert doc.script == "Hans" and doc.text == text and doc.edits == []


def test_conversion_off_still_records_script(make_doc):
    doc = make_doc("這個國家的經濟發展很快。")
    ScriptConverter(False, "t2s")(doc)
    assert doc.script == "Hant" and doc.text == "這個國家的經濟發展很快。"


def test_detect_script_is_symmetric_on_shared_characters():
    assert detect_script("中文人口大山水") == "Hans"  # no script-specific character: counted as Simplified
    assert detect_script("後來發現") == "Hant"


def _misalign(text: str, at: int, marker: str = "?xu)") -> str:
    """Damage `text` as a content farm does: the lead byte of character `at` is lost (shown as `marker`) and the
    rest is decoded from GBK one byte out of step until an ASCII byte brings it back in step."""
    data = text.encode("gbk")
    head = text[:at].encode("gbk")
    rest = data[len(head) + 1 :]
    out = []
    i = 0
    while i < len(rest):
        if rest[i] < 0x80:  # an ASCII byte on its own: back in step from here
            out.append(rest[i:].decode("gbk"))
            break
        pair = rest[i : i + 2]
        out.append(pair.decode("gbk", errors="replace"))
        i += 2
    return text[:at] + marker + "".join(out)


def test_gbk_misalignment_run_repaired(make_doc):
    original = "這項政策變為現實以後，農民的收入提高了。"
    damaged = _misalign(original, 5)  # 為 loses its lead byte; 現 (AC46) has an ASCII trail byte that resyncs
    assert damaged == "這項政策變?xu)楝F實以後，農民的收入提高了。"
    doc = make_doc(damaged)
    GbkMisalignmentRepairer()(doc)
    assert doc.text == original
    assert {"gbk_misalignment_repaired", "gbk_misalignment_guessed_char"} <= set(doc.flags)
    assert "gbk_misalignment" not in doc.flags


def test_gbk_misalignment_without_a_sure_guess_drops_the_character_and_flags(make_doc):
    original = "他們為當地群眾辦實事，幫助農戶增加收入。"
    doc = make_doc(_misalign(original, 2))
    GbkMisalignmentRepairer()(doc)
    assert doc.text == "他們當地群眾辦實事，幫助農戶增加收入。"
    assert "gbk_misalignment_lost_char" in doc.flags


def test_gbk_damage_that_cannot_be_repaired_is_flagged(make_doc):
    original = "城市發展規劃已經完成，下一步將解決交通問題。"
    damaged = _misalign(original, 2)  # nothing left to shift: the run is empty
    doc = make_doc(damaged)
    GbkMisalignmentRepairer()(doc)
    assert doc.text == damaged
    assert doc.flags == ["gbk_misalignment"]


def test_gbk_repairer_leaves_ascii_question_marks_in_chinese_alone(make_doc):
    text = "你好吗?我很好,谢谢。真的吗?当然是真的!"
    doc = make_doc(text)
    GbkMisalignmentRepairer()(doc)
    assert doc.text == text
    assert doc.flags == [] and doc.edits == []


def test_whitespace_normaliser_trailing_space_before_a_line_break(make_doc):
    doc = make_doc("第一行 \n第二行 有空格")
    WhitespaceNormalizer()(doc)
    assert doc.text == "第一行\n第二行 有空格"


def test_line_breaks_escaped_twice_are_restored(make_doc):
    doc = make_doc("第一段。\\n第二段。\\n第三段。")
    UnicodeFixer()(doc)
    assert doc.text == "第一段。\n第二段。\n第三段。"
    code = make_doc('print("a\\n")\n第二行')  # real line breaks present: a literal \n is content
    UnicodeFixer()(code)
    assert code.text == 'print("a\\n")\n第二行'


def test_pinyin_of_a_whole_word_removed(make_doc):
    doc = make_doc("我去银行(yínháng)取钱，又到邮局（you ju）寄信。")
    PinyinAnnotationRemover()(doc)
    assert doc.text == "我去银行取钱，又到邮局寄信。"


def test_pinyin_remover_does_not_take_a_name_in_latin_letters(make_doc):
    text = "李明(Li Ming)和王芳(Wang)都来了，张伟(David)没来。"
    doc = make_doc(text)
    PinyinAnnotationRemover()(doc)
    # "Li Ming" spells the two characters before it: removed like any annotation. "Wang" is not the reading of
    # the character right before it (芳), and David is no reading at all: both stay.
    assert doc.text == "李明和王芳(Wang)都来了，张伟(David)没来。"


def test_html_remnants(make_doc):
    from dataset_builder.cleaning.html_remnant_remover import HtmlRemnantRemover

    doc = make_doc("第一段&nbsp;文字&ldquo;引语&rdquo;。<br/>第二段<span style='x'>加粗</span>。<!-- ad --><p>第三段&#12290;</p>")
    HtmlRemnantRemover()(doc)
    assert doc.text == "第一段\u00a0文字“引语”。\n第二段加粗。\n第三段。\n"
    untouched = "若 a < b 且 AT&T 公司的 x<y，则结论成立。"
    doc = make_doc(untouched)
    HtmlRemnantRemover()(doc)
    assert doc.text == untouched and doc.edits == []
