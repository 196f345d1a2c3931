"""kramdown's block rules (kramdown-parser-gfm, as Jekyll 4.3 applies them) as markdown-it rules.

Where CommonMark and kramdown disagree on this blog, a post is shown as the blog showed it:

- a line with an unescaped ``|`` is a table row; a separator line makes the rows above it the
  header; a table needs a blank line (or the end) before and after, and never interrupts a
  paragraph (kramdown/parser/kramdown/table.rb),
- any ordered marker (``5.``) interrupts a paragraph, and list numbers are not kept,
- a setext heading is one line: ``---`` under a longer paragraph stays text, and a rule
  (``***``) does not interrupt a paragraph,
- attribute lists (``{: .class}``, ``{:#id}``, ``{:name: …}`` definitions, ``*span*{: …}``) are
  consumed; only allow-listed classes and non-clashing heading ids are applied
  (:data:`SAFE_CLASSES`, :func:`safe_id`), never ``style`` or event attributes.

Each rule is hand-written because markdown-it has no kramdown mode; each is checked against the
real Jekyll in tests/test_kramdown.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..model.kramdown import Attributes, parse_attribute_list, resolve_references

# Classes a post may set: the blog's own styling hooks, nothing that changes the archive's layout.
SAFE_CLASSES = frozenset({"consulting-cta-link"})
# Ids the archive (theme, header, related posts, footnotes, search) uses: a post may not take them.
RESERVED_IDS = frozenset(
    {"main", "main-content", "content", "related-posts", "search", "searchbox", "footnotes", "top", "header"}
)
RESERVED_ID_PREFIXES = ("pst-", "bd-", "postarchive", "sphx", "id", "fn", "footnote", "search", "related")

IAL_LINE_RE = re.compile(r"^ {0,3}\{:(?!:|/)(?P<body>[^}]*)\}[ \t]*$")
ALD_LINE_RE = re.compile(r"^ {0,3}\{:(?P<name>\w[\w-]*):(?P<body>[^}]*)\}[ \t]*$")
SPAN_IAL_RE = re.compile(r"\{:(?!:|/)(?P<body>[^}]*)\}")
HEADER_ID_RE = re.compile(r"[ \t]\{#(?P<id>[A-Za-z][\w:-]*)\}[ \t]*$")
TABLE_PIPE_RE = re.compile(r"^(?:\||.*?[^\\\n]\|)")
TABLE_SEP_RE = re.compile(r"^[+|: \t-]*?-[+|: \t-]*?[ \t]*$")
TABLE_ALIGN_RE = re.compile(r"[ \t]?(:?)-+(:?)[ \t]?")
CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1")
HTML_ATTR_HAZARDS = re.compile(r"^(on|style$|srcdoc$|formaction$)", re.IGNORECASE)

Warn = Callable[[str, str, int], None]  # (subtype, one dropped item, page line): one warning per post and subtype


def safe_id(ident: str) -> bool:
    """An id from a post may become an anchor unless the archive's own pages could use it."""
    lowered = ident.lower()
    return bool(ident) and lowered not in RESERVED_IDS and not lowered.startswith(RESERVED_ID_PREFIXES)


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


# --- tables ---


def _split_row(text: str) -> list[str]:
    """Cells of one row: split on unescaped pipes outside code spans (kramdown's table.rb)."""
    cells: list[str] = [""]
    pos = 0
    for code in CODE_SPAN_RE.finditer(text):
        _add_cells(cells, text[pos : code.start()])
        cells[-1] += code.group(0)
        pos = code.end()
    _add_cells(cells, text[pos:])
    return cells


def _add_cells(cells: list[str], text: str) -> None:
    first, *rest = re.split(r"(?<!\\)\|", text)
    cells[-1] += first
    cells.extend(rest)


def _has_pipe(text: str) -> bool:
    return bool(TABLE_PIPE_RE.match(CODE_SPAN_RE.sub(lambda m: "x" * len(m.group(0)), text)))


