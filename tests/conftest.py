"""Shared fixtures: real Sphinx builds of the archive on real posts."""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from postarchive.pages.render import copy_sources
from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SEEDS = REPO / "posts"
SHARED = Path(
    os.environ.get("POSTARCHIVE_SHARED", REPO.parent / "shared")
)  # worktrees: set it to ../shared of the repo
CORPUS = SHARED / "corpus" / "posts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = Path("/usr/bin/chromium")
# The flags a closed network needs: without the background-networking ones Chromium keeps dialling out.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def require(condition: bool, reason: str) -> None:
    """Skip when a tool or data set is missing — but fail under CI=true, where it must be there."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required under CI: {reason}")
        pytest.skip(reason)


@dataclass
class Build:
    app: SphinxTestApp
    srcdir: Path
    outdir: Path
    posts_dir: Path
    warnings: str

    def html(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text(encoding="utf-8")

    def post_html(self, permalink: str) -> str:
        return (self.outdir / permalink.strip("/") / "index.html").read_text(encoding="utf-8")


def parse_html(html: str) -> BeautifulSoup:
    """A page as a reader's browser sees its structure (the tests read HTML with a parser, never regexes)."""
    return BeautifulSoup(html, "html.parser")


def article_of(html: str) -> BeautifulSoup:
    """The page's main content, without the theme's chrome (header, sidebars, footer)."""
    found = parse_html(html).select_one("article.bd-article")
    assert found is not None, "no <article class=bd-article> in the page"
    return found


def search_texts(outdir: Path) -> str:
    """The display text of every post in the built search index (``t/<doc>.bin``, gzip)."""
    return "".join(gzip.decompress(p.read_bytes()).decode() for p in (outdir / "_static/search").glob("*/t/*.bin"))


def copy_docs(destination: Path) -> Path:
    """A fresh copy of docs/ without build output or generated pages."""
    return copy_sources(DOCS, destination)


def copy_posts(destination: Path, sources: Iterable[Path]) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copy2(source, destination / source.name)
    return destination


def run_build(
    srcdir: Path,
    posts_dir: Path,
    *,
    builder: str = "html",
    parallel: int = 0,
    confoverrides: dict[str, object] | None = None,
    freshenv: bool = False,
) -> Build:
    warnings = StringIO()
    overrides = {"postarchive_posts_dir": str(posts_dir), **(confoverrides or {})}
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=srcdir / "_build",
        confoverrides=overrides,
        status=StringIO(),
        warning=warnings,
        parallel=parallel,
        freshenv=freshenv,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Build(app, srcdir, Path(app.outdir), posts_dir, warnings.getvalue())


@pytest.fixture
def archive_factory(tmp_path: Path) -> Callable[..., Build]:
    """Build a copy of docs/ over the given post files (default: the seeds)."""

    def factory(posts: Iterable[Path] | None = None, **kwargs: object) -> Build:
        srcdir = copy_docs(tmp_path / "docs")
        posts_dir = copy_posts(tmp_path / "posts", posts if posts is not None else sorted(SEEDS.glob("*.md")))
        return run_build(srcdir, posts_dir, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One html build of the five seed posts, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("seeds")
    srcdir = copy_docs(root / "docs")
    posts_dir = copy_posts(root / "posts", sorted(SEEDS.glob("*.md")))
    return run_build(srcdir, posts_dir)


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One parallel html build of the 300 real posts in ../shared/corpus/posts."""
    require(CORPUS.is_dir(), f"{CORPUS} (the shared corpus) is missing")
    root = tmp_path_factory.mktemp("corpus")
    srcdir = copy_docs(root / "docs")
    return run_build(srcdir, CORPUS, parallel=2)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module.

    Playwright's sync API allows one running instance per thread, so the tests of a module share it.
    Module scope, not session: a parallel Sphinx build forks the test process, and a fork taken while
    Playwright's threads run can hang; pytest builds the session-scoped archives before this fixture.
    """
    require(CHROMIUM.is_file(), "Debian's chromium is not installed (python tools/system_deps.py browser)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
