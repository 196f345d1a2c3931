"""Public URLs of pages: one ``html_baseurl`` and the permalink form of every page.

Posts live at ``YYYY/MM/DD/slug/index.html`` and are published as ``YYYY/MM/DD/slug/`` (the
Jekyll permalinks the blog always had), so every absolute URL the site hands out — canonical
link, ``og:url``, sitemap, feeds — drops a trailing ``index.html``. Pure functions, no Sphinx.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit

INDEX = "index.html"
PERMALINK_RE = re.compile(r"^(?:https?://[^/]+)?/(\d{4})/(\d{2})/(\d{2})/([^/?#]+)/?(?:index\.html)?(#.*)?$")


def normalize_baseurl(baseurl: str) -> str:
    """``https://host/path`` → ``https://host/path/`` (empty stays empty)."""
    baseurl = baseurl.strip()
    return baseurl.rstrip("/") + "/" if baseurl else ""


def base_path(baseurl: str) -> str:
    """The path part of the base URL, always ``/…/`` (what a 404 page needs as its URL prefix)."""
    path = urlsplit(baseurl).path or "/"
    return path.rstrip("/") + "/"


def permalink_path(target_uri: str) -> str:
    """A builder's target URI without a trailing ``index.html``: ``a/b/index.html`` → ``a/b/``."""
    if target_uri == INDEX:
        return ""
    if target_uri.endswith("/" + INDEX):
        return target_uri[: -len(INDEX)]
    return target_uri


def absolute_url(baseurl: str, path: str) -> str:
    """Join a site-relative path to the base URL, percent-encoding what must be (日本語 paths).

    Encoded exactly as Sphinx's ``get_target_uri`` encodes a docname (only ``/`` kept; ``%`` kept so
    an encoded path stays as it is), so a raw path and the builder's URI give one URL (``&`` → ``%26``).
    """
    return normalize_baseurl(baseurl) + quote(path.lstrip("/"), safe="/%")


def resolve_against(baseurl: str, url: str) -> str:
    """An image or link from a post: absolute URLs stay, site paths are resolved against the base URL."""
    if not url or urlsplit(url).scheme in ("http", "https") or url.startswith("//"):
        return url
    return absolute_url(baseurl, url)


def permalink_target(href: str) -> str | None:
    """The docname a Jekyll permalink link points to (``/2025/10/09/slug/`` → ``2025/10/09/slug``)."""
    match = PERMALINK_RE.match(href.strip())
    if not match:
        return None
    year, month, day, slug = match.group(1, 2, 3, 4)
    return f"{year}/{month}/{day}/{unicodedata.normalize('NFC', unquote(slug))}"
