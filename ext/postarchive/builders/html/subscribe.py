"""A visible subscribe link on every entry page that has a feed: 「このタグの新着を購読 (Atom)」.

The ``<head>`` already announces the feed (``rel="alternate"``), but readers on a phone never see
it. The link is added to the resolved doctree of the entry page, under its title, and points at the
feed beside the page (``atom.xml``, the same relative path for the html and dirhtml builders).
"""

from __future__ import annotations

import posixpath

from docutils import nodes
from sphinx.application import Sphinx

from ...model.kinds import ENTRY_DIRS, ENTRY_TYPES
from .feeds import feed_paths, is_html_builder

KIND_OF_FOLDER = {folder: objtype for objtype, folder in ENTRY_DIRS.items()}


def subscribe_label(objtype: str) -> str:
    noun = ENTRY_TYPES[objtype]
    return f"この{noun}の新着を購読 (Atom)"


def subscribe_paragraph(objtype: str, feed_file: str) -> nodes.paragraph:
    label = subscribe_label(objtype)
    link = nodes.reference(label, label, refuri=feed_file, classes=["feed-subscribe-link"])
    return nodes.paragraph("", "", link, classes=["feed-subscribe"])


def add_subscribe_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: an entry page with a feed gets its subscribe link under the title."""
    if not is_html_builder(app):
        return
    feed = feed_paths(app).get(docname)
    objtype = KIND_OF_FOLDER.get(docname.split("/", 1)[0])
    if not feed or objtype is None:
        return
    paragraph = subscribe_paragraph(objtype, posixpath.basename(feed))
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, paragraph)
        return
    title = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.title)), -1)
    section.insert(title + 1, paragraph)


def setup_subscribe(app: Sphinx) -> None:
    app.connect("doctree-resolved", add_subscribe_link)
