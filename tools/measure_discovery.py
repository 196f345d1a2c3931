"""Measure organisation discovery on the labelled posts (tests/data/labelled_orgs.yml).

Half of the registry entries the labels use (``random.Random(17)``) are hidden from the registry; discovery
runs over the 30 labelled posts with what is left, and is scored on the hidden ones:

- recall: labelled (post, hidden organisation) pairs for which discovery proposes a name that spells the
  organisation (its name or an alias, or a text in which the organisation's own finder finds it);
- precision: proposed (post, name) pairs that spell an organisation labelled in that post;
- CPU seconds per 40 KB of post text (tagger loading excluded, reported apart).

    PYTHONPATH=ext python tools/measure_discovery.py [--posts=N] [patterns] [sudachi] [ginza] [build-patterns] [build-sudachi]

``build-X`` measures what a build does instead: discovery with X over all 300 posts, names proposed in two
posts become entries, and the hidden organisations are looked for with the registry plus those entries.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from postarchive.config import ArchiveConfig
from postarchive.model.discovery import as_entries, collect, discover, without_contained
from postarchive.model.mentions import mention_text
from postarchive.model.registry import Registry, load_registry
from postarchive.posts.reading import read_post

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent.parent / "shared" / "corpus" / "posts"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/posts")
GINZA_ORG_LABELS = frozenset(
    {
        "Company",
        "Company_Group",
        "Corporation_Other",
        "Organization_Other",
        "International_Organization",
        "Government",
        "Public_Institution",
        "School",
        "Research_Institute",
        "Political_Organization_Other",
        "Political_Party",
        "Military",
    }
)


class GinzaTagger:
    """GiNZA (ja_ginza, spaCy) named entities of the organisation types of Sekine's extended hierarchy."""

    name = "ginza"

    def __init__(self) -> None:
        import spacy

        self._nlp = spacy.load(
            "ja_ginza", exclude=["parser", "attribute_ruler", "compound_splitter", "bunsetu_recognizer"]
        )

    def organisations(self, text: str) -> Iterator[tuple[str, str, int]]:
        lines: list[tuple[int, str]] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            if line.strip():
                lines.append((offset, line[:10_000]))
            offset += len(line)
        for (start, _), doc in zip(lines, self._nlp.pipe([line for _, line in lines], batch_size=32), strict=True):
            for ent in doc.ents:
                if ent.label_ in GINZA_ORG_LABELS:
                    yield ent.text, ent.label_, start + ent.start_char


def tagger_of(name: str) -> Any:
    if name == "patterns":
        return None
    if name == "sudachi":
        from postarchive.model.nlp import SudachiTagger

        return SudachiTagger()
    return GinzaTagger()


def spelled(name: str, hidden: Registry) -> set[str]:
    company = hidden.lookup(name)
    if company is not None:
        return {company.name}
    return set(hidden.companies_in(name))


