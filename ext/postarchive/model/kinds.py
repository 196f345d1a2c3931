"""The archive's vocabulary, defined once: entry kinds, their folders and labels, the generated roots,
the builders that get the HTML extras.

Every other module (and the Makefile, ``.gitignore`` and ``make serve``, through ``postarchive paths``)
asks this one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class EntryKind:
    """One kind of glossary-like entry: its object type, label, URL folder and the post field it comes from."""

    objtype: str
    label: str
    folder: str
    post_field: str  # the Post attribute holding these names ("" for companies: found in the text)


ENTRY_KINDS: tuple[EntryKind, ...] = (
    EntryKind("company", "企業・組織", "companies", ""),
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

# ' too: Sphinx writes the page name into a single-quoted JavaScript string (DOCUMENTATION_OPTIONS)
UNSAFE_PATH_RE = re.compile(r"[\x00-\x20\x7f/\\?#%:*\"'<>|`\[\]{}]|^\.")


def generated_roots() -> list[str]:
    """Folders (relative to docs/) that hold only generated pages: for .gitignore and watchers."""
    return list(GENERATED_ROOTS)


def entry_slug(name: str) -> str:
    """A URL path segment that keeps every character's meaning (C++ ≠ C, パ ≠ ハ).

    NFKC-normalised; only characters that would break a path or URL are replaced by ``_XX``.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    return UNSAFE_PATH_RE.sub(lambda m: "".join(f"_{b:02X}" for b in m.group(0).encode("utf-8")), text) or "_"


def entry_docname(objtype: str, name: str) -> str:
    return f"{ENTRY_DIRS[objtype]}/{entry_slug(name)}/index"


def reserved_docname(docname: str) -> bool:
    """A docname the archive itself generates (year/month pages, entry pages, Sphinx's own pages)."""
    first = docname.split("/", 1)[0]
    return (
        first in GENERATED_ROOTS
        or first in SPECIAL_PAGES
        or first.startswith("_")
        or re.fullmatch(r"\d{4}(?:/\d{2})?/index", docname) is not None
    )
