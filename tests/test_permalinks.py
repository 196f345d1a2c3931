"""Jekyll's post URLs, checked against real Jekyll (``jekyll build`` on tiny sites is the oracle).

The archive must serve each post where the blog (Jekyll 4.3 with ``timezone: Asia/Tokyo``) serves it:
the date converted into the site timezone, the permalink pattern (or named style) filled in, and on a
URL two posts claim, the post Jekyll keeps.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import require
from postarchive.model.permalinks import (
    STYLES,
    JekyllSite,
    file_date_url,
    jekyll_site,
    jekyll_url,
    plan_urls,
    post_key_of_slug,
    read_jekyll_config,
    url_key,
)
from postarchive.posts.post import Post
from postarchive.posts.reading import read_post

JEKYLL = shutil.which("jekyll")

# (file stem, front matter lines): the date shapes the blog and its editors write
DATE_CASES = {
    "2025-10-21-late-utc": "date: 2025-10-21 20:37:10 +0000",  # the blog's shape: next day in JST
    "2025-10-21-before-15": "date: 2025-10-21 14:59:59 +0000",
    "2025-10-21-at-15": "date: 2025-10-21 15:00:00 +0000",
    "2025-10-21-naive": "date: 2025-10-21 20:37:10",  # a YAML timestamp without offset: UTC (Psych)
    "2025-10-21-quoted": 'date: "2025-10-21 20:37:10"',  # a string without offset: site time
    "2025-10-21-day-only": "date: 2025-10-21",
    "2025-10-21-no-seconds": "date: 2025-10-21 20:37",
    "2025-10-21-zulu": "date: 2025-10-21T20:37:10Z",
    "2025-10-21-jst": "date: 2025-10-21 01:00:00 +0900",
    "2025-10-21-pacific": "date: 2025-10-20 23:00:00 -0800",
    "2025-10-21-no-date": "author: x",
    "2025-10-21-other-day": "date: 2025-10-25 10:00:00 +0900",
    "2025-12-31-new-year": "date: 2025-12-31 16:00:00 +0000",
    "2025-10-21-own-slug": "slug: My Slug",
    "2025-10-21-日本語のslug": "date: 2025-10-21 10:00:00 +0900",
    "2025-10-21-Mixed-Case": "date: 2025-10-21 16:00:00 +0000",
}
CATEGORY_CASE = ("2025-03-04-cats", "date: 2025-03-04 16:00:00 +0000\ncategories: [AI最新ニュース, Tech]")


def jekyll_build(root: Path, config: dict[str, object], posts: dict[str, str]) -> dict[str, str]:
    """Build a site with real Jekyll; return each post's file stem → the URL path it was written at."""
    require(JEKYLL is not None, "jekyll is not installed (apt-get install jekyll)")
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for stem, front in posts.items():
        body = f"---\ntitle: t\n{front}\n---\nPOST:{stem}:END\n"
        (root / "_posts" / f"{stem}.md").write_text(body, encoding="utf-8")
    subprocess.run(
        [str(JEKYLL), "build", "--quiet", "--source", str(root), "--destination", str(root / "_site")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    found = {}
    for page in (root / "_site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "POST:" in text:
            stem = text.split("POST:", 1)[1].split(":END", 1)[0]
            relative = page.relative_to(root / "_site").as_posix()
            found[stem] = "/" + relative.removesuffix("index.html")
    return found


def archive_urls(root: Path, site: JekyllSite) -> dict[str, str]:
    posts = read_posts(root / "_posts", site)
    plan = plan_urls(posts, site)
    return {post.source.stem: plan.urls[post.source] for post in posts}


def read_posts(folder: Path, site: JekyllSite) -> list[Post]:
    posts = []
    for path in sorted(folder.glob("*.md")):
        post = read_post(path, tz=site.tz).post
        assert post is not None, path
        posts.append(post)
    return posts


BLOG_CONFIG = {"timezone": "Asia/Tokyo", "permalink": "/:year/:month/:day/:title/", "markdown": "kramdown"}


def test_post_dates_are_converted_into_the_site_timezone_as_jekyll_does(tmp_path: Path) -> None:
    expected = jekyll_build(tmp_path, BLOG_CONFIG, DATE_CASES)
    assert expected["2025-10-21-late-utc"] == "/2025/10/22/late-utc/"  # the oracle says what the brief says
    assert archive_urls(tmp_path, jekyll_site(BLOG_CONFIG)) == expected


@pytest.mark.parametrize(
    "permalink",
    [
        *STYLES,
        "/:categories/:year/:i_month/:i_day/:title/",
        "/:short_year/:month/:day/:slug.html",
        "/blog/:year/:y_day/:title/",
    ],
)
def test_permalink_styles_and_placeholders_match_jekyll(tmp_path: Path, permalink: str) -> None:
    config = {**BLOG_CONFIG, "permalink": permalink}
    cases = {stem: DATE_CASES[stem] for stem in ("2025-10-21-late-utc", "2025-10-21-jst", "2025-10-21-Mixed-Case")}
    cases[CATEGORY_CASE[0]] = CATEGORY_CASE[1]
    expected = jekyll_build(tmp_path, config, cases)
    assert archive_urls(tmp_path, jekyll_site(config)) == expected


def test_without_a_timezone_jekyll_uses_utc_here(tmp_path: Path) -> None:
    config = {"permalink": "pretty"}
    expected = jekyll_build(tmp_path, config, {"2025-10-21-late-utc": DATE_CASES["2025-10-21-late-utc"]})
    assert archive_urls(tmp_path, jekyll_site(config)) == expected


def test_jekyll_keeps_the_last_written_post_on_a_shared_url(tmp_path: Path) -> None:
    """Two posts on one URL: Jekyll writes both, in date then path order; the last one stays."""
    posts = {
        "2025-10-21-dup": "date: 2025-10-21 23:00:00 +0000",  # 10/22 08:00 JST: the later one
        "2025-10-22-dup": "date: 2025-10-22 01:00:00 +0900",
        "2025-10-21-tie": "date: 2025-10-22 10:00:00 +0900",  # same instant: the later path
        "2025-10-22-tie": "date: 2025-10-22 10:00:00 +0900",
    }
    written = jekyll_build(tmp_path, BLOG_CONFIG, posts)
    site = jekyll_site(BLOG_CONFIG)
    plan = plan_urls(read_posts(tmp_path / "_posts", site), site)
    by_stem = {path.stem: url for path, url in plan.urls.items()}
    for kept in ("2025-10-21-dup", "2025-10-22-tie"):
        assert written[kept] == by_stem[kept]  # Jekyll's survivor keeps the URL
    assert by_stem["2025-10-22-dup"] == "/2025/10/22/dup-2/"
    assert by_stem["2025-10-21-tie"] == "/2025/10/22/tie-2/"
    pairs = {(d.kept.source.stem, d.moved.source.stem) for d in plan.duplicates}
    assert pairs == {("2025-10-21-dup", "2025-10-22-dup"), ("2025-10-22-tie", "2025-10-21-tie")}


def post_at(stem: str, date: str) -> Post:
    moment = dt.datetime.fromisoformat(date)
    return Post(source=Path(f"{stem}.md"), slug=stem[11:], title="t", date=moment, body="", body_line=1)


def test_the_file_name_date_is_an_alias_unless_it_is_the_url() -> None:
    late = post_at("2025-10-21-a", "2025-10-21T20:37:10+00:00")
    early = post_at("2025-10-21-b", "2025-10-21T10:00:00+00:00")
    plan = plan_urls([late, early], JekyllSite())
    assert plan.urls[late.source] == "/2025/10/22/a/"
    assert file_date_url(late) == "/2025/10/21/a/"
    assert plan.aliases == {late.source: ("/2025/10/21/a/",)}


def test_an_alias_never_takes_another_posts_url() -> None:
    moved = post_at("2025-10-21-a", "2025-10-21T20:37:10+00:00")  # Jekyll: /2025/10/22/a/
    other = post_at("2025-10-22-a", "2025-10-21T20:00:00+00:00")  # also /2025/10/22/a/, written first
    plan = plan_urls([moved, other], JekyllSite())
    assert plan.urls[moved.source] == "/2025/10/22/a/"
    assert plan.urls[other.source] == "/2025/10/22/a-2/"
    assert plan.aliases == {moved.source: ("/2025/10/21/a/",)}  # other's file form is moved's URL: no alias


def test_blog_config_is_read_with_the_safe_loader(tmp_path: Path) -> None:
    config = tmp_path / "_config.yml"
    config.write_text("url: https://example.jp\nbaseurl: /blog\ntimezone: Asia/Tokyo\npermalink: pretty\n")
    site = read_jekyll_config(config)
    assert (site.url, site.timezone, site.pattern) == ("https://example.jp/blog", "Asia/Tokyo", STYLES["pretty"])
    config.write_text("evil: !!python/object/apply:os.system ['true']\n")
    assert read_jekyll_config(config).problems  # refused, reported, defaults used
    config.write_text("timezone: Mars/Olympus\n")
    site = read_jekyll_config(config)
    assert site.timezone == "UTC" and site.problems


def test_defaults_are_the_blogs_settings() -> None:
    site = JekyllSite()
    assert (site.pattern, site.timezone, site.url) == (
        "/:year/:month/:day/:title/",
        "Asia/Tokyo",
        "https://ai-media.co.jp",
    )


def test_editorial_slugs_name_posts_by_their_file_date() -> None:
    assert post_key_of_slug("2026-03-04-1-ai202640") == "2026/03/04/1-ai202640"
    assert post_key_of_slug("no-date") is None
    assert url_key("/2025/10/22/a/") == "2025/10/22/a" and url_key("/2025/10/22/a.html") == "2025/10/22/a"


def test_jekyll_url_of_a_front_matter_permalink_is_kept() -> None:
    post = post_at("2025-10-21-a", "2025-10-21T20:37:10+00:00")
    assert jekyll_url(post, JekyllSite()) == "/2025/10/22/a/"
