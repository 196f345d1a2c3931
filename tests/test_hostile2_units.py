"""Hostile posts, round two: the pure pieces (URLs, names, dates, scanners, escapers, TeX limits).

The builds of ``tests/test_hostile2.py`` state the behaviour end to end; these pin the rules each
piece follows, so a regression names its function.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import SEEDS, copy_posts
from docutils import nodes
from postarchive.builders.latex.limits import MAX_TEX_RUN, rows_as_paragraphs, wrapped_lines
from postarchive.config import ArchiveConfig
from postarchive.model.dates import chart_months
from postarchive.model.kinds import entry_slug, permalink_conflict
from postarchive.model.mentions import fenced_blocks, mention_text
from postarchive.pages.myst import mermaid_text
from postarchive.pages.site import generate_pages, link_posts, read_posts
from postarchive.posts.liquid import remove_liquid
from postarchive.posts.post import Post, bounded_segment, normalize_name, shown_path
from postarchive.posts.reading import in_date_range, permalink_parts, read_post

JST = dt.timezone(dt.timedelta(hours=9))


def test_shown_path_escapes_what_a_terminal_would_obey() -> None:
    assert shown_path("/p/2025-01-01-ガイド.md") == "/p/2025-01-01-ガイド.md"
    assert shown_path("/p/x\nWARNING: y.md") == "/p/x\\nWARNING: y.md"
    assert shown_path("/p/\x1b[2K\u202etxt\a.md") == "/p/\\x1b[2K\\u202etxt\\x07.md"


def test_bounded_segment_is_stable_short_and_distinct() -> None:
    long_a, long_b = "あ" * 120, "あ" * 119 + "い"
    assert bounded_segment("short") == "short"
    assert len(bounded_segment(long_a).encode()) <= 150
    assert bounded_segment(long_a) == bounded_segment(long_a) != bounded_segment(long_b)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("index.md", "index_2Emd"),
        ("atom.xml", "atom_2Exml"),
        ("_sources", "_5Fsources"),
        (".hidden", "_2Ehidden"),
        ("Node.js", "Node.js"),
        ("C++", "C++"),
        ("生成AI", "生成AI"),
    ],
)
def test_entry_slugs_never_look_like_files_the_archive_writes(name: str, slug: str) -> None:
    assert entry_slug(name) == slug


def test_invisible_characters_are_not_part_of_a_name() -> None:
    assert {normalize_name(n) for n in ("AI\u200d", "\u2063AI", "A\u00adI", "\ufeffAI")} == {"AI"}
    assert entry_slug("半導体\u180e") == entry_slug("半導体")


@pytest.mark.parametrize(
    ("docname", "refused"),
    [
        ("sitemap.xml/index", True),
        ("search.html/index", True),
        ("objects.inv/index", True),
        ("Genindex.HTML/index", True),
        ("conf.py/index", True),
        ("2025/10/09/2-gmoai/atom.xml/index", True),
        ("a/_sources/b/index", True),
        ("tags/x/index", True),
        ("2025/10/09/my-post/index", False),
        ("about/index", False),
    ],
)
def test_permalink_conflicts(docname: str, refused: bool) -> None:
    assert (permalink_conflict(docname, frozenset({"conf.py"})) is not None) == refused


def test_permalink_index_html_means_the_folder() -> None:
    assert permalink_parts("/2025/10/11/2-beyond/index.html/") == ["2025", "10", "11", "2-beyond"]
    assert permalink_parts("/a/../b/index.htm") == ["a", "b"]


def test_dates_outside_the_range_are_refused() -> None:
    assert in_date_range(dt.datetime(2025, 1, 1, tzinfo=JST), JST)
    assert not in_date_range(dt.datetime(9999, 12, 31, 20, tzinfo=dt.timezone(dt.timedelta(hours=-5))), JST)
    assert not in_date_range(dt.datetime(1, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=10))), JST)


def test_chart_months_are_clipped() -> None:
    counts = {(1, 1): 1, (2024, 12): 2, (2025, 2): 1, (9999, 6): 1}
    assert chart_months(counts, today=dt.date(2025, 3, 1)) == [(2024, 12), (2025, 1), (2025, 2)]
    assert chart_months({(9999, 6): 1}, today=dt.date(2025, 3, 1)) == []


def test_liquid_scanner_keeps_raw_and_counts_tags() -> None:
    cleaned = remove_liquid("a {% raw %}{{ keep }}{% endraw %} b\n  {% include x %}  \nc {{ y }} {% open")
    assert cleaned.text == "a {{ keep }} b\n\nc  {% open"
    assert cleaned.liquid_removed == 4


def test_fences_need_their_own_closer() -> None:
    body = "```python\nx\n```\ntext\n```x\nnever closed\n~~~\ny\n~~~\n"
    assert [body[start:end] for start, end in fenced_blocks(body)] == ["```python\nx\n```", "~~~\ny\n~~~"]


def test_mention_text_drops_link_destinations_and_urls() -> None:
    post = Post(Path("p.md"), "p", "T", dt.datetime(2025, 1, 1, tzinfo=JST), "", 1)
    text = mention_text(post, "[NVIDIA](https://amazon.co.jp/x) and <https://apple.com> ](](](")
    assert "amazon" not in text and "apple" not in text and "NVIDIA" in text


def test_mermaid_text_escapes_directives_and_quotes() -> None:
    safe = mermaid_text("%%{init: {'theme':'dark'}}%% \"a\" <b> & #c `d`")
    assert not set("%'\"<>`") & set(safe)
    assert "#37;#37;{init" in safe and "#amp;" in safe


def test_wide_tables_become_rows_and_long_lines_wrap() -> None:
    header = nodes.row("", *(nodes.entry("", nodes.paragraph(text=f"列{i}")) for i in range(3)))
    body = nodes.row("", *(nodes.entry("", nodes.paragraph(text=str(i))) for i in range(3)))
    group = nodes.tgroup("", *(nodes.colspec() for _ in range(3)), nodes.thead("", header), nodes.tbody("", body))
    paragraphs = rows_as_paragraphs(nodes.table("", group))
    assert [p.astext() for p in paragraphs][1] == "列0: 0 ／ 列1: 1 ／ 列2: 2"
    assert max(len(line) for line in wrapped_lines("x" * 5000 + "\nshort").split("\n")) <= 2000
    assert MAX_TEX_RUN * 3 < 200_000  # escaped text per .tex line stays far below upLaTeX's buffer


def test_one_nul_is_removed_but_a_binary_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "2025-05-11-one-nul.md"
    text.write_bytes("---\ntitle: T\ndate: 2025-05-11\n---\n\n前半。\x00後半。\n".encode())
    result = read_post(text, tz=JST)
    assert result.post is not None and "前半。後半。" in result.post.body
    assert [p.subtype for p in result.problems] == ["control"]
    binary = tmp_path / "2025-05-12-binary.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert read_post(binary, tz=JST).post is None


def test_a_symlink_is_refused_even_when_opened_directly(tmp_path: Path) -> None:
    target = tmp_path / "secret.md"
    target.write_text("---\ntitle: secret\n---\n", encoding="utf-8")
    link = tmp_path / "2025-05-01-link.md"
    os.symlink(target, link)
    result = read_post(link, tz=JST)
    assert result.post is None and [p.subtype for p in result.problems] == ["symlink"]


def test_long_numbers_and_deep_values_are_one_warning_each(tmp_path: Path) -> None:
    path = tmp_path / "2025-03-14-x.md"
    path.write_text(
        f"---\ndate: 2025-03-14\ntitle: 0x{'f' * 4000}\nseo: {'{a: ' * 50}1{'}' * 50}\n---\n本文\n", encoding="utf-8"
    )
    result = read_post(path, tz=JST)
    assert result.post is not None and result.post.title.startswith("0xfff") and "seo" not in result.post.extra
    assert [p.subtype for p in result.problems] == ["front-matter", "front-matter"]


def test_one_post_that_cannot_become_a_page_is_that_posts_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postarchive.pages import site as site_module

    posts = copy_posts(tmp_path / "posts", sorted(SEEDS.glob("*.md")))
    config = ArchiveConfig()
    site = read_posts(posts, config)
    link_posts(site, config)
    victim = site.posts[0]
    original = site_module.post_page

    def failing(post: Post, *args: object, **kwargs: object) -> tuple[str, int]:
        if post is victim:
            raise RuntimeError("boom")
        return original(post, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site_module, "post_page", failing)
    pages = generate_pages(site, config)
    internal = [p for p in site.problems if p.subtype == "internal"]
    assert len(internal) == 1 and internal[0].path == victim.source and internal[0].fatal
    assert victim not in site.posts and len(site.posts) == len(list(SEEDS.glob("*.md"))) - 1
    assert not [name for name in pages if name.startswith(victim.docname)]
    month = f"{victim.date.astimezone(JST):%Y/%m}/index.md"
    assert victim.docname not in pages.get(month, "") and victim.docname not in pages["_archive/latest.md"]
