"""Japanese search: a sharded character-bigram index with positions, written at ``build-finished``.

Sphinx's own Japanese search splits words at index time (さくら|インターネット) but not at query time, and
drops product codes (GB200), so it misses exactly the company and product names readers search for; its
single ``searchindex.js`` also grows with the archive. Here both sides use the same rule: text is
normalised (NFKC, lower case, whitespace runs → one space) and cut into overlapping character bigrams;
a one-character query uses unigram postings. Postings carry positions, so a document matches a term only
when the term's bigrams sit at consecutive positions: the exact phrase, never just the same bigrams
scattered over the page (precision). Every term of a query must match.

Output (``_static/search/``, served by the site itself):

- ``meta.json``: the tiers (below) with their sizes, shard counts and facet names, the base ids that a
  newer version hides, and the archive's entries (companies with their registry aliases, tags,
  categories, authors) as exact extra terms: a query for an alias (エヌビディア) also finds the posts
  that name the company (NVIDIA);
- one folder per tier, ``b-<hash>/`` the base and ``d-<hash>/`` a delta of posts new or changed since
  the base was built (see :func:`plan_tiers`), each holding
  ``p/<shard>.json``: the postings, sharded by a hash of the bigram (FNV-1a, same in the JS), so one query
  fetches one small file per distinct bigram and tier, whatever the archive's size;
  ``d/<chunk>.json``: per-post URL, title, date (JST), year, facet ids and time, in chunks of posts;
  ``t/<doc>-<chunk>.txt``: the normalised text in overlapping chunks, for excerpts around a match.

Only post content (title and body, captured at ``doctree-read`` before the header and related posts are
added) is indexed; the archive's entry pages are found through their names. Data flows through the
environment with purge/merge hooks, so ``-j`` builds and incremental builds keep it complete.
"""

from __future__ import annotations

import dataclasses
import hashlib
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

from ...assets import TEMPLATES_DIR
from ...domain.archive import ArchiveDomain
from ...model.kinds import HTML_BUILDERS
from ...pages.header import GENERATED_CLASSES

logger = logging.getLogger(__name__)


INDEX_DIR = "_static/search"
INDEX_VERSION = 2
DELTA_MIN = 64  # posts the delta tier may hold (or 5 % of the archive, whichever is more) before compaction
# Beside the doctrees, never in the deployed folder (the browser reads neither): per tier folder name,
# its fingerprints (for the next build's delta) and its description (as meta.json lists it).
TIER_CACHE = "postarchive-search"
TIER_DOCS = "docs.json"
TIER_DESCRIPTION = "tier.json"
DOC_CHUNK = 64  # posts per d/<chunk>.json
TEXT_CHUNK = 4096  # characters per t/<doc>-<chunk>.txt (each file overlaps the next by TEXT_OVERLAP)
TEXT_OVERLAP = 256
SHARD_BYTES = 48_000  # aimed size of one postings shard
# Each post's reader text, one file per post under the doctree cache (not in the environment: Sphinx's parallel
# read sends the whole environment back from every worker chunk, so text kept there is pickled over and over).
TEXT_DIR = "postarchive-text"
WHITESPACE_RE = re.compile(r"\s+")


# --- pure core ---------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """The display form: NFKC, whitespace runs as one space, stripped (ＧＢ２００ → GB200)."""
    return WHITESPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def fold(text: str) -> str:
    """Lower case, one character for one (a character whose lower case is longer stays as it is).

    ``str.lower()`` never shortens a text, so when the length is kept every character was lowered
    alone, as the browser's ``fold`` does; the only context rule it applies is the final sigma (Σ).
    """
    lowered = text.lower()
    if len(lowered) == len(text) and "\u03a3" not in text:
        return lowered
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
    time: int = 0  # seconds since the epoch: newest first among equally good results

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


