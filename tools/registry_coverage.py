"""Measure how well docs/companies.yml covers the organisations that posts name.

    python tools/registry_coverage.py [--posts DIR ...] [--min-posts 2] [--top 400]

1. Candidate organisation names are collected from every post: Latin capitalised words and phrases, katakana
   runs, 株式会社X / X株式会社, X社, Xグループ, 「X」 and kanji names ending in 省/庁/大学/研究所/機構/協会/….
2. Each candidate found in at least ``--min-posts`` posts is checked against the registry with a matcher that
   follows the archive's rules (NFKC, longest match, ASCII word boundaries, exact case for Latin spellings under
   six characters, per-entry ``exclude``): a candidate is covered when some registry spelling matches inside it.
3. Uncovered candidates are printed, most frequent first, for an editor to judge (most are ordinary words:
   GPU, LLM, モデル…). Then the number of posts that mention each registry entry.

Standalone on purpose (PyYAML only), so it runs on a branch without the archive's loader.
"""

from __future__ import annotations

import argparse
import collections
import re
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTS = [ROOT / "posts", ROOT.parent / "shared" / "corpus" / "posts"]
CASE_INSENSITIVE_MIN_LENGTH = 6

PATTERNS = {
    "latin": re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9&'.\-]*(?: [A-Z][A-Za-z0-9&'.\-]*)*"),
    "katakana": re.compile(r"[ァ-ヶー・]{2,}"),
    "kabushiki": re.compile(r"株式会社([ァ-ヶー一-龥A-Za-z0-9・&]+)|([ァ-ヶー一-龥A-Za-z0-9・&]+)株式会社"),
    "sha": re.compile(r"([ァ-ヶーA-Za-z0-9・&]{2,})社"),
    "group": re.compile(r"([ァ-ヶー一-龥A-Za-z0-9・]{2,})グループ"),
    "kagikakko": re.compile(r"「([^」]{2,20})」"),
    "kanji": re.compile(
        r"[一-龥ァ-ヶーA-Za-z0-9・]{1,12}?(?:省|庁|大学|研究所|機構|協会|銀行|証券|製作所|電機|工業|"
        r"ホールディングス|財団|委員会|技術研究組合|商事|物産|製薬|研究院)"
    ),
}


def nfkc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def key(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in nfkc(text))


def word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


class Matcher:
    """A plain (not Aho-Corasick) matcher with the archive's rules; fast enough for a few hundred posts."""

    def __init__(self, companies: list[dict]) -> None:
        self.spellings: list[tuple[str, str, str, bool]] = []  # (key, company, exact, is_exclude)
        for entry in companies:
            for spelling in [entry["name"], *(entry.get("aliases") or [])]:
                normal = nfkc(str(spelling))
                short = normal.isascii() and len(normal) < CASE_INSENSITIVE_MIN_LENGTH
                self.spellings.append((key(normal), entry["name"], normal if short else "", False))
            for spelling in entry.get("exclude") or []:
                self.spellings.append((key(str(spelling)), entry["name"], "", True))
        self.spellings.sort(key=lambda s: -len(s[0]))

    def find(self, original: str) -> list[tuple[int, int, str]]:
        text_original = nfkc(original)
        text = key(text_original)
        found: list[tuple[int, int, str]] = []
        excluded: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
        for spelling, company, exact, is_exclude in self.spellings:
            start = text.find(spelling)
            while start >= 0:
                end = start + len(spelling)
                ok = not (word(spelling[0]) and start > 0 and word(text[start - 1]))
                ok = ok and not (word(spelling[-1]) and end < len(text) and word(text[end]))
                ok = ok and (not exact or text_original[start:end] == exact)
                if ok:
                    if is_exclude:
                        excluded[company].append((start, end))
                    else:
                        found.append((start, end, company))
                start = text.find(spelling, start + 1)
        found = [f for f in found if not any(s <= f[0] and f[1] <= e for s, e in excluded[f[2]])]
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        taken: list[tuple[int, int, str]] = []
        for f in found:
            if not any(f[0] < t[1] and t[0] < f[1] for t in taken):
                taken.append(f)
        return sorted(taken)


def body(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    parts = text.split("---", 2)
    return parts[2] if text.startswith("---") and len(parts) == 3 else text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, default=ROOT / "docs" / "companies.yml")
    parser.add_argument("--posts", type=Path, nargs="*", default=DEFAULT_POSTS)
    parser.add_argument("--min-posts", type=int, default=2)
    parser.add_argument("--top", type=int, default=400)
    args = parser.parse_args()

    companies = yaml.safe_load(args.registry.read_text(encoding="utf-8"))["companies"]
    matcher = Matcher(companies)
    files = sorted(p for d in args.posts if d.is_dir() for p in d.glob("*.md"))
    candidates: collections.Counter[str] = collections.Counter()
    mentioned: collections.Counter[str] = collections.Counter()
    for path in files:
        text = nfkc(body(path))
        seen: set[str] = set()
        for pattern in PATTERNS.values():
            for match in pattern.finditer(text):
                groups = [g for g in match.groups() if g] if match.groups() else [match.group(0)]
                seen.update(g.strip() for g in groups if g.strip())
        candidates.update(seen)
        mentioned.update({company for _, _, company in matcher.find(text)})

    frequent = [(name, n) for name, n in candidates.most_common() if n >= args.min_posts]
    covered = [(name, n) for name, n in frequent if matcher.find(name)]
    uncovered = [(name, n) for name, n in frequent if not matcher.find(name)]
    print(f"posts: {len(files)}  registry entries: {len(companies)}")
    print(f"candidates in >= {args.min_posts} posts: {len(frequent)}  covered: {len(covered)}")
    print(f"\n## uncovered candidates (top {args.top}; most are ordinary words)")
    print(" | ".join(f"{name}:{n}" for name, n in uncovered[: args.top]))
    print("\n## covered candidates")
    print(" | ".join(f"{name}:{n}" for name, n in covered))
    print("\n## posts mentioning each registry entry")
    print(" | ".join(f"{name}:{mentioned[name]}" for name in sorted(mentioned, key=lambda c: -mentioned[c])))
    print("never mentioned:", ", ".join(e["name"] for e in companies if not mentioned[e["name"]]))


if __name__ == "__main__":
    main()
