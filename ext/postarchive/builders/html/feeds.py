"""Feeds: the newest posts at the site root, and one Atom feed per tag, category, author and company.

The root feed is written twice, as ``atom.xml`` and as ``feed.xml`` (the Jekyll blog's old feed URL,
so existing subscribers keep working), and once more as JSON Feed 1.1 (``feed.json``). An entry's
feed sits next to its page: ``tags/<slug>/atom.xml`` beside ``tags/<slug>/index.html``. Every page
links the site feeds in its ``<head>`` (``rel="alternate"``), and an entry page its own feed as well
(and shows a subscribe link, ``subscribe.py``).

The pure part (:func:`feed_items`, :func:`plan_feeds`, :func:`render_atom`) works on plain data; the
Sphinx part reads the post records the ``archive`` domain collected and writes the files at
``build-finished``, for the html builders only. Feed timestamps come from the posts, never from
the clock, so an unchanged archive produces byte-identical feeds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ...domain.archive import ArchiveDomain
from ...domain.state import archive_state
from ...model.kinds import ENTRY_KINDS, ENTRY_TYPES, HTML_BUILDERS, entry_docname
from ...model.schema import PostMeta
from ...model.urls import absolute_url, normalize_baseurl
from ...posts.post import normalize_name

logger = logging.getLogger(__name__)

ROOT_FEEDS = ("atom.xml", "feed.xml")
JSON_FEED = "feed.json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FEED_NAME = "atom.xml"
FEED_OBJTYPES = tuple(kind.objtype for kind in ENTRY_KINDS)  # every entry kind has its feed
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (a stray control character must not break a feed)."""
    return XML_INVALID_RE.sub("", text)


# In the doctree cache: feed path → digest of what it was rendered from.
FEED_DIGESTS = "postarchive-feeds.json"


@dataclass(frozen=True)
class FeedItem:
    docname: str
    title: str
    url: str
    date: dt.datetime
    summary: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    updated: dt.datetime | None = None  # last_modified_at


@dataclass(frozen=True)
class FeedSpec:
    path: str  # relative to the output folder, e.g. "tags/AI/atom.xml"
    title: str
    page_url: str  # the HTML page the feed belongs to
    feed_url: str
    items: tuple[FeedItem, ...]


def names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(name for name in (normalize_name(v) for v in values) if name)


def feed_items(records: Iterable[tuple[str, PostMeta]], url_of: Callable[[str], str]) -> list[FeedItem]:
    """``(docname, meta)`` pairs → feed items, newest first (``robots: noindex`` posts left out)."""
    items = []
    for docname, meta in records:
        if meta.noindex:
            continue
        items.append(
            FeedItem(
                docname=docname,
                title=meta.title or docname,
                url=url_of(docname),
                date=meta.moment,
                summary=meta.description,
                author=meta.author,
                tags=names(meta.tags),
                categories=names(meta.categories),
                companies=names(meta.companies),
                products=names(meta.products),
                updated=meta.updated_moment,
            )
        )
    return sorted(items, key=lambda item: (item.date.astimezone(dt.UTC), item.docname), reverse=True)


def item_names(item: FeedItem, objtype: str) -> tuple[str, ...]:
    """The entries of one kind a feed item belongs to."""
    if objtype == "author":
        return (item.author,) if item.author else ()
    by_kind = {"company": item.companies, "product": item.products, "tag": item.tags, "category": item.categories}
    return by_kind[objtype]


def entry_feed_path(objtype: str, name: str) -> str:
    return posixpath.join(posixpath.dirname(entry_docname(objtype, name)), FEED_NAME)


def plan_feeds(
    items: Sequence[FeedItem],
    *,
    site_title: str,
    baseurl: str,
    count: int,
    page_url_of: Callable[[str], str],
    has_page: Callable[[str], bool] = lambda docname: True,
) -> list[FeedSpec]:
    """The site feeds plus one feed per entry that has an entry page (newest ``count`` posts)."""
    newest = tuple(items[:count])
    specs = [
        FeedSpec(path, site_title, normalize_baseurl(baseurl), absolute_url(baseurl, path), newest)
        for path in ROOT_FEEDS
    ]
    for objtype in FEED_OBJTYPES:
        members: dict[str, list[FeedItem]] = defaultdict(list)
        for item in items:
            for name in item_names(item, objtype):
                members[name].append(item)
        for name in sorted(members):
            docname = entry_docname(objtype, name)
            if not has_page(docname):
                continue
            path = entry_feed_path(objtype, name)
            specs.append(
                FeedSpec(
                    path,
                    f"{ENTRY_TYPES[objtype]}「{name}」 — {site_title}",
                    page_url_of(docname),
                    absolute_url(baseurl, path),
                    tuple(members[name][:count]),
                )
            )
    return specs


