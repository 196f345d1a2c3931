"""Japanese search: a sharded character-bigram index with positions, written at ``build-finished``.

Sphinx's own Japanese search splits words at index time (さくら|インターネット) but not at query time, and
drops product codes (GB200), so it misses exactly the company and product names readers search for; its
single ``searchindex.js`` also grows with the archive. Here both sides use the same rule: text is
normalised (NFKC, lower case, whitespace runs → one space) and cut into overlapping character bigrams;
a one-character query uses unigram postings. Postings carry positions, so a document matches a term only
when the term's bigrams sit at consecutive positions: the exact phrase, never just the same bigrams
scattered over the page (precision). Every term of a query must match.

Output (``_static/search/``, served by the site itself):

- ``meta.json``: sizes, facet names (tags, companies, categories), and the archive's entries (companies
  with their registry aliases, tags, categories, authors) as exact extra terms: a query for an alias
  (エヌビディア) also finds the posts that name the company (NVIDIA);
- ``p/<shard>.json``: the postings, sharded by a hash of the bigram (FNV-1a, same in the JS), so one query
  fetches one small file per distinct bigram, whatever the archive's size;
- ``d/<chunk>.json``: per-post title, date (JST), URL, year and facet ids, in chunks of posts;
- ``t/<doc>-<chunk>.txt``: the normalised text in overlapping chunks, for excerpts around a match.

Only post content (title and body, captured at ``doctree-read`` before the header and related posts are
added) is indexed; the archive's entry pages are found through their names. Data flows through the
environment with purge/merge hooks, so ``-j`` builds and incremental builds keep it complete.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
HTML_BUILDERS = frozenset({"html", "dirhtml"})
INDEX_DIR = "_static/search"
INDEX_VERSION = 1
DOC_CHUNK = 64  # posts per d/<chunk>.json
TEXT_CHUNK = 4096  # characters per t/<doc>-<chunk>.txt (each file overlaps the next by TEXT_OVERLAP)
TEXT_OVERLAP = 256
SHARD_BYTES = 48_000  # aimed size of one postings shard
ENV_ATTR = "postarchive_search_texts"
WHITESPACE_RE = re.compile(r"\s+")


# --- pure core ---------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """The display form: NFKC, whitespace runs as one space, stripped (ＧＢ２００ → GB200)."""
    return WHITESPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def fold(text: str) -> str:
    """Lower case, one character for one (a character whose lower case is longer stays as it is)."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def search_key(text: str) -> str:
    """The matching form of a text or a query: ``fold(normalize(text))``; same length as ``normalize(text)``."""
    return fold(normalize(text))


def query_terms(query: str) -> list[str]:
    """A query's terms: its normalised, space-separated words, each matched as an exact phrase."""
    return [term for term in search_key(query).split(" ") if term]


def grams(term: str) -> list[str]:
    """The index keys of a term: overlapping bigrams, or the character itself for a one-character term."""
    if len(term) <= 1:
        return [term] if term else []
    return [term[i : i + 2] for i in range(len(term) - 1)]


def shard_of(gram: str, shards: int) -> int:
    """FNV-1a (32 bit) over the code points of ``gram``, modulo ``shards`` (``postarchive-search.js`` agrees)."""
    value = 0x811C9DC5
    for char in gram:
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def phrase_positions(key: str, term: str) -> list[int]:
    """Where ``term`` starts in ``key`` (both in matching form): the ground truth the index reproduces."""
    found, start = [], key.find(term)
    while start >= 0:
        found.append(start)
        start = key.find(term, start + 1)
    return found


