"""The per-build state of the archive, reached through one accessor: :func:`archive_state`.

It is computed at ``builder-inited`` (``pages/site.py``) and hangs off the build environment, so
parallel workers (forked after ``builder-inited``) see it too. It is transient: never pickled with
the environment (a pickled environment would carry every post's body), so an environment loaded
from disk has none until the next ``builder-inited`` sets it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sphinx.environment import BuildEnvironment

from ..model.discovery import Discovered
from ..model.nav import NavTree
from ..model.permalinks import JekyllSite
from ..model.registry import Registry
from ..model.schema import PostPageData
from ..model.volumes import VolumeRecord
from ..posts.post import Post, Problem

STATE_ATTRIBUTE = "postarchive_state"


class ArchiveStateMissing(RuntimeError):
    """The archive's state was asked for before ``builder-inited`` computed it."""


@dataclass
class ArchiveState:
    posts: list[Post] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)  # docname → cleaned body
    page_data: dict[str, PostPageData] = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)
    companies: dict[str, list[str]] = field(default_factory=dict)  # docname → canonical names, first mention first
    products: dict[str, list[str]] = field(default_factory=dict)  # docname → product names, first mention first
    discovered: list[Discovered] = field(default_factory=list)  # unregistered organisations, most posts first
    line_shift: dict[str, int] = field(default_factory=dict)  # docname → post line minus page line
    jekyll: JekyllSite = field(default_factory=JekyllSite)  # the blog's URL settings (its _config.yml)
    nav: NavTree | None = None  # the sidebar's years → months → posts
    feed_paths: dict[str, str] | None = None  # entry page docname → its feed (computed once per build)
    listings: dict[str, list[str]] | None = None  # listing page → its newest posts, for JSON-LD (once per build)
    volumes: dict[str, VolumeRecord] = field(default_factory=dict)  # the built PDF volumes the pages link
    glyphs: Any = None  # the PDF fonts' code points (computed once per LaTeX build)
    read_docnames: list[str] = field(default_factory=list)  # what Sphinx reads in this build

    @property
    def by_docname(self) -> dict[str, Post]:
        return {post.docname: post for post in self.posts}

    def __reduce__(self) -> tuple[type[ArchiveState], tuple[()]]:
        return ArchiveState, ()  # transient: an unpickled environment gets an empty state


def set_archive_state(env: BuildEnvironment, state: ArchiveState) -> None:
    setattr(env, STATE_ATTRIBUTE, state)


def archive_state(env: BuildEnvironment) -> ArchiveState:
    """The archive of this build; raises :class:`ArchiveStateMissing` before ``builder-inited`` set it."""
    state = getattr(env, STATE_ATTRIBUTE, None)
    if not isinstance(state, ArchiveState):
        raise ArchiveStateMissing("postarchive: the archive was not read (builder-inited has not run)")
    return state
