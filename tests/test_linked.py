"""What other tools expect of a published archive: intersphinx, feeds, catalog, structured data, one URL per page."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
from io import StringIO
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

from conftest import Build, article_of, parse_html, require
from postarchive.model.kinds import ENTRY_KINDS
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

CONSUMER = Path(__file__).parent / "roots" / "test-consumer"


def inventory(outdir: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """``objects.inv`` as intersphinx reads it: role → name → (uri relative to the site, display name)."""
    with (outdir / "objects.inv").open("rb") as stream:
        data = InventoryFile.load(stream, "", lambda base, uri: uri)
    return {role: {name: (item[2], item[3]) for name, item in items.items()} for role, items in data.items()}


def build_consumer(tmp_path: Path, archive: Path, **overrides: object) -> tuple[Path, str]:
    srcdir = tmp_path / "consumer"
    shutil.copytree(CONSUMER, srcdir)
    warnings = StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=srcdir / "_build",
        confoverrides={"intersphinx_mapping": {"archive": (str(archive), None)}, "nitpicky": True, **overrides},
        status=StringIO(),
        warning=warnings,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), warnings.getvalue()


def consumer_links(outdir: Path, page: str) -> dict[str, str]:
    """Link text → href of the external references on a consumer page."""
    soup = parse_html((outdir / page).read_text(encoding="utf-8"))
    return {a.get_text(): str(a["href"]) for a in soup.select("a.reference.external")}


def test_a_project_with_only_intersphinx_resolves_every_entry_kind(seeds_build: Build, tmp_path: Path) -> None:
    outdir, warnings = build_consumer(tmp_path, seeds_build.outdir)
    assert warnings == ""
    links = consumer_links(outdir, "index.html")
    archive = str(seeds_build.outdir)
    assert unquote(links["NVIDIA"]) == f"{archive}/companies/NVIDIA/#company-NVIDIA"
    assert links["エヌビディア"] == links["nvidia"] == links["NVIDIA"]  # alias and lower case: the same anchor
    assert unquote(links["ハイレゾ"]).endswith("/companies/ハイレゾ/#company-ハイレゾ")
    assert unquote(links["チップ"]).endswith("/tags/チップ/#tag-チップ")
    assert unquote(links["投資分析"]).endswith("/categories/投資分析/#category-投資分析")
    assert unquote(links["ALLFORCES編集部"]).endswith("/authors/ALLFORCES編集部/#author-ALLFORCES編集部")
    assert any(href.rstrip("/").endswith("/2025/10/09/2-gmoai") for href in links.values())  # a local path loses its /


def test_the_archive_domain_loads_on_its_own(seeds_build: Build, tmp_path: Path) -> None:
    outdir, warnings = build_consumer(
        tmp_path,
        seeds_build.outdir,
        extensions=["sphinx.ext.intersphinx", "postarchive.domain"],
        exclude_patterns=["_build"],
    )
    assert warnings == ""
    links = consumer_links(outdir, "domain.html")
    assert unquote(links["NVIDIA"]).endswith("/companies/NVIDIA/#company-NVIDIA")
    assert unquote(links["AI"]).endswith("/tags/AI/#tag-AI")
    assert any(href.rstrip("/").endswith("/2025/10/09/2-gmoai") for href in links.values())  # a local path loses its /


def test_every_inventory_uri_is_a_permalink_to_an_existing_anchor(seeds_build: Build) -> None:
    outdir = seeds_build.outdir
    found = inventory(outdir)
    assert "modindex" not in found["std:label"] and "py-modindex" not in found["std:label"]
    ids: dict[str, set[str]] = {}
    checked = 0
    for items in found.values():
        for name, (uri, _display) in items.items():
            path, _, anchor = uri.partition("#")
            assert path != "index.html" and not path.endswith("/index.html"), f"{name}: {uri} is not the permalink"
            file = unquote(path).removeprefix("./")
            file = file + "index.html" if file == "" or file.endswith("/") else file
            assert (outdir / file).is_file(), f"{name}: {uri} has no page"
            if anchor:
                if file not in ids:
                    soup = parse_html((outdir / file).read_text(encoding="utf-8"))
                    ids[file] = {str(tag["id"]) for tag in soup.find_all(id=True)}
                assert unquote(anchor) in ids[file], f"{name}: no id {anchor!r} in {file}"
            checked += 1
    assert checked > 100


def test_entry_anchors_name_their_entry(seeds_build: Build) -> None:
    terms = inventory(seeds_build.outdir)["std:term"]
    anchors = {name: unquote(uri.partition("#")[2]) for name, (uri, _) in terms.items()}
    assert anchors["GMOインターネットグループ"] == "company-GMOインターネットグループ"
    assert anchors["エージェント"] == "tag-エージェント"
    assert anchors["GMO"] == anchors["GMOインターネットグループ"]  # an alias of it
    assert all(not anchor.rstrip("-0123456789").endswith("-") for anchor in anchors.values())


# --- feeds --------------------------------------------------------------------------------------


def all_feeds(outdir: Path) -> list[Path]:
    return sorted([outdir / "atom.xml", outdir / "feed.xml", *outdir.glob("*/*/atom.xml")])


def test_every_entry_kind_has_a_feed_that_feedparser_reads_cleanly(seeds_build: Build) -> None:
    require(importlib.util.find_spec("feedparser") is not None, "feedparser is not installed (pip install -e .[test])")
    import feedparser

    outdir = seeds_build.outdir
    feeds = all_feeds(outdir)
    kinds = {path.relative_to(outdir).parts[0] for path in feeds if path.parent != outdir}
    assert kinds == {kind.folder for kind in ENTRY_KINDS}  # every entry kind: companies, products, tags, …
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
    author = feedparser.parse((outdir / "authors" / "ALLFORCES編集部" / "atom.xml").read_bytes())
    assert author.feed.title.startswith("著者「ALLFORCES編集部」")
    assert len(author.entries) == 5


def test_entry_pages_show_a_subscribe_link(seeds_build: Build) -> None:
    outdir = seeds_build.outdir
    for page, label in [
        ("tags/AI/index.html", "このタグの新着を購読 (Atom)"),
        ("categories/投資分析/index.html", "このカテゴリの新着を購読 (Atom)"),
        ("authors/ALLFORCES編集部/index.html", "この著者の新着を購読 (Atom)"),
        ("companies/NVIDIA/index.html", "この企業・組織の新着を購読 (Atom)"),
    ]:
        link = article_of((outdir / page).read_text(encoding="utf-8")).select_one("p.feed-subscribe a")
        assert link is not None and link.get_text() == label, page
        assert ((outdir / page).parent / str(link["href"])).is_file(), page


def test_site_json_feed_has_the_json_feed_1_1_fields(seeds_build: Build) -> None:
    outdir = seeds_build.outdir
    feed = json.loads((outdir / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"].endswith("/feed.json") and feed["home_page_url"].startswith("http")
    assert isinstance(feed["items"], list) and len(feed["items"]) == 5
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_text") or item.get("content_html")  # one of them is required
        assert dt.datetime.fromisoformat(item["date_published"]).tzinfo is not None  # RFC 3339
        assert item["url"].startswith(feed["home_page_url"])
    index = parse_html((outdir / "index.html").read_text(encoding="utf-8"))
    assert index.select_one('link[rel=alternate][type="application/feed+json"]') is not None


# --- one URL per page ---------------------------------------------------------------------------


def test_one_url_per_page_in_sitemap_feeds_canonical_and_og(seeds_build: Build) -> None:
    outdir = seeds_build.outdir
    sitemap = ElementTree.parse(outdir / "sitemap.xml").getroot()
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(set(locs)), "a page listed twice"
    page = outdir / "companies" / "GMO_20AI_20&_20ロボティクス商事" / "index.html"
    head = parse_html(page.read_text(encoding="utf-8"))
    canonical = str(head.select_one("link[rel=canonical]")["href"])
    assert "%26" in canonical and "&" not in canonical
    assert [str(tag["content"]) for tag in head.select('meta[property="og:url"]')] == [canonical]
    assert canonical in locs
    feed = ElementTree.parse(page.parent / "atom.xml").getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}id") == canonical + "atom.xml"
    terms = inventory(outdir)["std:term"]
    assert canonical.endswith(terms["GMO AI & ロボティクス商事"][0].partition("#")[0])


# --- structured data ----------------------------------------------------------------------------


def json_ld(outdir: Path, page: str) -> dict[str, dict]:
    """The page's JSON-LD as a crawler extracts it (extruct), by ``@type``."""
    require(importlib.util.find_spec("extruct") is not None, "extruct is not installed (pip install -e .[test])")
    import extruct

    html = (outdir / page).read_text(encoding="utf-8")
    found = extruct.extract(html, base_url="http://127.0.0.1:8000/", syntaxes=["json-ld"])["json-ld"]
    assert len(found) == 1, page
    assert found[0]["@context"] == "https://schema.org"
    return {node["@type"]: node for node in found[0]["@graph"]}


