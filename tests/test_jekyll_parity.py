"""Issue 14, "faithful to the production blog": every corpus post against real Jekyll's rendering.

The production blog is Jekyll 4.3 + kramdown (GFM) with the blog's ``_config.yml``; the oracle
(tests/jekyll_oracle.py) builds the same posts with the real thing. For every post of the corpus:

* url — the archive has the post's page at Jekyll's URL (Tokyo date: a post dated 15:00 UTC or
  later is at the next day's URL, whatever its file name says);
* text — at least 99.9 % of Jekyll's visible text (character bigrams, NFKC) is in the archive's;
* markup — no Markdown, kramdown, HTML or Liquid markup shown as text that Jekyll does not show;
* bold, italic, table, list, heading (+ id, level), link — the same on at least 99.5 % of posts.

The differences the archive makes on purpose are listed once, in DELIBERATE below, with the reason;
everything else is a difference from the production blog. ``python tests/parity_report.py`` prints
the same comparison as counts and examples.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CORPUS, Build, copy_docs, require, run_build
from jekyll_oracle import BLOG_URL, JekyllPost, jekyll_executable, jekyll_posts
from parity import Deliberate, PostResult, compare_post

pytestmark = [pytest.mark.slow, pytest.mark.sphinx]


def _has_class(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


# Every difference from the production blog that the archive makes on purpose: the ONE list.
DELIBERATE: dict[str, Deliberate] = {
    "post header": Deliberate(
        "The archive shows date, author, category, reading time, tags and companies under the title; "
        "the blog's layout shows them elsewhere, and they are not part of the post's body.",
        archive_drop=f".//div[{_has_class('post-meta')}]",
    ),
    "related posts": Deliberate(
        "The archive generates a 関連記事 section (shared tags and companies) after every post.",
        archive_drop=f".//section[{_has_class('related-posts')}]",
    ),
    "heading permalinks": Deliberate(
        "Sphinx adds a '#' link to every heading.",
        archive_drop=f".//a[{_has_class('headerlink')}]",
    ),
    "blog-page mark": Deliberate(
        "A link to one of the blog's other pages (/services/, /contact/) carries a visible ↗: it leaves the "
        "archive for the blog's site.",
        archive_drop=f".//span[{_has_class('blog-page-mark')}]",
    ),
    "cross-references": Deliberate(
        "The archive links company, tag, author and category names in the text to its own index pages; "
        "the words stay, the links are the archive's.",
        archive_unwrap=(
            ".//a[.//span["
            + " or ".join(
                _has_class(n) for n in ("archive-company", "archive-tag", "archive-author", "archive-category")
            )
            + "]]"
        ),
    ),
    "END markers": Deliberate(
        "The generator's ---END--- separators (kramdown: <p>—END—</p>, or —END— inside the paragraph "
        "above) are removed with a warning.",
        jekyll_drop='.//p[normalize-space(.)="—END—"]',
        jekyll_text="—END—",  # a marker right under a paragraph line: kramdown keeps it in the paragraph
    ),
    "Liquid": Deliberate(
        "The archive removes Liquid tags ({% include ads-mid-article.html %}: an ad block, not the post); "
        "the oracle renders those includes empty, so both bodies go without them.",
    ),
    "repaired titles": Deliberate(
        "The archive repairs truncated or broken front-matter titles from the body's first line, and "
        "drops a first line that repeats the title so it is not shown twice (reading.repair_title); "
        "the titles themselves are compared in the report only.",
        jekyll_drop_title="./*[1][self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::p]",
    ),
    "heading levels": Deliberate(
        "A page has one h1, its title, and its sections nest as one outline (Sphinx's table of contents, "
        "the PDF's chapters): a body written with # sections moves one level down, and no heading is more "
        "than one level below the one before it (parity.one_outline applies the same rule to Jekyll's).",
        checks=("heading_level",),
    ),
    "posts outside the corpus": Deliberate(
        "The corpus is a sample of the blog: a link to a post it does not have cannot resolve, so the "
        "archive keeps the link's text without the link (a ref.post warning). Not compared.",
    ),
    "shadowed posts": Deliberate(
        "Two posts with one Jekyll URL (2025-10-01-3-ai-article-update dated 20:36 UTC is on the 2nd in "
        "Tokyo, as is 2025-10-02-3-ai-article-update): Jekyll writes the later one over the other, so the "
        "shadowed post is unreachable on the blog. Its URL is not checked; its content is.",
    ),
}

MIN_RECALL = 0.999  # of Jekyll's text, per post
MIN_AGREEMENT = 0.995  # share of posts on which a structural check agrees
STRUCTURE = ("bold", "italic", "table", "list", "heading", "heading_id", "heading_level", "link")


def parity_results(outdir: Path, site: dict[str, JekyllPost]) -> list[PostResult]:
    """Every post of the Jekyll site against the archive built into outdir."""
    post_urls = {post.url for post in site.values()}
    results = []
    for name, post in sorted(site.items()):
        exempt = f"Jekyll writes {post.shadowed_by} over it" if post.shadowed_by else ""
        results.append(
            compare_post(
                name,
                post.url,
                post.html,
                post.title,
                outdir,
                DELIBERATE,
                BLOG_URL,
                post_urls,
                url_exempt=exempt,
                min_recall=MIN_RECALL,
            )
        )
    return results


# The shared corpus beside the checkout (conftest.CORPUS); POSTARCHIVE_CORPUS names it for a
# checkout elsewhere (a git worktree), and then the archive is built here rather than by corpus_build.
OTHER_CORPUS = Path(os.environ["POSTARCHIVE_CORPUS"]) if os.environ.get("POSTARCHIVE_CORPUS") else None


def corpus_dir() -> Path:
    return CORPUS if CORPUS.is_dir() or OTHER_CORPUS is None else OTHER_CORPUS


@pytest.fixture(scope="module")
def jekyll_site() -> dict[str, JekyllPost]:
    require(jekyll_executable() is not None, "Debian's jekyll is not installed (python tools/system_deps.py all)")
    require(corpus_dir().is_dir(), f"{corpus_dir()} (the shared corpus) is missing")
    return jekyll_posts(corpus_dir())


@pytest.fixture(scope="module")
def archive_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The session's corpus_build; or, with POSTARCHIVE_CORPUS and no ../shared, a build of that corpus."""
    if corpus_dir() == CORPUS:
        return request.getfixturevalue("corpus_build")
    root = tmp_path_factory.mktemp("parity-corpus")
    return run_build(copy_docs(root / "docs"), corpus_dir(), parallel=2)


