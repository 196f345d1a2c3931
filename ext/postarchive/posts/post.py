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
class EditorialLink:
    """A related post the editors chose (``related_articles`` / ``pillar_article``): its file stem and title."""

    slug: str
    title: str
    pillar: bool = False


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
    # front-matter fields of the blog's layout (see docs/design/urls.md for what each one does)
    robots: str = ""  # e.g. "noindex"
    sitemap: bool = True  # ``sitemap: false`` keeps the post out of sitemap.xml
    canonical_url: str = ""
    related_articles: tuple[EditorialLink, ...] = ()  # the post's own related posts (related_articles, pillar_article)
    last_modified: dt.datetime | None = None  # last_modified_at
    # set once every post is read (model.permalinks.plan_urls): Jekyll's URL and the other forms that redirect to it
    url: str = ""
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def permalink(self) -> str:
        """The post's URL: Jekyll's (``url``, once assigned), else the front matter's or the file name's."""
        if self.url:
            return self.url
        if self.permalink_override:
            return self.permalink_override
        return f"/{self.date:%Y/%m/%d}/{self.slug}/"

    @property
    def docname(self) -> str:
        """``/a/b/`` is written as ``a/b/index``; ``/a/b.html`` (Jekyll's ``date`` style) as ``a/b``."""
        path = self.permalink.strip("/")
        return path.removesuffix(".html") if path.endswith(".html") else path + "/index"

    @property
    def noindex(self) -> bool:
        return "noindex" in self.robots.lower()

    @property
    def summary(self) -> str:
        return self.description or self.excerpt


def normalize_name(name: str) -> str:
    """The identity of a tag, category, author or company name: NFKC, trimmed, one space."""
    text = unicodedata.normalize("NFKC", name)
    return " ".join(text.split())
