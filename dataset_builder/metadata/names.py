"""What a personal name looks like: two to four Han characters opening with a common surname (or a compound one).
Bracketed notes that open with a surname character (（全文）, （组图）) are not names."""

from __future__ import annotations

import re

from ..cleaning.text_units import HAN

# The most common Chinese surnames (single and compound) in Simplified and Traditional spelling.
SURNAMES = set(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘"
    "于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍"
    "史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳"
    "翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑"
    "华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑景党黨宫宮费費卜冷晏席卫衛"
    "米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師和仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺闻聞"
)
COMPOUND_SURNAMES = ("欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "皇甫", "令狐", "慕容", "公孙", "公孫", "夏侯", "尉迟", "长孙")
ROLE_WORDS = {
    "整理", "编译", "編譯", "综合", "綜合", "报道", "報道", "作者", "记者", "記者", "通讯员", "通訊員", "本报记者", "本報記者",
    "实习生", "實習生", "摄影", "攝影", "文", "图", "圖", "文图", "文/图",
}
# Notes in brackets that start with a surname character: 全文, 组图, 图文, 原创, 节选 ... are about the article.
NOT_NAMES = {
    "全文", "全文完", "组图", "組圖", "图文", "圖文", "原创", "原創", "节选", "節選", "连载", "連載", "待续", "待續", "续完", "續完",
    "视频", "視頻", "高清", "图表", "圖表", "专题", "專題", "快讯", "快訊", "简讯", "簡訊", "新闻", "新聞", "时评", "時評", "评论",
    "評論", "社论", "社論", "明天", "明日", "今日", "今天", "上午", "下午", "晚上", "时间", "時間",
}
SPLIT_NAMES = re.compile(r"[\s、,，;；/]+")


def is_person_name(word: str) -> bool:
    if not 2 <= len(word) <= 4 or len(HAN.findall(word)) != len(word.replace("·", "")) or word in NOT_NAMES:
        return False
    return word[0] in SURNAMES or word[:2] in COMPOUND_SURNAMES


def names(value: str) -> list[str]:
    """The words of a credit, without role words ("记者 张三 通讯员 李四" -> 张三, 李四)."""
    return [n for n in SPLIT_NAMES.split(value.strip()) if n and n not in ROLE_WORDS]
