"""Dates as the archive shows and orders them: in the configured timezone (JST by default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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
