"""The archive's sidebar: years → the current year's months → around a post, its neighbours; its size
does not grow with the archive."""

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


def test_a_post_sees_years_its_months_and_its_neighbours_only() -> None:
    tree = nav_tree(POSTS, JST)
    items = nav_items(tree, "2025/01/15/b/index", lambda docname: docname)
    assert flatten(items) == [
        (0, "2025年", False),
        (1, "2月（1）", False),
        (1, "1月（2）", False),
        (2, "次の記事: 二月の記事", False),  # neighbours in time, across months
        (2, "一月の記事", True),
        (2, "前の記事: JSTでは2025年1月", False),  # months follow the JST date, as the blog shows it
        (2, "この月の記事一覧", False),
        (0, "2023年", False),
    ]
    assert items[0].current and items[0].children[1].current and not items[0].children[0].current
    assert items[0].children[1].children[3].url == "2025/01/index"


def test_pages_outside_the_archive_see_the_years() -> None:
    tree = nav_tree(POSTS, JST)
    assert flatten(nav_items(tree, "tags/index", str)) == [(0, "2025年", False), (0, "2023年", False)]
    assert [i.title for i in nav_items(tree, "2023/index", str)[1].children] == ["5月（1）"]
    # the second page of a month's listing sits where the month does; a month page lists no posts
    month = nav_items(tree, "2025/01/page/2/index", str)[0].children[1]
    assert month.current and month.here and month.children == ()


def test_the_sidebar_does_not_grow_with_the_posts_of_a_month() -> None:
    """N and 3N posts in one month: the sidebar of a post is the same size (to the digits of a count)."""

    def sidebar_size(count: int) -> int:
        posts = [
            post(f"p{i}", f"2025-10-{1 + i % 28:02d}T{i % 24:02d}:00:00+09:00", f"十月の記事{i:04d}")
            for i in range(count)
        ]
        tree = nav_tree(posts, JST)
        return len(repr(nav_items(tree, posts[count // 2].docname, str)))

    small, large = sidebar_size(100), sidebar_size(300)
    assert abs(large - small) <= 8, (small, large)


def test_sidebar_on_a_built_post_page(seeds_build: Build) -> None:
    html = seeds_build.post_html("/2025/10/09/2-gmoai/")
    nav = parse_html(html).find("nav", attrs={"aria-label": "年月別アーカイブ"})
    assert nav is not None
    links = {str(a["href"]): a.get_text().strip() for a in nav.find_all("a", href=True)}
    current = nav.find("a", attrs={"aria-current": "page"})
    assert current is not None and current["href"] == "#" and current.get_text().startswith("GMOがヒューマノイドAI")
    assert links["../../11/2-beyond/index.html"].startswith("次の記事: ")  # the newer neighbour
    assert links["../../../09/18/1-ai-article-update/index.html"].startswith("前の記事: ")  # the month before
    assert not any("2-ai-article-update" in href for href in links)  # not the rest of the month
    assert links.get("../../index.html") == "この月の記事一覧"
    assert links.get("../../../09/index.html") == "9月（1）"
    assert nav.select(".bd-sidenav") and "sidebar-nav-bs" not in html
