"""Organisations no registry entry names, discovered in the posts at ``builder-inited``.

For every post, what discovery proposes (:func:`~postarchive.model.discovery.propose`) is kept in the build
cache under a digest of the discovery version and the post's text; only new or edited posts are analysed,
and the analyser (:func:`~postarchive.model.nlp.load_tagger`) is loaded on the first of them, so a build in
which no post changed never loads it. The registry filter runs on every build (it is cheap), so an entry
added to ``companies.yml`` takes over its discovered twin at once.
"""

from __future__ import annotations

from collections.abc import Callable

from ..config import ArchiveConfig
from ..domain.state import ArchiveState
from ..model import nlp
from ..model.discovery import DISCOVERY_VERSION, Discovered, as_entries, discovered_in, propose
from ..model.mentions import mention_text
from ..model.registry import Company
from ..model.yomi import reading_of
from ..pages.buildcache import BuildCache, digest


def discover_in_posts(site: ArchiveState, config: ArchiveConfig, cache: BuildCache) -> list[Discovered]:
    """The organisations named in at least ``discovery_min_posts`` posts that the registry lacks."""
    if not config.discovery:
        cache.used_discovery.update(cache.discovery)  # kept for when discovery is switched back on
        return []
    per_post = []
    for post in site.posts:
        text = mention_text(post, site.bodies[post.docname])

        def compute(text: str = text) -> list[object]:
            return list(propose(text, nlp.load_tagger()))

        per_post.append((post.docname, cache.discovery_for(digest("discovery", DISCOVERY_VERSION, text), compute)))
    return discovered_in(per_post, site.registry, config.discovery_min_posts)


def discovered_entries(discovered: list[Discovered], cache: BuildCache) -> tuple[Company, ...]:
    reading: Callable[[str], str] = lambda name: cache.reading_for(name, reading_of)  # noqa: E731
    return as_entries(discovered, reading)


def summary(discovered: list[Discovered], limit: int = 10) -> str:
    """One line for the build log: the discovered organisations, most posts first."""
    if not discovered:
        return "postarchive: 未登録の組織は見つかりませんでした"
    shown = "、".join(f"{entry.name}（{len(entry.posts)}記事）" for entry in discovered[:limit])
    more = f" ほか {len(discovered) - limit} 件" if len(discovered) > limit else ""
    return (
        f"postarchive: 未登録の組織 {len(discovered)} 件: {shown}{more}"
        " (postarchive companies suggest で例文、companies add で登録)"
    )