@dataclass(frozen=True)
class SearchDoc:
    url: str
    title: str
    body: str
    date: str = ""  # as shown (JST)
    year: str = ""
    tags: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Title then body, in display form; positions in the index refer to this string."""
        return normalize(self.title) + " " + normalize(self.body)


@dataclass(frozen=True)
class Entity:
    """An entry of the archive (company, tag, category, author) whose names are exact extra terms."""

    kind: str
    name: str
    url: str
    spellings: tuple[str, ...]
    docs: tuple[int, ...] = ()


@dataclass
class SearchIndex:
    shards: int
    postings: list[dict[str, list[int]]] = field(default_factory=list)  # shard → gram → encoded postings


SPACE = 0x20
CODE_BITS = 21  # every code point fits in 21 bits: a bigram is one 42-bit integer


def build_postings(keys: list[str]) -> dict[str, list[int]]:
    """gram → encoded postings over documents in order.

    A bigram's postings are ``doc delta, count, first position, position deltas…`` per document; a
    unigram's are doc deltas only. Bigrams across a space are never queried and not stored.

    Vectorised with NumPy (the per-character Python loop took 13 s for 1,000 posts): each document's
    bigrams become integers in position order, one stable sort by bigram groups them while keeping
    document and position order, and the encoding is computed on whole arrays.
    """
    gram_parts: list[np.ndarray] = []
    doc_parts: list[np.ndarray] = []
    position_parts: list[np.ndarray] = []
    char_parts: list[np.ndarray] = []
    char_doc_parts: list[np.ndarray] = []
    for doc, key in enumerate(keys):
        codes = np.frombuffer(key.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
        if len(codes) >= 2:
            left, right = codes[:-1], codes[1:]
            kept = np.flatnonzero((left != SPACE) & (right != SPACE))
            gram_parts.append((left[kept] << np.uint64(CODE_BITS)) | right[kept])
            position_parts.append(kept.astype(np.int64))
            doc_parts.append(np.full(len(kept), doc, dtype=np.int64))
        chars = np.unique(codes)
        chars = chars[chars != SPACE]
        char_parts.append(chars)
        char_doc_parts.append(np.full(len(chars), doc, dtype=np.int64))
    postings: dict[str, list[int]] = {}
    if gram_parts:
        encode_bigrams(np.concatenate(gram_parts), np.concatenate(doc_parts), np.concatenate(position_parts), postings)
    if char_parts:
        encode_unigrams(np.concatenate(char_parts), np.concatenate(char_doc_parts), postings)
    return postings


def encode_bigrams(grams: np.ndarray, docs: np.ndarray, positions: np.ndarray, postings: dict[str, list[int]]) -> None:
    """Add the bigram postings of (gram, doc, position) rows given in document, then position order."""
    count = len(grams)
    if count == 0:
        return
    order = np.argsort(grams, kind="stable")  # stable: document and position order survive within a gram
    grams, docs, positions = grams[order], docs[order], positions[order]
    new_gram = np.ones(count, dtype=bool)
    new_gram[1:] = grams[1:] != grams[:-1]
    new_doc = new_gram.copy()
    new_doc[1:] |= docs[1:] != docs[:-1]
    starts = np.flatnonzero(new_doc)  # the first row of each (gram, doc) group
    start_docs = docs[starts]
    previous_docs = np.zeros_like(start_docs)
    previous_docs[1:] = start_docs[:-1]
    previous_docs[new_gram[starts]] = 0  # a gram's first document is counted from 0
    deltas = positions.copy()
    deltas[1:] -= np.where(new_doc[1:], 0, positions[:-1])
    where = np.arange(count) + 2 * np.cumsum(new_doc)  # each row's place in the output, after its group's header
    encoded = np.empty(count + 2 * len(starts), dtype=np.int64)
    encoded[where] = deltas
    encoded[where[starts] - 2] = start_docs - previous_docs
    encoded[where[starts] - 1] = np.diff(np.append(starts, count))
    gram_starts = np.flatnonzero(new_gram)
    bounds = [*(where[gram_starts] - 2).tolist(), len(encoded)]
    values = encoded.tolist()
    mask = (1 << CODE_BITS) - 1
    for number, code in enumerate(grams[gram_starts].tolist()):
        postings[chr(code >> CODE_BITS) + chr(code & mask)] = values[bounds[number] : bounds[number + 1]]


def encode_unigrams(chars: np.ndarray, docs: np.ndarray, postings: dict[str, list[int]]) -> None:
    """Add the unigram postings (document deltas) of (char, doc) rows given in document order."""
    count = len(chars)
    if count == 0:
        return
    order = np.argsort(chars, kind="stable")
    chars, docs = chars[order], docs[order]
    new_char = np.ones(count, dtype=bool)
    new_char[1:] = chars[1:] != chars[:-1]
    deltas = docs.copy()
    deltas[1:] -= np.where(new_char[1:], 0, docs[:-1])
    char_starts = np.flatnonzero(new_char)
    bounds = [*char_starts.tolist(), count]
    values = deltas.tolist()
    for number, code in enumerate(chars[char_starts].tolist()):
        postings[chr(code)] = values[bounds[number] : bounds[number + 1]]


def shard_postings(postings: dict[str, list[int]], shard_bytes: int = SHARD_BYTES) -> SearchIndex:
    """Spread the postings over a power-of-two number of shards of about ``shard_bytes`` each."""
    total = sum(len(gram) * 3 + 6 + 4 * len(encoded) for gram, encoded in postings.items())
    shards = max(16, 2 ** math.ceil(math.log2(max(1, total / shard_bytes))))
    index = SearchIndex(shards, [{} for _ in range(shards)])
    for gram in sorted(postings):
        index.postings[shard_of(gram, shards)][gram] = postings[gram]
    return index


def decode(gram: str, encoded: list[int]) -> dict[int, list[int]]:
    """doc → positions (empty list for a unigram): the inverse of :func:`build_postings`, for tests."""
    result: dict[int, list[int]] = {}
    doc, i = 0, 0
    while i < len(encoded):
        doc += encoded[i]
        i += 1
        if len(gram) == 1:
            result[doc] = []
            continue
        count, position, found = encoded[i], 0, []
        for delta in encoded[i + 1 : i + 1 + count]:
            position += delta
            found.append(position)
        result[doc] = found
        i += 1 + count
    return result


def match_term(index: SearchIndex, term: str) -> set[int]:
    """The documents containing ``term`` as found through the index (what the browser does)."""
    keys = grams(term)
    if not keys:
        return set()
    lists = []
    for key in dict.fromkeys(keys):
        encoded = index.postings[shard_of(key, index.shards)].get(key)
        if encoded is None:
            return set()
        lists.append((key, decode(key, encoded)))
    if len(term) == 1:
        return set(lists[0][1])
    by_gram = dict(lists)
    docs = set.intersection(*(set(found) for _, found in lists))
    matched = set()
    for doc in docs:
        starts = by_gram[keys[0]][doc]
        rest = [set(by_gram[key][doc]) for key in keys[1:]]
        if any(all(start + offset + 1 in positions for offset, positions in enumerate(rest)) for start in starts):
            matched.add(doc)
    return matched


def facet_ids(values: Iterable[str], table: dict[str, int]) -> list[int]:
    return [table.setdefault(value, len(table)) for value in values]


def text_chunks(text: str) -> Iterator[tuple[int, str]]:
    for number, start in enumerate(range(0, max(1, len(text)), TEXT_CHUNK)):
        yield number, text[start : start + TEXT_CHUNK + TEXT_OVERLAP]


def index_files(docs: list[SearchDoc], entities: list[Entity]) -> dict[str, str]:
    """Every file of the index (relative path → content) for ``docs`` in id order."""
    texts = [doc.text for doc in docs]
    index = shard_postings(build_postings([fold(text) for text in texts]))
    facets: dict[str, dict[str, int]] = {"tag": {}, "company": {}, "category": {}}
    files: dict[str, str] = {}

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    rows = []
    for doc_id, doc in enumerate(docs):
        rows.append(
            [
                doc.url,
                doc.title,
                doc.date,
                doc.year,
                facet_ids(doc.tags, facets["tag"]),
                facet_ids(doc.companies, facets["company"]),
                facet_ids(doc.categories, facets["category"]),
                len(normalize(doc.title)),
            ]
        )
        for number, chunk in text_chunks(texts[doc_id]):
            files[f"t/{doc_id}-{number}.txt"] = chunk
    for start in range(0, len(rows), DOC_CHUNK):
        files[f"d/{start // DOC_CHUNK}.json"] = dump(rows[start : start + DOC_CHUNK])
    for number, shard in enumerate(index.postings):
        files[f"p/{number}.json"] = dump(shard)
    files["meta.json"] = dump(
        {
            "version": INDEX_VERSION,
            "docs": len(docs),
            "shards": index.shards,
            "docChunk": DOC_CHUNK,
            "textChunk": TEXT_CHUNK,
            "facets": {kind: list(table) for kind, table in facets.items()},
            "entities": [
                [entity.kind, entity.name, entity.url, [search_key(s) for s in entity.spellings], list(entity.docs)]
                for entity in entities
            ],
        }
    )
    return files


def write_index(outdir: Path, files: dict[str, str]) -> None:
    """Replace ``outdir`` with ``files`` (written beside it first, so a reader never sees half an index)."""
    staging = outdir.with_name(outdir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    for name in ("p", "d", "t"):
        (staging / name).mkdir(parents=True)
    for relative, content in files.items():
        (staging / relative).write_text(content, encoding="utf-8")
    shutil.rmtree(outdir, ignore_errors=True)
    staging.rename(outdir)


# --- Sphinx ------------------------------------------------------------------------------------


def enabled(app: Sphinx) -> bool:
    return bool(app.config.postarchive_search) and app.builder.name in HTML_BUILDERS


def configure(app: Sphinx, config: Config) -> None:
    if config.postarchive_search and str(TEMPLATES_DIR) not in [str(p) for p in config.templates_path]:
        config.templates_path = [*config.templates_path, str(TEMPLATES_DIR)]


def turn_off_stock_search(app: Sphinx) -> None:
    """``builder-inited``: no ``searchindex.js`` (and no stock search page) when the archive's search is on."""
    if enabled(app):
        app.builder.search = False  # type: ignore[attr-defined]


