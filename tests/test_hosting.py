"""A hostable site: Atom feeds, permalink sitemap, robots.txt, social meta, canonical URLs, 404 page,
Mermaid served locally, the posts-per-month chart. Pure functions first, then real builds."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import parse_html
from defusedxml import ElementTree
from postarchive.builders.html.feeds import FeedItem, feed_items, plan_feeds, render_atom, xml_text
from postarchive.builders.html.hosting import first_paragraph, permalink_sitemap, robots_txt
from postarchive.cli import generated_paths_regex
from postarchive.model.schema import PostMeta
from postarchive.model.urls import absolute_url, base_path, normalize_baseurl, permalink_path, resolve_against
from postarchive.pages.chart import posts_per_month, posts_per_month_chart
from postarchive.posts.post import Post

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/archive/"
JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"


# --- pure ---------------------------------------------------------------------------------------


def test_urls() -> None:
    assert normalize_baseurl("https://h/x") == "https://h/x/"
    assert normalize_baseurl("") == ""
    assert base_path("https://h/x/") == "/x/"
    assert base_path("https://h") == "/"
    assert permalink_path("index.html") == ""
    assert permalink_path("2024/01/05/alpha/index.html") == "2024/01/05/alpha/"
    assert permalink_path("genindex.html") == "genindex.html"
    assert permalink_path("tags/AI/") == "tags/AI/"
    assert absolute_url("https://h/x", "/tags/半導体/") == "https://h/x/tags/" + quote("半導体") + "/"
    assert resolve_against("https://h/x/", "/assets/a b.png") == "https://h/x/assets/a%20b.png"
    assert resolve_against("https://h/x/", "https://cdn.example/a.png") == "https://cdn.example/a.png"
    assert resolve_against("https://h/x/", "") == ""


def post(day: dt.date, slug: str, tags: tuple[str, ...] = ()) -> Post:
    moment = dt.datetime(day.year, day.month, day.day, 12, tzinfo=JST)
    return Post(Path(f"{day}-{slug}.md"), slug, slug, moment, "本文", 5, tags=tags)


def test_posts_per_month_fills_empty_months() -> None:
    posts = [post(dt.date(2024, 11, 3), "a"), post(dt.date(2025, 2, 1), "b"), post(dt.date(2025, 2, 9), "c")]
    series = posts_per_month(posts, JST, today=(2025, 2))
    assert list(zip(series.months, series.counts, strict=True)) == [
        ((2024, 11), 1),
        ((2024, 12), 0),
        ((2025, 1), 0),
        ((2025, 2), 2),
    ]
    chart = posts_per_month_chart(posts, JST, today=(2025, 2))
    assert chart.startswith("````{archive-chart}\n:title: 月別の記事数\n:partial: 2025-02\n")
    assert "2024-12 0\n2025-01 0\n2025-02 2\n" in chart
    assert posts_per_month_chart([], JST) == ""


def test_a_post_dated_9999_does_not_make_a_chart_of_95000_months() -> None:
    posts = [post(dt.date(2025, 1, 5), "a"), post(dt.date(9999, 12, 31), "typo")]
    series = posts_per_month(posts, JST, today=(2025, 3))
    assert series.months[0] == (2025, 1) and series.months[-1] == (2026, 3)  # up to a year after the build
    assert series.omitted == 1 and series.total == 1
    assert len(posts_per_month([post(dt.date(1900 + y, 1, 1), f"p{y}") for y in range(0, 126, 5)], JST).months) <= 240


def post_meta(title: str, date: str, **fields: object) -> PostMeta:
    return PostMeta.from_dict({"title": title, "date": date, **fields})


def items() -> list[FeedItem]:
    records = [
        ("2024/01/05/a/index", post_meta("A\x0b<&>", "2024-01-05T10:00:00+09:00", tags=["AI"])),
        ("2024/03/10/b/index", post_meta("B", "2024-03-10T09:30:00+09:00", tags=["AI"], companies=["KDDI"])),
    ]
    return feed_items(records, lambda docname: BASE + permalink_path(docname + ".html"))


def test_feed_items_newest_first() -> None:
    result = items()
    assert [item.title for item in result] == ["B", "A\x0b<&>"]
    assert result[0].url == BASE + "2024/03/10/b/"
    assert result[0].companies == ("KDDI",)


def test_plan_feeds_per_tag_and_company_only_with_a_page() -> None:
    specs = plan_feeds(
        items(),
        site_title="T",
        baseurl=BASE,
        count=1,
        page_url_of=lambda docname: BASE + docname,
        has_page=lambda docname: docname != "tags/missing/index",
    )
    by_path = {spec.path: spec for spec in specs}
    assert set(by_path) == {"atom.xml", "feed.xml", "tags/AI/atom.xml", "companies/KDDI/atom.xml"}
    assert [item.title for item in by_path["atom.xml"].items] == ["B"]  # count=1
    assert by_path["companies/KDDI/atom.xml"].feed_url == BASE + "companies/KDDI/atom.xml"
    assert "KDDI" in by_path["companies/KDDI/atom.xml"].title


def test_render_atom_parses_and_is_reproducible() -> None:
    spec = plan_feeds(items(), site_title="T", baseurl=BASE, count=5, page_url_of=lambda d: BASE + d)[0]
    first = render_atom(spec, author="編集部")
    assert first == render_atom(spec, author="編集部")
    feed = ElementTree.fromstring(first)
    assert feed.findtext(f"{ATOM}updated") == "2024-03-10T09:30:00+09:00"  # newest post, not the clock
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["B", "A<&>"]  # the control character is gone, the rest escaped by XML
    assert xml_text("a\x00b\tc") == "ab\tc"


def test_permalink_sitemap_completes_and_rewrites() -> None:
    written = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://example.org/archive/2024/01/05/a/index.html</loc></url>"
        b"<url><loc>https://example.org/archive/genindex.html</loc></url>"
        + "<url><loc>https://example.org/archive/tags/半導体/index.html</loc></url></urlset>".encode()
    )
    links = ["index.html", "2024/03/10/b/index.html", "tags/半導体/index.html"]
    result = ElementTree.fromstring(permalink_sitemap(written, BASE.rstrip("/"), links))
    assert [loc.text for loc in result.iter(f"{SITEMAP}loc")] == [
        BASE,
        BASE + "2024/01/05/a/",
        BASE + "2024/03/10/b/",
        BASE + "genindex.html",
        BASE + "tags/%E5%8D%8A%E5%B0%8E%E4%BD%93/",
    ]
    assert robots_txt(BASE) == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"


def test_first_paragraph_skips_post_header() -> None:
    from docutils import nodes
    from docutils.utils import new_document

    document = new_document("test")
    section = nodes.section()
    section += nodes.title("", "題")
    header = nodes.container(classes=["post-meta"])
    header += nodes.paragraph("", "2024年1月5日 タグ: AI")
    section += header
    section += nodes.paragraph("", "本当の  最初の段落。")
    document += section
    assert first_paragraph(document) == "本当の 最初の段落。"
    assert first_paragraph(document, limit=4) == "本当の…"


# --- builds -------------------------------------------------------------------------------------


def html_of(app: Any, docname: str) -> str:
    return (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")


def meta(html: str, key: str) -> list[str]:
    """The values of ``<meta property=key>`` / ``<meta name=key>`` in the page's head."""
    tags = parse_html(html).find_all("meta")
    return [str(tag.get("content", "")) for tag in tags if key in (tag.get("property"), tag.get("name"))]


