"""What a reader sees in a post, taken from two HTML renderings so they can be compared.

Pure functions over HTML text (lxml's HTML parser, the one the project already depends on through
feedgen): ``jekyll_body`` reads the body Jekyll rendered (tests/jekyll_oracle.py), ``archive_body``
reads an archive post page and keeps only what comes from the post — the ``<article
class="bd-article">`` without the archive's additions (its post header, its generated related posts,
Sphinx's ``#`` heading links, its company/tag cross-references are unwrapped to their text).
``features`` extracts from either the same facts: visible text, bold and italic strings, tables
with their cell counts, list items, headings with their ids, links, and Markdown/HTML/Liquid markup
left over as visible text. ``compare`` tells, per check, whether the two agree.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree, html

BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
INVISIBLE = frozenset(["script", "style", "template", "noscript"])
TYPOGRAPHY = "‘’“”–—…«»"  # what kramdown's smart quotes and typographic symbols produce

# Markup that must never reach the reader as text (outside code): Markdown, kramdown, HTML, Liquid.
MARKUP_AS_TEXT: dict[str, re.Pattern[str]] = {
    "kramdown IAL {:": re.compile(r"\{:"),
    "HTML tag": re.compile(
        r"</?(?:h[1-6]|p|div|span|br|strong|em|b|i|a|ul|ol|li|table|tr|td|th|img|hr)\b[^<>]*>", re.I
    ),
    "** emphasis": re.compile(r"\*\*"),
    "table rule |---|": re.compile(r"\|\s*:?-{3,}"),
    "Liquid {% %}": re.compile(r"\{%"),
    "Liquid {{ }}": re.compile(r"\{\{"),
    "heading #": re.compile(r"(?:^|\n)#{1,6} "),
    "conflict marker": re.compile(r"(?:<{7}|>{7}|={7})"),
}


def normalise(text: str) -> str:
    """NFKC, every run of whitespace one space, no space at either end."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def fragment(markup: str) -> etree._Element:
    return html.fragment_fromstring(markup or "", create_parent="div")


def remove(element: etree._Element) -> None:
    """Drop an element but keep its tail text."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def unwrap(element: etree._Element) -> None:
    """Replace an element by its content (text and children)."""
    element.drop_tag()


# --- the two bodies ---------------------------------------------------------------------------


@dataclass
class Body:
    root: etree._Element
    title: str = ""
    url: str = ""  # the page's own URL path, to resolve relative links against
    removed: Counter[str] = field(default_factory=Counter)  # what was taken out, by reason


def jekyll_body(markup: str, url: str, title: str = "") -> Body:
    return Body(fragment(markup), normalise(html.fromstring(f"<p>{title}</p>").text_content()) if title else "", url)


def archive_body(page: str, url: str, drop: Mapping[str, str] | None = None) -> Body:
    """The post's own content in an archive page; ``drop`` maps a reason to an XPath of additions."""
    document = html.document_fromstring(page)
    articles = document.xpath('//article[contains(concat(" ", @class, " "), " bd-article ")]')
    if not articles:
        raise ValueError(f"{url}: no <article class='bd-article'> in the page")
    article = articles[0]
    title = ""
    headings = article.xpath(".//h1")
    removed: Counter[str] = Counter()
    for reason, xpath in (drop or {}).items():
        for element in article.xpath(xpath):
            remove(element)
            removed[reason] += 1
    if headings:
        title = normalise(headings[0].text_content())
        remove(headings[0])
        removed["title"] += 1
    return Body(article, title, url, removed)


# --- the facts --------------------------------------------------------------------------------


def visible_text(element: etree._Element, *, skip_code: bool = False) -> str:
    """The text a reader sees: block elements separated by a space, invisible elements dropped."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in INVISIBLE or (skip_code and tag in ("pre", "code")):
            if node is not element and node.tail:
                parts.append(node.tail)
            return
        block = tag in BLOCK
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    return "".join(parts)


def own_text(item: etree._Element) -> str:
    """A list item's text without its nested lists."""
    clone = copy.deepcopy(item)
    clone.tail = None
    for nested in clone.xpath(".//ul | .//ol"):
        remove(nested)
    return normalise(visible_text(clone))


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the normalised text with spaces removed: Japanese has no words to split."""
    squeezed = normalise(text).replace(" ", "")
    return Counter(squeezed[i : i + 2] for i in range(len(squeezed) - 1))


def link_key(href: str, page_url: str, site_url: str) -> str:
    """A link as a comparable string: ``/path/?query#fragment`` inside the blog, the URL outside it."""
    href = href.strip()
    absolute = urljoin(site_url.rstrip("/") + page_url, href)
    parts = urlsplit(absolute)
    site = urlsplit(site_url)
    if parts.scheme in ("http", "https", "") and parts.netloc in (site.netloc, f"www.{site.netloc}"):
        path = unquote(parts.path)
        if path.endswith("/index.html"):
            path = path[: -len("index.html")]
        elif path.endswith(".html") and re.search(r"/\d{4}/\d{2}/\d{2}/", path):
            path = path[: -len(".html")] + "/"
        key = path or "/"
        if parts.query:
            key += "?" + unquote(parts.query)
        if parts.fragment:
            key += "#" + unquote(parts.fragment)
        return key
    return unquote(absolute)