def test_post_pages_are_blog_postings_that_mention_their_companies(seeds_build: Build) -> None:
    nodes = json_ld(seeds_build.outdir, "2025/11/10/3-gmogpu/index.html")
    post = nodes["BlogPosting"]
    assert post["headline"] == "GMOのGPUクラウド、NVIDIA B300対応の真意とは？AIインフラ競争の行方を読み解く"
    assert post["datePublished"] == "2025-11-10T13:42:48+09:00" and post["dateModified"]
    assert post["author"]["name"] == "ALLFORCES編集部" and "/authors/" in unquote(post["author"]["url"])
    assert post["articleSection"] == ["投資分析"] and "チップ" in post["keywords"]
    mentioned = {org["name"]: org for org in post["mentions"]}
    assert mentioned["NVIDIA"]["@type"] == "Corporation" and mentioned["NVIDIA"]["tickerSymbol"] == "NASDAQ NVDA"
    assert mentioned["GMOインターネットグループ"]["tickerSymbol"] == "XTKS 9449"
    assert (
        mentioned["経済産業省"]["@type"] == "GovernmentOrganization" and "tickerSymbol" not in mentioned["経済産業省"]
    )
    assert post["about"]["name"] == "GMOインターネットグループ"
    crumbs = [item["name"] for item in nodes["BreadcrumbList"]["itemListElement"]]
    assert crumbs[1:3] == ["2025年", "2025年11月"] and crumbs[-1] == post["headline"]