def kramdown_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line) or not _has_pipe(_line(state, start_line)):
        return False
    leading_pipe = _line(state, start_line).lstrip().startswith("|")
    line = start_line
    header: list[list[str]] = []
    rows: list[list[str]] = []
    aligns: list[str] = []
    while line < end_line and not state.isEmpty(line) and state.sCount[line] - state.blkIndent < 4:
        text = _line(state, line).rstrip()
        if not _has_pipe(text) and not TABLE_SEP_RE.match(text):
            return False  # kramdown: a table must end at a block boundary, or it is a paragraph
        if TABLE_SEP_RE.match(text):
            if rows and not aligns and not header:
                header, rows = rows, []
                aligns = [_align(left, right) for left, right in TABLE_ALIGN_RE.findall(text)]
        else:
            cells = _split_row(text)
            if leading_pipe and cells and not cells[0].strip():
                cells.pop(0)
            if cells and not cells[-1].strip():
                cells.pop()
            rows.append([cell.strip().replace("\\|", "|") for cell in cells])
        line += 1
    if not rows:
        return False  # "table without body": kramdown ignores it
    if silent:
        return True
    columns = max(len(row) for row in header + rows)
    token = state.push("table_open", "table", 1)
    token.map = [start_line, line]
    for kind, group in (("thead", header), ("tbody", rows)):
        if group:
            _push_rows(state, kind, group, columns, aligns, start_line)
    state.push("table_close", "table", -1)
    state.line = line
    return True


def _align(left: str, right: str) -> str:
    if left and right:
        return "center"
    return "right" if right else ("left" if left else "")


def _push_rows(state: StateBlock, kind: str, rows: list[list[str]], columns: int, aligns: list[str], line: int) -> None:
    state.push(f"{kind}_open", kind, 1)
    cell = "th" if kind == "thead" else "td"
    for row in rows:
        state.push("tr_open", "tr", 1)
        for index in range(columns):
            token = state.push(f"{cell}_open", cell, 1)
            if index < len(aligns) and aligns[index]:
                token.attrs = {"style": f"text-align:{aligns[index]}"}
            inline = state.push("inline", "", 0)
            inline.map = [line, line + 1]
            inline.content = row[index] if index < len(row) else ""
            inline.children = []
            state.push(f"{cell}_close", cell, -1)
        state.push("tr_close", "tr", -1)
    state.push(f"{kind}_close", kind, -1)


# --- lists, setext headings, rules ---


def list_interrupting_paragraphs(original: Callable[..., bool]) -> Callable[..., bool]:
    """kramdown-parser-gfm ends a paragraph at any list marker (``5.`` too, not only ``1.``)."""

    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if not (silent and state.parentType == "paragraph"):
            return original(state, start_line, end_line, silent)
        marker = re.match(r"^(?:[*+-]|\d+\.)[ \t]+\S", _line(state, start_line))
        return marker is not None and state.sCount[start_line] - state.blkIndent < 4

    return rule


def drop_list_start(state: StateCore) -> None:
    """kramdown numbers every ordered list from 1, whatever the first marker says."""
    for token in state.tokens:
        if token.type == "ordered_list_open" and token.attrs:
            token.attrs.pop("start", None)


def single_line_setext(original: Callable[..., bool]) -> Callable[..., bool]:
    """kramdown's setext heading is one text line directly over its ``===``/``---`` line, and starts a
    block: a line right under a heading or other text, with no blank line between, continues as text."""

    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if start_line > 0 and state.parentType == "root" and not state.isEmpty(start_line - 1):
            return False
        next_line = start_line + 1
        if next_line >= end_line or state.sCount[next_line] - state.blkIndent >= 4:
            return False
        underline = _line(state, next_line).rstrip()
        if not underline or set(underline) not in ({"="}, {"-"}):
            return False
        return original(state, start_line, end_line, silent)

    return rule


# --- attribute lists ---