def render_atom(spec: FeedSpec, *, author: str, language: str = "ja") -> bytes:
    """The Atom document (feedgen) for one feed; ``updated`` is its newest post's date."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(spec.feed_url)
    generator.title(xml_text(spec.title))
    generator.link(href=spec.page_url, rel="alternate", type="text/html")
    generator.link(href=spec.feed_url, rel="self", type="application/atom+xml")
    generator.language(language)
    if author:
        generator.author({"name": xml_text(author)})
    generator.updated(max((item.updated or item.date for item in spec.items), default=EPOCH))
    generator.generator("postarchive")
    for item in spec.items:
        entry = generator.add_entry(order="append")
        entry.id(item.url)
        entry.title(xml_text(item.title))
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.published(item.date)
        entry.updated(item.updated or item.date)
        if item.summary:
            entry.summary(xml_text(item.summary))
        if item.author:
            entry.author({"name": xml_text(item.author)})
        for term in (*item.categories, *item.tags):
            entry.category(term=xml_text(term))
    return generator.atom_str(pretty=True)


def render_json_feed(spec: FeedSpec, *, author: str, language: str = "ja") -> bytes:
    """The JSON Feed 1.1 document for one feed (written with :mod:`json`; feedgen has no JSON Feed)."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": xml_text(spec.title),
        "home_page_url": spec.page_url,
        "feed_url": spec.feed_url,
        "language": language,
    }
    if author:
        feed["authors"] = [{"name": author}]
    feed["items"] = [json_feed_item(item) for item in spec.items]
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode()


def json_feed_item(item: FeedItem) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.url,
        "url": item.url,
        "title": item.title,
        "content_text": item.summary or item.title,  # one of content_text/content_html is required
        "date_published": item.date.isoformat(),
        "tags": [*item.categories, *item.tags],
    }
    if item.summary:
        entry["summary"] = item.summary
    if item.author:
        entry["authors"] = [{"name": item.author}]
    return entry


# --- Sphinx -------------------------------------------------------------------------------------


def is_html_builder(app: Sphinx) -> bool:
    return app.builder is not None and app.builder.name in HTML_BUILDERS


def page_url(app: Sphinx, docname: str) -> str:
    from ...model.urls import permalink_path

    return absolute_url(app.config.html_baseurl or "", permalink_path(app.builder.get_target_uri(docname)))


def site_feeds(app: Sphinx) -> list[FeedSpec]:
    from ...domain.config import archive_config

    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    records = [(record.docname, record.meta) for record in domain.posts.values()]
    items = feed_items(records, lambda docname: page_url(app, docname))
    return plan_feeds(
        items,
        site_title=app.config.project,
        baseurl=app.config.html_baseurl or "",
        count=archive_config(app).feed_count,
        page_url_of=lambda docname: page_url(app, docname),
        has_page=lambda docname: docname in app.env.all_docs,
    )


def write_feeds(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or not is_html_builder(app):
        return
    if not app.config.html_baseurl:
        logger.warning(
            "html_baseurl が空なのでフィードを書き出しません (フィードには絶対 URL が要ります)",
            type="postarchive",
            subtype="feed",
        )
        return
    outdir = Path(app.outdir)
    specs = site_feeds(app)
    author, language = app.config.author or "", app.config.language or "ja"
    # What each feed was rendered from last time (rendering all of them took a second of every rebuild).
    digests_file = Path(app.doctreedir) / FEED_DIGESTS
    try:
        previous: dict[str, str] = json.loads(digests_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    digests: dict[str, str] = {}
    written = 0
    site = specs[0]
    json_feed = FeedSpec(JSON_FEED, site.title, site.page_url, absolute_url(site.page_url, JSON_FEED), site.items)
    renderers = [(spec, render_atom) for spec in specs] + [(json_feed, render_json_feed)]
    for spec, render in renderers:
        digest = hashlib.sha1(f"{author}\x00{language}\x00{spec!r}".encode(), usedforsecurity=False).hexdigest()
        digests[spec.path] = digest
        path = outdir / spec.path
        if previous.get(spec.path) == digest and path.is_file():
            continue
        content = render(spec, author=author, language=language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
            written += 1
    if digests != previous:
        digests_file.parent.mkdir(parents=True, exist_ok=True)
        digests_file.write_text(json.dumps(digests, ensure_ascii=False), encoding="utf-8")
    logger.info("postarchive: %d Atom feeds and a JSON Feed (%d written)", len(specs), written)


def feed_paths(app: Sphinx) -> dict[str, str]:
    """Entry page docname → its feed's path, computed once per build (entry pages without posts have none)."""
    state = archive_state(app.env)
    if state.feed_paths is None:
        state.feed_paths = {
            posixpath.dirname(spec.path) + "/index": spec.path for spec in site_feeds(app)[len(ROOT_FEEDS) :]
        }
    return state.feed_paths


def feed_links(app: Sphinx, pagename: str) -> str:
    """``<link rel="alternate">`` tags for a page's ``<head>``: the site feed, and the page's own feed."""
    from html import escape

    baseurl = app.config.html_baseurl or ""
    if not baseurl:
        return ""
    site_title = app.config.project
    atom, json_feed = "application/atom+xml", "application/feed+json"
    links = [(absolute_url(baseurl, ROOT_FEEDS[0]), site_title, atom)]
    links.append((absolute_url(baseurl, JSON_FEED), site_title, json_feed))
    own = feed_paths(app).get(pagename)
    if own:
        title = app.env.titles[pagename].astext() if pagename in app.env.titles else pagename
        links.append((absolute_url(baseurl, own), f"{title} — {site_title}", atom))
    return "".join(
        f'<link rel="alternate" type="{kind}" title="{escape(label)}" href="{escape(href)}" />\n'
        for href, label, kind in links
    )


def add_feed_links(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if is_html_builder(app):
        context["metatags"] = context.get("metatags", "") + feed_links(app, pagename)


def setup_feeds(app: Sphinx) -> None:
    app.connect("html-page-context", add_feed_links)
    app.connect("build-finished", write_feeds)
