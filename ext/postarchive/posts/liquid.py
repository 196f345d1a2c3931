"""Jekyll Liquid tags removed from a post body (``{% raw %}`` keeps its content). Pure.

A hand-written scanner, not a regular expression: ``\\{%.*?%\\}`` over a body with an unclosed ``{%``
re-scans the rest of the text from every later ``{%`` (quadratic: 25,000 openers took seconds). Here
each opener asks for the next closer once, and a closer found is remembered until the scan passes it,
so the work is linear in the body. A tag longer than :data:`MAX_TAG_CHARS` is content, not a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TAG_CHARS = 4096  # a Liquid tag is a line or two; a "tag" spanning pages is text that holds ``{%``
CLOSERS = {"{%": "%}", "{{": "}}"}
RAW_RE = re.compile(r"-?\s*raw\s*-?")
ENDRAW_RE = re.compile(r"\{%-?\s*endraw\s*-?%\}")


@dataclass(frozen=True)
class CleanBody:
    text: str
    liquid_removed: int
    first_liquid_offset: int | None  # line offset (0-based) in the body of the first Liquid tag


class TagScanner:
    """The Liquid tags of a text, left to right and non-overlapping, in linear time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.next_open = {opener: text.find(opener) for opener in CLOSERS}
        self.next_close: dict[str, int | None] = dict.fromkeys(CLOSERS)  # None: not looked for yet
        self.next_endraw: re.Match[str] | bool | None = False  # False: not looked for yet

    def closer_after(self, opener: str, start: int) -> int:
        found = self.next_close[opener]
        if found is None or 0 <= found < start:
            found = self.text.find(CLOSERS[opener], start)
            self.next_close[opener] = found
        return found

    def endraw_after(self, start: int) -> re.Match[str] | None:
        found = self.next_endraw
        if found is False or (found is not None and not isinstance(found, bool) and found.start() < start):
            found = ENDRAW_RE.search(self.text, start)
            self.next_endraw = found
        return found if not isinstance(found, bool) else None

    def advance_openers(self, position: int) -> None:
        for opener, found in self.next_open.items():
            if 0 <= found < position:
                self.next_open[opener] = self.text.find(opener, position)

    def spans(self) -> list[tuple[int, int, int, int]]:
        """``(start, end, kept_start, kept_end)`` per tag: ``text[start:end]`` is removed except
        ``text[kept_start:kept_end]`` (a ``{% raw %}`` block's content; empty for other tags)."""
        spans: list[tuple[int, int, int, int]] = []
        while True:
            starts = [found for found in self.next_open.values() if found >= 0]
            if not starts:
                return spans
            start = min(starts)
            opener = self.text[start : start + 2]
            close = self.closer_after(opener, start + 2)
            if close < 0 or close + 2 - start > MAX_TAG_CHARS:
                self.advance_openers(start + 1)
                continue
            end = close + 2
            spans.append(self.raw_block(start, end, opener) or (start, end, end, end))
            self.advance_openers(spans[-1][1])

    def raw_block(self, start: int, end: int, opener: str) -> tuple[int, int, int, int] | None:
        if opener != "{%" or not RAW_RE.fullmatch(self.text, start + 2, end - 2):
            return None
        endraw = self.endraw_after(end)
        return (start, endraw.end(), end, endraw.start()) if endraw is not None else None


def whole_line(text: str, start: int, end: int) -> tuple[int, int]:
    """A one-line tag alone on its line (spaces around it): the whole line goes, its newline stays."""
    if "\n" in text[start:end]:
        return start, end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0 or text[line_start:start].strip(" \t") or text[end:line_end].strip(" \t"):
        return start, end
    return line_start, line_end


def remove_liquid(body: str) -> CleanBody:
    """Drop Jekyll Liquid tags (``{% … %}``, ``{{ … }}``); ``{% raw %}`` keeps its content."""
    spans = TagScanner(body).spans()
    if not spans:
        return CleanBody(body, 0, None)
    pieces = []
    position = 0
    count = 0
    for start, end, kept_start, kept_end in spans:
        count += 1 if kept_start == kept_end == end else 2
        if kept_start == kept_end == end:
            start, end = whole_line(body, start, end)
            kept_start = kept_end = end
        pieces += [body[position:start], body[kept_start:kept_end]]
        position = end
    pieces.append(body[position:])
    return CleanBody("".join(pieces), count, body.count("\n", 0, spans[0][0]))
