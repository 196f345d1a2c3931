"""The text in which company mentions are looked for: what a reader reads, without code, URLs or boilerplate."""

from __future__ import annotations

import re

from ..posts.post import Post

FENCE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
LINK_DESTINATION_RE = re.compile(r"\]\((?:<[^>\n]*>|[^)\s]*)(?:\s+\"[^\"\n]*\")?\)")
BARE_URL_RE = re.compile(r"<?https?://[^\s<>)\]]+>?")
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
# Boilerplate the blog appends to posts (links to other posts, affiliate book boxes): not what the post talks about
SKIP_SECTIONS = ("関連記事", "あわせて読みたい", "この記事に関連するおすすめ書籍", "おすすめ書籍")


def without_boilerplate(body: str) -> str:
    """Drop sections whose heading is in :data:`SKIP_SECTIONS` (down to the next heading of the same level)."""
    headings = list(HEADING_RE.finditer(body))
    drop: list[tuple[int, int]] = []
    for index, heading in enumerate(headings):
        if heading.group(2).strip() not in SKIP_SECTIONS:
            continue
        level = len(heading.group(1))
        end = len(body)
        for following in headings[index + 1 :]:
            if len(following.group(1)) <= level:
                end = following.start()
                break
        drop.append((heading.start(), end))
    for start, end in reversed(drop):
        body = body[:start] + "\n" + body[end:]
    return body


def mention_text(post: Post, body: str) -> str:
    """What mentions are looked for in: the title and the text a reader reads.

    Fenced code, link destinations, bare URLs and the blog's boilerplate sections are left out (an
    ``amazon.co.jp`` book link does not make a post about Amazon).
    """
    text = FENCE_RE.sub(" ", without_boilerplate(body))
    text = LINK_DESTINATION_RE.sub("]", text)
    text = BARE_URL_RE.sub(" ", text)
    return post.title + "\n" + text
