"""Line operators (page chrome, related lists, spam, repeats, cross-document) on synthetic pages, with negatives."""

from __future__ import annotations

from dataset_builder.cleaning import CleanStage
from dataset_builder.cleaning.cross_document import CrossDocumentBoilerplateRemover, countable_lines, line_hash
from dataset_builder.cleaning.page_chrome import CopyrightRemover, HttpErrorRemover, JunkLineRemover, NavigationRemover
from dataset_builder.cleaning.related_lists import PageTailTrimmer, RelatedListRemover
from dataset_builder.cleaning.repeats import DuplicateLineRemover, TeaserRemover
from dataset_builder.cleaning.spam import SpamLineRemover
from dataset_builder.config import CleanConfig
from dataset_builder.document import Document, Origin

P1 = "市政府昨天召开常务会议，研究部署今年的防汛抗旱工作，要求各部门提前做好准备。"
P2 = "会议强调，要加强监测预警，完善应急预案，确保人民群众生命财产安全和城市运行平稳有序。"
P3 = "据了解，今年以来全市已累计投入资金两亿元，新建和改造排水管网一百二十公里。"


def run(operator, text, make_doc):
    doc = make_doc(text)
    operator(doc)
    return doc


def lines_removed(doc, name):
    return {e.operator: e.count for e in doc.edits}.get(name, 0)


def test_http_banners_and_server_signatures(make_doc):
    page = "\n".join(["502 Bad Gateway", "nginx/1.20.1", P1, "Error 404", "Apache/2.4.41 (Ubuntu)", P2, "该页面已被删除"])
    doc = run(HttpErrorRemover(), page, make_doc)
    assert doc.text == "\n".join([P1, P2])
    assert lines_removed(doc, "http_error_remover") == 5


def test_short_sentences_of_common_words_are_not_navigation(make_doc):
    text = "\n".join(["网友纷纷点赞。", P1, "未经许可擅自施工的企业将被依法处罚，有关部门将加强检查。", "ICP备案制度改革正在推进中，企业办理更加方便。"])
    assert run(NavigationRemover(), text, make_doc).text == text
    assert run(CopyrightRemover(), text, make_doc).text == text


def test_http_remover_keeps_numbers_and_versions_inside_text(make_doc):
    text = "\n".join(["2019年全市完成投资500亿元，同比增长12%。", "新版软件V2.0/3.1已发布，用户可免费升级。"])
    assert run(HttpErrorRemover(), text, make_doc).text == text


def test_junk_lines(make_doc):
    doc = run(JunkLineRemover(), "\n".join(["?", P1, "------", "★ ★ ★", P2]), make_doc)
    assert doc.text == "\n".join([P1, P2])


def test_copyright_and_icp_lines(make_doc):
    page = "\n".join([P1, "Copyright © 2003-2019 某某信息港 版权所有", "京ICP备05012345号-1 京公网安备11010502030000号", "未经授权禁止转载"])
    doc = run(CopyrightRemover(), page, make_doc)
    assert doc.text == P1
    assert lines_removed(doc, "copyright_remover") == 3


def test_navigation_share_comment_counter_font_download_lines(make_doc):
    chrome = [
        "首页 | 时政 | 经济 | 社会 | 图片 | 视频",
        "分享到：微信 朋友圈 QQ空间",
        "字体：【大 中 小】 打印本页 关闭窗口",
        "浏览次数：1024",
        "上一篇 下一篇",
        "返回顶部",
        "扫一扫二维码下载客户端",
        "我要评论 查看评论",
        "点击进入专题",
        "首页 要闻 体育 财经 娱乐 科技",
        "Back to top ↑",
    ]
    page = "\n".join([chrome[0], P1, chrome[1], chrome[2], P2, *chrome[3:], P3])
    doc = run(NavigationRemover(), page, make_doc)
    assert doc.text == "\n".join([P1, P2, P3])
    assert lines_removed(doc, "navigation_remover") == len(chrome)


def test_navigation_remover_keeps_headings_short_paragraphs_and_verse(make_doc):
    text = "\n".join(
        [
            "一、基本情况",
            "他笑了。",
            "二、下一步工作打算",
            "春眠不觉晓  处处闻啼鸟  夜来风雨声  花落知多少",
            "会议还审议了关于加强网站管理的意见。",
        ]
    )
    assert run(NavigationRemover(), text, make_doc).text == text


def test_english_words_in_a_chinese_paragraph_are_not_navigation(make_doc):
    text = "\n".join(["Home", P1])
    assert run(NavigationRemover(), text, make_doc).text == P1
    keep = "\n".join(["他说：Welcome to China，欢迎来到中国。", "About the author 作者简介"])
    assert run(NavigationRemover(), keep, make_doc).text == keep


