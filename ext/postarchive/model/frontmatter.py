"""What the archive makes of the blog's layout fields: editorial related posts, reading time, images.

Pure functions over a :class:`Post` and its body; the page generator stores the results in the page's
:class:`~postarchive.model.schema.PostMeta`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from ..model.permalinks import post_key_of_slug
from ..model.schema import EditorialRef
from ..model.urls import permalink_target
from ..posts.post import Post

# Reading speed for the estimate: about 500 Japanese characters a minute (the usual figure for adult
# silent reading of Japanese, 400–600), and 250 words a minute for Latin-script words; the blog's own
# values for the posts it did not cap at 20 minutes match this to within a minute (median).
CJK_PER_MINUTE = 500
WORDS_PER_MINUTE = 250
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*")
# A destination holds no "(": the run stops at the next "](" (linear on "](](](…"; with "(" allowed each
# "](" scanned the rest of the body). A URL with "(…)" falls to the second branch, which is enough here.
LINK_TARGET_RE = re.compile(r"\]\([^()\s]*(?:\s+\"[^\"]*\")?\)|<?https?://[^\s)>]+>?")
# The body's own 関連記事 list: its trailing section. Read line by line rather than with a Markdown
# parser: only the heading and the link targets under it matter, and a second full parse of every body
# would double the cost of reading the archive.
OWN_RELATED_HEADING_RE = re.compile(r"^(#{1,6})\s*関連記事\s*#*\s*$", re.MULTILINE)
HEADING_RE = re.compile(r"^(#{1,6})\s", re.MULTILINE)
MARKDOWN_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]+)>?")


def estimated_minutes(body: str) -> int:
    """Reading time of a body in minutes (at least 1), CJK characters and Latin words counted apart."""
    text = LINK_TARGET_RE.sub("]", body)
    minutes = len(CJK_RE.findall(text)) / CJK_PER_MINUTE + len(WORD_RE.findall(text)) / WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))


def reading_minutes(given: int | None, body: str) -> int:
    """The post's ``reading_time`` when plausible, else the estimate.

    Plausible: within a factor of two of the estimate (or two minutes of it). The blog writes 20 for
    every long post (a cap: half the posts, some of them 70 minutes long) and, in a few posts, a value a
    tenth of the text's length; those show the estimate.
    """
    estimate = estimated_minutes(body)
    if given is None or given <= 0:
        return estimate
    if abs(given - estimate) <= 2 or estimate / 2 <= given <= estimate * 2:
        return given
    return estimate


def own_related_section(body: str) -> str:
    """The body's trailing 「関連記事」 section (its text), or ``""`` when the body has none."""
    headings = list(OWN_RELATED_HEADING_RE.finditer(body))
    if not headings:
        return ""
    heading = headings[-1]
    level = len(heading.group(1))
    rest = body[heading.end() :]
    for other in HEADING_RE.finditer(rest):
        if len(other.group(1)) <= level:
            if rest[other.start() :].strip():
                return ""  # a later section of the same level: not the trailing list
            break
    return rest


def own_related_keys(body: str) -> list[str]:
    """The post keys linked from the body's trailing 関連記事 section (either date form)."""
    keys = []
    for href in MARKDOWN_LINK_RE.findall(own_related_section(body)):
        key = permalink_target(href)
        if key is not None:
            keys.append(key)
    return keys


def editorial_refs(post: Post) -> tuple[EditorialRef, ...]:
    """``pillar_article`` and ``related_articles`` as archive references (by their file-date key)."""
    refs = []
    for link in post.related_articles:
        key = post_key_of_slug(link.slug)
        if key is not None:
            refs.append(EditorialRef(key, link.title, link.pillar))
    return tuple(refs)


def usable_image(image: str, blog_url: str, exists: Callable[[str], bool]) -> str:
    """The post's ``image`` when the archive can serve it: a site path (or a URL on the blog's own
    domain) whose file ``exists``, as a site path; another site's absolute URL as it is; else ``""``.

    The blog's ``/assets/images/posts/*-ogp.png`` files are not part of the archive unless
    ``postarchive_image_dir`` names the folder they are in: without the file there is no ``og:image``.
    """
    if not image:
        return ""
    if blog_url and image.startswith(blog_url.rstrip("/") + "/"):
        image = image[len(blog_url.rstrip("/")) :]
    parts = urlsplit(image)
    if parts.scheme in ("http", "https"):
        return image
    path = PurePosixPath(unquote(parts.path))
    if not path.is_absolute() or ".." in path.parts or len(path.parts) < 2:
        return ""
    return str(path) if exists(str(path).lstrip("/")) else ""
