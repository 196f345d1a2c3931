"""What a published site needs besides its pages: canonical URLs, social cards, sitemap, robots.txt, Mermaid.

Everything hangs off one setting, ``html_baseurl``:

- the canonical link and ``og:url`` of every page are its permalink (``…/slug/``, no ``index.html``);
- post pages get ``og:type=article``, ``og:description`` from the post's description (or its first
  paragraph, never the date line above it), ``og:image`` from the post's ``image`` resolved
  against the base URL, and a Twitter card;
- sphinx-sitemap's ``sitemap.xml`` is rewritten to the same permalinks, and ``robots.txt`` points to it;
- Mermaid's JavaScript is served from the site's own ``_static/mermaid/`` (fetched from the npm
  registry by ``tools/vendor_mermaid.py``), never from a CDN.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Iterable, Mapping
from fnmatch import fnmatch
from html import escape
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ...assets import STATIC_DIR
from ...model.kinds import HTML_BUILDERS
from ...model.urls import absolute_url, normalize_baseurl, permalink_path, resolve_against
from .mermaidjs import MERMAID_ENTRY, setup_mermaidjs

logger = logging.getLogger(__name__)


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DESCRIPTION_LENGTH = 200


def robots_txt(baseurl: str, sitemap: str = "sitemap.xml") -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute_url(baseurl, sitemap)}\n"


def permalink_sitemap(
    xml: bytes | None,
    baseurl: str,
    all_links: Iterable[str] = (),
    *,
    excluded: Collection[str] = (),
    lastmod: Mapping[str, str] | None = None,
) -> bytes:
    """sphinx-sitemap's ``sitemap.xml`` with permalinks (``…/index.html`` → ``…/``), made complete.

    sphinx-sitemap only lists the pages written by the current build, so after an incremental build
    its sitemap would hold just the changed pages; ``all_links`` (every page's ``docname.html``) fills
    in the rest. The result is sorted, so an unchanged site gives an identical file. ``excluded`` links
    (``robots: noindex``, ``sitemap: false``) are left out; ``lastmod`` gives a link its ``<lastmod>``.
    """
    drop = {absolute_url(baseurl, permalink_path(link)) for link in excluded}
    baseurl = normalize_baseurl(baseurl)
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", "http://www.w3.org/1999/xhtml")
    locs: dict[str, ElementTree.Element] = {}
    if xml:
        root = ElementTree.fromstring(xml)  # noqa: S314 - our own build output, not untrusted input
        for url in root.findall(f"{{{SITEMAP_NS}}}url"):
            loc = url.find(f"{{{SITEMAP_NS}}}loc")
            if loc is None or not loc.text:
                continue
            # sphinx-sitemap writes raw paths (tags/半導体/index.html): the same percent-encoded permalink as ours
            path = loc.text.removeprefix(baseurl) if loc.text.startswith(baseurl) else loc.text
            loc.text = absolute_url(baseurl, permalink_path(path)) if path != loc.text else loc.text
            locs[loc.text] = url
    for link in all_links:
        loc_text = absolute_url(baseurl, permalink_path(link))
        if loc_text not in locs:
            url = ElementTree.Element(f"{{{SITEMAP_NS}}}url")
            ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = loc_text
            locs[loc_text] = url
    for link, date in (lastmod or {}).items():
        entry = locs.get(absolute_url(baseurl, permalink_path(link)))
        if entry is not None and entry.find(f"{{{SITEMAP_NS}}}lastmod") is None:
            ElementTree.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = date
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    root.extend(locs[key] for key in sorted(locs) if key not in drop)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def first_paragraph(doctree: nodes.document, limit: int = DESCRIPTION_LENGTH) -> str:
    """The first body paragraph's text, skipping the post header (date, tags) above it."""
    for para in doctree.findall(nodes.paragraph):
        parent = para.parent
        skip = False
        while parent is not None:
            if "post-meta" in parent.get("classes", []) or isinstance(parent, nodes.title):
                skip = True
                break
            parent = parent.parent
        text = " ".join(para.astext().split())
        if not skip and text:
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


# --- Sphinx -------------------------------------------------------------------------------------


def configure(app: Sphinx, config: Config) -> None:
    """``config-inited``: normalise the base URL, serve Mermaid locally, no generated social cards."""
    config.html_baseurl = normalize_baseurl(config.html_baseurl or "")
    if not config.mermaid_use_local:
        config.mermaid_use_local = MERMAID_ENTRY
    if str(STATIC_DIR) not in [str(p) for p in config.html_static_path]:
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]
    if config.mermaid_d3_zoom and not config.d3_use_local:
        logger.warning(
            "mermaid_d3_zoom は d3 を CDN から読み込むので無効にしました (d3_use_local を設定すれば使えます)",
            type="postarchive",
            subtype="mermaid",
        )
        config.mermaid_d3_zoom = False
    if config.ogp_social_cards is None:
        config.ogp_social_cards = {"enable": False}
    if not config.ogp_site_url:
        config.ogp_site_url = config.html_baseurl


