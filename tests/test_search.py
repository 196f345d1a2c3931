"""The archive's Japanese search: normaliser and bigram index (pure), and the search page in Chromium."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import REPO, Build
from hypothesis import given, settings
from hypothesis import strategies as st
from postarchive.builders.html.search import (
    build_postings,
    encode_postings,
    grams,
    match_term,
    normalize,
    phrase_positions,
    query_terms,
    search_key,
    shard_of,
    shard_postings,
    shard_texts,
)

sys.path.insert(0, str(REPO / "bench"))
import search_eval

# --- pure core ---------------------------------------------------------------------------------


def test_normalize_and_key() -> None:
    assert normalize("ＧＢ２００\u3000と\n\n ｶﾀｶﾅ") == "GB200 と カタカナ"
    assert search_key("NVIDIA の ＨＧＸ") == "nvidia の hgx"
    assert len(search_key("İstanbul ＡＩ")) == len(normalize("İstanbul ＡＩ"))  # one character for one
    assert query_terms("  さくらインターネット　GB200 ") == ["さくらインターネット", "gb200"]
    assert query_terms(" \u3000 ") == []


def test_grams() -> None:
    assert grams("経済安全保障") == ["経済", "済安", "安全", "全保", "保障"]
    assert grams("gb200") == ["gb", "b2", "20", "00"]
    assert grams("国") == ["国"]
    assert grams("") == []


def test_shard_hash_matches_the_javascript() -> None:
    # FNV-1a 32 over code points (the published test vectors for ASCII); the seed queries below check the JS agrees
    assert shard_of("a", 2**32) == 0xE40C292C
    assert shard_of("foobar", 2**32) == 0xBF9CF968
    assert all(0 <= shard_of(g, 16) < 16 for g in ["経済", "gb", "🙂x", "a"])


def test_index_finds_exact_phrases_only() -> None:
    keys = [
        search_key(t) for t in ["さくら の インターネット", "さくらインターネットとGB200", "経済安全保障と安全保障"]
    ]
    index = shard_postings(build_postings(keys), shard_bytes=50)
    assert match_term(index, "さくらインターネット") == {1}  # the bigrams of doc 0 are there, the phrase is not
    assert match_term(index, "gb200") == {1}
    assert match_term(index, "安全保障") == {2}
    assert match_term(index, "ら") == {0, 1}
    assert match_term(index, "ラ") == set()


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="アイウ ab経済", max_size=40), min_size=1, max_size=8),
    term=st.text(alphabet="アイウab経済", min_size=1, max_size=4),
)
def test_index_agrees_with_substring_search(texts: list[str], term: str) -> None:
    keys = [search_key(text) for text in texts]
    index = shard_postings(build_postings(keys), shard_bytes=30)
    expected = {doc for doc, key in enumerate(keys) if phrase_positions(key, term)}
    assert match_term(index, term) == expected


def reference_postings(keys: list[str]) -> dict[str, list[int]]:
    """The encoding spelled out one character at a time: the oracle for the vectorised build_postings."""
    postings: dict[str, list[int]] = {}
    last_doc: dict[str, int] = {}
    for doc, key in enumerate(keys):
        positions: dict[str, list[int]] = {}
        for i in range(len(key) - 1):
            gram = key[i : i + 2]
            if " " in gram:
                continue
            found = positions.get(gram)
            if found is None:
                positions[gram] = [i]
            else:
                found.append(i)
        for gram, found in positions.items():
            encoded = postings.setdefault(gram, [])
            encoded.append(doc - last_doc.get(gram, 0))
            encoded.append(len(found))
            previous = 0
            for position in found:
                encoded.append(position - previous)
                previous = position
            last_doc[gram] = doc
        for char in set(key) - {" "}:
            encoded = postings.setdefault(char, [])
            encoded.append(doc - last_doc.get(char, 0))
            last_doc[char] = doc
    return postings


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(alphabet="アイ ab経\U0001f600", max_size=30), max_size=6))
def test_vectorised_postings_equal_the_reference(texts: list[str]) -> None:
    keys = [search_key(text) for text in texts]
    assert build_postings(keys) == reference_postings(keys)


def test_vectorised_postings_equal_the_reference_on_the_seeds() -> None:
    keys = [search_key(path.read_text(encoding="utf-8")) for path in sorted((REPO / "posts").glob("*.md"))]
    assert build_postings(keys) == reference_postings(keys)


# --- built site --------------------------------------------------------------------------------


def test_stock_search_is_off_and_the_search_box_leads_to_our_page(seeds_build: Build) -> None:
    out = seeds_build.outdir
    assert not (out / "searchindex.js").exists()
    index_html = seeds_build.html("index")
    assert "searchindex.js" not in index_html and "searchtools.js" not in index_html
    assert 'action="search.html"' in index_html  # the theme's search box
    search_html = seeds_build.html("search")
    assert 'id="pa-search"' in search_html and "postarchive-search.js" in search_html
    meta = json.loads((out / "_static/search/meta.json").read_text(encoding="utf-8"))
    assert meta["docs"] == 5
    # only post content: the post header (dates, tags) and related posts are not in the indexed text
    texts = "".join(p.read_text(encoding="utf-8") for p in (out / "_static/search").glob("*/t/*-0.txt"))
    assert "関連記事" not in texts and "読了目安" not in texts


@pytest.mark.browser
def test_seed_queries_in_chromium(seeds_build: Build, browser: object) -> None:
    posts = search_eval.ground_truth_posts(seeds_build.outdir)
    catalog = json.loads((seeds_build.outdir / "catalog.json").read_text(encoding="utf-8"))
    nvidia = {p["path"] for p in catalog["posts"] if any(c["name"] == "NVIDIA" for c in p["companies"])}
    with search_eval.serve(seeds_build.outdir) as base:
        for query in ["さくらインターネット", "GB200", "経済安全保障", "エヌビディア", "ＧＢ２００", "gpu クラウド"]:
            outcome = search_eval.search_in_browser(browser, base, query)
            expected = search_eval.truth(posts, query)
            if query == "エヌビディア":  # an alias of NVIDIA: the posts that name NVIDIA
                expected = nvidia
            assert expected, query
            assert sorted(outcome.found) == sorted(expected), query
            assert outcome.foreign == [], "every search asset comes from the site itself"
            assert outcome.console_errors == []


@pytest.mark.browser
def test_results_page_shows_title_date_excerpt_and_facets_filter(seeds_build: Build, browser: object) -> None:
    catalog = json.loads((seeds_build.outdir / "catalog.json").read_text(encoding="utf-8"))
    companies = {p["path"]: {c["name"] for c in p["companies"]} for p in catalog["posts"]}
    with search_eval.serve(seeds_build.outdir) as base:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{base}search.html?q=GPU")
        page.wait_for_selector("#pa-search[data-state=done]", state="attached")
        first = page.locator("#search-results > li").first
        assert first.locator("a.pa-search-title").get_attribute("href").endswith("/index.html")
        assert "年" in first.locator(".pa-search-date").inner_text()
        assert first.locator(".pa-search-excerpt mark").first.inner_text().lower() == "gpu"
        before = page.locator("#search-results > li").count()
        button = page.locator('.pa-search-facet[data-facet=company] button[data-value="KDDI"]')
        button.click()
        page.wait_for_function(f"document.getElementById('pa-search').dataset.count !== '{before}'")
        urls = page.eval_on_selector_all("#search-results > li", "els => els.map(e => e.dataset.url)")
        assert 0 < len(urls) < before
        assert all("KDDI" in companies[url] for url in urls)
        assert "company=KDDI" in page.url  # the filter is in the address, so it can be shared
        page.close()


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.text(alphabet='アイ ab経"\\\U0001f600', max_size=30), max_size=6),
    shard_bytes=st.sampled_from([10, 100, 48_000]),
)
def test_streamed_shards_equal_json_of_the_sharded_dict(texts: list[str], shard_bytes: int) -> None:
    keys = [search_key(text) for text in texts]
    index = shard_postings(build_postings(keys), shard_bytes=shard_bytes)
    shards, streamed = shard_texts(encode_postings(keys), shard_bytes=shard_bytes)
    assert shards == index.shards
    expected = [json.dumps(shard, ensure_ascii=False, separators=(",", ":")) for shard in index.postings]
    assert [text for _, text in streamed] == expected
