"""Compare two HTML builds page for page: the parsed HTML (tags, sorted attributes, text), not the bytes.

    python tools/compare_builds.py BEFORE_DIR AFTER_DIR [--ignore-attr NAME ...] [--only TAG] [--pages GLOB]

Prints the pages only one build has and, for each page both have, whether its normalised HTML differs
(with the first differing lines). Used to check that a refactoring leaves the site as it was.
``--only article`` compares only each page's first ``<article>`` (the post body: the sidebar lists
posts, so it differs whenever the set of posts does); ``--pages`` limits the pages compared.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from html.parser import HTMLParser
from pathlib import Path


class Normaliser(HTMLParser):
    def __init__(self, ignore: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.ignore = ignore

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = sorted((name, value or "") for name, value in attrs if name not in self.ignore)
        self.lines.append(f"<{tag} " + " ".join(f'{name}="{value}"' for name, value in kept) + ">")

    def handle_endtag(self, tag: str) -> None:
        self.lines.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text:
            self.lines.append(text)


def normalised(path: Path, ignore: set[str], only: str = "") -> list[str]:
    parser = Normaliser(ignore)
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    if not only:
        return parser.lines
    start = next((i for i, line in enumerate(parser.lines) if line.startswith(f"<{only} ")), None)
    if start is None:
        return []
    depth = 0
    for end in range(start, len(parser.lines)):
        line = parser.lines[end]
        depth += line.startswith(f"<{only} ") - (line == f"</{only}>")
        if depth == 0:
            return parser.lines[start : end + 1]
    return parser.lines[start:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--ignore-attr", action="append", default=[])
    parser.add_argument("--only", default="", help="compare only the first element with this tag (article)")
    parser.add_argument("--pages", default="*.html", help="glob of the pages to compare (recursive)")
    args = parser.parse_args()
    pages = {p.relative_to(args.before) for p in args.before.rglob(args.pages)}
    others = {p.relative_to(args.after) for p in args.after.rglob(args.pages)}
    for only, where in ((pages - others, "before"), (others - pages, "after")):
        for page in sorted(only):
            print(f"only {where}: {page}")
    differing = 0
    for page in sorted(pages & others):
        old, new = (
            normalised(args.before / page, set(args.ignore_attr), args.only),
            normalised(args.after / page, set(args.ignore_attr), args.only),
        )
        if old != new:
            differing += 1
            diff = list(difflib.unified_diff(old, new, lineterm="", n=0))[2:8]
            print(f"differs: {page}\n  " + "\n  ".join(diff))
    print(f"{len(pages & others)} pages in both, {differing} differ, {len(pages ^ others)} in one only")
    return 1 if differing or pages ^ others else 0


if __name__ == "__main__":
    sys.exit(main())
