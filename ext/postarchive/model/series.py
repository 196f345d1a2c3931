"""Counts per month for the archive's charts, clipped to the months a chart can show.

A post dated 9999-12-31 (a typo in a front matter) must not make a chart of 95,000 months: a series
runs from the first post's month to the last one's, but never past :data:`FUTURE_MONTHS` after the
build's month nor longer than :data:`MAX_MONTHS`; posts outside are counted in ``omitted``. The
build's own month is still being written: it is marked ``partial``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import month_range

FUTURE_MONTHS = 12  # a post scheduled up to a year ahead still shows
MAX_MONTHS = 240  # twenty years of bars: wider would not be readable anyway
MONTH_LABEL_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class MonthlySeries:
    """Bars of a chart: ``(year, month)`` → count, oldest first, every month in between included."""

    months: tuple[tuple[int, int], ...]
    counts: tuple[int, ...]
    partial: tuple[int, int] | None = None  # the month still in progress, when the series shows it
    omitted: int = 0  # posts outside the months shown

    @property
    def total(self) -> int:
        return sum(self.counts)


def build_month(tz: dt.tzinfo) -> tuple[int, int]:
    """The month of the build in ``tz`` (``SOURCE_DATE_EPOCH`` when set, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    local = now.astimezone(tz)
    return local.year, local.month


def add_months(month: tuple[int, int], count: int) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 + count
    return index // 12, index % 12 + 1


def monthly_series(
    months_of_posts: Iterable[tuple[int, int]],
    today: tuple[int, int],
    *,
    future_months: int = FUTURE_MONTHS,
    max_months: int = MAX_MONTHS,
) -> MonthlySeries:
    """The series of ``months_of_posts`` (one ``(year, month)`` per post), clipped (see the module)."""
    counts = Counter(months_of_posts)
    if not counts:
        return MonthlySeries((), ())
    last = min(max(counts), add_months(today, future_months))
    first = max(min(counts), add_months(last, 1 - max_months))
    if first > last:  # every post is dated too far ahead
        return MonthlySeries((), (), omitted=sum(counts.values()))
    months = tuple(month_range(first, last))
    values = tuple(counts.get(month, 0) for month in months)
    partial = today if first <= today <= last else None
    return MonthlySeries(months, values, partial, sum(counts.values()) - sum(values))


def month_label(month: tuple[int, int]) -> str:
    return f"{month[0]}-{month[1]:02d}"


def parse_month_label(text: str) -> tuple[int, int] | None:
    match = MONTH_LABEL_RE.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return int(match.group(1)), int(match.group(2))
