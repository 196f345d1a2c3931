"""Japanese search: a compact, sharded character-bigram index, written at ``build-finished``.

Sphinx's own Japanese search splits words at index time (さくら|インターネット) but not at query time, and
drops product codes (GB200), so it misses exactly the company and product names readers search for.
Here both sides use the same rule: text is normalised (NFKC, lower case, whitespace runs → one space)
and cut into overlapping character bigrams (plus the single characters, for one-character queries, and
``x y`` across one space, so a query ``NVIDIA H200`` can rank the posts with the two words together).

A posting is ``(doc, tf, mask)``: the occurrences of the gram in the post and which of its
:data:`SEGMENTS` equal parts hold it (bit 0: the title). No positions: a term of three or more
characters is a candidate where all its bigrams sit in the same or neighbouring parts, and the browser
checks the exact phrase in the post's stored text (which it fetches anyway, for the excerpt) before it
shows the post. Postings are varints (doc ids delta-coded), and every file of a tier is stored gzip
compressed (what the host would send anyway; the browser inflates with ``DecompressionStream``).

Output (``_static/search/``, served by the site itself):

- ``meta.json``: the tiers (below) and the base ids that a newer version hides; ``entities.bin``: the entries
  (companies with their registry aliases, reading and ticker, tags, categories, authors): a query that
  is a spelling, the reading or the ticker of a company is expanded to its spellings (NVDA → NVIDIA, エヌビディア), and a query typed without
  spaces is segmented against these names (生成AI規制 → 生成AI + 規制);
- one folder per tier, ``b-<hash>/`` the base and ``d-<hash>/`` a delta of posts new or changed since
  the base was built (see :func:`plan_tiers`), each holding
  ``p/<shard>.bin``: postings, sharded by a hash of the gram (FNV-1a, same in the JS) into files of about
  :data:`SHARD_BYTES`, so a query fetches one small file per gram and tier whatever the archive's size;
  ``s.bin``: per post its length, time and facet ids (what ranking, date order and facets need for every
  candidate); ``d/<chunk>.bin``: URL, title and date shown, :data:`DOC_CHUNK` posts a file;
  ``t/<doc>.bin``: the post's text in display form, stored once (excerpt and phrase check).

Only post content (title and body, captured at ``doctree-read`` before the header and related posts are
added) is indexed; the archive's entry pages are found through their names. Data flows through the
environment with purge/merge hooks, so ``-j`` builds and incremental builds keep it complete.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import math
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
INDEX_VERSION = 3
DELTA_MIN = 64  # posts the delta tier may hold (or 5 % of the archive, whichever is more) before compaction
# Beside the doctrees, never in the deployed folder (the browser reads neither): per tier folder name,
# its fingerprints (for the next build's delta) and its description (as meta.json lists it).
TIER_CACHE = "postarchive-search"
TIER_DOCS = "docs.json"
ENTITIES = "entities.bin"  # the archive's entries and their spellings (gzip JSON: it grows with the tags)
TIER_DESCRIPTION = "tier.json"  # a tier's size, shard count and facet names, as meta.json lists it
DOC_CHUNK = 16  # posts per d/<chunk>.bin
SEGMENTS = 6  # parts of a post a gram's mask tells apart (6 bits and the title bit: one varint byte)
SHARD_BYTES = 16_000  # aimed (uncompressed) size of one postings shard
ENTITY_PREFIX = "\x00"  # the postings key "\x00NVIDIA" lists the posts that name the company
# Each post's reader text, one file per post under the doctree cache (not in the environment: Sphinx's parallel
# read sends the whole environment back from every worker chunk, so text kept there is pickled over and over).
TEXT_DIR = "postarchive-text"
WHITESPACE_RE = re.compile(r"\s+")
SPACE = 0x20
CODE_BITS = 21  # every code point fits in 21 bits: a gram is one integer (three characters: 63 bits)


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
    """The index keys of a term: overlapping bigrams (``x y`` across a space), or the single character."""
    if len(term) <= 1:
        return [term] if term else []
    found = []
    for i in range(len(term) - 1):
        if term[i + 1] == " " and i + 2 < len(term):
            found.append(term[i : i + 3])
        elif " " not in term[i : i + 2]:
            found.append(term[i : i + 2])
    return found


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


def segment_of(position: int, length: int) -> int:
    """Which of the :data:`SEGMENTS` equal parts of a text of ``length`` characters holds ``position``."""
    return position * SEGMENTS // max(1, length)


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
        """Title then body, in display form; masks in the index refer to this string."""
        return normalize(self.title) + " " + normalize(self.body)


@dataclass(frozen=True)
class Entity:
    """An entry of the archive (company, tag, category, author) whose names are exact extra terms."""

    kind: str
    name: str
    url: str
    spellings: tuple[str, ...]  # searched for in the text (name, aliases)
    keys: tuple[str, ...] = ()  # a query that is one of these means the entry too (reading, ticker)


@dataclass(frozen=True)
class Posting:
    doc: int
    tf: int  # occurrences in the post
    mask: int  # bit 0: in the title; bit 1 + s: in segment s


@dataclass
class EncodedPostings:
    """Every key's postings as varint bytes: key ``names[i]`` owns ``data[bounds[i]:bounds[i + 1]]``."""

    names: list[str]
    bounds: list[int]
    data: bytes

    def postings(self) -> dict[str, list[Posting]]:
        return {name: decode(self.data[self.bounds[i] : self.bounds[i + 1]]) for i, name in enumerate(self.names)}


