"""Posts render as the blog's Jekyll (kramdown, input: GFM) renders them — the real Jekyll is the oracle.

Every snippet is a post, rendered once by the blog's Jekyll (tests/jekyll_oracle.py: one cached
``jekyll build`` of all of them) and once by a real Sphinx build; both pages are read with an HTML parser and compared on what a
reader sees: text, bold/italic, tables, list items, headings and their ids, links.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import Build, copy_docs, require, run_build
from jekyll_oracle import jekyll_executable, jekyll_posts
from postarchive.model.kramdown import HeaderIds, smart_typography

SNIPPETS: dict[str, str] = {
    "typography": (
        "Paragraph \"quoted\" and 'single' it's -- dash --- em ... ellipsis << guillemets >> end.\n\n"
        'and "it\'s" \'tis the \'80s. 5\'10" tall. He said "\'hi\' there". "*em*" and **"bold"**.\n\n'
        '日本語の"引用"と\'単\'です。「括弧」"ABC"。 `code -- "x"` stays.'
    ),
    "ial": (
        "[相談する](https://example.com/contact)\n{: .consulting-cta-link}\n\n"
        "Para with *span*{: .foo} ial and text {: .inline} more.\n\n"
        "{:ref: .consulting-cta-link}\n\nPara.\n{: ref}\n\n{: .unknown}\nNext para."
    ),
    "tables": (
        "a | b\n\n| a | b |\n| c | d |\n\npara line\n| h | i |\n\nx | y\n--|--\n1 | 2 | 3\n\n"
        "| `a|b` | c |\n|:--|--:|\n| 1 | 2 |"
    ),
    "lists": "foo\n5. bar\n6. baz\n\none\n- item\n\nthree\n* a\n* b",
    "setext": "one\ntwo\n---\n\nsingle\n---\n\nalso\n***\n\nlast\n=====",
    "headings": (
        "## RAGとは？仕組みと注目される理由\n\n## RAGとは？仕組みと注目される理由\n\n"
        "## Hello, World! (2025) — “test”\n\n## A_b-c.d  e\n\n## ①②テスト ｱｲｳ Ａｂｃ\n\n"
        '## "Quoted" -- heading *em* `code`\n\n## Dup\n\n## Dup\n\n## Custom {#my-id}\n\n## café Ünïcode\n\n'
        "[目次へ](#ragとは仕組みと注目される理由) [二つ目](#ragとは仕組みと注目される理由-1)"
    ),
    "html": (
        "<h3>Raw heading</h3>\n\nLine<br>break and <strong>bold</strong> <em>it</em> x<sup>2</sup> "
        '<a href="https://example.com/ok">ok</a>.\n\n<div><b>div</b> text</div>'
    ),
    "footnotes": "Footnote here[^1] and again[^note].\n\n[^1]: The first note.\n[^note]: Second **note**.",
}
DATE = "2025-03-{:02d}"


def post_file(folder: Path, number: int, name: str, body: str) -> Path:
    path = folder / f"{DATE.format(number + 1)}-{name}.md"
    path.write_text(
        f'---\nlayout: post\ntitle: "snippet {name}"\ndate: {DATE.format(number + 1)} 10:00:00 +0900\n---\n\n{body}\n'
    )
    return path


@pytest.fixture(scope="module")
def snippet_posts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    posts = tmp_path_factory.mktemp("kramdown-posts")
    for number, (name, body) in enumerate(SNIPPETS.items()):
        post_file(posts, number, name, body)
    return posts


@pytest.fixture(scope="module")
def oracle(snippet_posts: Path) -> dict[str, BeautifulSoup]:
    require(jekyll_executable() is not None, "jekyll (Debian's jekyll, with kramdown-parser-gfm) is not installed")
    site = jekyll_posts(snippet_posts)
    by_name = {file_name.split("-", 3)[3].removesuffix(".md"): post.html for file_name, post in site.items()}
    return {name: BeautifulSoup(by_name[name], "html.parser") for name in SNIPPETS}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, snippet_posts: Path) -> Build:
    return run_build(copy_docs(tmp_path_factory.mktemp("kramdown") / "docs"), snippet_posts)


def post_body(build: Build, number: int, name: str) -> Tag:
    date = DATE.format(number + 1).replace("-", "/")
    page = BeautifulSoup(build.post_html(f"/{date}/{name}/"), "html.parser")
    article = page.find("article")
    assert isinstance(article, Tag)
    for junk in article.select("h1, div.post-meta, a.headerlink, .related-posts, nav"):
        junk.decompose()
    return article


def body(build: Build, name: str) -> Tag:
    return post_body(build, list(SNIPPETS).index(name), name)


def text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def texts(tag: Tag, selector: str) -> list[str]:
    return [text(found) for found in tag.select(selector)]


def paragraphs(tag: Tag) -> list[str]:
    """Paragraph texts outside tables and lists (Sphinx wraps cells and items in ``<p>``)."""
    return [text(p) for p in tag.select("p") if not p.find_parent(["td", "th", "li"])]


def tables(tag: Tag) -> list[list[int]]:
    return [[len(row.select("td, th")) for row in table.select("tr")] for table in tag.select("table")]


def ids(tag: Tag) -> set[str]:
    return {str(found["id"]) for found in tag.select("[id]")}


@pytest.mark.sphinx
@pytest.mark.parametrize("name", [name for name in SNIPPETS if name != "footnotes"])
def test_the_text_is_the_blogs(oracle: dict[str, BeautifulSoup], archive: Build, name: str) -> None:
    assert text(body(archive, name)) == text(oracle[name])


@pytest.mark.sphinx
@pytest.mark.parametrize("name", list(SNIPPETS))
def test_bold_italic_lists_and_tables_are_the_blogs(
    oracle: dict[str, BeautifulSoup], archive: Build, name: str
) -> None:
    ours, theirs = body(archive, name), oracle[name]
    assert sorted(texts(ours, "strong, b")) == sorted(texts(theirs, "strong, b"))
    assert sorted(texts(ours, "em, i")) == sorted(texts(theirs, "em, i"))
    assert texts(ours, "li") == texts(theirs, "li") or name == "footnotes"
    assert tables(ours) == tables(theirs)
    assert paragraphs(ours) == paragraphs(theirs) or name in ("footnotes", "html", "ial")


@pytest.mark.sphinx
def test_headings_have_the_blogs_ids(oracle: dict[str, BeautifulSoup], archive: Build) -> None:
    ours, theirs = body(archive, "headings"), oracle["headings"]
    assert texts(ours, "h2, h3") == texts(theirs, "h2")
    wanted = {str(h["id"]) for h in theirs.select("h2[id]")}
    assert "ragとは仕組みと注目される理由-1" in wanted
    assert wanted <= ids(ours)
    # the in-page links reach the headings (Sphinx resolves them to the sections)
    for link in ours.select('a[href^="#"]'):
        assert str(link["href"])[1:] in ids(ours)


@pytest.mark.sphinx
def test_attribute_lists_are_consumed_and_safe_classes_applied(
    oracle: dict[str, BeautifulSoup], archive: Build
) -> None:
    ours = body(archive, "ial")
    assert "{:" not in text(ours).replace("{: .inline}", "")
    assert "{: .inline}" in text(ours) and "{: .inline}" in text(oracle["ial"])  # not after an element: text
    assert len(ours.select("p.consulting-cta-link")) == len(oracle["ial"].select("p.consulting-cta-link")) == 2
    assert not ours.select(".unknown, .foo")


@pytest.mark.sphinx
def test_raw_html_from_the_allow_list(oracle: dict[str, BeautifulSoup], archive: Build) -> None:
    ours = body(archive, "html")
    assert texts(ours, "h2, h3") == ["Raw heading"]
    assert texts(ours, "sup") == ["2"]
    assert [a["href"] for a in ours.select('a[href^="http"]')] == ["https://example.com/ok"]
    assert "<" not in text(ours)


@pytest.mark.sphinx
def test_footnotes_are_rendered(oracle: dict[str, BeautifulSoup], archive: Build) -> None:
    ours = body(archive, "footnotes")
    notes = ours.select('[role="doc-footnote"]')
    assert [" ".join(n.select_one("p").get_text().split()) for n in notes] == [
        p.get_text().replace("\u21a9", "").strip() for p in oracle["footnotes"].select(".footnotes li p")
    ]
    references = ours.select("a.footnote-reference")
    assert len(references) == 2
    assert all(str(ref["href"])[1:] in ids(ours) for ref in references)
    assert "[^" not in text(ours)
    assert "No render method" not in archive.warnings


def test_typography_function_matches_known_jekyll_output() -> None:
    assert smart_typography("<< a >> b... c -- d --- e") == "«\u00a0a\u00a0» b… c – d — e"
    assert smart_typography('の"引用"と') == "の”引用”と"


def test_header_ids_count_duplicates_and_drop_punctuation() -> None:
    ids_ = HeaderIds()
    assert [ids_.next_id(t) for t in ("RAGとは？", "RAGとは？", "!!!", "!!!", "①テスト")] == [
        "ragとは",
        "ragとは-1",
        "",
        "-1",
        "テスト",
    ]


HOSTILE = {
    "ial-onclick": 'Para.\n{: onclick="alert(1)" style="color:red" .consulting-cta-link}',
    "ial-id-clash": "## 関連記事 {#related-posts}\n\nPara.\n{:#main-content}",
    "html-js-link": '<a href="javascript:alert(1)">click</a> <a href="data:text/html,x">data</a>',
    "html-img": '<img src=x onerror=alert(1)> <img src="x" onerror="alert(1)">',
    "html-h3-onclick": '<h3 onclick="alert(1)">見出し</h3>\n\n<iframe src="https://evil.example"></iframe>',
    "html-script": "<script>alert(1)</script>\n\ntext <script>alert(2)</script> <object data=x></object>",
}


@pytest.mark.sphinx
def test_hostile_attribute_lists_and_html_never_reach_a_page(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for number, (name, snippet) in enumerate(HOSTILE.items()):
        post_file(posts, number, name, snippet)
    build = run_build(copy_docs(tmp_path / "docs"), posts)
    for number, name in enumerate(HOSTILE):
        html = build.post_html(f"/{DATE.format(number + 1).replace('-', '/')}/{name}/")
        page = BeautifulSoup(html, "html.parser")
        article = page.find("article")
        assert isinstance(article, Tag)
        assert not article.select("script, iframe, object, embed, img[onerror]"), name
        for element in article.find_all(True):
            for attribute, value in element.attrs.items():
                assert not attribute.lower().startswith("on"), (name, element)
                assert attribute != "style", (name, element)
                if attribute in ("href", "src"):
                    assert not re.match(r"\s*(javascript|data):", str(value), re.IGNORECASE), (name, element)
        assert len(page.select("#related-posts, #main-content")) <= 1, name
    for name, subtype in [("ial-onclick", "attribute-list")] + [
        (name, "html") for name in ("html-js-link", "html-img", "html-h3-onclick", "html-script")
    ]:
        lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in build.warnings.splitlines() if name in line]
        assert len(lines) == 1 and lines[0].endswith(f"[postarchive.{subtype}]"), (name, lines)
