"""The one decoration step of a post page's doctree (``doctree-read``), in an explicit order.

1. the first mention of each company in every section becomes a reference (``mentions.py``);
2. the header (date, author, category, tags, companies) goes under the title and the related posts at
   the end (``header.py``); step 1 never sees them.

The search text (``builders/html/search.py``) is read from the same doctree and leaves out what step 2
added (``header.GENERATED_CLASSES``), so it does not depend on running before or after this step.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..domain.archive import ArchiveDomain
from ..domain.state import archive_state
from .header import add_header_and_related
from .mentions import link_first_mentions


def decorate_post_page(app: Sphinx, doctree: nodes.document) -> None:
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    meta = domain.post_meta(app.env.docname)
    if meta is None:
        return
    link_first_mentions(doctree, meta.companies, archive_state(app.env).registry)
    add_header_and_related(doctree, meta)


def setup_decorate(app: Sphinx) -> None:
    app.connect("doctree-read", decorate_post_page)
