"""kramdown's text rules as pure functions: typography, header ids, attribute lists.

The blog is rendered by Jekyll 4.3 with kramdown 2.4 (``input: GFM``); these functions port the
few kramdown rules a post relies on, checked against the real Jekyll (tests/kramdown_oracle.py).
They are ported by hand because no Python library implements kramdown's exact rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# --- typography (kramdown/parser/kramdown/smart_quotes.rb and typographic_symbol.rb) ---

_SQ_PUNCT = r"""[!"#$%'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"""
_SQ_CLOSE = r"[^ \\\t\r\n\[{(-]"
_LQUOTE = {'"': "“", "'": "‘"}
_RQUOTE = {'"': "”", "'": "’"}

# (pattern at the quote, optionally with the one character before it; what replaces it)
_SQ_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"""(?P<q>["'])(?=[_*]{1,2}\S)"""), "l"),
    (re.compile(rf"""(?P<q>["'])(?={_SQ_PUNCT}(?!\.\.)\B)"""), "r"),
    (re.compile(r"""(?P<pre>\s?)"'(?=\w)"""), "“‘"),
    (re.compile(r"""(?P<pre>\s?)'"(?=\w)"""), "‘“"),
    (re.compile(r"""(?P<pre>\s?)'(?=\d\ds)"""), "’"),
    (re.compile(r"""(?P<pre>\s)(?P<q>["'])(?=\w)"""), "l"),
    (re.compile(rf"""(?P<pre>{_SQ_CLOSE})(?P<q>["'])"""), "r"),
    (re.compile(r"""(?P<q>["'])(?=\s|s\b|$)"""), "r"),
    (re.compile(r"""(?P<pre>.?)(?P<q>')""", re.DOTALL), "‘"),
    (re.compile(r"""(?P<pre>.?)(?P<q>")""", re.DOTALL), "“"),
]
_SQ_RULES = [
    (re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII), subst) for pattern, subst in _SQ_RULES
]  # Ruby's \w, \s
_QUOTE_START = re.compile(r"""[^\\]?["']""")
_TYPOGRAPHIC = [
    ("---", "—"),
    ("--", "–"),
    ("...", "…"),
    ("<< ", "«\u00a0"),
    (" >>", "\u00a0»"),
    ("<<", "«"),
    (">>", "»"),
]
_TYPOGRAPHIC_RE = re.compile("|".join(re.escape(symbol) for symbol, _ in _TYPOGRAPHIC))
_TYPOGRAPHIC_SUBST = dict(_TYPOGRAPHIC)


def _quote_at(text: str, start: int) -> tuple[str, int]:
    """The first of kramdown's quote rules that matches at ``start``: (replacement, end)."""
    for pattern, subst in _SQ_RULES:
        match = pattern.match(text, start)
        if match is not None:
            groups = match.groupdict()
            quote = groups.get("q") or ""
            replacement = {"l": _LQUOTE.get(quote, ""), "r": _RQUOTE.get(quote, "")}.get(subst, subst)
            return (groups.get("pre") or "") + replacement, match.end()
    return text[start], start + 1  # unreachable: the last two rules match any quote


def smart_typography(text: str) -> str:
    """kramdown's smart quotes and typographic symbols for one run of plain text.

    A run is text between two elements: kramdown looks at most one character back and never
    across an element (a symbol like ``--`` is one), so ``"*em*"`` and ``**"bold"**`` are
    separate runs. One left-to-right pass, as kramdown's span parser does.
    """
    out: list[str] = []
    pos = 0
    # the next match of each kind is searched again only once the pass is beyond it (a match found
    # from an earlier position is still the first from here): one scan each, linear on ">>>>…"
    quote, symbol = _QUOTE_START.search(text), _TYPOGRAPHIC_RE.search(text)
    while pos < len(text):
        if quote is not None and quote.start() < pos:
            quote = _QUOTE_START.search(text, pos)
        if symbol is not None and symbol.start() < pos:
            symbol = _TYPOGRAPHIC_RE.search(text, pos)
        if symbol is not None and (quote is None or symbol.start() < quote.start()):
            out.append(text[pos : symbol.start()] + _TYPOGRAPHIC_SUBST[symbol.group(0)])
            pos = symbol.end()
        elif quote is not None:
            out.append(text[pos : quote.start()])
            replacement, pos = _quote_at(text, quote.start())
            out.append(replacement)
        else:
            out.append(text[pos:])
            break
    return "".join(out)


# --- header ids (kramdown-parser-gfm: generate_gfm_header_id) ---


def _is_word(char: str) -> bool:
    """Ruby's ``\\p{Word}``: letters, marks, decimal digits and connector punctuation."""
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("Nd", "Pc")


@dataclass
class HeaderIds:
    """kramdown's ``auto_ids`` for GFM input: one per page, duplicates get ``-1``, ``-2``…

    Japanese text is kept, letters are lower-cased, everything that is not a word character,
    ``-``, space or tab is dropped, and spaces/tabs become ``-``. An empty id is not written.
    """

    seen: Counter[str] = field(default_factory=Counter)

    def next_id(self, text: str) -> str:
        result = "".join(char for char in text.lower() if _is_word(char) or char in "- \t")
        result = result.replace(" ", "-").replace("\t", "-")
        self.seen[result] += 1
        count = self.seen[result]
        return f"{result}-{count - 1}" if count > 1 else result


# --- attribute lists (kramdown IAL/ALD: {: .class #id key="value" ref}) ---

ATTRIBUTE_RE = re.compile(
    r"""\s*(?:(?P<key>[\w-]+)=(?P<quote>["'])(?P<value>.*?)(?P=quote)|\#(?P<id>[\w:-]+)|\.(?P<cls>[\w-]+)|(?P<ref>[\w-]+))"""
)
ID_RE = re.compile(r"[A-Za-z][\w:-]*")


@dataclass(frozen=True)
class Attributes:
    """One parsed attribute list: what it names; which of it may be applied is the caller's choice."""

    classes: tuple[str, ...] = ()
    id: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    references: tuple[str, ...] = ()

    def merged(self, other: Attributes) -> Attributes:
        return Attributes(
            self.classes + other.classes,
            other.id or self.id,
            self.attributes + other.attributes,
            self.references + other.references,
        )


def parse_attribute_list(text: str) -> Attributes:
    classes: list[str] = []
    ident = ""
    attributes: list[tuple[str, str]] = []
    references: list[str] = []
    for match in ATTRIBUTE_RE.finditer(text):
        if match.group("key"):
            attributes.append((match.group("key").lower(), match.group("value")))
        elif match.group("id"):
            ident = match.group("id")
        elif match.group("cls"):
            classes.append(match.group("cls"))
        elif match.group("ref"):
            references.append(match.group("ref"))
    return Attributes(tuple(classes), ident, tuple(attributes), tuple(references))


def resolve_references(attributes: Attributes, definitions: dict[str, Attributes]) -> Attributes:
    """Replace ALD references (``{: name}``) by the definitions (``{:name: …}``) seen so far."""
    resolved = Attributes()
    for name in attributes.references:
        if name in definitions:
            resolved = resolved.merged(definitions[name])
    return resolved.merged(Attributes(attributes.classes, attributes.id, attributes.attributes))