@dataclass
class SearchIndex:
    shards: int
    postings: list[dict[str, list[int]]] = field(default_factory=list)  # shard → gram → encoded postings


SPACE = 0x20
CODE_BITS = 21  # every code point fits in 21 bits: a bigram is one 42-bit integer
BUCKETS = 4  # the bigram rows are encoded in this many parts (by second character), to bound memory


@dataclass
class EncodedPostings:
    """Every gram's encoded postings in one array: gram ``names[i]`` owns ``encoded[bounds[i]:bounds[i + 1]]``."""

    names: list[str]
    bounds: np.ndarray
    encoded: np.ndarray

    def postings(self) -> dict[str, list[int]]:
        values, bounds = self.encoded.tolist(), self.bounds.tolist()
        return {name: values[bounds[i] : bounds[i + 1]] for i, name in enumerate(self.names)}


def build_postings(keys: list[str]) -> dict[str, list[int]]:
    """gram → encoded postings over documents in order.

    A bigram's postings are ``doc delta, count, first position, position deltas…`` per document; a
    unigram's are doc deltas only. Bigrams across a space are never queried and not stored.
    """
    return encode_postings(keys).postings()


def encode_postings(keys: list[str]) -> EncodedPostings:
    """The postings of :func:`build_postings` as arrays (what the index writer streams from).

    Vectorised with NumPy (the per-character Python loop took 13 s for 1,000 posts): each document's
    bigrams become integers in position order, one stable sort by bigram groups them while keeping
    document and position order, and the encoding is computed on whole arrays. 32-bit document ids,
    positions and values, and no Python list of all postings, keep 3,000 posts well under a gigabyte.
    """
    # rows go to BUCKETS by their second character, so each sort and encoding works on a quarter of them
    buckets: list[tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]] = [([], [], []) for _ in range(BUCKETS)]
    char_parts: list[np.ndarray] = []
    char_doc_parts: list[np.ndarray] = []
    for doc, key in enumerate(keys):
        codes = np.frombuffer(key.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
        if len(codes) >= 2:
            left, right = codes[:-1], codes[1:]
            kept = np.flatnonzero((left != SPACE) & (right != SPACE))
            grams = (left[kept] << np.uint64(CODE_BITS)) | right[kept]
            positions = kept.astype(np.int32)
            bucket_of = right[kept] % np.uint64(BUCKETS)
            for number, (gram_parts, doc_parts, position_parts) in enumerate(buckets):
                chosen = bucket_of == number
                gram_parts.append(grams[chosen])
                position_parts.append(positions[chosen])
                doc_parts.append(np.full(int(chosen.sum()), doc, dtype=np.int32))
        chars = np.unique(codes)
        chars = chars[chars != SPACE]
        char_parts.append(chars)
        char_doc_parts.append(np.full(len(chars), doc, dtype=np.int32))
    empty = np.zeros(0, dtype=np.int32)
    pieces = []
    for number in range(BUCKETS):
        gram_parts, doc_parts, position_parts = buckets[number]
        buckets[number] = ([], [], [])
        if gram_parts:
            rows = [np.concatenate(parts) for parts in (gram_parts, doc_parts, position_parts)]
            del gram_parts, doc_parts, position_parts  # the parts and the whole must not both stay in memory
            pieces.append(encode_bigrams(rows))
    if char_parts:
        pieces.append(encode_unigrams(np.concatenate(char_parts), np.concatenate(char_doc_parts)))
    return join_postings(pieces) if pieces else EncodedPostings([], np.zeros(1, dtype=np.int64), empty)


def join_postings(pieces: list[EncodedPostings]) -> EncodedPostings:
    """One :class:`EncodedPostings` of pieces that hold different grams."""
    names: list[str] = []
    bounds: list[np.ndarray] = []
    offset = 0
    for piece in pieces:
        names += piece.names
        bounds.append(piece.bounds[:-1] + offset)
        offset += len(piece.encoded)
    bounds.append(np.array([offset], dtype=np.int64))
    return EncodedPostings(names, np.concatenate(bounds), np.concatenate([piece.encoded for piece in pieces]))


def encode_bigrams(rows: list[np.ndarray]) -> EncodedPostings:
    """The bigram postings of ``rows`` = [grams, docs, positions], given in document, then position order.

    Takes the arrays out of ``rows`` (which it empties), so each is freed as soon as its sorted copy exists.
    """
    grams, docs, positions = rows
    rows.clear()
    count = len(grams)
    if count == 0:
        return EncodedPostings([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    order = np.argsort(grams, kind="stable")  # stable: document and position order survive within a gram
    grams = grams[order]
    docs = docs[order]
    positions = positions[order]
    del order
    new_gram = np.ones(count, dtype=bool)
    new_gram[1:] = grams[1:] != grams[:-1]
    new_doc = new_gram.copy()
    new_doc[1:] |= docs[1:] != docs[:-1]
    starts = np.flatnonzero(new_doc)  # the first row of each (gram, doc) group
    start_docs = docs[starts]
    del docs
    previous_docs = np.zeros_like(start_docs)
    previous_docs[1:] = start_docs[:-1]
    previous_docs[new_gram[starts]] = 0  # a gram's first document is counted from 0
    deltas = positions.copy()
    deltas[1:] -= np.where(new_doc[1:], 0, positions[:-1])
    del positions
    where = np.arange(count, dtype=np.int64) + 2 * np.cumsum(new_doc, dtype=np.int64)  # after the group's header
    del new_doc
    encoded = np.empty(count + 2 * len(starts), dtype=np.int32)
    encoded[where] = deltas
    encoded[where[starts] - 2] = start_docs - previous_docs
    encoded[where[starts] - 1] = np.diff(np.append(starts, count))
    gram_starts = np.flatnonzero(new_gram)
    bounds = np.append(where[gram_starts] - 2, len(encoded))
    mask = (1 << CODE_BITS) - 1
    names = [chr(code >> CODE_BITS) + chr(code & mask) for code in grams[gram_starts].tolist()]
    return EncodedPostings(names, bounds, encoded)


def encode_unigrams(chars: np.ndarray, docs: np.ndarray) -> EncodedPostings:
    """The unigram postings (document deltas) of (char, doc) rows given in document order."""
    count = len(chars)
    if count == 0:
        return EncodedPostings([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    order = np.argsort(chars, kind="stable")
    chars, docs = chars[order], docs[order]
    new_char = np.ones(count, dtype=bool)
    new_char[1:] = chars[1:] != chars[:-1]
    deltas = docs.copy()
    deltas[1:] -= np.where(new_char[1:], 0, docs[:-1])
    char_starts = np.flatnonzero(new_char)
    names = [chr(code) for code in chars[char_starts].tolist()]
    return EncodedPostings(names, np.append(char_starts, count).astype(np.int64), deltas.astype(np.int32))


def shard_count(total_bytes: int, shard_bytes: int = SHARD_BYTES) -> int:
    return max(16, 2 ** math.ceil(math.log2(max(1, total_bytes / shard_bytes))))


def shard_texts(postings: EncodedPostings, shard_bytes: int = SHARD_BYTES) -> tuple[int, Iterator[tuple[int, str]]]:
    """The number of shards and, one at a time, each shard's JSON (as ``json.dumps`` of its sorted dict).

    One shard's text at a time, so the whole index is never held in memory as Python objects.
    """
    lengths = np.diff(postings.bounds)
    total = sum(len(name) * 3 + 6 for name in postings.names) + 4 * int(lengths.sum())
    shards = shard_count(total, shard_bytes)
    members: dict[int, list[int]] = {}
    for number, name in enumerate(postings.names):
        members.setdefault(shard_of(name, shards), []).append(number)
    bounds = postings.bounds.tolist()

    def texts() -> Iterator[tuple[int, str]]:
        for shard in range(shards):
            chosen = sorted(members.get(shard, []), key=postings.names.__getitem__)
            parts = [
                dump_json(postings.names[number])
                + ":["
                + ",".join(map(str, postings.encoded[bounds[number] : bounds[number + 1]].tolist()))
                + "]"
                for number in chosen
            ]
            yield shard, "{" + ",".join(parts) + "}"

    return shards, texts()


def shard_postings(postings: dict[str, list[int]], shard_bytes: int = SHARD_BYTES) -> SearchIndex:
    """Spread the postings over a power-of-two number of shards of about ``shard_bytes`` each."""
    total = sum(len(gram) * 3 + 6 + 4 * len(encoded) for gram, encoded in postings.items())
    shards = shard_count(total, shard_bytes)
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


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_tier_files(folder: Path, docs: list[SearchDoc]) -> dict[str, Any]:
    """Write one tier's files for ``docs`` (local ids in list order) into ``folder``; returns its description.

    Streams: text chunks and shards are written as they are made, so memory stays bounded by the
    postings arrays (the whole index as Python strings would be 3 × its size on disk).
    """
    for name in ("p", "d", "t"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    facets: dict[str, dict[str, int]] = {"tag": {}, "company": {}, "category": {}}
    rows = []
    keys = []
    for doc_id, doc in enumerate(docs):
        text = doc.text
        keys.append(fold(text))
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
                doc.time,
            ]
        )
        for number, chunk in text_chunks(text):
            (folder / f"t/{doc_id}-{number}.txt").write_text(chunk, encoding="utf-8")
    for start in range(0, len(rows), DOC_CHUNK):
        (folder / f"d/{start // DOC_CHUNK}.json").write_text(
            dump_json(rows[start : start + DOC_CHUNK]), encoding="utf-8"
        )
    postings = encode_postings(keys)
    del keys
    shards, texts = shard_texts(postings)
    for number, content in texts:
        (folder / f"p/{number}.json").write_text(content, encoding="utf-8")
    return {"docs": len(docs), "shards": shards, "facets": {k: list(t) for k, t in facets.items()}}


def fingerprint(doc: SearchDoc) -> str:
    """Changes when anything the index holds of ``doc`` changes."""
    text = dump_json([INDEX_VERSION, SHARD_BYTES, DOC_CHUNK, TEXT_CHUNK, *dataclasses.astuple(doc)])
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def tier_name(prefix: str, fingerprints: list[str]) -> str:
    return prefix + hashlib.sha1("\n".join(fingerprints).encode(), usedforsecurity=False).hexdigest()[:12]


@dataclass
class TierPlan:
    """Which tiers serve the current posts: the base (kept from an earlier build when it still fits) and a delta."""

    base: list[str]  # fingerprints, by base id
    base_docs: list[SearchDoc] | None  # None: the base is kept as it is on disk
    delta: list[SearchDoc]
    hidden: list[int]  # base ids whose post changed or left
    ids: list[int]  # the global id of each current doc (base ids first, then len(base) + delta id)


def plan_tiers(docs: list[SearchDoc], previous_base: list[str] | None) -> TierPlan:
    """Keep the previous base and put what changed into a small delta, or rebuild the base (compaction).

    An edit, a new post or a deleted post then rewrites only the delta (a few posts) and ``meta.json``,
    not the whole index: the base's folder name is the hash of its contents, so it stays as it is on
    disk (and in the reader's cache). The base is rebuilt once the delta and the hidden base entries
    together pass ``max(DELTA_MIN, 5 %)`` of the posts.
    """
    fingerprints = [fingerprint(doc) for doc in docs]
    if previous_base is not None:
        base_ids = {value: number for number, value in enumerate(previous_base)}
        live = set(fingerprints)
        delta = [doc for doc, value in zip(docs, fingerprints, strict=True) if value not in base_ids]
        hidden = [number for number, value in enumerate(previous_base) if value not in live]
        if len(delta) + len(hidden) <= max(DELTA_MIN, len(docs) // 20):
            ids, next_delta = [], len(previous_base)
            for value in fingerprints:
                if value in base_ids:
                    ids.append(base_ids[value])
                else:
                    ids.append(next_delta)
                    next_delta += 1
            return TierPlan(previous_base, None, delta, hidden, ids)
    return TierPlan(fingerprints, docs, [], [], list(range(len(docs))))


def read_previous_base(index_dir: Path, cache_dir: Path) -> tuple[dict[str, Any], list[str]] | None:
    """The base tier of the index an earlier build wrote: its description in ``meta.json`` and its fingerprints."""
    try:
        meta = json.loads((index_dir / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != INDEX_VERSION:
            return None
        described = dict(meta["tiers"][0])
        if not (index_dir / str(described["path"])).is_dir():
            return None
        fingerprints = json.loads((cache_dir / str(described["path"]) / TIER_DOCS).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return described, [str(value) for value in fingerprints]


def write_tier(
    index_dir: Path, cache_dir: Path, folder: str, docs: list[SearchDoc], fingerprints: list[str]
) -> dict[str, Any]:
    """Write a tier into ``folder`` (beside it first, so a reader never sees half a tier); its description.

    A folder of that name already written holds the same contents (the name is their hash): kept as it is.
    """
    target = index_dir / folder
    cached = cache_dir / folder
    try:
        if target.is_dir() and (cached / TIER_DOCS).is_file():
            return dict(json.loads((cached / TIER_DESCRIPTION).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    staging = index_dir / (folder + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    described = {"path": folder, **write_tier_files(staging, docs)}
    cached.mkdir(parents=True, exist_ok=True)
    (cached / TIER_DESCRIPTION).write_text(dump_json(described), encoding="utf-8")
    (cached / TIER_DOCS).write_text(dump_json(fingerprints), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return described


def write_index(index_dir: Path, docs: list[SearchDoc], entities: list[Entity], cache_dir: Path) -> dict[str, Any]:
    """Write the index of ``docs`` (newest first) into ``index_dir``; returns what ``meta.json`` says.

    Layout: ``meta.json`` (tiers, hidden base ids, entries) and one folder per tier (``b-…`` the base,
    ``d-…`` the delta), each with ``p/`` postings shards, ``d/`` rows and ``t/`` text chunks.
    A post's global id is its id in its tier, plus the base's size for the delta.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = read_previous_base(index_dir, cache_dir)
    plan = plan_tiers(docs, previous[1] if previous else None)
    tiers: list[dict[str, Any]] = []
    if plan.base_docs is None and previous is not None:
        tiers.append(previous[0])  # the base folder, kept as it is
    else:
        tiers.append(write_tier(index_dir, cache_dir, tier_name("b-", plan.base), plan.base_docs or [], plan.base))
    if plan.delta:
        delta_fingerprints = [fingerprint(doc) for doc in plan.delta]
        tiers.append(
            write_tier(index_dir, cache_dir, tier_name("d-", delta_fingerprints), plan.delta, delta_fingerprints)
        )
    company_docs: dict[str, list[int]] = {}
    for doc, global_id in zip(docs, plan.ids, strict=True):
        for name in doc.companies:
            company_docs.setdefault(name, []).append(global_id)
    meta = {
        "version": INDEX_VERSION,
        "docs": len(docs),
        "docChunk": DOC_CHUNK,
        "textChunk": TEXT_CHUNK,
        "tiers": tiers,
        "hidden": plan.hidden,
        "entities": [
            [
                entity.kind,
                entity.name,
                entity.url,
                [search_key(s) for s in entity.spellings],
                company_docs.get(entity.name, []) if entity.kind == "company" else [],
            ]
            for entity in entities
        ],
    }
    staging = index_dir / "meta.json.tmp"
    staging.write_text(dump_json(meta), encoding="utf-8")
    staging.replace(index_dir / "meta.json")
    keep = {tier["path"] for tier in tiers} | {"meta.json"}
    cache_dir.mkdir(parents=True, exist_ok=True)
    for folder in (index_dir, cache_dir):
        for stale in folder.iterdir():
            if stale.name not in keep:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    return meta


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


def text_file(env: BuildEnvironment, docname: str) -> Path:
    return Path(env.doctreedir) / TEXT_DIR / f"{docname}.json"


def capture_text(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: a post's title and body text (without the generated header and related posts), to a file
    of its own (each worker writes only the posts it reads, so parallel reads never share a file)."""
    meta = app.env.get_domain("archive").post_meta(app.env.docname)  # type: ignore[attr-defined]
    if meta is None:
        return
    sections = [node for node in doctree.children if isinstance(node, nodes.section)]
    if not sections:
        return
    top = sections[0]
    title = next((reader_text(child) for child in top.children if isinstance(child, nodes.title)), "")
    body = "\n".join(
        reader_text(child)
        for child in top.children
        if not isinstance(child, nodes.title) and not GENERATED_CLASSES & set(child.get("classes", []))
    )
    path = text_file(app.env, app.env.docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([title or meta.title, body], ensure_ascii=False), encoding="utf-8")


def purge_text(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    text_file(env, docname).unlink(missing_ok=True)


def read_text(env: BuildEnvironment, docname: str, default_title: str) -> tuple[str, str]:
    try:
        title, body = json.loads(text_file(env, docname).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default_title, ""
    return str(title), str(body)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    context["postarchive_search"] = enabled(app)


def search_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: the archive's own ``search.html``."""
    if enabled(app):
        yield "search", {"title": "検索"}, "postarchive-search.html"


def collect(app: Sphinx) -> tuple[list[SearchDoc], list[Entity]]:
    """The posts (newest first) and the archive's entries, from the environment and the archive domain."""
    from ...builders.html.catalog import entry_urls
    from ...domain.state import archive_state

    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    docs = []
    for record in domain.newest_posts():
        title, body = read_text(app.env, record.docname, record.title)
        meta = record.meta
        docs.append(
            SearchDoc(
                url=app.builder.get_target_uri(record.docname),
                title=title,
                body=body,
                date=meta.date_display,
                year=meta.date[:4],
                tags=meta.tags,
                companies=meta.companies,
                categories=meta.categories,
                time=int(meta.timestamp),
            )
        )
    registry = archive_state(app.env).registry.by_name
    urls = entry_urls(domain, app.builder)
    entities = []
    for (kind, name), url in sorted(urls.items()):
        entry = registry.get(name) if kind == "company" else None
        spellings = (name, *entry.aliases) if entry else (name,)
        entities.append(Entity(kind, name, url, spellings))
    return docs, entities


def write_search_index(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or not enabled(app):
        return
    docs, entities = collect(app)
    meta = write_index(Path(app.outdir) / INDEX_DIR, docs, entities, Path(app.doctreedir) / TIER_CACHE)
    tiers = meta["tiers"]
    logger.info(
        "postarchive: search index (%d posts: base %d%s%s)",
        len(docs),
        tiers[0]["docs"],
        f", delta {tiers[1]['docs']}" if len(tiers) > 1 else "",
        f", {len(meta['hidden'])} hidden" if meta["hidden"] else "",
    )


def setup_search(app: Sphinx) -> None:
    app.connect("config-inited", configure)
    app.connect("builder-inited", turn_off_stock_search)
    app.connect("doctree-read", capture_text)
    app.connect("env-purge-doc", purge_text)
    app.connect("html-page-context", page_context)
    app.connect("html-collect-pages", search_page)
    app.connect("build-finished", write_search_index)