POSTS = {
    "2024/01/05/alpha/index": "アルファ",
    "2024/03/10/beta/index": "ベータの記事",
    "2024/03/20/gamma/index": "ガンマの記事",
}


@pytest.mark.sphinx("html", testroot="hosting-site", srcdir="hosting-build", copy_test_root=True)
def test_site_build(app: Any) -> None:
    app.build()
    out = Path(app.outdir)
    assert app.config.html_baseurl == BASE

    # feeds: root (twice), per tag; newest `postarchive_feed_count` = 2 posts; titles as written
    feed = ElementTree.parse(out / "atom.xml").getroot()
    assert feed.findtext(f"{ATOM}id") == BASE + "atom.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["ガンマの記事", "ベータの記事"]
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        BASE + "2024/03/20/gamma/",
        BASE + "2024/03/10/beta/",
    ]
    assert (out / "feed.xml").read_bytes() == (out / "atom.xml").read_bytes().replace(b"/atom.xml", b"/feed.xml")
    tag_feed = ElementTree.parse(out / "tags" / "半導体" / "atom.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in tag_feed.findall(f"{ATOM}entry")] == [
        "ガンマの記事",
        'アルファ <速報> & "引用"',
    ]
    assert (out / "tags" / "AI" / "atom.xml").is_file()

    # sitemap: every page at its permalink, no index.html; robots.txt points to it
    sitemap = ElementTree.parse(out / "sitemap.xml").getroot()
    loc_list = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    locs = set(loc_list)
    assert len(loc_list) == len(locs), "no page twice"
    assert all(loc.isascii() for loc in loc_list), "URLs are percent-encoded"
    for docname in POSTS:
        assert BASE + docname.removesuffix("index") in locs
    assert BASE in locs
    assert BASE + "tags/" + quote("半導体") + "/" in locs
    assert not [loc for loc in locs if loc.endswith("/index.html") or "search.html" in loc or "404" in loc]
    assert (out / "robots.txt").read_text() == robots_txt(BASE)

    # every post page: og:title, a description (never the date line), canonical permalink
    for docname, title in POSTS.items():
        html = html_of(app, docname)
        url = BASE + docname.removesuffix("index")
        assert meta(html, "og:title") and meta(html, "og:title")[0].startswith(title)
        assert meta(html, "og:url") == [url]
        assert f'<link rel="canonical" href="{url}" />' in html
        assert meta(html, "og:type") == ["article"]
        assert meta(html, "og:description") and meta(html, "description")
        assert "年" not in meta(html, "og:description")[0]
        assert 'type="application/atom+xml"' in html
    alpha = html_of(app, "2024/01/05/alpha/index")
    assert meta(alpha, "og:description") == ["アルファの要約です。"]
    # its image is a site path the archive does not have (no postarchive_image_dir): never advertised
    # (tests/test_front_matter_fields.py checks the image that is there)
    assert meta(alpha, "og:image") == []
    assert meta(alpha, "twitter:card") == ["summary"]
    assert meta(alpha, "og:title") == ['アルファ <速報> & "引用"']  # escaped in the HTML, read back by the parser
    assert "<速報>" not in alpha
    beta = html_of(app, "2024/03/10/beta/index")
    assert meta(beta, "og:description") == ["ベータの本文の最初の段落です。"]
    assert meta(beta, "description") == ["ベータの本文の最初の段落です。"]
    assert meta(beta, "twitter:card") == ["summary"]

    # a tag page links its own feed
    tag_page = html_of(app, "tags/半導体/index")
    assert f'href="{BASE}tags/{quote("半導体")}/atom.xml"' in tag_page
    # generated pages describe themselves (not the text of their tables)
    assert meta(tag_page, "og:description")[0].startswith("タグ「半導体」の記事 2 件: ")
    assert meta(tag_page, "description") == meta(tag_page, "og:description")

    # 404 page with absolute asset URLs under the base path; favicon-free root works too
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/archive/_static/' in not_found

    # the landing page's chart is an inline SVG drawn at build time: no Mermaid, no script, no CDN
    index = html_of(app, "index")
    assert 'class="archive-chart-svg"' in index and 'class="mermaid"' not in index
    assert "mermaid.esm.min.mjs" not in index
    for page in out.rglob("*.html"):
        assert "cdn.jsdelivr" not in page.read_text(encoding="utf-8"), page
    assert not (out / "_static" / "mermaid").exists()  # no page has a diagram: the bundle stays out