@dataclass
class Features:
    text: str
    blocks: str  # the visible text with a newline between blocks
    bold: list[str]
    italic: list[str]
    tables: list[tuple[int, ...]]  # per table: the number of cells of each row
    list_items: list[tuple[str, str]]  # (ul|ol, item text)
    headings: list[tuple[int, str, str]]  # (level, text, id)
    anchors: set[str]  # every id in the body: where a #fragment can land
    links: list[str]  # link_key of every <a href>
    markup: Counter[str]  # MARKUP_AS_TEXT name → occurrences in the visible text outside code
    typography: Counter[str]  # TYPOGRAPHY character → occurrences

    def heading_levels(self) -> list[tuple[int, str]]:
        return [(level, text) for level, text, _ in self.headings]


def heading_id(heading: etree._Element) -> str:
    """The heading's own id, else the id of a target just before it, else its section's (docutils)."""
    if heading.get("id"):
        return heading.get("id")
    previous = heading.getprevious()
    while previous is not None and previous.tag == "span" and previous.get("id") and not previous.text_content():
        return previous.get("id")
    parent = heading.getparent()
    if parent is not None and parent.tag == "section" and parent.get("id"):
        return parent.get("id")
    return ""


def anchors_of(heading: etree._Element) -> set[str]:
    ids = {heading.get("id")} if heading.get("id") else set()
    previous = heading.getprevious()
    while previous is not None and previous.tag == "span" and previous.get("id"):
        ids.add(previous.get("id"))
        previous = previous.getprevious()
    parent = heading.getparent()
    if parent is not None and parent.tag == "section" and parent.get("id"):
        ids.add(parent.get("id"))
    return ids


