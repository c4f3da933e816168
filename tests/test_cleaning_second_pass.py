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


def test_farm_pinyin_of_a_character_that_is_also_simplified(make_doc):
    # 了→瞭 (le): 瞭 is Simplified too (明瞭), so t2s leaves it; OpenCC's Simplified-to-Traditional character table
    # says 瞭 can stand for 了, whose reading the farm printed. A gloss that spells no reading stays.
    doc = make_doc("他來瞭(le)以後，大傢都明瞭(liǎo)瞭(le)情況。明瞭(ma)")
    PinyinAnnotationRemover()(doc)
    assert doc.text == "他來瞭以後，大傢都明瞭瞭情況。明瞭(ma)"


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


def test_zhu_becomes_zhe_where_simplified_writes_zhe_and_stays_in_its_words(make_doc):
    from dataset_builder.cleaning.script_converter import ScriptConverter

    doc = make_doc("隨著人口老齡化，城市有著巨大壓力，接著他說明瞭原因。這部著作很著名，效果顯著，他所著的書記述土著居民。")
    ScriptConverter()(doc)
    assert doc.text == "随着人口老龄化，城市有着巨大压力，接着他说明了原因。这部著作很著名，效果显著，他所著的书记述土著居民。"
    doc = make_doc("隨著人口老齡化，城市有著巨大壓力。")
    ScriptConverter(profile="tw2sp")(doc)  # another profile is used as configured
    assert "着" in doc.text


ARTICLE = "记者从市气象台获悉，受冷空气影响，本周末全市将出现大风降温天气，最低气温将降至零下五摄氏度。"


def cleaned(make_doc, text):
    doc = make_doc(text)
    list(CleanStage(CleanConfig(cross_document_min_docs=0)).run([doc]))
    return doc


def test_short_lines_between_chrome_lines_in_the_tail_go_with_them(make_doc):
    tail = ["我要评论", "用户名：", "匿名发表", "107人参与 39条评论", "分享到：微信 微博 QQ空间"]
    doc = cleaned(make_doc, "\n".join(["本周末大风降温", ARTICLE, *tail]))
    assert doc.text == "本周末大风降温\n" + ARTICLE
    # A closing line right under the article is not inside a block; a headline between menus stays.
    doc = cleaned(make_doc, "\n".join(["首页 | 新闻 | 体育 | 财经", "本周末大风降温", "【字号 大 中 小】", ARTICLE, "（完）编者按", "我要评论"]))
    assert doc.text.split("\n")[0] == "本周末大风降温" and "（完）编者按" in doc.text


def test_short_lines_between_chrome_lines_in_the_head_go_with_them_but_never_the_headline(make_doc):
    menu, font = "首页 | 新闻 | 体育 | 财经", "【字号 大 中 小】"
    head = [menu, "欢迎您，请登录", "设为首页 | 加入收藏", "本周末大风降温", "2012年11月30日 09:12　来源：本报", font]
    doc = cleaned(make_doc, "\n".join([*head, ARTICLE]))
    assert doc.text.split("\n")[0] == "本周末大风降温" and "欢迎您" not in doc.text
    # The headline itself between a menu and a font-size row, with the date line below: it stays.
    doc = cleaned(make_doc, "\n".join([menu, "大风降温", font, "2012年11月30日 来源：本报", ARTICLE]))
    assert doc.text.split("\n")[0] == "大风降温"
    # Without a date or source line the headline is the line heading the first paragraph: the prompt above goes,
    # the headline between a chrome row and a font-size row stays.
    doc = cleaned(make_doc, "\n".join([menu, "欢迎您，请登录", "设为首页 | 加入收藏", "大风降温", font, ARTICLE]))
    assert doc.text.split("\n")[:2] == ["大风降温", ARTICLE]
    doc = cleaned(make_doc, "\n".join([menu, "大风降温", font, ARTICLE]))
    assert doc.text.split("\n")[:2] == ["大风降温", ARTICLE]


