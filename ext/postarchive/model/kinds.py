"""The archive's vocabulary, defined once: entry kinds, their folders and labels, the generated roots,
the builders that get the HTML extras.

Every other module (and the Makefile, ``.gitignore`` and ``make serve``, through ``postarchive paths``)
asks this one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..posts.post import bounded_segment, without_invisible


@dataclass(frozen=True)
class EntryKind:
    """One kind of glossary-like entry: its object type, label, URL folder and the post field it comes from."""

    objtype: str
    label: str
    folder: str
    post_field: str  # the Post attribute holding these names ("" for companies and products: found in the text)


ENTRY_KINDS: tuple[EntryKind, ...] = (
    EntryKind("company", "企業・組織", "companies", ""),
    EntryKind("product", "製品・サービス", "products", ""),  # found in the text, from the registry's products:
    EntryKind("tag", "タグ", "tags", "tags"),
    EntryKind("category", "カテゴリ", "categories", "categories"),
    EntryKind("author", "著者", "authors", "author"),
)
KIND = {kind.objtype: kind for kind in ENTRY_KINDS}
ENTRY_TYPES = {kind.objtype: kind.label for kind in ENTRY_KINDS}  # objtype → label
ENTRY_DIRS = {kind.objtype: kind.folder for kind in ENTRY_KINDS}
ENTRY_TITLES = ENTRY_TYPES
NAMED_KINDS = tuple(kind for kind in ENTRY_KINDS if kind.post_field)  # names written in front matter

# The builders that get the archive's HTML extras (search, feeds, catalog.json, sitemap, social tags).
HTML_BUILDERS = frozenset({"html", "dirhtml"})

# Folders (relative to docs/) that hold only generated pages, besides the year folders (YYYY/).
ARCHIVE_ROOT = "archive"
FRAGMENTS_ROOT = "_archive"
GENERATED_ROOTS = (ARCHIVE_ROOT, FRAGMENTS_ROOT, *ENTRY_DIRS.values())
YEAR_ROOT_RE = re.compile(r"\d{4}")
MANIFEST = ".postarchive-generated.json"
# Pages Sphinx or the extension writes at the top of the site: no post may take their URL.
SPECIAL_PAGES = frozenset({"genindex", "search", "404", "index", "py-modindex", "archive-companies"})

# Listings (entry and month pages) are split into pages of PAGE_SIZE posts: the first page is the
# entry's own document, page n (n ≥ 2) is ``<folder of the first>/page/<n>/index``.
PAGE_SIZE = 50
PAGE_FOLDER = "page"
PAGE_DOCNAME_RE = re.compile(rf"(?P<base>.+/)?{PAGE_FOLDER}/(?P<number>[2-9]|[1-9]\d+)/index")


def page_docname(base: str, number: int) -> str:
    """The docname of page ``number`` of the listing whose first page is ``base`` (``…/index``)."""
    if number <= 1:
        return base
    return f"{base.removesuffix('index')}{PAGE_FOLDER}/{number}/index"


def listing_base(docname: str) -> str:
    """The first page of the listing ``docname`` belongs to (itself when it is a first page)."""
    match = PAGE_DOCNAME_RE.fullmatch(docname)
    return f"{match.group('base') or ''}index" if match else docname


# Files and folders at the top of the output that Sphinx, its extensions and the archive write (and
# the source files conf.py reads): no post, tag, category, author or company may take their URL.
# The source folder's other top-level names are added at build time (``source_names``).
SITE_FILES = frozenset(
    {
        "index.html", "search.html", "genindex.html", "404.html", "py-modindex.html",
        "objects.inv", "searchindex.js", "sitemap.xml", "robots.txt", "atom.xml", "feed.xml",
        "catalog.json", ".buildinfo", ".nojekyll", "_static", "_sources", "_images", "_downloads",
        "conf.py", "companies.yml", "index.md", MANIFEST,
    }
)  # fmt: skip
# Files written inside a generated page's folder (``<docname>/``): a name must never become one.
PAGE_FILES = frozenset({"index.html", "index.md", "index.post.md", "atom.xml"})
# Suffixes of files a build reads or writes: a URL segment ending in one looks like a file, not a page.
FILE_SUFFIXES = (
    ".html", ".htm", ".md", ".markdown", ".rst", ".txt", ".xml", ".json", ".inv", ".py", ".yml",
    ".yaml", ".ipynb", ".lproj",
)  # fmt: skip
ASSET_SUFFIXES = (".js", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".ico", ".gz")

# ' too: Sphinx writes the page name into a single-quoted JavaScript string (DOCUMENTATION_OPTIONS).
# A leading ``.`` or ``_``: Sphinx skips such folders (``_sources``, ``.#x``) as not documents.
UNSAFE_PATH_RE = re.compile(r"[\x00-\x20\x7f/\\?#%:*\"'<>|`\[\]{}]|^[._]")


def generated_roots() -> list[str]:
    """Folders (relative to docs/) that hold only generated pages: for .gitignore and watchers."""
    return list(GENERATED_ROOTS)


def entry_slug(name: str) -> str:
    """A URL path segment that keeps every character's meaning (C++ ≠ C, パ ≠ ハ).

    NFKC-normalised; only characters that would break a path or URL are replaced by ``_XX``: also a
    leading ``.``/``_`` (Sphinx skips such folders) and the dot of a file-like name (``index.md`` would
    be the entry index page's own file). Bounded in bytes (:func:`bounded_segment`).
    """
    text = unicodedata.normalize("NFKC", without_invisible(name)).strip()
    slug = UNSAFE_PATH_RE.sub(lambda m: "".join(f"_{b:02X}" for b in m.group(0).encode("utf-8")), text) or "_5F"
    if slug.casefold().endswith(FILE_SUFFIXES) or slug.casefold() in PAGE_FILES:
        stem, _, suffix = slug.rpartition(".")
        slug = f"{stem}_2E{suffix}"
    return bounded_segment(slug)


def entry_docname(objtype: str, name: str) -> str:
    return f"{ENTRY_DIRS[objtype]}/{entry_slug(name)}/index"


def entry_anchor(objtype: str, name: str) -> str:
    """The HTML id of an entry on its page: ``company-NVIDIA``, ``tag-半導体`` (never a counter).

    Built from the name itself with :func:`entry_slug`, so it identifies the entry, keeps Japanese,
    and has no whitespace or ``#`` (an ``objects.inv`` line and a URL fragment both need that).
    """
    return f"{objtype}-{entry_slug(name)}"


def reserved_docname(docname: str) -> bool:
    """A docname the archive itself generates (year/month pages, entry pages, Sphinx's own pages)."""
    first = docname.split("/", 1)[0]
    return (
        first in GENERATED_ROOTS
        or first in SPECIAL_PAGES
        or first.startswith("_")
        or re.fullmatch(r"\d{4}(?:/\d{2})?/index", docname) is not None
        or re.fullmatch(rf"\d{{4}}/\d{{2}}/{PAGE_FOLDER}/\d+/index", docname) is not None
    )


# A whole path the file system accepts (Linux PATH_MAX is 4,096 bytes; the output folder comes first).
MAX_DOCNAME_BYTES = 1_000


def permalink_conflict(docname: str, source_names: frozenset[str] = frozenset()) -> str | None:
    """Why a post may not have this docname (its ``permalink:``), or None.

    Refused: the archive's own pages and folders (:func:`reserved_docname`), a top-level name the build
    writes (:data:`SITE_FILES`) or the source folder holds (``source_names``: ``conf.py``…), a segment
    that looks like a file (``x.html``, ``atom.xml``) or that Sphinx skips (``_x``, ``.x``), and a path
    longer than :data:`MAX_DOCNAME_BYTES`. Case-insensitively: hosts that ignore case are common.
    """
    segments = docname.removesuffix("/index").split("/")
    first = segments[0].casefold()
    if reserved_docname(docname) or first in SITE_FILES or first in {n.casefold() for n in source_names}:
        return "アーカイブ自身のページかファイルの URL です"
    if any(segment.startswith((".", "_")) for segment in segments):
        return "Sphinx が読まないフォルダ名 (. や _ で始まる) を含みます"
    if any(segment.casefold().endswith(FILE_SUFFIXES + ASSET_SUFFIXES) for segment in segments):
        return "ファイル名のような部分 (.html, .xml…) を含みます"
    if len(docname.encode("utf-8")) > MAX_DOCNAME_BYTES:
        return "長すぎます"
    return None
