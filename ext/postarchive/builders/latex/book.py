"""The archive as a Japanese book: Sphinx's LaTeX builder with upLaTeX (ujbook), dvipdfmx and mendex.

What Sphinx does not do on its own, and this module adds (only for the ``latex`` builder):

* **索引 by reading.** Each post's header lists its tags, companies, category and author; next to
  each one an index entry puts the post's page under that entry in the back-of-book index.
  mendex sorts kanji by a dictionary, so at ``build-finished`` a ``<name>.dic`` is written next
  to the ``.tex`` from the readings the ``archive`` domain holds (the registry's and tags' yomi),
  and ``latexmkjarc`` gets mendex's ``-g`` (heads ア/カ/サ… rows instead of one per kana). Without the
  dictionary every kanji entry lands under ン; a kanji name with no reading at all goes to the
  記号 group, as in the HTML index.
* **No boxes, no holes, nothing off the page.** U+FFFD (a broken byte in the source) is dropped
  instead of printing a box. A character the Japanese fonts do not have (read from the Harano Aji
  fonts' own ``cmap``) would print as nothing: a common emoji becomes its nearest glyph (✅ → ✓,
  ❌ → ×), other pictographs are dropped, and any other character (Hangul, Thai…) becomes 〓,
  the typesetter's mark for a missing character, with a warning. Long Latin runs (URLs in text,
  identifiers) get ``\\allowbreak`` points.
* **Charts are tables.** The archive's charts are ``archive_chart`` nodes that carry their numbers
  (:mod:`postarchive.pages.chartnode`); outside HTML they become the table of their data, instant,
  searchable and selectable in the PDF. A Mermaid diagram from elsewhere prints as its source
  (mermaid-cli would need a headless browser and about 3 s a diagram).

The book itself (which documents, fonts, class options) is set in ``conf.py`` from
:data:`LATEX_ELEMENTS` and :func:`book_documents`.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging, texescape

from ...domain.archive import ENTRY_TYPES, ArchiveDomain
from ...domain.state import archive_state
from ...model.yomi import to_hiragana
from ...posts.post import normalize_name
from .limits import FlattenDeepLists, ShortTexLines, WideTablesAsRows

logger = logging.getLogger(__name__)

# --- the book's settings (conf.py uses these) ---------------------------------------------------

#: Fonts: pxchfon maps 明朝/ゴシック to the Harano Aji fonts of texlive-lang-japanese and makes
#: dvipdfmx embed them (Debian's default map leaves Ryumin/GothicBBB unembedded → blank text
#: elsewhere). xurl lets URLs break anywhere. Parts of the book are unnumbered (secnumdepth -1);
#: the contents go down to the posts (chapter = year, section = month, subsection = post). The
#: running head is the book's title and the year (Sphinx's default prints 「第0章」 when unnumbered).
PREAMBLE = r"""
\usepackage[haranoaji]{pxchfon}
\usepackage{xurl}
\setcounter{secnumdepth}{-1}
\setcounter{tocdepth}{2}
\setlength{\emergencystretch}{3em}
\newenvironment{sphinxclasspost-meta}{\small}{}
\renewcommand{\sphinxstyleindexentry}[1]{#1}
\setlength{\headheight}{15pt}
\makeatletter
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyhead[L]{{\py@HeaderFamily\@title}}%
  \fancyhead[R]{{\py@HeaderFamily\leftmark}}%
  \fancyfoot[C]{{\py@HeaderFamily\thepage}}%
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0pt}%
  \def\chaptermark##1{\markboth{##1}{##1}}%
}
\fancypagestyle{plain}{%
  \fancyhf{}%
  \fancyfoot[C]{{\py@HeaderFamily\thepage}}%
  \renewcommand{\headrulewidth}{0pt}%
  \renewcommand{\footrulewidth}{0pt}%
}
\makeatother

