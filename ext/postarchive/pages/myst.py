"""Escaping for the MyST the extension generates: post-supplied text stays literal text."""

from __future__ import annotations

ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def escape_inline(text: str) -> str:
    """Escape text so MyST reads it as literal characters: no role, link, emphasis or HTML.

    CommonMark lets any ASCII punctuation be backslash-escaped, so escaping all of it (and folding
    newlines) leaves nothing that can start markup, whatever the text holds.
    """
    text = " ".join(text.split())
    return "".join("\\" + ch if ch in ASCII_PUNCTUATION else ch for ch in text)


# Mermaid entity escapes for text inside a double-quoted label: quotes (both), HTML, backticks (which
# could close the MyST fence), ``#`` (an entity in the input stays literal), ``%`` (Mermaid scans the
# whole diagram for ``%%{init: …}%%`` directives, quotes do not protect).
MERMAID_ESCAPES = {
    "&": "#amp;",
    '"': "#quot;",
    "'": "#39;",
    "<": "#lt;",
    ">": "#gt;",
    "#": "#35;",
    "`": "#96;",
    "%": "#37;",
}


def mermaid_text(text: str) -> str:
    """Text safe inside a double-quoted Mermaid string: one line, every character that could end the
    string, start a directive, an entity, HTML or close the fence entity-escaped. The one escaper of
    every diagram (charts and company graphs)."""
    one_line = " ".join(str(text).split())
    return "".join(MERMAID_ESCAPES.get(char, char) for char in one_line)


def doc_link(text: str, docname: str, suffix: str = ".md") -> str:
    """A MyST link to a generated page by its file (``project:``), so Sphinx resolves it as a document.

    A bare ``</docname>`` link would go through MyST's "any" resolution, which asks every domain
    (C++ included) for every link: a third of the write phase at 1,000 posts. ``text`` is already
    escaped; docnames never hold ``<``, ``>`` or whitespace (``entry_slug``).
    """
    return f"[{text}](<project:/{docname}{suffix}>)"
