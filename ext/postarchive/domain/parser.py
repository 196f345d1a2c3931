"""The restricted MyST parser that reads generated post pages (``*.post.md``).

A post body is data. It is parsed as CommonMark + GFM, with kramdown's rules where the blog's
Jekyll (kramdown, ``input: GFM``) differs (:mod:`.kramdown_blocks`, :mod:`.typography`), and:

- raw HTML only from a small allow-list, cleaned by nh3 and turned into nodes (:mod:`.rawhtml`),
- heading anchors as kramdown's ``auto_ids`` makes them (``#ragとは仕組み…``), as extra ids,
- GFM footnotes (``[^1]``) as docutils footnotes,
- no MyST roles, directives, targets, comments or ``eval-rst`` (fences are always code),
- links only to http(s)/mailto (markdown-it already drops ``javascript:``/``data:``),
- emphasis that works beside Japanese punctuation, as kramdown renders it,
- Jekyll permalinks (``/2025/10/09/slug/``, either date form, or on the blog's domain) turned into checked
  ``archive:post`` references; other paths of the blog's site into ``archive:page`` references (the
  archive's page at that path, else an external link to the blog's page),
- headings demoted under the page title, with no level jumps.

The page's own front matter (written by :mod:`postarchive.pages`) is handed to the archive domain.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import yaml
from docutils import nodes
from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.gfm import gfm_plugin
from myst_parser.mdit_to_docutils.base import token_line
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.warnings_ import MystWarnings
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..domain.bounds import bounded_inline_rules
from ..domain.state import ArchiveStateMissing, archive_state
from ..model.kramdown import HeaderIds
from ..model.permalinks import BLOG_URL
from ..model.schema import PostMeta
from ..model.urls import permalink_target
from .kramdown_blocks import kramdown_blocks_plugin
from .rawhtml import html_to_nodes, rawhtml_plugin
from .typography import typography_plugin

logger = logging.getLogger(__name__)
# one warning per post and kind of dropped markup, at its first place
DROPPED_MESSAGES = {
    "html": "記事の HTML から許可されていないタグ・属性を取り除きました (最初の箇所): %s",
    "attribute-list": "kramdown の属性リストの %s は適用しません (許可されたクラスだけを使います)",
}
SAFE_SCHEMES = ("http://", "https://", "mailto:")
LANGUAGE_RE = re.compile(r"[A-Za-z0-9_+.#-]{1,40}")


def is_cjk(char: str) -> bool:
    """Kana, kanji, CJK punctuation and full-width forms."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FA1F
    )


def scan_delims_cjk(state: StateInline, start: int, can_split_word: bool) -> tuple[bool, bool, int]:
    """CommonMark's delimiter-run scan, with CJK characters neutral for flanking.

    CommonMark refuses ``**協会（AIRoA）**にも`` because ``）`` is punctuation followed by a letter.
    Following the CJK-friendly amendment (tats-u/markdown-cjk-friendly), a CJK character never
    blocks flanking on the inner side and counts as a boundary on the outer side; runs with no CJK
    neighbour keep exact CommonMark behaviour.
    """
    scanned = state.scanDelims(start, can_split_word)
    pos = start + scanned.length
    last = state.src[start - 1] if start > 0 else " "
    following = state.src[pos] if pos < state.posMax else " "
    if not (is_cjk(last) or is_cjk(following)) or (scanned.can_open and scanned.can_close):
        return scanned.can_open, scanned.can_close, scanned.length

    def punct(char: str) -> bool:
        return isMdAsciiPunct(ord(char)) or isPunctChar(char)

    last_blocks = punct(last) and not is_cjk(last)
    next_blocks = punct(following) and not is_cjk(following)
    last_allows = punct(last) or is_cjk(last)
    next_allows = punct(following) or is_cjk(following)
    last_space = isWhiteSpace(ord(last))
    next_space = isWhiteSpace(ord(following))
    left = not next_space and (not next_blocks or last_space or last_allows)
    right = not last_space and (not last_blocks or next_space or next_allows)
    if can_split_word:
        return left, right, scanned.length
    return left and (not right or last_allows), right and (not left or next_allows), scanned.length


