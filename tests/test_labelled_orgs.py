"""The mention finder against hand-labelled ground truth: 30 corpus posts, every organisation they name.

`tests/data/labelled_orgs.yml` lists, per post, the organisations a reader finds in its prose (the labelling
conventions are in its header). Here the registry is loaded with the archive's own loader, each post is read
with the archive's reader and cut with `postarchive.site.mention_text` (title and prose, no boilerplate), and
companies are found the way the build finds them: the registry plus the entries discovery makes of the
organisations two corpus posts name that the registry lacks (SudachiPy and the organisation patterns over
all 300 posts), scored over (post, organisation) pairs. Tags never add a company (the corpus's tags are
generated and name companies a post never mentions).

The corpus is `../shared/corpus/posts` next to the repository, or `$POSTARCHIVE_CORPUS`.
"""

from __future__ import annotations

import os
import random
from functools import cache
from pathlib import Path

import pytest
import yaml
from postarchive.config import ArchiveConfig
from postarchive.model import nlp
from postarchive.model.discovery import as_entries, discovered_in, propose
from postarchive.model.mentions import mention_text
from postarchive.model.registry import Registry, load_registry, match_key
from postarchive.posts.reading import read_post

REPO = Path(__file__).resolve().parents[1]
REGISTRY = REPO / "docs" / "companies.yml"
LABELS = Path(__file__).parent / "data" / "labelled_orgs.yml"
CORPUS = Path(os.environ.get("POSTARCHIVE_CORPUS") or REPO.parent / "shared" / "corpus" / "posts")
SEED, SAMPLE = 17, 30
MIN_RECALL, MIN_PRECISION = 0.95, 0.97


@cache
def labels() -> dict[str, list[dict]]:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    return data["posts"]


@cache
def registry() -> Registry:
    loaded, problems = load_registry(REGISTRY)
    assert not problems, [f"{p.location()}: {p.message}" for p in problems]
    return loaded


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"corpus missing: {CORPUS}")
        pytest.skip(f"corpus missing: {CORPUS} (set POSTARCHIVE_CORPUS)")
    return CORPUS


@cache
def text_of(name: str) -> str:
    result = read_post(CORPUS / name, tz=ArchiveConfig().tz)
    assert result.post is not None, (name, [p.message for p in result.problems])
    return mention_text(result.post, result.post.body)


def test_every_labelled_organisation_is_in_the_registry() -> None:
    by_name = registry().by_name
    missing = sorted({org["name"] for orgs in labels().values() for org in orgs} - set(by_name))
    assert not missing


def test_labels_are_well_formed() -> None:
    posts = labels()
    assert len(posts) == SAMPLE
    for post, orgs in posts.items():
        names = [org["name"] for org in orgs]
        assert orgs and len(names) == len(set(names)), post
        assert all(org.get("surfaces") for org in orgs), post


def test_the_sample_is_the_seeded_one() -> None:
    corpus = corpus_or_skip()
    names = [path.name for path in corpus.iterdir() if path.suffix == ".md"]
    assert list(labels()) == random.Random(SEED).sample(sorted(names), SAMPLE)


def test_every_surface_occurs_in_its_post() -> None:
    """The labels describe the text the finder sees (so a miss is the finder's, not a stale label)."""
    corpus_or_skip()
    absent = [
        (post, surface)
        for post, orgs in labels().items()
        for org in orgs
        for surface in org["surfaces"]
        if match_key(surface) not in match_key(text_of(post))
    ]
    assert not absent


@cache
def build_registry() -> Registry:
    """The registry plus what the build's discovery adds over the whole corpus."""
    tagger = nlp.load_tagger()
    names = sorted(path.name for path in CORPUS.glob("*.md"))
    per_post = [(name, propose(text_of(name), tagger)) for name in names]
    discovered = discovered_in(per_post, registry(), ArchiveConfig().discovery_min_posts)
    return registry().with_entries(as_entries(discovered, lambda name: name))


def score() -> tuple[float, float, list[tuple[str, str]], list[tuple[str, str]]]:
    hits = 0
    misses: list[tuple[str, str]] = []
    false_hits: list[tuple[str, str]] = []
    for post, orgs in labels().items():
        truth = {org["name"] for org in orgs}
        found = set(build_registry().companies_in(text_of(post)))
        hits += len(truth & found)
        misses += [(post, name) for name in sorted(truth - found)]
        false_hits += [(post, name) for name in sorted(found - truth)]
    recall = hits / (hits + len(misses))
    precision = hits / (hits + len(false_hits))
    return recall, precision, misses, false_hits


def test_recall_and_precision_of_the_finder_on_labelled_posts(capsys: pytest.CaptureFixture[str]) -> None:
    corpus_or_skip()
    recall, precision, misses, false_hits = score()
    report = "\n".join(
        [
            f"recall {recall:.3f}  precision {precision:.3f}",
            *(f"  miss       {post}: {name}" for post, name in misses),
            *(f"  false hit  {post}: {name}" for post, name in false_hits),
        ]
    )
    with capsys.disabled():
        print("\n" + report)
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, report
