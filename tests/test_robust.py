"""Broken and hostile posts (tests/hostile_posts/) next to the seeds: named once, the rest built, nothing executed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from conftest import SEEDS, article_of, copy_docs, copy_posts
from postarchive.config import ArchiveConfig
from sphinx.testing.util import SphinxTestApp

JST = ArchiveConfig().tz  # the display timezone the archive is configured with

HOSTILE = Path(__file__).parent / "hostile_posts"
OVERSIZED = "2025-01-15-oversized.md"

# bad file → subtype of its one warning; "*" marks a file that is not built at all
BAD = {
    "2025-01-01-unclosed-front-matter.md": "front-matter*",
    "2025-01-02-malformed-yaml.md": "front-matter*",
    "2025-01-03-no-front-matter.md": "front-matter",
    "2025-01-04-empty.md": "empty*",
    "2025-01-05-binary.md": "binary*",
    "2025-01-06-shift-jis.md": "encoding",
    "2025-01-08-missing-title.md": "title",
    "2025-01-09-missing-date.md": "date",
    "2025-01-10-impossible-date.md": "date",
    "2025-01-11-tags-as-string.md": "front-matter",
    "2025-01-12-tags-numbers-null.md": "front-matter",
    "2025-01-13-yaml-python-object.md": "front-matter*",
    "2025-01-14-alias-bomb.md": "front-matter*",
    OVERSIZED: "size*",
    "2025-01-16-control-chars.md": "control",
    # two posts on one URL: both built, Jekyll's survivor (the .md, written last) keeps it, one warning
    # (at the moved post) names both; a permalink: claim never takes a post's own URL
    "2025-01-17-same-permalink.markdown": "duplicate",
    "2025-01-18-steals-permalink.md": "duplicate",
    "2025-01-19-permalink-hijack.md": "permalink",
    "2025-01-20-spaces and symbols!&'.md": "filename",
    "2025-01-21-<img src=x onerror=alert(1)>.md": "filename",
    "2025-01-22-unsafe-image.md": "front-matter",
    "2025-02-01-xss-body.md": "html",  # its HTML is dropped, named once
    "2025-13-45-impossible-file-date.md": "date*",
    "draft post.md": "filename*",
}
# every post that must be built, at its permalink, with the title its page shows
BUILT = {
    "/2025/01/03/no-front-matter/": "no front matter",  # no front matter: date and title from the file name
    "/2025/01/07/bom-crlf/": "BOM と CRLF の記事",
    "/2025/01/01/shift-jis/": "シフトJISの記事",
    "/2025/01/08/missing-title/": "missing title",
    "/2025/01/09/missing-date/": "日付のない記事",
    "/2025/01/10/impossible-date/": "ありえない日付",
    "/2025/01/11/tags-as-string/": "タグが文字列",
    "/2025/01/12/tags-numbers-null/": "タグが数値と null",
    "/2025/01/01/control-chars/": "制御文字[31m",
    "/2025/01/01/same-permalink/": "同じパーマリンク 1",
    "/2025/01/01/same-permalink-2/": "同じパーマリンク 2",
    "/2025/10/09/2-gmoai-2/": "他の記事のパーマリンクを名乗る",
    "/2025/01/19/permalink-hijack/": "生成ページを乗っ取る",
    "/2025/01/01/spaces-and-symbols/": "空白と記号のファイル名",
    "/2025/01/01/img-src-x-onerror-alert-1/": "HTML のファイル名",
    "/2025/01/22/unsafe-image/": "危険な画像 URL",
    "/2025/02/01/xss-body/": "本文に HTML と危険なリンク",
    "/2025/02/02/myst-syntax/": "本文に MyST の指令とロール",
    "/2025/02/03/hostile-front-matter/": "<script>alert('title')</script> {raw}`<b>x</b>` [リンク](javascript:alert(1))"
    " **太字** ```{include} /etc/passwd```",
    "/2025/10/09/2-gmoai/": "GMOがヒューマノイドAIに注力する真意とは？その戦略が描く未来",  # not stolen
}
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
PAGENAME_RE = re.compile(r"^\s*DOCUMENTATION_OPTIONS\.pagename = '[^'\\<>\n]*';\s*$", re.MULTILINE)


@dataclass
class HostileBuild:
    outdir: Path
    posts_dir: Path
    warnings: str
    status: str
    statuscode: int


def build(root: Path, builder: str = "html", **overrides: object) -> HostileBuild:
    srcdir = copy_docs(root / "docs")
    posts = copy_posts(root / "posts", [*sorted(SEEDS.glob("*.md")), *sorted(HOSTILE.iterdir())])
    (posts / OVERSIZED).write_text("---\ntitle: 大きすぎる\n---\n\n" + "あ" * 800_000 + "\n", encoding="utf-8")
    status, warning = StringIO(), StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=srcdir / "_build",
        confoverrides={"postarchive_posts_dir": str(posts), **overrides},
        status=status,
        warning=warning,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", stream.getvalue()) for stream in (warning, status)]
    return HostileBuild(Path(app.outdir), posts, plain[0], plain[1], app.statuscode)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_strict(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    return build(tmp_path_factory.mktemp("hostile-strict"), postarchive_strict=1)


def warning_lines(result: HostileBuild, name: str) -> list[str]:
    prefix = f"{result.posts_dir / name}:"
    return [line for line in result.warnings.splitlines() if line.startswith(prefix)]


def test_the_fixture_folder_holds_every_class() -> None:
    names = {path.name for path in HOSTILE.iterdir()}
    assert set(BAD) - {OVERSIZED} <= names


def test_html_build_succeeds(hostile: HostileBuild) -> None:
    assert hostile.statuscode == 0
    assert (hostile.outdir / "index.html").is_file()


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_bad_file_is_named_exactly_once(hostile: HostileBuild, name: str) -> None:
    lines = warning_lines(hostile, name)
    assert len(lines) == 1, lines
    subtype = BAD[name].rstrip("*")
    assert lines[0].endswith(f"[postarchive.{subtype}]")
    assert ("[記事を省きました]" in lines[0]) == BAD[name].endswith("*")


def test_good_files_and_repairs_only_as_repairs(hostile: HostileBuild) -> None:
    """Nothing else is warned about except the seeds' known repairs and the Liquid in the MyST post."""
    named = {line.split(":", 1)[0] for line in hostile.warnings.splitlines() if ": WARNING: " in line}
    unexpected = named - {str(hostile.posts_dir / name) for name in BAD}
    repaired = {str(hostile.posts_dir / path.name) for path in [*SEEDS.glob("*.md"), Path("2025-02-02-myst-syntax.md")]}
    assert unexpected <= repaired, unexpected


