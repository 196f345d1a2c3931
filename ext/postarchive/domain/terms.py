"""Every archive entry is also a standard glossary term (``std:term``), so any Sphinx project reaches it.

A project that only configures intersphinx can then write ``:external+archive:term:`NVIDIA``` (or
``:term:`NVIDIA``` with intersphinx's fallback), without loading the ``archive`` domain. Each entry
is noted under its name and, for companies, every registry alias (``エヌビディア``), all pointing
at the entry's anchor; as for glossary terms, Sphinx's ``_terms`` holds the lower-case keys, and
intersphinx matches ``std:term`` case-insensitively, so ``nvidia`` finds ``NVIDIA`` too (a separate
lower-case inventory line would make intersphinx report an ambiguity in every consumer's build).

The terms are computed at ``env-updated`` from the archive domain's merged entries, so a parallel
read gives the same terms as a serial one, and a name two entries share goes to one of them by a
fixed order (companies, then tags, categories, authors). Terms the project's own glossaries define
are never replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..model.kinds import ENTRY_KINDS
from .state import ArchiveStateMissing, archive_state

KIND_ORDER = {kind.objtype: rank for rank, kind in enumerate(ENTRY_KINDS)}
TERMS_KEY = "std_terms"  # in the archive domain's data: the terms this module noted last time


def term_keys(name: str, aliases: Iterable[str] = ()) -> list[str]:
    """The spellings a reader may look an entry up by (lower case is Sphinx's ``_terms`` fallback)."""
    return [key for key in dict.fromkeys((name, *aliases)) if key.strip()]


def plan_terms(
    entries: Iterable[tuple[str, str, str, str]],
    aliases_of: Callable[[str, str], Iterable[str]],
    taken: Iterable[str] = (),
) -> dict[str, tuple[str, str]]:
    """``(objtype, name, docname, anchor)`` entries → term key → ``(docname, anchor)``; first claim wins.

    Canonical names are claimed before any alias, so an alias never hides another entry's name.
    """
    ordered = sorted(entries, key=lambda e: (KIND_ORDER.get(e[0], len(KIND_ORDER)), e[1]))
    claimed = {key.lower() for key in taken}  # intersphinx matches terms case-insensitively
    terms: dict[str, tuple[str, str]] = {}
    for with_aliases in (False, True):
        for objtype, name, docname, anchor in ordered:
            for key in term_keys(name, aliases_of(objtype, name) if with_aliases else ()):
                if key.lower() not in claimed:
                    claimed.add(key.lower())
                    terms[key] = (docname, anchor)
    return terms


def register_terms(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: note every entry (and alias) as a ``std:term`` at its anchor."""
    domain: Any = env.get_domain("archive")
    std: Any = env.get_domain("std")
    previous: dict[str, tuple[str, str]] = domain.data.get(TERMS_KEY, {})
    for key, target in previous.items():
        if std.objects.get(("term", key)) == target:
            del std.objects[("term", key)]
        if std._terms.get(key.lower()) == target:
            del std._terms[key.lower()]
    try:
        companies = archive_state(env).registry.by_name
    except ArchiveStateMissing:  # the domain loaded on its own (postarchive.domain): no registry
        companies = {}

    def aliases_of(objtype: str, name: str) -> tuple[str, ...]:
        company = companies.get(name) if objtype == "company" else None
        return company.aliases if company is not None else ()

    taken = [name for (objtype, name) in std.objects if objtype == "term"]
    entries = [(objtype, name, e.docname, e.node_id) for (objtype, name), e in domain.entries.items()]
    terms = plan_terms(entries, aliases_of, taken)
    for key, target in terms.items():
        std.objects[("term", key)] = target
        std._terms.setdefault(key.lower(), target)
    domain.data[TERMS_KEY] = terms


def setup_terms(app: Sphinx) -> None:
    app.connect("env-updated", register_terms)
