"""Measure company mention detection on a folder of real posts (issue 3's acceptance).

Recall: of the posts whose text names one of ten big companies (found with plain, independent
regular expressions), how many list that company? Precision: print random mentions with their
context so a person can judge them.

    .venv/bin/python tools/measure_mentions.py --posts ../shared/corpus/posts --sample 50

Exit status 1 when recall is below ``--min-recall`` (97 % by default).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from postarchive.config import ArchiveConfig
from postarchive.model.mentions import mention_text
from postarchive.model.registry import Registry, load_registry
from postarchive.posts.liquid import remove_liquid
from postarchive.posts.reading import read_post

REPO = Path(__file__).resolve().parents[1]
B = r"(?<![A-Za-z0-9_])"  # ASCII word boundary before
E = r"(?![A-Za-z0-9_])"  # and after
TARGETS: dict[str, re.Pattern[str]] = {
    "Google": re.compile(rf"{B}(?i:google){E}|グーグル"),
    "OpenAI": re.compile(rf"{B}(?i:openai){E}|オープンAI"),
    "NVIDIA": re.compile(rf"{B}(?i:nvidia){E}|エヌビディア"),
    "Microsoft": re.compile(rf"{B}(?i:microsoft){E}|マイクロソフト"),
    "Amazon": re.compile(rf"{B}(?i:amazon){E}|アマゾン"),
    "Meta": re.compile(rf"{B}Meta{E}|{B}(?i:facebook){E}|フェイスブック"),
    "xAI": re.compile(rf"{B}xAI{E}"),
    "Anthropic": re.compile(rf"{B}(?i:anthropic){E}|アンソロピック"),
    "Apple": re.compile(rf"{B}Apple{E}|アップル(?!パイ)"),
    "ByteDance": re.compile(rf"{B}(?i:bytedance){E}|バイトダンス"),
}


@dataclass
class PostResult:
    name: str
    text: str
    named: set[str]  # targets the text names (independent regexes)
    listed: list[str]  # companies the archive lists for the post


def family(registry: Registry, name: str) -> set[str]:
    """``name`` and every entry below it (children, grandchildren…)."""
    members = {name}
    frontier = [name]
    while frontier:
        current = frontier.pop()
        for child in registry.children(current):
            if child.name not in members:
                members.add(child.name)
                frontier.append(child.name)
    return members


def analyse(posts_dir: Path, registry: Registry) -> list[PostResult]:
    results = []
    for path in sorted(posts_dir.iterdir()):
        if path.suffix.lower() not in (".md", ".markdown"):
            continue
        post = read_post(path, tz=ArchiveConfig().tz).post
        if post is None:
            continue
        body = remove_liquid(post.body).text
        text = mention_text(post, body)
        # the text a reader reads (no link URLs, no boilerplate book boxes), matched independently; tags
        # never name a company (issue 17)
        named = {target for target, pattern in TARGETS.items() if pattern.search(text)}
        results.append(PostResult(path.name, text, named, registry.companies_in(text)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", default=str(REPO.parent / "shared" / "corpus" / "posts"))
    parser.add_argument("--registry", default=str(REPO / "docs" / "companies.yml"))
    parser.add_argument("--sample", type=int, default=50, help="random mentions to print for a precision check")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--min-recall", type=float, default=0.97)
    parser.add_argument("--show-misses", type=int, default=10)
    args = parser.parse_args(argv)

    registry, problems = load_registry(Path(args.registry))
    for problem in problems:
        print(f"registry: {problem.location()}: {problem.message}", file=sys.stderr)
    results = analyse(Path(args.posts), registry)
    print(f"{len(results)} posts, registry of {len(registry.companies)} entries ({args.registry})")
    print()
    print(f"{'company':<10} {'named':>6} {'listed':>7} {'recall':>7}   {'+children':>9}")
    total_named = total_listed = total_family = 0
    misses: list[tuple[str, str]] = []
    for target in TARGETS:
        if registry.lookup(target) is None:
            print(f"{target:<10} not in the registry")
            continue
        canonical = registry.lookup(target).name  # type: ignore[union-attr]
        members = family(registry, canonical)
        named = [r for r in results if target in r.named]
        listed = [r for r in named if canonical in r.listed]
        with_children = [r for r in named if members & set(r.listed)]
        misses += [(target, r.name) for r in named if canonical not in r.listed]
        total_named += len(named)
        total_listed += len(listed)
        total_family += len(with_children)
        recall = len(listed) / len(named) if named else 1.0
        family_recall = len(with_children) / max(1, len(named))
        print(f"{target:<10} {len(named):>6} {len(listed):>7} {recall:>7.1%}   {family_recall:>9.1%}")
    recall = total_listed / total_named if total_named else 1.0
    print(f"{'all':<10} {total_named:>6} {total_listed:>7} {recall:>7.1%}   {total_family / max(1, total_named):>9.1%}")
    print("(named = post text matches the independent pattern; listed = the archive lists the company itself;")
    print(" +children = it lists the company or an entry under it, e.g. AWS for Amazon)")
    if misses and args.show_misses:
        print("\nmisses (post, company):")
        for target, name in misses[: args.show_misses]:
            print(f"  {name}: {target}")

    if args.sample:
        rng = random.Random(args.seed)  # noqa: S311 (a reproducible sample, not security)
        mentions = [(r, m) for r in results for m in registry.find_mentions(r.text)]
        print(f"\n{len(mentions)} mentions in all; {args.sample} at random (seed {args.seed}) for a precision check:")
        for index, (result, mention) in enumerate(rng.sample(mentions, min(args.sample, len(mentions))), start=1):
            before = result.text[max(0, mention.start - 18) : mention.start].replace("\n", " ")
            after = result.text[mention.end : mention.end + 18].replace("\n", " ")
            found = result.text[mention.start : mention.end]
            print(f"{index:>3}. {mention.company:<16} …{before}【{found}】{after}…  ({result.name})")
    return 0 if recall >= args.min_recall else 1


if __name__ == "__main__":
    sys.exit(main())
