"""Mermaid's JavaScript only where a page has a Mermaid diagram.

The archive draws its own charts at build time (``archive_chart``, an inline SVG), so no generated
page needs Mermaid, and posts cannot hold one (the restricted parser renders fences as code).
sphinxcontrib-mermaid stays loaded for hand-written pages and already adds its script only to pages
with a diagram; this module keeps its 2.8 MB bundle (vendored by ``tools/vendor_mermaid.py``) out of
the deployed folder unless some page has a diagram: the static copy skips ``_static/mermaid/``,
each read marks a page that has a diagram (``postarchive-mermaid`` in its metadata, kept with the
environment, so an incremental build knows too) and ``build-finished`` copies the bundle, or removes
a stale copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ...assets import STATIC_DIR
from ...model.kinds import HTML_BUILDERS

logger = logging.getLogger(__name__)
MERMAID_FOLDER = "mermaid"
MERMAID_ENTRY = f"{MERMAID_FOLDER}/mermaid.esm.min.mjs"
HAS_MERMAID = "postarchive-mermaid"  # page metadata: the page has a Mermaid diagram


def skip_bundle_in_static_copy(app: Sphinx, config: Config) -> None:
    """``exclude_patterns`` also filter ``html_static_path`` (relative to each static folder)."""
    pattern = f"{MERMAID_FOLDER}/**"
    if pattern not in config.exclude_patterns:
        config.exclude_patterns = [*config.exclude_patterns, pattern]


def mark_diagrams(app: Sphinx, doctree: nodes.document) -> None:
    from sphinxcontrib.mermaid import mermaid

    if doctree.next_node(mermaid) is not None:
        app.env.metadata[app.env.docname][HAS_MERMAID] = True


def no_script_without_a_doctree(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """sphinxcontrib-mermaid skips pages whose doctree has no diagram, but loads its script on every page
    without a doctree (the index, the search page, the companies' index): take it off those."""
    if doctree is not None or "script_files" not in context:
        return
    context["script_files"][:] = [
        script
        for script in context["script_files"]
        if MERMAID_FOLDER not in str(getattr(script, "filename", "") or "")
        and "mermaid" not in str(getattr(script, "attributes", {}).get("body", ""))
    ]


def pages_with_diagrams(app: Sphinx) -> list[str]:
    return sorted(doc for doc in app.env.found_docs if app.env.metadata.get(doc, {}).get(HAS_MERMAID))


def copy_bundle(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    if app.config.mermaid_use_local != MERMAID_ENTRY:
        return
    target = Path(app.outdir) / "_static" / MERMAID_FOLDER
    pages = pages_with_diagrams(app)
    if not pages:
        shutil.rmtree(target, ignore_errors=True)
        return
    source = STATIC_DIR / MERMAID_FOLDER
    if not (source / "mermaid.esm.min.mjs").is_file():
        logger.warning(
            "Mermaid の JavaScript がありません (%s): %s などの図は表示されません。"
            "`make mermaid` (python tools/vendor_mermaid.py) で npm から取得してください",
            source / "mermaid.esm.min.mjs",
            pages[0],
            type="postarchive",
            subtype="mermaid",
        )
        return
    shutil.copytree(source, target, dirs_exist_ok=True)


def setup_mermaidjs(app: Sphinx) -> None:
    app.connect("config-inited", skip_bundle_in_static_copy, priority=900)
    app.connect("doctree-read", mark_diagrams, priority=600)  # after Sphinx's metadata collector (500)
    app.connect("html-page-context", no_script_without_a_doctree, priority=600)  # after the mermaid extension's
    app.connect("build-finished", copy_bundle)
