"""Plain data the whole pipeline passes around: posts and the problems found in them.

Nothing here knows about Sphinx, so every other pure module (and its tests) can use it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Format characters that are invisible in a name or title: zero-width space/joiners/marks, word joiner
# and invisible operators, soft hyphen, Mongolian vowel separator, BOM, bidi controls (U+202A–E,
# U+2066–9). Removed from names and titles with a ``control`` warning.
INVISIBLE_IN_NAMES_RE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Variation selectors: legitimate in a title (❤️), but a tag that differs from another only by one
# is a twin, so they are left out of a name's identity (:func:`normalize_name`) without a warning.
VARIATION_SELECTORS_RE = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def shown_path(path: Path | str) -> str:
    """A file name as a log line may show it: unchanged when printable, else escaped ``repr``-style
    (``\\n``, ``\\x1b``, ``\\u202e``), so a name can neither forge a line nor reorder or erase one."""
    text = str(path)
    return text if text.isprintable() else repr(text)[1:-1]  # bidi controls are Cf: not printable


def without_invisible(text: str) -> str:
    """``text`` without the format characters a reader cannot see (:data:`INVISIBLE_IN_NAMES_RE`)."""
    return INVISIBLE_IN_NAMES_RE.sub("", text)


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
        a string without a colon would be read as a docname). The path is :func:`shown_path`: a file
        name cannot forge a log line or drive the terminal."""
        return f"{shown_path(self.path)}:{self.line}" if self.line else f"{shown_path(self.path)}:"


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
    text = unicodedata.normalize("NFKC", VARIATION_SELECTORS_RE.sub("", without_invisible(name)))
    return " ".join(text.split())


# A path segment may hold 255 bytes on every common file system; generated pages add ``.post.md``
# or ``index.html`` below it, so names are kept well under that.
MAX_SEGMENT_BYTES = 150


def bounded_segment(segment: str, limit: int = MAX_SEGMENT_BYTES) -> str:
    """``segment`` when it fits in ``limit`` UTF-8 bytes; else its start (cut at a character boundary)
    plus ``-`` and 10 hex digits of its SHA-1: stable across builds, distinct for distinct names."""
    data = segment.encode("utf-8")
    if len(data) <= limit:
        return segment
    suffix = "-" + hashlib.sha1(data, usedforsecurity=False).hexdigest()[:10]
    head = data[: limit - len(suffix)].decode("utf-8", errors="ignore")
    return head + suffix
