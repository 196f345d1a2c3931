"""The archive's sidebar: years → the current year's months → the current month's posts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import Build, parse_html
from postarchive.model.nav import nav_items, nav_tree
from postarchive.posts.post import Post

JST = dt.timezone(dt.timedelta(hours=9))


def post(slug: str, when: str, title: str) -> Post:
    date = dt.datetime.fromisoformat(when)
    return Post(Path(f"{date:%Y-%m-%d}-{slug}.md"), slug, title, date, "", 1)


POSTS = [
    post("a", "2024-12-31T20:00:00+00:00", "JSTでは2025年1月"),  # 2025-01-01 05:00 JST
    post("b", "2025-01-15T10:00:00+09:00", "一月の記事"),
    post("c", "2025-02-01T10:00:00+09:00", "二月の記事"),
    post("d", "2023-05-01T10:00:00+09:00", "<script>alert(1)</script>"),
]


def flatten(items: list, depth: int = 0) -> list[tuple[int, str, bool]]:  # type: ignore[type-arg]
    out = []
    for item in items:
        out.append((depth, item.title, item.here))
        out += flatten(list(item.children), depth + 1)
    return out


def test_a_post_sees_years_its_months_and_its_month_only() -> None:
    tree = nav_tree(POSTS, JST)
    items = nav_items(tree, "2025/01/15/b/index", lambda docname: docname)
    assert flatten(items) == [
        (0, "2025年", False),
        (1, "2月（1）", False),
        (1, "1月（2）", False),
        (2, "一月の記事", True),
        (2, "JSTでは2025年1月", False),  # months follow the JST date, as the blog shows it
        (0, "2023年", False),
    ]
    assert items[0].current and items[0].children[1].current and not items[0].children[0].current


def test_pages_outside_the_archive_see_the_years() -> None:
    tree = nav_tree(POSTS, JST)
    assert flatten(nav_items(tree, "tags/index", str)) == [(0, "2025年", False), (0, "2023年", False)]
    assert [i.title for i in nav_items(tree, "2023/index", str)[1].children] == ["5月（1）"]


def test_sidebar_on_a_built_post_page(seeds_build: Build) -> None:
    html = seeds_build.post_html("/2025/10/09/2-gmoai/")
    nav = parse_html(html).find("nav", attrs={"aria-label": "年月別アーカイブ"})
    assert nav is not None
    links = {str(a["href"]): a.get_text().strip() for a in nav.find_all("a", href=True)}
    current = nav.find("a", attrs={"aria-current": "page"})
    assert current is not None and current["href"] == "#" and current.get_text().startswith("GMOがヒューマノイドAI")
    assert "../../21/2-ai-article-update/index.html" in links  # a post of the same month
    assert not any("1-ai-article-update" in href and "2-ai" not in href for href in links)  # not September's
    assert links.get("../../../09/index.html") == "9月（1）"
    assert nav.select(".bd-sidenav") and "sidebar-nav-bs" not in html
