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
