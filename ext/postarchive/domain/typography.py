"""kramdown's typography (smart quotes, ``--``/``---``/``...``/``<<``/``>>``) as a markdown-it core rule.

Jekyll's kramdown applies it to every post (``smart_quotes`` and typographic symbols are on for
GFM input); ``postarchive_typography = False`` turns it off. markdown-it's own ``smartquotes`` and
``replacements`` follow different rules (``--`` is kept, ``'`` after a kanji opens), so the kramdown
rules are ported in :func:`postarchive.model.kramdown.smart_typography`.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..model.kramdown import smart_typography


def _runs(children: list[Token]) -> list[list[Token]]:
    """Maximal runs of text and soft line breaks, outside autolinks (their text is the URL)."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    in_autolink = 0
    for token in children:
        if token.type == "link_open" and token.markup in ("autolink", "linkify"):
            in_autolink += 1
        elif token.type == "link_close" and in_autolink:
            in_autolink -= 1
        if token.type in ("text", "softbreak") and not in_autolink:
            current.append(token)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs


def typography(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        for run in _runs(block.children):
            texts = [token.content if token.type == "text" else "\n" for token in run]
            pieces = smart_typography("".join(texts)).split("\n")
            # the rules never add or remove a line break: piece i belongs between breaks i-1 and i
            groups: list[list[Token]] = [[]]
            for token in run:
                if token.type == "softbreak":
                    groups.append([])
                else:
                    groups[-1].append(token)
            for group, piece in zip(groups, pieces, strict=False):
                if group:
                    group[0].content = piece
                    for extra in group[1:]:
                        extra.content = ""


def typography_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("text_join", "kramdown_typography", typography)
