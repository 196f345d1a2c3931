"""The ``archive`` domain on its own: ``extensions = ["postarchive.domain"]``.

For a project that links into a published archive with intersphinx and wants the archive's roles
(``:external+archive:archive:company:`NVIDIA```, or ``{company}`` references to its own entries);
it registers only the domain, its roles and the entries' ``std:term`` aliases, none of the pages.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    from .archive import setup_domain
    from .terms import setup_terms

    setup_domain(app)
    setup_terms(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
