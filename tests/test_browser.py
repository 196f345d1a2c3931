"""The built site in headless Chromium: pages load only the site's own resources, log no errors,
show their charts (inline SVG drawn at build time, no Mermaid), and their links work.

The site (docs/ with the seed posts in posts/) is built once into a temporary folder with
``html_baseurl`` set to a local ``http.server`` on 127.0.0.1, which serves it the way a static host
does (``404.html`` for a missing path). Screenshots of every page land in
``docs/_build/screenshots/`` for a human look.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
from conftest import copy_docs

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "_build" / "screenshots"

pytestmark = pytest.mark.browser


class SiteHandler(SimpleHTTPRequestHandler):
    """Static hosting as GitHub Pages / Read the Docs do it: a missing path gets ``404.html``."""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Site:
    url: str
    outdir: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("site")
    src, out = work / "docs", work / "html"
    copy_docs(src)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "POSTARCHIVE_BASEURL": url, "POSTARCHIVE_POSTS_DIR": str(ROOT / "posts")}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-j", "2", "-q", str(src), str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(SiteHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(url, out)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Visit:
    """What one page did in the browser."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@contextlib.contextmanager
def visit(browser: Any, site: Site, path: str, *, color_scheme: str = "light", width: int = 1280) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=color_scheme, locale="ja-JP")
    page = context.new_page()
    record = Visit(page)
    own = urlsplit(site.url).netloc

    def route(route: Any) -> None:
        request_url = route.request.url
        if urlsplit(request_url).scheme in ("data", "blob") or urlsplit(request_url).netloc == own:
            route.continue_()
        else:
            record.outside.append(request_url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda msg: record.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: record.errors.append(str(error)))

    def on_failed(request: Any) -> None:
        # a request cut short because the test navigated on (clicked a link) is not a broken resource;
        # a missing one shows up as a >= 400 response below
        if "ERR_ABORTED" not in (request.failure or "") or urlsplit(request.url).netloc != own:
            record.failed.append(f"{request.url} {request.failure}")

    page.on("requestfailed", on_failed)

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            record.failed.append(f"{response.url} {response.status}")

    page.on("response", on_response)
    page.goto(urljoin(site.url, path), wait_until="load")
    try:
        yield record
    finally:
        context.close()