# Not text a reader sees: docutils' own messages ("Duplicate implicit target name", with the source path), comments.
NOT_READ = (nodes.system_message, nodes.comment, nodes.raw, nodes.substitution_definition)


def reader_text(node: nodes.Node) -> str:
    """``node.astext()`` without what the page does not show."""
    if isinstance(node, NOT_READ):
        return ""
    if isinstance(node, nodes.Text):
        return node.astext()
    assert isinstance(node, nodes.Element)
    return node.child_text_separator.join(text for text in map(reader_text, node.children) if text)


def capture_text(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read`` (before the header and related posts are added): a post's title and body text."""
    meta = app.env.get_domain("archive").post_meta(app.env.docname)  # type: ignore[attr-defined]
    if meta is None:
        return
    sections = [node for node in doctree.children if isinstance(node, nodes.section)]
    if not sections:
        return
    top = sections[0]
    title = next((reader_text(child) for child in top.children if isinstance(child, nodes.title)), "")
    body = "\n".join(reader_text(child) for child in top.children if not isinstance(child, nodes.title))
    texts: dict[str, tuple[str, str]] = getattr(app.env, ENV_ATTR, {})
    texts[app.env.docname] = (title or str(meta.get("title", "")), body)
    setattr(app.env, ENV_ATTR, texts)


def purge_text(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, ENV_ATTR, {}).pop(docname, None)


def merge_texts(app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment) -> None:
    texts: dict[str, tuple[str, str]] = getattr(env, ENV_ATTR, {})
    theirs: dict[str, tuple[str, str]] = getattr(other, ENV_ATTR, {})
    for docname in docnames:
        if docname in theirs:
            texts[docname] = theirs[docname]
    setattr(env, ENV_ATTR, texts)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    context["postarchive_search"] = enabled(app)


def search_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: the archive's own ``search.html``."""
    if enabled(app):
        yield "search", {"title": "検索"}, "postarchive-search.html"


def collect(app: Sphinx) -> tuple[list[SearchDoc], list[Entity]]:
    """The posts (newest first) and the archive's entries, from the environment and the archive domain."""
    from .catalog import entry_urls, instant
    from .site import site_of

    domain = app.env.get_domain("archive")
    texts: dict[str, tuple[str, str]] = getattr(app.env, ENV_ATTR, {})
    records = sorted(
        domain.posts.values(),  # type: ignore[attr-defined]
        key=lambda r: (instant(r.meta.get("date", "")), r.docname),
        reverse=True,
    )
    docs = []
    for record in records:
        title, body = texts.get(record.docname, (record.title, ""))
        meta = record.meta
        docs.append(
            SearchDoc(
                url=app.builder.get_target_uri(record.docname),
                title=title,
                body=body,
                date=str(meta.get("date_display", "")),
                year=str(meta.get("date", ""))[:4],
                tags=tuple(meta.get("tags", [])),
                companies=tuple(meta.get("companies", [])),
                categories=tuple(meta.get("categories", [])),
            )
        )
    company_docs: dict[str, list[int]] = {}
    for doc_id, doc in enumerate(docs):
        for name in doc.companies:
            company_docs.setdefault(name, []).append(doc_id)
    registry = site_of(app).registry.by_name
    urls = entry_urls(domain, app.builder)  # type: ignore[arg-type]
    entities = []
    for (kind, name), url in sorted(urls.items()):
        entry = registry.get(name) if kind == "company" else None
        spellings = (name, *entry.aliases) if entry else (name,)
        entities.append(Entity(kind, name, url, spellings, tuple(company_docs.get(name, ()))))
    return docs, entities


def write_search_index(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or not enabled(app):
        return
    docs, entities = collect(app)
    files = index_files(docs, entities)
    write_index(Path(app.outdir) / INDEX_DIR, files)
    size = sum(len(content.encode("utf-8")) for content in files.values())
    logger.info("postarchive: search index (%d posts, %d files, %.1f MB)", len(docs), len(files), size / 1e6)


def setup_search(app: Sphinx) -> None:
    app.connect("config-inited", configure)
    app.connect("builder-inited", turn_off_stock_search)
    app.connect("doctree-read", capture_text, priority=400)
    app.connect("env-purge-doc", purge_text)
    app.connect("env-merge-info", merge_texts)
    app.connect("html-page-context", page_context)
    app.connect("html-collect-pages", search_page)
    app.connect("build-finished", write_search_index)
