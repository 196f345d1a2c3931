"""LaTeX only: no single post can stop the book. TeX's known hard limits are made unreachable.

- **Line length.** upLaTeX reads its input a line at a time into a buffer of 200,000 characters
  (``buf_size``); a post paragraph of 300,000 characters is one line of the ``.tex`` file and stops
  the run ("Unable to read an entire line"), so there is no PDF at all. :class:`ShortTexLines` cuts
  every long text into pieces of :data:`MAX_TEX_RUN` characters joined by a raw ``%`` + newline,
  which TeX reads as nothing (the comment swallows the line end), so the paragraph is unchanged. In
  code blocks (verbatim, where ``%`` is a character) a long line is wrapped instead.
- **Table width.** A table of more columns than :data:`MAX_TABLE_COLUMNS` cannot fit a page (150
  columns ran 47 cm off it); :class:`WideTablesAsRows` sets it as one paragraph per row, each cell
  prefixed by its column's header, after a note saying so.
- **Nesting.** LaTeX allows ``maxlistdepth`` (12, in ``LATEX_ELEMENTS``) nested list environments;
  quotes deeper than 3 are unwrapped by :class:`~postarchive.builders.latex.book.FlattenDeepQuotes`,
  and :class:`FlattenDeepLists` unwraps lists nested deeper than :data:`MAX_LIST_DEPTH` (their items'
  content stays, in order).

These run after the other text fixes (priority 950), over the assembled book.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

MAX_TEX_RUN = 1000  # characters of text per .tex line (escaping can triple them: still far below 200,000)
MAX_VERBATIM_LINE = 2000  # characters per line of a code block
MAX_TABLE_COLUMNS = 12
MAX_LIST_DEPTH = 10  # below LATEX_ELEMENTS["maxlistdepth"] (12): quotes and tables add environments
LIST_NODES = (nodes.bullet_list, nodes.enumerated_list, nodes.definition_list, nodes.block_quote)
WIDE_TABLE_NOTE = "（列が多い表のため、PDF では行ごとに示します）"


def pieces(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def wrapped_lines(text: str, size: int = MAX_VERBATIM_LINE) -> str:
    """``text`` with every line longer than ``size`` characters wrapped."""
    return "\n".join("\n".join(pieces(line, size)) if len(line) > size else line for line in text.split("\n"))


class ShortTexLines(SphinxPostTransform):
    """Long texts become pieces joined by ``%`` + newline (outside verbatim), long code lines wrap."""

    default_priority = 950
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or len(text) <= MAX_TEX_RUN or isinstance(parent, nodes.raw):
                continue
            if self.in_verbatim(parent):
                if max(map(len, str(text).split("\n"))) > MAX_VERBATIM_LINE:
                    parent.replace(text, nodes.Text(wrapped_lines(str(text))))
                continue
            replacement: list[nodes.Node] = []
            for piece in pieces(str(text), MAX_TEX_RUN):
                if replacement:
                    replacement.append(nodes.raw("", "%\n", format="latex"))
                replacement.append(nodes.Text(piece))
            parent.replace(text, replacement)

    @staticmethod
    def in_verbatim(node: nodes.Node | None) -> bool:
        while node is not None:
            if isinstance(node, nodes.FixedTextElement):
                return True
            node = node.parent
        return False


def column_count(table: nodes.table) -> int:
    return sum(1 for group in table.findall(nodes.tgroup) for _ in group.findall(nodes.colspec))


def row_texts(row: nodes.row) -> list[str]:
    return [" ".join(entry.astext().split()) for entry in row.findall(nodes.entry)]


def rows_as_paragraphs(table: nodes.table) -> list[nodes.Element]:
    """The table as a note plus one paragraph per body row: ``header: cell ／ header: cell …``."""
    header_rows = [row for head in table.findall(nodes.thead) for row in head.findall(nodes.row)]
    headers = row_texts(header_rows[0]) if header_rows else []
    result: list[nodes.Element] = [nodes.paragraph(WIDE_TABLE_NOTE, WIDE_TABLE_NOTE)]
    for body in table.findall(nodes.tbody):
        for row in body.findall(nodes.row):
            cells = row_texts(row)
            labelled = [
                f"{headers[i]}: {cell}" if i < len(headers) and headers[i] else cell for i, cell in enumerate(cells)
            ]
            line = " ／ ".join(labelled)
            result.append(nodes.paragraph(line, line))
    return result


class WideTablesAsRows(SphinxPostTransform):
    """Tables wider than :data:`MAX_TABLE_COLUMNS` columns become paragraphs, one per row."""

    default_priority = 940
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            if column_count(table) > MAX_TABLE_COLUMNS and table.parent is not None:
                container = nodes.container("", *rows_as_paragraphs(table), classes=["archive-wide-table"])
                table.replace_self(container)


def list_depth(node: nodes.Node) -> int:
    """How many list-like environments (lists, quotes) enclose ``node``."""
    depth = 0
    parent = node.parent
    while parent is not None:
        depth += isinstance(parent, LIST_NODES)
        parent = parent.parent
    return depth


class FlattenDeepLists(SphinxPostTransform):
    """Lists nested deeper than :data:`MAX_LIST_DEPTH` become their items' content (TeX: "Too deeply nested")."""

    default_priority = 905
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        lists = self.document.findall(lambda n: isinstance(n, nodes.bullet_list | nodes.enumerated_list))
        for found in list(lists):
            if not isinstance(found, nodes.Element) or found.parent is None or list_depth(found) < MAX_LIST_DEPTH:
                continue
            content = [child for item in found.children for child in item.children]
            found.replace_self(content)