def doc_grams(key: str, title_length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One post's distinct grams (as integers), with their occurrence counts and segment/title masks."""
    codes = np.frombuffer(key.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(codes)
    positions = np.arange(n, dtype=np.int64)
    word = codes != SPACE
    bigram = np.flatnonzero(word[:-1] & word[1:]) if n >= 2 else positions[:0]
    trigram = np.flatnonzero(word[:-2] & ~word[1:-1] & word[2:]) if n >= 3 else positions[:0]
    unigram = np.flatnonzero(word)
    bits = np.uint64(CODE_BITS)
    values = np.concatenate(
        [
            codes[unigram],
            (codes[bigram] << bits) | codes[bigram + 1],
            (codes[trigram] << (bits * np.uint64(2))) | (np.uint64(SPACE) << bits) | codes[trigram + 2],
        ]
    )
    starts = np.concatenate([unigram, bigram, trigram])
    ends = np.concatenate([unigram, bigram + 1, trigram + 2])
    masks = (np.uint64(1) << (starts * SEGMENTS // max(1, n) + 1).astype(np.uint64)) | (ends < title_length)
    unique, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    merged = np.zeros(len(unique), dtype=np.uint64)
    np.bitwise_or.at(merged, inverse, masks.astype(np.uint64))
    return unique, counts.astype(np.uint64), merged


def gram_name(code: int) -> str:
    mask = (1 << CODE_BITS) - 1
    chars = [code >> (2 * CODE_BITS), (code >> CODE_BITS) & mask, code & mask]
    return "".join(chr(c) for c in chars if c)


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 varints of non-negative ``values``: the bytes and, per value, where its bytes end.

    Hand-written with NumPy (no well-kept library encodes arrays of varints): a Python loop over every
    value of a 2,500-post archive would take seconds.
    """
    values = values.astype(np.uint64)
    lengths = np.ones(len(values), dtype=np.int64)
    for shift in range(7, 64, 7):
        lengths += values >= np.uint64(1 << shift)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    out = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    for k in range(int(lengths.max()) if len(lengths) else 0):
        chosen = lengths > k
        byte = (values[chosen] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (lengths[chosen] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[chosen] + k] = (byte | more).astype(np.uint8)
    return out, ends


def read_varints(data: bytes, at: int = 0, end: int | None = None) -> Iterator[int]:
    end = len(data) if end is None else end
    value = shift = 0
    while at < end:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            yield value
            value = shift = 0


def decode(data: bytes) -> list[Posting]:
    """A key's postings: the inverse of :func:`encode_postings` (the browser's ``decodePostings``)."""
    values = list(read_varints(data))
    postings, doc = [], 0
    for i in range(0, len(values), 3):
        doc += values[i]
        postings.append(Posting(doc, values[i + 1], values[i + 2]))
    return postings


def encode_postings(
    keys: list[str], title_lengths: list[int], extra: dict[str, list[int]] | None = None
) -> EncodedPostings:
    """Every gram's postings over the documents (``keys`` in matching form, in id order), as varints.

    Per key, per document in id order: ``doc delta, tf, mask``. ``extra``: keys with document lists of
    their own (the posts that name a company), written with ``tf`` 1 and mask 0.
    Vectorised with NumPy: each post's distinct grams (:func:`doc_grams`), one stable sort by gram over
    all of them (document order survives), one varint encoding of the whole array.
    """
    parts = [doc_grams(key, length) for key, length in zip(keys, title_lengths, strict=True)]
    extra = extra or {}
    if not parts and not extra:
        return EncodedPostings([], [0], b"")
    codes = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.uint64)
    docs = np.concatenate([np.full(len(p[0]), doc, dtype=np.uint64) for doc, p in enumerate(parts)]) if parts else codes
    counts = np.concatenate([p[1] for p in parts]) if parts else codes
    masks = np.concatenate([p[2] for p in parts]) if parts else codes
    del parts
    order = np.argsort(codes, kind="stable")
    codes, docs, counts, masks = codes[order], docs[order], counts[order], masks[order]
    del order
    new_gram = np.ones(len(codes), dtype=bool)
    new_gram[1:] = codes[1:] != codes[:-1]
    deltas = docs.copy()
    deltas[1:] -= np.where(new_gram[1:], np.uint64(0), docs[:-1])
    triples = np.stack([deltas, counts, masks], axis=1).reshape(-1)
    data, ends = varints(triples)
    gram_starts = np.flatnonzero(new_gram)
    byte_starts = np.concatenate([[0], ends])[3 * gram_starts]
    names = [gram_name(code) for code in codes[gram_starts].tolist()]
    bounds = [*byte_starts.tolist(), len(data)]
    blob = data.tobytes()
    for name, ids in sorted(extra.items()):
        deltas = np.diff(np.array([0, *ids], dtype=np.uint64))
        piece, _ = varints(np.stack([deltas, np.ones_like(deltas), np.zeros_like(deltas)], axis=1).reshape(-1))
        names.append(ENTITY_PREFIX + name)
        blob += piece.tobytes()
        bounds.append(len(blob))
    return EncodedPostings(names, bounds, blob)


def shard_count(total_bytes: int, shard_bytes: int = SHARD_BYTES) -> int:
    return max(16, 2 ** math.ceil(math.log2(max(1, total_bytes / shard_bytes))))


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def shard_files(postings: EncodedPostings, shard_bytes: int = SHARD_BYTES) -> tuple[int, Iterator[tuple[int, bytes]]]:
    """The number of shards and, one at a time, each shard's bytes (uncompressed).

    A shard: ``varint(keys)``, then per key (sorted) ``varint(len(utf8)), utf8, varint(len(postings))``,
    then the keys' postings one after the other.
    """
    shards = shard_count(len(postings.data), shard_bytes)
    members: dict[int, list[int]] = {}
    for number, name in enumerate(postings.names):
        members.setdefault(shard_of(name, shards), []).append(number)

    def files() -> Iterator[tuple[int, bytes]]:
        for shard in range(shards):
            chosen = sorted(members.get(shard, []), key=postings.names.__getitem__)
            head, body = [varint(len(chosen))], []
            for number in chosen:
                name = postings.names[number].encode("utf-8")
                piece = postings.data[postings.bounds[number] : postings.bounds[number + 1]]
                head += [varint(len(name)), name, varint(len(piece))]
                body.append(piece)
            yield shard, b"".join(head + body)

    return shards, files()


def read_shard(data: bytes) -> dict[str, bytes]:
    """key → postings bytes of one shard (the inverse of :func:`shard_files`; the browser's ``readShard``)."""
    at, header = 0, []
    count, at = read_varint(data, at)
    for _ in range(count):
        length, at = read_varint(data, at)
        name = data[at : at + length].decode("utf-8")
        size, at = read_varint(data, at + length)
        header.append((name, size))
    found = {}
    for name, size in header:
        found[name] = data[at : at + size]
        at += size
    return found


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def reach(term_length: int, doc_length: int) -> int:
    """How many segments before a gram's own a phrase of ``term_length`` holding it may start in."""
    return (max(0, term_length - 1) * SEGMENTS) // max(1, doc_length) + 1


def spread(mask: int, back: int) -> int:
    """The segments where a phrase holding a gram may start: the gram's own and up to ``back`` before it."""
    segments, starts = mask >> 1, 0
    for shift in range(back + 1):
        starts |= segments >> shift
    return starts


def candidates(shards: list[dict[str, bytes]], term: str, lengths: list[int]) -> set[int]:
    """The documents (of ``lengths`` characters) that may hold ``term``: every gram present, in segments the
    phrase could span. A superset of the documents that contain ``term`` (the browser then checks the text).
    """
    lists = []
    for gram in dict.fromkeys(grams(term)):
        data = shards[shard_of(gram, len(shards))].get(gram)
        if data is None:
            return set()
        lists.append({p.doc: p.mask for p in decode(data)})
    if not lists:
        return set()
    result = set()
    for doc in set.intersection(*(set(found) for found in lists)):
        back, common = reach(len(term), lengths[doc]), ~0
        for found in lists:
            common &= spread(found[doc], back)
        if common:
            result.add(doc)
    return result


def gzipped(data: bytes) -> bytes:
    """Deterministic gzip (no file name, no time): the same contents give the same file."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def facet_ids(values: Iterable[str], table: dict[str, int]) -> list[int]:
    return [table.setdefault(value, len(table)) for value in values]


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_tier_files(folder: Path, docs: list[SearchDoc]) -> dict[str, Any]:
    """Write one tier's files for ``docs`` (local ids in list order) into ``folder``; returns its description."""
    for name in ("p", "d", "t"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    facets: dict[str, dict[str, int]] = {"tag": {}, "company": {}, "category": {}}
    rows, stats, keys, title_lengths = [], [], [], []
    named: dict[str, list[int]] = {}
    for doc_id, doc in enumerate(docs):
        text = doc.text
        keys.append(fold(text))
        title_lengths.append(len(normalize(doc.title)))
        rows.append([doc.url, doc.title, doc.date])
        stats.append(len(text))
        stats.append(max(0, doc.time) // 60)
        for kind, values in (("tag", doc.tags), ("company", doc.companies), ("category", doc.categories)):
            ids = facet_ids(values, facets[kind])
            stats += [len(ids), *ids]
        for name in doc.companies:
            named.setdefault(name, []).append(doc_id)
        (folder / f"t/{doc_id}.bin").write_bytes(gzipped(text.encode("utf-8")))
    for start in range(0, len(rows), DOC_CHUNK):
        chunk = dump_json(rows[start : start + DOC_CHUNK]).encode("utf-8")
        (folder / f"d/{start // DOC_CHUNK}.bin").write_bytes(gzipped(chunk))
    (folder / "s.bin").write_bytes(gzipped(b"".join(varint(value) for value in stats)))
    postings = encode_postings(keys, title_lengths, named)
    del keys
    shards, files = shard_files(postings)
    for number, content in files:
        (folder / f"p/{number}.bin").write_bytes(gzipped(content))
    return {"docs": len(docs), "shards": shards, "facets": {k: list(t) for k, t in facets.items()}}


def fingerprint(doc: SearchDoc) -> str:
    """Changes when anything the index holds of ``doc`` changes."""
    text = dump_json([INDEX_VERSION, SHARD_BYTES, DOC_CHUNK, SEGMENTS, *dataclasses.astuple(doc)])
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
        fingerprints = json.loads((cache_dir / str(described["path"]) / TIER_DOCS).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return described, [str(value) for value in fingerprints]


def write_tier(
    index_dir: Path, cache_dir: Path, folder: str, docs: list[SearchDoc], fingerprints: list[str]
) -> dict[str, Any]:
    """Write a tier into ``folder`` (beside it first, so a reader never sees half a tier); its description.
    Its fingerprints and description go to ``cache_dir`` (beside the doctrees), for the next build.

    A folder of that name already written holds the same contents (the name is their hash): kept as it is.
    """
    target, cached = index_dir / folder, cache_dir / folder
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
    ``d-…`` the delta), each with ``p/`` postings shards, ``s.bin`` stats, ``d/`` rows and ``t/`` texts.
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
    meta = {
        "version": INDEX_VERSION,
        "docs": len(docs),
        "docChunk": DOC_CHUNK,
        "segments": SEGMENTS,
        "tiers": tiers,
        "hidden": plan.hidden,
    }
    entries = [
        [
            entity.kind,
            entity.name,
            entity.url,
            list(dict.fromkeys(search_key(s) for s in entity.spellings)),
            list(dict.fromkeys(search_key(s) for s in entity.keys)),
        ]
        for entity in entities
    ]
    (index_dir / ENTITIES).write_bytes(gzipped(dump_json(entries).encode("utf-8")))
    staging = index_dir / "meta.json.tmp"
    staging.write_text(dump_json(meta), encoding="utf-8")
    staging.replace(index_dir / "meta.json")
    keep = {tier["path"] for tier in tiers} | {"meta.json", ENTITIES}
    cache_dir.mkdir(parents=True, exist_ok=True)
    for folder in (index_dir, cache_dir):
        for stale in folder.iterdir():
            if stale.name not in keep:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    return meta


@dataclass(frozen=True)
class IndexSize:
    """What a built archive's search index weighs (every file is stored gzip compressed)."""

    posts: int
    files: int
    stored: int  # bytes on disk: what a reader downloads
    raw: int  # bytes once inflated
    postings: int  # stored bytes of p/ (the rest: texts, rows, stats, meta.json)

    @property
    def per_post(self) -> float:
        return self.stored / max(1, self.posts)


def index_size(site: Path) -> IndexSize:
    """The size of ``site``'s ``_static/search/`` (for the benchmark: ``python -m …search SITE``)."""
    index_dir = site / INDEX_DIR
    meta = json.loads((index_dir / "meta.json").read_text(encoding="utf-8"))
    files = stored = raw = postings = 0
    for path in index_dir.rglob("*"):
        if not path.is_file() or path.name in (TIER_DOCS, TIER_DESCRIPTION):
            continue  # the next build's bookkeeping: the browser never reads it
        data = path.read_bytes()
        files += 1
        stored += len(data)
        raw += len(gzip.decompress(data)) if path.suffix == ".bin" else len(data)
        postings += len(data) if path.parent.name == "p" else 0
    return IndexSize(int(meta["docs"]), files, stored, raw, postings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The size of a built archive's search index, as JSON.")
    parser.add_argument("site", type=Path, help="the html builder's output folder")
    size = index_size(parser.parse_args(argv).site)
    print(dump_json({**dataclasses.asdict(size), "per_post": round(size.per_post)}))
    return 0


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
        keys = tuple(key for key in (entry.reading, entry.ticker) if key) if entry else ()
        entities.append(Entity(kind, name, url, spellings, keys))
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


if __name__ == "__main__":
    raise SystemExit(main())
