"""Property-based: reading and converting any post never crashes and never emits executable markup.

Bounded (a few dozen examples each, no shrinking deadline) so the file runs in seconds. The
generated MyST is checked with MyST's own markdown-it parser, configured as ``docs/conf.py``
configures it, and post bodies with the restricted post parser: markup can only come from the
extension, never from a title, a name or a body.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.mdit import create_md_parser
from postarchive.domain.parser import SAFE_SCHEMES, create_post_parser
from postarchive.domain.rawhtml import ALLOWED_TAGS
from postarchive.model.schema import PostPageData
from postarchive.pages.render import entry_page, post_card, post_line, post_page
from postarchive.posts.post import Post
from postarchive.posts.reading import CONTROL_RE, clean_line, read_post

JST = dt.timezone(dt.timedelta(hours=9))  # the blog's display timezone

BOUNDED = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
# text that is likely to contain markup: MyST/HTML/Markdown punctuation, Japanese, controls
MARKUP = st.sampled_from(
    ["<script>", "</a>", "<img src=x onerror=alert(1)>", "{raw}`x`", "```{include} /etc/passwd", ":::{raw} html",
     "[x](javascript:alert(1))", "**", "_", "`", "$", "\\", "\n", "\r", "\x00", "\x1b", "\u202e", "---", "#", "|",
     "(t)=", "%", "{{ x }}", "{% y %}", "&amp;", "&#x3C;", "'", '"', "タイトル", "ＡＩ", "\ufffd"]
)  # fmt: skip
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=8)), max_size=8).map("".join)
YAML_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT, st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=10,
)
KEYS = st.sampled_from(["title", "date", "tags", "categories", "tag", "category", "author", "description",
                        "excerpt", "image", "permalink", "reading_time", "layout"])  # fmt: skip
FRONT = st.dictionaries(KEYS, YAML_VALUE, max_size=8)
MYST = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), DocutilsRenderer)
OUR_DIRECTIVES = {
    "{archive:entry}",
    "{grid-item-card}",
    "{toctree}",
    "{grid}",
    "{container}",
    "{only}",
    "{archive-chart}",
}


def tokens(md: object, text: str) -> list[Token]:
    return list(SyntaxTreeNode(md.parse(text)).walk())  # type: ignore[attr-defined]


def executable(nodes: list, fences_are_code: bool = False, generated: bool = False) -> list[str]:  # type: ignore[type-arg]
    """What in parsed Markdown could become markup that runs or includes: HTML, roles, directives, bad links.

    The post parser renders every fence as code (``PostRenderer.render_fence``), so there a
    ```` ```{include} ```` fence is text; in MyST's own parser it would be a directive.
    ``generated``: a page the extension writes, whose links to its own pages are ``project:/docname`` links.
    """
    safe = (*SAFE_SCHEMES, "project:/") if generated else SAFE_SCHEMES
    found = []
    for node in nodes:
        if node.type == "html_block" and "clean" in node.meta:
            # the post parser's allow-listed HTML, cleaned by nh3 and rendered as nodes: nothing that runs
            cleaned = str(node.meta["clean"]).lower()
            for tag, attributes in re.findall(r"<\s*/?\s*([a-z0-9]+)([^>]*)>", cleaned):
                safe_link = re.fullmatch(r'(\s+href="(https?:|mailto:)[^"]*")?\s*/?', attributes)
                if tag not in ALLOWED_TAGS or not safe_link or (attributes.strip() and tag != "a"):
                    found.append(f"html_block <{tag}{attributes}>")
        elif node.type in ("html_block", "html_inline", "myst_role", "math_inline", "math_block", "myst_target"):
            found.append(node.type)
        info = node.info.strip() if node.type in ("fence", "colon_fence") and not fences_are_code else ""
        if info.startswith("{") and info.split(" ")[0] not in OUR_DIRECTIVES:
            found.append(f"{node.type} {node.info}")
        if node.type in ("link", "image"):
            href = str(node.attrs.get("href", node.attrs.get("src", "")))
            scheme = re.match(r"\s*([a-z][a-z0-9+.-]*):", href, re.IGNORECASE)
            if scheme and not href.lower().startswith(safe):
                found.append(f"{node.type} {href}")
    return found


def a_post(title: str, tags: list[str], author: str, summary: str) -> Post:
    return Post(
        source=Path("2025-01-01-x.md"),
        slug="x",
        title=title,
        date=dt.datetime(2025, 1, 1, tzinfo=JST),
        body="本文",
        body_line=5,
        tags=tuple(tags),
        categories=tuple(tags[:1]),
        author=author,
        description=summary,
    )


@BOUNDED
@given(front=FRONT, body=TEXT)
def test_any_front_matter_is_read_without_crashing(tmp_path_factory, front: dict, body: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    path = tmp_path_factory.mktemp("p") / "2025-01-01-x.md"
    path.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body, encoding="utf-8")
    result = read_post(path, tz=JST)
    for problem in result.problems:
        assert problem.path == path and problem.message
    if result.post is not None:
        post = result.post
        for text in (post.title, post.author, *post.tags, *post.categories):
            assert "\n" not in text and not CONTROL_RE.search(text)
        assert re.fullmatch(r"[\w.~/-]+", post.docname), post.docname
        assert ".." not in post.docname.split("/")


@BOUNDED
@given(data=st.binary(max_size=300))
def test_any_bytes_are_read_without_crashing(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("b") / "2025-01-01-x.md"
    path.write_bytes(b"---\ntitle: t\n---\n" + data)
    result = read_post(path, tz=JST)
    assert result.post is not None or any(problem.fatal for problem in result.problems)


@BOUNDED
@given(title=TEXT, tags=st.lists(TEXT.filter(str.strip), max_size=3), author=TEXT, summary=TEXT)
def test_names_never_become_markup_in_generated_myst(title: str, tags: list[str], author: str, summary: str) -> None:
    post = a_post(clean_line(title), [clean_line(tag) for tag in tags], clean_line(author), summary)
    tz = dt.timezone(dt.timedelta(hours=9))
    pages = [
        post_line(post, tz),
        post_card(post, tz),
        *(text for tag in tags for text in entry_page("tag", tag, tag, [post], tz).values()),
        *entry_page("author", author or "a", author or "a", [post], tz).values(),
    ]
    for page in pages:
        assert not executable(tokens(MYST, page), generated=True), page
    # the title heading of a post page reads back as exactly the title
    text, _ = post_page(post, "本文", PostPageData(), tz)
    heading = next(node for node in tokens(MYST, text) if node.type == "heading")
    assert "".join(child.content for child in heading.children[0].children) == " ".join(post.title.split())


@BOUNDED
@given(body=TEXT)
def test_post_bodies_never_hold_html_roles_directives_or_script_links(body: str) -> None:
    md = create_post_parser(MdParserConfig())
    found = tokens(md, body)
    assert not executable(found, fences_are_code=True)
    assert not [node for node in found if node.type == "colon_fence"]  # no ::: directives at all
