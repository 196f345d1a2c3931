"""JSON-LD on every page (``<script type="application/ld+json">`` in the head), for crawlers.

A post page is a ``BlogPosting`` (headline, dates in the archive's timezone, author, sections,
keywords, the companies it names as ``about``/``mentions`` with their ``tickerSymbol``); a company
page describes the organisation; entry, month and top pages are ``CollectionPage`` s whose
``ItemList`` holds their newest posts (at most :data:`LIST_LIMIT`, so no page grows with the
archive); every page has a ``BreadcrumbList`` (top → year → month → page, or top → entry).
The objects themselves are built by the pure ``model.schemaorg``; the per-entry lists are computed
once per build (``archive_state(env).listings``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sphinx.application import Sphinx

from ...domain.archive import ArchiveDomain, PostRecord
from ...domain.state import archive_state
from ...model import schemaorg
from ...model.kinds import HTML_BUILDERS
from ...model.schemaorg import Link
from ...model.urls import absolute_url, permalink_path, resolve_against

LIST_LIMIT = 20


def page_link(app: Sphinx, docname: str) -> Link:
    url = absolute_url(app.config.html_baseurl, permalink_path(app.builder.get_target_uri(docname)))
    title = app.env.titles[docname].astext() if docname in app.env.titles else app.config.project
    return Link(title, url)


def local_iso(moment: dt.datetime, app: Sphinx) -> str:
    from ...domain.config import archive_config

    return moment.astimezone(archive_config(app).tz).isoformat()


def month_docname(record: PostRecord, app: Sphinx) -> str:
    from ...domain.config import archive_config

    local = record.meta.moment.astimezone(archive_config(app).tz)
    return f"{local.year}/{local.month:02d}/index"


def listings(app: Sphinx) -> dict[str, list[str]]:
    """Listing page docname → its newest post docnames (at most LIST_LIMIT), once per build."""
    state = archive_state(app.env)
    if state.listings is None:
        domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
        pages: dict[str, list[str]] = defaultdict(list)
        entry_pages = {key: entry.docname for key, entry in domain.entries.items()}
        for record in domain.newest_posts():
            meta = record.meta
            keys = [("company", n) for n in meta.companies] + [("tag", n) for n in meta.tags]
            keys += [("category", n) for n in meta.categories] + ([("author", meta.author)] if meta.author else [])
            for docname in ["index", month_docname(record, app), *(entry_pages[k] for k in keys if k in entry_pages)]:
                if len(pages[docname]) < LIST_LIMIT:
                    pages[docname].append(record.docname)
        state.listings = dict(pages)
    return state.listings


def trail(app: Sphinx, pagename: str) -> list[Link]:
    """Top page, then every folder page above this one that exists (year, month), then the page."""
    crumbs = [page_link(app, "index")]
    parts = pagename.split("/")[:-1]
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth]) + "/index"
        if folder in app.env.all_docs:
            crumbs.append(page_link(app, folder))
    if pagename != "index":
        crumbs.append(page_link(app, pagename))
    return crumbs


def post_node(app: Sphinx, pagename: str, record: PostRecord) -> dict[str, Any]:
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    companies = archive_state(app.env).registry.by_name
    meta = record.meta
    author_entry = domain.entries.get(("author", meta.author)) if meta.author else None
    author = (
        Link(meta.author, page_link(app, author_entry.docname).url if author_entry else "") if meta.author else None
    )
    mentions = []
    for name in meta.companies:
        entry = domain.entries.get(("company", name))
        url = page_link(app, entry.docname).url if entry else ""
        mentions.append(schemaorg.organization(name, companies.get(name), url))
    published = local_iso(meta.moment, app)
    modified = str(meta.extra.get("last_modified_at") or meta.extra.get("modified") or "")
    return schemaorg.blog_posting(
        page=page_link(app, pagename),
        published=published,
        modified=modified,
        author=author,
        sections=meta.categories,
        keywords=meta.tags,
        description=meta.description or meta.summary,
        image=resolve_against(app.config.html_baseurl, meta.image),
        mentions=mentions,
        publisher=Link(app.config.project, app.config.html_baseurl),
        language=app.config.language or "ja",
    )


def listing_node(app: Sphinx, pagename: str) -> dict[str, Any]:
    items = [page_link(app, docname) for docname in listings(app).get(pagename, [])]
    description = " ".join(str(app.env.metadata.get(pagename, {}).get("description") or "").split())
    return schemaorg.collection_page(page_link(app, pagename), description, items, app.config.language or "ja")


def company_node(app: Sphinx, pagename: str) -> dict[str, Any] | None:
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    for (objtype, name), entry in domain.entries.items():
        if objtype == "company" and entry.docname == pagename:
            company = archive_state(app.env).registry.by_name.get(name)
            return schemaorg.organization(name, company, page_link(app, pagename).url, full=True)
    return None


def page_nodes(app: Sphinx, pagename: str) -> list[dict[str, Any]]:
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    record = domain.posts.get(pagename.removesuffix("/index"))
    if record is not None and record.docname == pagename:
        main = post_node(app, pagename, record)
    else:
        main = listing_node(app, pagename)
        company = company_node(app, pagename)
        if company is not None:
            main["about"] = company
    return [main, schemaorg.breadcrumbs(trail(app, pagename))]


def add_json_ld(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: the page's JSON-LD, for pages with content (not search, genindex, 404)."""
    if app.builder.name not in HTML_BUILDERS or not app.config.html_baseurl or doctree is None:
        return
    context["metatags"] = context.get("metatags", "") + schemaorg.json_ld_script(page_nodes(app, pagename))


def setup_linkeddata(app: Sphinx) -> None:
    app.connect("html-page-context", add_json_ld, priority=600)
