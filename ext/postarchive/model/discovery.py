"""Discovery of organisations the registry does not know: candidate extraction and filtering.

Pure code over plain text. Candidates come from

- organisation patterns (``株式会社X``, ``X社``, ``Xグループ``, ``X大学``, ``X省``, ``X Inc.``, ``米X``, a name
  followed by what only follows an organisation (``Xの CEO``, ``Xは…を買収``), names listed before
  ``などの企業``), by regular expressions: cheap, and they say the name is an organisation's;
- a Japanese analyser behind the :class:`OrgTagger` interface: SudachiPy (``model/nlp.py``) delimits
  kanji names the regexes cannot (``富士通、NEC、日立製作所などの国内企業``). GiNZA's NER was measured too
  and left out: 400 times the cost per post and a third of its "Company" labels wrong
  (``docs/design/discovery.md``). Tests run with a fake tagger.

What the registry (or its product list) already spells is dropped, as are generic words the patterns
catch (``同社``, ``研究グループ``); ``pages/discovered.py`` turns the names enough posts use into entries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..posts.post import normalize_name
from .registry import Company, Registry

DISCOVERY_VERSION = "5"  # part of the cache key: change it when what discovery proposes (or mention_text) changes

NAME = r"[\u30A0-\u30FF\u4E00-\u9FFF々A-Za-z0-9&.・ー\-]"
KATA_LATIN = r"[\u30A0-\u30FFA-Za-z0-9&.・ー\-]"
KANJI_KATA_LATIN = r"[A-Za-z\u30A0-\u30FF\u4E00-\u9FFF々ー・]"
LATIN_WORDS = r"[A-Z][A-Za-z0-9&.\-]*(?: [A-Z][A-Za-z0-9&.\-]*){0,4}"
# a Latin name starts a word: without it, a long run of capitals is tried from every letter (quadratic)
WORD_START = r"(?<![A-Za-z0-9&.\-])"
LEGAL_FORM = r"Inc\.?|Corp\.?|Corporation|Ltd\.?|Co\., Ltd\.|LLC|plc|AG|SE|GmbH"  # not part of the name
LATIN_ORG_WORD = (  # part of the name: Isomorphic Labs, Thrive Capital
    r"Holdings|Group|Labs|Technologies|Capital|Ventures|Partners|Robotics|Systems|Semiconductor|Bank"
    r"|Foundation|Institute|University|Research|Therapeutics|Networks|Dynamics"
)
JAPANESE_ORG_SUFFIX = (
    "ホールディングス|フィナンシャルグループ|銀行|証券|信託銀行|損保|商事|物産|工業|電機|製作所|重工|製薬|新聞社"
    "|大学院大学|大学|研究所|研究機構|機構|財団|協会|連盟|連合会|評議会|省|庁"
)
KATAKANA_NAME = r"[\u30A1-\u30FA][\u30A1-\u30FA・ー]{2,20}"
# what follows an organisation's name but never a product's or a person's
ORG_CONTEXT = (
    r"(?:傘下|の(?:CEO|最高経営責任者|創業者|共同創業者|社長|会長|幹部|経営陣|株価|株式|株主|決算|売上高?|時価総額"
    r"|本社|子会社|親会社|従業員|社員|広報|評価額|買収|上場)"
    r"|(?:は|が)[^。、]{0,30}?(?:を買収|に出資|と提携|と発表し|資金調達|を調達|上場し|を設立|を創業|を発表し))"
)
PATTERNS: dict[str, re.Pattern[str]] = {
    "株式会社X": re.compile(rf"(?:株式会社|\(株\)|㈱)\s?({LATIN_WORDS}|{NAME}{{2,20}})"),
    "X株式会社": re.compile(rf"({WORD_START}{LATIN_WORDS}|{NAME}{{2,20}})\s?(?:株式会社|\(株\)|㈱)"),
    "X社": re.compile(
        rf"(?<![\u30A0-\u30FFA-Za-z0-9&.\-])({KATA_LATIN}{{2,20}}|{LATIN_WORDS})社(?![会員長内外債名屋])"
    ),
    "Xグループ": re.compile(rf"({WORD_START}{LATIN_WORDS}|{KATA_LATIN}{{2,20}})グループ"),
    "X大学・X省…": re.compile(rf"({KANJI_KATA_LATIN}{{1,12}}(?:{JAPANESE_ORG_SUFFIX}))(?![\u4E00-\u9FFF])"),
    "X Inc.": re.compile(rf"{WORD_START}({LATIN_WORDS}),? (?:{LEGAL_FORM})(?![A-Za-z])"),
    "X Labs": re.compile(rf"{WORD_START}((?:[A-Z][A-Za-z0-9&.\-]* ){{1,3}}(?:{LATIN_ORG_WORD}))(?![A-Za-z])"),
    "米X": re.compile(
        rf"(?:米国?|英国?|中国|独|仏|韓国|台湾|イスラエル|インド|カナダ|フランス|ドイツ)の?({LATIN_WORDS})(?![A-Za-z0-9])"
    ),
    "X+文脈": re.compile(rf"({WORD_START}{LATIN_WORDS}|(?<![\u30A0-\u30FF]){KATAKANA_NAME})(?={ORG_CONTEXT})"),
}
# "X、Y、Z などの企業": a list the text itself says is one of organisations
LIST_CUE = (
    r"(?:など|といった|のような|ら)の?(?:国内|海外|日本|米国?|中国|欧州|欧米|外資)?の?(?:大手|主要|有力|新興)?"
    r"(?:テック|IT|AI|半導体|クラウド|金融|通信|自動車|製薬)?(?:企業|各社|大手|ベンダー|メーカー|スタートアップ|機関|銀行|大学)"
)
LIST_CUE_RE = re.compile(LIST_CUE)
LIST_ITEM_RE = re.compile(rf"^(?:{LATIN_WORDS}|{KATAKANA_NAME})$")
LIST_TAIL_RE = re.compile(rf"(?<![A-Za-z0-9\u30A0-\u30FF])(?:{LATIN_WORDS}|{KATAKANA_NAME})$")
LIST_SEPARATORS_RE = re.compile(r"\s*(?:、|，|,|や|と|及び|および|/)\s*")
LIST_SPAN = 120  # characters before the cue that the list may take


def listed_names(text: str) -> Iterator[tuple[str, str, int]]:
    """``(name, "X、Yなどの企業", start)`` for each Latin or katakana name in a list that ends in such a cue."""
    for cue in LIST_CUE_RE.finditer(text):
        start = max(text.rfind(mark, 0, cue.start()) for mark in "。！？\n「（(") + 1
        start = max(start, cue.start() - LIST_SPAN)
        items: list[tuple[str, int]] = []
        position = start
        for separator in LIST_SEPARATORS_RE.finditer(text, start, cue.start()):
            items.append((text[position : separator.start()], position))
            position = separator.end()
        items.append((text[position : cue.start()], position))
        for index, (item, offset) in enumerate(reversed(items)):
            if LIST_ITEM_RE.match(item):
                yield item, "X、Yなどの企業", offset
                continue
            last = LIST_TAIL_RE.search(item) if index else None  # "当社はGoogle": the list's first item
            if last is not None:
                yield last.group(0), "X、Yなどの企業", offset + last.start()
            break


# words that the patterns catch but that never name one organisation (自社グループ, 研究グループ, 同省…)
STOP_NAMES = frozenset(
    {
        *"同各当自他弊御両本親子新米中英独仏日韓台欧",
        *("自社", "同社", "当社", "他社", "各社", "大手", "企業", "事業", "研究", "業界", "世界", "民族", "作家"),
        *("反省", "帰省", "内省", "自省", "IT", "AI", "ML", "US", "CEO", "CTO", "CFO", "API", "LLM", "PC"),
        *("ワーキング", "プロジェクト", "ユーザー", "GPU", "パートナー", "スタートアップ", "メーカー"),
        *("テック", "ベンチャー", "グループ", "The", "A", "An", "This", "Our", "New", "AI Labs", "Big Tech"),
        *("大学", "研究所", "銀行", "証券", "機構", "財団", "協会", "委員会", "省", "庁", "関係省庁", "各省庁"),
        *("リアルタイム", "レポート", "サポート", "データ", "システム", "サービス", "プラットフォーム", "モデル"),
        *("Inc", "Corp", "Ltd", "LLC", "Co", "HIPAA", "GDPR", "CHIPS"),
        *("BAT", "BATH", "GAFA", "GAFAM", "FAANG", "MAGMA", "Magnificent 7"),  # nicknames of several companies
        *("Attention機構", "アテンション機構", "注意機構", "自己注意機構", "Self-Attention機構"),
        *("中央銀行", "投資銀行", "商業銀行", "地方銀行", "地銀", "都市銀行", "国立大学", "私立大学", "有名大学"),
        *("理工系大学", "名門大学", "総合大学", "大学院大学", "研究機構", "監督官庁", "規制当局", "政府機関"),
    }
)
GENERIC_PREFIXES = ("同", "各", "当", "自", "他", "某", "大手", "主要", "複数", "国内", "海外", "多く", "一部", "関係")
COUNTRY_PREFIX_RE = re.compile(r"^(?:米国?|中国|英国?|独|仏|日本|韓国|台湾|欧州|米中|日米)(?=[A-Z\u30A0-\u30FF])")
TRIM = " ・-.。、，,「」『』()（）[]【】\"'“”"
SENTENCE_RE = re.compile(r"[^。！？!?\n]*[。！？!?]?")
EXAMPLE_LENGTH = 120


@dataclass(frozen=True)
class Candidate:
    """One organisation name discovery proposes in one post, with where it came from and an example."""

    name: str
    source: str  # the pattern's name or the tagger's label
    sentence: str = ""  # the first sentence that names it (for editors)


class OrgTagger(Protocol):
    """A Japanese analyser that finds organisation names in text (SudachiPy here; a fake in tests)."""

    name: str

    def organisations(self, text: str) -> Iterable[tuple[str, str, int]]:
        """``(surface, label, start offset)`` of each organisation-like name in ``text``."""
        ...


def clean_name(raw: str) -> str:
    """NFKC, one space, no surrounding brackets or dots, no ``米``/``中国`` in front of a foreign name."""
    name = normalize_name(raw).strip(TRIM).removeprefix("The ")
    return COUNTRY_PREFIX_RE.sub("", name).strip(TRIM)


def plausible(name: str) -> bool:
    """Not a generic word: two characters at least, not a stop word, not a number or a generic prefix."""
    if len(name) < 2 or name in STOP_NAMES or name.replace(" ", "").isdigit():
        return False
    if any(name.startswith(prefix) for prefix in GENERIC_PREFIXES) and not name.isascii():
        return False
    return not all(unicodedata.category(char).startswith(("P", "S", "N", "Z")) for char in name)


def known(name: str, registry: Registry) -> bool:
    """The registry spells ``name`` (as a name or alias), or its mentions cover all but one character of it."""
    if registry.lookup(name) is not None:
        return True
    covered = sum(m.end - m.start for m in registry.find_mentions(name))
    return covered >= len(name.replace(" ", "")) - 1


def pattern_matches(text: str, patterns: Iterable[str] = PATTERNS) -> Iterator[tuple[str, str, int]]:
    """``(raw name, pattern name, start)`` for every organisation pattern match in ``text``."""
    for pattern_name in patterns:
        for match in PATTERNS[pattern_name].finditer(text):
            yield match.group(1), pattern_name, match.start(1)


def sentence_at(text: str, offset: int) -> str:
    """The sentence of ``text`` around ``offset``, at most :data:`EXAMPLE_LENGTH` characters."""
    start = max(text.rfind(mark, 0, offset) for mark in "。！？!?\n") + 1
    ends = [e for e in (text.find(mark, offset) for mark in "。！？!?\n") if e >= 0]
    end = min(ends) + 1 if ends else len(text)
    sentence = " ".join(text[start:end].split())
    if len(sentence) <= EXAMPLE_LENGTH:
        return sentence
    middle = offset - start
    left = max(0, min(middle - EXAMPLE_LENGTH // 2, len(sentence) - EXAMPLE_LENGTH))
    return "…" + sentence[left : left + EXAMPLE_LENGTH] + "…"


def propose(text: str, tagger: OrgTagger | None = None, patterns: Iterable[str] = PATTERNS) -> list[Candidate]:
    """Every plausible organisation name in ``text``, once each, in order of first occurrence.

    Depends on the text (and the tagger) only, not on the registry: this is what the build cache keeps
    per post, so editing the registry never re-runs the analyser.
    """
    raw: list[tuple[str, str, int]] = [*pattern_matches(text, patterns), *listed_names(text)]
    if tagger is not None:
        raw += list(tagger.organisations(text))
    raw.sort(key=lambda item: item[2])
    found: dict[str, Candidate] = {}
    for surface, source, offset in raw:
        name = clean_name(surface)
        if name not in found and plausible(name):
            found[name] = Candidate(name, source, sentence_at(text, offset))
    return list(found.values())


def unknown(
    candidates: Iterable[Candidate], registry: Registry, also_known: Callable[[str], bool] = lambda name: False
) -> list[Candidate]:
    """The candidates ``registry`` does not spell; ``also_known``: names to leave out too (products)."""
    return [c for c in candidates if not known(c.name, registry) and not also_known(c.name)]


def discover(text: str, registry: Registry, tagger: OrgTagger | None = None) -> list[Candidate]:
    """The organisations ``text`` names that ``registry`` (companies and products) lacks."""
    products = registry.product_registry
    return unknown(propose(text, tagger), registry, lambda name: known(name, products))


# --- the build's use: names enough posts use become entries ---------------------------------------


@dataclass
class Discovered:
    """An organisation discovery proposed, over the whole archive."""

    name: str
    posts: list[str] = field(default_factory=list)  # docnames of the posts whose text names it
    sources: set[str] = field(default_factory=set)
    examples: list[tuple[str, str]] = field(default_factory=list)  # (docname, sentence)


def collect(per_post: Sequence[tuple[str, Sequence[Candidate]]], min_posts: int) -> list[Discovered]:
    """Names proposed in at least ``min_posts`` posts, most posts first (then by name)."""
    by_name: dict[str, Discovered] = {}
    for docname, candidates in per_post:
        for candidate in candidates:
            entry = by_name.setdefault(candidate.name, Discovered(candidate.name))
            if docname not in entry.posts:
                entry.posts.append(docname)
            entry.sources.add(candidate.source)
            if candidate.sentence and len(entry.examples) < 3:
                entry.examples.append((docname, candidate.sentence))
    kept = [entry for entry in by_name.values() if len(entry.posts) >= max(min_posts, 1)]
    return sorted(kept, key=lambda entry: (-len(entry.posts), entry.name))


def without_contained(discovered: Sequence[Discovered]) -> list[Discovered]:
    """Drop a name that is part of a longer discovered name in every post it is proposed in.

    (``テストフーズ`` found inside ``株式会社テストフーズ`` by another pattern is the same organisation.)
    """
    kept = []
    for entry in discovered:
        longer = [other for other in discovered if other.name != entry.name and entry.name in other.name]
        if longer and all(any(post in other.posts for other in longer) for post in entry.posts):
            continue
        kept.append(entry)
    return kept


def discovered_in(
    per_post: Iterable[tuple[str, Sequence[Candidate]]], registry: Registry, min_posts: int
) -> list[Discovered]:
    """What the build makes entries of: per post, the proposals neither the registry's companies nor its
    products spell; kept when at least ``min_posts`` posts propose them; a name inside a longer one left out."""
    products = registry.product_registry
    filtered = [(docname, unknown(found, registry, lambda name: known(name, products))) for docname, found in per_post]
    return without_contained(collect(filtered, min_posts))


def as_entries(discovered: Iterable[Discovered], reading: Callable[[str], str]) -> tuple[Company, ...]:
    """Registry entries for discovered organisations (kind ``unregistered``: shown as 未登録)."""
    return tuple(
        Company(name=entry.name, reading=reading(entry.name), kind="unregistered", description="")
        for entry in discovered
    )
