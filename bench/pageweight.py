"""Page weight and accessibility of a built archive: Lighthouse, axe-core, page sizes, and Pagefind beside it.

    python bench/pageweight.py bench/work/n1000/archive/html                  # print the tables, write JSON
    python bench/pageweight.py bench/work/n1000/archive/html --write-results  # … and put them in RESULTS.md

On the built HTML folder (the deployed files: ``.doctrees`` is skipped), served on 127.0.0.1 by Python's
http.server in a thread (gzip, as static hosts serve text), it measures five pages — the home page, a post (the
post page of median size), a company page (NVIDIA, else the largest), a tag page (the tag with most posts) and the
search page with a query:

* **Lighthouse** (npm ``lighthouse``, pinned) in its default mobile mode (simulated slow 4G and 4× CPU slowdown):
  performance and accessibility scores, LCP/TBT/CLS, total transfer bytes, the HTML document's bytes, requests;
* **axe-core** (npm ``axe-core``, pinned), injected with Playwright into Debian's ``/usr/bin/chromium``, in the
  light and the dark theme (``html[data-theme=dark]``: localStorage ``mode``/``theme`` = dark, as the theme's
  switcher stores it): the serious and critical violations by rule, with the number of elements;
* **the site**: deployed size, the number of HTML pages, median and largest post page, largest page of all;
* **Pagefind** (npm ``pagefind``, whose Linux package ships the extended binary: Japanese segmentation) run with
  default settings on the same folder into a temporary directory: its index size and files vs ``_static/search/``,
  and what one query costs a reader with each (cold cache; requests and bytes, Pagefind's Web Worker included).

The npm packages go to bench/node_modules (``npm install --prefix bench --no-save``: no package.json, ignored by
git); Chromium is never downloaded (``CHROME_PATH=/usr/bin/chromium``). Lighthouse's performance score on a shared
2-core machine varies from run to run: ``--runs 3`` keeps the median.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NODE_MODULES = BENCH / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
# Pinned: Lighthouse 13 needs Node ≥ 22.19 (Debian 12 has 20), 12.8.2 is the last of 12.
NPM_PACKAGES = {"lighthouse": "12.8.2", "axe-core": "4.14.1", "pagefind": "1.6.0"}
SEARCH_QUERY = "NVIDIA"
PAGEWEIGHT_START, PAGEWEIGHT_END = "<!-- pageweight:start -->", "<!-- pageweight:end -->"  # as in run.py
COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".map"}
LIGHTHOUSE_TIMEOUT = 240  # seconds for one page
SERIOUS = ("critical", "serious")


# --- npm and chromium ----------------------------------------------------------------------------


def installed_version(package: str) -> str | None:
    """The version of an npm package in bench/node_modules, or None."""
    manifest = NODE_MODULES / package / "package.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(manifest.read_text(encoding="utf-8")).get("version")
    return None


def ensure_npm_packages() -> None:
    """Install the pinned packages into bench/node_modules unless they are there (all in one command: an
    ``npm install --no-save`` without package.json prunes what it was not given)."""
    if all(installed_version(name) == version for name, version in NPM_PACKAGES.items()):
        return
    if shutil.which("npm") is None:
        sys.exit("pageweight: npm is needed (Debian: apt-get install npm)")
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    command = ["npm", "install", "--prefix", str(BENCH), "--no-save", "--no-package-lock", "--no-audit", "--no-fund"]
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
    print("pageweight: " + " ".join([*command, *specs]), flush=True)
    subprocess.run([*command, *specs], check=True, env=env)


def apt_busy() -> bool:
    """Whether apt or dpkg is running (chromium may be being installed)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if (proc / "comm").read_text().strip() in {"apt", "apt-get", "dpkg", "unattended-upgr"}:
                    return True
    return False


