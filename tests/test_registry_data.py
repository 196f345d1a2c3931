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


def test_at_least_820_organisations_of_every_kind(companies: list[dict]) -> None:
    """Issue 17 grew the registry from 342 to 1,090 entries; each kind has a real share of them."""
    assert len(companies) >= 820
    counts = {kind: sum(entry.get("kind") == kind for entry in companies) for kind in KINDS}
    assert set(counts) == KINDS and min(counts.values()) >= 50, counts


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
        # issue 17: Japanese listed companies across sectors, AI start-ups, Chinese hardware, finance and public bodies
        ("AOKIホールディングス", None),
        ("アサヒグループホールディングス", "アサヒグループ"),
        ("朝日生命保険", "朝日生命"),
        ("東日本旅客鉄道", "JR東日本"),
        ("出光興産", None),
        ("東京ガス", None),
        ("AGC", None),
        ("東京地下鉄", "東京メトロ"),
        ("CrewAI", None),
        ("Enfabrica", None),
        ("NimbleEdge", None),
        ("Agility Robotics", None),
        ("Cognition AI", "Cognition"),
        ("Habana Labs", "Habana"),
        ("新易盛", "Eoptolink"),
        ("中際旭創", "Innolight"),
        ("科大訊飛", "iFlytek"),
        ("華虹半導体", "Hua Hong Semiconductor"),
        ("金融安定理事会", "FSB"),
        ("国際決済銀行", "Bank for International Settlements"),
        ("欧州中央銀行", "ECB"),
        ("連邦準備制度理事会", "FRB"),
        ("G20", None),
        ("G7", None),
        ("東南アジア諸国連合", "ASEAN"),
        ("HSBC", None),
        ("Deutsche Bank", "ドイツ銀行"),
        ("UNESCO", "ユネスコ"),
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


@pytest.mark.parametrize(
    ("name", "excluded"),
    [
        ("イオン", "ライオン"),  # ライオン・ジョーンズ (Llion Jones), not AEON
        ("イオン", "リチウムイオン"),
        ("Oracle", "オラクルネットワーク"),  # blockchain oracles
        ("シャープ", "シャープな"),
        ("ローム", "クローム"),
        ("オックスフォード大学", "オックスフォードシャー"),
        ("ケンブリッジ大学", "ケンブリッジ・アナリティカ"),
        ("Elastic", "Elastic Kubernetes Service"),  # an AWS product, not Elastic N.V.
        ("Klaus", "Klaus Schwab"),
        ("カナダ先端研究機構", "CIFAR-10"),  # the data set
        ("IFS", "Foundry Services (IFS)"),  # Intel Foundry Services
    ],
)
def test_homonyms_are_excluded(by_name: dict[str, dict], name: str, excluded: str) -> None:
    assert key(excluded) in {key(x) for x in by_name[key(name)].get("exclude") or []}


# Spellings left out on purpose: ordinary words, other organisations' acronyms, places and products.
NEVER_SPELLINGS = [
    "地平線",  # "horizon": Horizon Robotics is entered by its Latin name
    "カカオ",  # cacao
    "キア",  # スロバキア
    "マーベル",  # Marvel comics
    "エイサー",  # the Okinawan dance
    "シティ",  # スマートシティ
    "フォード",  # スタンフォード, オックスフォード
    "教育省",  # every country has one
    "Target",
    "Orange",
    "Shell",
    "Sequoia",  # macOS Sequoia
    "Ultimate",
    "Continental",
    "Coherent",
    "Vanguard",
    "Fidelity",
    "BIS",  # the US Bureau of Industry and Security as often as the Bank for International Settlements
    "CAC",  # customer acquisition cost
    "DCMS",  # data-centre management systems
    "RWE",  # real-world evidence
    "AISI",  # both the UK and the Japanese AI safety institutes
    "UEC",
    "M3",  # the Apple chip
    "Temu",  # a marketplace, not PDD Holdings
    "Elasticsearch",  # a product
]


def test_ambiguous_spellings_are_not_registered(companies: list[dict]) -> None:
    registered = {key(s) for entry in companies for s in spellings(entry)}
    assert not [s for s in NEVER_SPELLINGS if key(s) in registered]
