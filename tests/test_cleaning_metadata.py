"""Metadata extraction on synthetic pages: labels, dates at their precision, bylines, breadcrumbs, periodicals,
lone names, keywords, editors, and given metadata winning."""

from __future__ import annotations

import pytest

from dataset_builder.extract_metadata import MetadataExtractor

BODY = "市政府昨天召开常务会议，研究部署今年的防汛抗旱工作，要求各部门提前做好准备。"
BODY2 = "会议强调，要加强监测预警，完善应急预案，确保人民群众生命财产安全。"


def extract(make_doc, text, **given):
    doc = make_doc(text, **given)
    MetadataExtractor().process(doc)
    return doc


def test_labelled_line_under_the_title(make_doc):
    page = "\n".join(["全市部署防汛抗旱工作", "2021年3月5日 09:30 来源：某某晚报 作者：张伟 李娜", BODY, "编辑：王芳", "责任编辑：赵强"])
    doc = extract(make_doc, page)
    assert doc.title == "全市部署防汛抗旱工作"
    assert doc.published_at == "2021-03-05T09:30"
    assert doc.source == "某某晚报"
    assert doc.authors == ["张伟", "李娜"]  # editors are not authors
    assert doc.text == BODY


@pytest.mark.parametrize(
    "line, iso",
    [
        ("2019-07-08 20:51:54", "2019-07-08T20:51:54"),
        ("2019/7/8 8:05", "2019-07-08T08:05"),
        ("2019年7月8日", "2019-07-08"),
        ("发布时间：2019.07.08", "2019-07-08"),
    ],
)
def test_dates_at_the_precision_given(make_doc, line, iso):
    doc = extract(make_doc, "\n".join(["标题在这里写着", line, BODY]))
    assert doc.published_at == iso
    assert doc.text == BODY


def test_date_inside_a_sentence_is_not_metadata(make_doc):
    text = "\n".join(["2019年7月8日，市政府召开常务会议，研究部署防汛工作。", BODY2])
    doc = extract(make_doc, text)
    assert doc.published_at is None
    assert doc.text == text


def test_byline_closing_the_last_paragraph(make_doc):
    doc = extract(make_doc, "\n".join(["县里召开防汛会议", BODY, BODY2 + "（记者 刘洋 通讯员 周敏）"]))
    assert doc.authors == ["刘洋", "周敏"]  # reporter and correspondent, without their roles
    doc = extract(make_doc, "\n".join(["县里召开防汛会议", BODY, BODY2 + "(孙明 报道)"]))
    assert doc.authors == ["孙明"]
    assert doc.text.endswith("生命财产安全。")
    doc = extract(make_doc, "\n".join(["县里召开防汛会议", BODY, BODY2 + "（作者:钱红梅）"]))
    assert doc.authors == ["钱红梅"]


def test_parenthesised_aside_at_the_end_is_not_a_byline(make_doc):
    text = "\n".join([BODY, "详见《乡村工作》(2016年3期)"])
    doc = extract(make_doc, text)
    assert doc.authors == []
    assert "(2016年3期)" in doc.text


def test_breadcrumb_names_the_site(make_doc):
    doc = extract(make_doc, "\n".join(["当前位置：某某在线 > 新闻 > 地方", "县里召开防汛会议", BODY]))
    assert doc.source == "某某在线"
    assert doc.title == "县里召开防汛会议"
    assert doc.text == BODY


def test_periodical_issue_line_lone_name_and_keywords(make_doc):
    page = "\n".join(["乡村治理的新探索", "2018-03-02 10:00", "某某论坛 2018年第5期", "关键词：乡村振兴；基层治理，自治", "周晓梅", BODY])
    doc = extract(make_doc, page)
    assert doc.source == "某某论坛"
    assert doc.keywords == ["乡村振兴", "基层治理", "自治"]
    assert doc.authors == ["周晓梅"]
    assert doc.text == BODY


def test_a_short_line_that_is_not_a_name_stays(make_doc):
    doc = extract(make_doc, "\n".join(["乡村治理的新探索", "2018-03-02", "引言", BODY]))
    assert doc.authors == []
    assert doc.text.startswith("引言")


def test_given_metadata_wins(make_doc):
    page = "\n".join(["页面上的标题", "2021-03-05 来源：某某晚报 作者：张伟", BODY])
    doc = extract(make_doc, page, title="给定的标题", source="给定来源", authors=["某甲"], published_at="2020-01")
    assert (doc.title, doc.source, doc.authors, doc.published_at) == ("给定的标题", "给定来源", ["某甲"], "2020-01")
    assert doc.text == BODY  # the metadata lines still leave the body


def test_title_without_a_date(make_doc):
    doc = extract(make_doc, "\n".join(["全市部署防汛抗旱工作", BODY, BODY2]))
    assert doc.title == "全市部署防汛抗旱工作"
    assert doc.text == BODY + "\n" + BODY2


