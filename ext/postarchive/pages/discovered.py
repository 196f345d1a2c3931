"""Organisations no registry entry names, discovered in the posts at ``builder-inited``.

For every post, what discovery proposes (:func:`~postarchive.model.discovery.propose`) is kept in the build
cache under a digest of the discovery version and the post's title and body; only new or edited posts are analysed,
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
from ..posts.post import Post


def discover_in_posts(site: ArchiveState, config: ArchiveConfig, cache: BuildCache) -> list[Discovered]:
    """The organisations named in at least ``discovery_min_posts`` posts that the registry lacks."""
    if not config.discovery:
        cache.used_discovery.update(cache.discovery)  # kept for when discovery is switched back on
        return []
    per_post = []
    for post in site.posts:
        body = site.bodies[post.docname]

        def compute(post: Post = post, body: str = body) -> list[object]:
            return list(propose(mention_text(post, body), nlp.load_tagger()))

        key = digest("discovery", DISCOVERY_VERSION, post.title, body)
        per_post.append((post.docname, cache.discovery_for(key, compute)))
    nlp.release_tagger()
    return discovered_in(per_post, site.registry, config.discovery_min_posts)


def discovered_entries(discovered: list[Discovered], cache: BuildCache) -> tuple[Company, ...]:
    reading: Callable[[str], str] = lambda name: cache.reading_for(name, reading_of)  # noqa: E731
    return as_entries(discovered, reading)


def summary(discovered: list[Discovered], limit: int = 20) -> list[str]:
    """Lines for the build log: the discovered organisations, most posts first, each with an example sentence."""
    if not discovered:
        return ["postarchive: 未登録の組織は見つかりませんでした"]
    lines = [
        f"postarchive: 未登録の組織 {len(discovered)} 件"
        " (postarchive companies suggest で全件と例文、companies add NAME でレジストリに登録):"
    ]
    for entry in discovered[:limit]:
        example = f": {entry.examples[0][1]}" if entry.examples else ""
        lines.append(f"  {entry.name}（{len(entry.posts)}記事）{example}")
    if len(discovered) > limit:
        lines.append(f"  ほか {len(discovered) - limit} 件")
    return lines
