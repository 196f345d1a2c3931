"""The archive's Japanese search: normaliser and bigram index (pure), and the search page in Chromium."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import REPO, Build, search_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from postarchive.builders.html.search import (
    SEGMENTS,
    Posting,
    candidates,
    encode_postings,
    grams,
    index_size,
    normalize,
    phrase_positions,
    query_terms,
    read_shard,
    search_key,
    segment_of,
    shard_files,
    shard_of,
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
    assert grams("nvidia h200") == ["nv", "vi", "id", "di", "ia", "a h", "h2", "20", "00"]  # across one space
    assert grams("国") == ["国"]
    assert grams("") == []


def test_shard_hash_matches_the_javascript() -> None:
    # FNV-1a 32 over code points (the published test vectors for ASCII); the seed queries below check the JS agrees
    assert shard_of("a", 2**32) == 0xE40C292C
    assert shard_of("foobar", 2**32) == 0xBF9CF968
    assert all(0 <= shard_of(g, 16) < 16 for g in ["経済", "gb", "🙂x", "a"])


def sharded(keys: list[str], shard_bytes: int, named: dict[str, list[int]] | None = None) -> list[dict[str, bytes]]:
    """The shards as the browser reads them (written, then parsed back)."""
    postings = encode_postings(keys, [len(key.split(" ")[0]) for key in keys], named)
    _, files = shard_files(postings, shard_bytes)
    return [read_shard(data) for _, data in files]


def test_candidates_hold_the_phrase_or_its_bigrams_nearby() -> None:
    keys = [
        search_key(t) for t in ["さくら の インターネット", "さくらインターネットとGB200", "経済安全保障と安全保障"]
    ]
    shards, lengths = sharded(keys, 50), [len(key) for key in keys]
    assert candidates(shards, "さくらインターネット", lengths) == {1}  # doc 0 holds the words apart: no らイ
    assert candidates(shards, "gb200", lengths) == {1}
    assert candidates(shards, "安全保障", lengths) == {2}
    assert candidates(shards, "ら", lengths) == {0, 1}
    assert candidates(shards, "ラ", lengths) == set()
    assert candidates(shards, "の イ", lengths) == {0}
    # far apart in a long post: 経済 in the first sixth, 済安 only in the last
    far = [search_key("経済" + "あ" * 600 + "済安")]
    assert candidates(sharded(far, 100), "経済安", [len(far[0])]) == set()


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="アイウ ab経済", max_size=60), min_size=1, max_size=8),
    term=st.text(alphabet="アイウab経済", min_size=1, max_size=4),
    shard_bytes=st.sampled_from([10, 100, 16_000]),
)
def test_candidates_never_miss_a_post_that_holds_the_term(texts: list[str], term: str, shard_bytes: int) -> None:
    keys = [search_key(text) for text in texts]
    found = candidates(sharded(keys, shard_bytes), term, [len(key) for key in keys])
    holding = {doc for doc, key in enumerate(keys) if phrase_positions(key, term)}
    assert holding <= found  # recall; the browser checks the text for the rest
    if len(term) <= 2:
        assert found == holding  # one bigram or one character: exact


def reference_postings(keys: list[str], title_lengths: list[int]) -> dict[str, list[Posting]]:
    """The postings spelled out one occurrence at a time: the oracle for the vectorised encode_postings."""
    found: dict[str, dict[int, tuple[int, int]]] = {}
    for doc, (key, title) in enumerate(zip(keys, title_lengths, strict=True)):
        for start in range(len(key)):
            one, two, three = key[start], key[start : start + 2], key[start : start + 3]
            kept = [one] if one != " " else []
            kept += [two] if len(two) == 2 and " " not in two else []
            kept += [three] if len(three) == 3 and three[1] == " " and " " not in three[::2] else []
            for gram in kept:
                tf, mask = found.setdefault(gram, {}).get(doc, (0, 0))
                bit = 1 << (segment_of(start, len(key)) + 1) | int(start + len(gram) - 1 < title)
                found[gram][doc] = (tf + 1, mask | bit)
    return {gram: [Posting(doc, tf, mask) for doc, (tf, mask) in sorted(docs.items())] for gram, docs in found.items()}


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(alphabet="アイ ab経\U0001f600", max_size=40), max_size=6), title=st.integers(0, 10))
def test_vectorised_postings_equal_the_reference(texts: list[str], title: int) -> None:
    keys = [search_key(text) for text in texts]
    titles = [title] * len(keys)
    assert encode_postings(keys, titles).postings() == reference_postings(keys, titles)


def test_vectorised_postings_equal_the_reference_on_the_seeds() -> None:
    keys = [search_key(path.read_text(encoding="utf-8")) for path in sorted((REPO / "posts").glob("*.md"))]
    titles = [20] * len(keys)
    assert encode_postings(keys, titles).postings() == reference_postings(keys, titles)
    assert SEGMENTS <= 6  # a mask (six segments and the title bit) stays one varint byte


def test_company_postings_list_the_posts_that_name_it() -> None:
    shards = sharded([search_key("NVIDIAのGPU"), search_key("別の話"), search_key("GPU")], 16_000, {"NVIDIA": [0, 2]})
    data = shards[shard_of("\x00NVIDIA", len(shards))]["\x00NVIDIA"]
    assert [p.doc for p in encode_postings([], [], {"NVIDIA": [0, 2]}).postings()["\x00NVIDIA"]] == [0, 2]
    assert data


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
    texts = search_texts(out)
    assert "GPU" in texts and "関連記事" not in texts and "読了目安" not in texts
    size = index_size(out)
    assert size.posts == 5 and size.files > 5 and size.raw > 2 * size.stored  # every file stored gzip compressed


@pytest.mark.xfail(
    strict=False,
    reason="issue 15 open: after the merge of the linked-data and search branches a result link resolves to an absolute URL in this test's file mapping",
)
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


CONTRAST = """els => els.map(el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const background = node => {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lum = c => c.map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [a, b] = [lum(rgb(getComputedStyle(el).color).slice(0, 3)), lum(background(el))];
  return [el.textContent, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
})"""


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_facets_sort_and_status_are_readable_in_both_themes(seeds_build: Build, browser: object, theme: str) -> None:
    with search_eval.serve(seeds_build.outdir) as base:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.add_init_script(f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}')")
        page.goto(f"{base}search.html?q=GPU&company=KDDI")
        page.wait_for_selector("#pa-search[data-state=done]", state="attached")
        assert page.get_attribute("html", "data-theme") == theme
        selector = ".pa-search-facet-value, .pa-search-facet-label, .pa-search-status, .pa-search-sort, .pa-search-date"
        ratios = page.eval_on_selector_all(selector, CONTRAST)
        assert page.locator(".pa-search-facet-value.active").count() == 1
        assert len(ratios) > 5 and all(ratio >= 4.5 for _, ratio in ratios), ratios
        # Japanese UI: the page's own strings
        assert page.inner_text("#pa-search-sort") == "関連度順\n新しい順"
        assert "検索結果" in page.inner_text("#pa-search-status")
        page.close()
