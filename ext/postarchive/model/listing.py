"""Listings built for thousands of posts: ordered, grouped by year and month, split into pages.

Pure: a listing is a sequence of sections (a company page's 「主な記事」 first, then the rest), each
holding posts newest first; :func:`paginate` cuts it into pages of at most ``size`` posts, and each
page's posts come grouped by month, with each month's count over the whole section. The jump bar
(:func:`jump_bar`) links every year and the months of the years on the page to the page where they
start: its size grows with the years of the archive, never with its posts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..posts.post import Post
from .dates import month_key, newest_first
from .kinds import PAGE_SIZE, page_docname


@dataclass(frozen=True)
class Section:
    title: str  # "" for an untitled section (the whole listing)
    posts: tuple[Post, ...]


@dataclass(frozen=True)
class Group:
    """A run of one section's posts of one month on one page."""

    section: str
    month: tuple[int, int]
    posts: tuple[Post, ...]
    month_total: int  # the section's posts in this month, on every page
    continued: bool  # the month began on an earlier page


@dataclass(frozen=True)
class ListingPage:
    number: int  # 1-based
    count: int  # pages in all
    docname: str
    groups: tuple[Group, ...]

    @property
    def posts(self) -> list[Post]:
        return [post for group in self.groups for post in group.posts]


@dataclass(frozen=True)
class Jump:
    year: int
    year_total: int
    months: tuple[tuple[int, int, str], ...]  # (month, count, docname of the page where it starts)
    docname: str  # the page where the year starts


def company_sections(posts: Sequence[Post], main: Callable[[Post], bool], title: str) -> list[Section]:
    """A company's posts: those mainly about it first (``main``), then the rest, each newest first."""
    ordered = newest_first(posts)
    first = tuple(post for post in ordered if main(post))
    rest = tuple(post for post in ordered if not main(post))
    if not first:
        return [Section("", rest)]
    return [Section(title, first), *([Section("その他の記事", rest)] if rest else [])]


def paginate(sections: Sequence[Section], base: str, tz: dt.tzinfo, size: int = PAGE_SIZE) -> list[ListingPage]:
    """Pages of at most ``size`` posts (at least one page, maybe empty); ``base``: the first page's docname."""
    flat = [(section, post) for section in sections for post in section.posts]
    totals = Counter((section.title, month_key(post, tz)) for section, post in flat)
    count = max(1, -(-len(flat) // size))
    pages = []
    seen: set[tuple[str, tuple[int, int]]] = set()
    for number in range(1, count + 1):
        groups: list[Group] = []
        for section, post in flat[(number - 1) * size : number * size]:
            key = (section.title, month_key(post, tz))
            if groups and (groups[-1].section, groups[-1].month) == key:
                last = groups[-1]
                groups[-1] = Group(last.section, last.month, (*last.posts, post), last.month_total, last.continued)
                continue
            groups.append(Group(key[0], key[1], (post,), totals[key], key in seen))
            seen.add(key)
        pages.append(ListingPage(number, count, page_docname(base, number), tuple(groups)))
    return pages


def jump_bar(pages: Sequence[ListingPage], here: ListingPage | None = None) -> list[Jump]:
    """Years (newest first) of the listing's last section, each with the page where it starts; the
    months of the years shown on ``here`` too (a listing of one month has no jump bar)."""
    if not pages or not pages[-1].groups:
        return []
    section = pages[-1].groups[-1].section
    starts: dict[tuple[int, int], str] = {}
    totals: dict[tuple[int, int], int] = {}
    for page in pages:
        for group in page.groups:
            if group.section == section and group.month not in starts:
                starts[group.month] = page.docname
                totals[group.month] = group.month_total
    if len(starts) < 2:
        return []
    shown = {group.month[0] for group in here.groups} if here else set()
    jumps = []
    for year in sorted({year for year, _ in starts}, reverse=True):
        months = sorted((m for m in starts if m[0] == year), reverse=True)
        jumps.append(
            Jump(
                year,
                sum(totals[m] for m in months),
                tuple((m[1], totals[m], starts[m]) for m in months) if year in shown else (),
                starts[months[0]],
            )
        )
    return jumps


def pager_window(page: ListingPage, pages: Sequence[ListingPage], width: int = 2) -> list[ListingPage]:
    """The pages a pager names around ``page``: the first, the last and ``width`` on each side (bounded)."""
    numbers = {1, page.count, *range(page.number - width, page.number + width + 1)}
    return [pages[n - 1] for n in sorted(numbers) if 1 <= n <= page.count]


def every_post(pages: Iterable[ListingPage]) -> list[Post]:
    return [post for page in pages for post in page.posts]