@pytest.mark.sphinx(
    "html",
    testroot="hosting-site",
    srcdir="hosting-incremental",
    copy_test_root=True,
)
def test_incremental_build_keeps_sitemap_complete_and_feeds_stable(app: Any, make_app: Any) -> None:
    app.build()
    out = Path(app.outdir)
    feed_before = (out / "atom.xml").read_bytes()
    sitemap_before = (out / "sitemap.xml").read_bytes()
    source = Path(app.srcdir) / "posts" / "2024-03-10-beta.md"
    time.sleep(0.01)
    source.write_text(source.read_text(encoding="utf-8").replace("二つ目", "二番目"), encoding="utf-8")
    again = make_app("html", srcdir=Path(app.srcdir))
    again.build()
    assert (out / "sitemap.xml").read_bytes() == sitemap_before  # still every page, not just the rebuilt one
    assert (out / "atom.xml").read_bytes() == feed_before  # nothing in the feed changed, so neither did the file


@pytest.mark.sphinx(
    "html",
    testroot="hosting-site",
    srcdir="hosting-parallel",
    copy_test_root=True,
    parallel=2,
    confoverrides={"postarchive_feed_count": 10},
)
def test_parallel_build_feeds_every_post(app: Any) -> None:
    """Feeds read the domain's post records after the parallel readers merged them."""
    app.build()
    out = Path(app.outdir)
    entries = ElementTree.parse(out / "atom.xml").getroot().findall(f"{ATOM}entry")
    assert len(entries) == len(POSTS)
    ai = ElementTree.parse(out / "tags" / "AI" / "atom.xml").getroot().findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in ai] == ["ベータの記事", 'アルファ <速報> & "引用"']


