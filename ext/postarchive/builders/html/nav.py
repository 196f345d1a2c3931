"""The sidebar in the HTML pages: the navigation tree of :mod:`postarchive.model.nav`, per page.

Template ``postarchive-nav.html``; the per-page work is bounded by the years, one year's months and
one month's posts, whatever the size of the archive.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from ...assets import TEMPLATES_DIR
from ...domain.state import archive_state
from ...model.nav import nav_items


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


def setup_nav(app: Sphinx) -> None:
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", page_context)
