"""Dates as the archive shows and orders them: in the configured timezone (JST by default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..posts.post import Post

WEEKDAYS = "月火水木金土日"


def format_date_jst(moment: dt.datetime, tz: dt.tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.year}年{local.month}月{local.day}日（{WEEKDAYS[local.weekday()]}）"


def newest_first(posts: Iterable[Post]) -> list[Post]:
    return sorted(posts, key=lambda p: (p.date.astimezone(dt.UTC), p.docname), reverse=True)


def month_key(post: Post, tz: dt.tzinfo) -> tuple[int, int]:
    local = post.date.astimezone(tz)
    return local.year, local.month


def month_range(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from ``first`` to ``last``, both included."""
    months = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# The months a chart may span: from the blog's era to a year after the build. A post dated outside
# (a typo such as 2205 or 1901, within what posts.reading accepts) is still built, but does not
# stretch every chart over centuries of empty months.
CHART_FIRST_MONTH = (1990, 1)
CHART_MONTHS_AHEAD = 12


def chart_months(counts: Mapping[tuple[int, int], int], today: dt.date | None = None) -> list[tuple[int, int]]:
    """Every month from the first to the last month of ``counts`` (a count per (year, month)), clipped to
    :data:`CHART_FIRST_MONTH` … ``today`` + :data:`CHART_MONTHS_AHEAD` months; [] when none is inside."""
    today = today or dt.date.today()
    ahead = today.year * 12 + today.month - 1 + CHART_MONTHS_AHEAD
    last_allowed = (ahead // 12, ahead % 12 + 1)
    inside = [month for month in counts if CHART_FIRST_MONTH <= month <= last_allowed]
    if not inside:
        return []
    return month_range(min(inside), max(inside))
