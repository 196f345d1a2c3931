"""The company registry data (docs/companies.yml): shape, uniqueness, readings, group structure, coverage of the seeds.

Pure data checks with PyYAML only, so they hold whatever loader reads the file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "docs" / "companies.yml"
FIELDS = {"name", "reading", "aliases", "exclude", "kind", "market", "ticker", "parent", "description", "url"}
KINDS = {"listed", "private", "government", "academic", "association"}
READING = re.compile(r"[\u3041-\u3096ー ]+")  # hiragana (ぁ…ゖ, including ゔ), the long-vowel mark, spaces


def key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


@pytest.fixture(scope="module")
def companies() -> list[dict]:
    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("companies"), list)
    return data["companies"]


@pytest.fixture(scope="module")
def by_name(companies: list[dict]) -> dict[str, dict]:
    return {key(entry["name"]): entry for entry in companies}


def spellings(entry: dict) -> list[str]:
    return [entry["name"], *(entry.get("aliases") or [])]


def test_at_least_200_organisations_of_every_kind(companies: list[dict]) -> None:
    assert len(companies) >= 200
    assert {entry.get("kind") for entry in companies} == KINDS


def test_every_entry_has_the_required_fields_with_the_right_types(companies: list[dict]) -> None:
    for entry in companies:
        where = entry.get("name", entry)
        assert set(entry) <= FIELDS, (where, set(entry) - FIELDS)
        for field in ("name", "reading", "kind", "description"):
            assert isinstance(entry.get(field), str) and entry[field].strip(), (where, field)
        assert entry["kind"] in KINDS, where
        for field in ("aliases", "exclude"):
            values = entry.get(field, [])
            assert isinstance(values, list), (where, field)
            assert all(isinstance(v, str) and len(v.strip()) >= 2 for v in values), (where, field, values)
        for field in ("market", "ticker", "parent", "url"):
            assert isinstance(entry.get(field, ""), str), (where, field, "must be a (quoted) string")
        if entry["kind"] == "listed":
            assert entry.get("market") and entry.get("ticker"), (where, "a listed company needs market and ticker")
        else:
            assert not entry.get("ticker"), (where, "only listed companies have a ticker")
        if entry.get("url"):
            assert entry["url"].startswith("https://"), where


def test_names_and_aliases_are_unique_across_entries(companies: list[dict]) -> None:
    """NFKC + casefold: ＮＴＴ = NTT, and Nvidia = NVIDIA (case variants of one entry's own spellings are allowed,
    since spellings under six Latin characters match case exactly)."""
    owner: dict[str, str] = {}
    for entry in companies:
        for spelling in {key(s) for s in spellings(entry)}:
            assert spelling not in owner, f"{spelling!r} is in both {owner[spelling]} and {entry['name']}"
            owner[spelling] = entry["name"]


def test_each_exclude_contains_one_of_the_entrys_spellings(companies: list[dict]) -> None:
    for entry in companies:
        for excluded in entry.get("exclude") or []:
            assert any(key(s) in key(excluded) for s in spellings(entry)), (entry["name"], excluded)


def test_readings_are_hiragana(companies: list[dict]) -> None:
    bad = [(entry["name"], entry["reading"]) for entry in companies if not READING.fullmatch(entry["reading"])]
    assert not bad


def test_parents_exist_and_form_no_cycle(companies: list[dict], by_name: dict[str, dict]) -> None:
    for entry in companies:
        seen = {key(entry["name"])}
        parent = entry.get("parent")
        while parent:
            assert key(parent) in by_name, f"{entry['name']}: parent {parent!r} is not in the registry"
            assert key(parent) not in seen, f"{entry['name']}: parent cycle through {parent!r}"
            seen.add(key(parent))
            parent = by_name[key(parent)].get("parent")


def test_listed_tickers_are_unique_per_market(companies: list[dict]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for entry in companies:
        if entry.get("ticker"):
            place = (entry["market"], entry["ticker"])
            assert place not in seen, f"{place} is both {seen[place]} and {entry['name']}"
            seen[place] = entry["name"]


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("KDDI", None),
        ("さくらインターネット", None),
        ("ハイレゾ", None),
        ("NVIDIA", "エヌビディア"),
        ("経済産業省", "METI"),
        ("Meta", "Facebook"),
        ("ソフトバンク", None),
        ("ソフトバンクグループ", None),
        ("Google", "グーグル"),
        ("Microsoft", "マイクロソフト"),
        ("Amazon", "アマゾン"),
        ("OpenAI", None),
        ("xAI", None),
        ("Anthropic", None),
        ("Apple", "アップル"),
        ("ByteDance", None),
        ("Preferred Networks", "プリファードネットワークス"),
    ],
)
def test_required_organisations(by_name: dict[str, dict], name: str, alias: str | None) -> None:
    assert key(name) in by_name
    if alias:
        assert key(alias) in {key(s) for s in spellings(by_name[key(name)])}


def test_group_structure(by_name: dict[str, dict]) -> None:
    assert by_name[key("ソフトバンク")]["parent"] == "ソフトバンクグループ"
    assert by_name[key("Google")]["parent"] == "Alphabet"
    assert by_name[key("KDDI")]["ticker"] == "9433"
    assert by_name[key("KDDI")]["market"] == "TSE Prime"


@pytest.mark.parametrize(
    ("post", "names"),
    [
        ("2025-10-21-2-ai-article-update.md", ["KDDI", "さくらインターネット", "ハイレゾ", "NVIDIA", "経済産業省"]),
        ("2025-09-18-1-ai-article-update.md", ["Meta", "Google", "Apple", "Amazon", "IBM"]),
        ("2025-10-11-2-beyond.md", ["東京大学", "ソフトバンク", "LINEヤフー", "Beyond AI技術研究組合"]),
        ("2025-11-10-3-gmogpu.md", ["GMOインターネットグループ", "NVIDIA", "経済産業省", "マクニカホールディングス"]),
    ],
)
def test_each_seed_names_its_organisations_by_a_registry_spelling(
    by_name: dict[str, dict], post: str, names: list[str]
) -> None:
    text = key((ROOT / "posts" / post).read_text(encoding="utf-8"))
    for name in names:
        assert any(key(s) in text for s in spellings(by_name[key(name)])), (post, name)
