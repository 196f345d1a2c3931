"""postarchive: a Jekyll blog as a Sphinx archive with cross-referenced companies, tags and months.

``setup()`` only wires one module per feature; see each module for what it does.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    from .catalog import setup_catalog
    from .check import setup_check
    from .config import setup_config
    from .domain import setup_domain
    from .feeds import setup_feeds
    from .hosting import setup_hosting
    from .latex import setup_latex
    from .memory import setup_memory
    from .mentions import setup_mentions
    from .nav import setup_nav
    from .parser import setup_parser
    from .postpage import setup_postpage
    from .search import setup_search
    from .site import setup_site

    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    setup_config(app)
    setup_parser(app)
    setup_domain(app)
    setup_site(app)
    setup_postpage(app)
    setup_mentions(app)
    setup_catalog(app)
    setup_latex(app)
    setup_hosting(app)
    setup_feeds(app)
    setup_check(app)
    setup_search(app)
    setup_nav(app)
    setup_memory(app)
    return {
        "version": __version__,
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
