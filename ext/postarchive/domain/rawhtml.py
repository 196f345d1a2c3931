"""Raw HTML in a post: a small allow-list, cleaned by nh3, turned into docutils nodes.

kramdown passes a post's HTML through untouched; the archive keeps only formatting tags
(:data:`ALLOWED_TAGS`, no attributes but an http(s)/mailto ``href`` on ``a``). nh3 (ammonia) does
the cleaning: everything else is dropped (``script``/``style`` with their content), and a warning
names what was dropped. The cleaned HTML then becomes docutils nodes — never ``nodes.raw`` — so
HTML, LaTeX/PDF, search and the feeds all get the same text and no builder ever emits post HTML.

- A block that is one ``<h1>``…``<h6>`` becomes a real heading (in the page's table of contents).
- Inline tags are paired and become markdown-it tokens (``<strong>`` → ``strong_open`` …), so
  links still go through the post parser's link checks; an unpaired tag is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import nh3
from docutils import nodes
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

INLINE_TAGS = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "sup": "html_sup", "sub": "html_sub"}
BLOCK_TAGS = {"p", "ul", "ol", "li", "blockquote", "pre", "div", "table", "thead", "tbody", "tr", "th", "td"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS = {*INLINE_TAGS, *BLOCK_TAGS, *HEADINGS, "br", "a", "code", "span"}
DROPPED_WITH_CONTENT = {"script", "style", "textarea", "title", "iframe", "object", "embed", "noscript", "template"}
SAFE_HREF = ("http://", "https://", "mailto:")
SINGLE_HEADING_RE = re.compile(r"^\s*<(h[1-6])>(.*)</\1>\s*$", re.DOTALL)

Warn = Callable[[str, str, int], None]  # (subtype, what, page line)


def clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


class _Tags(HTMLParser):
    """Every tag and attribute of a fragment (to name what cleaning dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def dropped(html: str) -> list[str]:
    """What :func:`clean` removes from ``html``: tag names and ``tag@attribute`` pairs."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    lost: list[str] = []
    for tag, attrs in parser.found:
        if tag not in ALLOWED_TAGS:
            lost.append(f"<{tag}>")
            continue
        for name, value in attrs:
            if not (tag == "a" and name == "href" and (value or "").lower().startswith(SAFE_HREF)):
                lost.append(f"<{tag} {name}>")
    return list(dict.fromkeys(lost))


def _warn(state: StateCore, token: Token, html: str) -> None:
    lost = dropped(html)
    warn: Warn | None = state.env.get("postarchive_warn")
    if lost and warn is not None:
        line = token.map[0] if token.map else 0
        for item in lost:
            warn("html", item, line)


def _tag(content: str) -> tuple[str, bool, dict[str, str]]:
    """(name, is_closing, attributes) of one inline tag like ``<a href="…">`` or ``</em>``."""
    closing = content.startswith("</")
    parser = _Tags()
    parser.feed(content if not closing else "")
    parser.close()
    if closing:
        return content[2:].strip(" \t\n>").lower(), True, {}
    if not parser.found:
        return "", False, {}
    name, attrs = parser.found[0]
    return name, False, {key: value or "" for key, value in attrs}


def _inline_tokens(state: StateCore, block: Token) -> None:
    children = block.children or []
    parsed = {i: _tag(token.content) for i, token in enumerate(children) if token.type == "html_inline"}
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, (name, closing, _) in parsed.items():
        if not closing:
            stack.append(index)
            continue
        for position in range(len(stack) - 1, -1, -1):
            if parsed[stack[position]][0] == name:
                opener = stack[position]
                del stack[position:]
                if _balanced(children[opener + 1 : index]):
                    pairs[opener] = index
                break
    closers = {close: opener for opener, close in pairs.items()}
    out: list[Token] = []
    skip_until = -1
    for index, token in enumerate(children):
        if index <= skip_until:
            continue
        if token.type != "html_inline":
            out.append(token)
            continue
        name, _closing, attrs = parsed[index]
        if index in pairs and name in DROPPED_WITH_CONTENT:
            skip_until = pairs[index]
            continue
        # a pair is converted whole or not at all (a dropped <a href="javascript:…"> takes its </a>)
        partner = index if index in pairs else closers.get(index)
        opening_attrs = parsed[partner][2] if partner is not None else {}
        converted = None
        if partner is not None and _convert(name, opening_attrs, token, opening=True) is not None:
            converted = _convert(name, attrs, token, opening=index in pairs)
        if converted is not None:
            out.append(converted)
        elif name == "br":
            out.append(Token("hardbreak", "br", 0))
    _warn_inline(state, block, children)
    block.children = out


def _balanced(tokens: list[Token]) -> bool:
    depth = 0
    for token in tokens:
        depth += token.nesting
        if depth < 0:
            return False
    return depth == 0


def _convert(name: str, attrs: dict[str, str], token: Token, *, opening: bool) -> Token | None:
    kind = INLINE_TAGS.get(name)
    if name == "a":
        href = attrs.get("href", "")
        if opening and not href.lower().startswith(SAFE_HREF):
            return None
        kind = "link"
    if kind is None:
        return None
    converted = Token(f"{kind}_{'open' if opening else 'close'}", name, 1 if opening else -1)
    if kind == "link" and opening:
        converted.attrs = {"href": attrs["href"]}
    converted.map = token.map
    return converted


def _warn_inline(state: StateCore, block: Token, children: list[Token]) -> None:
    html = "".join(token.content for token in children if token.type == "html_inline")
    if html:
        _warn(state, block, html)


def _heading_tokens(level: str, inner: str, source: Token) -> list[Token]:
    text = re.sub(r"<[^>]*>", "", inner).strip()
    opening = Token("heading_open", level, 1, map=source.map, block=True)
    inline = Token("inline", "", 0, map=source.map, content=text, children=[Token("text", "", 0, content=text)])
    return [opening, inline, Token("heading_close", level, -1, block=True)]


def raw_html(state: StateCore) -> None:
    tokens: list[Token] = []
    for token in state.tokens:
        if token.type == "inline" and any(child.type == "html_inline" for child in token.children or []):
            _inline_tokens(state, token)
        if token.type != "html_block":
            tokens.append(token)
            continue
        _warn(state, token, token.content)
        cleaned = clean(token.content)
        heading = SINGLE_HEADING_RE.match(cleaned)
        if heading and "<h" not in heading.group(2):
            tokens.extend(_heading_tokens(heading.group(1), heading.group(2), token))
            continue
        token.meta["clean"] = cleaned
        tokens.append(token)
    state.tokens = tokens


def rawhtml_plugin(md: MarkdownIt) -> None:
    md.enable(["html_block", "html_inline"])
    md.core.ruler.before("text_join", "postarchive_raw_html", raw_html)


# --- cleaned HTML → docutils nodes ---

_NODE_FOR: dict[str, Callable[[], nodes.Element]] = {
    "strong": nodes.strong,
    "b": nodes.strong,
    "em": nodes.emphasis,
    "i": nodes.emphasis,
    "sup": nodes.superscript,
    "sub": nodes.subscript,
    "code": nodes.literal,
    "span": nodes.inline,
    "p": nodes.paragraph,
    "ul": nodes.bullet_list,
    "ol": nodes.enumerated_list,
    "li": nodes.list_item,
    "blockquote": nodes.block_quote,
    "pre": nodes.literal_block,
    "div": nodes.container,
    **{f"h{level}": nodes.rubric for level in range(1, 7)},
}
_INLINE = {"strong", "b", "em", "i", "sup", "sub", "code", "span", "a", "br"}


class _ToNodes(HTMLParser):
    """Cleaned HTML (only :data:`ALLOWED_TAGS`) → docutils nodes; a table becomes rows of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = nodes.container()
        self.stack: list[tuple[str, nodes.Element]] = [("", self.root)]

    def _inline_parent(self) -> nodes.Element:
        top = self.stack[-1][1]
        if isinstance(top, nodes.TextElement | nodes.Inline):
            return top
        # inline content directly in a block: give it a paragraph (docutils needs one)
        paragraph = nodes.paragraph()
        top.append(paragraph)
        self.stack.append(("", paragraph))
        return paragraph

    def _block_parent(self) -> nodes.Element:
        while self.stack[-1][0] == "" and len(self.stack) > 1:
            self.stack.pop()  # an implicit paragraph ends at the next block
        return self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            parent = self._inline_parent()
            parent.append(nodes.raw("", "<br />\n", format="html"))
            parent.append(nodes.raw("", "\\\\\n", format="latex"))
            return
        node: nodes.Element
        if tag == "a":
            href = dict(attrs).get("href") or ""
            node = nodes.reference(refuri=href) if href.lower().startswith(SAFE_HREF) else nodes.inline()
        elif tag in ("table", "thead", "tbody"):
            node = nodes.container(classes=[f"post-html-{tag}"])
        elif tag == "tr":
            node = nodes.paragraph(classes=["post-html-row"])
        elif tag in ("td", "th"):
            node = nodes.inline(classes=["post-html-cell"])
        else:
            node = _NODE_FOR.get(tag, nodes.inline)()
        parent = self._inline_parent() if tag in _INLINE or tag in ("td", "th") else self._block_parent()
        parent.append(node)
        self.stack.append((tag, node))

    def handle_endtag(self, tag: str) -> None:
        if any(name == tag for name, _ in self.stack[1:]):
            while len(self.stack) > 1 and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        top = self.stack[-1][1]
        if not data.strip() and not isinstance(top, nodes.TextElement | nodes.Inline):
            return
        if "post-html-row" in top.get("classes", []):
            data = data.strip()
            if not data:
                return
        self._inline_parent().append(nodes.Text(data))


def html_to_nodes(cleaned: str) -> list[nodes.Node]:
    parser = _ToNodes()
    parser.feed(cleaned)
    parser.close()
    for row in parser.root.findall(lambda n: isinstance(n, nodes.paragraph) and "post-html-row" in n["classes"]):
        cells = [child for child in row.children if isinstance(child, nodes.inline)]
        for cell in cells[1:]:
            row.insert(row.index(cell), nodes.Text(" | "))
    return list(parser.root.children)
