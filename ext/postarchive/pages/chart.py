"""The landing page's chart: posts per month, as an ``archive-chart`` (:mod:`postarchive.pages.chartnode`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..model.dates import month_key
from ..model.series import MonthlySeries, build_month, monthly_series
from ..pages.chartnode import chart_directive_text
from ..posts.post import Post

CHART_TITLE = "月別の記事数"


def posts_per_month(posts: Sequence[Post], tz: dt.tzinfo, today: tuple[int, int] | None = None) -> MonthlySeries:
    """Every month from the first post to the last (empty months as 0), clipped to what a chart can show."""
    return monthly_series((month_key(post, tz) for post in posts), today or build_month(tz))


def posts_per_month_chart(
    posts: Sequence[Post], tz: dt.tzinfo, title: str = CHART_TITLE, today: tuple[int, int] | None = None
) -> str:
    """A MyST fragment with the chart of posts per month; empty when there are no posts."""
    return chart_directive_text(posts_per_month(posts, tz, today), title)