def test_company_and_listing_pages_are_collections(seeds_build: Build) -> None:
    company = json_ld(seeds_build.outdir, "companies/NVIDIA/index.html")["CollectionPage"]
    assert company["about"]["name"] == "NVIDIA" and company["about"]["sameAs"][0].startswith("https://")
    assert company["about"]["tickerSymbol"] == "NASDAQ NVDA"
    tag = json_ld(seeds_build.outdir, "tags/AI/index.html")
    items = tag["CollectionPage"]["mainEntity"]
    assert items["@type"] == "ItemList" and items["numberOfItems"] == 5
    assert all(item["url"].startswith("http://127.0.0.1:8000/2025/") for item in items["itemListElement"])
    crumbs = tag["BreadcrumbList"]["itemListElement"]
    assert [item["position"] for item in crumbs] == [1, 2, 3]  # top → タグ一覧 → the tag
    assert unquote(crumbs[1]["item"]).endswith("/tags/") and unquote(crumbs[2]["item"]).endswith("/tags/AI/")


def test_template_only_pages_have_a_description_and_opengraph(seeds_build: Build) -> None:
    for page in ("404.html", "search.html", "genindex.html", "archive-companies.html"):
        head = parse_html((seeds_build.outdir / page).read_text(encoding="utf-8"))
        values = {
            str(tag.get("property") or tag.get("name")): str(tag.get("content", "")) for tag in head.find_all("meta")
        }
        assert values.get("description"), page
        for key in ("og:title", "og:url", "og:description", "og:type", "og:site_name"):
            assert values.get(key), (page, key)


# --- llms.txt -----------------------------------------------------------------------------------


def test_llms_txt_follows_the_llmstxt_format_and_links_real_pages(seeds_build: Build) -> None:
    outdir = seeds_build.outdir
    lines = (outdir / "llms.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ") and lines[2].startswith("> ")  # title, then the summary blockquote
    sections = [line[3:] for line in lines if line.startswith("## ")]
    assert sections[:3] == ["最新の記事", "月別アーカイブ", "企業・組織"] and sections[-1] == "Optional"
    links = [line for line in lines if line.startswith("- [")]
    assert len(links) > 20
    base = "http://127.0.0.1:8000/"
    for line in links:
        url = line.split("](", 1)[1].split(")", 1)[0]
        assert url.startswith(base), line
        path = unquote(url.removeprefix(base).partition("#")[0])
        assert (outdir / (path + "index.html" if path == "" or path.endswith("/") else path)).is_file(), line


def test_each_post_has_a_plain_markdown_copy_beside_its_page(seeds_build: Build) -> None:
    outdir = seeds_build.outdir
    catalog = json.loads((outdir / "catalog.json").read_text(encoding="utf-8"))
    pages = [outdir / post["path"] for post in catalog["posts"]]  # not the redirect pages beside them
    assert len(pages) == 5
    for page in pages:
        copy = (page.parent / "index.md").read_text(encoding="utf-8")
        head = parse_html(page.read_text(encoding="utf-8"))
        title = head.select_one("article h1").get_text().strip().rstrip("#").strip()
        assert copy.startswith(f"# {title}\n"), page
        assert "- URL: <http://127.0.0.1:8000/2025/" in copy and "{%" not in copy and "---\n" not in copy[:5]
        assert head.select_one('link[rel=alternate][type="text/markdown"]')["href"] == "index.md"
    gmo = (outdir / "2025/11/10/3-gmogpu/index.md").read_text(encoding="utf-8")
    assert "- タグ: AI, 最新ニュース, 技術動向, 投資, チップ" in gmo and "B300" in gmo