def test_site_banner_at_the_head_only(make_doc):
    page = "\n".join(["某某市人民政府网", "全市防汛工作会议召开", P1])
    doc = run(NavigationRemover(), page, make_doc)
    assert doc.text == "\n".join(["全市防汛工作会议召开", P1])


def test_breadcrumb_is_left_for_the_metadata_extractor(make_doc):
    page = "\n".join(["当前位置：某某日报 > 要闻 > 正文", P1])
    assert run(NavigationRemover(), page, make_doc).text == page


def test_related_list_under_a_heading_with_truncated_titles(make_doc):
    page = "\n".join(
        [P1, P2, "相关新闻", "全市开展防汛应急演练", "某区排水管网改造完成...", "【推荐阅读】", "夏季用电高峰来临 电力部门..."]
    )
    doc = run(RelatedListRemover(), page, make_doc)
    assert doc.text == "\n".join([P1, P2])


def test_bullet_lists_after_the_article_with_section_headings_between(make_doc):
    page = "\n".join([P1, P3, "· 某县召开乡村振兴推进会", "· 某镇举办农民丰收节活动...", "本地要闻", "· 新一轮城市更新启动"])
    doc = run(RelatedListRemover(), page, make_doc)
    assert doc.text == "\n".join([P1, P3])


def test_bullet_list_inside_the_article_is_content(make_doc):
    text = "\n".join([P1, "· 加强组织领导", "· 完善工作机制", "· 强化督查问责", P3])
    assert run(RelatedListRemover(), text, make_doc).text == text


def test_truncated_titles_are_chrome_anywhere(make_doc):
    page = "\n".join([P1, "某县召开乡村振兴推进会...", "某镇举办农民丰收节活动...", P3])
    assert run(RelatedListRemover(), page, make_doc).text == "\n".join([P1, P3])


def test_tail_list_with_colons_is_content(make_doc):
    text = "\n".join([P1, "一等奖：张明", "二等奖：李华", "三等奖：王强"])
    assert run(PageTailTrimmer(), text, make_doc).text == text


def test_a_single_ellipsis_sentence_or_a_list_in_the_article_is_kept(make_doc):
    text = "\n".join([P1, "他沉默了很久……", "· 加强组织领导，明确责任分工，确保各项措施落到实处。", P2])
    assert run(RelatedListRemover(), text, make_doc).text == text


def test_page_tail_menu_trimmed_but_a_closing_signature_kept(make_doc):
    menu = "\n".join([P1, P2, "机构设置", "政策法规", "办事指南", "公众参与"])
    assert run(PageTailTrimmer(), menu, make_doc).text == "\n".join([P1, P2])
    signed = "\n".join([P1, P2, "某某县人民政府办公室"])
    assert run(PageTailTrimmer(), signed, make_doc).text == signed


def test_keyword_stuffed_spam_lines_and_place_name_runs(make_doc):
    spam = "免费在线观看_国产精品_一区二区_亚洲av_高清无码"
    places = "朝阳区| 海淀区| 丰台区| 通州区| 昌平区| 顺义区| 大兴区| 延庆|"
    doc = run(SpamLineRemover(), "\n".join([spam, P1, P2, places, P3]), make_doc)
    assert doc.text == "\n".join([P1, P2, P3])
    assert lines_removed(doc, "spam_line_remover") == 2
    assert doc.rejection is None and doc.flags == []


def test_spam_injected_inside_a_paragraph_is_flagged_not_cut(make_doc):
    injected = "会议要求各地加强防汛值守百家乐娱乐城，确保信息畅通，遇到险情及时处置。"
    doc = run(SpamLineRemover(), "\n".join([P1, injected]), make_doc)
    assert doc.text == "\n".join([P1, injected])
    assert doc.flags == ["spam_inline"]


def test_mostly_spam_document_is_rejected(make_doc):
    spam = ["日韩av_欧美av_国产精品_一区二区三区_熟女人妻", "百家乐|六合彩|时时彩|娱乐城|注册送彩金|真人娱乐"] * 3
    doc = run(SpamLineRemover(0.5), "\n".join([*spam, "欢迎光临。"]), make_doc)
    assert doc.rejection is not None and doc.rejection.reason == "spam"


def test_news_about_asia_and_lotteries_is_not_spam(make_doc):
    text = "\n".join(["亚洲和欧美的贸易往来日益密切，日韩企业也参与其中。", "体育彩票公益金支持了全民健身设施建设，国产设备占比提高。"])
    doc = run(SpamLineRemover(), text, make_doc)
    assert doc.text == text and doc.flags == []


