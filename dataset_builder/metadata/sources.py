"""Where a page says it comes from, by preference: a 来源 label (see `labels`); a periodical issue line
("当代贵州 2014年29期"); the site named first in a breadcrumb ("您当前的位置：浙江在线 > ..."); a news-agency dateline
opening the body ("某某讯 ...", "某某社北京7月8日电"). A channel or section (社会频道) is not a source."""

from __future__ import annotations

import re

from ..cleaning.metadata_lines import BREADCRUMB_LABEL, BREADCRUMB_SEPARATOR, PERIODICAL
from . import Found

_GENERIC_CRUMBS = re.compile(r"^(?:首页|主页|网站首页|首頁|主頁|home|Home|HOME|正文|新闻|新聞|资讯|资讯中心|新闻中心|本站)$")
_SITE_NAME = re.compile(r"^[^\s]{2,12}(?:网|網|在线|在線|日报|日報|晚报|晚報|报|報|台|社|门户|門戶|新闻网|新聞網)$")
_DATELINE = re.compile(
    r"^[【\[]?(?P<name>[^\s，。,:：“”\"【】\[\]（）()]{2,10}?)(?:讯|訊)(?:[】\]]|\s|[（(])"
    r"|^(?P<agency>[^\s，。,:：“”\"]{2,6}?(?:社|网|網))[^\s，。,]{0,8}?\d{1,2}月\d{1,2}日(?:电|電)"
)


def read_breadcrumb(line: str, found: Found) -> None:
    label = BREADCRUMB_LABEL.match(line)
    crumbs = [c.strip() for c in BREADCRUMB_SEPARATOR.split(line[label.end() if label else 0 :]) if c.strip()]
    for crumb in crumbs:
        if _GENERIC_CRUMBS.match(crumb):
            continue
        if _SITE_NAME.match(crumb):
            found.sources.setdefault("breadcrumb", crumb)
        break


def read_periodical(line: str, found: Found) -> bool:
    periodical = PERIODICAL.match(line)
    if periodical is None:
        return False
    found.sources.setdefault("periodical", periodical["name"])
    return True


def read_dateline(line: str, found: Found) -> None:
    """A news-agency dateline opening the body; 本报讯 names no one."""
    dateline = _DATELINE.match(line)
    if dateline:
        name = dateline["name"] or dateline["agency"]
        if not name.startswith("本"):
            found.sources.setdefault("dateline", name)
