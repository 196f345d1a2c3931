"""A chart that carries its data: the ``archive_chart`` node and the ``archive-chart`` directive.

The generated pages (never a post: posts are read by the restricted parser, which has no directives)
write a chart as its numbers::

    ````{archive-chart}
    :title: 月別の記事数
    :partial: 2026-12
    2026-11 310
    2026-12 12
    ````

Each output draws the node itself: HTML as an inline SVG drawn at build time
(:mod:`postarchive.builders.html.svgchart`), every other builder (the PDF) as the table of its data
(:class:`ChartAsTable`). No JavaScript, nothing parsed back from a diagram language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.kinds import HTML_BUILDERS
from ..model.series import MonthlySeries, month_label, parse_month_label

logger = logging.getLogger(__name__)
DIRECTIVE = "archive-chart"
FENCE = "````"  # backticks: a directive without MyST's colon_fence extension


class archive_chart(nodes.General, nodes.Element):
    """A bar chart of counts per month: ``title``, ``labels`` (``YYYY-MM``), ``values``, ``partial``
    (the label of the month still in progress, or ""), ``omitted`` (posts outside the months shown)."""


def chart_directive_text(series: MonthlySeries, title: str) -> str:
    """The MyST fragment of a chart (empty when there is nothing to draw). ``title`` is one line of text."""
    if not series.months:
        return ""
    lines = [f"{FENCE}{{{DIRECTIVE}}}", f":title: {' '.join(title.split())}"]
    if series.partial is not None:
        lines.append(f":partial: {month_label(series.partial)}")
    if series.omitted:
        lines.append(f":omitted: {series.omitted}")
    lines += [f"{month_label(month)} {count}" for month, count in zip(series.months, series.counts, strict=True)]
    lines.append(FENCE)
    return "\n".join(lines) + "\n"


class ChartDirective(SphinxDirective):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "title": directives.unchanged,
        "partial": directives.unchanged,
        "omitted": directives.nonnegative_int,
    }

    def run(self) -> list[nodes.Node]:
        labels: list[str] = []
        values: list[int] = []
        for line in self.content:
            label, _, count = line.partition(" ")
            if parse_month_label(label) is None or not count.strip().isdigit():
                raise self.error(f"archive-chart: 「YYYY-MM 件数」の行ではありません: {line!r}")
            labels.append(label)
            values.append(int(count))
        node = archive_chart(
            title=self.options.get("title", ""),
            labels=labels,
            values=values,
            partial=self.options.get("partial", ""),
            omitted=self.options.get("omitted", 0),
        )
        self.set_source_info(node)
        return [node]


def chart_rows(node: archive_chart) -> list[tuple[str, str]]:
    """The data table's rows: month (「2026年12月（集計中）」) and count."""
    rows = []
    for label, value in zip(node["labels"], node["values"], strict=True):
        month = parse_month_label(label)
        text = f"{month[0]}年{month[1]}月" if month else label
        if label == node["partial"]:
            text += "（集計中）"
        rows.append((text, f"{value}件"))
    return rows


def chart_note(node: archive_chart) -> str:
    omitted = int(node.get("omitted", 0))
    return f"日付が範囲外の記事 {omitted} 件は含みません。" if omitted else ""


def table_node(caption: str, headers: Iterable[str], rows: Iterable[Iterable[str]], classes: list[str]) -> nodes.table:
    """A docutils table: every builder can print it (the PDF's form of a chart)."""
    headers = list(headers)
    node = nodes.table(classes=classes)
    if caption:
        node += nodes.title(caption, caption)
    group = nodes.tgroup(cols=len(headers))
    node += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)

    def row(cells: Iterable[str]) -> nodes.row:
        result = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(cell, cell)
            result += entry
        return result

    head = nodes.thead()
    head += row(headers)
    group += head
    body = nodes.tbody()
    for cells in rows:
        body += row(cells)
    group += body
    return node


class ChartAsTable(SphinxPostTransform):
    """Outside HTML (the PDF, text…): a chart is the table of its data."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        if self.app.builder.name in HTML_BUILDERS:
            return
        for node in list(self.document.findall(archive_chart)):
            table = table_node(node["title"], ("月", "記事数"), chart_rows(node), ["archive-chart-table"])
            note = chart_note(node)
            node.replace_self([table, nodes.paragraph(note, note)] if note else table)


def setup_chart(app: Sphinx) -> None:
    app.add_directive(DIRECTIVE, ChartDirective)
    app.add_post_transform(ChartAsTable)
