"""Measure the archive's search in headless Chromium against the ground truth.

Ground truth for a query: the posts whose title or body (the article text of the built page, without the
post header and the related-posts list) contains the query after NFKC, lower case and whitespace folding.
Each query opens ``search.html?q=…`` in a fresh browser context (cold cache), clicks "もっと見る" until every
result is on the page, and records the posts listed, the bytes of search assets fetched and the time from
navigation start to the first results.

    python bench/search_eval.py --site docs/_build/html            # an archive already built
    python bench/search_eval.py --posts ../shared/corpus/posts --work /tmp/se300   # build it first
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"

QUERIES = [
    # company names: katakana, kanji, Latin, aliases
    "さくらインターネット",
    "エヌビディア",
    "NVIDIA",
    "ソフトバンク",
    "ソフトバンクグループ",
    "プリファードネットワークス",
    "ハイレゾ",
    "GMOインターネット",
    "KDDI",
    "OpenAI",
    "Anthropic",
    "Google",
    "マイクロソフト",
    "Microsoft",
    "富士通",
    "日立製作所",
    "経済産業省",
    "総務省",
    "東京大学",
    "ラピダス",
    "TSMC",
    "トヨタ",
    "楽天",
    "LINEヤフー",
    "AMD",
    # product codes
    "GB200",
    "H200",
    "B300",
    "H100",
    # kanji compounds and themes
    "経済安全保障",
    "半導体",
    "生成AI",
    "データセンター",
    "量子コンピュータ",
    "自動運転",
    "円安",
    "AIエージェント",
    # typed without spaces, or two words (each term must be in the post)
    "NVIDIA H200",
    "生成AI 規制",
    "Google Gemini",
]

# Queries whose best post is known (the one holding the query most densely, or in its title): it must be
# among the first three results (tests/test_search_corpus.py).
RANKED_QUERIES = [
    "NVIDIA",
    "さくらインターネット",
    "GB200",
    "H200",
    "TSMC",
    "ラピダス",
    "量子コンピュータ",
    "自動運転",
    "円安",
]


def key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


@dataclass
class Post:
    url: str
    text: str  # matching form of title + body
    names: frozenset[str] = frozenset()  # matching forms of the names and aliases of the companies it names
    companies: tuple[frozenset[str], ...] = ()  # the same, one set per company


def ground_truth_posts(site: Path) -> list[Post]:
    """Every post of the built site (from catalog.json) with the text a reader sees in its article."""
    from bs4 import BeautifulSoup

    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    posts = []
    for item in catalog["posts"]:
        html = (site / unquote(item["path"])).read_text(encoding="utf-8")
        article = BeautifulSoup(html, "html.parser").select_one("article.bd-article") or BeautifulSoup(
            "", "html.parser"
        )
        for chrome in article.select(".post-meta, #related-posts, .headerlink"):
            chrome.decompose()
        companies = tuple(frozenset(key(n) for n in (c["name"], *c["aliases"])) for c in item["companies"])
        posts.append(Post(item["path"], key(article.get_text("")), frozenset().union(*companies), companies))
    return posts


def truth(posts: list[Post], query: str) -> set[str]:
    """The posts whose title or body contains every term of the query."""
    terms = key(query).split()
    return {post.url for post in posts if all(term in post.text for term in terms)}


def named(posts: list[Post], query: str) -> set[str]:
    """The posts that name the company whose name or registry alias the query is (エヌビディア → NVIDIA)."""
    return {post.url for post in posts if key(query) in post.names}


def spelled(posts: list[Post], query: str) -> set[str]:
    """The posts that hold any spelling of the company whose name or alias the query is (the search expands it)."""
    spellings = next((c for post in posts for c in post.companies if key(query) in c), frozenset())
    return {post.url for post in posts if any(s in post.text for s in spellings)}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Outcome:
    query: str
    found: list[str]
    bytes_first: int  # search assets fetched until the first results were shown
    bytes_all: int  # … and after "more" until every result was shown
    ms: float  # navigation start → first results
    search_ms: float  # first index request → first results
    foreign: list[str] = field(default_factory=list)  # requests to other hosts (blocked)
    console_errors: list[str] = field(default_factory=list)


def search_in_browser(browser: object, base: str, query: str, search_path: str = "search.html") -> Outcome:
    """One query in a fresh context (cold cache): all results, bytes of search assets fetched, time."""
    host = urlsplit(base).netloc
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    foreign: list[str] = []
    errors: list[str] = []
    fetched: list[int] = [0]

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).netloc != host:
            foreign.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    def finished(request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if "/_static/search/" in url or "postarchive-search." in url:
            fetched[0] += request.sizes()["responseBodySize"]  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.on("requestfinished", finished)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}{search_path}?q={quote(query)}")
    page.wait_for_selector("#pa-search[data-state]", state="attached", timeout=30_000)
    ms = float(page.get_attribute("#pa-search", "data-ms") or "nan")
    search_ms = float(page.get_attribute("#pa-search", "data-search-ms") or "nan")
    page.wait_for_load_state("networkidle")
    bytes_first = fetched[0]
    more = page.locator("#pa-search-more")
    while more.is_visible():
        count = page.locator("#search-results > li").count()
        more.click()  # disabled until the page is added (which may hold nothing when no candidate was real)
        page.wait_for_function(
            f"document.querySelectorAll('#search-results > li').length > {count} || "
            "!document.getElementById('pa-search-more').disabled"
        )
    page.wait_for_load_state("networkidle")
    found = page.eval_on_selector_all("#search-results > li", "els => els.map(e => e.dataset.url)")
    context.close()
    return Outcome(query, found, bytes_first, fetched[0], ms, search_ms, foreign, errors)


def evaluate(site: Path, queries: list[str], browser: object | None = None) -> dict[str, object]:
    """Search ``site`` for each query in Chromium; ``browser``: an open Playwright browser to reuse.

    Playwright's sync API runs one event loop per thread, so a caller that already holds a browser
    (a pytest fixture) must pass it in rather than have a second ``sync_playwright()`` started here.
    """
    if browser is not None:
        return _evaluate_with(site, queries, browser)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        own = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            return _evaluate_with(site, queries, own)
        finally:
            own.close()


def _evaluate_with(site: Path, queries: list[str], browser: object) -> dict[str, object]:
    posts = ground_truth_posts(site)
    rows = []
    with serve(site) as base:
        for query in queries:
            outcome = search_in_browser(browser, base, query)
            strict = truth(posts, query)
            expected = strict | named(posts, query) | spelled(posts, query)
            found = set(outcome.found)
            rows.append(
                {
                    "query": query,
                    "expected": len(expected),
                    "found": len(found),
                    "hit": len(found & expected),
                    "strict_expected": len(strict),
                    "strict_hit": len(found & strict),
                    "missed": sorted(expected - found)[:5],
                    "extra": sorted(found - expected)[:5],
                    "bytes_first": outcome.bytes_first,
                    "bytes_all": outcome.bytes_all,
                    "ms": outcome.ms,
                    "search_ms": outcome.search_ms,
                    "foreign": outcome.foreign,
                    "console_errors": outcome.console_errors,
                }
            )
    expected_total = sum(int(r["expected"]) for r in rows)
    found_total = sum(int(r["found"]) for r in rows)
    hit_total = sum(int(r["hit"]) for r in rows)
    firsts = sorted(int(r["bytes_first"]) for r in rows)
    alls = sorted(int(r["bytes_all"]) for r in rows)
    times = sorted(float(r["ms"]) for r in rows)
    search_times = sorted(float(r["search_ms"]) for r in rows)
    strict_expected = sum(int(r["strict_expected"]) for r in rows)
    strict_hit = sum(int(r["strict_hit"]) for r in rows)

    def p95(values: list[int] | list[float]) -> float:
        return float(values[min(len(values) - 1, round(0.95 * (len(values) - 1)))])

    return {
        "posts": len(posts),
        "queries": len(rows),
        "recall": hit_total / expected_total if expected_total else 1.0,
        "precision": hit_total / found_total if found_total else 1.0,
        "strict_recall": strict_hit / strict_expected if strict_expected else 1.0,
        "strict_precision": strict_hit / found_total if found_total else 1.0,
        "bytes_first_median": statistics.median(firsts),
        "bytes_first_p95": p95(firsts),
        "bytes_all_median": statistics.median(alls),
        "bytes_all_p95": p95(alls),
        "ms_median": statistics.median(times),
        "ms_p95": p95(times),
        "search_ms_median": statistics.median(search_times),
        "search_ms_p95": p95(search_times),
        "rows": rows,
    }


def build(posts: Path, work: Path) -> Path:
    """Build the archive of ``posts`` into ``work`` (a copy of docs/ without generated pages)."""
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import copy_docs

    srcdir = work / "docs"
    if not srcdir.is_dir():
        copy_docs(srcdir)
    out = work / "html"
    env = {"POSTARCHIVE_POSTS_DIR": str(posts.resolve())}
    import os

    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-j", "2", "-q", str(srcdir), str(out)],
        check=True,
        env={**os.environ, **env},
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--site", type=Path, help="a built archive (html builder output)")
    source.add_argument("--posts", type=Path, help="a folder of Jekyll posts to build first (into --work)")
    parser.add_argument("--work", type=Path, default=REPO / "bench" / "work" / "search")
    parser.add_argument("--query", action="append", help="a query (repeatable; default: the built-in 37)")
    parser.add_argument("--json", type=Path, help="also write every figure and row to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per query")
    args = parser.parse_args()
    site = args.site if args.site else build(args.posts, args.work)
    report = evaluate(site, args.query or QUERIES)
    if args.verbose:
        for row in report["rows"]:  # type: ignore[attr-defined]
            print(
                f"{row['query']:<16} expected {row['expected']:>4} found {row['found']:>4} hit {row['hit']:>4} "
                f"{row['bytes_first'] / 1e3:>7.1f} kB {row['bytes_all'] / 1e3:>7.1f} kB {row['ms']:>6.0f} ms"
                + (f" missed {row['missed']}" if row["missed"] else "")
                + (f" extra {row['extra']}" if row["extra"] else "")
            )
    print(
        f"posts {report['posts']}  queries {report['queries']}  recall {report['recall']:.3f}  "
        f"precision {report['precision']:.3f}  (contains the query or another spelling of its company, or names it)\n"
        f"strict (contains the query only): recall {report['strict_recall']:.3f}  "
        f"precision {report['strict_precision']:.3f}\n"
        f"bytes fetched (first results): median {report['bytes_first_median'] / 1e3:.0f} kB, "
        f"p95 {report['bytes_first_p95'] / 1e3:.0f} kB; with every page: median "
        f"{report['bytes_all_median'] / 1e3:.0f} kB, p95 {report['bytes_all_p95'] / 1e3:.0f} kB\n"
        f"time to results: median {report['ms_median']:.0f} ms, p95 {report['ms_p95']:.0f} ms from navigation start; "
        f"search itself (index requests → results shown) median {report['search_ms_median']:.0f} ms, "
        f"p95 {report['search_ms_p95']:.0f} ms"
    )
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
