"""``catalog.json`` at the site root: the archive's machine-readable API.

Written at ``build-finished`` by HTML builders (html, dirhtml) from the archive domain's merged data,
so it is complete after a parallel (``-j``) read too. One object per post under ``posts`` (every post
has the same fields, so ``pandas.json_normalize(data["posts"])`` gives one row per post), and the
entries under ``companies``, ``tags``, ``categories``, ``authors``. ``url`` is the absolute permalink
(``https://…/2025/10/21/slug/``, ``…/companies/KDDI/#company-KDDI``), ``path`` the file the builder
wrote, relative to the site root (``2025/10/21/slug/index.html`` for html). Dates are ISO 8601 in
the archive's timezone (``+09:00``), whatever offset a post's front matter was written with.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util import logging

from ...domain.archive import ArchiveDomain, Entry, PostRecord
from ...domain.state import archive_state
from ...model.kinds import ENTRY_KINDS, HTML_BUILDERS
from ...model.registry import Company, Registry
from ...model.schema import PostMeta
from ...model.urls import absolute_url, permalink_path

logger = logging.getLogger(__name__)
CATALOG = "catalog.json"
CATALOG_VERSION = 2  # 2: url is absolute, path the file; dates in the archive's timezone
JST = dt.timezone(dt.timedelta(hours=9))


@dataclass(frozen=True)
class Site:
    """Where the catalog's links point: the base URL, the builder's file paths, the timezone."""

    base_url: str
    path_of: Callable[[str], str]  # docname → the file's path relative to the site root
    tz: dt.tzinfo = JST

    def url(self, docname: str, anchor: str = "") -> str:
        path = permalink_path(self.path_of(docname))
        page = absolute_url(self.base_url, path) if self.base_url else path
        return page + (f"#{quote(anchor, safe='')}" if anchor else "")

    def path(self, docname: str, anchor: str = "") -> str:
        return self.path_of(docname) + (f"#{anchor}" if anchor else "")


def entry_urls(domain: ArchiveDomain, builder: Builder) -> dict[tuple[str, str], str]:
    """``(objtype, name)`` → the entry's site-relative path with its anchor (the search index uses these)."""
    site = Site("", builder.get_target_uri)
    return {key: site.path(entry.docname, entry.node_id) for key, entry in domain.entries.items()}


def local_date(meta: PostMeta, tz: dt.tzinfo) -> str:
    return meta.moment.astimezone(tz).isoformat()


def entry_names(meta: PostMeta) -> Iterable[tuple[str, str]]:
    """``(objtype, name)`` of every entry a post belongs to."""
    yield from (("company", name) for name in meta.companies)
    yield from (("tag", name) for name in meta.tags)
    yield from (("category", name) for name in meta.categories)
    if meta.author:
        yield ("author", meta.author)


def post_counts(records: Iterable[PostRecord]) -> Counter[tuple[str, str]]:
    return Counter(key for record in records for key in entry_names(record.meta))


def company_link(name: str, company: Company | None, entry: Entry | None, site: Site) -> dict[str, Any]:
    """A company as a post lists it: its name, aliases, ticker and entry URL."""
    return {
        "name": name,
        "aliases": list(company.aliases) if company else [],
        "ticker": company.ticker if company else "",
        "url": site.url(entry.docname, entry.node_id) if entry else "",
    }


def post_object(record: PostRecord, domain: ArchiveDomain, companies: dict[str, Company], site: Site) -> dict[str, Any]:
    meta = record.meta
    return {
        "permalink": meta.permalink,
        "url": site.url(record.docname),
        "path": site.path(record.docname),
        "source": meta.source,
        "title": record.title,
        "date": local_date(meta, site.tz),
        "categories": list(meta.categories),
        "tags": list(meta.tags),
        "author": meta.author,
        "excerpt": meta.summary,
        "companies": [
            company_link(name, companies.get(name), domain.entries.get(("company", name)), site)
            for name in meta.companies
        ],
    }


def company_fields(company: Company) -> dict[str, Any]:
    return {
        "aliases": list(company.aliases),
        "kind": company.kind,
        "market": company.market,
        "ticker": company.ticker,
        "parent": company.parent,
        "description": company.description,
        "website": company.url,
    }


def entry_objects(
    domain: ArchiveDomain, objtype: str, counts: Counter[tuple[str, str]], companies: dict[str, Company], site: Site
) -> list[dict[str, Any]]:
    """Every entry of one kind, in reading order, with its URL and number of posts."""
    result = []
    for (kind, name), entry in sorted(domain.entries.items(), key=lambda item: (item[1].reading, item[0][1])):
        if kind != objtype:
            continue
        item: dict[str, Any] = {
            "name": name,
            "reading": entry.reading,
            "url": site.url(entry.docname, entry.node_id),
            "path": site.path(entry.docname, entry.node_id),
            "posts": counts.get((kind, name), 0),
        }
        company = companies.get(name) if objtype == "company" else None
        if company is not None:
            item.update(company_fields(company))
        result.append(item)
    return result


def build_catalog(domain: ArchiveDomain, site: Site, registry: Registry) -> dict[str, Any]:
    records = domain.newest_posts()
    counts = post_counts(records)
    companies = registry.by_name
    catalog: dict[str, Any] = {
        "version": CATALOG_VERSION,
        "base_url": site.base_url,
        "posts": [post_object(record, domain, companies, site) for record in records],
    }
    for kind in ENTRY_KINDS:
        catalog[kind.folder] = entry_objects(domain, kind.objtype, counts, companies, site)
    return catalog


def site_of(app: Sphinx) -> Site:
    from ...domain.config import archive_config

    builder: Builder = app.builder
    return Site(app.config.html_baseurl or "", builder.get_target_uri, archive_config(app).tz)


def write_catalog(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    catalog = build_catalog(domain, site_of(app), archive_state(app.env).registry)
    path = Path(app.outdir) / CATALOG
    text = json.dumps(catalog, ensure_ascii=False, separators=(",", ":"))  # compact: the C encoder, 10x indent=1
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    logger.info("postarchive: %s (%d posts)", CATALOG, len(catalog["posts"]))


def setup_catalog(app: Sphinx) -> None:
    app.connect("build-finished", write_catalog)
