"""Reading Jekyll posts: front matter, dates, title repair, markers — pure functions, no Sphinx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import SEEDS
from postarchive.model.permalinks import JekyllSite, jekyll_url
from postarchive.model.urls import permalink_target
from postarchive.pages.myst import escape_inline
from postarchive.posts.liquid import remove_liquid
from postarchive.posts.reading import parse_front_matter_date, read_post, repair_title

JST = dt.timezone(dt.timedelta(hours=9))  # the blog's display timezone


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


REPAIRED = {
    "2025-11-10-3-gmogpu.md": "GMOのGPUクラウド、NVIDIA B300対応の真意とは？AIインフラ競争の行方を読み解く",
    "2025-10-11-2-beyond.md": "ソフトバンクらが描く「Beyond AI」の真意とは？研究組合設立が示す日本のAI戦略の転換点",
    "2025-10-21-2-ai-article-update.md": "「日本GPUアライアンス」の設立が示す、国内AIインフラの新たな夜明けとは？",
    "2025-09-18-1-ai-article-update.md": "日本、国産AIに本腰を入れる？ その真意と、私たちが注視すべきポイントとは",
    "2025-10-09-2-gmoai.md": "GMOがヒューマノイドAIに注力する真意とは？その戦略が描く未来",
}


@pytest.mark.parametrize("name", sorted(REPAIRED))
def test_seed_titles_are_repaired_from_the_first_line(name: str) -> None:
    result = read_post(SEEDS / name, tz=JST)
    assert result.post is not None
    assert result.post.title == REPAIRED[name]
    # the first line is the title now, not a paragraph of the body
    assert result.post.body.lstrip().split("\n")[0] != REPAIRED[name]
    assert "---END---" not in result.post.body
    assert not any(p.fatal for p in result.problems)


def test_repair_is_reported_with_the_title_line() -> None:
    result = read_post(SEEDS / "2025-10-21-2-ai-article-update.md", tz=JST)
    titles = [p for p in result.problems if p.subtype == "title"]
    assert len(titles) == 1 and titles[0].line == 3
    assert "タイトル" in titles[0].message


def test_a_title_that_is_complete_is_kept_and_a_first_paragraph_is_content() -> None:
    title, body, reason = repair_title("AI", "AIがすべてを変える。\n次の行も同じ段落。\n")
    assert (title, reason) == ("AI", None) and body.startswith("AIが")


def test_body_line_points_at_the_first_body_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2025-01-02-x.md",
        '---\ntitle: "短いタイトルの"\ndate: 2025-01-02\n---\n\n短いタイトルの完全版\n\n本文\n',
    )
    post = read_post(path, tz=JST).post
    assert post is not None and post.title == "短いタイトルの完全版"
    assert (
        path.read_text().split("\n")[post.body_line - 1 + post.body.count("\n", 0, post.body.index("本文"))] == "本文"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-09-18 04:37:41 +0000", dt.datetime(2025, 9, 18, 13, 37, 41, tzinfo=JST)),
        ("2026-02-14 05:59:02 +0900", dt.datetime(2026, 2, 14, 5, 59, 2, tzinfo=JST)),
        ("2025-09-18 04:37:41", dt.datetime(2025, 9, 18, 4, 37, 41, tzinfo=JST)),
        ("2025-09-18", dt.datetime(2025, 9, 18, tzinfo=JST)),
        ("2025-09-18T04:37:41Z", dt.datetime(2025, 9, 18, 13, 37, 41, tzinfo=JST)),
    ],
)
def test_dates_with_any_offset_compare_correctly(text: str, expected: dt.datetime) -> None:
    parsed = parse_front_matter_date(text, JST)
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == expected


def test_offsets_order_posts_by_instant_and_the_url_takes_the_jst_date(tmp_path: Path) -> None:
    utc = read_post(
        write(tmp_path, "2025-10-21-a.md", "---\ntitle: A\ndate: 2025-10-21 20:37:10 +0000\n---\nx\n"), tz=JST
    ).post
    jst = read_post(
        write(tmp_path, "2025-10-22-b.md", "---\ntitle: B\ndate: 2025-10-22 05:00:00 +0900\n---\nx\n"), tz=JST
    ).post
    assert utc is not None and jst is not None
    assert jst.date < utc.date  # 05:00 JST is before 05:37 JST
    # Jekyll converts the date into the site timezone (Asia/Tokyo) first: checked against real Jekyll in
    # tests/test_permalinks.py; the file-name form /2025/10/21/a/ becomes a redirect
    assert jekyll_url(utc, JekyllSite()) == "/2025/10/22/a/"
    assert utc.date.astimezone(JST).day == 22  # shown in JST as the blog shows it


def test_non_ascii_file_names_keep_their_slug() -> None:
    corpus_like = Path("2025-08-30-08-aiエーシェント本格普及.md")
    assert corpus_like.stem[11:] == "08-aiエーシェント本格普及"


def test_liquid_tags_are_removed_and_counted() -> None:
    cleaned = remove_liquid("前\n\n{% include ads-mid-article.html %}\n\n後 {{ site.url }} です\n")
    assert "{%" not in cleaned.text and "{{" not in cleaned.text
    assert cleaned.liquid_removed == 2 and cleaned.first_liquid_offset == 2
    assert cleaned.text.count("\n") == "前\n\n{% x %}\n\n後 です\n".count("\n")  # lines kept for line numbers


def test_raw_liquid_keeps_its_content() -> None:
    assert "{{ keep }}" in remove_liquid("{% raw %}{{ keep }}{% endraw %}").text


def test_escape_inline_leaves_no_markup_start() -> None:
    escaped = escape_inline("{raw}`<script>` **x** [a](javascript:b)\nnext")
    assert "\n" not in escaped
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "{}`<>*[]()")


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("/2025/10/09/2-gmoai/", "2025/10/09/2-gmoai"),
        ("/2025/08/31/1-gpt-5革新と市場戦略/", "2025/08/31/1-gpt-5革新と市場戦略"),
        ("https://allforces.jp/2025/10/09/2-gmoai/#top", "2025/10/09/2-gmoai"),
        ("/2025/10/09/2-gmoai", "2025/10/09/2-gmoai"),
        ("/about/", None),
        ("javascript:alert(1)", None),
    ],
)
def test_permalink_links(href: str, target: str | None) -> None:
    assert permalink_target(href) == target


def test_tags_as_a_string_and_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2025-01-01-t.md",
        "---\ntitle: T\ndate: 2025-01-01\ntags: AI 半導体\ncategories: [2025, null]\n---\n本文\n",
    )
    result = read_post(path, tz=JST)
    assert result.post is not None
    assert result.post.tags == ("AI", "半導体")
    assert result.post.categories == ("2025",)
