"""schema.org objects for JSON-LD, from the archive's typed data (pure: no Sphinx).

Posts are ``BlogPosting`` s that mention the companies they name (``Corporation`` with a
``tickerSymbol`` when listed, else ``Organization``, ``GovernmentOrganization``,
``EducationalOrganization``); company pages describe the organisation (``sameAs`` its official
site); listings are ``CollectionPage`` s with an ``ItemList``; every page has a ``BreadcrumbList``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .registry import Company

CONTEXT = "https://schema.org"
# Exchange part of schema.org's tickerSymbol: ISO 10383 MICs where the registry's market names one
# exchange; NASDAQ and NYSE as search engines commonly read them ("NASDAQ NVDA").
EXCHANGE_CODES = {
    "TSE": "XTKS",
    "TSE Prime": "XTKS",
    "TSE Standard": "XTKS",
    "TSE Growth": "XTKS",
    "NASDAQ": "NASDAQ",
    "NYSE": "NYSE",
    "HKEX": "XHKG",
    "KRX": "XKRX",
    "KOSDAQ": "XKOS",
    "LSE": "XLON",
    "XETRA": "XETR",
    "SIX": "XSWX",
    "SGX": "XSES",
    "ASX": "XASX",
    "NSE": "XNSE",
    "TWSE": "XTAI",
    "SSE": "XSHG",
    "SSE STAR": "XSHG",
    "SZSE": "XSHE",
    "BME": "XMAD",
    "IDX": "XIDX",
    "Tadawul": "XSAU",
}
ORGANIZATION_TYPES = {
    "listed": "Corporation",
    "private": "Organization",
    "government": "GovernmentOrganization",
    "academic": "EducationalOrganization",
    "association": "Organization",
}


@dataclass(frozen=True)
class Link:
    """A page as JSON-LD names it: its title and absolute URL."""

    name: str
    url: str


def ticker_symbol(market: str, ticker: str) -> str:
    """``("TSE Prime", "3778")`` → ``"XTKS 3778"``; no ticker, no symbol."""
    if not ticker:
        return ""
    exchange = EXCHANGE_CODES.get(market, market)
    return f"{exchange} {ticker}" if exchange else ticker


def organization(name: str, company: Company | None, page_url: str = "", *, full: bool = False) -> dict[str, Any]:
    """An organisation: a mention (name, URL, ticker) or, ``full``, what its own page says about it."""
    kind = company.kind if company else "private"
    node: dict[str, Any] = {"@type": ORGANIZATION_TYPES.get(kind, "Organization"), "name": name}
    if page_url:
        node["url"] = page_url
    if company is None:
        return node
    if company.ticker:
        node["tickerSymbol"] = ticker_symbol(company.market, company.ticker)
    if full:
        if company.aliases:
            node["alternateName"] = list(company.aliases)
        if company.description:
            node["description"] = company.description
        if company.url:
            node["sameAs"] = [company.url]
        if company.parent:
            node["parentOrganization"] = {"@type": "Organization", "name": company.parent}
    return node


def blog_posting(
    *,
    page: Link,
    published: str,
    modified: str,
    author: Link | None,
    sections: Sequence[str],
    keywords: Sequence[str],
    description: str,
    image: str,
    mentions: Sequence[dict[str, Any]],
    publisher: Link,
    language: str,
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "BlogPosting",
        "headline": page.name,
        "url": page.url,
        "mainEntityOfPage": page.url,
        "datePublished": published,
        "dateModified": modified or published,
        "inLanguage": language,
        "publisher": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
    }
    if author is not None:
        node["author"] = {"@type": "Person", "name": author.name, "url": author.url}
    if sections:
        node["articleSection"] = list(sections)
    if keywords:
        node["keywords"] = list(keywords)
    if description:
        node["description"] = description
    if image:
        node["image"] = image
    if mentions:
        node["about"] = mentions[0]
        node["mentions"] = list(mentions)
    return node


def collection_page(page: Link, description: str, items: Sequence[Link], language: str) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "CollectionPage", "name": page.name, "url": page.url, "inLanguage": language}
    if description:
        node["description"] = description
    if items:
        node["mainEntity"] = {
            "@type": "ItemList",
            "numberOfItems": len(items),
            "itemListElement": [
                {"@type": "ListItem", "position": position, "url": item.url, "name": item.name}
                for position, item in enumerate(items, start=1)
            ],
        }
    return node


def breadcrumbs(trail: Sequence[Link]) -> dict[str, Any]:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": link.name, "item": link.url}
            for position, link in enumerate(trail, start=1)
        ],
    }


def json_ld_script(nodes: Sequence[dict[str, Any]]) -> str:
    """The ``<script type="application/ld+json">`` for a page's head; ``<``, ``>``, ``&`` escaped so
    a post's text can never close the script (the JSON stays the same for a JSON parser)."""
    graph = {"@context": CONTEXT, "@graph": list(nodes)}
    text = json.dumps(graph, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>\n'
