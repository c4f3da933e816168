"""Metadata steps on pages shaped like real ones (news with banners and bylines, encyclopedia entries): headlines
of any shape ranked among candidates, bylines kept in their paragraph, dates read only from the head of the page."""

from __future__ import annotations

import pytest

from dataset_builder.cleaning import CleanStage
from dataset_builder.config import CleanConfig
from dataset_builder.extract_metadata import MetadataExtractor
from dataset_builder.metadata.titles import banner_parts

ENTRY = "大熊猫是中国特有的哺乳动物，主要栖息在四川、陕西和甘肃的山区，以竹子为主要食物，被誉为“活化石”。"
ENTRY2 = "大熊猫的祖先是始熊猫，距今约八百万年，在漫长的演化中逐渐由食肉转为以竹子为食。"
NEWS = "记者从市气象台获悉，受冷空气影响，本周末全市将出现大风降温天气，最低气温将降至零下五摄氏度。"
NEWS2 = "气象部门提醒市民及时添加衣物，外出注意防风防寒，农业生产要做好大棚加固工作。"


def page(make_doc, *lines, clean=False):
    doc = make_doc("\n".join(lines))
    if clean:
        list(CleanStage(CleanConfig(cross_document_min_docs=0)).run([doc]))
    MetadataExtractor().process(doc)
    return doc


@pytest.mark.parametrize("title", ["熊猫", "长城", "秘鲁", "林肯", "李白"])
def test_short_headline_over_an_entry_is_the_title_not_an_author(make_doc, title):
    doc = page(make_doc, title, ENTRY, ENTRY2)
    assert (doc.title, doc.authors, doc.text) == (title, [], ENTRY + "\n" + ENTRY2)
    doc = page(make_doc, title, "2012-05-27 19:25", ENTRY)
    assert (doc.title, doc.published_at, doc.authors, doc.text) == (title, "2012-05-27T19:25", [], ENTRY)


@pytest.mark.parametrize(
    "headline",
    ["环保会增加生活成本吗？", "三十年，一座城的变迁！", "调查：你认可在提款机上设置捐赠选项吗？", "降温；大风；雨雪——本周天气一览"],
)
def test_headlines_with_question_marks_commas_and_colons(make_doc, headline):
    doc = page(make_doc, headline, "2012-12-08 07:09 来源：某某晚报", NEWS, NEWS2)
    assert (doc.title, doc.source, doc.text) == (headline, "某某晚报", NEWS + "\n" + NEWS2)


@pytest.mark.parametrize(
    "banner", ["某某在线 - 您身边的新闻", "某某资讯网_社会频道", "某某晚报首页", "欢迎访问某某信息港", "本周末大风降温_社会_某某网"]
)
def test_a_site_banner_is_never_the_title(make_doc, banner):
    doc = page(make_doc, banner, "本周末大风降温", NEWS, NEWS2, clean=True)
    assert doc.title == "本周末大风降温"
    assert doc.text == NEWS + "\n" + NEWS2
    # Without a headline line the banner is still not the title.
    doc = page(make_doc, banner, "[2012-12-08]", NEWS, NEWS2, clean=True)
    assert doc.title is None and doc.published_at == "2012-12-08"


def test_a_title_line_with_a_long_headline_and_short_site_parts_is_a_banner(make_doc):
    headline = "某某基金会“有爱·有家”孤儿助养项目内容（从２０１０年７月起实行新助养方案）"
    assert banner_parts(headline + "_娱乐_某某在线") == [headline, "娱乐", "某某在线"]
    doc = page(make_doc, headline + "_娱乐_某某在线", headline, "2012-12-08 来源：某某晚报", NEWS, clean=True)
    assert (doc.title, doc.text) == (headline, NEWS)
    # Two long parts are a headline with a tail, not a <title> line.
    assert banner_parts(headline + " - " + headline[:31]) is None


def test_the_headline_beats_a_sub_headline_and_a_channel_name(make_doc):
    doc = page(make_doc, "社会频道", "本周末大风降温", "——最低气温零下五摄氏度", "2012-12-08", NEWS)
    assert doc.title == "本周末大风降温"


def test_a_teaser_ending_in_an_ellipsis_is_text_not_a_title(make_doc):
    teaser = "气象部门提醒市民及时添加衣物……"
    doc = page(make_doc, teaser, NEWS, NEWS2)
    assert doc.title is None and doc.text.startswith(teaser)


def test_bylines_opening_and_closing_a_paragraph_stay_in_it(make_doc):
    opening = "本报讯（记者 王磊 通讯员 赵敏）" + NEWS
    closing = NEWS2 + "（记者 孙涛）"
    doc = page(make_doc, "本周末大风降温", "2012-12-08", opening, closing)
    assert sorted(doc.authors) == sorted(["王磊", "赵敏", "孙涛"])
    assert doc.text == opening + "\n" + closing
    # A credit appended to the article is not part of it; "（全文）" names nobody.
    doc = page(make_doc, "本周末大风降温", NEWS, NEWS2 + "（张强 报道）")
    assert (doc.authors, doc.text) == (["张强"], NEWS + "\n" + NEWS2)
    doc = page(make_doc, "讲话稿", NEWS, NEWS2 + "（全文）")
    assert doc.authors == [] and doc.text.endswith("（全文）")


def test_a_date_line_inside_the_text_is_not_the_publication_date(make_doc):
    notice = ["会议通知", NEWS + NEWS2, "时间：2013年11月20日上午9:00", "地点：市政府三楼会议室", NEWS2]
    doc = page(make_doc, *notice)
    assert doc.published_at is None
    assert "时间：2013年11月20日上午9:00" in doc.text
    doc = page(make_doc, "会议通知", "发布时间：2013-11-01", *notice[1:])
    assert doc.published_at == "2013-11-01"
    assert "时间：2013年11月20日上午9:00" in doc.text
