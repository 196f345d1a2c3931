"""``llms.txt`` at the site root (llmstxt.org): what the archive holds, as a Markdown index for LLM tools.

Made from ``catalog.json``'s data at ``build-finished``: ``# title``, a ``> summary``, then sections of
link lists (the newest posts, the months, and the entries with the most posts), and an ``Optional``
section pointing at the machine-readable files. Every list is capped, so the file stays small
however large the archive grows; ``catalog.json`` has everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ...domain.archive import ArchiveDomain
from ...domain.state import archive_state
from ...model.kinds import ENTRY_KINDS, HTML_BUILDERS
from ...model.urls import absolute_url, permalink_path
from .catalog import CATALOG, build_catalog, site_of

logger = logging.getLogger(__name__)
LLMS_TXT = "llms.txt"
POST_LIMIT = 30
ENTRY_LIMIT = 30


def md_text(text: str) -> str:
    """One line of Markdown link text: no line breaks, brackets escaped."""
    return " ".join(text.split()).replace("[", "\\[").replace("]", "\\]")


def link_line(name: str, url: str, note: str = "") -> str:
    return f"- [{md_text(name)}]({url.replace(' ', '%20')})" + (f": {md_text(note)}" if note else "")


def section(title: str, lines: Iterable[str]) -> list[str]:
    body = list(lines)
    return ["", f"## {title}", "", *body] if body else []


def render_llms_txt(
    catalog: dict[str, Any],
    *,
    title: str,
    summary: str,
    months: Sequence[tuple[str, str]],
    files: Sequence[tuple[str, str, str]],
) -> str:
    """The llms.txt text: ``months`` are (name, url) newest first, ``files`` (name, url, note)."""
    lines = [f"# {md_text(title)}", "", f"> {md_text(summary)}"]
    posts = catalog["posts"][:POST_LIMIT]
    lines += section("最新の記事", (link_line(p["title"], p["url"], f"{p['date'][:10]} {p['excerpt']}") for p in posts))
    lines += section("月別アーカイブ", (link_line(name, url) for name, url in months))
    for kind in ENTRY_KINDS:
        entries = sorted(catalog[kind.folder], key=lambda e: (-e["posts"], e["reading"]))[:ENTRY_LIMIT]
        lines += section(
            kind.label, (link_line(e["name"], e["url"], f"{e['posts']} 件") for e in entries if e["posts"])
        )
    lines += section("Optional", (link_line(name, url, note) for name, url, note in files))
    return "\n".join(lines) + "\n"


def month_links(app: Sphinx) -> list[tuple[str, str]]:
    months = sorted((d for d in app.env.all_docs if re.fullmatch(r"\d{4}/\d{2}/index", d)), reverse=True)
    base = app.config.html_baseurl
    return [
        (
            app.env.titles[d].astext() if d in app.env.titles else d,
            absolute_url(base, permalink_path(app.builder.get_target_uri(d))),
        )
        for d in months
    ]


def write_llms_txt(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS or not app.config.html_baseurl:
        return
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    catalog = build_catalog(domain, site_of(app), archive_state(app.env).registry)
    base = app.config.html_baseurl
    files = [
        ("catalog.json", absolute_url(base, CATALOG), "全記事と企業・タグ・カテゴリ・著者 (JSON)"),
        ("Atom フィード", absolute_url(base, "atom.xml"), "新着記事"),
        ("JSON Feed", absolute_url(base, "feed.json"), "新着記事 (JSON Feed 1.1)"),
        ("objects.inv", absolute_url(base, "objects.inv"), "Sphinx intersphinx 用の項目一覧"),
    ]
    summary = f"{app.config.project}: AI 業界と投資の分析記事 {len(catalog['posts'])} 本のアーカイブ。企業・組織、タグ、カテゴリ、著者で引けます。"
    text = render_llms_txt(catalog, title=app.config.project, summary=summary, months=month_links(app), files=files)
    path = Path(app.outdir) / LLMS_TXT
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def setup_llms_txt(app: Sphinx) -> None:
    app.connect("build-finished", write_llms_txt)