@pytest.mark.sphinx("dirhtml", testroot="hosting-site", srcdir="hosting-dirhtml", copy_test_root=True)
def test_dirhtml_build_has_the_same_urls(app: Any) -> None:
    app.build()
    out = Path(app.outdir)
    entries = ElementTree.parse(out / "atom.xml").getroot().findall(f"{ATOM}entry")
    assert entries[0].find(f"{ATOM}link").get("href") == BASE + "2024/03/20/gamma/"
    locs = {loc.text for loc in ElementTree.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")}
    assert BASE + "2024/01/05/alpha/" in locs


@pytest.mark.sphinx("text", testroot="hosting-site", srcdir="hosting-text", copy_test_root=True)
def test_no_feeds_for_other_builders(app: Any) -> None:
    app.build()
    assert not (Path(app.outdir) / "atom.xml").exists()
    assert not (Path(app.outdir) / "robots.txt").exists()


def test_theme_loads_nothing_external() -> None:
    """pydata-sphinx-theme's own CSS and JS reference no font or icon host (all are bundled)."""
    import pydata_sphinx_theme

    static = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    external = re.compile(r"""url\(\s*['"]?(?:https?:)?//|@import\s+['"]?(?:url\()?\s*['"]?(?:https?:)?//""")
    for css in static.rglob("*.css"):
        assert not external.search(css.read_text(encoding="utf-8", errors="replace")), css


# --- deployment and live preview ----------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def test_deployments_build_with_the_same_make_targets() -> None:
    import yaml

    rtd = yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))
    commands = rtd["build"]["commands"]
    assert any(c.startswith("make html") for c in commands)
    assert any(c.startswith("make latexpdf") for c in commands)
    assert any("$READTHEDOCS_OUTPUT/html" in c for c in commands)
    assert any("$READTHEDOCS_OUTPUT/pdf" in c for c in commands)
    pages = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = pages["jobs"]["build"]["steps"]
    make = next(step for step in steps if step.get("run", "").startswith("make html"))
    assert "POSTARCHIVE_BASEURL" in make["env"]
    upload = next(step for step in steps if "upload-pages-artifact" in step.get("uses", ""))
    assert upload["with"]["path"] == "docs/_build/html"
    # the build cache is restored before the build, its folders asked of the package, keyed by the code
    names = [step.get("uses", step.get("run", "")) for step in steps]
    cache = next(index for index, name in enumerate(names) if name.startswith("actions/cache"))
    assert cache < names.index(make["run"])
    assert "postarchive paths" in steps[cache - 1]["run"]
    assert "ext/**" in steps[cache]["with"]["key"] and "docs/conf.py" in steps[cache]["with"]["key"]


