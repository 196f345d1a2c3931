"""The company registry and the mention finder, without Sphinx."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from postarchive.model.registry import Company, Registry, load_registry, match_key, parse_registry

FIXTURE = Path(__file__).parent / "roots" / "test-xref-seeds" / "companies.yml"


def company(name: str, *aliases: str, exclude: tuple[str, ...] = (), parent: str = "") -> Company:
    return Company(name=name, reading=name, aliases=aliases, exclude=exclude, parent=parent)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(
        (
            company("ソフトバンクグループ", "SoftBank Group"),
            company("ソフトバンク", "SoftBank", parent="ソフトバンクグループ"),
            company("Meta", "Facebook"),
            company("AMD"),
            company("NTT", "日本電信電話"),
            company("NTTドコモ", "ドコモ"),
            company("KDDI", "au", exclude=("au PAY",)),
            company("Apple"),
            company("NVIDIA", "エヌビディア"),
            company("C++ Foundation"),
            company("Google"),
            company("Google Cloud"),
        )
    )


def found(registry: Registry, text: str) -> list[tuple[str, str]]:
    """(company, original text of the match) pairs, in text order."""
    return [(m.company, text[m.start : m.end]) for m in registry.find_mentions(text)]


def test_longest_match_first(registry: Registry) -> None:
    assert found(registry, "ソフトバンクグループとソフトバンク") == [
        ("ソフトバンクグループ", "ソフトバンクグループ"),
        ("ソフトバンク", "ソフトバンク"),
    ]
    assert found(registry, "NTTドコモとNTT") == [("NTTドコモ", "NTTドコモ"), ("NTT", "NTT")]
    assert found(registry, "Google Cloud上のGoogle検索") == [("Google Cloud", "Google Cloud"), ("Google", "Google")]


def test_ascii_word_boundaries(registry: Registry) -> None:
    assert found(registry, "Metaverse と metadata と AMDx と xAMD") == []
    assert found(registry, "MetaとAMDの提携。(Meta) Meta-Llama") == [
        ("Meta", "Meta"),
        ("AMD", "AMD"),
        ("Meta", "Meta"),
        ("Meta", "Meta"),
    ]
    # Japanese next to Latin is a boundary; a Latin letter is not
    assert found(registry, "新型AMDチップ") == [("AMD", "AMD")]
    assert found(registry, "ZAMD_x AMD2") == []


def test_short_latin_aliases_keep_their_case_long_ones_do_not(registry: Registry) -> None:
    assert found(registry, "apple pie and meta data") == []
    assert found(registry, "Nvidia と nvidia と ＮＶＩＤＩＡ") == [
        ("NVIDIA", "Nvidia"),
        ("NVIDIA", "nvidia"),
        ("NVIDIA", "ＮＶＩＤＩＡ"),
    ]


def test_exclusions_cancel_matches_inside_them(registry: Registry) -> None:
    assert found(registry, "au PAYで支払う") == []
    assert found(registry, "auの回線とau PAY") == [("KDDI", "au")]
    # an exclusion only cancels its own entry's matches
    assert found(registry, "au PAYとFacebook") == [("Meta", "Facebook")]


def test_nfkc_matching_keeps_original_offsets(registry: Registry) -> None:
    text = "㈱ＮＴＴと日本電信電話、ＡＭＤ。ﾄﾞｺﾓも"
    assert found(registry, text) == [
        ("NTT", "ＮＴＴ"),
        ("NTT", "日本電信電話"),
        ("AMD", "ＡＭＤ"),
        ("NTTドコモ", "ﾄﾞｺﾓ"),
    ]


def test_symbols_in_names(registry: Registry) -> None:
    assert found(registry, "C++ Foundation と C Foundation") == [("C++ Foundation", "C++ Foundation")]


def test_companies_in_orders_by_first_mention(registry: Registry) -> None:
    text = "NVIDIAとFacebook、そしてNVIDIA"
    assert registry.companies_in(text) == ["NVIDIA", "Meta"]


def test_lookup_is_nfkc_and_ascii_case_insensitive(registry: Registry) -> None:
    assert registry.lookup("ｆａｃｅｂｏｏｋ").name == "Meta"  # type: ignore[union-attr]
    assert registry.lookup("ソフトバンク").name == "ソフトバンク"  # type: ignore[union-attr]
    assert registry.lookup("ハナソニック") is None
    assert [c.name for c in registry.children("ソフトバンクグループ")] == ["ソフトバンク"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["ＮＴＴ", "NTT", "㈱", "ﾄﾞｺﾓ", "Meta", "Metaverse", " ", "の", "a", "Ａ", "ｶﾞ", "AMD", "au PAY", "au"]
        ),
        max_size=12,
    )
)
def test_every_mention_points_at_an_alias_in_the_original_text(registry: Registry, parts: list[str]) -> None:
    text = "".join(parts)
    mentions = registry.find_mentions(text)
    spans = [(m.start, m.end) for m in mentions]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    for mention in mentions:
        assert match_key(text[mention.start : mention.end]) == match_key(mention.alias)


def test_fixture_registry_loads_cleanly() -> None:
    registry, problems = load_registry(FIXTURE)
    assert problems == []
    assert {"KDDI", "NVIDIA", "ソフトバンク", "Meta"} <= set(registry.by_name)
    assert registry.by_name["ソフトバンク"].parent == "ソフトバンクグループ"
    assert registry.by_name["KDDI"].ticker == "9433"  # quoted in YAML, stays a string


def test_docs_registry_loads_cleanly() -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "companies.yml"
    registry, problems = load_registry(path)
    assert problems == [], [p.location() + " " + p.message for p in problems]
    for name in ("KDDI", "さくらインターネット", "ハイレゾ", "NVIDIA", "経済産業省", "Meta", "ソフトバンク"):
        assert registry.lookup(name) is not None, name


BAD = textwrap.dedent(
    """\
    companies:
      - name: KDDI
        reading: けーでぃーでぃーあい
        aliases: [au]
      - name: 楽天
        reading: らくてん
        aliases: [Rakuten, au]
      - reading: ななし
        kind: listed
      - name: 読みなし
      - name: ＫＤＤＩ
        reading: にせもの
      - name: 子会社
        reading: こがいしゃ
        parent: 存在しない親
      - name: 変な種別
        reading: へんなしゅべつ
        kind: company
      - name: 未知の欄
        reading: みちのらん
        ticker: 1234
        sector: IT
    """
)


def test_bad_entries_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "companies.yml"
    path.write_text(BAD, encoding="utf-8")
    registry, problems = load_registry(path)
    reported = {(p.line, p.message.split(":")[0]) for p in problems}
    messages = "\n".join(f"{p.location()}: {p.message}" for p in problems)
    assert all(p.path == path for p in problems)
    assert (7, "楽天") in reported, messages  # duplicate alias 'au', on the aliases line
    assert "'au' は KDDI" in messages
    assert (8, "name がありません") in reported, messages
    assert (10, "読みなし") in reported, messages
    assert any(p.line == 11 and "ＫＤＤＩ" not in p.message and "重複" in p.message for p in problems), messages
    assert (15, "子会社") in reported, messages  # the parent line
    assert (18, "変な種別") in reported, messages  # the kind line
    assert any(p.line == 22 and "sector" in p.message for p in problems), messages
    # good entries survive, bad ones are left out, and nothing is merged silently
    assert sorted(registry.by_name) == ["KDDI", "子会社", "未知の欄", "楽天"]
    assert registry.by_name["楽天"].aliases == ("Rakuten",)
    assert registry.by_name["子会社"].parent == ""
    assert registry.by_name["未知の欄"].ticker == "1234"


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    registry, problems = parse_registry("companies:\n  - name: [x\n", tmp_path / "c.yml")
    assert registry.companies == ()
    assert len(problems) == 1 and problems[0].line is not None


def test_missing_registry_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    registry, problems = load_registry(tmp_path / "nope.yml")
    assert registry.companies == () and problems[0].subtype == "registry"


def test_a_subsidiary_whose_name_spells_its_parent_names_the_parent_too() -> None:
    registry = Registry(
        (
            company("Alphabet"),
            company("Google", parent="Alphabet"),
            company("Google DeepMind", "DeepMind", parent="Google"),
            company("Amazon"),
            company("AWS", "Amazon Web Services", parent="Amazon"),
            company("ソフトバンクグループ"),
            company("ソフトバンク", parent="ソフトバンクグループ"),
        )
    )
    assert registry.companies_in("Google DeepMindとDeepMind") == ["Google DeepMind", "Google"]
    assert registry.companies_in("Amazon Web Servicesの発表") == ["AWS", "Amazon"]
    assert registry.companies_in("AWSの発表") == ["AWS"]  # the text does not spell Amazon
    assert registry.companies_in("ソフトバンクの発表") == ["ソフトバンク"]  # the group is not spelled
