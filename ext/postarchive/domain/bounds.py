"""Linear-time inline parsing for the post parser: markdown-it rules whose work on one post is bounded.

A post is untrusted text, and four of the inline rules markdown-it runs are quadratic on hostile input
(measured in docs/design/robustness.md):

- the GFM autolink rules copy the rest of the paragraph at every ``:``, ``w`` and ``@`` and back-scan
  the whole pending text with a regular expression: :func:`protocol_autolink` looks only at the last
  few pending characters and at most :data:`MAX_AUTOLINK_CHARS` ahead; the ``www.`` and e-mail rules
  run with the paragraph end moved that close;
- ``[`` (links, images, footnote references) scans to the end of the paragraph for its ``]``
  (``parseLinkLabel``): a ``[`` with no ``]`` within :data:`MAX_LINK_LABEL_CHARS` (CommonMark's own
  limit for a link label is 999 characters) is text, and a link's destination and title are read
  within :data:`MAX_LINK_CHARS`;
- text between tokens accumulates in ``state.pending`` by string concatenation, which copies the
  whole pending text each time: a 200 KB line of ``#`` took seconds. :func:`flush_long_pending` turns
  long pending text into a text token (adjacent text tokens are joined again by ``fragments_join``).

The rules are markdown-it's and mdit-py-plugins' own, wrapped or copied in a few lines (no fork); the
autolink helpers are mdit-py-plugins' (private modules, pinned by its version in pyproject.toml).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.gfm_autolink._match import match_any_email, match_http
from mdit_py_plugins.gfm_autolink.index import _create_autolink, _preceding_ok

Rule = Callable[[StateInline, bool], bool]

MAX_AUTOLINK_CHARS = 2048  # a longer bare URL is not linked (it still shows as text)
MAX_LINK_LABEL_CHARS = 1000
MAX_LINK_CHARS = MAX_LINK_LABEL_CHARS + 4096  # label, destination and title of one link
MAX_PENDING_CHARS = 4096
# Block nesting: a list item is two levels (list + item), so CommonMark's default 20 drops the items
# of a list 10 deep and more. 40 keeps a 12-deep list with quotes; the PDF flattens what TeX cannot nest.
MAX_NESTING = 40
PROTOCOL_RE = re.compile(r"(https?|mailto|xmpp)$")
LONGEST_PROTOCOL = len("mailto") + 1


def protocol_autolink(state: StateInline, silent: bool) -> bool:
    """mdit-py-plugins' ``gfm_autolink_protocol`` rule with its scans bounded (see the module docstring)."""
    if state.linkLevel > 0:
        return False
    pos = state.pos
    remaining = state.src[pos : min(state.posMax, pos + MAX_AUTOLINK_CHARS)]
    if len(remaining) < 4 or remaining[0] != ":":
        return False
    found = PROTOCOL_RE.search(state.pending[-LONGEST_PROTOCOL:])
    if found is None:
        return False
    protocol = found.group(1)
    back = len(protocol)
    if not _preceding_ok(state, back):
        return False
    combined = protocol + remaining
    result = match_any_email(combined, back + 1, protocol) if protocol in ("mailto", "xmpp") else match_http(combined)
    if result is None or silent:
        return False  # silent: autolinks are only made when emitting tokens, as in the original rule
    url, length = result
    return _create_autolink(state, back, length, url, combined[:length])


def within(reach: int, rule: Rule, trigger: str = "") -> Rule:
    """``rule`` run with the paragraph end moved at most ``reach`` characters ahead (``trigger``: the
    character the rule starts at; elsewhere it is not called)."""

    def bounded(state: StateInline, silent: bool) -> bool:
        if trigger and state.src[state.pos] != trigger:
            return False
        saved = state.posMax
        state.posMax = min(saved, state.pos + reach)
        try:
            return rule(state, silent)
        finally:
            state.posMax = saved

    return bounded


def with_close_bracket(rule: Rule, trigger: str, *, needs_paren: bool) -> Rule:
    """``rule`` (link, image, footnote reference) tried only when a ``]`` is near, within :data:`MAX_LINK_CHARS`.

    ``needs_paren``: a link or image needs a ``)`` ahead unless the page defines references (``[a][b]``);
    without one, the destination scan (up to 32 nested ``(``) is skipped.
    """
    inner = within(MAX_LINK_CHARS, rule)

    def bounded(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if state.src[start] != trigger:
            return False
        if state.src.find("]", start, min(state.posMax, start + MAX_LINK_LABEL_CHARS + 2)) < 0:
            return False
        end = min(state.posMax, start + MAX_LINK_CHARS)
        if needs_paren and "references" not in state.env and state.src.find(")", start, end) < 0:
            return False
        return inner(state, silent)

    return bounded


def flush_long_pending(state: StateInline, silent: bool) -> bool:
    """Turn long pending text into a token between two non-word characters (never inside a URL's or an
    address's name); always returns False, so the other rules run as before."""
    pending = state.pending
    if (
        len(pending) > MAX_PENDING_CHARS
        and not silent
        and not pending[-1].isalnum()
        and not state.src[state.pos].isalnum()
    ):
        state.pushPending()
    return False


def bounded_inline_rules(md: MarkdownIt) -> None:
    """Replace the quadratic inline rules of ``md`` (after the GFM and footnote plugins are installed),
    and allow :data:`MAX_NESTING` levels of blocks (markdown-it silently drops what is deeper)."""
    md.options["maxNesting"] = MAX_NESTING
    md.block.tokenize = too_deep_as_text(md.block.tokenize)  # type: ignore[method-assign,assignment]
    rules = {rule.name: rule.fn for rule in md.inline.ruler.__rules__}
    if "gfm_autolink_protocol" in rules:
        md.inline.ruler.at("gfm_autolink_protocol", protocol_autolink)
    for name, trigger in (("gfm_autolink_www", "w"), ("gfm_autolink_email", "@")):
        if name in rules:
            md.inline.ruler.at(name, within(MAX_AUTOLINK_CHARS, rules[name], trigger))
    for name, trigger in (("link", "["), ("image", "!"), ("footnote_ref", "[")):
        if name in rules:
            bounded = with_close_bracket(rules[name], trigger, needs_paren=name != "footnote_ref")
            md.inline.ruler.at(name, bounded)
    md.inline.ruler.before("text", "postarchive_flush_pending", flush_long_pending)


BlockTokenize = Callable[[StateBlock, int, int], None]


def too_deep_as_text(tokenize: BlockTokenize) -> BlockTokenize:
    """markdown-it, past ``maxNesting``, skips to the end of the enclosing range: a list 40 deep took
    every later paragraph of the post with it. Here a block that deep is one paragraph of its lines'
    text (flattened, nothing dropped) and parsing goes on after it."""

    def tokenize_or_flatten(state: StateBlock, start: int, end: int) -> None:
        if state.level < state.md.options.maxNesting:
            tokenize(state, start, end)
            return
        line = start = state.skipEmptyLines(start)
        while line < end and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
            line += 1
        if line > start:
            state.push("paragraph_open", "p", 1).map = [start, line]
            inline = state.push("inline", "", 0)
            inline.content = state.getLines(start, line, state.blkIndent, False).strip()
            inline.map, inline.children = [start, line], []
            state.push("paragraph_close", "p", -1)
        state.line = line

    return tokenize_or_flatten