def serve_ignore_regex() -> re.Pattern[str]:
    """What ``make serve`` passes to sphinx-autobuild's ``--re-ignore`` (asked of ``postarchive paths``)."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert '--re-ignore "$$($(BIN)/postarchive paths --ignore-regex)"' in makefile
    return re.compile(generated_paths_regex())


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("docs/2025/10/09/2-gmoai/index.post.md", True),
        ("docs/tags/AI/index.md", True),
        ("docs/companies/KDDI/index.md", True),
        ("docs/_archive/latest.md", True),
        ("docs/.postarchive-generated.json", True),
        ("docs/_build/html/index.html", True),
        ("docs/index.md", False),
        ("docs/conf.py", False),
        ("docs/companies.yml", False),
        ("docs/_static/archive.css", False),
        ("posts/2025-10-09-2-gmoai.md", False),
    ],
)
def test_make_serve_ignores_only_generated_files(path: str, ignored: bool) -> None:
    """sphinx-autobuild matches --re-ignore against absolute paths; generated pages must not retrigger it."""
    assert bool(serve_ignore_regex().search(f"/home/me/tags/2024/postarchive/{path}")) is ignored


@pytest.mark.skipif(shutil.which("mmdc") is not None, reason="mmdc renders the diagrams itself")
@pytest.mark.sphinx(
    "latex",
    testroot="hosting-site",
    srcdir="hosting-latex",
    copy_test_root=True,
    confoverrides={"postarchive_pdf_volumes": "single"},  # the month page (and its chart) is a chapter
)
def test_latex_build_without_mmdc_has_no_diagram_warnings(app: Any) -> None:
    app.build()
    assert "mmdc" not in app.warning.getvalue()
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    # the PDF gets the diagram's data as a table (postarchive.latex), never a blank box
    assert "\\sphinxcaption{月別の記事数}" in tex and "tabulary" in tex


@pytest.mark.sphinx(
    "html",
    testroot="hosting-site",
    srcdir="hosting-nobase",
    copy_test_root=True,
    confoverrides={"html_baseurl": ""},
)
def test_without_base_url_no_feeds_and_a_warning(app: Any) -> None:
    app.build()
    out = Path(app.outdir)
    assert "html_baseurl" in app.warning.getvalue()
    assert "[postarchive.feed]" in app.warning.getvalue()
    assert not (out / "atom.xml").exists()
    assert not (out / "robots.txt").exists()
    assert (out / "2024" / "01" / "05" / "alpha" / "index.html").is_file()


@pytest.mark.sphinx(
    "html",
    testroot="hosting-site",
    srcdir="hosting-snapshot",
    copy_test_root=True,
    confoverrides={"postarchive_feed_count": 10},
)
def test_feed_snapshot(app: Any, file_regression: Any) -> None:
    """The whole site feed, byte for byte: dates from the posts, escaped titles, categories, summaries."""
    app.build()
    file_regression.check((Path(app.outdir) / "atom.xml").read_text(encoding="utf-8"), extension=".xml")


@pytest.mark.sphinx("html", testroot="hosting-site", srcdir="hosting-zoom", copy_test_root=True)
def test_diagram_zoom_never_loads_d3_from_a_cdn(app: Any) -> None:
    (Path(app.srcdir) / "zoom.md").write_text(
        "---\norphan: true\n---\n\n# ズーム\n\n```{mermaid}\n:zoom:\n\ngraph LR\n  A --> B\n```\n", encoding="utf-8"
    )
    app.build()
    html = html_of(app, "zoom")
    assert 'class="mermaid"' in html
    assert "cdn.jsdelivr" not in html and "d3.min.js" not in html
    assert ":zoom:" in app.warning.getvalue()
    # Mermaid's script on the page with a diagram only, its bundle copied because a page has one
    assert "mermaid.esm.min.mjs" in html and "mermaid.esm.min.mjs" not in html_of(app, "index")
    if os.environ.get("CI") or (Path(__file__).resolve().parents[1] / "ext/postarchive/static/mermaid").is_dir():
        assert (Path(app.outdir) / "_static" / "mermaid" / "mermaid.esm.min.mjs").is_file()
