"""Mermaid diagrams generated from the archive: posts per month on the landing page.

Pure text generation (a MyST fragment holding a ``{mermaid}`` directive). Every label that could
come from a post goes through :func:`mermaid_text`, which neutralises quotes, Mermaid's ``#…;``
entities, HTML and backticks (which could otherwise close the MyST fence).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from ..model.dates import chart_months
from ..pages.myst import mermaid_text
from ..posts.post import Post

FENCE = "````"
HORIZONTAL_AFTER = 18  # months; more labels than this do not fit side by side
ROW_HEIGHT = 22  # px per month in the horizontal chart
CHART_ID = "posts-per-month"  # the chart's HTML id (archive.css lets it grow with the months)


def posts_per_month(posts: Sequence[Post], tz: dt.tzinfo) -> list[tuple[tuple[int, int], int]]:
    """Every month from the first post to the last (empty months as 0), oldest first, within the chart's
    range (:func:`~postarchive.model.dates.chart_months`)."""
    counts = Counter((p.date.astimezone(tz).year, p.date.astimezone(tz).month) for p in posts)
    return [(key, counts.get(key, 0)) for key in chart_months(counts)]


def posts_per_month_chart(
    posts: Sequence[Post], tz: dt.tzinfo, title: str = "月別の記事数", *, horizontal_after: int = HORIZONTAL_AFTER
) -> str:
    """A MyST fragment with a Mermaid bar chart (xychart) of posts per month; empty when there are no posts.

    Up to ``horizontal_after`` months the bars stand side by side; beyond that the month labels would
    overlap, so the chart turns horizontal (one labelled row per month, newest at the bottom).
    """
    series = posts_per_month(posts, tz)
    if not series:
        return ""
    labels = ", ".join(f'"{year}-{month:02d}"' for (year, month), _ in series)
    values = ", ".join(str(count) for _, count in series)
    top = max(count for _, count in series)
    lines = [f"{FENCE}{{mermaid}}", f":alt: {mermaid_text(title)}", f":name: {CHART_ID}", ""]
    if len(series) > horizontal_after:
        height = max(400, ROW_HEIGHT * len(series))
        lines += [f'%%{{init: {{"xyChart": {{"height": {height}}}}}}}%%', "xychart-beta horizontal"]
    else:
        lines.append("xychart-beta")
    lines += [
        f'    title "{mermaid_text(title)}"',
        f"    x-axis [{labels}]",
        f'    y-axis "記事数" 0 --> {max(top, 10)}',  # from 10 up Mermaid's ticks are whole numbers
        f"    bar [{values}]",
        FENCE,
    ]
    return "\n".join(lines) + "\n"
