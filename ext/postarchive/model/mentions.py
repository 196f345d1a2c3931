"""The text in which company mentions are looked for: what a reader reads, without code, URLs or boilerplate.

Every pattern here is linear in the post: a post is untrusted text, and a backtracking regular
expression over it (a lazy ``.*?`` or an unbounded class that a later start re-scans) can take
minutes on 200 KB of ``](`` or of unclosed fences. Fences are found by a line scanner, link
destinations by a pattern whose classes stop at the next ``]``/``<`` (no start re-scans another's run),
headings by a pattern without a lazy part (the closing ``#``s are stripped in Python).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..posts.post import Post

FENCE_OPEN_RE = re.compile(r"^(?:```|~~~)", re.MULTILINE)
LINK_DESTINATION_RE = re.compile(r"\]\((?:<[^<>\n]*>|[^)\s\]]*+)(?:\s+\"[^\"\n]*\")?\)")
BARE_URL_RE = re.compile(r"<?https?://[^\s<>)\]]+>?")
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+([^\n]*)$", re.MULTILINE)
# Boilerplate the blog appends to posts (links to other posts, affiliate book boxes): not what the post talks about
SKIP_SECTIONS = ("関連記事", "あわせて読みたい", "この記事に関連するおすすめ書籍", "おすすめ書籍")


def fenced_blocks(body: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each fenced block: a line starting with ```` ``` ````/``~~~`` up to the next
    line that is that marker alone (trailing spaces allowed); an opener without one is text.

    Linear: the closers of each marker are listed once; an opener with no closer after it means no
    later opener of that marker has one either.
    """
    closers: dict[str, list[re.Match[str]]] = {
        marker: list(re.finditer(rf"^{re.escape(marker)}[ \t]*$", body, re.MULTILINE)) for marker in ("```", "~~~")
    }
    taken = {marker: 0 for marker in closers}  # index of the first closer not yet behind the scan
    position = 0
    for opener in FENCE_OPEN_RE.finditer(body):
        if opener.start() < position:
            continue
        marker = opener.group(0)
        found = closers[marker]
        index = taken[marker]
        line_end = body.find("\n", opener.end())
        after = len(body) if line_end < 0 else line_end + 1
        while index < len(found) and found[index].start() < after:
            index += 1
        taken[marker] = index
        if index == len(found):
            continue
        position = found[index].end()
        yield opener.start(), position


def without_fences(body: str) -> str:
    pieces = []
    position = 0
    for start, end in fenced_blocks(body):
        pieces += [body[position:start], " "]
        position = end
    pieces.append(body[position:])
    return "".join(pieces)


def without_boilerplate(body: str) -> str:
    """Drop sections whose heading is in :data:`SKIP_SECTIONS` (down to the next heading of the same level)."""
    headings = [(match.start(), len(match.group(1)), match.group(2)) for match in HEADING_RE.finditer(body)]
    drop: list[tuple[int, int]] = []
    for index, (start, level, text) in enumerate(headings):
        if text.rstrip(" \t#").strip() not in SKIP_SECTIONS:
            continue
        end = len(body)
        for following, following_level, _ in headings[index + 1 :]:
            if following_level <= level:
                end = following
                break
        drop.append((start, end))
    for start, end in reversed(drop):
        body = body[:start] + "\n" + body[end:]
    return body


def mention_text(post: Post, body: str) -> str:
    """What mentions are looked for in: the title and the text a reader reads.

    Fenced code, link destinations, bare URLs and the blog's boilerplate sections are left out (an
    ``amazon.co.jp`` book link does not make a post about Amazon).
    """
    text = without_fences(without_boilerplate(body))
    text = LINK_DESTINATION_RE.sub("]", text)
    text = BARE_URL_RE.sub(" ", text)
    return post.title + "\n" + text