GOV_PAGE = """某某市人民政府门户网站
当前位置：首页 > 新闻中心 > 部门动态
全市召开安全生产工作会议
发布时间：2015年06月12日 09:20 来源：市安监局 浏览次数：
【字体：大 中 小】
本报讯（记者 张三 通讯员 李四）昨天上午，全市安全生产工作会议召开，会议总结了上半年工作，部署下一阶段任务。
会议要求，各地各部门要切实增强责任感，坚决遏制重特大事故发生。
（责任编辑：王五）
上一篇：全市开展消防演练活动
下一篇：我市启动夏季安全检查
已有0条评论
【打印本页】【关闭窗口】
地址：某某市人民路1号 邮编：123456 电话：0123-4567890
主办：某某市人民政府办公室 网站维护：某某信息中心
声明：本站所载文章仅代表作者观点，不代表本站立场。
"""


def test_a_whole_government_page(make_doc):
    from dataset_builder.cleaning import CleanStage
    from dataset_builder.config import CleanConfig

    doc = make_doc(GOV_PAGE)
    list(CleanStage(CleanConfig()).run([doc]))
    MetadataExtractor().process(doc)
    assert (doc.title, doc.published_at, doc.source) == ("全市召开安全生产工作会议", "2015-06-12T09:20", "市安监局")
    assert doc.authors == ["张三", "李四"]  # 王五 is the editor
    assert doc.text == (  # the byline opening the paragraph is part of it as printed
        "本报讯（记者 张三 通讯员 李四）昨天上午，全市安全生产工作会议召开，会议总结了上半年工作，部署下一阶段任务。\n"
        "会议要求，各地各部门要切实增强责任感，坚决遏制重特大事故发生。"
    )


def test_a_single_line_document_keeps_its_line(make_doc):
    doc = extract(make_doc, "你好，请问你是谁")
    assert doc.title is None and doc.text == "你好，请问你是谁"


def test_compiler_credit_is_not_a_name(make_doc):
    doc = extract(make_doc, "\n".join(["县里召开防汛会议", BODY, BODY2 + "（陈伟 整理）"]))
    assert doc.authors == ["陈伟"]


def test_full_width_digits_in_dates_and_bracketed_dateline(make_doc):
    page = "\n".join(["地铁将设头等车厢", "２０１２年０７月１８日 ０９：３０", "【某某商报讯】（记者　肖一鸣　实习生　林二）" + BODY])
    doc = extract(make_doc, page)
    assert doc.published_at == "2012-07-18T09:30"
    assert doc.authors == ["肖一鸣", "林二"]
    assert doc.source == "某某商报"
    assert doc.text == "【某某商报讯】（记者　肖一鸣　实习生　林二）" + BODY


def test_only_the_first_date_line_is_the_publication_date(make_doc):
    page = "\n".join(["活动安排", "2019年7月1日", BODY, "2019年7月8日 开幕式", "2019年7月9日 闭幕式"])
    doc = extract(make_doc, page)
    assert doc.published_at == "2019-07-01"
    assert doc.text == "\n".join([BODY, "2019年7月8日 开幕式", "2019年7月9日 闭幕式"])


def test_author_affiliation_in_brackets_is_dropped_from_the_name(make_doc):
    doc = extract(make_doc, "\n".join(["一篇评论文章", "作者：张三（某某大学教授）", BODY]))
    assert doc.authors == ["张三"]


def test_interview_lines_and_event_times_are_text(make_doc):
    page = "\n".join(["专访：乡村教师的坚守", "记者：您在这里工作多少年了？", "时间：上午9时", BODY])
    doc = extract(make_doc, page)
    assert doc.authors == []
    assert doc.text == "\n".join(["记者：您在这里工作多少年了？", "时间：上午9时", BODY])


def test_furniture_above_the_headline_goes_a_lead_paragraph_stays(make_doc):
    page = "\n".join(["新闻中心", "本地要闻", "全市部署防汛抗旱工作", "2021-03-05", BODY])
    doc = extract(make_doc, page)
    assert doc.title == "全市部署防汛抗旱工作" and doc.text == BODY
    assert {e.operator: e.count for e in doc.edits}["page_head_trimmer"] == 2
    lead = "\n".join([BODY2, "全市部署防汛抗旱工作", "2021-03-05", BODY])
    assert extract(make_doc, lead).text == BODY2 + "\n" + BODY


@pytest.mark.parametrize("title", ["句", "荅人", "歌一首"])
def test_short_title_over_a_credit_line_and_the_body(make_doc, title):
    verse = "偶来松树下，高枕石头眠。\n山中无历日，寒尽不知年。"
    doc = extract(make_doc, "\n".join([title, "太上隐君", verse]))
    assert doc.title == title
    assert doc.text == "太上隐君\n" + verse  # not a recognisable personal name: left in the text
    doc = extract(make_doc, "\n".join([title, "王维", verse]))
    assert (doc.title, doc.authors, doc.text) == (title, ["王维"], verse)
