"""Sphinx configuration of the archive. The archive's own settings are the ``postarchive_*`` values."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

project = "ALLFORCES AI投資分析アーカイブ"
author = "ALLFORCES編集部"
copyright = "ALLFORCES"  # noqa: A001
language = "ja"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.mermaid",
    "sphinx_sitemap",
    "sphinxext.opengraph",
    "notfound.extension",
    "postarchive",
]

# --- the archive -------------------------------------------------------------------------------
postarchive_posts_dir = os.environ.get("POSTARCHIVE_POSTS_DIR", "../posts")
postarchive_registry = "companies.yml"
postarchive_latest_count = 12
postarchive_pdf_volumes = "month"  # make latexpdf: one PDF per month ("year", "single")
postarchive_pdf_dossiers: list[str] = []  # company dossiers, e.g. ["NVIDIA", "ソフトバンク"]

# --- sources -----------------------------------------------------------------------------------
root_doc = "index"
exclude_patterns = ["_build", "_archive", "design", ".postarchive-generated.json", "Thumbs.db", ".DS_Store"]  # design/: maintainer notes
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 0
suppress_warnings = ["myst.header"]

# --- HTML --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = project
html_static_path = ["_static"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "navigation_depth": 2,
    "show_nav_level": 1,
    "collapse_navigation": True,
    "navbar_align": "left",
    "header_links_before_dropdown": 6,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
# The archive's own sidebar (years → months → posts, postarchive/nav.py): the theme's sidebar-nav-bs
# resolves every post's toctree entry on every page, which makes the build quadratic in the posts.
html_sidebars = {"**": ["postarchive-nav.html"]}

# --- PDF (make latexpdf): upLaTeX + ujbook + mendex; see postarchive/latex.py --------------------
from postarchive.builders.latex.book import LATEX_ELEMENTS, book_documents
from postarchive.builders.latex.volumes import volume_elements

latex_engine = "uplatex"
latex_documents = book_documents(project, author)
latex_elements = volume_elements(LATEX_ELEMENTS)  # a cover per volume (postarchive_pdf_volumes)
latex_domain_indices = False
latex_show_urls = "no"
latex_show_pagerefs = False
# --- hosting: one base URL for canonical links, og:url, sitemap, feeds, robots.txt, 404 page ----
# Deployments set POSTARCHIVE_BASEURL (GitHub Pages: the workflow does); on Read the Docs its
# READTHEDOCS_CANONICAL_URL is used. The default is the local preview (`make serve`).
html_baseurl = (
    os.environ.get("POSTARCHIVE_BASEURL") or os.environ.get("READTHEDOCS_CANONICAL_URL") or "http://127.0.0.1:8000/"
).rstrip("/") + "/"
html_favicon = "_static/favicon.svg"
html_css_files = ["archive.css"]
sitemap_url_scheme = "{link}"  # no language/version prefix: the URLs are the blog's permalinks
sitemap_excludes = ["search.html", "404.html"]
notfound_urls_prefix = urlsplit(html_baseurl).path  # "/" or "/<project>/": the 404 page works at any depth
notfound_context = {
    "title": "ページが見つかりません",
    "body": "<h1>ページが見つかりません</h1>\n<p>お探しのページは移動したか削除された可能性があります。"
    '<a href="' + html_baseurl + '">トップページ</a>や検索からお探しください。</p>',
}
ogp_site_name = project
ogp_type = "website"
ogp_social_cards = {"enable": False}  # no generated images (and no matplotlib); posts use their own image
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"  # served from _static (tools/vendor_mermaid.py), never a CDN
html_theme_options["logo"] = {"text": project}
html_theme_options["navbar_end"] = ["theme-switcher", "navbar-icon-links"]
html_context = {"default_mode": "auto"}  # light/dark follows the system until the reader picks one
mermaid_fullscreen_button = "拡大"  # the default "⛶" has no glyph in the CJK fonts (it showed as tofu)
mermaid_init_config = {
    "startOnLoad": False,
    "themeVariables": {"xyChart": {"backgroundColor": "transparent", "plotColorPalette": "#2f7fc1"}},
}
html_theme_options["icon_links"] = [
    {"name": "Atom フィード", "url": html_baseurl + "atom.xml", "icon": "fa-solid fa-rss", "type": "fontawesome"},
]
