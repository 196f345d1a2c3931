"""Organisations the registry lacks, discovered in posts (issue 17); products as entries; tags add no company.

The Sphinx builds use a copy of docs/ (the real registry) over synthetic posts, with the analyser replaced
by a fake (``nlp.load_tagger``), so what is tested is the build's use of discovery, its cache and its pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Build, article_of, copy_docs, parse_html, run_build
from defusedxml import ElementTree
from postarchive.model import nlp
from postarchive.model.discovery import Candidate, collect, discover, propose, without_contained
from postarchive.model.mentions import without_boilerplate
from postarchive.model.registry import Company, Registry, parse_registry
from postarchive.pages.discovered import summary

POSTS = {
    "2025-10-01-foods.md": (
        "テストフーズの新工場",
        ["食品"],
        "株式会社テストフーズが新工場を建てる。NVIDIAのGPUで需要を予測する。",
    ),
    "2025-10-02-xai.md": (
        "説明可能なAIの現在地",
        ["xAI"],
        "説明可能なAI（XAI）の研究が進む。テストフーズ社も ChatGPT を導入した。",
    ),
    "2025-10-03-other.md": ("別の話題", ["AI"], "生成AIの話。"),
}


class FakeTagger:
    """Stands in for SudachiPy: proposes nothing (the patterns find 株式会社テストフーズ), counts its calls."""

    name = "fake"
    calls = 0

    def organisations(self, text: str) -> Iterator[tuple[str, str, int]]:
        FakeTagger.calls += 1
        return iter(())


def write_posts(folder: Path, posts: dict[str, tuple[str, list[str], str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, tags, body) in posts.items():
        date = name[:10]
        tag_list = ", ".join(tags)
        (folder / name).write_text(
            f'---\ntitle: "{title}"\ndate: {date} 10:00:00 +0900\ntags: [{tag_list}]\n---\n\n{body}\n',
            encoding="utf-8",
        )
    return folder


@pytest.fixture
def fake_tagger(monkeypatch: pytest.MonkeyPatch) -> type[FakeTagger]:
    FakeTagger.calls = 0
    monkeypatch.setattr(nlp, "load_tagger", FakeTagger)
    return FakeTagger


@pytest.fixture(scope="module")
def discovery_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    """One build of the synthetic posts, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("discovery")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nlp, "load_tagger", FakeTagger)
        yield run_build(copy_docs(root / "docs"), write_posts(root / "posts", POSTS))


def page(build: Build, relative: str) -> str:
    return (build.outdir / relative).read_text(encoding="utf-8")


def post_field(build: Build, docname: str, key: str) -> list[str]:
    """The entry names a post page's header lists under ``post-<key>``."""
    field = article_of(page(build, f"{docname}/index.html")).select_one(f"p.post-{key}")
    return [] if field is None else [a.get_text() for a in field.select("a")]


def test_an_organisation_two_posts_name_gets_an_unregistered_entry(discovery_build: Build) -> None:
    entry = article_of(page(discovery_build, "companies/テストフーズ/index.html"))
    assert "未登録" in entry.get_text()
    assert {a.get_text() for a in entry.select("a")} >= {"テストフーズの新工場", "説明可能なAIの現在地"}
    listing = article_of(page(discovery_build, "companies/index.html"))
    item = next(li for li in listing.select("li") if li.select_one("a") and li.a.get_text() == "テストフーズ")
    assert "未登録" in item.get_text() and "2件" in item.get_text()
    feed = ElementTree.fromstring(page(discovery_build, "companies/テストフーズ/atom.xml"))
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 2
    genindex = parse_html(page(discovery_build, "genindex.html")).get_text()
    assert "テストフーズ（企業・組織）" in genindex
    assert "テストフーズ" in post_field(discovery_build, "2025/10/01/foods", "companies")


def test_a_name_only_one_post_uses_gets_no_entry(discovery_build: Build) -> None:
    assert not (discovery_build.outdir / "companies" / "XAI").exists()
    assert not (discovery_build.outdir / "companies" / "生成AI").exists()


def test_tags_never_add_a_company(discovery_build: Build) -> None:
    """The tag xAI on a post about explainable AI (XAI) does not make the post name xAI."""
    assert "xAI" not in post_field(discovery_build, "2025/10/02/xai", "companies")
    assert "xAI" in post_field(discovery_build, "2025/10/02/xai", "tags")


