"""Whole-site builds: the seeds and the 300-post corpus served at their Jekyll permalinks."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from conftest import CORPUS, SEEDS, Build, article_of, parse_html
from postarchive.config import ArchiveConfig
from postarchive.model.permalinks import JekyllSite, jekyll_url
from postarchive.posts.reading import read_post

JST = ArchiveConfig().tz  # the display timezone the archive is configured with

REPAIRED_TITLES = {
    "/2025/11/10/3-gmogpu/": "GMOのGPUクラウド、NVIDIA B300対応の真意とは？AIインフラ競争の行方を読み解く",
    "/2025/10/11/2-beyond/": "ソフトバンクらが描く「Beyond AI」の真意とは？研究組合設立が示す日本のAI戦略の転換点",
    "/2025/10/22/2-ai-article-update/": "「日本GPUアライアンス」の設立が示す、国内AIインフラの新たな夜明けとは？",
}


def article_text(html: str) -> str:
    """The text of the page's main content ("" for a page without one, such as a redirect)."""
    found = parse_html(html).select_one("article.bd-article")
    return found.get_text() if found is not None else ""


def test_every_seed_is_served_at_its_permalink(seeds_build: Build) -> None:
    for path in sorted(SEEDS.glob("*.md")):
        post = read_post(path, tz=JST).post
        assert post is not None
        url = jekyll_url(post, JekyllSite())  # the date in the blog's timezone, as Jekyll serves it
        page = seeds_build.outdir / url.strip("/") / "index.html"
        assert page.is_file(), url
        assert f"<h1>{post.title}" in unescape(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("permalink", sorted(REPAIRED_TITLES))
def test_repaired_titles_are_shown_once(seeds_build: Build, permalink: str) -> None:
    html = seeds_build.post_html(permalink)
    assert article_text(html).count(REPAIRED_TITLES[permalink]) == 1
    title = parse_html(html).find("title")
    assert title is not None and REPAIRED_TITLES[permalink] in title.get_text()


def test_no_markers_or_stray_emphasis_anywhere(seeds_build: Build) -> None:
    for page in seeds_build.outdir.rglob("*.html"):
        text = article_text(page.read_text(encoding="utf-8"))
        assert "---END---" not in text, page
        assert "**" not in text, page


def test_cjk_emphasis_is_bold(seeds_build: Build) -> None:
    html = seeds_build.post_html("/2025/10/09/2-gmoai/")
    # the company name inside may be linked (first mention): compare the text of the bold run
    bold = [node for node in article_of(html).find_all("strong") if "AIRoA" in node.get_text()]
    assert [node.get_text() for node in bold] == ["AIロボット協会（AIRoA）"]
    assert str(bold[0].next_sibling).startswith("にも")


def test_post_header_shows_jst_date_and_links(seeds_build: Build) -> None:
    html = seeds_build.post_html("/2025/10/22/2-ai-article-update/")
    assert "2025年10月22日（水）" in html  # 20:37 UTC on the 21st is the 22nd in JST
    assert 'href="../../../../tags/%E3%83%81%E3%83%83%E3%83%97/index.html' in html  # タグ: チップ
    assert "categories/" in html and "authors/" in html


def test_landing_page_links_every_post_newest_first(seeds_build: Build) -> None:
    html = seeds_build.html("index")
    links = [
        href.removesuffix("/index.html")
        for anchor in article_of(html).find_all("a", href=True)
        if (href := str(anchor["href"]))[:4].isdigit() and href.count("/") == 4
    ]
    expected = ["2025/11/10/3-gmogpu", "2025/10/22/2-ai-article-update", "2025/10/11/2-beyond"]
    assert links[:3] == expected
    assert {link for link in links} >= {"2025/10/09/2-gmoai", "2025/09/18/1-ai-article-update"}
    assert "sd-card" in html  # sphinx-design cards


def test_navigation_is_nested_year_month_post(seeds_build: Build) -> None:
    assert (seeds_build.outdir / "2025" / "index.html").is_file()
    month = seeds_build.html("2025/10/index")
    assert month.count('href="09/2-gmoai/index.html"') + month.count('href="../10/09/2-gmoai/index.html"') >= 1
    # the root toctree does not list posts: only the year → month → post chain does
    root_doctree_toc = seeds_build.app.env.tocs["index"].astext()
    assert "GMOがヒューマノイド" not in root_doctree_toc


def test_japanese_ui_and_theme(seeds_build: Build) -> None:
    html = seeds_build.html("index")
    assert '<html lang="ja"' in html
    assert "pydata" in html or "bd-header" in html


def test_generated_pages_are_rewritten_only_when_changed(archive_factory) -> None:  # type: ignore[no-untyped-def]
    first = archive_factory()
    page = first.srcdir / "2025/10/09/2-gmoai/index.post.md"
    before = page.stat().st_mtime_ns
    from conftest import run_build

    second = run_build(first.srcdir, first.posts_dir)
    assert page.stat().st_mtime_ns == before
    assert "0 written" in second.app._status.getvalue()  # type: ignore[attr-defined]
    # deleting a post removes its generated page
    (first.posts_dir / "2025-10-09-2-gmoai.md").unlink()
    run_build(first.srcdir, first.posts_dir)
    assert not page.exists()
    assert not (first.srcdir / "2025/10/09").exists()


def test_links_between_posts_are_checked(archive_factory) -> None:  # type: ignore[no-untyped-def]
    linking = Path(__file__).parent / "data" / "2025-10-12-links.md"
    build = archive_factory([*sorted(SEEDS.glob("*.md")), linking])
    html = build.post_html("/2025/10/12/links/")
    assert 'href="../../09/2-gmoai/index.html"' in html
    missing = [line for line in build.warnings.splitlines() if "2025/01/01/missing" in line]
    assert len(missing) == 1
    assert "2025-10-12-links.md:8" in missing[0]


def test_dollar_amounts_stay_money(archive_factory) -> None:  # type: ignore[no-untyped-def]
    build = archive_factory([*sorted(SEEDS.glob("*.md")), Path(__file__).parent / "data" / "2025-10-12-links.md"])
    page = article_of(build.post_html("/2025/10/12/links/"))
    assert "$60 から $100" in page.get_text()
    assert not page.select(".math, math")


@pytest.mark.slow
def test_corpus_builds_with_every_post_at_its_permalink(corpus_build: Build) -> None:
    assert "ERROR" not in corpus_build.warnings
    assert "Traceback" not in corpus_build.warnings
    posts = sorted(CORPUS.glob("*.md"))
    assert len(posts) == 300
    for path in posts:
        post = read_post(path, tz=JST).post
        assert post is not None, path
        url = jekyll_url(post, JekyllSite())
        assert (corpus_build.outdir / url.strip("/") / "index.html").is_file(), url


def test_headings_are_demoted_and_anchored_distinctly(archive_factory) -> None:  # type: ignore[no-untyped-def]
    build = archive_factory([Path(__file__).parent / "data" / "2025-10-13-headings.md"])
    page = article_of(build.post_html("/2025/10/13/headings/"))

    def headings(level: int) -> list[str]:
        return [h.get_text().strip() for h in page.find_all(f"h{level}")]

    assert [h.startswith("見出しのテスト") for h in headings(1)] == [True]
    assert any(h.startswith("本文の中の大見出し") for h in headings(2))
    summaries = [h for h in page.find_all("h3") if h.get_text().startswith("まとめ")]
    assert len(summaries) == 2
    anchors = [str(h.find_previous_sibling("span")["id"]) for h in summaries]  # type: ignore[index]
    assert anchors == ["まとめ", "まとめ-1"]  # readable Japanese anchors, distinct for repeated headings
    assert any(h.startswith("いきなり深い見出し") for h in headings(4))  # no jump from h3 to h5
    assert "myst.header" not in build.warnings and "WARNING" not in build.warnings
    assert '<meta content="見出しの扱いを確かめる記事" name="description" />' in build.post_html(
        "/2025/10/13/headings/"
    )


def test_unknown_front_matter_is_kept_as_page_metadata(archive_factory) -> None:  # type: ignore[no-untyped-def]
    build = archive_factory([Path(__file__).parent / "data" / "2025-10-13-headings.md"])
    meta = build.app.env.get_domain("archive").post_meta("2025/10/13/headings/index")
    assert meta is not None
    assert meta.extra == {"pillar_article": True}
    assert meta.description == "見出しの扱いを確かめる記事"
