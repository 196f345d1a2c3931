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
# Boilerplate the blog appends to posts (links to other posts, affiliate book boxes): not what the post talks about
SKIP_SECTIONS = ("関連記事", "あわせて読みたい", "この記事に関連するおすすめ書籍", "おすすめ書籍")
LINK_RE = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
RULE_RE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
MARKUP_CHARS = set("#*_>|`~ \t　→←・:：、。!！?？()（）「」-")
LINK_LINE_MAX = 2_000
BLURB_MAX = 80  # a book's one-line blurb under its link; longer or sentence-ending paragraphs are prose


def is_link_line(line: str) -> bool:
    """A line that holds links and nothing else but markup (``### [Book](url)``, ``**[Book](url)**``, ``- [Post](/…)``).

    Lines longer than :data:`LINK_LINE_MAX` are prose (and are never searched: ``[[[[…`` would be quadratic).
    """
    if len(line) > LINK_LINE_MAX or not LINK_RE.search(line):
        return False
    rest = LINK_RE.sub("", line)
    return all(char in MARKUP_CHARS for char in rest)


def is_boilerplate_block(block: list[str], after_item: bool) -> bool:
    """A paragraph of a reading list: an item (list item or link line), a note (※…), a rule, or an item's blurb."""
    first = block[0].strip().strip("*_ ")
    if LIST_ITEM_RE.match(block[0]) or is_link_line(block[0]) or RULE_RE.match(block[0]) or first.startswith("※"):
        return True
    text = " ".join(line.strip() for line in block)
    return after_item and len(text) <= BLURB_MAX and not re.search(r"[。！？]", text)


def reading_list_end(lines: list[str], start: int, level: int) -> tuple[int, list[tuple[int, int]]]:
    """From the line after a 関連記事/おすすめ書籍 heading: the lines to drop, and where the section ends.

    The section runs to the next heading of the same or a higher level, or to a heading that is not a link
    (``### 6. …`` after the list is the post again). Inside it, paragraphs that are list items, link lines,
    ※ notes, rules or an item's blurb are dropped; every other paragraph (prose) is kept.
    """
    drop: list[tuple[int, int]] = []
    index = start
    after_item = False
    while index < len(lines):
        line = lines[index]
        heading = HEADING_LINE_RE.match(line)
        if heading and (len(heading.group(1)) <= level or not is_link_line(line)):
            break
        if not line.strip():
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() and not HEADING_LINE_RE.match(lines[end]):
            end += 1
        block = lines[index:end]
        if is_boilerplate_block(block, after_item):
            drop.append((index, end))
            after_item = not RULE_RE.match(block[0])
        else:
            after_item = False
        index = end
    return index, drop


HEADING_LINE_RE = re.compile(r"^(#{1,6})[ \t]+(.*)$")  # the text is stripped of closing #s after (linear)


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
    """Drop the reading lists of :data:`SKIP_SECTIONS` sections, keeping any prose that follows them."""
    lines = body.split("\n")
    dropped = [False] * len(lines)
    index = 0
    while index < len(lines):
        heading = HEADING_LINE_RE.match(lines[index])
        if heading is None or heading.group(2).rstrip(" \t#").strip() not in SKIP_SECTIONS:
            index += 1
            continue
        dropped[index] = True
        end, drop = reading_list_end(lines, index + 1, len(heading.group(1)))
        for first, last in drop:
            for line in range(first, last):
                dropped[line] = True
        index = max(end, index + 1)
    return "\n".join("" if gone else line for line, gone in zip(lines, dropped, strict=True))


def mention_text(post: Post, body: str) -> str:
    """What mentions are looked for in: the title and the text a reader reads.

    Fenced code, link destinations, bare URLs and the blog's boilerplate sections are left out (an
    ``amazon.co.jp`` book link does not make a post about Amazon).
    """
    text = without_fences(without_boilerplate(body))
    text = LINK_DESTINATION_RE.sub("]", text)
    text = BARE_URL_RE.sub(" ", text)
    return post.title + "\n" + text