def test_products_are_listed_on_the_post_and_on_the_makers_page(discovery_build: Build) -> None:
    assert post_field(discovery_build, "2025/10/02/xai", "products") == ["ChatGPT"]
    assert "OpenAI" not in post_field(discovery_build, "2025/10/02/xai", "companies")
    product = article_of(page(discovery_build, "products/ChatGPT/index.html"))
    assert "OpenAI" in [a.get_text() for a in product.select("a")]
    maker = article_of(page(discovery_build, "companies/OpenAI/index.html"))
    section = next(s for s in maker.select("section") if s.h2 and "製品・サービスの記事" in s.h2.get_text())
    assert [a.get_text() for a in section.select("li a")] == ["説明可能なAIの現在地"]
    assert "ChatGPT" in section.get_text()
    assert "ChatGPT（製品・サービス）" in parse_html(page(discovery_build, "genindex.html")).get_text()


def test_a_rebuild_with_no_post_changed_never_loads_the_analyser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_tagger: type[FakeTagger]
) -> None:
    srcdir = copy_docs(tmp_path / "docs")
    posts = write_posts(tmp_path / "posts", POSTS)
    run_build(srcdir, posts)
    assert fake_tagger.calls == len(POSTS)

    def fail() -> None:
        raise AssertionError("the analyser was loaded although no post changed")

    monkeypatch.setattr(nlp, "load_tagger", fail)
    again = run_build(srcdir, posts)
    assert "未登録" in article_of(page(again, "companies/テストフーズ/index.html")).get_text()

    monkeypatch.setattr(nlp, "load_tagger", FakeTagger)
    (posts / "2025-10-03-other.md").write_text(
        '---\ntitle: "別の話題"\ndate: 2025-10-03 10:00:00 +0900\n---\n\n書き直した。\n', encoding="utf-8"
    )
    run_build(srcdir, posts)
    assert fake_tagger.calls == len(POSTS) + 1  # only the edited post


def test_discovery_off_makes_no_unregistered_entries(tmp_path: Path, fake_tagger: type[FakeTagger]) -> None:
    srcdir = copy_docs(tmp_path / "docs")
    built = run_build(srcdir, write_posts(tmp_path / "posts", POSTS), confoverrides={"postarchive_discovery": 0})
    assert not (built.outdir / "companies" / "テストフーズ").exists()
    assert fake_tagger.calls == 0


# --- pure parts ------------------------------------------------------------------------------------

REGISTRY = Registry(
    (
        Company(name="NVIDIA", reading="えぬびでぃあ", aliases=("エヌビディア",)),
        Company(name="KDDI", reading="けーでぃーでぃーあい", aliases=("KDDI株式会社",)),
    ),
    products=(Company(name="ChatGPT", reading="ちゃっとじーぴーてぃー", kind="product", maker="NVIDIA"),),
)


def test_patterns_propose_organisations_and_the_registry_filters_them() -> None:
    text = (
        "株式会社ハイレゾとKDDI株式会社が提携。米Nscaleは資金調達を発表した。東北工業大学の研究。"
        "同社の決算。ChatGPT社。自社グループ。"
    )
    names = [c.name for c in discover(text, REGISTRY)]
    assert names == ["ハイレゾ", "Nscale", "東北工業大学"]
    found = {c.name: c for c in propose(text)}
    assert found["Nscale"].sentence == "米Nscaleは資金調達を発表した。"
    assert "同社" not in found and "自社" not in found


def test_names_need_enough_posts_and_a_contained_name_folds_into_the_longer() -> None:
    per_post = [
        ("a", [Candidate("テストフーズ", "株式会社X"), Candidate("ワンポスト", "X社")]),
        ("b", [Candidate("テストフーズ", "X社"), Candidate("テストフーズ研究所", "X大学・X省…")]),
        ("c", [Candidate("テストフーズ研究所", "X大学・X省…")]),
    ]
    kept = without_contained(collect(per_post, 2))
    assert [(d.name, d.posts) for d in kept] == [("テストフーズ", ["a", "b"]), ("テストフーズ研究所", ["b", "c"])]
    assert [d.name for d in collect(per_post, 1)] == ["テストフーズ", "テストフーズ研究所", "ワンポスト"]


def test_the_build_summary_lists_them_with_counts_and_an_example() -> None:
    per_post = [
        ("a", [Candidate("テストフーズ", "株式会社X", "株式会社テストフーズが新工場を建てる。")]),
        ("b", [Candidate("テストフーズ", "X社", "テストフーズ社も導入した。")]),
    ]
    lines = summary(collect(per_post, 2))
    assert lines[0].startswith("postarchive: 未登録の組織 1 件")
    assert lines[1:] == ["  テストフーズ（2記事）: 株式会社テストフーズが新工場を建てる。"]
    assert summary([]) == ["postarchive: 未登録の組織は見つかりませんでした"]


