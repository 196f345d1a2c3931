"""A real Sphinx build of posts using every field of the blog's layout, and Jekyll's URLs.

What a reader (or a crawler) sees: the post at Jekyll's URL, a redirect page at the file-name date's,
body links to the canonical page, the blog's other pages as marked external links, and each
front-matter field's effect (robots, sitemap, canonical_url, related_articles, image, last_modified_at,
reading_time).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import Build, article_of, copy_docs, copy_posts, parse_html, run_build

BASE = "https://archive.example.jp/"
POSTS = {
    "2025-10-21-late.md": """---
title: 遅い時刻の記事
date: 2025-10-21 20:37:10 +0000
tags: [AI]
robots: noindex
sitemap: false
last_modified_at: 2025-11-01 12:00:00 +0900
image: "/assets/images/posts/2025-10-21-late-ogp.png"
reading_time: 20
---
短い本文です。
""",
    "2025-10-20-linker.md": """---
title: リンクする記事
date: 2025-10-20 10:00:00 +0900
tags: [AI]
image: "/assets/images/posts/2025-10-20-linker-ogp.png"
reading_time: 1
related_articles: [{"slug": "2025-10-19-twin", "title": "双子の記事", "reason": "関連記事"}]
pillar_article: {"slug": "2025-10-21-late", "title": "まとめの記事"}
---
[ファイル名の日付](/2025/10/21/late/) と [Jekyll の日付](/2025/10/22/late/) と
[サービス](/services/?utm_source=article) と [サイト](https://ai-media.co.jp/contact/) と [タグ](/tags/AI/)。

## 関連記事

- [本文の関連記事](/2025/10/18/other/)
""",
    "2025-10-19-twin.md": """---
title: 双子の記事
date: 2025-10-19 10:00:00 +0900
tags: [AI]
sitemap: false
canonical_url: "https://ai-media.co.jp/2025/10/20/linker/"
related_articles: [{"slug": "2025-10-18-other", "title": "ほかの記事"}]
---
同じ内容の記事です。
""",
    "2025-10-18-other.md": """---
title: ほかの記事
date: 2025-10-18 10:00:00 +0900
tags: [AI]
---
別の記事です。
""",
    "2025-10-17-more.md": """---
title: もうひとつの記事
date: 2025-10-17 10:00:00 +0900
tags: [AI]
---
もうひとつの記事です。
""",
    "2025-10-21-dup.md": "---\ntitle: 後に書かれる記事\ndate: 2025-10-21 23:00:00 +0000\n---\n残る記事。\n",
    "2025-10-22-dup.md": "---\ntitle: 先に書かれる記事\ndate: 2025-10-22 01:00:00 +0900\n---\n移る記事。\n",
}


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("fields")
    sources = root / "sources"
    sources.mkdir()
    for name, text in POSTS.items():
        (sources / name).write_text(text, encoding="utf-8")
    images = root / "blog" / "assets" / "images" / "posts"
    images.mkdir(parents=True)
    (images / "2025-10-21-late-ogp.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    srcdir = copy_docs(root / "docs")
    posts_dir = copy_posts(root / "posts", sorted(sources.iterdir()))
    overrides = {"html_baseurl": BASE, "postarchive_image_dir": str(root / "blog")}
    return run_build(srcdir, posts_dir, confoverrides=overrides)


def page(build: Build, url: str):  # type: ignore[no-untyped-def]
    return parse_html((build.outdir / url.strip("/") / "index.html").read_text(encoding="utf-8"))


def resolved(url: str, href: str) -> str:
    """An href on the page at ``url`` as a site path."""
    return posixpath.normpath(posixpath.join(url, href)) + ("/" if href.endswith("/") else "")


def sitemap_locs(build: Build) -> dict[str, ElementTree.Element]:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ElementTree.parse(build.outdir / "sitemap.xml").getroot()
    return {url.findtext(f"{ns}loc") or "": url for url in root.findall(f"{ns}url")}


def test_post_is_at_jekylls_url_and_the_file_date_redirects(build: Build) -> None:
    post = page(build, "/2025/10/22/late/")
    assert "遅い時刻の記事" in post.title.get_text()
    redirect = page(build, "/2025/10/21/late/")
    refresh = redirect.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None
    target = refresh["content"].split("url=", 1)[1]
    assert resolved("/2025/10/21/late/", target) == "/2025/10/22/late/"
    canonical = redirect.find("link", rel="canonical")
    assert canonical is not None and canonical["href"] == BASE + "2025/10/22/late/"
    assert redirect.find("script") is None
    locs = sitemap_locs(build)
    assert BASE + "2025/10/21/late/" not in locs  # a redirect is listed nowhere
    assert "2025/10/21/late" not in (build.outdir / "atom.xml").read_text(encoding="utf-8")


def test_body_links_in_either_date_form_go_to_the_canonical_page(build: Build) -> None:
    article = article_of((build.outdir / "2025/10/20/linker/index.html").read_text(encoding="utf-8"))
    hrefs = {a.get_text(): a["href"] for a in article.select("a.reference.internal")}
    assert resolved("/2025/10/20/linker/", hrefs["ファイル名の日付"]) == "/2025/10/22/late/index.html"
    assert resolved("/2025/10/20/linker/", hrefs["Jekyll の日付"]) == "/2025/10/22/late/index.html"
    assert resolved("/2025/10/20/linker/", hrefs["タグ"]) == "/tags/AI/index.html"  # the archive's own page


def test_links_to_the_blogs_other_pages_are_marked_external_links(build: Build) -> None:
    article = article_of((build.outdir / "2025/10/20/linker/index.html").read_text(encoding="utf-8"))
    blog_links = {a.get_text(): a for a in article.select("a.external.blog-page")}
    assert blog_links["サービス↗"]["href"] == "https://ai-media.co.jp/services/?utm_source=article"
    assert blog_links["サイト↗"]["href"] == "https://ai-media.co.jp/contact/"
    assert blog_links["サービス↗"].select_one(".blog-page-mark") is not None


def test_robots_noindex_and_sitemap_false(build: Build) -> None:
    late = page(build, "/2025/10/22/late/")
    robots = late.find("meta", attrs={"name": "robots"})
    assert robots is not None and robots["content"] == "noindex"
    assert page(build, "/2025/10/20/linker/").find("meta", attrs={"name": "robots"}) is None
    locs = sitemap_locs(build)
    assert BASE + "2025/10/22/late/" not in locs  # robots: noindex
    assert BASE + "2025/10/19/twin/" not in locs  # sitemap: false
    assert BASE + "2025/10/20/linker/" in locs
    feed = (build.outdir / "atom.xml").read_text(encoding="utf-8")
    assert "遅い時刻の記事" not in feed and "リンクする記事" in feed


def test_canonical_url_points_at_the_archives_twin(build: Build) -> None:
    canonical = page(build, "/2025/10/19/twin/").find("link", rel="canonical")
    assert canonical is not None and canonical["href"] == BASE + "2025/10/20/linker/"
    own = page(build, "/2025/10/20/linker/").find("link", rel="canonical")
    assert own is not None and own["href"] == BASE + "2025/10/20/linker/"


def test_editorial_related_posts_and_the_generated_list_never_repeat(build: Build) -> None:
    article = article_of((build.outdir / "2025/10/20/linker/index.html").read_text(encoding="utf-8"))
    own = article.select_one("section#post-related-articles")
    # the body ends with its own 関連記事 (the blog never has both): related_articles get another title
    assert own is not None and own.find(["h2", "h3"]).get_text(strip=True).startswith("編集部のおすすめ")
    links = {a.get_text(): resolved("/2025/10/20/linker/", a["href"]) for a in own.select("li a")}
    assert links == {"まとめの記事": "/2025/10/22/late/index.html", "双子の記事": "/2025/10/19/twin/index.html"}
    assert "まとめ記事:" in own.get_text()
    generated = article.select_one("section#related-posts")
    assert generated is not None
    assert generated.find(["h2", "h3"]).get_text(strip=True).startswith("ほかの関連記事")
    titles = {a.get_text() for a in generated.select("li a")}
    assert titles == {"もうひとつの記事"}  # late, twin (related_articles) and other (the body's list) are left out
    headings = [h.get_text(strip=True).rstrip("#") for h in article.find_all(["h2", "h3"])]
    assert headings.count("関連記事") == 1  # the body's own section; the archive's lists have other titles


def test_related_articles_alone_are_the_posts_related_list(build: Build) -> None:
    """Without a 関連記事 section in the body, related_articles are the page's one 関連記事 list."""
    article = article_of((build.outdir / "2025/10/19/twin/index.html").read_text(encoding="utf-8"))
    own = article.select_one("section#post-related-articles")
    assert own is not None and own.find(["h2", "h3"]).get_text(strip=True).startswith("関連記事")
    assert [a.get_text() for a in own.select("li a")] == ["ほかの記事"]
    generated = article.select_one("section#related-posts")
    assert generated is not None and generated.find(["h2", "h3"]).get_text(strip=True).startswith("ほかの関連記事")
    assert "ほかの記事" not in {a.get_text() for a in generated.select("li a")}


def test_image_only_when_the_archive_has_the_file(build: Build) -> None:
    late = page(build, "/2025/10/22/late/")
    image = late.find("meta", property="og:image")
    assert image is not None and image["content"] == BASE + "assets/images/posts/2025-10-21-late-ogp.png"
    assert (build.outdir / "assets/images/posts/2025-10-21-late-ogp.png").is_file()
    assert late.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    linker = page(build, "/2025/10/20/linker/")
    assert linker.find("meta", property="og:image") is None  # its file is not in the blog folder
    assert linker.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    assert not (build.outdir / "assets/images/posts/2025-10-20-linker-ogp.png").exists()


def test_last_modified_and_reading_time_in_the_header(build: Build) -> None:
    header = article_of((build.outdir / "2025/10/22/late/index.html").read_text(encoding="utf-8"))
    meta = header.select_one(".post-meta")
    assert meta is not None
    assert meta.select_one(".post-date").get_text() == "2025年10月22日（水）"  # the site-timezone date
    assert meta.select_one(".post-updated").get_text() == "更新: 2025年11月1日（土）"
    assert "読了目安 1 分" in meta.get_text()  # 20 minutes for a one-line post: the estimate instead
    late = page(build, "/2025/10/22/late/")
    modified = late.find("meta", property="article:modified_time")
    assert modified is not None and modified["content"].startswith("2025-11-01T12:00:00")


def test_sitemap_lastmod_is_last_modified_at_or_the_date(build: Build) -> None:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    linker = sitemap_locs(build)[BASE + "2025/10/20/linker/"]
    assert (linker.findtext(f"{ns}lastmod") or "").startswith("2025-10-20T10:00:00")


def test_a_shared_url_keeps_jekylls_post_and_warns_naming_both(build: Build) -> None:
    assert "後に書かれる記事" in page(build, "/2025/10/22/dup/").title.get_text()
    assert "先に書かれる記事" in page(build, "/2025/10/22/dup-2/").title.get_text()
    warning = next(line for line in build.warnings.splitlines() if "[postarchive.duplicate]" in line)
    assert "2025-10-21-dup.md" in warning and "2025-10-22-dup.md" in warning and "/2025/10/22/dup-2/" in warning


def test_the_blogs_config_decides_the_urls(tmp_path: Path) -> None:
    config = tmp_path / "_config.yml"
    config.write_text("timezone: UTC\npermalink: /:year/:month/:day/:title/\nurl: https://blog.example.com\n")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "2025-10-21-late.md").write_text(POSTS["2025-10-21-late.md"], encoding="utf-8")
    srcdir = copy_docs(tmp_path / "docs")
    posts_dir = copy_posts(tmp_path / "posts", sorted(sources.iterdir()))
    build = run_build(srcdir, posts_dir, confoverrides={"postarchive_jekyll_config": str(config)})
    assert (build.outdir / "2025/10/21/late/index.html").is_file()
    assert not (build.outdir / "2025/10/22/late").exists()
