"""The search index across an edit: the base tier stays, the delta holds the new version, the browser sees it.

Its own module: the module's builds must finish before its browser starts (a Sphinx build forks,
and a fork taken while Playwright runs can hang).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Build
from test_incremental import EDITED, EDITED_URL, Tree

sys.path.insert(0, str(REPO / "bench"))
import search_eval


def search_meta(build: Build) -> dict[str, Any]:
    return json.loads((build.outdir / "_static/search/meta.json").read_text(encoding="utf-8"))


@dataclass
class Edited:
    build: Build
    base: str
    base_files: dict[Path, int]


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Edited:
    """The seeds built, one post edited, built again (before this module's browser starts: builds fork)."""
    tree = Tree(tmp_path_factory.mktemp("edited"))
    first, _ = tree.build()
    base = search_meta(first)["tiers"][0]["path"]
    base_files = {p: p.stat().st_mtime_ns for p in (first.outdir / "_static/search" / base).rglob("*")}
    tree.edit(EDITED, "GMOがヒューマノイドAIに本格的に舵を切った", "GMOがヒューマノイドロボットに本格的に舵を切った")
    build, _ = tree.build()
    return Edited(build, base, base_files)


def test_an_edit_rewrites_only_the_search_delta(edited: Edited) -> None:
    build, base = edited.build, edited.base
    meta = search_meta(build)
    assert meta["tiers"][0]["path"] == base  # the base stays, untouched
    assert {p: p.stat().st_mtime_ns for p in (build.outdir / "_static/search" / base).rglob("*")} == edited.base_files
    assert len(meta["tiers"]) == 2 and meta["tiers"][1]["docs"] == 1 and len(meta["hidden"]) == 1
    assert meta["docs"] == 5


@pytest.mark.xfail(
    strict=False,
    reason="issue 15 open: after the merge of the linked-data and search branches a result link resolves to an absolute URL in this test's file mapping",
)
@pytest.mark.browser
def test_search_sees_the_edit(edited: Edited, browser: Any) -> None:
    build = edited.build
    posts = search_eval.ground_truth_posts(build.outdir)
    with search_eval.serve(build.outdir) as url:
        for query in ["ヒューマノイドロボットに本格的", "KDDI", "GMO", "AI"]:
            outcome = search_eval.search_in_browser(browser, url, query)
            expected = search_eval.truth(posts, query) | search_eval.named(posts, query)
            assert expected and sorted(outcome.found) == sorted(expected), query
            assert outcome.console_errors == [] and outcome.foreign == []
        found = search_eval.search_in_browser(browser, url, "ヒューマノイドロボットに本格的").found
        assert found == [f"{EDITED_URL}/index.html"]
        # the old wording is gone with the old version of the post (hidden in the base)
        assert search_eval.search_in_browser(browser, url, "ヒューマノイドaiに本格的").found == []
