"""Company pages as generated MyST: escaping, charts, co-mentions, the order of posts, readings, URL collisions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from postarchive.model.kinds import entry_docname
from postarchive.model.registry import Company, Registry
from postarchive.pages.companies import (
    comentions,
    company_page,
    company_pages,
    monthly_chart,
    slug_collisions,
    tag_readings,
)
from postarchive.posts.post import Post

JST = dt.timezone(dt.timedelta(hours=9))  # the blog's display timezone


def post(slug: str, month: int, day: int = 1) -> Post:
    return Post(Path(f"{slug}.md"), slug, f"記事 {slug}", dt.datetime(2025, month, day, 12, tzinfo=JST), "", 1)


def test_a_hostile_name_stays_text_everywhere() -> None:
    nasty = Company(
        name='Evil]"Co{x}` <script>',
        reading="えびる",
        aliases=("[link](javascript:x)",),
        description="**bold** {role}`x`",
        url="javascript:alert(1)",
    )
    other = Company(name="Other", reading="あざー")
    registry = Registry((nasty, other))
    pages = company_page(nasty, registry, [post("a", 1)], Counter({"Other": 2}), JST)
    page = pages[entry_docname("company", nasty.name) + ".md"]
    assert '# Evil\\]\\"Co\\{x\\}\\` \\<script\\>' in page
    assert ":name: Evil%5D%22Co%7Bx%7D%60%20%3Cscript%3E" in page
    assert "\\[link\\]\\(javascript\\:x\\)" in page
    assert "\\*\\*bold\\*\\* \\{role\\}\\`x\\`" in page
    assert "javascript:alert" not in page  # an unsafe URL is left out
    assert "| [Other](<project:/companies/Other/index.md>) | 2件 |" in page  # co-mentions: a table
    assert "{mermaid}" not in page and "````{archive-chart}" in page


def test_monthly_chart_fills_empty_months() -> None:
    chart = monthly_chart([post("a", 1), post("b", 1, 2), post("c", 4)], JST, today=(2025, 12))
    assert chart.splitlines()[2:6] == ["2025-01 2", "2025-02 0", "2025-03 0", "2025-04 1"]
    assert ":partial:" not in chart  # the build's month (December) is not in the chart


def test_posts_about_the_company_come_first() -> None:
    kddi = Company(name="KDDI", reading="けーでぃーでぃーあい")
    posts = [post("oldtitle", 1), post("newbody", 3), post("midbody", 2)]
    page = company_page(kddi, Registry((kddi,)), posts, Counter(), JST, main={posts[0].docname})
    text = page["companies/KDDI/index.md"]
    order = [text.index(f"記事 {slug}") for slug in ("oldtitle", "newbody", "midbody")]
    assert order == sorted(order)  # the post with KDDI in its title first, then the rest newest first
    assert "### KDDIが題名にある記事" in text and "### その他の記事" in text


def test_comentions_count_posts_naming_both() -> None:
    together = comentions({"p1": ["A", "B", "C"], "p2": ["A", "B"], "p3": ["B"]})
    assert together["A"] == Counter({"B": 2, "C": 1})
    assert together["B"] == Counter({"A": 2, "C": 1})


def test_every_registry_entry_gets_a_page_and_the_index_groups_by_reading() -> None:
    registry = Registry(
        (
            Company(name="KDDI", reading="けーでぃーでぃーあい", kind="listed", market="TSE Prime", ticker="9433"),
            Company(name="Zeta", reading="Zeta"),
            Company(name="アップル", reading="あっぷる"),
        )
    )
    pages = company_pages(registry, {"KDDI": [post("a", 1)]}, {"a": ["KDDI"]}, JST)
    assert set(pages) == {
        "companies/KDDI/index.md",
        "companies/Zeta/index.md",
        "companies/アップル/index.md",
        "companies/index.md",
    }
    index = pages["companies/index.md"]
    assert index.index("## あ") < index.index("## か") < index.index("## Z")
    assert "[KDDI](<project:/companies/KDDI/index.md>)（上場企業 · TSE Prime 9433・1件）" in index
    assert "まだ記事はありません。" in pages["companies/Zeta/index.md"]


def test_tag_readings() -> None:
    registry = Registry((Company(name="ソフトバンク", reading="そふとばんく", aliases=("SoftBank",)),))
    assert tag_readings(
        ["SoftBank", "エージェント", "半導体", "生成AI", "AI", "孫正義"], registry, {"孫正義": "そんまさよし"}
    ) == {
        "SoftBank": "そふとばんく",
        "エージェント": "えーじぇんと",
        "半導体": "はんどうたい",
        "生成AI": "せいせいAI",
        "AI": "AI",
        "孫正義": "そんまさよし",
    }


def test_slug_collisions_are_found_not_merged() -> None:
    assert slug_collisions(["AI", "ai", "C++", "C", "パナソニック", "ハナソニック", "ＡＩ"]) == [("AI", "ai")]


def test_long_vowel_marks_sort_as_their_vowel() -> None:
    from postarchive.model.yomi import sort_key

    readings = [
        "えぬびでぃあ",
        "えっくすえーあい",
        "えーえむでぃー",
        "けーでぃーでぃーあい",
        "けいざいさんぎょうしょう",
    ]
    assert sorted(readings, key=sort_key) == [
        "えーえむでぃー",
        "えっくすえーあい",
        "えぬびでぃあ",
        "けいざいさんぎょうしょう",
        "けーでぃーでぃーあい",
    ]