def drop_unrenderable_diagrams(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: keep Mermaid off CDNs, and out of builders that cannot render it.

    In HTML a diagram's ``:zoom:`` would make sphinxcontrib-mermaid load d3 from jsDelivr, so it is
    dropped (with a warning) unless ``d3_use_local`` names a local copy. Outside HTML, Mermaid needs
    the ``mmdc`` CLI (Node + a headless browser).

    Without it sphinxcontrib-mermaid warns on every diagram and the PDF build fails under ``-W``;
    so each diagram becomes its ``alt`` text (「図: …」), or goes when it has none. The numbers a
    diagram shows are always also on the page as text (month lists, co-mention lists).
    """
    from sphinxcontrib.mermaid import mermaid

    if app.builder.format == "html":
        if not app.config.d3_use_local:  # zooming loads d3 from a CDN: keep the diagram, drop the zoom
            for node in doctree.findall(mermaid):
                if node.attributes.pop("zoom_id", None):
                    logger.warning(
                        "Mermaid の :zoom: は d3 を CDN から読むため無効にしました (d3_use_local で有効)",
                        location=node,
                        type="postarchive",
                        subtype="mermaid",
                    )
        return
    command = (str(app.config.mermaid_cmd or "").split() or ["mmdc"])[0]
    if shutil.which(command):
        return

    for node in list(doctree.findall(mermaid)):
        alt = str(node.get("alt") or "").strip()
        if alt:
            node.replace_self(nodes.paragraph("", f"（図: {alt}）", classes=["diagram-alt"]))
        else:
            node.parent.remove(node)


def page_meta(app: Sphinx, pagename: str, doctree: nodes.document | None) -> tuple[dict[str, str], list[str]]:
    """Per-page OpenGraph overrides (``og:*`` fields sphinxext-opengraph honours) and extra head tags."""
    baseurl = app.config.html_baseurl
    url = absolute_url(baseurl, permalink_path(app.builder.get_target_uri(pagename)))
    fields = {"og:url": url}
    extra: list[str] = []
    domain = app.env.get_domain("archive")
    post = domain.post_meta(pagename)  # type: ignore[attr-defined]
    image = ""
    if post is not None:
        fields["og:type"] = "article"
        description = " ".join(post.description.split())
        if not description and doctree is not None:
            description = first_paragraph(doctree)
            if description:  # the post page itself only carries a description the post declared
                extra.append(f'<meta name="description" content="{escape(description)}" />')
        if description:
            fields["og:description"] = description
        image = resolve_against(baseurl, post.image)  # only set when the archive serves it (or another site does)
        if image:
            fields["og:image"] = image
            fields["og:image:alt"] = post.title
        if post.date:
            extra.append(f'<meta property="article:published_time" content="{escape(post.date)}" />')
        if post.updated:
            extra.append(f'<meta property="article:modified_time" content="{escape(post.updated)}" />')
        if post.noindex:
            extra.append(f'<meta name="robots" content="{escape(post.robots)}" />')
        canonical = canonical_of(app, post.canonical_url)
        if canonical:
            fields["og:url"] = canonical
        for tag in post.tags:
            extra.append(f'<meta property="article:tag" content="{escape(tag)}" />')
    else:  # generated entry, month and company pages declare a description in their front matter
        description = " ".join(str(app.env.metadata.get(pagename, {}).get("description") or "").split())
        if description:
            fields["og:description"] = description
            extra.append(f'<meta name="description" content="{escape(description)}" />')
    card = "summary_large_image" if image or app.config.ogp_image else "summary"
    extra.append(f'<meta name="twitter:card" content="{card}" />')
    return fields, extra


def canonical_of(app: Sphinx, canonical_url: str) -> str:
    """A post's ``canonical_url`` as the archive's URL: its twin's page when it names a post (on the blog's
    domain or as a site path), else the URL as written."""
    if not canonical_url:
        return ""
    from ...domain.state import archive_state
    from ...model.urls import permalink_target

    blog_url = archive_state(app.env).jekyll.url.rstrip("/")
    path = canonical_url.removeprefix(blog_url) if blog_url else canonical_url
    target = permalink_target(path) if path.startswith("/") else None
    record = app.env.get_domain("archive").find_post(target) if target else None  # type: ignore[attr-defined]
    if record is not None:
        return absolute_url(app.config.html_baseurl, permalink_path(app.builder.get_target_uri(record.docname)))
    return resolve_against(blog_url + "/", canonical_url) if blog_url else canonical_url


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context`` (before sphinxext-opengraph): canonical permalink and social meta."""
    if app.builder.name not in HTML_BUILDERS or not app.config.html_baseurl:
        return
    fields, extra = page_meta(app, pagename, doctree)
    context["pageurl"] = fields["og:url"]
    if doctree is None:  # search, genindex, 404: no social card (sphinxext-opengraph skips them too)
        return
    if pagename in app.env.titles:
        fields.setdefault("og:title", app.env.titles[pagename].astext())
    # sphinxext-opengraph only escapes '"' in what it writes: give it HTML-escaped text
    escaped = {key: escape(value, quote=False) for key, value in fields.items()}
    context["meta"] = {**(context.get("meta") or {}), **escaped}
    context["metatags"] = context.get("metatags", "") + "".join(tag + "\n" for tag in extra)


