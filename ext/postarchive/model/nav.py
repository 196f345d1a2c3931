"""The archive's sidebar: years → the current year's months → the current month's posts.

pydata-sphinx-theme's own sidebar (``sidebar-nav-bs``) resolves the whole toctree below the page's
section for every page: Sphinx copies the table of contents of every document it can reach, hidden
toctrees included, whatever ``collapse`` says, and the theme reuses the result only for pages that share
an output folder, which posts at ``/YYYY/MM/DD/slug/`` never do. That makes writing the site
O(posts²). This sidebar is computed from the posts themselves: per page, the work is bounded by the
number of years, the months of one year and the posts of one month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..model.dates import month_key, newest_first
from ..posts.post import Post


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    current: bool = False  # this page or one of its ancestors
    here: bool = False  # this page
    children: tuple[NavItem, ...] = ()


@dataclass
class NavTree:
    """Posts by month, newest first, and where each archive page sits: docname → (year, month or 0)."""

    months: dict[tuple[int, int], list[tuple[str, str]]] = field(default_factory=dict)  # (docname, title)
    place: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({year for year, _ in self.months}, reverse=True)


def nav_tree(posts: Sequence[Post], tz: dt.tzinfo) -> NavTree:
    months: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    tree = NavTree()
    for post in newest_first(posts):
        key = month_key(post, tz)
        months[key].append((post.docname, post.title))
        tree.place[post.docname] = key
    tree.months = dict(months)
    for year, month in tree.months:
        tree.place[f"{year}/{month:02d}/index"] = (year, month)
        tree.place[f"{year}/index"] = (year, 0)
    return tree


def nav_items(tree: NavTree, pagename: str, uri: Callable[[str], str]) -> list[NavItem]:
    """The sidebar of ``pagename``; ``uri(docname)`` is the link from this page to a document."""
    year_here, month_here = tree.place.get(pagename, (0, 0))
    items = []
    for year in tree.years:
        children: tuple[NavItem, ...] = ()
        if year == year_here:
            months = sorted((m for y, m in tree.months if y == year), reverse=True)
            children = tuple(month_item(tree, year, month, month == month_here, pagename, uri) for month in months)
        docname = f"{year}/index"
        items.append(
            NavItem(f"{year}年", uri(docname), current=year == year_here, here=pagename == docname, children=children)
        )
    return items


def month_item(
    tree: NavTree, year: int, month: int, current: bool, pagename: str, uri: Callable[[str], str]
) -> NavItem:
    posts = tree.months[(year, month)]
    children: tuple[NavItem, ...] = ()
    if current:
        children = tuple(
            NavItem(title, uri(docname), current=docname == pagename, here=docname == pagename)
            for docname, title in posts
        )
    docname = f"{year}/{month:02d}/index"
    return NavItem(
        f"{month}月（{len(posts)}）", uri(docname), current=current, here=pagename == docname, children=children
    )
