"""The publication date: the first date line in the head of the page (2014-07-08 20:51:54, 2015-08-12 10:49,
2014年7月8日, full-width digits ...), as ISO 8601 at the precision given. A date line inside the text (a meeting's
time, a schedule) is not the publication date."""

from __future__ import annotations

import re

from ..cleaning.metadata_lines import DATE, LABELLED, ascii_digits
from ..iso_dates import date_problem
from . import Found
from .names import SPLIT_NAMES, is_person_name


# A time of day in words, a weekday or a range: the time of an event ("时间：2013年3月14日上午9:00", "5月1日至3日").
_EVENT_TIME = re.compile(r"上午|下午|晚上|中午|凌晨|傍晚|星期|礼拜|禮拜|周[一二三四五六日天]|週[一二三四五六日天]|[至到~～]\s*\d")


def is_event_time(line: str) -> bool:
    return _EVENT_TIME.search(line) is not None


def iso_datetime(match: re.Match[str]) -> str | None:
    """The date a DATE match spells, at its precision, or None when the calendar has no such day (no 30 February:
    the release holds only possible dates). An impossible time of day is dropped, the date kept."""
    value = f"{int(match['y']):04d}-{int(match['m']):02d}"
    if match["d"] is not None:
        value += f"-{int(match['d']):02d}"
    if date_problem(value) is not None:
        return None
    if match["d"] is None or match["H"] is None:
        return value
    timed = f"{value}T{int(match['H']):02d}:{match['M']}"
    if date_problem(timed) is not None:
        return value
    with_seconds = f"{timed}:{match['S']}" if match["S"] is not None else timed
    return with_seconds if date_problem(with_seconds) is None else timed


def read_date_line(line: str, found: Found) -> bool:
    """Record the date of a date line (and a name written right after the time); True when a date was read."""
    readable = ascii_digits(line)
    match = next((m for m in DATE.finditer(readable) if m["d"] is not None), None)
    value = iso_datetime(match) if match else None
    if not value or match is None:
        return False
    found.published = value
    _name_beside_date(readable, match, found)
    return True


def _name_beside_date(line: str, match: re.Match[str], found: Found) -> None:
    """A name written right after the time: "2014-11-25 06:40:17汤莉"."""
    rest = line[match.end() :]
    rest = LABELLED.split(rest)[0] if LABELLED.search(rest) else rest
    words = [w for w in SPLIT_NAMES.split(rest.strip()) if w]
    if words and is_person_name(words[0]):
        found.author([words[0]])
