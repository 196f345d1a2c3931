"""Redirect pages at a post's other URL (the file-name date) to the page Jekyll serves it at.

The blog's own links and its IndexNow pings use ``/YYYY/MM/DD/slug/`` with the *file name's* date, while
Jekyll serves a post dated 15:00 UTC or later at the next day's URL (``model.permalinks``). Each such
other form gets the page jekyll-redirect-from and sphinx-reredirects write: ``<meta http-equiv="refresh">``
and ``<link rel="canonical">`` (no script), ``noindex``. Written by the HTML builders only, at
``build-finished``; listed nowhere (not in the sitemap, the search index or the feeds). Redirects a
previous build wrote and this one does not are removed (their list is kept beside the doctrees).
"""

from __future__ import annotations

import json
import posixpath
from html import escape
from pathlib import Path

from sphinx.application import Sphinx

from ...model.kinds import HTML_BUILDERS
from ...model.permalinks import docname_of
from ...model.urls import absolute_url, permalink_path

MANIFEST = "postarchive-redirects.json"


def redirect_html(target: str, canonical: str, title: str) -> str:
    """The redirect page: ``target`` relative (works on any host), ``canonical`` absolute when known."""
    href, canonical_href, label = escape(target), escape(canonical or target), escape(title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>移動しました: {label}</title>\n"
        f'<link rel="canonical" href="{canonical_href}">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        '<meta name="robots" content="noindex">\n'
        "</head>\n"
        "<body>\n"
        f'<p>この記事は <a href="{href}">{label}</a> に移動しました。</p>\n'
        "</body>\n"
        "</html>\n"
    )


def output_file(docname: str, builder_name: str) -> str:
    """Where a page named ``docname`` is written (``a/b/index`` → ``a/b/index.html``)."""
    if builder_name == "dirhtml" and not docname.endswith("/index"):
        return docname + "/index.html"
    return docname + ".html"


def planned_redirects(app: Sphinx) -> dict[str, tuple[str, str]]:
    """Output file of each redirect → (docname it points to, post title); never over a real page."""
    domain = app.env.get_domain("archive")
    redirects: dict[str, tuple[str, str]] = {}
    for alias, docname in sorted(domain.aliases.items()):  # type: ignore[attr-defined]
        alias_doc = docname_of("/" + alias + "/")
        record = domain.find_post(docname)  # type: ignore[attr-defined]
        if alias_doc in app.env.all_docs or record is None:
            continue
        redirects[output_file(alias_doc, app.builder.name)] = (docname, record.title)
    return redirects


def write_redirects(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    outdir = Path(app.outdir)
    redirects = planned_redirects(app)
    for relative, (docname, title) in redirects.items():
        uri = app.builder.get_target_uri(docname)
        target = posixpath.relpath(permalink_path(uri) or ".", posixpath.dirname(relative) or ".")
        target = target + "/" if permalink_path(uri).endswith("/") and not target.endswith("/") else target
        canonical = absolute_url(app.config.html_baseurl, permalink_path(uri)) if app.config.html_baseurl else ""
        content = redirect_html(target, canonical, title)
        path = outdir / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    remove_stale_redirects(app, outdir, set(redirects))


def remove_stale_redirects(app: Sphinx, outdir: Path, current: set[str]) -> None:
    manifest = Path(app.doctreedir) / MANIFEST
    try:
        previous = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        previous = set()
    for relative in previous - current:
        if posixpath.splitext(relative)[0] not in app.env.all_docs:
            (outdir / relative).unlink(missing_ok=True)
    if previous != current:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(sorted(current), ensure_ascii=False), encoding="utf-8")


def setup_redirects(app: Sphinx) -> None:
    app.connect("build-finished", write_redirects)
