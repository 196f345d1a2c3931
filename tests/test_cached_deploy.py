"""A deploy from a fresh checkout with the build cache restored rebuilds only what changed.

CI checks the repository out anew for every deploy, so every source file has a new modification time;
the Pages workflow restores the doctrees, the generated pages and the HTML output from ``actions/cache``.
Here: build a tree, copy its sources the way a checkout writes them (new times) and its cache the way
``actions/cache`` restores it (times kept), add one post, build again.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import SEEDS, copy_docs, copy_posts, run_build
from postarchive.model.kinds import GENERATED_ROOTS, MANIFEST

pytestmark = pytest.mark.sphinx

NEW_POST = """---
title: キャッシュ配備の確認
date: 2025-11-12 10:00:00 +0900
tags: [AI]
---
新しい記事の本文です。KDDI の発表を受けて。
"""


def checkout(source: Path, destination: Path) -> None:
    """Copy files with new modification times, as ``git clone`` writes them."""
    for path in source.rglob("*"):
        target = destination / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def restore_cache(built: Path, fresh: Path) -> None:
    """What the workflow caches: the build folder (doctrees, HTML) and the generated pages, times kept."""
    shutil.copytree(built / "_build", fresh / "_build", dirs_exist_ok=True)
    shutil.copy2(built / MANIFEST, fresh / MANIFEST)
    for root in [*GENERATED_ROOTS, *(p.name for p in built.iterdir() if p.name.isdigit() and len(p.name) == 4)]:
        if (built / root).is_dir():
            shutil.copytree(built / root, fresh / root, dirs_exist_ok=True)


def html_mtimes(outdir: Path) -> dict[str, int]:
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def test_fresh_checkout_with_restored_cache_rebuilds_only_the_new_post(tmp_path: Path) -> None:
    site = tmp_path / "site"  # CI checks out to the same folder every time (Sphinx starts anew if it moves)
    posts = copy_posts(site / "posts", sorted(SEEDS.glob("*.md")))
    run_build(copy_docs(site / "docs"), posts)
    previous = site.rename(tmp_path / "previous")
    time.sleep(0.05)

    fresh = site
    checkout(previous / "docs", fresh / "docs")
    shutil.rmtree(fresh / "docs" / "_build")
    checkout(previous / "posts", fresh / "posts")
    restore_cache(previous / "docs", fresh / "docs")
    (fresh / "posts" / "2025-11-12-cached-deploy.md").write_text(NEW_POST, encoding="utf-8")
    before = html_mtimes(fresh / "docs" / "_build" / "html")

    started = time.perf_counter()
    rebuilt = run_build(fresh / "docs", fresh / "posts")
    seconds = time.perf_counter() - started
    after = html_mtimes(rebuilt.outdir)
    written = {name for name, mtime in after.items() if before.get(name) != mtime}

    assert "2025/11/12/cached-deploy/index.html" in written
    # the new post, its month and year pages, the home page, its tag page and lists, the companies it
    # names, Sphinx's own pages, and the posts whose related list now holds it: far from the whole site
    assert len(written) <= 40, sorted(written)
    assert len(written) < len(after) / 2
    print(f"cached deploy: {len(written)} of {len(after)} pages written in {seconds:.1f} s")

    # the same site as a full build from scratch of the same sources
    full = tmp_path / "full"
    full_posts = copy_posts(full / "posts", sorted((fresh / "posts").glob("*.md")))
    from_scratch = run_build(copy_docs(full / "docs"), full_posts)
    assert sorted(html_mtimes(from_scratch.outdir)) == sorted(after)
    differing = [
        page
        for page in sorted(after)
        if (from_scratch.outdir / page).read_text(encoding="utf-8")
        != (rebuilt.outdir / page).read_text(encoding="utf-8")
    ]
    assert differing == []
