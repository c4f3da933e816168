"""ISO 8601 dates and times at the precision a page or an input gives (2014, 2014-07, 2014-07-08,
2014-07-08T20:51, 2014-07-08T20:51:54, with an optional offset), and whether they can exist on the calendar:
the row schema's pattern admits 2020-13-45, so readers and `validate` ask `date_problem` as well."""

from __future__ import annotations

import calendar
import re

# The row schema's `published_at` pattern (schema/document.schema.json), with the parts named.
ISO_DATETIME = re.compile(
    r"^(?P<y>[0-9]{4})(-(?P<m>[0-9]{2})(-(?P<d>[0-9]{2})(T(?P<H>[0-9]{2}):(?P<M>[0-9]{2})(:(?P<S>[0-9]{2}))?"
    r"(Z|[+-](?P<zh>[0-9]{2}):(?P<zm>[0-9]{2}))?)?)?)?$"
)


def date_problem(value: str) -> str | None:
    """Why `value` is not a possible ISO 8601 date or time, or None when it is one."""
    match = ISO_DATETIME.match(value)
    if match is None:
        return "is not ISO 8601 (e.g. 2014-07-08 or 2014-07-08T20:51)"
    part = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    year, month, day = part["y"], part.get("m"), part.get("d")
    if year == 0:
        return "has year 0000, which no calendar date has"
    if month is not None and not 1 <= month <= 12:
        return f"has month {month:02d}; months are 01 to 12"
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"has day {day:02d}; {year:04d}-{month:02d} has {calendar.monthrange(year, month)[1]} days"
    for name, what, top in (("H", "hour", 23), ("M", "minute", 59), ("S", "second", 59), ("zh", "offset hour", 23),
                            ("zm", "offset minute", 59)):
        if part.get(name, 0) > top:
            return f"has {what} {part[name]:02d}; the highest is {top}"
    return None
