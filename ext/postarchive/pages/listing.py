"""A listing as generated MyST pages: grouped by month, a jump bar, a pager, ``…/page/<n>/`` documents.

The order, groups and pages come from :mod:`postarchive.model.listing`; this module writes them.
Page 1 is the entry's (or month's) own document; pages 2… are orphans (they are in no toctree, so
the book never prints them) reached through the pager, the jump bar and ``rel="prev"/"next"``.
Each page's front matter carries ``postarchive-listing: "<n>/<count>"`` for those links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..model.dates import format_date_jst
from ..model.listing import Jump, ListingPage, Section, jump_bar, pager_window, paginate
from ..pages.myst import doc_link, escape_inline
from ..posts.post import Post

LISTING_KEY = "postarchive-listing"  # front matter: "<page>/<pages>"


def post_item(post: Post, tz: dt.tzinfo, post_suffix: str) -> str:
    return f"- {format_date_jst(post.date, tz)} {doc_link(escape_inline(post.title), post.docname, post_suffix)}"


def jump_text(jumps: Sequence[Jump]) -> str:
    if not jumps:
        return ""
    items = []
    for jump in jumps:
        months = "".join(f" {doc_link(f'{month}月', docname)}（{count}）" for month, count, docname in jump.months)
        items.append(f"- {doc_link(f'{jump.year}年', jump.docname)}（{jump.year_total}件）{months}")
    return "\n".join(["```{container} archive-jumpbar", "", "**年月で探す**", "", *items, "```"])


def pager_text(page: ListingPage, pages: Sequence[ListingPage]) -> str:
    if page.count < 2:
        return ""
    parts = []
    if page.number > 1:
        parts.append(doc_link("← 前のページ", pages[page.number - 2].docname))
    last = 0
    for other in pager_window(page, pages):
        if other.number > last + 1:
            parts.append("…")
        parts.append(f"**{other.number}**" if other is page else doc_link(str(other.number), other.docname))
        last = other.number
    if page.number < page.count:
        parts.append(doc_link("次のページ →", pages[page.number].docname))
    return "\n".join(["```{container} archive-pager", "", " ".join(parts), "```"])


def groups_text(page: ListingPage, tz: dt.tzinfo, post_suffix: str, headed: bool, level: int) -> list[str]:
    lines: list[str] = []
    section = None
    for group in page.groups:
        if group.section and group.section != section:
            lines += [f"{'#' * level} {escape_inline(group.section)}", ""]
        section = group.section
        if headed:
            year, month = group.month
            more = "・続き" if group.continued else ""
            depth = level + 1 if group.section else level
            lines += [f"{'#' * depth} {year}年{month}月（{group.month_total}件{more}）", ""]
        lines += [post_item(post, tz, post_suffix) for post in group.posts]
        lines.append("")
    return lines


def listing_pages(
    title: str,
    base: str,
    sections: Sequence[Section],
    tz: dt.tzinfo,
    post_suffix: str,
    *,
    level: int = 2,
    empty: str = "まだ記事はありません。",
) -> tuple[str, dict[str, str], dict[str, str]]:
    """``(body of page 1, front matter of page 1, {path of page n: its whole text})``.

    ``title`` is already escaped MyST.
    """
    pages = paginate(sections, base, tz)
    months = {(group.section, group.month) for page in pages for group in page.groups}
    headed = len(months) > 1
    bodies: list[list[str]] = []
    for page in pages:
        body = [jump_text(jump_bar(pages, page)), ""] if headed else []
        body += groups_text(page, tz, post_suffix, headed, level) or [empty, ""]
        body += [pager_text(page, pages), ""]
        bodies.append(body)
    rest = {}
    for page, body in zip(pages[1:], bodies[1:], strict=True):
        front = f'---\norphan: true\n{LISTING_KEY}: "{page.number}/{page.count}"\n---\n\n'
        back = doc_link(f"{title}の最初のページへ", base)
        head = [f"# {title}（{page.number}/{page.count}ページ）", "", back, ""]
        rest[f"{page.docname}.md"] = front + "\n".join(head + body) + "\n"
    front_of_first = {LISTING_KEY: f"1/{len(pages)}"} if len(pages) > 1 else {}
    return "\n".join(bodies[0]), front_of_first, rest
