"""What a post page carries besides its body (one schema, written by the page generator, read by every output)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PostPageData:
    """What the archive found for a post: its companies (first mention first) and related posts."""

    companies: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # docnames
    mentions_key: str = ""  # changes when the spellings of the post's companies change (re-read → re-link)