def wait_for_chromium(timeout: float = 900.0) -> Path:
    """/usr/bin/chromium, waiting while apt installs it (never installed or downloaded here)."""
    deadline = time.monotonic() + timeout
    while True:
        if CHROMIUM.exists() and not apt_busy():
            return CHROMIUM
        if not apt_busy() and not CHROMIUM.exists():
            sys.exit("pageweight: /usr/bin/chromium is missing (Debian: apt-get install chromium)")
        if time.monotonic() > deadline:
            sys.exit("pageweight: apt is still running after 15 minutes; no chromium to use")
        print("pageweight: waiting for apt to finish (chromium)…", flush=True)
        time.sleep(20)


# --- serving -------------------------------------------------------------------------------------


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip for text (as GitHub Pages and other static hosts serve them), no request log."""

    cache: dict[Path, bytes]
    mounts: dict[str, Path]  # URL prefix → folder (Pagefind's output, beside the site)

    def translate_path(self, path: str) -> str:
        for prefix, folder in self.mounts.items():
            if path.startswith(prefix):
                rest = unquote(path[len(prefix) :].split("?", 1)[0].split("#", 1)[0])
                return str(folder / rest)
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
                return super().send_head()  # the stdlib's redirect to the folder's URL with a slash
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = self.cache.get(path)
        if body is None:
            body = self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(root: Path, mounts: dict[str, Path] | None = None) -> Iterator[str]:
    """Serve ``root`` (and ``mounts``: URL prefix → folder) on 127.0.0.1, a free port, in a daemon thread;
    yields the base URL."""
    attributes = {"cache": {}, "mounts": dict(mounts or {})}
    handler = functools.partial(type("SiteHandler", (Handler,), attributes), directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.timeout = 10
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the site ------------------------------------------------------------------------------------


def deployed_files(root: Path) -> Iterator[Path]:
    """Every file a host would serve: the output without the doctree cache."""
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [name for name in subdirs if name != ".doctrees"]
        for name in files:
            yield Path(directory) / name


def load_catalog(root: Path) -> dict[str, Any]:
    """The archive's catalog.json (posts with their URLs, tags and companies), or an empty one."""
    with contextlib.suppress(OSError, ValueError):
        return json.loads((root / "catalog.json").read_text(encoding="utf-8"))
    return {"posts": []}


def page_path(root: Path, url: str) -> Path:
    """The file of a site-relative URL (``a/b/`` → ``a/b/index.html``)."""
    path = root / unquote(url.split("#")[0].split("?")[0])
    return path / "index.html" if url.endswith("/") or path.is_dir() else path


def site_stats(root: Path, catalog: dict[str, Any]) -> dict[str, Any]:
    """Sizes over the whole deployed folder: total, HTML pages, post pages (median, largest), largest page."""
    files = list(deployed_files(root))
    html = {path: path.stat().st_size for path in files if path.suffix == ".html"}
    posts = {}
    for post in catalog.get("posts", []):
        path = page_path(root, post.get("url", ""))
        if path in html:
            posts[path] = html[path]
    largest = max(html, key=lambda path: html[path]) if html else None
    largest_post = max(posts, key=lambda path: posts[path]) if posts else None
    search = root / "_static" / "search"
    search_files = [path for path in deployed_files(search)] if search.is_dir() else []
    return {
        "deployed_bytes": sum(path.stat().st_size for path in files),
        "deployed_files": len(files),
        "html_pages": len(html),
        "html_bytes": sum(html.values()),
        "post_pages": len(posts),
        "median_post_bytes": int(statistics.median(posts.values())) if posts else None,
        "largest_post": {"path": rel(largest_post, root), "bytes": posts[largest_post]} if largest_post else None,
        "largest_page": {"path": rel(largest, root), "bytes": html[largest]} if largest else None,
        "median_page_bytes": int(statistics.median(html.values())) if html else None,
        "search_index_bytes": sum(path.stat().st_size for path in search_files),
        "search_index_files": len(search_files),
    }


def rel(path: Path | None, root: Path) -> str | None:
    """``path`` relative to ``root``, POSIX style."""
    return None if path is None else path.relative_to(root).as_posix()


def url_of(root: Path, path: Path) -> str:
    """The site-relative URL of a page file (``a/index.html`` → ``a/``), percent-encoded."""
    relative = path.relative_to(root).as_posix()
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    return quote(relative)