def screenshot(record: Visit, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    record.page.screenshot(path=str(path), full_page=True)
    return path


def assert_clean(record: Visit, *, document_status: int = 200) -> None:
    assert record.outside == [], f"requests to other hosts: {record.outside}"
    assert record.failed == [], f"failed requests: {record.failed}"
    errors = record.errors
    if document_status != 200:  # Chromium logs the page's own status; every other request is in `failed`
        errors = [e for e in errors if f"status of {document_status}" not in e]
    assert errors == [], f"console errors: {errors}"


def charts(record: Visit) -> int:
    """The page's charts (inline SVG, there on load: no script draws them); Mermaid is never loaded."""
    page = record.page
    assert page.locator(".mermaid").count() == 0
    assert page.evaluate("[...document.scripts].every(s => !(s.src + s.text).includes('mermaid'))")
    return page.locator("svg.archive-chart-svg").count()


def first_post_path(site: Site) -> str:
    from defusedxml import ElementTree

    feed = ElementTree.parse(site.outdir / "atom.xml").getroot()
    link = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link")
    assert link is not None
    return urlsplit(link.get("href")).path


def test_landing_page(browser: Any, site: Site) -> None:
    with visit(browser, site, "") as record:
        assert charts(record) == 1
        chart = record.page.locator("svg.archive-chart-svg").first
        assert chart.bounding_box()["width"] > 100
        assert "ALLFORCES" in record.page.locator(".navbar-brand").inner_text()
        assert record.page.locator(".archive-card").count() >= 1
        feed_link = record.page.locator(f'.navbar-icon-links a[href="{site.url}atom.xml"]')
        assert feed_link.count() >= 1, "the navbar links the Atom feed"
        assert record.page.request.get(site.url + "atom.xml").ok
        screenshot(record, "landing")
        assert_clean(record)


def test_landing_page_dark_mode_switch(browser: Any, site: Site) -> None:
    with visit(browser, site, "") as record:
        page = record.page
        charts(record)
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        page.locator(".theme-switch-button").first.click()
        page.locator(".theme-change-button[data-mode=dark]").first.click()
        page.wait_for_function("document.documentElement.dataset.theme === 'dark'")
        page.reload(wait_until="load")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark", "the choice is remembered"
        charts(record)
        screenshot(record, "landing-theme-switched")
        assert_clean(record)
    with visit(browser, site, "", color_scheme="dark") as record:
        charts(record)
        assert record.page.evaluate("document.documentElement.dataset.theme") == "dark"
        screenshot(record, "landing-dark")
        assert_clean(record)


def test_post_page_and_its_links(browser: Any, site: Site) -> None:
    path = first_post_path(site)
    with visit(browser, site, path) as record:
        page = record.page
        assert page.locator("h1").first.inner_text().strip()
        assert page.locator(".post-meta .post-date").count() == 1
        screenshot(record, "post")
        assert_clean(record)
        links = page.locator(".post-tags a.reference, .post-companies a.reference")
        targets = [
            (links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href")) for i in range(links.count())
        ]
    assert targets, "a post links its tags"
    for text, href in targets:
        with visit(browser, site, urljoin(urljoin(site.url, path), href)) as target:
            assert target.page.locator("h1").first.inner_text().strip().startswith(text), href
            assert_clean(target)
    tag_text = targets[0][0]
    with visit(browser, site, path) as record:
        record.page.locator(".post-tags a.reference").first.click()
        record.page.wait_for_load_state("load")
        assert unquote(urlsplit(record.page.url).path).startswith("/tags/")
        assert record.page.locator("h1").first.inner_text().strip().startswith(tag_text)


def test_post_page_on_a_phone(browser: Any, site: Site) -> None:
    with visit(browser, site, first_post_path(site), width=390) as record:
        page = record.page
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the screen"
        search = page.locator(".search-button__button:visible, button.search-button:visible").first
        box = search.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, "the search button stays on screen"
        screenshot(record, "post-phone")
        assert_clean(record)


def test_tag_page(browser: Any, site: Site) -> None:
    with visit(browser, site, "tags/index.html") as record:
        first = record.page.locator("article a.reference.internal").first
        name = first.inner_text().strip()
        first.click()
        record.page.wait_for_load_state("load")
        assert record.page.locator("h1").first.inner_text().strip().startswith(name)
        assert record.page.locator("article li a.reference").count() >= 1
        screenshot(record, "tag")
        assert_clean(record)


def test_company_page(browser: Any, site: Site) -> None:
    index = site.outdir / "companies" / "index.html"
    if not index.is_file():
        pytest.skip("this build has no company pages (companies/index.html)")
    # a company without posts has no chart; pick one that has one
    pages = sorted(index.parent.glob("*/index.html"))
    with_diagram = [p for p in pages if 'class="archive-chart-svg"' in p.read_text(encoding="utf-8")]
    assert with_diagram, "company pages show their charts"
    slug = with_diagram[0].parent.name
    with visit(browser, site, "companies/index.html") as record:
        record.page.locator(
            f'article a.reference.internal:is([href^="{slug}/"], [href^="{quote(slug)}/"])'
        ).first.click()
        record.page.wait_for_load_state("load")
        assert unquote(urlsplit(record.page.url).path).rstrip("/").endswith(f"/companies/{slug}/index.html")
        assert charts(record) >= 1
        screenshot(record, "company")
        assert_clean(record)


def test_search_page(browser: Any, site: Site) -> None:
    with visit(browser, site, "search.html?q=GPU") as record:
        record.page.wait_for_selector("#search-results > li", timeout=20_000)  # the archive's own search (search.py)
        assert record.page.locator("#search-results > li").count() >= 1
        screenshot(record, "search")
        assert_clean(record)


def test_404_page_at_any_depth(browser: Any, site: Site) -> None:
    with visit(browser, site, "2025/10/no-such-post/deeper/") as record:
        assert "ページが見つかりません" in record.page.locator("h1").first.inner_text()
        # the theme's stylesheet loaded (absolute URLs from notfound_urls_prefix), so the page is styled
        assert record.page.evaluate("getComputedStyle(document.body).fontFamily").strip() not in ("", "serif")
        screenshot(record, "404")
        assert_clean(record, document_status=404)