def ial_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A block IAL or ALD line: consumed; applied to the block before it (or after a blank line, the next)."""
    if state.is_code_block(start_line):
        return False
    text = _line(state, start_line)
    definition = ALD_LINE_RE.match(text)
    ial = None if definition else IAL_LINE_RE.match(text)
    if definition is None and ial is None:
        return False
    if silent:
        return True
    token = state.push("kramdown_ial", "", 0)
    token.map = [start_line, start_line + 1]
    token.hidden = True
    if definition is not None:
        token.meta = {"define": definition.group("name"), "attributes": parse_attribute_list(definition.group("body"))}
    else:
        assert ial is not None
        follows_block = start_line > 0 and not state.isEmpty(start_line - 1) and len(state.tokens) > 1
        token.meta = {"attributes": parse_attribute_list(ial.group("body")), "previous": follows_block}
    state.line = start_line + 1
    return True


SPAN_IAL_AFTER = ("em_close", "strong_close", "link_close", "code_inline", "image", "s_close")


def span_ials(state: StateCore) -> None:
    """``*em*{: .class}``: an IAL right after a span element is consumed (and applied when allowed).

    After emphasis pairing (a core rule), since ``*`` is only text while inline rules run;
    anywhere else ``{: …}`` is text, as in kramdown.
    """
    for block in state.tokens:
        children = block.children or []
        for index in range(1, len(children)):
            token = children[index]
            if token.type != "text" or children[index - 1].type not in SPAN_IAL_AFTER:
                continue
            match = SPAN_IAL_RE.match(token.content)
            if match is not None:
                _apply(_opening(children, index - 1), parse_attribute_list(match.group("body")), {})
                token.content = token.content[match.end() :]


def _opening(tokens: list[Token], close_index: int) -> Token:
    close = tokens[close_index]
    if close.nesting != -1:
        return close
    depth = 0
    for index in range(close_index, -1, -1):
        depth += tokens[index].nesting
        if depth == 0:
            return tokens[index]
    return close


def _apply(token: Token, attributes: Attributes, definitions: dict[str, Attributes]) -> None:
    attributes = resolve_references(attributes, definitions)
    classes = [name for name in attributes.classes if name in SAFE_CLASSES]
    if classes:
        existing = str(token.attrs.get("class", "")).split()
        token.attrs["class"] = " ".join(dict.fromkeys([*existing, *classes]))
    if attributes.id and token.type == "heading_open" and safe_id(attributes.id):
        token.meta["kramdown_id"] = attributes.id
    hazards = [key for key, _ in attributes.attributes if HTML_ATTR_HAZARDS.match(key)]
    if hazards:
        token.meta.setdefault("kramdown_dropped", []).extend(hazards)


def apply_ials(state: StateCore) -> None:
    """Attach each block IAL to its block, then drop the IAL tokens."""
    definitions: dict[str, Attributes] = {}
    tokens = state.tokens
    pending: list[Attributes] = []
    kept: list[Token] = []
    for token in tokens:
        if token.type != "kramdown_ial":
            if pending and token.nesting >= 0 and token.type != "inline" and token.level == 0:
                for attributes in pending:
                    _apply(token, attributes, definitions)
                pending = []
            kept.append(token)
            continue
        meta = token.meta
        if "define" in meta:
            definitions[meta["define"]] = meta["attributes"]
            _report_hazards(state, token, meta["attributes"])
            continue
        _report_hazards(state, token, meta["attributes"])
        if meta["previous"] and kept:
            _apply(_opening(kept, len(kept) - 1), meta["attributes"], definitions)
        else:
            pending.append(meta["attributes"])
    state.tokens = kept


def _report_hazards(state: StateCore, token: Token, attributes: Attributes) -> None:
    hazards = [key for key, _ in attributes.attributes if HTML_ATTR_HAZARDS.match(key)]
    warn: Warn | None = state.env.get("postarchive_warn")
    if hazards and warn is not None and token.map:
        for hazard in hazards:
            warn("attribute-list", hazard, token.map[0])


def header_ids(state: StateCore) -> None:
    """``## Title {#custom-id}``: the id is taken off the text and kept for the heading."""
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open" or index + 1 >= len(state.tokens):
            continue
        inline = state.tokens[index + 1]
        match = HEADER_ID_RE.search(inline.content)
        if match is None:
            continue
        inline.content = inline.content[: match.start()].rstrip()
        if safe_id(match.group("id")):
            token.meta["kramdown_id"] = match.group("id")


def kramdown_blocks_plugin(md: MarkdownIt) -> None:
    block = md.block.ruler
    block.at("table", kramdown_table, {"alt": ["reference"]})
    hr_rule = block.__rules__[block.__find__("hr")].fn
    block.at("hr", hr_rule, {"alt": ["reference", "blockquote", "list"]})
    list_rule = block.__rules__[block.__find__("list")].fn
    block.at("list", list_interrupting_paragraphs(list_rule), {"alt": ["paragraph", "reference", "blockquote"]})
    lheading_rule = block.__rules__[block.__find__("lheading")].fn
    block.at("lheading", single_line_setext(lheading_rule))
    block.before("table", "kramdown_ial", ial_block, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.core.ruler.before("text_join", "kramdown_span_ials", span_ials)
    md.core.ruler.after("block", "kramdown_header_ids", header_ids)
    md.core.ruler.after("kramdown_header_ids", "kramdown_ials", apply_ials)
    md.core.ruler.push("kramdown_list_start", drop_list_start)
