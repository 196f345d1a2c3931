"""Company pages as generated MyST: escaping, Mermaid labels, readings, URL collisions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from postarchive.model.registry import Company, Registry
from postarchive.pages.companies import (
    comentions,
    company_page,
    company_pages,
    mermaid_label,
    monthly_diagram,
    slug_collisions,
    tag_readings,
)
from postarchive.posts.post import Post

JST = dt.timezone(dt.timedelta(hours=9))  # the blog's display timezone


def post(slug: str, month: int, day: int = 1) -> Post:
    return Post(Path(f"{slug}.md"), slug, f"記事 {slug}", dt.datetime(2025, month, day, 12, tzinfo=JST), "", 1)


def test_mermaid_labels_are_quoted_and_entity_escaped() -> None:
    assert mermaid_label('A "B" <C> & #D `E`\nF') == '"A #quot;B#quot; #lt;C#gt; #amp; #35;D #96;E#96; F"'
    assert mermaid_label("KDDI") == '"KDDI"'


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
    page = company_page(nasty, registry, [post("a", 1)], Counter({"Other": 2}), JST)
    assert '# Evil\\]\\"Co\\{x\\}\\` \\<script\\>' in page
    assert ":name: Evil%5D%22Co%7Bx%7D%60%20%3Cscript%3E" in page
    assert "\\[link\\]\\(javascript\\:x\\)" in page
    assert "\\*\\*bold\\*\\* \\{role\\}\\`x\\`" in page
    assert "javascript:alert" not in page  # an unsafe URL is left out
    assert 'c0["Evil]#quot;Co{x}#96; #lt;script#gt;"]' in page
    assert "```{mermaid}" in page and page.count("```") == 4


def test_monthly_diagram_fills_empty_months() -> None:
    diagram = monthly_diagram([post("a", 1), post("b", 1, 2), post("c", 4)], JST)
    assert '"2025-01", "2025-02", "2025-03", "2025-04"' in diagram
    assert "bar [2, 0, 0, 1]" in diagram


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
