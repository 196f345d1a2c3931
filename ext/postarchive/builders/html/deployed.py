"""The deployed folder holds only what readers fetch.

Build caches live beside the doctrees (``-d``): the build cache, the feeds' digests, the search
tiers' fingerprints, the compiled message catalog. What Sphinx and the theme would still put into
the HTML folder that no reader fetches is left out here:

* the theme's source maps (``*.map``, ~0.8 MB: only a browser's developer tools ask for them) and
  its ``webpack-macros.html`` (a Jinja macro file, not a page): Sphinx copies a theme's static
  folder whole, so they are removed after the build;
* the empty ``_sources/`` Sphinx creates even with ``html_copy_source = False``.

Sphinx's ``.buildinfo`` (a 200-byte dotfile) stays: it is how Sphinx knows whether the folder's
pages were built with the same configuration, i.e. whether an incremental build may reuse them.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from ...model.kinds import HTML_BUILDERS

NEVER_FETCHED = ("**/*.map", "webpack-macros.html")  # under _static/


def remove_unfetched(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    static = Path(app.outdir) / "_static"
    for pattern in NEVER_FETCHED:
        for path in static.glob(pattern):
            path.unlink()
    sources = Path(app.outdir) / "_sources"
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()


def setup_deployed(app: Sphinx) -> None:
    app.connect("build-finished", remove_unfetched, priority=900)
