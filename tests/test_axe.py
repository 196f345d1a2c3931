"""axe-core in Debian's Chromium: no serious or critical accessibility violation on the home, a post,
a company, a tag and the search page (with results and facets), in light and dark mode, on a desktop
and a phone width.

axe-core's ``axe.min.js`` comes from npm, installed once into a cache folder outside the repository
(``~/.cache/postarchive-axe``, or ``$POSTARCHIVE_AXE_DIR``); the test installs it when it is missing.
Under ``CI=true`` a missing tool fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Build, require

sys.path.insert(0, str(REPO / "bench"))
import search_eval

pytestmark = pytest.mark.browser

AXE_VERSION = "4.14.1"
AXE_DIR = Path(os.environ.get("POSTARCHIVE_AXE_DIR", Path.home() / ".cache" / "postarchive-axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PAGES = (
    "index.html",
    "2025/10/09/2-gmoai/index.html",
    "companies/NVIDIA/index.html",
    "tags/AI/index.html",
    "search.html?q=AI",
)
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    if not AXE_JS.is_file():
        npm = shutil.which("npm")
        require(npm is not None, "npm is not installed (needed once to fetch axe-core)")
        assert npm is not None
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", f"axe-core@{AXE_VERSION}"],
            cwd=AXE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        require(AXE_JS.is_file(), f"npm could not install axe-core: {result.stderr[-500:]}")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served(seeds_build: Build) -> Iterator[str]:
    with search_eval.serve(seeds_build.outdir) as base:  # the benchmark's quiet local server
        yield base


RUN_AXE = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violation(browser: Any, served: str, scheme: str, width: int) -> None:
    source = axe_source()
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, locale="ja-JP")
    page = context.new_page()
    found = {}
    try:
        for path in PAGES:
            page.goto(served + path, wait_until="load")
            if path.startswith("search.html"):
                page.wait_for_selector(".pa-search-facet-value", timeout=15_000)  # results and facets shown
            assert page.evaluate("document.documentElement.dataset.theme") == scheme
            page.add_script_tag(content=source)
            violations = page.evaluate(RUN_AXE)
            if violations:
                found[path] = violations
    finally:
        context.close()
    assert found == {}


def luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_labels_are_readable(browser: Any, served: str, scheme: str) -> None:
    """axe-core does not measure SVG text: the chart's labels against the page, WCAG AA (4.5:1)."""
    context = browser.new_context(color_scheme=scheme, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(served + "index.html", wait_until="load")
        label = page.evaluate("getComputedStyle(document.querySelector('.archive-chart-svg text')).fill")
        ground = page.evaluate("getComputedStyle(document.body).backgroundColor")
    finally:
        context.close()
    light, dark = sorted((luminance(label), luminance(ground)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5, (scheme, label, ground)