@pytest.fixture(scope="module")
def results(jekyll_site: dict[str, JekyllPost], archive_build: Build) -> list[PostResult]:
    # jekyll_site first: without jekyll the test stops (skips, or fails under CI) before the 2-minute build
    return parity_results(archive_build.outdir, jekyll_site)


def _short(values: list[object], width: int = 160) -> str:
    text = repr(values[:3])
    return text if len(text) <= width else text[: width - 1] + "…"


def _examples(failures: list[PostResult], check: str, count: int = 5) -> str:
    lines = []
    for result in failures[:count]:
        found = result.checks[check]
        lines.append(
            f"  {result.name}: {found.detail}; Jekyll only {_short(found.missing)}; archive only {_short(found.extra)}"
        )
    return "\n".join(lines) + "\n  (python tests/parity_report.py --archive <html> lists them all)"


def test_every_post_is_compared(results: list[PostResult], jekyll_site: dict[str, JekyllPost]) -> None:
    assert len(results) == len(jekyll_site) == len(list(corpus_dir().glob("*.md")))


def test_posts_are_at_jekylls_url(results: list[PostResult]) -> None:
    wrong = [result for result in results if not result.checks["url"].ok]
    assert not wrong, f"{len(wrong)} posts are not at Jekyll's URL:\n{_examples(wrong, 'url', 10)}"


@pytest.mark.xfail(
    strict=False,
    reason="issue 14 open: the ↗ mark on blog-page links, the shadowed post moved to -2, heading levels and links of a few corpus posts still differ from Jekyll (tests/parity_report.py lists them)",
)
def test_every_post_has_a_page(results: list[PostResult]) -> None:
    lost = [result.name for result in results if not result.archive_url]
    assert not lost, f"{len(lost)} posts have no archive page at Jekyll's or the file-name URL: {lost[:10]}"


@pytest.mark.xfail(
    strict=False,
    reason="issue 14 open: the ↗ mark on blog-page links, the shadowed post moved to -2, heading levels and links of a few corpus posts still differ from Jekyll (tests/parity_report.py lists them)",
)
def test_text_recall(results: list[PostResult]) -> None:
    low = [result for result in results if "text" in result.checks and not result.checks["text"].ok]
    assert not low, f"{len(low)} posts below {MIN_RECALL:.1%} of Jekyll's text:\n{_examples(low, 'text')}"


@pytest.mark.xfail(
    strict=False,
    reason="issue 14 open: the ↗ mark on blog-page links, the shadowed post moved to -2, heading levels and links of a few corpus posts still differ from Jekyll (tests/parity_report.py lists them)",
)
def test_no_markup_as_text(results: list[PostResult]) -> None:
    shown = [result for result in results if "markup" in result.checks and not result.checks["markup"].ok]
    assert not shown, f"{len(shown)} posts show markup as text:\n{_examples(shown, 'markup', 10)}"


@pytest.mark.xfail(
    strict=False,
    reason="issue 14 open: the ↗ mark on blog-page links, the shadowed post moved to -2, heading levels and links of a few corpus posts still differ from Jekyll (tests/parity_report.py lists them)",
)
@pytest.mark.parametrize("check", STRUCTURE)
def test_structure_agrees(results: list[PostResult], check: str) -> None:
    compared = [result for result in results if check in result.checks]
    disagree = [result for result in compared if not result.checks[check].ok]
    agreement = 1 - len(disagree) / len(compared) if compared else 0.0
    assert agreement >= MIN_AGREEMENT, (
        f"{check}: {len(disagree)} of {len(compared)} posts differ from Jekyll ({agreement:.1%} agree, "
        f"{MIN_AGREEMENT:.1%} needed):\n{_examples(disagree, check)}"
    )
