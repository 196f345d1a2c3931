"""postarchive: a Jekyll blog as a Sphinx archive with cross-referenced companies, tags and months.

``setup()`` only wires one module per feature; see each module for what it does.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    from .builders.check import setup_check
    from .builders.html.catalog import setup_catalog
    from .builders.html.deployed import setup_deployed
    from .builders.html.feeds import setup_feeds
    from .builders.html.hosting import setup_hosting
    from .builders.html.images import setup_images
    from .builders.html.inventory import setup_inventory
    from .builders.html.japanese import setup_japanese
    from .builders.html.linkeddata import setup_linkeddata
    from .builders.html.llmstxt import setup_llms_txt
    from .builders.html.markdown import setup_markdown
    from .builders.html.nav import setup_nav
    from .builders.html.pagemeta import setup_pagemeta
    from .builders.html.redirects import setup_redirects
    from .builders.html.search import setup_search
    from .builders.html.subscribe import setup_subscribe
    from .builders.html.svgchart import setup_svgchart
    from .builders.latex.book import setup_latex
    from .builders.latex.volumes import setup_volumes
    from .domain.archive import setup_domain
    from .domain.config import setup_config
    from .domain.freshness import setup_freshness
    from .domain.parser import setup_parser
    from .domain.terms import setup_terms
    from .pages.chartnode import setup_chart
    from .pages.decorate import setup_decorate
    from .pages.site import setup_site
    from .pages.volumes import setup_volume_links
    from .sphinxpatches import setup_patches

    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    setup_config(app)
    setup_parser(app)
    setup_domain(app)
    setup_terms(app)
    setup_site(app)
    setup_freshness(app)
    setup_decorate(app)
    setup_chart(app)
    setup_svgchart(app)
    setup_catalog(app)
    setup_latex(app)
    setup_volumes(app)
    setup_volume_links(app)
    setup_hosting(app)
    setup_feeds(app)
    setup_redirects(app)
    setup_images(app)
    setup_inventory(app)
    setup_subscribe(app)
    setup_linkeddata(app)
    setup_llms_txt(app)
    setup_markdown(app)
    setup_pagemeta(app)
    setup_check(app)
    setup_search(app)
    setup_nav(app)
    setup_japanese(app)
    setup_deployed(app)
    setup_patches(app)
    return {
        "version": __version__,
        "env_version": 5,  # PostMeta carries aliases and the front-matter fields; entry anchors are company-<name>
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