@pytest.mark.parametrize("permalink", sorted(BUILT))
def test_every_good_post_is_built(hostile: HostileBuild, permalink: str) -> None:
    page = hostile.outdir / permalink.strip("/") / "index.html"
    text = page.read_text(encoding="utf-8")
    title = article_of(text).find("h1")
    assert title is not None
    for headerlink in title.select("a.headerlink"):
        headerlink.decompose()
    assert title.get_text().strip() == BUILT[permalink]


class HTMLParserText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @classmethod
    def text(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return "".join(parser.parts).strip()


def archive_redirect(attrs: list[tuple[str, str | None]]) -> bool:
    """The archive's own redirect pages (file-name date → Jekyll's URL): a refresh to a relative path."""
    content = dict(attrs).get("content") or ""
    return re.fullmatch(r"0; url=(?:\.\./)*[^:\s\"'<>]*/", content) is not None


class ExecutableMarkup(HTMLParser):
    """Collects what could run: dangerous elements, on* handlers, script URLs, post text in scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.script = False
        self.json_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS and tag != "script":
            self.found.append(f"<{tag}>")
        self.script = tag == "script"
        self.json_data = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        for key, value in attrs:
            if key.startswith("on"):
                self.found.append(f"<{tag} {key}=…>")
            compact = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if compact.startswith(BAD_SCHEMES) or (
                key == "http-equiv" and compact == "refresh" and not archive_redirect(attrs)
            ):
                self.found.append(f"<{tag} {key}={value!r}>")
            if tag == "script" and key == "src" and "alert" in (value or ""):
                self.found.append(f"<script src={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.script = False

    def handle_data(self, data: str) -> None:
        if not self.script:
            return
        if self.json_data:  # JSON-LD is data, never run: it must parse and hold no "<" that could close it
            try:
                json.loads(data)
            except ValueError:
                self.found.append(f"JSON-LD that does not parse: {data.strip()[:80]!r}")
            if "<" in data:
                self.found.append(f"JSON-LD with '<': {data.strip()[:80]!r}")
            return
        rest = PAGENAME_RE.sub("", data)  # the page name in a JS string: safe when it cannot close the string
        if "alert" in rest or "pwned" in rest:
            self.found.append(f"script: {data.strip()[:80]!r}")


def test_no_executable_markup_from_any_post(hostile: HostileBuild) -> None:
    found = {}
    for page in sorted(hostile.outdir.rglob("*.html")):
        if "_static" in page.parts:
            continue
        scanner = ExecutableMarkup()
        scanner.feed(page.read_text(encoding="utf-8"))
        if scanner.found:
            found[str(page.relative_to(hostile.outdir))] = scanner.found
    assert not found


def test_hostile_text_is_shown_as_text(hostile: HostileBuild) -> None:
    body = (hostile.outdir / "2025/02/01/xss-body/index.html").read_text(encoding="utf-8")
    # kramdown would pass the HTML through; the archive drops what is not allow-listed (named once)
    assert "script-block" not in body and "div-onclick" not in body and "クリック" in body
    assert "最後の段落です。" in body
    myst = (hostile.outdir / "2025/02/02/myst-syntax/index.html").read_text(encoding="utf-8")
    assert "{include}" in myst and "{raw-html}" in myst and "最後の段落です。" in myst
    front = (hostile.outdir / "2025/02/03/hostile-front-matter/index.html").read_text(encoding="utf-8")
    assert "&lt;svg onload=alert(&#39;author&#39;)&gt;" in front or "&lt;svg onload=alert('author')&gt;" in front


def test_nothing_from_files_outside_the_project(hostile: HostileBuild) -> None:
    outside = ["root:x:0:0", 'requires = ["setuptools', "[build-system]"]
    for path in hostile.outdir.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [needle for needle in outside if needle in text], path


def test_strict_build_fails_with_a_summary_of_every_bad_file(hostile_strict: HostileBuild) -> None:
    assert hostile_strict.statuscode == 1
    summary = hostile_strict.status[hostile_strict.status.index("postarchive: 問題") :]
    listed = re.findall(r"^  ✗ (.*)$", summary, re.MULTILINE)
    # the MyST post's ``:::{raw} html`` body holds a <script> block: dropped HTML, a problem too
    expected = [*BAD, "2025-02-02-myst-syntax.md"]
    assert sorted(listed) == sorted(str(hostile_strict.posts_dir / name) for name in expected)
    # the seeds' repairs are listed as 修復, not as problems
    assert "修復" in summary
    assert all(str(hostile_strict.posts_dir / seed.name) not in listed for seed in SEEDS.glob("*.md"))


def test_strict_build_of_the_seeds_passes(tmp_path: Path) -> None:
    srcdir = copy_docs(tmp_path / "docs")
    posts = copy_posts(tmp_path / "posts", sorted(SEEDS.glob("*.md")))
    status, warning = StringIO(), StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=srcdir / "_build",
        confoverrides={"postarchive_posts_dir": str(posts), "postarchive_strict": 1},
        status=status,
        warning=warning,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.statuscode == 0, warning.getvalue()
    assert warning.getvalue() == ""
    assert "postarchive: 問題はありません" in status.getvalue()
    assert status.getvalue().count(" 修復: ") == 9


def test_strict_link_check_finds_a_broken_relative_link(tmp_path: Path) -> None:
    from postarchive.builders.check import broken_links

    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.html").write_text("", encoding="utf-8")
    page.write_text('<a href="../b/">ok</a><a href="../c/">gone</a><img src="x.png"><a href="https://e.x/">x</a>')
    assert broken_links(tmp_path, [page]) == [(page, "../c/"), (page, "x.png")]


@pytest.mark.latex
def test_latex_builder_survives_hostile_posts(tmp_path: Path) -> None:
    result = build(tmp_path, builder="latex")
    assert result.statuscode == 0
    tex = "".join(path.read_text(encoding="utf-8") for path in sorted(result.outdir.glob("*.tex")))  # every volume
    assert "本文に HTML と危険なリンク" in tex
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", tex)
    # a post's remote image is never fetched by the build: its alt text stands in for it
    assert "（画像: 外部画像の onerror）" in tex
    assert not [p for p in result.outdir.rglob("*") if p.suffix.lower() in (".png", ".jpg", ".gif", ".svg")]
    assert "example.com" not in result.warnings


@pytest.mark.parametrize(
    ("value", "slug"),
    [("spaces and symbols!&'", "spaces-and-symbols"), ("..", "post"), ("../../etc", "etc"), ("AI半導体", "AI半導体"),
     ("gpt-4.5", "gpt-4.5"), ("<img src=x>", "img-src-x"), ("a\nb", "a-b")],
)  # fmt: skip
def test_safe_slug(value: str, slug: str) -> None:
    from postarchive.posts.reading import safe_slug

    assert safe_slug(value) == slug


def test_an_unquoted_impossible_date_falls_back_to_the_file_name(tmp_path: Path) -> None:
    from postarchive.posts.reading import read_post

    path = tmp_path / "2025-03-01-x.md"
    path.write_text("---\ntitle: x\ndate: 2025-02-30\n---\n\n本文\n", encoding="utf-8")
    result = read_post(path, tz=JST)
    assert result.post is not None and f"{result.post.date:%Y-%m-%d}" == "2025-03-01"
    assert [(p.subtype, p.line) for p in result.problems] == [("date", 3)]


def test_reserved_permalinks() -> None:
    from postarchive.model.kinds import reserved_docname

    assert reserved_docname("tags/AI/index") and reserved_docname("2025/index") and reserved_docname("2025/10/index")
    assert reserved_docname("_static/x/index") and reserved_docname("genindex/index")
    assert not reserved_docname("2025/10/09/slug/index") and not reserved_docname("about/index")
