"""``catalog.json`` at the site root: the archive's machine-readable API.

Written at ``build-finished`` by HTML builders (html, dirhtml) from the archive domain's merged data,
so it is complete after a parallel (``-j``) read too. URLs are relative to the site root, as the
builder writes them (``2025/10/21/slug/index.html`` for html, ``2025/10/21/slug/`` for dirhtml).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util import logging

from ...domain.archive import ArchiveDomain
from ...domain.state import archive_state
from ...model.kinds import HTML_BUILDERS
from ...model.registry import Registry

logger = logging.getLogger(__name__)
CATALOG = "catalog.json"
CATALOG_VERSION = 1


def entry_urls(domain: ArchiveDomain, builder: Builder) -> dict[tuple[str, str], str]:
    urls = {}
    for (objtype, name), entry in domain.entries.items():
        urls[(objtype, name)] = builder.get_target_uri(entry.docname) + (f"#{entry.node_id}" if entry.node_id else "")
    return urls


def build_catalog(domain: ArchiveDomain, builder: Builder, registry: Registry, base_url: str = "") -> dict[str, Any]:
    urls = entry_urls(domain, builder)
    companies = registry.by_name

    def company_object(name: str) -> dict[str, Any]:
        company = companies.get(name)
        return {
            "name": name,
            "aliases": list(company.aliases) if company else [],
            "ticker": company.ticker if company else "",
            "url": urls.get(("company", name), ""),
        }

    posts = []
    counts: dict[tuple[str, str], int] = {}
    for record in domain.newest_posts():
        meta = record.meta
        for objtype, names in (("company", meta.companies), ("tag", meta.tags), ("category", meta.categories)):
            for name in names:
                counts[(objtype, name)] = counts.get((objtype, name), 0) + 1
        if meta.author:
            counts[("author", meta.author)] = counts.get(("author", meta.author), 0) + 1
        posts.append(
            {
                "permalink": meta.permalink,
                "url": builder.get_target_uri(record.docname),
                "source": meta.source,
                "title": record.title,
                "date": meta.date,
                "categories": list(meta.categories),
                "tags": list(meta.tags),
                "author": meta.author,
                "excerpt": meta.summary,
                "companies": [company_object(name) for name in meta.companies],
            }
        )

    def entries(objtype: str) -> list[dict[str, Any]]:
        result = []
        for (kind, name), entry in sorted(domain.entries.items(), key=lambda item: (item[1].reading, item[0][1])):
            if kind != objtype:
                continue
            item: dict[str, Any] = {"name": name, "reading": entry.reading, "url": urls[(kind, name)]}
            item["posts"] = counts.get((kind, name), 0)
            company = companies.get(name) if objtype == "company" else None
            if company is not None:
                item.update(
                    aliases=list(company.aliases),
                    kind=company.kind,
                    market=company.market,
                    ticker=company.ticker,
                    parent=company.parent,
                    description=company.description,
                    website=company.url,
                )
            result.append(item)
        return result

    return {
        "version": CATALOG_VERSION,
        "base_url": base_url,
        "posts": posts,
        "companies": entries("company"),
        "tags": entries("tag"),
        "categories": entries("category"),
        "authors": entries("author"),
    }


def write_catalog(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    catalog = build_catalog(domain, app.builder, archive_state(app.env).registry, app.config.html_baseurl or "")
    path = Path(app.outdir) / CATALOG
    text = json.dumps(catalog, ensure_ascii=False, separators=(",", ":"))  # compact: the C encoder, 10x indent=1
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    logger.info("postarchive: %s (%d posts)", CATALOG, len(catalog["posts"]))


def setup_catalog(app: Sphinx) -> None:
    app.connect("build-finished", write_catalog)
