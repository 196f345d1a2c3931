"""The restricted MyST parser that reads generated post pages (``*.post.md``).

A post body is data. It is parsed as CommonMark + GFM tables/strikethrough with:

- no raw HTML (``html_block``/``html_inline`` off: tags show as text),
- no MyST roles, directives, targets, comments or ``eval-rst`` (fences are always code),
- links only to http(s)/mailto (markdown-it already drops ``javascript:``/``data:``),
- emphasis that works beside Japanese punctuation, as kramdown renders it,
- Jekyll permalinks (``/2025/10/09/slug/``) turned into checked ``archive:post`` references,
- headings demoted under the page title, with no level jumps.

The page's own front matter (written by :mod:`postarchive.pages`) is handed to the archive domain.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, cast

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
from sphinx import addnodes
from sphinx.application import Sphinx

from ..domain.bounds import bounded_inline_rules
from ..model.schema import PostMeta
from ..model.urls import permalink_target

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

    def render_front_matter(self, token: SyntaxTreeNode) -> None:
        # the archive's own generated front matter (pages.dump_yaml), read by libyaml's safe loader where present
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(token.content, Loader=loader) if isinstance(token.content, str) else token.content  # noqa: S506
        if isinstance(data, dict) and isinstance(data.get("postarchive"), dict):
            env = self.sphinx_env
            env.get_domain("archive").note_post_page(env.docname, PostMeta.from_dict(data["postarchive"]))  # type: ignore[attr-defined]

    def render_heading(self, token: SyntaxTreeNode) -> None:
        """The first heading is the page title; body headings nest under it without jumps."""
        original = int(token.tag[1])
        if not self._post_levels:
            level = 1
        else:
            previous = self._post_levels[-1]
            level = max(2, min(original + 1 if self._post_levels[0] < 2 else original, previous + 1))
            level = min(level, 6)
        self._post_levels.append(level if self._post_levels else 1)
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
        target = permalink_target(href)
        if target is not None:
            node = addnodes.pending_xref(
                refdomain="archive",
                reftype="post",
                reftarget=target,
                refexplicit=True,
                refwarn=True,
                refdoc=self.sphinx_env.docname,
            )
            self.add_line_and_source_path(node, token)
            inner = nodes.inline("", "", classes=["xref", "archive-post"])
            node.append(inner)
            self.current_node.append(node)
            with self.current_node_context(inner):
                self.render_children(token)
            return
        if href.lower().startswith(SAFE_SCHEMES) or href.startswith("#"):
            if href.startswith("#"):
                self.render_link_anchor(token, href)
            else:
                self.render_link_url(token)
            return
        # relative or unknown links point into the original blog, not this archive: keep the text
        self.render_children(token)

    def render_image(self, token: SyntaxTreeNode) -> None:
        src = cast(str, token.attrGet("src") or "")
        if src.lower().startswith(("http://", "https://")):
            super().render_image(token)
            return
        # site-relative images live on the blog, not in the archive: keep the alt text
        alt = self.renderInlineAsText(token.children or [])
        if alt:
            self.current_node.append(nodes.inline(alt, alt, classes=["post-image-alt"]))


def create_post_parser(config: Any) -> MarkdownIt:
    """markdown-it for post pages: CommonMark + GFM, front matter, no HTML, CJK-friendly emphasis."""
    post_config = dataclasses.replace(config, gfm_only=True, commonmark_only=False, heading_anchors=6)
    md = MarkdownIt("commonmark", renderer_cls=PostRenderer)
    md.use(gfm_plugin)
    md.core.ruler.disable("footnote_tail")  # footnotes stay where MyST renders them (no footnote_block)
    md.use(bounded_inline_rules)
    md.use(front_matter_plugin)
    md.disable(["html_block", "html_inline"], ignoreInvalid=True)
    md.inline.ruler.at("emphasis", emphasis_cjk)
    md.options.update({"myst_config": post_config})
    return md


class PostParser(MystParser):
    """Sphinx parser for ``*.post.md`` pages (the generated post pages)."""

    supported = ("postarchive-post",)

    def parse(self, inputstring: str, document: nodes.document) -> None:
        parser = create_post_parser(document.settings.env.myst_config)
        parser.options["document"] = document
        parser.render(inputstring)


POST_SUFFIX = ".post.md"


def setup_parser(app: Sphinx) -> None:
    app.add_source_suffix(POST_SUFFIX, "postarchive-post")
    app.add_source_parser(PostParser)


__all__ = ["PostParser", "PostRenderer", "create_post_parser", "setup_parser", "token_line"]
