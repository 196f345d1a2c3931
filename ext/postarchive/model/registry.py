"""The company registry (``docs/companies.yml``) and the Aho-Corasick mention finder.

Pure code: plain dataclasses in, plain dataclasses out, no Sphinx. The registry is read with
``yaml.compose`` so that every problem (duplicate name or alias, missing name or reading, unknown
parent, bad kind) is reported with its file and line.

Mentions are found on an NFKC-normalised, ASCII-lower-cased copy of the text (so ``ＮＴＴ`` = ``NTT``
and ``Nvidia`` = ``NVIDIA``), with an offset map back to the original text so a caller can link the
original characters. Matching is longest-first and non-overlapping; Latin aliases need ASCII word
boundaries (``Meta`` is not in ``Metaverse``); short Latin aliases (under six characters) must also
match case exactly (``Apple``, not ``apple``); an entry's ``exclude`` strings cancel its matches
inside them (``au`` in ``au PAY``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from ..posts.post import normalize_name

KINDS = {
    "listed": "上場企業",
    "private": "非上場企業",
    "government": "官公庁",
    "academic": "大学・研究機関",
    "association": "団体",
}
FIELDS = ("name", "reading", "aliases", "exclude", "kind", "market", "ticker", "parent", "description", "url")
PRODUCT_FIELDS = ("name", "reading", "aliases", "exclude", "maker", "description", "url")
PRODUCT_KIND = "product"  # entries of the ``products:`` section
UNREGISTERED_KIND = "unregistered"  # organisations discovery found in posts (not in the file)
KIND_LABELS = {**KINDS, PRODUCT_KIND: "製品・サービス", UNREGISTERED_KIND: "未登録"}
CASE_INSENSITIVE_MIN_LENGTH = 6
KANA_BOUNDARY_MAX_LENGTH = 2
_ASCII_UPPER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
# "Long Form Name (ACR)": a long Latin name, then its acronym in brackets
ACRONYM_RE = re.compile(
    r"([A-Z][A-Za-z0-9&.\-]*(?: (?:[A-Z][A-Za-z0-9&.\-]*|and|of|for|the)){1,8}) ?[(（]([A-Z][A-Z0-9&\-]{1,9})[)）]"
)


@dataclass(frozen=True)
class Company:
    name: str  # canonical display name, NFKC-normalised
    reading: str
    aliases: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    kind: str = "private"
    market: str = ""
    ticker: str = ""
    parent: str = ""
    maker: str = ""  # products: the registry name of the company that makes it
    description: str = ""
    url: str = ""
    line: int = 0  # 1-based line of the entry in the registry file

    @property
    def spellings(self) -> tuple[str, ...]:
        """The name and every alias (what the finder looks for)."""
        return (self.name, *self.aliases)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def unregistered(self) -> bool:
        """Found by discovery in posts, not written in the registry (shown as 未登録)."""
        return self.kind == UNREGISTERED_KIND


@dataclass(frozen=True)
class RegistryProblem:
    path: Path
    line: int | None
    subtype: str
    message: str

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else f"{self.path}:"


@dataclass(frozen=True)
class Mention:
    company: str  # canonical name
    start: int  # offsets into the ORIGINAL text
    end: int
    alias: str  # the registry spelling that matched


def match_key(text: str) -> str:
    """What spellings are compared by: NFKC, one space, ASCII lower-case."""
    return normalize_name(text).translate(_ASCII_UPPER)


def exact_case(spelling: str) -> bool:
    """Short Latin spellings match case exactly (``Apple``, not ``apple``)."""
    return spelling.isascii() and len(spelling) < CASE_INSENSITIVE_MIN_LENGTH


def same_spelling(one: str, other: str) -> bool:
    """Two spellings the finder cannot tell apart (so one of them is redundant).

    ``ARM`` and ``Arm`` are different spellings (short ones match case exactly); ``NVIDIA`` and
    ``Nvidia`` are the same one.
    """
    one, other = normalize_name(one), normalize_name(other)
    if exact_case(one) or exact_case(other):
        return one == other
    return match_key(one) == match_key(other)


def is_katakana(char: str) -> bool:
    return "\u30a1" <= char <= "\u30fa" or char == "ー"


def needs_kana_boundary(spelling: str) -> bool:
    """Katakana spellings of two characters (``メタ``, ``セガ``) are whole katakana words only (not ``メタバース``)."""
    return len(spelling) <= KANA_BOUNDARY_MAX_LENGTH and all(is_katakana(char) for char in spelling)


def is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


@dataclass
class Registry:
    companies: tuple[Company, ...] = ()
    path: Path | None = None
    products: tuple[Company, ...] = ()  # the ``products:`` section (kind ``product``, each with a maker)
    _products: Registry | None = field(default=None, repr=False)
    _lookup: dict[str, Company] = field(default_factory=dict, repr=False)
    _by_name: dict[str, Company] = field(default_factory=dict, repr=False)
    _automaton: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for company in self.companies:
            self._by_name[company.name] = company
            for spelling in company.spellings:
                self._lookup.setdefault(match_key(spelling), company)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the build cache) without the automata: they are rebuilt on first use."""
        return {**self.__dict__, "_automaton": None, "_products": None}

    def with_entries(self, extra: Sequence[Company]) -> Registry:
        """This registry plus ``extra`` entries (discovered organisations), same products."""
        if not extra:
            return self
        return Registry((*self.companies, *extra), self.path, self.products)

    @property
    def product_registry(self) -> Registry:
        """The products as a registry of their own (their own finder: a product never hides a company)."""
        if self._products is None:
            self._products = Registry(self.products, self.path)
        return self._products

    def products_in(self, text: str) -> list[str]:
        """Product names, in order of first mention in ``text``."""
        return list(dict.fromkeys(m.company for m in self.product_registry.find_mentions(text)))

    def products_of(self, maker: str) -> list[Company]:
        return [product for product in self.products if product.maker == maker]

    @property
    def by_name(self) -> dict[str, Company]:
        """Entries by canonical name (built once: it is asked for at every mention)."""
        return self._by_name

    def lookup(self, name: str) -> Company | None:
        """The entry whose name or alias is ``name`` (NFKC, ASCII case-insensitive)."""
        return self._lookup.get(match_key(name))

    def children(self, name: str) -> list[Company]:
        return [company for company in self.companies if company.parent == name]

    def spellings_key(self, names: Iterable[str]) -> str:
        """A short digest of how ``names`` are spelled and excluded: it changes when their entries do."""
        by_name = self.by_name
        parts = [
            repr((name, by_name[name].spellings, by_name[name].exclude)) for name in sorted(names) if name in by_name
        ]
        return hashlib.sha1("\n".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:12]

    def finder(self) -> MentionFinder:
        if self._automaton is None:
            self._automaton = MentionFinder(self.companies)
        return self._automaton

    def find_mentions(self, text: str) -> list[Mention]:
        return self.finder().find(text)

    def companies_in(self, text: str) -> list[str]:
        """Canonical names, in order of first mention in ``text``.

        Tags never add a company: a tag is a topic (``xAI`` on a post about explainable AI), not a mention.
        A mention of an entry whose matched text also spells one of its ancestors names that ancestor
        too (``Amazon Web Services`` → AWS and Amazon; ``Google DeepMind`` → Google DeepMind and Google),
        listed right after it.
        """
        names: dict[str, None] = {}
        mentions = self.find_mentions(text)
        tied = self.tied_acronyms(text, mentions)
        for mention in mentions:
            company = tied.get(mention.alias, mention.company)
            if not company:
                continue
            names.setdefault(company)
            if company != mention.company:
                continue
            for ancestor in self.ancestors_spelled(mention.company, text[mention.start : mention.end]):
                names.setdefault(ancestor)
        return list(names)

    def tied_acronyms(self, text: str, mentions: Sequence[Mention]) -> dict[str, str]:
        """Acronyms ``text`` defines as another name's: ``acronym → the entry the long form names`` ("" if none).

        In ``Intel Foundry Services (IFS)`` the acronym is not the Swedish IFS of the registry: its bare uses
        later in the post go to what the long form names (Intel), not to the entry that spells ``IFS``.
        ``Industrial and Financial Systems (IFS)`` spells that entry itself and ties nothing.
        """
        tied: dict[str, str] = {}
        for match in ACRONYM_RE.finditer(text):
            long_form, acronym = match.group(1), normalize_name(match.group(2))
            entry = self.lookup(acronym)
            if entry is None or acronym in tied:
                continue
            own = [match_key(s) for s in entry.spellings if normalize_name(s) != acronym]
            if any(contains_word(match_key(long_form), spelling) for spelling in own):
                continue
            inside = [m for m in mentions if match.start(1) <= m.start and m.end <= match.end(1)]
            tied[acronym] = next((m.company for m in inside if m.company != entry.name), "")
        return tied

    def ancestors_spelled(self, name: str, matched: str) -> list[str]:
        """Ancestors of ``name`` (parent, grandparent…) one of whose spellings is a whole word of ``matched``."""
        by_name = self.by_name
        key = match_key(matched)
        found: list[str] = []
        seen = {name}
        current = by_name.get(name)
        while current is not None and current.parent and current.parent not in seen:
            seen.add(current.parent)
            current = by_name.get(current.parent)
            if current is not None and any(contains_word(key, match_key(s)) for s in current.spellings):
                found.append(current.name)
        return found


