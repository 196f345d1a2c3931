"""The PDF volumes in the generated pages: the books' source pages (LaTeX builds), the HTML page
listing the built volumes, and the 「この号をPDFで」 links on month and post pages.

Where the PDFs are: ``make latexpdf`` leaves them and a manifest (``volumes.json``, see
``model/volumes.py``) in ``postarchive_pdf_dir`` (``docs/_build/latex``). The HTML build reads that
manifest and links a PDF with Sphinx's own download links (``path:`` in MyST, a
``download_reference`` node in a post page): Sphinx copies each linked PDF into the site's
``_downloads/`` and re-reads the pages that link it when it changes. A link is only made for a PDF
that exists when the page is read, so no link dangles.

Sources of a book (only generated for the ``latex`` builder: in HTML they would make every post a
child of two toctrees): ``archive/books/<name>.md`` (the root, an orphan), one chapter page per year
``archive/books/<name>/<year>.md`` and one section page per month ``archive/books/<name>/<year>-<mm>.md``
whose toctree holds that month's posts, oldest first. A dossier's root has the company's page first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..config import ArchiveConfig
from ..domain.config import archive_config
from ..domain.state import ArchiveState, ArchiveStateMissing, archive_state
from ..model.kinds import ARCHIVE_ROOT, entry_docname
from ..model.volumes import (
    MANIFEST_NAME,
    SINGLE,
    Volume,
    VolumeRecord,
    dossier_volume,
    group_volumes,
    read_records,
    volumes_by_docname,
)
from .header import VOLUME_CLASS
from .myst import escape_inline
from .render import doc_link, dump_yaml, toctree

logger = logging.getLogger(__name__)
BOOKS_ROOT = f"{ARCHIVE_ROOT}/books"
VOLUMES_PAGE = f"{ARCHIVE_ROOT}/pdf/index"  # the HTML list of the PDF volumes
LINK_STATE = "postarchive-volume-links.json"  # in the doctree folder: what the read post pages link
LINK_TEXT = "この号をPDFで"


# --- the books' sources (latex builder) ----------------------------------------------------------


def book_root(name: str) -> str:
    return f"{BOOKS_ROOT}/{name}"


def orphan(page: str) -> str:
    return f"---\norphan: true\n---\n\n{page}"


def book_pages(volume: Volume, front: Sequence[str] = ()) -> dict[str, str]:
    """The root, year and month pages of one book (``front``: docnames put before the years)."""
    pages: dict[str, str] = {}
    root = book_root(volume.name)
    years = []
    for year in volume.years:
        months = [month for month in volume.months if month.year == year]
        month_pages = []
        for month in months:
            docname = f"{root}/{year}-{month.month:02d}"
            pages[docname + ".md"] = f"# {year}年{month.month}月\n\n{toctree(list(month.docnames))}\n"
            month_pages.append(docname)
        pages[f"{root}/{year}.md"] = f"# {year}年\n\n{toctree(month_pages)}\n"
        years.append(f"{root}/{year}")
    pages[root + ".md"] = orphan(f"# {escape_inline(volume.label)}\n\n{toctree([*front, *years])}\n")
    return pages


# --- the HTML side: links to the built PDFs ------------------------------------------------------


def pdf_path(app: Sphinx, name: str) -> Path:
    return (Path(app.confdir) / archive_config(app).pdf_dir / f"{name}.pdf").resolve()


def built_volumes(app: Sphinx) -> dict[str, VolumeRecord]:
    """The volumes of the last ``make latexpdf`` whose PDF is there (read once per build)."""
    folder = (Path(app.confdir) / archive_config(app).pdf_dir).resolve()
    return {
        name: record
        for name, record in read_records(folder / MANIFEST_NAME).items()
        if record.pages > 0 and (folder / f"{name}.pdf").is_file()
    }


def relative_link(app: Sphinx, docname: str, name: str) -> str:
    """The PDF's path from the folder of ``docname``'s source (what ``path:`` and downloads expect)."""
    source_dir = (Path(app.srcdir) / docname).parent
    return os.path.relpath(pdf_path(app, name), source_dir).replace(os.sep, "/")


def link_label(record: VolumeRecord) -> str:
    return f"{record.label}・{record.size_text}"


def pdf_link(app: Sphinx, docname: str, record: VolumeRecord, text: str) -> str:
    return f"[{escape_inline(text)}](<path:{relative_link(app, docname, record.name)}>)"


def volumes_page(app: Sphinx, records: Mapping[str, VolumeRecord]) -> str:
    """The list of PDF volumes, newest first, then the company dossiers."""
    lines = ["# PDF 版", ""]
    issues = sorted((r for r in records.values() if not r.company), key=lambda r: r.name, reverse=True)
    dossiers = sorted((r for r in records.values() if r.company), key=lambda r: r.label)
    lines += [
        "号ごとの PDF です。各号には目次（年 → 月 → 記事）と、その号の記事の企業・組織、タグ、カテゴリ、"
        "著者の索引（読みの五十音順）があります。",
        "",
        "| 号 | 期間 | 記事 | PDF |",
        "| --- | --- | --- | --- |",
    ]
    for record in issues:
        link = pdf_link(app, VOLUMES_PAGE, record, f"{record.name}.pdf")
        lines.append(
            f"| {escape_inline(record.label)} | {escape_inline(record.period)} | {record.posts}件 "
            f"| {link}（{escape_inline(record.size_text)}） |"
        )
    if dossiers:
        lines += ["", "## 企業別", "", "| 企業・組織 | 期間 | 記事 | PDF |", "| --- | --- | --- | --- |"]
        for record in dossiers:
            link = pdf_link(app, VOLUMES_PAGE, record, f"{record.name}.pdf")
            lines.append(
                f"| {escape_inline(record.label)} | {escape_inline(record.period)} | {record.posts}件 "
                f"| {link}（{escape_inline(record.size_text)}） |"
            )
    description = f"PDF 版 {len(issues)} 号" + (f"と企業別 {len(dossiers)} 冊" if dossiers else "")
    front = dump_yaml({"orphan": True, "description": description})
    return f"---\n{front}---\n\n" + "\n".join(lines) + "\n"


def month_link_line(app: Sphinx, docname: str, record: VolumeRecord) -> str:
    listing = doc_link("PDF 版の一覧", VOLUMES_PAGE)
    return f"{pdf_link(app, docname, record, LINK_TEXT)}（{escape_inline(link_label(record))}） · {listing}"


def with_volume_links(app: Sphinx, pages: dict[str, str], records: Mapping[str, VolumeRecord]) -> dict[str, str]:
    """The generated pages with the PDF links: the volumes page; on each month page its issue
    (a year volume: on the year page); a link to the volumes page on the year pages and under the
    month list (home page and archive page)."""
    if not records:
        return pages
    pages = dict(pages)
    pages[VOLUMES_PAGE + ".md"] = volumes_page(app, records)
    to_list = doc_link("PDF 版（号の一覧）", VOLUMES_PAGE)
    for record in records.values():
        if record.company:
            continue
        page = f"{record.name[:4]}/{record.name[5:]}/index.md" if len(record.name) == 7 else f"{record.name}/index.md"
        if page in pages:
            pages[page] = insert_after_title(pages[page], month_link_line(app, page.removesuffix(".md"), record))
    for page in list(pages):
        if len(page) == len("2025/index.md") and page[:4].isdigit() and page.endswith("/index.md"):
            pages[page] = pages[page].rstrip("\n") + f"\n\n{to_list}\n"
    fragment = "_archive/months.md"
    if fragment in pages:
        pages[fragment] = pages[fragment].rstrip("\n") + f"\n\n{to_list}\n"
    return pages


def insert_after_title(page: str, line: str) -> str:
    head, sep, rest = page.partition("\n# ")
    if not sep:
        return page
    title, _, body = rest.partition("\n")
    return f"{head}{sep}{title}\n\n{line}\n{body}"


# --- the link on a post page ---------------------------------------------------------------------


def volume_link_node(reftarget: str, record: VolumeRecord) -> addnodes.only:
    """「この号をPDFで」 as a Sphinx download link: Sphinx copies the PDF into ``_downloads/`` and
    makes the page depend on it. HTML only (inside ``only``): a book does not link to itself."""
    link = addnodes.download_reference(
        "", "", refdomain=None, reftarget=reftarget, reftype="myst", refexplicit=True, classes=["download"]
    )
    link += nodes.literal(LINK_TEXT, LINK_TEXT, classes=["xref", "download"])
    paragraph = nodes.paragraph("", "")
    paragraph += link
    paragraph += nodes.Text(f"（{link_label(record)}）")
    only = addnodes.only(expr="html", classes=[VOLUME_CLASS])
    only += nodes.container("", paragraph, classes=[VOLUME_CLASS])
    return only


def add_volume_link(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read`` (before Sphinx collects download links): the link to the post's issue."""
    try:
        state = archive_state(app.env)
    except ArchiveStateMissing:
        return
    docname = app.env.docname
    record = volumes_by_docname(state.volumes).get(docname)
    sections = [node for node in doctree.children if isinstance(node, nodes.section)]
    if record is None or not sections:
        return
    top = sections[0]
    title_index = next((i for i, child in enumerate(top.children) if isinstance(child, nodes.title)), 0)
    top.insert(title_index + 1, volume_link_node(relative_link(app, docname, record.name), record))


