"""The archive's sidebar: years → the current year's months → around the current post, its neighbours.

pydata-sphinx-theme's own sidebar (``sidebar-nav-bs``) resolves the whole toctree below the page's
section for every page: Sphinx copies the table of contents of every document it can reach, hidden
toctrees included, whatever ``collapse`` says, and the theme reuses the result only for pages that share
an output folder, which posts at ``/YYYY/MM/DD/slug/`` never do. That makes writing the site
O(posts²). This sidebar is computed from the posts themselves, and its size does not grow with the
archive: the years, the twelve months of the current year (with counts) and, on a
post, the post itself between its older and newer neighbours, with a link to its month's page
(which lists the month, 50 posts a page). The current item is near the top: no scrolling to find it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..model.dates import month_key, newest_first
from ..model.kinds import listing_base
from ..posts.post import Post


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    current: bool = False  # this page or one of its ancestors
    here: bool = False  # this page
    children: tuple[NavItem, ...] = ()
    kind: str = ""  # "newer", "older", "month": the links around a post


@dataclass
class NavTree:
    """Posts newest first, their count per month, and where each archive page sits:
    docname → (year, month or 0). ``position``: a post's index in ``posts``."""

    posts: list[tuple[str, str]] = field(default_factory=list)  # (docname, title), newest first
    months: dict[tuple[int, int], int] = field(default_factory=dict)  # (year, month) → posts
    place: dict[str, tuple[int, int]] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({year for year, _ in self.months}, reverse=True)


def nav_tree(posts: Sequence[Post], tz: dt.tzinfo) -> NavTree:
    months: dict[tuple[int, int], int] = defaultdict(int)
    tree = NavTree()
    for index, post in enumerate(newest_first(posts)):
        key = month_key(post, tz)
        months[key] += 1
        tree.posts.append((post.docname, post.title))
        tree.place[post.docname] = key
        tree.position[post.docname] = index
    tree.months = dict(months)
    for year, month in tree.months:
        tree.place[f"{year}/{month:02d}/index"] = (year, month)
        tree.place[f"{year}/index"] = (year, 0)
    return tree


def place_of(tree: NavTree, pagename: str) -> tuple[int, int]:
    """Where ``pagename`` sits; a listing's ``page/<n>/`` pages sit where their first page does."""
    return tree.place.get(pagename) or tree.place.get(listing_base(pagename), (0, 0))


def nav_items(tree: NavTree, pagename: str, uri: Callable[[str], str]) -> list[NavItem]:
    """The sidebar of ``pagename``; ``uri(docname)`` is the link from this page to a document."""
    year_here, month_here = place_of(tree, pagename)
    items = []
    for year in tree.years:
        children: tuple[NavItem, ...] = ()
        if year == year_here:
            months = sorted((m for y, m in tree.months if y == year), reverse=True)
            children = tuple(month_item(tree, year, month, month == month_here, pagename, uri) for month in months)
        docname = f"{year}/index"
        # no count on a year: every page shows the years, and a count there would make each new post
        # change (and rewrite) every page's sidebar; a month's count changes only its year's pages
        items.append(
            NavItem(f"{year}年", uri(docname), current=year == year_here, here=pagename == docname, children=children)
        )
    return items


def month_item(
    tree: NavTree, year: int, month: int, current: bool, pagename: str, uri: Callable[[str], str]
) -> NavItem:
    docname = f"{year}/{month:02d}/index"
    children = neighbours(tree, pagename, docname, uri) if current else ()
    return NavItem(
        f"{month}月（{tree.months[(year, month)]}）",
        uri(docname),
        current=current,
        here=listing_base(pagename) == docname,
        children=children,
    )


def neighbours(tree: NavTree, pagename: str, month_doc: str, uri: Callable[[str], str]) -> tuple[NavItem, ...]:
    """On a post: its newer neighbour, the post, its older neighbour (in time, across months), and its
    month's page. Nothing on other pages (the month's page lists the month)."""
    index = tree.position.get(pagename)
    if index is None:
        return ()
    items = []
    if index > 0:
        docname, title = tree.posts[index - 1]
        items.append(NavItem(f"次の記事: {title}", uri(docname), kind="newer"))
    items.append(NavItem(tree.posts[index][1], uri(pagename), current=True, here=True))
    if index + 1 < len(tree.posts):
        docname, title = tree.posts[index + 1]
        items.append(NavItem(f"前の記事: {title}", uri(docname), kind="older"))
    items.append(NavItem("この月の記事一覧", uri(month_doc), kind="month"))
    return tuple(items)
