"""Light enough to host the whole archive: what the deployed folder holds, pages whose size does not
grow with the archive (sidebar, listings), charts without JavaScript, a Japanese UI.

Real Sphinx builds: the seeds, and archives of tiny posts in one month (20 and 60 of them), whose
sidebars and listings are compared.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment
from conftest import Build, copy_docs, run_build

JST = dt.timezone(dt.timedelta(hours=9))
PAGE_SIZE = 50
# What a reader's browser fetches from the deployed folder; anything else there is a build leftover.
FETCHED_JSON = re.compile(r"^(catalog\.json|feed\.json|_static/search/.+\.json)$")
# English the theme, Sphinx or an extension would show; the UI is Japanese.
ENGLISH_UI = (
    "Search the docs",
    "System Settings",
    "Color mode",
    "Link to this heading",
    "Copyright",
    "View diagram in fullscreen",
    "Skip to main content",
    "Back to top",
    "Icon Links",
    "On this page",
    "Light",
    "Dark",
    "previous",
    "next",
)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def tiny_posts(folder: Path, count: int, tag: str = "共通") -> Path:
    """``count`` tiny posts, all in October 2025, all with the tag ``tag``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        day = 1 + i % 28
        (folder / f"2025-10-{day:02d}-p{i:03d}.md").write_text(
            f"---\ntitle: 十月の記事{i:03d}\ndate: 2025-10-{day:02d} {i % 24:02d}:00:00 +0900\n"
            f"tags: [{tag}]\ncategories: [分析]\nauthor: 編集部\n---\n\n本文{i}。\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Build]:
    builds: dict[int, Build] = {}

    def build(count: int) -> Build:
        if count not in builds:
            root = tmp_path_factory.mktemp(f"tiny{count}")
            builds[count] = run_build(copy_docs(root / "docs"), tiny_posts(root / "posts", count))
        return builds[count]

    return build


# --- the deployed folder --------------------------------------------------------------------------


def test_the_deployed_folder_holds_only_what_readers_fetch(seeds_build: Build) -> None:
    out = seeds_build.outdir
    files = [path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()]
    assert files
    leftovers = [
        name
        for name in files
        if name.endswith((".pickle", ".doctree", ".map", ".mo", ".po", ".tmp"))
        or ".doctrees" in name.split("/")
        or name.endswith("webpack-macros.html")
        or (name.endswith(".json") and not FETCHED_JSON.match(name))
        or name.rsplit("/", 1)[-1] in ("docs.json", "tier.json")  # search tiers' fingerprints
    ]
    assert leftovers == []
    assert not (out / "_sources").exists() and not (out / "_static" / "mermaid").exists()
    # the caches are beside the doctrees, where the next build finds them
    doctrees = Path(seeds_build.app.doctreedir)
    assert (doctrees / "postarchive-feeds.json").is_file()
    assert list((doctrees / "postarchive-search").glob("*/docs.json"))


# --- the sidebar ------------------------------------------------------------------------------------


def sidebar(page: Path) -> str:
    nav = soup(page).find("nav", attrs={"aria-label": "年月別アーカイブ"})
    assert nav is not None
    return str(nav)


def test_the_sidebar_does_not_grow_with_the_posts_of_a_month(tiny_build: Callable[[int], Build]) -> None:
    sizes = []
    for count in (20, 60):
        build = tiny_build(count)
        middle = sorted(build.outdir.glob("2025/10/*/p*/index.html"))[count // 2]
        nav = sidebar(middle)
        sizes.append(len(nav))
        links = BeautifulSoup(nav, "html.parser").find_all("a")
        assert len(links) <= 8, [a.get_text() for a in links]  # year, month, two neighbours, the month page
        assert any(a.get("aria-current") == "page" for a in links)
    assert abs(sizes[1] - sizes[0]) <= 16, sizes  # the same links; only the counts' digits differ


# --- listings ---------------------------------------------------------------------------------------


def listing_links(page: Path) -> set[str]:
    """The posts a listing page links (by their folder), pager and jump bar left out."""
    article = soup(page).find("article")
    assert article is not None
    found = set()
    for link in article.find_all("a", href=True):
        target = (page.parent / link["href"].split("#")[0]).resolve()
        if re.search(r"/2025/10/\d\d/p\d{3}/index\.html$", target.as_posix()):
            found.add(target.parent.name)
    return found


def test_listings_are_pages_of_fifty_that_reach_every_post(tiny_build: Callable[[int], Build]) -> None:
    build = tiny_build(60)
    out = build.outdir
    every = {f"p{i:03d}" for i in range(60)}
    for base in ("tags/共通", "categories/分析", "authors/編集部", "2025/10"):
        pages = [out / base / "index.html", *sorted((out / base / "page").glob("*/index.html"))]
        assert len(pages) == 2, pages
        seen: set[str] = set()
        for page in pages:
            links = listing_links(page)
            assert 0 < len(links) <= PAGE_SIZE
            seen |= links
        assert seen == every  # crawlable: every post through the pages
        first, second = (soup(page) for page in pages)
        assert first.find("link", rel="next")["href"] == "page/2/index.html"
        assert second.find("link", rel="prev")["href"] == "../../index.html"
        pager = first.find(class_="archive-pager")
        assert pager is not None and "次のページ" in pager.get_text()
        assert "（2/2ページ）" in second.find("h1").get_text()


def test_the_pdf_lists_the_whole_month_and_no_pager(tmp_path: Path) -> None:
    srcdir = copy_docs(tmp_path / "docs")
    build = run_build(srcdir, tiny_posts(tmp_path / "posts", 60), builder="latex")
    tex = next(build.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "次のページ" not in tex and "page/2" not in tex
    assert all(f"十月の記事{i:03d}" in tex for i in range(60))


# --- charts -----------------------------------------------------------------------------------------


def test_the_home_chart_is_an_svg_with_a_bar_per_month_and_a_table(seeds_build: Build) -> None:
    home = soup(seeds_build.outdir / "index.html")
    chart = home.find("figure", class_="archive-chart")
    assert chart is not None
    bars = chart.find_all("rect", class_="archive-chart-bar")
    titles = [bar.find("title").get_text() for bar in bars]
    assert [t.split(":")[0].removesuffix("（集計中）") for t in titles] == ["2025-09", "2025-10", "2025-11"]
    assert [t.split(": ")[1] for t in titles] == ["1件", "3件", "1件"]  # the seeds: 1, 3 and 1 posts
    rows = [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in chart.find("tbody").find_all("tr")]
    assert rows == [["2025年9月", "1件"], ["2025年10月", "3件"], ["2025年11月", "1件"]]
    assert chart.find("details") is not None and chart.find("svg")["role"] == "img"


def test_no_page_loads_mermaid_without_a_diagram(seeds_build: Build) -> None:
    for page in seeds_build.outdir.rglob("*.html"):
        html = soup(page)
        if html.find(class_="mermaid") is None:
            scripts = " ".join(str(script) for script in html.find_all("script"))
            assert "mermaid" not in scripts, page


# --- Japanese UI ------------------------------------------------------------------------------------


def visible_ui_text(page: Path) -> list[str]:
    """Every text and label a reader sees or hears, the page's own content left out."""
    html = soup(page)
    for tag in html(["script", "style", "article"]):
        tag.decompose()
    texts = [text.strip() for text in html.find_all(string=True) if text.strip() and not isinstance(text, Comment)]
    for tag in html.find_all(True):
        texts += [str(tag[attr]) for attr in ("title", "aria-label", "placeholder", "alt") if tag.get(attr)]
    return texts


def test_the_ui_has_no_english(seeds_build: Build) -> None:
    out = seeds_build.outdir
    pages = [
        out / "index.html",
        out / "2025/10/09/2-gmoai/index.html",
        out / "companies/NVIDIA/index.html",
        out / "tags/AI/index.html",
        out / "search.html",
        out / "genindex.html",
    ]
    for page in pages:
        html = soup(page)
        headerlinks = {a.get("title") for a in html.find_all("a", class_="headerlink")}
        assert headerlinks <= {"この見出しへのリンク", "この項目へのリンク", "この表へのリンク"}, (page, headerlinks)
        english = [
            text
            for text in visible_ui_text(page)
            if any(re.search(rf"\b{re.escape(word)}\b", text) for word in ENGLISH_UI)
        ]
        assert english == [], (page, english)