"""

LATEX_ELEMENTS: dict[str, str] = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    # openany: chapters (years) start on the next page, not the next odd page; oneside: no blank
    # versos (and no blank page after the title page).
    "extraclassoptions": "openany,oneside",
    "preamble": PREAMBLE,
    "sphinxsetup": "hmargin=22mm, vmargin=22mm",
    # posts nest lists and quotes deeper than LaTeX's default 6 levels allow
    "maxlistdepth": "12",
    "tableofcontents": r"\setcounter{tocdepth}{2}\sphinxtableofcontents",
    "printindex": r"\printindex",
}


def book_documents(project: str, author: str, name: str = "allforces-archive") -> list[tuple[Any, ...]]:
    """The book: the year → month → post toctree of ``archive/index`` (``toctree_only``: the
    archive page's own month list is not repeated), then the 索引. Entry pages (tags, companies…)
    are not chapters: their role in a book is the index."""
    return [("archive/index", f"{name}.tex", project, author, "manual", True)]


# --- pure core ----------------------------------------------------------------------------------

#: Kanji in the labels that follow each index entry (「KDDI（企業・組織）」), so they sort too.
LABEL_READINGS = {"企業": "きぎょう", "組織": "そしき", "著者": "ちょしゃ"}
KANA_RE = re.compile(r"^[\u3041-\u309f\u30a0-\u30ffー・]+$")
WORD_NEEDS_READING_RE = re.compile(r"[^\u3041-\u309f\u30a0-\u30ff\u0020-\u007eー・]")
LONG_LATIN_RE = re.compile(r"[!-~]{21,}")
BREAK_AFTER = set("/._-?&=#:,;)]")
SOFT_CHUNK = 12
MAX_QUOTE_DEPTH = 3


def tex_escape(text: str) -> str:
    """Sphinx's LaTeX escaping (its tables are filled when the LaTeX builder starts; fill them
    here too so the pure functions work without a build)."""
    if texescape.escape("{") == "{":
        texescape.init()
    return texescape.escape(text)


def index_label(objtype: str, name: str) -> str:
    """The text of an index entry, as the ``archive:entry`` directive writes it."""
    return f"{name}（{ENTRY_TYPES.get(objtype, objtype)}）"


def mendex_dictionary(pairs: Iterable[tuple[str, str]]) -> str:
    """mendex's ``-d`` dictionary: one ``word reading`` line for every name that needs one.

    Only names with characters mendex cannot sort by themselves (kanji…) need a line; names with
    whitespace cannot be dictionary words (mendex splits on it) and readings must be kana.
    Longer words first, so 投資分析 wins over 投資.
    """
    words: dict[str, str] = dict(LABEL_READINGS)
    for name, reading in pairs:
        name = normalize_name(name)
        kana = to_hiragana(reading).replace(" ", "").replace("　", "")
        if not name or any(ch.isspace() for ch in name) or not WORD_NEEDS_READING_RE.search(name):
            continue
        if not KANA_RE.match(kana):
            continue
        words.setdefault(name, kana)
    ordered = sorted(words.items(), key=lambda item: (-len(item[0]), item[0]))
    return "".join(f"{word} {kana}\n" for word, kana in ordered)


def index_sort_key(name: str, reading: str, label: str) -> str:
    """mendex's sort key for an index entry whose text is ``label``.

    The text itself (mendex sorts kana and Latin, and kanji through the reading dictionary),
    except: a name with kanji but no kana reading goes to the 記号 group (as in the HTML index),
    not under the last row (ン/ワ) where mendex would put it; a name that cannot be a dictionary
    word (it has a space) sorts by its reading.
    """
    if not WORD_NEEDS_READING_RE.search(name) or (name[:1].isascii() and name[:1].isalnum()):
        return label  # kana or Latin first: mendex places it by itself (ALLFORCES編集部 under A)
    kana = to_hiragana(reading).replace(" ", "").replace("　", "")
    if not KANA_RE.match(kana):
        return "*" + label
    if any(ch.isspace() for ch in name):
        return kana + label[len(name) :]
    return label


def mendex_escape(value: str) -> str:
    """Text for one side of ``\\index{key@text}``: LaTeX-escaped, mendex's ``" @ ! |`` quoted
    (what Sphinx's own ``visit_index`` does)."""
    value = tex_escape(value)
    value = value.replace(r"\{", r"\sphinxleftcurlybrace{}").replace(r"\}", r"\sphinxrightcurlybrace{}")
    value = value.replace('"', '""').replace("@", '"@').replace("!", '"!')
    return value.replace("|", r"\textbar{}")


def mendex_entry(key: str, text: str) -> str:
    return rf"\index{{{mendex_escape(key)}@\spxentry{{{mendex_escape(text)}}}}}"


def latexmkjarc_with_groups(text: str) -> str:
    """Sphinx's ``latexmkjarc`` with mendex's ``-g``: index heads by gojūon row (あかさたな…)."""
    if '"-g"' in text:
        return text
    return text.replace('"-f",', '"-f", "-g",', 1)


def break_points(token: str) -> list[int]:
    """Where a long Latin run may break: after URL punctuation, else every few characters."""
    points = []
    since = 0
    for index, char in enumerate(token[:-1], start=1):
        since += 1
        if char in BREAK_AFTER or since >= SOFT_CHUNK:
            points.append(index)
            since = 0
    return points


def split_long_latin(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces; ``True`` marks a place where a break is allowed."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in LONG_LATIN_RE.finditer(text):
        for point in break_points(match.group(0)):
            pieces.append((text[last : match.start() + point], False))
            pieces.append(("", True))
            last = match.start() + point
    pieces.append((text[last:], False))
    return [piece for piece in pieces if piece[1] or piece[0]]


def clean_text(text: str) -> str:
    """Drop what would print as a box: U+FFFD and control characters (tabs and newlines stay)."""
    return "".join(
        ch for ch in text if ch != "\ufffd" and (ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cs", "Co"))
    )


#: Emoji that have a close glyph in the Japanese fonts.
EMOJI_SUBSTITUTES = {
    "✅": "✓",
    "✔": "✓",
    "☑": "✓",
    "❌": "×",
    "✖": "×",
    "❎": "×",
    "⭐": "★",
    "🌟": "★",
    "❤": "♥",
    "💡": "※",
    "❗": "！",
    "❕": "！",
    "❓": "？",
    "❔": "？",
    "👉": "☞",
    "⬆": "↑",
    "⬇": "↓",
    "➡": "→",
    "⬅": "←",
}
MISSING_MARK = "〓"  # geta: the Japanese typesetter's mark for a character the font lacks
DECORATIVE_CATEGORIES = ("So", "Sk", "Mn", "Me", "Cf")  # pictographs, skin tones, VS16, ZWJ…


def printable_text(text: str, has_glyph: Callable[[str], bool]) -> tuple[str, set[str]]:
    """``text`` with every character the PDF can show; returns the characters that became 〓.

    Latin and what Sphinx writes as a LaTeX command (→, €, –) are left alone; other characters
    the Japanese fonts lack are substituted (emoji), dropped (other pictographs and their
    modifiers), or marked with 〓.
    """
    out = []
    missing: set[str] = set()
    for ch in text:
        if ord(ch) < 0x370 or has_glyph(ch) or tex_escape(ch) != ch:
            out.append(ch)
        elif ch in EMOJI_SUBSTITUTES:
            out.append(EMOJI_SUBSTITUTES[ch])
        elif unicodedata.category(ch) in DECORATIVE_CATEGORIES:
            continue
        else:
            out.append(MISSING_MARK)
            missing.add(ch)
    return "".join(out), missing


def font_codepoints(path: Path) -> frozenset[int]:
    """The characters an OpenType font maps (its ``cmap``, format 12 or 4)."""
    data = path.read_bytes()
    (num_tables,) = struct.unpack_from(">H", data, 4)
    cmap = next(
        (
            struct.unpack_from(">I", data, 12 + 16 * i + 8)[0]
            for i in range(num_tables)
            if data[12 + 16 * i : 16 + 16 * i] == b"cmap"
        ),
        None,
    )
    if cmap is None:
        return frozenset()
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    subtables: dict[int, int] = {}
    for j in range(count):
        _platform, _encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * j)
        (fmt,) = struct.unpack_from(">H", data, cmap + offset)
        subtables.setdefault(fmt, cmap + offset)
    points: set[int] = set()
    if 12 in subtables:
        base = subtables[12]
        (groups,) = struct.unpack_from(">I", data, base + 12)
        for k in range(groups):
            start, end, _glyph = struct.unpack_from(">III", data, base + 16 + 12 * k)
            points.update(range(start, end + 1))
    elif 4 in subtables:
        base = subtables[4]
        (seg_x2,) = struct.unpack_from(">H", data, base + 6)
        ends = struct.unpack_from(f">{seg_x2 // 2}H", data, base + 14)
        starts = struct.unpack_from(f">{seg_x2 // 2}H", data, base + 16 + seg_x2)
        for start, end in zip(starts, ends, strict=True):
            points.update(range(start, min(end, 0xFFFE) + 1))
    return frozenset(points)


#: The fonts pxchfon's ``haranoaji`` preset sets text in (body: Mincho; headings: Gothic).
JAPANESE_FONTS = ("HaranoAjiMincho-Regular.otf", "HaranoAjiGothic-Medium.otf")


def japanese_glyphs() -> frozenset[int] | None:
    """Characters both Japanese fonts have, or ``None`` when the fonts cannot be found."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return None
    result: frozenset[int] | None = None
    for name in JAPANESE_FONTS:
        found = subprocess.run([kpsewhich, name], capture_output=True, text=True).stdout.strip()
        if not found:
            return None
        points = font_codepoints(Path(found))
        result = points if result is None else result & points
    return result


# --- Sphinx glue --------------------------------------------------------------------------------


def is_mermaid(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and type(node).__name__ == "mermaid" and "code" in node


class RemoteImagesAsText(SphinxPostTransform):
    """LaTeX only: a post's remote image becomes its alt text and address, before Sphinx's image
    downloader (priority 100) would fetch it: a post never decides what the build downloads."""

    default_priority = 90
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.image)):
            uri = str(node.get("uri", ""))
            if "://" not in uri:
                continue
            alt = str(node.get("alt", "")).strip()
            text = f"（画像: {alt}）" if alt else "（画像）"
            node.replace_self(nodes.inline(text, text, classes=["post-image-alt"]))


class MermaidAsSource(SphinxPostTransform):
    """LaTeX only: a Mermaid diagram (none of the archive's own pages has one; its charts are
    ``archive_chart`` nodes, tables in the PDF) is printed as its source, never a blank box."""

    default_priority = 5
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(is_mermaid)):
            assert isinstance(node, nodes.Element)
            node.replace_self(nodes.literal_block(node["code"], node["code"], classes=["archive-diagram-source"]))


class archive_index(nodes.Inline, nodes.Element):
    """A 索引 entry with its own mendex sort key (``key``) and text (``text``); LaTeX only."""


def visit_archive_index_latex(translator: Any, node: archive_index) -> None:
    translator.body.append(mendex_entry(node["key"], node["text"]))
    raise nodes.SkipNode


def skip_node(translator: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


class PostIndexEntries(SphinxPostTransform):
    """LaTeX only: put each post's page under its tags, companies, category and author in the 索引."""

    default_priority = 5  # before the references are resolved (ReferencesResolver is 10)
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        domain: ArchiveDomain = self.env.get_domain("archive")  # type: ignore[assignment]
        for header in list(self.document.findall(nodes.container)):
            if "post-meta" not in header["classes"]:
                continue
            for xref in list(header.findall(addnodes.pending_xref)):
                objtype = xref.get("reftype")
                if xref.get("refdomain") != "archive" or objtype not in ENTRY_TYPES:
                    continue
                name = normalize_name(xref["reftarget"])
                entry = domain.entries.get((objtype, name))
                label = index_label(objtype, name)
                key = index_sort_key(name, entry.reading if entry else "", label)
                xref.parent.insert(xref.parent.index(xref) + 1, archive_index(key=key, text=label))


class LatexTextFixes(SphinxPostTransform):
    """LaTeX only: no U+FFFD boxes, no characters the fonts lack, and long Latin runs may break."""

    default_priority = 900
    builders = ("latex",)
    SKIP = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.title, addnodes.pending_xref)

    def glyph_check(self) -> Callable[[str], bool]:
        state = archive_state(self.env)
        if state.glyphs is None:
            state.glyphs = japanese_glyphs() or frozenset()
        glyphs: frozenset[int] = state.glyphs
        if not glyphs:
            return lambda ch: True  # fonts not found: nothing to check against
        return lambda ch: ord(ch) in glyphs

    def run(self, **kwargs: Any) -> None:
        has_glyph = self.glyph_check()
        for text in list(self.document.findall(nodes.Text)):
            value = str(text)
            cleaned, missing = printable_text(clean_text(value), has_glyph)
            parent = text.parent
            if parent is None:
                continue
            if missing:
                logger.warning(
                    "PDF のフォントにない文字を%sにしました: %s",
                    MISSING_MARK,
                    " ".join(f"{ch} (U+{ord(ch):04X})" for ch in sorted(missing)),
                    location=parent,
                    type="postarchive",
                    subtype="glyph",
                )
            if cleaned != value:
                new = nodes.Text(cleaned)
                parent.replace(text, new)
                text = new
            if self.skipped(parent) or not LONG_LATIN_RE.search(cleaned):
                continue
            parent.replace(text, list(self.broken(cleaned)))

    def skipped(self, node: nodes.Node | None) -> bool:
        while node is not None:
            if isinstance(node, self.SKIP):
                return True
            if isinstance(node, nodes.reference) and node.get("refuri", "") == node.astext():
                return True  # Sphinx prints it with \sphinxurl, which xurl breaks
            node = node.parent
        return False

    @staticmethod
    def broken(text: str) -> Iterator[nodes.Node]:
        for piece, is_break in split_long_latin(text):
            if is_break:
                yield nodes.raw("", r"\allowbreak{}", format="latex")
            else:
                yield nodes.Text(piece)


class FlattenDeepQuotes(SphinxPostTransform):
    """LaTeX only: quotes nested deeper than :data:`MAX_QUOTE_DEPTH` (``> > > > >``, often left-over
    merge markers in a post) are unwrapped; LaTeX stops with "Too deeply nested" otherwise."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for quote in list(self.document.findall(nodes.block_quote)):
            depth = 0
            parent = quote.parent
            while parent is not None:
                if isinstance(parent, nodes.block_quote | nodes.bullet_list | nodes.enumerated_list):
                    depth += 1
                parent = parent.parent
            if depth >= MAX_QUOTE_DEPTH and quote.parent is not None:
                quote.replace_self(quote.children[:])


def latex_targets(app: Sphinx) -> list[str]:
    """Basenames (without ``.tex``) of the LaTeX documents this build writes."""
    return [Path(entry[1]).stem for entry in app.config.latex_documents]


def write_index_support(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: mendex's reading dictionary for each book, and ``-g`` in latexmkjarc."""
    if exception is not None or app.builder.name != "latex":
        return
    outdir = Path(app.outdir)
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    pairs = [(entry.name, entry.reading) for entry in domain.entries.values()]
    dictionary = mendex_dictionary(pairs)
    for basename in latex_targets(app):
        path = outdir / f"{basename}.dic"
        if not path.is_file() or path.read_text(encoding="utf-8") != dictionary:
            path.write_text(dictionary, encoding="utf-8")
    rc = outdir / "latexmkjarc"
    if rc.is_file():
        text = rc.read_text(encoding="utf-8")
        patched = latexmkjarc_with_groups(text)
        if patched == text and '"-g"' not in text:
            logger.warning(
                "latexmkjarc: mendex の呼び出しが見つからず、索引の見出しを五十音の行にできません",
                type="postarchive",
                subtype="latex",
            )
        elif patched != text:
            rc.write_text(patched, encoding="utf-8")


def setup_latex(app: Sphinx) -> None:
    app.add_node(
        archive_index,
        latex=(visit_archive_index_latex, None),
        html=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_post_transform(PostIndexEntries)
    app.add_post_transform(MermaidAsSource)
    app.add_post_transform(RemoteImagesAsText)
    app.add_post_transform(LatexTextFixes)
    app.add_post_transform(FlattenDeepQuotes)
    app.add_post_transform(FlattenDeepLists)
    app.add_post_transform(WideTablesAsRows)
    app.add_post_transform(ShortTexLines)
    app.connect("build-finished", write_index_support)