def split_registry(labels: dict[str, list[dict]], registry: Registry) -> tuple[list[str], set[str], Registry, Registry]:
    """(organisations the labels use, the hidden half, the registry without them, a registry of only them)."""
    used = sorted({org["name"] for orgs in labels.values() for org in orgs})
    hidden_names = set(random.Random(17).sample(used, len(used) // 2))  # noqa: S311 - a reproducible sample
    reduced = Registry(tuple(c for c in registry.companies if c.name not in hidden_names), products=registry.products)
    hidden = Registry(tuple(c for c in registry.companies if c.name in hidden_names))
    return used, hidden_names, reduced, hidden


def measure(backend: str, posts: dict[str, str], labels: dict[str, list[dict]], registry: Registry) -> None:
    used, hidden_names, reduced, hidden = split_registry(labels, registry)
    started = time.process_time()
    tagger = tagger_of(backend)
    load_seconds = time.process_time() - started
    wanted = found = proposed = right = 0
    seconds = 0.0
    size = 0
    wrong: list[str] = []
    missed: list[str] = []
    for post, text in posts.items():
        truth = {org["name"] for org in labels[post]}
        started = time.process_time()
        candidates = discover(text, reduced, tagger)
        seconds += time.process_time() - started
        size += len(text.encode("utf-8"))
        recovered: set[str] = set()
        for candidate in candidates:
            orgs = spelled(candidate.name, hidden) & truth
            proposed += 1
            if orgs:
                right += 1
                recovered |= orgs
            else:
                wrong.append(f"{candidate.name} [{candidate.source}]")
        target = truth & hidden_names
        wanted += len(target)
        found += len(target & recovered)
        missed += sorted(target - recovered)
    print(f"== {backend}: hidden {len(hidden_names)} of {len(used)} organisations")
    print(f"recall {found}/{wanted} = {found / max(wanted, 1):.3f}")
    print(f"precision {right}/{proposed} = {right / max(proposed, 1):.3f}")
    print(f"load {load_seconds:.2f} s CPU; {seconds / (size / 40_000):.3f} s CPU per 40 KB ({size / 1000:.0f} KB)")
    print("missed:", ", ".join(missed))
    print("wrong:", ", ".join(wrong))


def measure_build(backend: str, posts: dict[str, str], labels: dict[str, list[dict]], registry: Registry) -> None:
    """What a build does: discovery over all 300 posts, names proposed in two posts become entries."""
    _used, hidden_names, reduced, hidden = split_registry(labels, registry)
    tagger = tagger_of(backend)
    corpus = read_texts(sorted(p.name for p in CORPUS.glob("*.md")))
    started = time.process_time()
    per_post = [(name, discover(text, reduced, tagger)) for name, text in corpus.items()]
    seconds = time.process_time() - started
    entries = as_entries(without_contained(collect(per_post, 2)), lambda name: name)
    combined = Registry(reduced.companies + entries)
    discovered_names = {entry.name for entry in entries}
    wanted = found = proposed = right = 0
    wrong: list[str] = []
    missed: list[str] = []
    for post, text in posts.items():
        truth = {org["name"] for org in labels[post]}
        names = [n for n in combined.companies_in(text) if n in discovered_names]
        recovered: set[str] = set()
        for name in names:
            orgs = spelled(name, hidden) & truth
            proposed += 1
            if orgs:
                right += 1
                recovered |= orgs
            else:
                wrong.append(name)
        target = truth & hidden_names
        wanted += len(target)
        found += len(target & recovered)
        missed += sorted(target - recovered)
    print(f"== build with {backend}: {len(entries)} discovered entries over {len(corpus)} posts, {seconds:.1f} s CPU")
    print(f"recall {found}/{wanted} = {found / max(wanted, 1):.3f}")
    print(f"precision {right}/{proposed} = {right / max(proposed, 1):.3f}")
    print("missed:", ", ".join(missed))
    print("wrong:", ", ".join(wrong))
    print("entries:", ", ".join(e.name for e in entries))


def read_texts(names: Iterable[str]) -> dict[str, str]:
    texts = {}
    for name in names:
        post = read_post(CORPUS / name, tz=ArchiveConfig().tz).post
        assert post is not None, name
        texts[name] = mention_text(post, post.body)
    return texts


def main(argv: list[str]) -> None:
    labels = yaml.safe_load((REPO / "tests" / "data" / "labelled_orgs.yml").read_text(encoding="utf-8"))["posts"]
    registry, _ = load_registry(REPO / "docs" / "companies.yml")
    limit = next((int(arg.removeprefix("--posts=")) for arg in argv if arg.startswith("--posts=")), len(labels))
    argv = [arg for arg in argv if not arg.startswith("--posts=")]
    posts = read_texts(list(labels)[:limit])
    for backend in argv or ["patterns", "sudachi", "ginza"]:
        if backend.startswith("build-"):
            measure_build(backend.removeprefix("build-"), posts, labels, registry)
        else:
            measure(backend, posts, labels, registry)


if __name__ == "__main__":
    main(sys.argv[1:])
