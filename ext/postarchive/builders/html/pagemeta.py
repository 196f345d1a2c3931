"""A description and OpenGraph tags for the pages without a doctree: 404, search, genindex, the company index.

sphinxext-opengraph (and ``hosting.py``'s per-page fields) only see pages built from a document;
the pages Sphinx and its extensions render from a template alone got no description, so a shared
link to the search page or the company index showed a bare URL. Their text is fixed per page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx

from ...model.kinds import HTML_BUILDERS
from ...model.urls import absolute_url, permalink_path

DESCRIPTIONS = {
    "404": (
        "ページが見つかりません",
        "お探しのページは移動したか削除された可能性があります。トップページや検索からお探しください。",
    ),
    "search": ("検索", "{project}の記事を、企業名・タグ・本文のことばで検索できます。"),
    "genindex": ("索引", "{project}の索引: 企業・組織、タグ、カテゴリ、著者を読みの順に引けます。"),
    "archive-companies": (
        "企業・組織索引",
        "{project}の記事に登場する企業・組織の一覧（読みの順、上場企業は市場と証券コード付き）。",
    ),
}
FALLBACK = ("", "{project}: AI 業界と投資の分析記事のアーカイブ。")


def special_page_tags(pagename: str, *, project: str, url: str, title: str = "") -> str:
    """The head tags of one template-only page (values HTML-escaped)."""
    name, description = DESCRIPTIONS.get(pagename, FALLBACK)
    description = description.format(project=project)
    fields = {
        "og:title": title or name or project,
        "og:type": "website",
        "og:url": url,
        "og:site_name": project,
        "og:description": description,
    }
    tags = [f'<meta name="description" content="{escape(description)}" />']
    tags += [f'<meta property="{key}" content="{escape(value)}" />' for key, value in fields.items()]
    tags.append('<meta name="twitter:card" content="summary" />')
    return "".join(tag + "\n" for tag in tags)


def add_special_page_meta(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.name not in HTML_BUILDERS or not app.config.html_baseurl or doctree is not None:
        return
    url = context.get("pageurl") or absolute_url(
        app.config.html_baseurl, permalink_path(app.builder.get_target_uri(pagename))
    )
    title = str(context.get("title") or "")
    if "<" in title:  # a template title may carry markup: keep the fixed name then
        title = ""
    tags = special_page_tags(pagename, project=app.config.project, url=url, title=title)
    context["metatags"] = context.get("metatags", "") + tags


def setup_pagemeta(app: Sphinx) -> None:
    app.connect("html-page-context", add_special_page_meta, priority=600)
