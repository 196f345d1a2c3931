"""The sidebar in the HTML pages: the navigation tree of :mod:`postarchive.model.nav`, per page.

Template ``postarchive-nav.html``; the per-page work and size are bounded by the years, one year's
months and a post's two neighbours, whatever the size of the archive. Pages of a listing get
``<link rel="prev"/"next">``.

The sidebar is drawn when a page is written, from the whole archive's tree, so a new post changes the
sidebar of pages Sphinx has no reason to write again (the other posts of its month, say). Each page's
sidebar has a digest, kept between builds (``postarchive-nav.json`` in the doctree folder); a page
whose sidebar changed is read and written again (``env-get-outdated``), and only those.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ...assets import TEMPLATES_DIR
from ...domain.state import archive_state
from ...model.kinds import listing_base, page_docname
from ...model.nav import NavTree, nav_items
from ...pages.listing import LISTING_KEY

NAV_DIGESTS = "postarchive-nav.json"


def add_templates(app: Sphinx, config: Config) -> None:
    if str(TEMPLATES_DIR) not in [str(path) for path in config.templates_path]:
        config.templates_path = [*config.templates_path, str(TEMPLATES_DIR)]


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    tree = archive_state(app.env).nav
    if tree is None:
        return

    def uri(docname: str) -> str:
        return "#" if docname == pagename else app.builder.get_relative_uri(pagename, docname)

    context["postarchive_nav"] = nav_items(tree, pagename, uri)
    context["metatags"] = context.get("metatags", "") + pager_links(app, pagename)


def pager_links(app: Sphinx, pagename: str) -> str:
    """``<link rel="prev"/"next">`` on the pages of a listing (their front matter says which page they are)."""
    listing = str(app.env.metadata.get(pagename, {}).get(LISTING_KEY, ""))
    number, _, count = listing.partition("/")
    if not (number.isdigit() and count.isdigit()):
        return ""
    base = listing_base(pagename)
    links = []
    for rel, other in (("prev", int(number) - 1), ("next", int(number) + 1)):
        if 1 <= other <= int(count):
            href = app.builder.get_relative_uri(pagename, page_docname(base, other))
            links.append(f'<link rel="{rel}" href="{html.escape(href)}"/>')
    return "\n".join(links)


def sidebar_digests(tree: NavTree) -> dict[str, str]:
    """Page → a digest of its sidebar (links by docname: what the page shows, wherever it is)."""
    return {
        pagename: hashlib.blake2b(repr(nav_items(tree, pagename, str)).encode(), digest_size=12).hexdigest()
        for pagename in tree.place
    }


def digests_path(env: BuildEnvironment) -> Path:
    return Path(env.doctreedir) / NAV_DIGESTS


def pages_with_a_changed_sidebar(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: known pages whose sidebar differs from the one they were written with."""
    tree = archive_state(env).nav
    if tree is None or app.builder.format != "html":
        return []
    try:
        previous = json.loads(digests_path(env).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    current = sidebar_digests(tree)
    digests_path(env).parent.mkdir(parents=True, exist_ok=True)
    digests_path(env).write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
    if not isinstance(previous, dict):
        return []
    return sorted(
        pagename
        for pagename, digest in current.items()
        if pagename in env.all_docs and pagename not in added | changed and previous.get(pagename) != digest
    )


def setup_nav(app: Sphinx) -> None:
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", page_context)
    app.connect("env-get-outdated", pages_with_a_changed_sidebar)
