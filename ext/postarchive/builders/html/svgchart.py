"""The HTML form of an ``archive_chart``: an inline SVG bar chart drawn at build time, plus its data table.

No JavaScript and no request: the page carries the picture. Colours are CSS (``postarchive.css``:
the theme's text, primary and border colours), so light and dark mode both read. The month still
in progress is drawn lighter and named in the legend; the same numbers are in a ``<table>`` inside
a ``<details>`` (what a screen reader reads: the SVG itself is one labelled image).

Hand-written rather than a plotting library: a bar chart is a few dozen rectangles, and the libraries
that draw SVG (matplotlib, pygal) would add tens of megabytes and fixed colours to the build.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ...model.series import parse_month_label
from ...pages.chartnode import archive_chart, chart_note, chart_rows

SLOT_WIDE = 36.0  # px per month when the months fit side by side
SLOT_NARROW = 12.0  # px per month for long series (the chart scrolls sideways)
WIDE_UP_TO = 18  # months
PLOT_HEIGHT = 150.0
LEFT, RIGHT, TOP, BOTTOM = 40.0, 8.0, 12.0, 34.0


def nice_top(value: int) -> int:
    """The axis maximum: 1, 2 or 5 times a power of ten, at least ``value`` (and at least 4)."""
    value = max(value, 4)
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def x_label(index: int, label: str, wide: bool) -> str:
    """A month's label under its bar, or "" (long series: a year at each January and at the start)."""
    month = parse_month_label(label)
    if month is None:
        return label
    year, number = month
    if wide:
        return f"{number}月"
    return str(year) if number == 1 or index == 0 else ""


def chart_svg(title: str, labels: list[str], values: list[int], partial: str) -> str:
    count = len(labels)
    wide = count <= WIDE_UP_TO
    slot = SLOT_WIDE if wide else SLOT_NARROW
    width = LEFT + slot * count + RIGHT
    height = TOP + PLOT_HEIGHT + BOTTOM
    top = nice_top(max(values, default=0))
    base = TOP + PLOT_HEIGHT
    parts = [
        f'<svg class="archive-chart-svg" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}">'
    ]
    for tick in (0, top // 2, top):
        y = base - PLOT_HEIGHT * tick / top
        parts.append(f'<line class="archive-chart-grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="archive-chart-tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + slot * index
        bar = PLOT_HEIGHT * value / top
        classes = "archive-chart-bar" + (" is-partial" if label == partial else "")
        note = "（集計中）" if label == partial else ""
        parts.append(
            f'<rect class="{classes}" x="{x + slot * 0.15:.1f}" y="{base - bar:.1f}" width="{slot * 0.7:.1f}"'
            f' height="{bar:.1f}"><title>{escape(label)}{note}: {value}件</title></rect>'
        )
        if wide and value:
            parts.append(
                f'<text class="archive-chart-value" x="{x + slot / 2:.1f}" y="{base - bar - 3:.1f}"'
                f' text-anchor="middle">{value}</text>'
            )
        text = x_label(index, label, wide)
        if text:
            anchor = "middle" if wide else "start"
            lx = x + slot / 2 if wide else x
            parts.append(
                f'<text class="archive-chart-tick" x="{lx:.1f}" y="{base + 16:.1f}" text-anchor="{anchor}">'
                f"{escape(text)}</text>"
            )
        month = parse_month_label(label)
        if wide and month and (month[1] == 1 or index == 0):
            parts.append(
                f'<text class="archive-chart-tick" x="{x + slot / 2:.1f}" y="{base + 30:.1f}"'
                f' text-anchor="middle">{month[0]}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def chart_html(node: archive_chart) -> str:
    title, labels, values, partial = node["title"], list(node["labels"]), list(node["values"]), node["partial"]
    rows = "".join(f'<tr><th scope="row">{escape(m)}</th><td>{escape(c)}</td></tr>' for m, c in chart_rows(node))
    legend = [f"{len(labels)}か月・計 {sum(values)} 件"]
    if partial in labels:
        legend.append("薄い棒は集計中の月")
    note = chart_note(node)
    if note:
        legend.append(note)
    return (
        f'<figure class="archive-chart"><figcaption class="archive-chart-title">{escape(title)}</figcaption>'
        f'<div class="archive-chart-scroll" tabindex="0" role="group" aria-label="{escape(title)}（横にスクロールできます）">'
        f"{chart_svg(title, labels, values, partial)}</div>"
        f'<p class="archive-chart-legend">{escape("。".join(legend))}</p>'
        f'<details class="archive-chart-data"><summary>データを表で見る</summary>'
        f'<div class="pa-table-scroll"><table class="table"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">月</th><th scope="col">記事数</th></tr></thead><tbody>{rows}</tbody></table>'
        f"</div></details></figure>"
    )


def visit_chart_html(translator: Any, node: archive_chart) -> None:
    translator.body.append(chart_html(node))
    raise nodes.SkipNode


def setup_svgchart(app: Sphinx) -> None:
    app.add_node(archive_chart, html=(visit_chart_html, None))
    app.add_css_file("postarchive.css")  # the extension's own elements (static/postarchive.css)
