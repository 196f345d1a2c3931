"""A plain Markdown copy of each post next to its page: ``2025/10/21/slug/index.md``.

For readers and tools that want the text without the theme (LLM tools, ``curl``, feed readers that
fetch the full text). It is the post's own Markdown as the archive read it (front matter and Liquid
removed), under a short header: the title, the date in the archive's timezone, the categories and
tags, and the page's permalink. Post pages announce it with ``<link rel="alternate" type="text/markdown">``.
A file is rewritten only when its text changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ...domain.state import archive_state
from ...model.kinds import HTML_BUILDERS
from ...model.schema import PostMeta
from ...model.urls import absolute_url

logger = logging.getLogger(__name__)
MARKDOWN_NAME = "index.md"


def post_markdown(meta: PostMeta, body: str, url: str) -> str:
    """The Markdown copy: a header block, then the body as written."""
    facts = [f"- 日付: {meta.date_display}"]
    if meta.categories:
        facts.append("- カテゴリ: " + ", ".join(meta.categories))
    if meta.tags:
        facts.append("- タグ: " + ", ".join(meta.tags))
    if meta.author:
        facts.append(f"- 著者: {meta.author}")
    facts.append(f"- URL: <{url}>")
    title = " ".join(meta.title.split())
    return f"# {title}\n\n" + "\n".join(facts) + "\n\n" + body.strip() + "\n"


def write_markdown_copies(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    state = archive_state(app.env)
    domain: Any = app.env.get_domain("archive")
    outdir = Path(app.outdir)
    written = 0
    for record in domain.posts.values():
        body = state.bodies.get(record.docname)
        if body is None:
            continue
        url = (
            absolute_url(app.config.html_baseurl, record.meta.permalink)
            if app.config.html_baseurl
            else record.meta.permalink
        )
        text = post_markdown(record.meta, body, url)
        path = outdir / Path(record.docname).parent / MARKDOWN_NAME
        if path.parent.is_dir() and (not path.is_file() or path.read_text(encoding="utf-8") != text):
            path.write_text(text, encoding="utf-8")
            written += 1
    logger.info("postarchive: Markdown copies of the posts (%d written)", written)


def add_markdown_link(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.name not in HTML_BUILDERS or doctree is None:
        return
    if app.env.get_domain("archive").post_meta(pagename) is not None:  # type: ignore[attr-defined]
        link = f'<link rel="alternate" type="text/markdown" href="{MARKDOWN_NAME}" />\n'
        context["metatags"] = context.get("metatags", "") + link


def setup_markdown(app: Sphinx) -> None:
    app.connect("html-page-context", add_markdown_link)
    app.connect("build-finished", write_markdown_copies)