def link_signatures(records: Mapping[str, VolumeRecord]) -> dict[str, str]:
    """docname → what its page links (the volume and its size): a change means the page is re-read."""
    return {docname: f"{r.name}:{r.pages}:{r.bytes}" for docname, r in volumes_by_docname(records).items()}


def relink_outdated(app: Sphinx, env: BuildEnvironment, added: Any, changed: Any, removed: Any) -> list[str]:
    """``env-get-outdated``: posts whose volume link appeared, changed or went away since they were read.

    (A PDF rebuilt later is a dependency Sphinx tracks itself; a PDF that did not exist when the post
    was read is not, hence this.)
    """
    try:
        state = archive_state(env)
    except ArchiveStateMissing:
        return []
    try:
        seen = json.loads((Path(app.doctreedir) / LINK_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seen = {}
    now = link_signatures(state.volumes)
    outdated = {docname for docname in now.keys() | seen.keys() if now.get(docname) != seen.get(docname)}
    return sorted(docname for docname in outdated if docname in env.found_docs and docname not in changed)


def save_link_state(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: remember what the read pages link (the environment is saved right after)."""
    try:
        state = archive_state(env)
    except ArchiveStateMissing:
        return
    path = Path(app.doctreedir) / LINK_STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(link_signatures(state.volumes), ensure_ascii=False), encoding="utf-8")


def setup_volume_links(app: Sphinx) -> None:
    app.connect("doctree-read", add_volume_link, priority=450)  # Sphinx's download collector is at 500
    app.connect("env-get-outdated", relink_outdated)
    app.connect("env-updated", save_link_state)


# --- which books a LaTeX build makes ---------------------------------------------------------------


def planned_books(site: ArchiveState, config: ArchiveConfig, report: bool = False) -> list[Volume]:
    """The periodical volumes (none in ``single`` mode: ``conf.py``'s book is the archive), then
    the dossiers of ``postarchive_pdf_dossiers`` (with ``report``, a name the registry does not
    know, or no post mentions, is reported: once per build, from :func:`book_sources`)."""
    books = [] if config.pdf_volumes == SINGLE else group_volumes(site.posts, config.pdf_volumes, config.tz)
    for wanted in config.pdf_dossiers:
        company = site.registry.lookup(wanted)
        if company is None:
            if not report:
                continue
            logger.warning(
                "postarchive_pdf_dossiers: 「%s」はレジストリにありません: 企業別 PDF は作りません",
                wanted,
                type="postarchive",
                subtype="pdf",
            )
            continue
        posts = [post for post in site.posts if company.name in site.companies.get(post.docname, ())]
        dossier = dossier_volume(company.name, posts, config.tz, company.ticker)
        if dossier is None:
            if not report:
                continue
            logger.warning(
                "postarchive_pdf_dossiers: 「%s」に触れた記事がないため企業別 PDF は作りません",
                company.name,
                type="postarchive",
                subtype="pdf",
            )
            continue
        books.append(dossier)
    return books


def book_front(volume: Volume) -> list[str]:
    """What comes before the years: a dossier starts with the company's page."""
    return [entry_docname("company", volume.company)] if volume.company else []


def book_sources(site: ArchiveState, config: ArchiveConfig) -> dict[str, str]:
    pages: dict[str, str] = {}
    for volume in planned_books(site, config, report=True):
        pages.update(book_pages(volume, book_front(volume)))
    return pages