def choose_pages(root: Path, catalog: dict[str, Any]) -> dict[str, str]:
    """The five pages measured, by role → site-relative URL."""
    pages = {"home": ""}
    posts = []
    for post in catalog.get("posts", []):
        path = page_path(root, post.get("url", ""))
        if path.is_file():
            posts.append((path.stat().st_size, path))
    if posts:
        posts.sort()
        pages["post"] = url_of(root, posts[len(posts) // 2][1])
    companies = root / "companies"
    if (companies / "NVIDIA" / "index.html").is_file():
        pages["company"] = "companies/NVIDIA/"
    elif companies.is_dir():
        candidates = sorted(companies.glob("*/index.html"), key=lambda path: -path.stat().st_size)
        if candidates:
            pages["company"] = url_of(root, candidates[0])
    counts: dict[str, int] = {}
    for post in catalog.get("posts", []):
        for tag in post.get("tags", []):
            counts[tag] = counts.get(tag, 0) + 1
    tags = root / "tags"
    tag_pages = {path.parent.name: path for path in tags.glob("*/index.html")} if tags.is_dir() else {}
    ranked = sorted(tag_pages, key=lambda name: (-counts.get(name, 0), name))
    if ranked:
        pages["tag"] = url_of(root, tag_pages[ranked[0]])
    if (root / "search.html").is_file():
        pages["search"] = f"search.html?q={quote(SEARCH_QUERY)}"
    return pages


# --- Lighthouse ----------------------------------------------------------------------------------


def lighthouse(url: str, chrome: Path, work: Path) -> dict[str, Any]:
    """One Lighthouse run (mobile, the default config) over ``url``: scores, metrics, bytes, requests."""
    report = work / "lighthouse.json"
    report.unlink(missing_ok=True)
    command = [
        "node",
        str(NODE_MODULES / "lighthouse" / "cli" / "index.js"),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--max-wait-for-load=60000",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    env = {**os.environ, "CHROME_PATH": str(chrome)}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=LIGHTHOUSE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {LIGHTHOUSE_TIMEOUT} s"}
    if done.returncode != 0 or not report.is_file():
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]}
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    requests = (audits.get("network-requests", {}).get("details") or {}).get("items", [])
    document = next((item for item in requests if item.get("resourceType") == "Document"), {})

    def score(category: str) -> int | None:
        value = data["categories"].get(category, {}).get("score")
        return None if value is None else round(value * 100)

    def numeric(audit: str) -> float | None:
        return audits.get(audit, {}).get("numericValue")

    by_type: dict[str, int] = {}
    for item in requests:
        kind = item.get("resourceType", "Other")
        by_type[kind] = by_type.get(kind, 0) + int(item.get("transferSize") or 0)
    failed_a11y = [
        audit_id
        for audit_id, audit in audits.items()
        if audit_id in {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"]}
        and audit.get("score") is not None
        and audit["score"] < 1
    ]
    return {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "lcp_ms": numeric("largest-contentful-paint"),
        "fcp_ms": numeric("first-contentful-paint"),
        "tbt_ms": numeric("total-blocking-time"),
        "cls": numeric("cumulative-layout-shift"),
        "transfer_bytes": int(numeric("total-byte-weight") or 0),
        "html_transfer_bytes": int(document.get("transferSize") or 0),
        "html_resource_bytes": int(document.get("resourceSize") or 0),
        "requests": len(requests),
        "transfer_by_type": dict(sorted(by_type.items(), key=lambda item: -item[1])),
        "failed_accessibility_audits": sorted(failed_a11y),
        "lighthouse_version": data.get("lighthouseVersion"),
        "chrome": data.get("environment", {}).get("hostUserAgent", ""),
    }


def lighthouse_median(url: str, chrome: Path, work: Path, runs: int) -> dict[str, Any]:
    """``runs`` Lighthouse runs; the one with the median performance score is kept, every score listed."""
    results = [lighthouse(url, chrome, work) for _ in range(runs)]
    scored = [result for result in results if "error" not in result and result.get("performance") is not None]
    scored.sort(key=lambda result: result["performance"])
    if not scored:
        return results[-1]
    kept = dict(scored[len(scored) // 2])
    kept["performance_runs"] = [result.get("performance") for result in results]
    return kept


# --- axe-core ------------------------------------------------------------------------------------

DARK_INIT = "try { localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark'); } catch (e) {}"
LIGHT_INIT = "try { localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light'); } catch (e) {}"


def axe_pages(base: str, pages: dict[str, str], chrome: Path) -> dict[str, dict[str, Any]]:
    """axe-core over every page in light and dark mode: serious/critical violations by rule (elements)."""
    from playwright.sync_api import sync_playwright

    script = NODE_MODULES / "axe-core" / "axe.min.js"
    results: dict[str, dict[str, Any]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chrome), args=["--no-sandbox", "--disable-gpu"])
        try:
            for mode, init in (("light", LIGHT_INIT), ("dark", DARK_INIT)):
                context = browser.new_context(color_scheme=mode, viewport={"width": 412, "height": 823})
                context.add_init_script(init)
                page = context.new_page()
                for role, url in pages.items():
                    page.goto(base + url, wait_until="networkidle", timeout=60_000)
                    theme = page.evaluate("document.documentElement.dataset.theme")
                    if theme != mode:  # the theme's script did not apply it: set the attribute itself
                        page.evaluate(f"document.documentElement.dataset.theme = {mode!r}")
                        theme = f"{mode} (set)"
                    page.add_script_tag(path=str(script))
                    found = page.evaluate(
                        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help,"
                        " examples: v.nodes.slice(0, 3).map(n => ({target: n.target.join(' '),"
                        " html: n.html.slice(0, 160), summary: (n.failureSummary || '').slice(0, 240)}))}))"
                    )
                    serious = [item for item in found if item["impact"] in SERIOUS]
                    results.setdefault(role, {})[mode] = {
                        "theme": theme,
                        "serious_or_critical": sum(item["nodes"] for item in serious),
                        "rules": {f"{item['id']} ({item['impact']})": item["nodes"] for item in serious},
                        "examples": {f"{item['id']} ({item['impact']})": item["examples"] for item in serious},
                        "other_violations": {
                            f"{item['id']} ({item['impact']})": item["nodes"]
                            for item in found
                            if item["impact"] not in SERIOUS
                        },
                    }
                context.close()
        finally:
            browser.close()
    return results


# --- Pagefind ------------------------------------------------------------------------------------


def pagefind(root: Path, output: Path) -> dict[str, Any]:
    """Pagefind (default settings, the extended binary) on the deployed folder, into ``output`` (a temporary
    directory: the site is not touched)."""
    binary = NODE_MODULES / ".bin" / "pagefind"
    if not binary.exists():
        return {"error": "bench/node_modules/.bin/pagefind missing"}
    start = time.perf_counter()
    done = subprocess.run(
        [str(binary), "--site", str(root), "--output-path", str(output)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-500:] or done.stdout.strip()[-500:]}
    files = [path for path in output.rglob("*") if path.is_file()]
    index_files = [path for path in files if path.suffix in {".pf_index", ".pf_meta", ".pf_fragment"}]
    pages = re.search(r"Indexed (\d+) pages?", done.stdout)
    words = re.search(r"Indexed (\d+) words?", done.stdout)
    running = re.search(r"Running Pagefind v\S+(?: \(Extended\))?", done.stdout)
    discovered = re.search(r"Discovered \d+ languages?: (.+)", done.stdout)
    languages = [name.strip() for name in discovered.group(1).split(",")] if discovered else []
    return {
        "version": running.group(0).removeprefix("Running Pagefind ") if running else "",
        "extended": "(Extended)" in done.stdout,
        "seconds": seconds,
        "pages": int(pages.group(1)) if pages else None,
        "words": int(words.group(1)) if words else None,
        "languages": sorted(set(languages)),
        "bytes": sum(path.stat().st_size for path in files),
        "files": len(files),
        "index_bytes": sum(path.stat().st_size for path in index_files),
        "index_files": len(index_files),
        "by_kind": {
            suffix: sum(path.stat().st_size for path in files if path.suffix == suffix)
            for suffix in sorted({path.suffix for path in files})
        },
    }


# --- one query: what a reader downloads ---------------------------------------------------------

PAGEFIND_QUERY = """async ([query, shown]) => {
    const pagefind = await import('/pagefind/pagefind.js');
    await pagefind.init();
    const search = await pagefind.search(query);
    const data = await Promise.all(search.results.slice(0, shown).map(result => result.data()));
    return {results: search.results.length, shown: data.length};
}"""


def watch_requests(page: Any) -> list[Any]:
    """The requests the page (its workers included: Pagefind searches in a Web Worker) has finished, as they
    finish."""
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    return finished


def transferred(requests: list[Any], *parts: str) -> dict[str, int]:
    """Number and bytes over the wire (body as sent, gzip included, plus headers) of the requests whose URL
    contains one of ``parts``."""
    count = total = 0
    for request in requests:
        if any(part in request.url for part in parts):
            sizes = request.sizes()
            count += 1
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return {"requests": count, "transfer_bytes": total}


def query_cost(base: str, chrome: Path, pagefind_mounted: bool) -> dict[str, Any]:
    """Bytes fetched for one query (cold cache) by each search: the archive's search page with ``?q=`` (its
    script and its ``_static/search/`` files), and Pagefind's JS API (``/pagefind/``: its script, worker, WASM,
    index chunks) for the same query with the data of 20 results loaded, as many as the archive's page shows."""
    from playwright.sync_api import sync_playwright

    found: dict[str, Any] = {"query": SEARCH_QUERY}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chrome), args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context()
            page = context.new_page()
            finished = watch_requests(page)
            page.goto(base + f"search.html?q={quote(SEARCH_QUERY)}", wait_until="networkidle", timeout=60_000)
            found["archive"] = {
                **transferred(finished, "/_static/search/", "/_static/postarchive-search"),
                "results_shown": page.locator(".pa-search-result").count(),
            }
            context.close()
            if pagefind_mounted:
                context = browser.new_context()
                page = context.new_page()
                finished = watch_requests(page)
                page.goto(base + "genindex.html", wait_until="networkidle", timeout=60_000)
                outcome = page.evaluate(PAGEFIND_QUERY, [SEARCH_QUERY, 20])
                page.wait_for_load_state("networkidle")
                found["pagefind"] = {
                    **transferred(finished, "/pagefind/"),
                    "results": outcome["results"],
                    "results_shown": outcome["shown"],
                }
                context.close()
        finally:
            browser.close()
    return found


# --- report --------------------------------------------------------------------------------------


def kb(count: int | None) -> str:
    """Bytes as kB (10^3)."""
    return "—" if count is None else f"{count / 1e3:,.1f} kB"


def mb(count: int | None) -> str:
    """Bytes as MB (10^6)."""
    return "—" if count is None else f"{count / 1e6:,.1f} MB"


def markdown(result: dict[str, Any]) -> str:
    """The Markdown section: Lighthouse and axe per page, site sizes, Pagefind vs the archive's index."""
    site, pages = result["site"], result["pages"]
    lines = [
        PAGEWEIGHT_START,
        f"## Page weight and accessibility ({result['posts']:,} posts)\n",
        f"Command: `{result['command']}`\n\nDate: {result['date']}; Lighthouse {result['lighthouse']} (mobile: "
        f"simulated slow 4G, 4× CPU slowdown), axe-core {result['axe_core']}, {result['chrome']}; served by "
        "Python's http.server with gzip on 127.0.0.1.\n",
        "| page | URL | performance | accessibility | LCP | TBT | CLS | transfer | HTML (transfer / size) "
        "| requests | axe serious+critical (light / dark) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for role, url in result["urls"].items():
        light = pages[role].get("axe", {}).get("light", {})
        dark = pages[role].get("axe", {}).get("dark", {})
        axe = f"{light.get('serious_or_critical', '—')} / {dark.get('serious_or_critical', '—')}"
        found = pages[role].get("lighthouse", {})
        if "error" in found:
            lines.append(f"| {role} | `/{url}` | failed: {str(found['error'])[:120]} |  |  |  |  |  |  |  | {axe} |")
            continue
        runs = found.get("performance_runs") or []
        perf = f"{found['performance']}" + (f" ({' / '.join(map(str, runs))})" if len(runs) > 1 else "")
        lines.append(
            f"| {role} | `/{url}` | {perf} | {found['accessibility']} | {found['lcp_ms'] / 1000:.1f} s "
            f"| {found['tbt_ms']:.0f} ms | {found['cls']:.3f} | {kb(found['transfer_bytes'])} "
            f"| {kb(found['html_transfer_bytes'])} / {kb(found['html_resource_bytes'])} | {found['requests']} | {axe} |"
        )
    rules: dict[str, dict[str, int]] = {}
    examples: dict[str, str] = {}
    for role, page in pages.items():
        for mode, found in page.get("axe", {}).items():
            for rule, nodes in found.get("rules", {}).items():
                rules.setdefault(rule, {})[f"{role} ({mode})"] = nodes
                for example in found.get("examples", {}).get(rule, [])[:1]:
                    examples.setdefault(rule, f"{role} ({mode}): `{example['target']}`")
    if rules:
        lines.append("\naxe serious and critical violations by rule (elements per page and mode; first element):\n")
        lines.extend(
            f"- `{rule}`: "
            + ", ".join(f"{where} {nodes}" for where, nodes in where_nodes.items())
            + (f" — e.g. {examples[rule]}" if rule in examples else "")
            for rule, where_nodes in sorted(rules.items())
        )
    else:
        lines.append("\naxe: no serious or critical violation on these pages, light or dark.")
    failed = sorted(
        {
            audit
            for page in pages.values()
            for audit in page.get("lighthouse", {}).get("failed_accessibility_audits", [])
        }
    )
    if failed:
        lines.append(
            "\nLighthouse accessibility audits failed on some page: " + ", ".join(f"`{a}`" for a in failed) + "."
        )
    post = site.get("largest_post") or {}
    page = site.get("largest_page") or {}
    lines += [
        "\n| the site | |",
        "|---|--:|",
        f"| deployed folder (no `.doctrees`) | {mb(site['deployed_bytes'])} in {site['deployed_files']:,} files |",
        f"| HTML pages | {site['html_pages']:,} ({mb(site['html_bytes'])}), median {kb(site['median_page_bytes'])} |",
        f"| post pages: median | {kb(site['median_post_bytes'])} ({site['post_pages']:,} posts) |",
        f"| largest post page | {kb(post.get('bytes'))} (`{post.get('path')}`) |",
        f"| largest page | {kb(page.get('bytes'))} (`{page.get('path')}`) |",
    ]
    found = result.get("pagefind", {})
    if "error" in found:
        lines.append(f"\nPagefind failed: {found['error']}")
    else:
        ratio = found["bytes"] / site["search_index_bytes"] if site["search_index_bytes"] else float("nan")
        lines += [
            "\n| search index | size | files | pages indexed | time |",
            "|---|--:|--:|--:|--:|",
            f"| this archive, `_static/search/` | {mb(site['search_index_bytes'])} | {site['search_index_files']:,} "
            f"| {site['post_pages']:,} posts | (in the build) |",
            f"| Pagefind {found['version']}, default settings | {mb(found['bytes'])} | {found['files']:,} "
            f"| {found['pages'] if found['pages'] is not None else '—'} pages | {found['seconds']:.1f} s |",
        ]
        query = result.get("query", {})
        if "archive" in query:
            archive, other = query["archive"], query.get("pagefind", {})
            lines += [
                f"\nOne query, `{query['query']}`, cold cache (what a reader downloads for it):\n",
                "| search (its script, style and index files) | requests | transferred | results |",
                "|---|--:|--:|--:|",
                f"| this archive (`search.html?q=`) | {archive['requests']} | {kb(archive['transfer_bytes'])} "
                f"| {archive['results_shown']} shown |",
            ]
            if other:
                lines.append(
                    f"| Pagefind (JS API, first {other['results_shown']} results' data) | {other['requests']} "
                    f"| {kb(other['transfer_bytes'])} | {other['results']} |"
                )
        lines += [
            f"\nPagefind's index is {ratio:.2f}× the archive's (index/meta/fragment files "
            f"{mb(found['index_bytes'])}; languages {', '.join(found['languages']) or '?'}). Pagefind indexes every "
            "HTML page whole (the tag, company, month pages too, sidebar included) unless the pages mark "
            "`data-pagefind-body`; the archive's index holds the posts' title and body text only.",
        ]
    lines.append(PAGEWEIGHT_END)
    return "\n".join(lines) + "\n"


def write_results(report: Path, section: str) -> None:
    """Put the section into RESULTS.md: replacing an earlier one, else at the end."""
    text = report.read_text(encoding="utf-8") if report.is_file() else ""
    start, end = text.find(PAGEWEIGHT_START), text.find(PAGEWEIGHT_END)
    if 0 <= start < end:
        text = text[:start] + section.rstrip("\n") + text[end + len(PAGEWEIGHT_END) :]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    report.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure the built archive at the given path and print (and optionally write) the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("html", type=Path, help="the built HTML folder (e.g. bench/work/n1000/archive/html)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page; the median counts (default 1)")
    parser.add_argument("--json", type=Path, help="where the JSON goes (default: <html>/../pageweight.json)")
    parser.add_argument("--write-results", action="store_true", help="put the Markdown section into RESULTS.md")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="the report (default bench/RESULTS.md)")
    parser.add_argument("--no-pagefind", action="store_true", help="skip Pagefind")
    args = parser.parse_args(argv)
    root = args.html.resolve()
    if not (root / "index.html").is_file():
        parser.error(f"{root}: no index.html (give the built HTML folder)")
    ensure_npm_packages()
    chrome = wait_for_chromium()
    catalog = load_catalog(root)
    pages = choose_pages(root, catalog)
    shown = Path(sys.argv[0]).resolve()
    shown_text = shown.relative_to(REPO).as_posix() if shown.is_relative_to(REPO) else str(shown)
    argv_shown = [str(item) for item in (sys.argv[1:] if argv is None else argv)]
    result: dict[str, Any] = {
        "command": " ".join(["python", shown_text, *argv_shown]),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "html": str(root),
        "posts": len(catalog.get("posts", [])),
        "urls": pages,
        "lighthouse": installed_version("lighthouse"),
        "axe_core": installed_version("axe-core"),
        "chrome": "Chromium",
        "pages": {role: {} for role in pages},
    }
    result["site"] = site_stats(root, catalog)
    print(f"pageweight: {root} ({result['posts']} posts); pages: {pages}", flush=True)
    with tempfile.TemporaryDirectory(prefix="pageweight-") as scratch:
        mounts = {}
        if not args.no_pagefind:
            output = Path(scratch) / "pagefind"
            result["pagefind"] = pagefind(root, output)
            print(f"  pagefind: {result['pagefind']}", flush=True)
            if "error" not in result["pagefind"]:
                mounts["/pagefind/"] = output
        with serve(root, mounts) as base:
            for role, url in pages.items():
                found = lighthouse_median(base + url, chrome, Path(scratch), max(1, args.runs))
                result["pages"][role]["lighthouse"] = found
                print(f"  lighthouse {role}: {found.get('performance')} / {found.get('accessibility')}", flush=True)
            for role, modes in axe_pages(base, pages, chrome).items():
                result["pages"][role]["axe"] = modes
            if "search" in pages:
                result["query"] = query_cost(base, chrome, bool(mounts))
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        shown_version = subprocess.run([str(chrome), "--version"], capture_output=True, text=True, timeout=30)
        result["chrome"] = " ".join(shown_version.stdout.split()[:2]) or "Chromium"
    json_path = args.json or root.parent / "pageweight.json"
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    section = markdown(result)
    print("\n" + section)
    if args.write_results:
        write_results(args.out.resolve(), section)
        print(f"Written: {args.out} and {json_path}")
    else:
        print(f"Written: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