def finish_site(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished`` (after sphinx-sitemap): a complete permalink ``sitemap.xml``, ``robots.txt``."""
    if exception is not None or app.builder.name not in HTML_BUILDERS or not app.config.html_baseurl:
        return
    outdir = Path(app.outdir)
    sitemap = outdir / app.config.sitemap_filename
    written = sitemap.read_bytes() if sitemap.is_file() else None
    links = [app.builder.get_target_uri(docname) for docname in sorted(app.env.all_docs)]
    excludes = app.config.sitemap_excludes or []
    links = [link for link in links if not any(fnmatch(link, pattern) for pattern in excludes)]
    unlisted, lastmod = post_sitemap_fields(app)
    content = permalink_sitemap(written, app.config.html_baseurl, links, excluded=unlisted, lastmod=lastmod)
    if written != content:
        sitemap.write_bytes(content)
    robots = outdir / "robots.txt"
    robots_content = robots_txt(app.config.html_baseurl, app.config.sitemap_filename)
    if not robots.is_file() or robots.read_text(encoding="utf-8") != robots_content:
        robots.write_text(robots_content, encoding="utf-8")


def post_sitemap_fields(app: Sphinx) -> tuple[list[str], dict[str, str]]:
    """Posts kept out of the sitemap (``robots: noindex``, ``sitemap: false``) and each post's ``lastmod``
    (``last_modified_at``, else its date), by target URI."""
    unlisted, lastmod = [], {}
    for record in app.env.get_domain("archive").posts.values():  # type: ignore[attr-defined]
        link = app.builder.get_target_uri(record.docname)
        if record.meta.noindex or not record.meta.sitemap:
            unlisted.append(link)
        lastmod[link] = record.meta.updated_moment.isoformat()
    return unlisted, lastmod


def setup_hosting(app: Sphinx) -> None:
    for extension in ("sphinx_sitemap", "sphinxext.opengraph", "notfound.extension", "sphinxcontrib.mermaid"):
        app.setup_extension(extension)
    app.connect("config-inited", configure, priority=800)
    setup_mermaidjs(app)
    app.connect("html-page-context", page_context, priority=450)
    app.connect("doctree-resolved", drop_unrenderable_diagrams)
    app.connect("build-finished", finish_site, priority=900)
