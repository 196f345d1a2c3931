"""Jekyll Liquid tags removed from a post body (``{% raw %}`` keeps its content). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

LIQUID_RAW_RE = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
LIQUID_TAG_RE = re.compile(r"\{%-?.*?-?%\}|\{\{-?.*?-?\}\}", re.DOTALL)
LIQUID_LINE_RE = re.compile(r"^[ \t]*(?:\{%-?.*?-?%\}|\{\{-?.*?-?\}\})[ \t]*\n", re.MULTILINE)


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