def emphasis_cjk(state: StateInline, silent: bool) -> bool:
    """markdown-it's emphasis tokenizer, using :func:`scan_delims_cjk`."""
    start = state.pos
    marker = state.src[start]
    if silent or marker not in ("_", "*"):
        return False
    can_open, can_close, length = scan_delims_cjk(state, start, marker == "*")
    for _ in range(length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(
            Delimiter(
                marker=ord(marker),
                length=length,
                token=len(state.tokens) - 1,
                end=-1,
                open=can_open,
                close=can_close,
            )
        )
    state.pos += length
    return True


class PostRenderer(SphinxRenderer):
    """Docutils renderer for post pages: everything outside plain Markdown stays text."""

    def setup_render(self, options: dict[str, Any], env: Any) -> None:
        super().setup_render(options, env)
        self._post_levels: list[int] = []
        self._body_shift = 0  # 1 when the body's first heading is a ``#`` (level 1) heading
        self._header_ids = HeaderIds()

    def render_children(self, token: SyntaxTreeNode) -> None:
        """Render the children; an allow-listed class from a kramdown attribute list goes on its node."""
        for child in token.children or []:
            before = len(self.current_node.children)
            render = self.rules.get(f"render_{child.type}")
            if render is None:
                self.create_warning(
                    f"No render method for: {child.type}",
                    MystWarnings.RENDER_METHOD,
                    line=token_line(child, default=0),
                    append_to=self.current_node,
                )
                continue
            render(child)
            classes = str(child.attrs.get("class", "")).split() if child.attrs else []
            if classes and len(self.current_node.children) > before:
                node = self.current_node.children[before]
                if isinstance(node, nodes.Element):
                    node["classes"].extend(name for name in classes if name not in node["classes"])

    def generate_heading_target(
        self, token: SyntaxTreeNode, level: int, node: nodes.Element, title_node: nodes.Element
    ) -> None:
        """The heading's anchor is kramdown's: ``{#id}`` or its ``auto_ids`` id (kept as an extra HTML id)."""
        super().generate_heading_target(token, level, node, title_node)
        if len(self._post_levels) <= 1:
            return  # the page title comes from the front matter: Jekyll gives it no id
        slug = token.meta.get("kramdown_id") or self._header_ids.next_id(title_node.astext())
        if slug and slug not in self._heading_slugs and node["ids"]:
            node["slug"] = slug
            self._heading_slugs[slug] = (node.line, node["ids"][0], title_node.astext())

    def render_html_block(self, token: SyntaxTreeNode) -> None:
        """Allow-listed HTML, already cleaned by nh3 (:mod:`.rawhtml`), as docutils nodes."""
        self.current_node.extend(html_to_nodes(str(token.meta.get("clean", ""))))

    def render_html_inline(self, token: SyntaxTreeNode) -> None:
        """Inline tags left after :mod:`.rawhtml` paired the allowed ones are dropped."""

    def render_html_sup(self, token: SyntaxTreeNode) -> None:
        node = nodes.superscript()
        with self.current_node_context(node, append=True):
            self.render_children(token)

    def render_html_sub(self, token: SyntaxTreeNode) -> None:
        node = nodes.subscript()
        with self.current_node_context(node, append=True):
            self.render_children(token)

    def render_table(self, token: SyntaxTreeNode) -> None:
        """kramdown tables may have no header row and rows of any length (padded to the widest)."""
        groups = [child for child in token.children or [] if child.type in ("thead", "tbody")]
        columns = max((len(row.children or []) for group in groups for row in group.children or []), default=1)
        table = nodes.table(classes=["colwidths-auto"])
        self.copy_attributes(token, table, ("class",))
        self.add_line_and_source_path(table, token)
        self.current_node.append(table)
        tgroup = nodes.tgroup(cols=columns)
        table += tgroup
        for _ in range(columns):
            tgroup += nodes.colspec(colwidth=100 // columns)
        for group in groups:
            part = nodes.thead() if group.type == "thead" else nodes.tbody()
            tgroup += part
            with self.current_node_context(part):
                for row in group.children or []:
                    self.render_table_row(row)

    def render_front_matter(self, token: SyntaxTreeNode) -> None:
        # the archive's own generated front matter (pages.dump_yaml), read by libyaml's safe loader where present
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(token.content, Loader=loader) if isinstance(token.content, str) else token.content  # noqa: S506
        if isinstance(data, dict) and isinstance(data.get("postarchive"), dict):
            env = self.sphinx_env
            env.get_domain("archive").note_post_page(env.docname, PostMeta.from_dict(data["postarchive"]))  # type: ignore[attr-defined]

    def render_heading(self, token: SyntaxTreeNode) -> None:
        """The first heading is the page title (h1); body headings keep their level, as kramdown does
        (``##`` is h2), except that a body written with ``#`` sections moves one level down (the page
        has its title) and no heading jumps more than one level below the one before it."""
        original = int(token.tag[1])
        if not self._post_levels:
            level = 1
        else:
            if len(self._post_levels) == 1:
                self._body_shift = 1 if original == 1 else 0
            level = max(2, min(original + self._body_shift, self._post_levels[-1] + 1, 6))
        self._post_levels.append(level)
        saved, self._heading_offset = self._heading_offset, level - original
        try:
            super().render_heading(token)
        finally:
            self._heading_offset = saved

    def render_hr(self, token: SyntaxTreeNode) -> None:
        """A rule right under a heading (or first in the body) separates nothing: docutils rejects it."""
        children = [c for c in self.current_node.children if not isinstance(c, nodes.title)]
        if not children or isinstance(children[-1], nodes.transition):
            return
        super().render_hr(token)

    def render_fence(self, token: SyntaxTreeNode) -> None:
        """A fence is always code: ```` ```{include} ```` shows as text, never runs."""
        info = (token.info or "").strip().split(maxsplit=1)
        language = info[0] if info and LANGUAGE_RE.fullmatch(info[0]) else None
        node = self.create_highlighted_code_block(
            token.content, language, source=self.document["source"], line=token_line(token, 0) or None
        )
        self.current_node.append(node)

    def render_link(self, token: SyntaxTreeNode) -> None:
        href = cast(str, token.attrGet("href") or "")
        blog_url = self.blog_url()
        site_path = blog_site_path(href, blog_url)
        target = permalink_target(site_path) if site_path is not None else None
        if target is not None:
            self.render_archive_xref(token, "post", target, ["xref", "archive-post"])
            return
        if site_path is not None and not href.startswith("#"):
            # a page of the blog's site that is not a post (/services/, /contact/, /): the archive's page
            # at that path if it has one, else the blog's page (archive domain, ``page`` references)
            node = self.render_archive_xref(token, "page", site_path, ["blog-page-text"])
            node["blog_url"] = blog_url
            return
        if href.lower().startswith(SAFE_SCHEMES) or href.startswith("#"):
            if href.startswith("#"):
                self.render_link_anchor(token, href)
            else:
                self.render_link_url(token)
            return
        # relative links (no leading /) have no meaning outside the blog's page: keep the text
        self.render_children(token)

    def blog_url(self) -> str:
        try:
            return archive_state(self.sphinx_env).jekyll.url
        except ArchiveStateMissing:
            return BLOG_URL

    def render_archive_xref(
        self, token: SyntaxTreeNode, reftype: str, target: str, classes: list[str]
    ) -> addnodes.pending_xref:
        node = addnodes.pending_xref(
            refdomain="archive",
            reftype=reftype,
            reftarget=target,
            refexplicit=True,
            refwarn=True,
            refdoc=self.sphinx_env.docname,
        )
        self.add_line_and_source_path(node, token)
        inner = nodes.inline("", "", classes=classes)
        node.append(inner)
        self.current_node.append(node)
        with self.current_node_context(inner):
            self.render_children(token)
        return node

    def render_image(self, token: SyntaxTreeNode) -> None:
        src = cast(str, token.attrGet("src") or "")
        if src.lower().startswith(("http://", "https://")):
            super().render_image(token)
            return
        # site-relative images live on the blog, not in the archive: keep the alt text
        alt = self.renderInlineAsText(token.children or [])
        if alt:
            self.current_node.append(nodes.inline(alt, alt, classes=["post-image-alt"]))


def blog_site_path(href: str, blog_url: str) -> str | None:
    """A link into the blog's site as a site path (``/services/?utm…``, ``https://blog/x/`` → ``/x/``),
    or None for another site's link, an anchor or a relative link."""
    href = href.strip()
    if href.startswith("/") and not href.startswith("//"):
        return href
    blog = urlsplit(blog_url) if blog_url else None
    parts = urlsplit(href)
    if blog is not None and parts.scheme in ("http", "https") and parts.netloc.lower() == blog.netloc.lower():
        prefix = blog.path.rstrip("/")
        path = parts.path or "/"
        if path.startswith(prefix + "/") or path == prefix:
            path = path[len(prefix) :] or "/"
        return urlunsplit(("", "", path, parts.query, parts.fragment))
    return None


def create_post_parser(config: Any, *, typography: bool = True) -> MarkdownIt:
    """markdown-it for post pages: CommonMark + GFM with kramdown's rules, front matter, CJK-friendly emphasis."""
    # heading anchors are kramdown's, set by PostRenderer.generate_heading_target
    post_config = dataclasses.replace(config, gfm_only=True, commonmark_only=False, heading_anchors=0)
    md = MarkdownIt("commonmark", renderer_cls=PostRenderer)
    md.use(gfm_plugin)
    # footnote definitions stay where they are, as myst-parser renders them (footnote_reference)
    md.core.ruler.disable("footnote_tail")
    md.use(bounded_inline_rules)
    md.use(front_matter_plugin)
    md.use(kramdown_blocks_plugin)
    md.use(rawhtml_plugin)
    if typography:
        md.use(typography_plugin)
    md.inline.ruler.at("emphasis", emphasis_cjk)
    md.options.update({"myst_config": post_config})
    return md


class PostParser(MystParser):
    """Sphinx parser for ``*.post.md`` pages (the generated post pages)."""

    supported = ("postarchive-post",)

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        parser = create_post_parser(env.myst_config, typography=env.config.postarchive_typography)
        parser.options["document"] = document
        found: dict[str, tuple[int, list[str]]] = {}

        def warn(subtype: str, what: str, line: int) -> None:
            _first_line, items = found.setdefault(subtype, (line, []))
            if what not in items:
                items.append(what)

        parser.render(inputstring, {"postarchive_warn": warn})
        for subtype, (line, items) in found.items():
            logger.warning(
                DROPPED_MESSAGES[subtype],
                " ".join(items),
                location=f"{document['source']}:{line + 1}",
                type="postarchive",
                subtype=subtype,
            )


POST_SUFFIX = ".post.md"


def setup_parser(app: Sphinx) -> None:
    app.add_source_suffix(POST_SUFFIX, "postarchive-post")
    app.add_source_parser(PostParser)


__all__ = ["PostParser", "PostRenderer", "create_post_parser", "setup_parser", "token_line"]