def features(body: Body, site_url: str) -> Features:
    root = body.root
    blocks = visible_text(root)
    text = normalise(blocks)
    prose = visible_text(root, skip_code=True)
    markup = Counter({name: len(pattern.findall(prose)) for name, pattern in MARKUP_AS_TEXT.items()})
    markup = +markup
    tables = [tuple(len(row.xpath("./td | ./th")) for row in table.xpath(".//tr")) for table in root.xpath(".//table")]
    items = [
        (item.getparent().tag if item.getparent() is not None else "?", own_text(item)) for item in root.iter("li")
    ]
    headings = []
    anchors = {element.get("id") for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    for heading in root.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6"):
        headings.append((int(heading.tag[1]), normalise(heading.text_content()), heading_id(heading)))
    links = [link_key(a.get("href"), body.url, site_url) for a in root.xpath(".//a[@href]")]
    return Features(
        text=text,
        blocks=blocks,
        bold=[normalise(e.text_content()) for e in root.xpath(".//strong | .//b")],
        italic=[normalise(e.text_content()) for e in root.xpath(".//em | .//i")],
        tables=tables,
        list_items=items,
        headings=headings,
        anchors=anchors,
        links=links,
        markup=markup,
        typography=Counter(ch for ch in text if ch in TYPOGRAPHY),
    )


# --- the comparison ---------------------------------------------------------------------------


def recall(reference: str, candidate: str) -> tuple[float, Counter[str]]:
    """Share of the reference's character bigrams the candidate has (as a multiset); and the missing ones."""
    wanted, have = bigrams(reference), bigrams(candidate)
    missing = wanted - have
    total = sum(wanted.values())
    return (1.0 if total == 0 else 1 - sum(missing.values()) / total), missing


def shingle_recall(reference: str, candidate: str, size: int = 8) -> float:
    """Share of the reference's distinct character n-grams in the candidate: which post a page is.

    Bigrams cannot tell two Japanese posts on one subject apart; 8-character shingles can."""
    a, b = (normalise(t).replace(" ", "") for t in (reference, candidate))
    wanted = {a[i : i + size] for i in range(len(a) - size + 1)}
    have = {b[i : i + size] for i in range(len(b) - size + 1)}
    return 1.0 if not wanted else len(wanted & have) / len(wanted)


def missing_blocks(reference: str, candidate: str, limit: int = 5) -> list[str]:
    """The reference's blocks (paragraphs, items, cells, headings) whose text the candidate lacks."""
    have = normalise(candidate).replace(" ", "")
    lost = [block for block in dict.fromkeys(normalise(b) for b in reference.split("\n")) if block]
    lost = [block for block in lost if block.replace(" ", "") not in have]
    return sorted(lost, key=len, reverse=True)[:limit]


def multiset_diff(expected: Iterable[object], actual: Iterable[object]) -> tuple[list[object], list[object]]:
    """(in expected only, in actual only), as sorted lists with repeats."""
    left, right = Counter(expected), Counter(actual)
    return sorted((left - right).elements(), key=repr), sorted((right - left).elements(), key=repr)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    missing: list[object] = field(default_factory=list)  # in Jekyll's rendering, not the archive's
    extra: list[object] = field(default_factory=list)  # in the archive's rendering, not Jekyll's


def one_outline(levels: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Jekyll's heading levels as one outline under the page's title (the deliberate difference
    "heading levels"): a body written with ``#`` sections moves one level down, and no heading is more
    than one level below the one before it."""
    shift = 1 if levels and levels[0][0] == 1 else 0
    outline: list[tuple[int, str]] = []
    previous = 1
    for level, text in levels:
        previous = max(2, min(level + shift, previous + 1, 6))
        outline.append((previous, text))
    return outline


def compare_lists(name: str, expected: Iterable[object], actual: Iterable[object]) -> Check:
    missing, extra = multiset_diff(expected, actual)
    return Check(name, not missing and not extra, f"{len(missing)} missing, {len(extra)} extra", missing, extra)


def compare(
    jekyll: Features,
    archive: Features,
    *,
    min_recall: float = 0.999,
    ignore_links: Iterable[str] = (),
) -> dict[str, Check]:
    """Per check, whether the archive's post agrees with Jekyll's; ``ignore_links``: Jekyll links not compared."""
    checks: dict[str, Check] = {}
    score, _ = recall(jekyll.text, archive.text)
    ok = score >= min_recall
    checks["text"] = Check(
        "text",
        ok,
        f"recall {score:.4f}",
        [] if ok else missing_blocks(jekyll.blocks, archive.blocks),
        [] if ok else missing_blocks(archive.blocks, jekyll.blocks),
    )
    shown = [f"{name} ×{count}" for name, count in archive.markup.items() if count > jekyll.markup.get(name, 0)]
    checks["markup"] = Check("markup", not shown, ", ".join(shown), [], shown)
    checks["typography"] = compare_lists("typography", jekyll.typography.elements(), archive.typography.elements())
    checks["bold"] = compare_lists("bold", jekyll.bold, archive.bold)
    checks["italic"] = compare_lists("italic", jekyll.italic, archive.italic)
    checks["table"] = compare_lists("table", jekyll.tables, archive.tables)
    checks["list"] = compare_lists("list", jekyll.list_items, archive.list_items)
    checks["heading"] = compare_lists(
        "heading", [text for _, text, _ in jekyll.headings], [text for _, text, _ in archive.headings]
    )
    lost_ids = [hid for _, _, hid in jekyll.headings if hid and hid not in archive.anchors]
    checks["heading_id"] = Check("heading_id", not lost_ids, f"{len(lost_ids)} ids missing", lost_ids, [])
    checks["heading_level"] = compare_lists(
        "heading_level", one_outline(jekyll.heading_levels()), archive.heading_levels()
    )
    ignored = set(ignore_links)
    checks["link"] = compare_lists("link", [link for link in jekyll.links if link not in ignored], archive.links)
    return checks


# --- one post of a built archive against Jekyll's --------------------------------------------


@dataclass(frozen=True)
class Deliberate:
    """A difference the archive makes on purpose: the reason, and how the comparison sets it aside."""

    reason: str
    archive_drop: str = ""  # XPath (inside the article) of archive additions removed before comparing
    archive_unwrap: str = ""  # XPath of archive elements replaced by their content
    jekyll_drop: str = ""  # XPath (inside Jekyll's body) of Jekyll output the archive leaves out
    jekyll_drop_title: str = ""  # XPath of Jekyll elements left out when their text is the post's title
    jekyll_text: str = ""  # a regular expression: text in Jekyll's body the archive leaves out
    checks: tuple[str, ...] = ()  # the checks this difference is about (informational)


@dataclass
class PostResult:
    name: str
    jekyll_url: str
    archive_url: str  # where the archive has the post's page ("" if nowhere)
    checks: dict[str, Check]
    jekyll_title: str = ""
    archive_title: str = ""

    @property
    def failed(self) -> list[str]:
        return [name for name, check in self.checks.items() if not check.ok]


def filename_url(name: str, slug: str) -> str:
    """The URL of a post by its file-name date (where the archive has put posts so far)."""
    year, month, day = name[:4], name[5:7], name[8:10]
    return f"/{year}/{month}/{day}/{slug}/"


def archive_page(outdir: Path, url: str) -> str | None:
    page = outdir / unquote(url).strip("/") / "index.html"
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8")
    return text if "bd-article" in text else None  # a redirect page is not the post


IDENTITY = 0.8  # share of a post's 8-character shingles an archive page must have to be that post's page
POST_URL = re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/?#]+/")


def compare_post(
    name: str,
    jekyll_url: str,
    jekyll_html: str,
    jekyll_title: str,
    outdir: Path,
    deliberate: Mapping[str, Deliberate],
    site_url: str,
    post_urls: set[str],
    *,
    url_exempt: str = "",
    min_recall: float = 0.999,
) -> PostResult:
    """Compare one post; ``post_urls``: Jekyll's URL of every post of the corpus; ``url_exempt``: why
    the post's own URL is not checked (it is unreachable on the blog too)."""
    slug = jekyll_url.rstrip("/").rsplit("/", 1)[-1]
    checks: dict[str, Check] = {}
    drop = {key: d.archive_drop for key, d in deliberate.items() if d.archive_drop}
    reference = normalise(visible_text(jekyll_body(jekyll_html, jekyll_url).root))
    candidates = [jekyll_url, filename_url(name, slug)]
    if url_exempt:
        candidates.reverse()  # the post is not at Jekyll's URL on the blog either: look at its own first
    page, found_at, strangers = None, "", []
    for url in dict.fromkeys(candidates):
        text = archive_page(outdir, url)
        if text is None:
            continue
        # Is this page the post, or another post at the same URL? Most of its text must be there.
        if shingle_recall(reference, normalise(visible_text(archive_body(text, url, drop).root))) >= IDENTITY:
            page, found_at = text, url
            break
        strangers.append(url)
    if url_exempt:
        checks["url"] = Check("url", True, f"not checked: {url_exempt}")
    else:
        elsewhere = f", another post at {', '.join(strangers)}" if strangers else ""
        checks["url"] = Check(
            "url",
            found_at == jekyll_url,
            f"Jekyll {jekyll_url}, archive {found_at or 'nowhere'}{elsewhere}",
            [jekyll_url] if found_at != jekyll_url else [],
            [found_at] if found_at and found_at != jekyll_url else [],
        )
    if page is None:
        return PostResult(name, jekyll_url, "", checks, jekyll_title)
    mine = jekyll_body(jekyll_html, jekyll_url, jekyll_title)
    theirs = archive_body(page, found_at, drop)
    titles = {mine.title, theirs.title}
    for difference in deliberate.values():
        if difference.jekyll_drop:
            for element in mine.root.xpath(difference.jekyll_drop):
                remove(element)
        if difference.jekyll_text:
            pattern = re.compile(difference.jekyll_text)
            for element in mine.root.iter():
                if isinstance(element.tag, str):
                    element.text = pattern.sub("", element.text) if element.text else element.text
                    element.tail = pattern.sub("", element.tail) if element.tail else element.tail
        if difference.jekyll_drop_title:
            for element in mine.root.xpath(difference.jekyll_drop_title):
                if normalise(element.text_content()) in titles:
                    remove(element)
    for difference in deliberate.values():
        if difference.archive_unwrap:
            for element in theirs.root.xpath(difference.archive_unwrap):
                unwrap(element)
    jekyll_facts, archive_facts = features(mine, site_url), features(theirs, site_url)
    # Links to posts the corpus does not have: the archive cannot resolve them (it keeps the text).
    elsewhere = [
        link for link in jekyll_facts.links if POST_URL.match(link) and POST_URL.match(link)[0] not in post_urls
    ]
    checks.update(compare(jekyll_facts, archive_facts, min_recall=min_recall, ignore_links=elsewhere))
    return PostResult(name, jekyll_url, found_at, checks, mine.title, theirs.title)
