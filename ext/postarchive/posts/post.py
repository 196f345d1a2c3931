"""Plain data the whole pipeline passes around: posts and the problems found in them.

Nothing here knows about Sphinx, so every other pure module (and its tests) can use it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """Something wrong (or repaired) in one post, reported once with file and line."""

    path: Path
    line: int | None
    subtype: str
    message: str
    fatal: bool = False  # True when the post could not be built at all
    # a known quirk of the blog that the archive repaired (truncated title, ---END---, Liquid):
    # reported, but strict mode (make check) does not count it as an error
    repaired: bool = False

    def location(self) -> str:
        """``path:line`` as Sphinx prints it; ``path:`` without a line (Sphinx's own form for a file:
        a string without a colon would be read as a docname)."""
        return f"{self.path}:{self.line}" if self.line else f"{self.path}:"


@dataclass(frozen=True)
class Post:
    """One Jekyll post, read and repaired, ready to become a page."""

    source: Path
    slug: str
    title: str
    date: dt.datetime  # timezone-aware, as written (its own offset)
    body: str  # Markdown, cleaned of markers and Liquid, first-line title removed
    body_line: int  # line number in the source file where ``body`` starts
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    author: str = ""
    excerpt: str = ""
    description: str = ""
    reading_time: int | None = None
    image: str = ""
    permalink_override: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def permalink(self) -> str:
        """The blog's ``/:year/:month/:day/:title/`` URL (date as written in front matter)."""
        if self.permalink_override:
            return self.permalink_override
        return f"/{self.date:%Y/%m/%d}/{self.slug}/"

    @property
    def docname(self) -> str:
        return self.permalink.strip("/") + "/index"

    @property
    def summary(self) -> str:
        return self.description or self.excerpt


def normalize_name(name: str) -> str:
    """The identity of a tag, category, author or company name: NFKC, trimmed, one space."""
    text = unicodedata.normalize("NFKC", name)
    return " ".join(text.split())
