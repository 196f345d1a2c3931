"""Post body → safe Markdown, and escaping for the MyST the extension generates.

Post bodies are parsed later by :mod:`postarchive.parser` in a restricted CommonMark/GFM mode (no
HTML, no MyST roles or directives); this module does the text-level clean-up before that: Liquid
tags, and the escaping that keeps a title or tag inside its place in generated MyST.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

LIQUID_RAW_RE = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
LIQUID_TAG_RE = re.compile(r"\{%-?.*?-?%\}|\{\{-?.*?-?\}\}", re.DOTALL)
LIQUID_LINE_RE = re.compile(r"^[ \t]*(?:\{%-?.*?-?%\}|\{\{-?.*?-?\}\})[ \t]*\n", re.MULTILINE)
PERMALINK_RE = re.compile(r"^(?:https?://[^/]+)?/(\d{4})/(\d{2})/(\d{2})/([^/?#]+)/?(?:index\.html)?(#.*)?$")
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(frozen=True)
class CleanBody:
    text: str
    liquid_removed: int
    first_liquid_offset: int | None  # line offset (0-based) in the body of the first Liquid tag


def remove_liquid(body: str) -> CleanBody:
    """Drop Jekyll Liquid tags (``{% … %}``, ``{{ … }}``); ``{% raw %}`` keeps its content."""
    first: int | None = None
    count = 0

    def note(match: re.Match[str]) -> None:
        nonlocal first, count
        count += 1
        line = body.count("\n", 0, match.start())
        first = line if first is None else min(first, line)

    for match in LIQUID_TAG_RE.finditer(body):
        note(match)
    if not count:
        return CleanBody(body, 0, None)
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(1))
        return f"\x00{len(kept) - 1}\x00"

    text = LIQUID_RAW_RE.sub(keep, body)
    text = LIQUID_LINE_RE.sub("\n", text)
    text = LIQUID_TAG_RE.sub("", text)
    text = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return CleanBody(text, count, first)


def escape_inline(text: str) -> str:
    """Escape text so MyST reads it as literal characters: no role, link, emphasis or HTML.

    CommonMark lets any ASCII punctuation be backslash-escaped, so escaping all of it (and folding
    newlines) leaves nothing that can start markup, whatever the text holds.
    """
    text = " ".join(text.split())
    return "".join("\\" + ch if ch in ASCII_PUNCTUATION else ch for ch in text)


def permalink_target(href: str) -> str | None:
    """The docname a Jekyll permalink link points to (``/2025/10/09/slug/`` → ``2025/10/09/slug``)."""
    match = PERMALINK_RE.match(href.strip())
    if not match:
        return None
    year, month, day, slug = match.group(1, 2, 3, 4)
    from urllib.parse import unquote

    return f"{year}/{month}/{day}/{unicodedata.normalize('NFC', unquote(slug))}"
