"""Cleaning operators on real-shaped text: private-use paragraph marks, farm pinyin glossing the Simplified
original's reading, pages without running text."""

from __future__ import annotations

from dataset_builder.cleaning import CleanStage
from dataset_builder.cleaning.control_char_remover import ControlCharRemover
from dataset_builder.cleaning.pinyin_annotation_remover import PinyinAnnotationRemover
from dataset_builder.config import CleanConfig, FilterConfig
from dataset_builder.extract_metadata import MetadataExtractor
from dataset_builder.quality_filter import QualityFilter

MARK = "\ue40c"  # the paragraph mark of SogouCS news


def test_a_private_use_paragraph_mark_becomes_a_line_break_between_text(make_doc):
    text = (
        "养老保险空账正迅速扩大" + MARK + "养老保险“空账”正在以２５％左右的速度扩大。" + MARK
        + "对此，不少网民指出，填补缺口须多管齐下。" + MARK
    )
    doc = make_doc(text)
    ControlCharRemover()(doc)
    assert doc.text == "养老保险空账正迅速扩大\n养老保险“空账”正在以２５％左右的速度扩大。\n对此，不少网民指出，填补缺口须多管齐下。"
    assert {(e.unit, e.count) for e in doc.edits} == {("paragraphs", 2), ("chars", 1)}
    # The headline glued to the body is split from it, so it becomes the title.
    doc = make_doc(text)
    list(CleanStage(CleanConfig(cross_document_min_docs=0)).run([doc]))
    MetadataExtractor().process(doc)
    assert doc.title == "养老保险空账正迅速扩大"


def test_an_icon_glyph_that_is_not_a_paragraph_mark_is_just_removed(make_doc):
    doc = make_doc("\ue600 分享到微博\n记者从市里获悉\ue601，本周将降温。")
    ControlCharRemover()(doc)
    assert doc.text == " 分享到微博\n记者从市里获悉，本周将降温。"


def test_farm_pinyin_with_the_reading_of_the_simplified_original(make_doc):
    # 吁→籲 (xū), 参→蔘 (cān): the farm glosses the Simplified character's reading, not the Traditional one's.
    doc = make_doc("他呼籲(xū)社會各界蔘(cān)與，共同關注留守兒(ér)童。書(ma)")
    PinyinAnnotationRemover()(doc)
    assert doc.text == "他呼籲社會各界蔘與，共同關注留守兒童。書(ma)"


def test_a_page_without_running_text_is_rejected(make_doc):
    links = "\n".join(
        ["某某在线 - 您身边的新闻", "国内 | 社会 | 财经 | 体育 | 娱乐", "北京暴雨已致７７人遇难 １１人身份正在确认", "新疆地震致１５万人受灾 已启动救灾响应",
         "医保缴费年限将各地互认并累计", "环保会增加生活成本吗？", "深圳地铁将设立头等车厢 买双倍票可享坐票",
         "国际红十字会宣称叙利亚陷内战 适用国际人道法", "关于我们 | 联系我们 | 网站地图"]
    )
    doc = make_doc(links)
    for stage in (CleanStage(CleanConfig(cross_document_min_docs=0)), MetadataExtractor(), QualityFilter(FilterConfig())):
        list(stage.run([doc]))
    assert doc.rejection is not None and doc.rejection.reason == "no_running_text"
    poem = make_doc("静夜思\n李白\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n" * 2)
    list(QualityFilter(FilterConfig(min_chars=10)).run([poem]))
    assert poem.rejection is None
