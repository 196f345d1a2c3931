"""What the archive computes from every post at each build, kept between builds.

``builder-inited`` reads all posts on every build (the pages are generated from them), but an editor's
rebuild changes one or two. The company mentions of a post (Aho-Corasick plus normalisation) and the
readings of tag names (pykakasi, whose dictionary alone takes a second to load) and the loaded company
registry (composed node by node for line numbers) and the organisation names discovery proposes in a post
(a Japanese analyser: the costliest of all) are pure functions of their inputs, so they are kept in ``<doctreedir>/postarchive-cache.pickle`` under a digest of those
inputs (for mentions: the registry's spellings too) and only computed for what is new.

The file is the archive's own (written by the main process at ``builder-inited``, never by a worker),
and a missing, unreadable or other-version file is simply an empty cache.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_VERSION = 3
CACHE_FILE = "postarchive-cache.pickle"


def digest(*parts: str) -> str:
    joined = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha1(joined, usedforsecurity=False).hexdigest()


@dataclass
class BuildCache:
    mentions: dict[str, list[str]] = field(default_factory=dict)  # digest of (registry, title, text, tags) → names
    readings: dict[str, str] = field(default_factory=dict)  # name → reading
    registry: tuple[str, Any] | None = None  # (digest of the registry file, what loading it gave)
    discovery: dict[str, list[Any]] = field(default_factory=dict)  # digest of (version, post text) → candidates
    used_mentions: set[str] = field(default_factory=set, repr=False)
    used_discovery: set[str] = field(default_factory=set, repr=False)
    used_readings: set[str] = field(default_factory=set, repr=False)
    changed: bool = field(default=False, repr=False)

    def mentions_for(self, key: str, compute: Callable[[], list[str]]) -> list[str]:
        self.used_mentions.add(key)
        found = self.mentions.get(key)
        if found is None:
            found = self.mentions[key] = compute()
            self.changed = True
        return list(found)

    def discovery_for(self, key: str, compute: Callable[[], list[Any]]) -> list[Any]:
        """What discovery proposed in a post whose text (and discovery version) digest is ``key``."""
        self.used_discovery.add(key)
        found = self.discovery.get(key)
        if found is None:
            found = self.discovery[key] = compute()
            self.changed = True
        return list(found)

    def registry_for(self, key: str, compute: Callable[[], Any]) -> Any:
        """The loaded registry (entries and problems) for a file whose digest is ``key``."""
        if self.registry is None or self.registry[0] != key:
            self.registry = (key, compute())
            self.changed = True
        return self.registry[1]

    def reading_for(self, name: str, compute: Callable[[str], str]) -> str:
        self.used_readings.add(name)
        found = self.readings.get(name)
        if found is None:
            found = self.readings[name] = compute(name)
            self.changed = True
        return found


def load_cache(folder: Path) -> BuildCache:
    try:
        with (folder / CACHE_FILE).open("rb") as stream:
            version, mentions, readings, registry, discovery = pickle.load(stream)  # noqa: S301 - the archive's own file
    except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return BuildCache()
    if version != CACHE_VERSION or not all(isinstance(part, dict) for part in (mentions, readings, discovery)):
        return BuildCache()
    return BuildCache(mentions, readings, registry, discovery)


def save_cache(folder: Path, cache: BuildCache) -> None:
    """Keep what this build used (so the file does not grow with deleted posts); write only on change."""
    mentions = {key: cache.mentions[key] for key in cache.used_mentions if key in cache.mentions}
    readings = {key: cache.readings[key] for key in cache.used_readings if key in cache.readings}
    discovery = {key: cache.discovery[key] for key in cache.used_discovery if key in cache.discovery}
    if not cache.changed and (len(mentions), len(readings), len(discovery)) == (
        len(cache.mentions),
        len(cache.readings),
        len(cache.discovery),
    ):
        return
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / (CACHE_FILE + ".tmp")
    with staging.open("wb") as stream:
        pickle.dump(
            (CACHE_VERSION, mentions, readings, cache.registry, discovery), stream, protocol=pickle.HIGHEST_PROTOCOL
        )
    staging.replace(folder / CACHE_FILE)