def contains_word(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` with ASCII word boundaries where it starts or ends with a Latin character."""
    start = text.find(word)
    while start >= 0 and word:
        end = start + len(word)
        left_ok = not (is_word_char(word[0]) and start > 0 and is_word_char(text[start - 1]))
        right_ok = not (is_word_char(word[-1]) and end < len(text) and is_word_char(text[end]))
        if left_ok and right_ok:
            return True
        start = text.find(word, start + 1)
    return False


class NormalizedText:
    """An NFKC + ASCII-lower-case copy of a text, with the map back to original offsets.

    Characters are normalised one by one through a translation table (fast, and the copy usually has
    the same length so offsets are the identity). Where a character expands (``㈱`` → ``(株)``,
    ``…`` → ``...``) or a combining mark must compose with its base (``ﾄﾞ`` → ``ド``), that piece
    is normalised as a whole and remembered as a breakpoint; offsets between breakpoints are linear.
    """

    __slots__ = ("_norm_starts", "_pieces", "length", "text")

    def __init__(self, original: str, cache: dict[str, str] | None = None) -> None:
        """``cache`` (char → normal form) may be shared between texts: it only ever holds pure results."""
        cache = {} if cache is None else cache
        table: dict[int, str] = {}
        special: set[str] = set()  # characters whose normal form is not exactly one character
        marks: set[str] = set()  # characters whose normal form starts with a combining mark
        for char in set(original):
            normal = cache.get(char)
            if normal is None:
                normal = cache[char] = unicodedata.normalize("NFKC", char).translate(_ASCII_UPPER)
            if normal != char:
                table[ord(char)] = normal
            if len(normal) != 1:
                special.add(char)
            if normal and unicodedata.combining(normal[0]):
                marks.add(char)
        self.length = len(original)
        self._norm_starts: list[int] = []
        self._pieces: list[tuple[int, int, int, int]] = []  # (norm start, norm length, orig start, orig length)
        if not special and not marks:
            self.text = original.translate(table) if table else original
            return
        alternatives = []
        if marks:
            alternatives.append("(?:.[" + re.escape("".join(sorted(marks))) + "]+)")
        if special:
            alternatives.append("[" + re.escape("".join(sorted(special))) + "]")
        pattern = re.compile("|".join(alternatives), re.DOTALL)
        out: list[str] = []
        norm_length = 0
        position = 0
        for match in pattern.finditer(original):
            plain = original[position : match.start()].translate(table)
            out.append(plain)
            norm_length += len(plain)
            piece = match.group(0)
            if len(piece) > 1:
                normal = unicodedata.normalize("NFKC", piece).translate(_ASCII_UPPER)
            else:
                normal = table.get(ord(piece), piece)
            self._norm_starts.append(norm_length)
            self._pieces.append((norm_length, len(normal), match.start(), len(piece)))
            out.append(normal)
            norm_length += len(normal)
            position = match.end()
        out.append(original[position:].translate(table))
        self.text = "".join(out)

    def _locate(self, index: int) -> tuple[int, bool, int]:
        """``(original offset, inside a piece, piece end)`` for the normalised character at ``index``."""
        found = bisect_right(self._norm_starts, index) - 1
        if found < 0:
            return index, False, 0
        norm_start, norm_length, orig_start, orig_length = self._pieces[found]
        if index < norm_start + norm_length:
            return orig_start, True, orig_start + orig_length
        return orig_start + orig_length + (index - norm_start - norm_length), False, 0

    def start(self, index: int) -> int:
        """Original start offset of the normalised character at ``index``."""
        if not self._pieces:
            return index
        return self._locate(index)[0] if index < len(self.text) else self.length

    def end(self, index: int) -> int:
        """Original end offset for a normalised end offset (exclusive)."""
        if not self._pieces or index <= 0:
            return max(index, 0)
        offset, inside, piece_end = self._locate(index - 1)
        return piece_end if inside else offset + 1


@dataclass(frozen=True)
class _Key:
    company: str
    spelling: str  # the registry spelling (NFKC)
    length: int  # length of the normalised key
    exclude: bool
    exact_case: str  # when non-empty, the NFKC spelling the original must equal (short Latin aliases)
    left_boundary: bool
    right_boundary: bool
    kana_boundary: bool = False  # short katakana spellings: no katakana right before or after


class MentionFinder:
    """Aho-Corasick over every spelling and exclusion of every company."""

    def __init__(self, companies: Sequence[Company]) -> None:
        automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Key]] = {}
        for company in companies:
            for spelling, exclude in [(s, False) for s in company.spellings] + [(s, True) for s in company.exclude]:
                normal = normalize_name(spelling)
                key = match_key(normal)
                if not key:
                    continue
                exact = normal if not exclude and exact_case(normal) else ""
                keys.setdefault(key, []).append(
                    _Key(
                        company.name,
                        normal,
                        len(key),
                        exclude,
                        exact,
                        is_word_char(key[0]),
                        is_word_char(key[-1]),
                        not exclude and needs_kana_boundary(key),
                    )
                )
        for key, values in keys.items():
            automaton.add_word(key, tuple(values))
        self.empty = not keys
        if not self.empty:
            automaton.make_automaton()
        self.automaton = automaton
        self._normal_forms: dict[str, str] = {}  # per finder, so per build: no module-level state

    def find(self, original: str) -> list[Mention]:
        if self.empty or not original:
            return []
        norm = NormalizedText(original, self._normal_forms)
        text = norm.text
        candidates: list[tuple[int, int, _Key]] = []
        excluded: dict[str, list[tuple[int, int]]] = {}
        for end_index, values in self.automaton.iter(text):
            end = end_index + 1
            for key in values:
                start = end - key.length
                if key.left_boundary and start > 0 and is_word_char(text[start - 1]):
                    continue
                if key.right_boundary and end < len(text) and is_word_char(text[end]):
                    continue
                if key.kana_boundary and (
                    (start > 0 and is_katakana(text[start - 1])) or (end < len(text) and is_katakana(text[end]))
                ):
                    continue
                if key.exclude:
                    excluded.setdefault(key.company, []).append((start, end))
                    continue
                if key.exact_case and normalize_name(original[norm.start(start) : norm.end(end)]) != key.exact_case:
                    continue
                candidates.append((start, end, key))
        if excluded:
            candidates = [
                (s, e, k)
                for s, e, k in candidates
                if not any(xs <= s and e <= xe for xs, xe in excluded.get(k.company, ()))
            ]
        # longest first, then leftmost; never overlapping
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2].company))
        taken: list[tuple[int, int]] = []
        mentions: list[Mention] = []
        for start, end, key in candidates:
            if any(start < te and ts < end for ts, te in taken):
                continue
            taken.append((start, end))
            mentions.append(Mention(key.company, norm.start(start), norm.end(end), key.spelling))
        mentions.sort(key=lambda m: m.start)
        return mentions


# --- loading -------------------------------------------------------------------------------------


def _scalar(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":null"):
            return ""
        return str(node.value)
    raise ValueError("文字列が必要です")


def _string_list(node: yaml.Node) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
        return [value] if value else []
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(item) for item in node.value if _scalar(item)]
    raise ValueError("文字列のリストが必要です")


def _section(root: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


class _Parser:
    """One registry file's entries, problems reported as they are met."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[RegistryProblem] = []
        self.owner: dict[str, Company] = {}  # match key of every kept spelling → its entry

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(RegistryProblem(self.path, line, "registry", message))

    def entry(self, item: yaml.Node, fields: tuple[str, ...], product: bool) -> tuple[Company, dict] | None:
        if not isinstance(item, yaml.MappingNode):
            self.problem(item, "項目はマッピング (name: … reading: …) である必要があります")
            return None
        values: dict[str, Any] = {}
        nodes_of: dict[str, yaml.Node] = {}
        bad = False
        for key_node, value_node in item.value:
            key = _scalar(key_node)
            nodes_of[key] = value_node
            if key not in fields:
                self.problem(key_node, f"未知のフィールド {key!r} (使えるのは {', '.join(fields)})")
                continue
            try:
                values[key] = _string_list(value_node) if key in ("aliases", "exclude") else _scalar(value_node)
            except ValueError as error:
                self.problem(value_node, f"{key}: {error}")
                bad = True
        name = normalize_name(values.get("name", ""))
        if not name:
            self.problem(item, "name がありません")
            return None
        reading = normalize_name(values.get("reading", ""))
        if not reading:
            self.problem(item, f"{name}: reading (読み) がありません")
            bad = True
        kind = PRODUCT_KIND if product else values.get("kind", "private") or "private"
        if kind not in KINDS and not product:
            self.problem(nodes_of.get("kind", item), f"{name}: kind {kind!r} は {', '.join(KINDS)} のどれかです")
            bad = True
        if product and not normalize_name(values.get("maker", "")):
            self.problem(item, f"{name}: maker (作っている企業・組織) がありません")
            bad = True
        if bad:
            return None
        aliases = tuple(dict.fromkeys(normalize_name(a) for a in values.get("aliases", []) if normalize_name(a)))
        company = Company(
            name=name,
            reading=reading,
            aliases=tuple(a for a in aliases if not same_spelling(a, name)),
            exclude=tuple(normalize_name(x) for x in values.get("exclude", [])),
            kind=kind,
            market=normalize_name(values.get("market", "")),
            ticker=normalize_name(values.get("ticker", "")),
            parent=normalize_name(values.get("parent", "")),
            maker=normalize_name(values.get("maker", "")),
            description=" ".join(values.get("description", "").split()),
            url=values.get("url", "").strip(),
            line=item.start_mark.line + 1,
        )
        return company, nodes_of

    def unique(self, company: Company, nodes_of: dict[str, yaml.Node]) -> Company | None:
        """The entry without spellings another entry has (a duplicate name drops the entry)."""
        other = self.owner.get(match_key(company.name))
        if other is not None:
            self.problem(
                nodes_of.get("name"),
                f"名前 {company.name!r} は {other.name} ({self.path}:{other.line}) と重複しています: この項目は省きます",
            )
            return None
        kept: list[str] = []
        for alias in company.aliases:
            other = self.owner.get(match_key(alias))
            if any(same_spelling(alias, k) for k in kept):
                continue
            if other is not None:
                self.problem(
                    nodes_of.get("aliases"),
                    f"{company.name}: 別名 {alias!r} は {other.name} ({self.path}:{other.line}) と重複しています",
                )
                continue
            kept.append(alias)
        company = Company(**{**company.__dict__, "aliases": tuple(kept)})
        for spelling in company.spellings:
            self.owner.setdefault(match_key(spelling), company)
        return company

    def entries(self, node: yaml.Node | None, product: bool) -> list[tuple[Company, dict[str, yaml.Node]]]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{'products' if product else 'companies'}: はリストである必要があります")
            return []
        parsed = [self.entry(item, PRODUCT_FIELDS if product else FIELDS, product) for item in node.value]
        kept = []
        for found in parsed:
            if found is not None:
                company = self.unique(*found)
                if company is not None:
                    kept.append((company, found[1]))
        return kept

    def checked_link(
        self, company: Company, nodes_of: dict[str, yaml.Node], field_name: str, names: set[str]
    ) -> Company:
        target = getattr(company, field_name)
        if target and target not in names:
            what = "親" if field_name == "parent" else "maker"
            self.problem(nodes_of.get(field_name), f"{company.name}: {what} {target!r} が登録されていません")
            return Company(**{**company.__dict__, field_name: ""})
        return company


def parse_registry(text: str, path: Path) -> tuple[Registry, list[RegistryProblem]]:
    """Parse registry YAML (``companies:`` and ``products:``); bad entries are left out and reported with their line."""
    parser = _Parser(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        parser.problems.append(
            RegistryProblem(path, mark.line + 1 if mark else None, "registry", f"YAML として読めません: {error}")
        )
        return Registry(path=path), parser.problems
    if root is None:
        return Registry(path=path), parser.problems
    items_node = root if isinstance(root, yaml.SequenceNode) else _section(root, "companies")
    if not isinstance(items_node, yaml.SequenceNode):
        parser.problem(root, "最上位に companies: のリストが必要です")
        return Registry(path=path), parser.problems
    companies = parser.entries(items_node, product=False)
    names = {company.name for company, _ in companies}
    checked = tuple(parser.checked_link(company, nodes, "parent", names) for company, nodes in companies)
    products = parser.entries(_section(root, "products"), product=True)
    kept_products: list[Company] = []
    for product, nodes in products:
        product = parser.checked_link(product, nodes, "maker", names)
        if product.maker:
            kept_products.append(product)
    return Registry(checked, path, products=tuple(kept_products)), parser.problems


def load_registry(path: Path) -> tuple[Registry, list[RegistryProblem]]:
    """Read the registry file; a missing file is an empty registry plus a problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        return Registry(path=path), [RegistryProblem(path, None, "registry", f"レジストリを読めません: {error}")]
    return parse_registry(text, path)