def test_short_case_variants_are_kept_and_homonyms_excluded(tmp_path: Path) -> None:
    registry, problems = parse_registry(
        "companies:\n"
        "  - {name: Arm, reading: あーむ, aliases: [ARM, arm]}\n"
        "  - {name: NVIDIA, reading: えぬびでぃあ, aliases: [Nvidia]}\n"
        "  - {name: Amazon, reading: あまぞん, aliases: [アマゾン], exclude: [アマゾン川, アマゾンの森林]}\n"
        "  - {name: Meta, reading: めた, aliases: [メタ]}\n"
        "products:\n"
        "  - {name: iPhone, reading: あいふぉーん, maker: Arm}\n"
        "  - {name: Nothing, reading: なっしんぐ, maker: Nobody}\n",
        tmp_path / "companies.yml",
    )
    assert [p.message for p in problems] == ["Nothing: maker 'Nobody' が登録されていません"]
    assert registry.by_name["Arm"].aliases == ("ARM", "arm")
    assert registry.by_name["NVIDIA"].aliases == ()  # long spellings match in any case: Nvidia = NVIDIA
    assert registry.companies_in("ARMのチップ") == ["Arm"]
    assert registry.companies_in("アマゾン川の流域とアマゾンの森林伐採") == []
    assert registry.companies_in("アマゾンの決算") == ["Amazon"]
    assert registry.companies_in("メタバースとメタデータ") == []
    assert registry.companies_in("メタの決算") == ["Meta"]
    assert registry.products_in("iPhoneの新型") == ["iPhone"] and registry.products_of("Arm")[0].name == "iPhone"


BOOKS = """前文。

## この記事に関連するおすすめ書籍

### [生成AIプロンプトエンジニアリング入門](https://www.amazon.co.jp/dp/4798181986/)

ChatGPTとMidjourneyで学ぶプロンプト設計の基本

[Amazonで詳しく見る →](https://www.amazon.co.jp/dp/4798181986/)

**[AI投資の最前線](https://www.amazon.co.jp/s?k=AI)**
  Cohere と Mistral の分析

---

*※ 本ページのリンクにはアフィリエイトリンクが含まれます。*

その後もCohereの話は続く。長い段落で、Cohereが何をしたかを説明する。

### 6. 次の章

Mujinの事例。

## 関連記事

- [Metaの社債](/2025/10/31/1-meta300/)
- [GPU需要](/2025/08/29/5-gpuai/)

## あわせて読みたい

[Anthropicの記事](/2025/09/01/anthropic/)

Anthropic について書いた、リンクではない段落です。
"""


def test_the_boilerplate_cut_drops_reading_lists_and_keeps_prose_after_them() -> None:
    kept = without_boilerplate(BOOKS)
    for gone in (
        "おすすめ書籍",
        "Midjourney",
        "Mistral",
        "Amazonで詳しく見る",
        "アフィリエイト",
        "Metaの社債",
        "GPU需要",
    ):
        assert gone not in kept
    for prose in ("前文。", "その後もCohereの話は続く。", "### 6. 次の章", "Mujinの事例。", "リンクではない段落です。"):
        assert prose in kept
    assert "Anthropicの記事" not in kept
    assert kept.count("\n") == BOOKS.count("\n")  # lines are blanked, not removed (line numbers stay)


def test_an_acronym_the_post_defines_goes_to_its_long_form() -> None:
    registry = Registry(
        (
            Company(name="Intel", reading="いんてる"),
            Company(name="IFS", reading="あいえふえす", aliases=("Industrial and Financial Systems",)),
        )
    )
    assert registry.companies_in("Intel Foundry Services (IFS)を通じて。IFSの顧客。") == ["Intel"]
    assert registry.companies_in("Industrial and Financial Systems (IFS)の発表。IFSは。") == ["IFS"]
    assert registry.companies_in("IFSのERP。") == ["IFS"]


def test_discovery_and_the_boilerplate_cut_stay_linear_on_hostile_text() -> None:
    import time

    hostile = [
        "A" * 200_000,
        "A." * 100_000,
        "## 関連記事\n\n" + "[" * 200_000,
        "株式会社" * 50_000,
        ("Google、" * 20_000) + "などの企業",
    ]
    for text in hostile:
        started = time.perf_counter()
        propose(text)
        without_boilerplate(text)
        assert time.perf_counter() - started < 10, text[:20]