def test_truncated_teaser_of_a_later_paragraph_removed(make_doc):
    teaser = P2[:30] + " ..."
    doc = run(TeaserRemover(), "\n".join([teaser, P1, P2]), make_doc)
    assert doc.text == "\n".join([P1, P2])
    assert {(e.operator, e.unit): e.count for e in doc.edits} == {("teaser_remover", "paragraphs"): 1}


def test_ellipsis_line_without_a_longer_twin_kept(make_doc):
    text = "\n".join(["记者在现场看到，工人们正在紧张施工……", P1])
    assert run(TeaserRemover(), text, make_doc).text == text


def test_verbatim_repeated_paragraph_kept_once_short_refrain_kept(make_doc):
    doc = run(DuplicateLineRemover(10), "\n".join([P1, "好！", P2, P1, "好！"]), make_doc)
    assert doc.text == "\n".join([P1, "好！", P2, "好！"])
    assert lines_removed(doc, "duplicate_line_remover") == 1


def _site_doc(i: int, body: str, source: str = "某某日报") -> Document:
    text = "\n".join([body, "本网站由某某传媒集团主办并负责运营维护", f"第{i}期"])
    return Document(id=f"d{i}", text=text, origin=Origin("x.jsonl", line=i + 1), given={"source": source})


def test_line_recurring_across_a_sources_documents_is_boilerplate():
    docs = [_site_doc(i, f"{P1}第{i}条。") for i in range(6)]
    docs.append(Document(id="other", text=f"{P2}\n本网站由某某传媒集团主办并负责运营维护", origin=Origin("y.jsonl", line=1)))
    CrossDocumentBoilerplateRemover(min_docs=5, min_fraction=0.2).run_together(docs)
    for i, doc in enumerate(docs[:6]):
        assert doc.text == f"{P1}第{i}条。\n第{i}期"
        assert {e.operator: e.count for e in doc.edits} == {"cross_document_boilerplate_remover": 1}
    assert "本网站由" in docs[6].text  # another source: no evidence there


def test_observed_counts_are_the_documents_holding_each_line_per_source():
    docs = [_site_doc(i, f"{P1}第{i % 2}条。", source="甲" if i < 5 else "乙") for i in range(8)]
    docs.append(Document(id="empty", text="", origin=Origin("x.jsonl", line=99), given={"source": "丙"}))
    docs.append(Document(id="short", text="短", origin=Origin("x.jsonl", line=98), given={"source": "丁"}))
    state = CrossDocumentBoilerplateRemover().observe(docs)
    assert sorted(state) == ["source:丁", "source:乙", "source:甲"]  # a document without text is not counted
    for source, members in (("source:甲", docs[:5]), ("source:乙", docs[5:8])):
        expected: dict[int, int] = {}
        for doc in members:
            for line in countable_lines(doc.text):
                expected[line_hash(line)] = expected.get(line_hash(line), 0) + 1
        counted = state[source]
        assert counted.documents == len(members)
        assert dict(zip(counted.hashes.tolist(), counted.counts.tolist())) == expected
        assert counted.hashes.tolist() == sorted(expected) and counted.counts.dtype.name == "uint32"
    assert state["source:丁"].documents == 1 and len(state["source:丁"].hashes) == 0


def test_lines_shared_by_few_documents_are_kept():
    docs = [_site_doc(i, P1 + str(i)) for i in range(4)]
    CrossDocumentBoilerplateRemover(min_docs=5, min_fraction=0.2).run_together(docs)
    assert all("本网站由" in doc.text for doc in docs)


def test_clean_stage_runs_everything_and_rejects_empty(make_doc):
    stage = CleanStage(CleanConfig())
    chrome_only = make_doc("首页 | 新闻 | 图片 | 视频\n返回顶部\n404 Not Found")
    good = make_doc("\u3000\u3000" + P1 + "\n\n" + P2)
    out = list(stage.run([chrome_only, good]))
    assert out[0].rejection.reason == "empty_after_cleaning"
    assert out[1].text == P1 + "\n" + P2
    assert stage.stats["rejected:empty_after_cleaning"] == 1 and stage.stats["out"] == 1


def test_a_heading_ending_in_more_is_not_a_list_heading(make_doc):
    text = "\n".join([P1, "我们要做得更多", "一、基本情况", P2])
    assert run(RelatedListRemover(), text, make_doc).text == text
    page = "\n".join([P1, "全省动态 更多", "某县召开推进会", "某镇举办活动", P2])
    assert run(RelatedListRemover(), page, make_doc).text == "\n".join([P1, P2])


def test_end_markers_are_junk(make_doc):
    doc = run(JunkLineRemover(), "\n".join([P1, "（完）", P2, "-END-"]), make_doc)
    assert doc.text == "\n".join([P1, P2])
    kept = "\n".join([P1, "完成了全年任务。"])
    assert run(JunkLineRemover(), kept, make_doc).text == kept