def test_a_short_headline_holding_a_navigation_word_stays_above_its_date_line(make_doc):
    # 南加大 holds 加大 (a font-size control) inside a name; right above the date line it is the headline.
    head = ["首页 > 教育频道 > 正文", "南加大", "发布时间：2012年05月11日  来源：北方晚报"]
    page = "\n".join([*head, ARTICLE])
    doc = cleaned(make_doc, page)
    assert doc.text.split("\n")[1] == "南加大"
    list(MetadataExtractor().run([doc]))
    assert doc.title == "南加大"
    # Elsewhere, or made mostly of navigation words, such a line is chrome as before.
    assert "南加大" not in cleaned(make_doc, "\n".join(["南加大", ARTICLE, "2012年05月11日"])).text
    doc = cleaned(make_doc, "\n".join(["首页 > 教育频道 > 正文", "字号加大", "发布时间：2012年05月11日", ARTICLE]))
    assert "字号加大" not in doc.text


def test_http_and_server_banners_in_more_wordings(make_doc):
    for banner in [
        ["Not Found", "The requested URL was not found on this server."],
        ["Service Temporarily Unavailable",
         "The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later."],
        ["404 Not Found", "The requested URL /news/2012/0601.html was not found on this server.", "Apache Server at www.example.com Port 80"],
        ["Forbidden", "nginx"],
    ]:
        doc = cleaned(make_doc, "\n".join([*banner, ARTICLE]))
        assert doc.text == ARTICLE, banner


def test_a_spam_word_with_an_innocent_reading_does_not_remove_a_sentence(make_doc):
    history = "十三世纪，威尼斯人控制了东地中海的贸易航线，与热那亚人争夺海上霸权长达百年。"
    heading = "威尼斯人与热那亚人"
    doc = cleaned(make_doc, "\n".join([heading, history, ARTICLE]))
    assert doc.text == "\n".join([heading, history, ARTICLE]) and "spam_inline" not in doc.flags
    stuffed = cleaned(make_doc, "\n".join([ARTICLE, "澳门百家乐|真人娱乐|网上赌场|注册送彩金", "威尼斯人 百家乐 在线开户"]))
    assert stuffed.text == ARTICLE
    inline = cleaned(make_doc, ARTICLE + "百家乐开户送彩金，网上赌场注册就送。")
    assert "spam_inline" in inline.flags


def test_half_width_punctuation_between_han_becomes_full_width(make_doc):
    from dataset_builder.cleaning.punctuation_width_normalizer import PunctuationWidthNormalizer

    text = ("会议于下午3:30开始,到场1,200人;主持人问:“大家准备好了吗?”记者(王小明)报道。\n"
            "详见http://www.example.com:8080/a?b=1,或发邮件至news@example.com。比分2:1!\n"
            "另一?法认为这是误传.Python,Java都是语言。你去吗?我不去!")
    doc = make_doc(text)
    PunctuationWidthNormalizer()(doc)
    assert doc.text == ("会议于下午3:30开始，到场1,200人；主持人问：“大家准备好了吗？”记者（王小明）报道。\n"
                        "详见http://www.example.com:8080/a?b=1,或发邮件至news@example.com。比分2:1!\n"
                        "另一?法认为这是误传.Python,Java都是语言。你去吗？我不去！")
    assert [(e.operator, e.unit, e.count) for e in doc.edits] == [("punctuation_width_normalizer", "chars", 8)]


def test_full_width_punctuation_is_a_config_switch(make_doc):
    text = "渴了你就喝杯茶,气了你就消消火,难了你就说句话,这里就是你的家。"
    on = cleaned(make_doc, text)
    assert on.text == "渴了你就喝杯茶，气了你就消消火，难了你就说句话，这里就是你的家。"
    off = make_doc(text)
    list(CleanStage(CleanConfig(cross_document_min_docs=0, full_width_punctuation=False)).run([off]))
    assert off.text == text and not any(e.operator == "punctuation_width_normalizer" for e in off.edits)


def test_a_question_mark_standing_for_lost_bytes_stays(make_doc):
    # Seed-style GBK damage that cannot be repaired leaves "?" where characters were lost: not a question.
    from dataset_builder.cleaning.punctuation_width_normalizer import PunctuationWidthNormalizer

    doc = make_doc("这样做对吗?当地群众说,好!")
    doc.flags.append("gbk_misalignment")
    PunctuationWidthNormalizer()(doc)
    assert doc.text == "这样做对吗?当地群众说，好！"
