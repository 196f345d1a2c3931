"""The archive's search over the 300-post corpus in Chromium, checked against the posts that contain each query.

Its own module, so the corpus is built (a forking ``-j 2`` build) before this module's browser starts.
"""

from __future__ import annotations

import sys

import pytest
from conftest import REPO, Build

sys.path.insert(0, str(REPO / "bench"))
import search_eval


@pytest.mark.browser
@pytest.mark.slow
def test_corpus_queries_against_ground_truth(corpus_build: Build, browser: object) -> None:
    report = search_eval.evaluate(corpus_build.outdir, search_eval.QUERIES, browser)
    assert report["queries"] >= 30
    assert report["recall"] >= 0.98, report
    assert report["precision"] >= 0.95, report
    for row in report["rows"]:  # type: ignore[attr-defined]
        assert row["foreign"] == [] and row["console_errors"] == [], row
