"""Where the archive's posts differ from the production blog's (real Jekyll), check by check.

    python tests/parity_report.py --archive /tmp/jk-archive-html [--posts DIR] [--examples 3] [--json OUT]

The archive must have been built over the same posts (``POSTARCHIVE_POSTS_DIR=DIR sphinx-build -b
html docs OUT``). Jekyll's side is built (or taken from its cache) by tests/jekyll_oracle.py. The
comparison, including the deliberate differences set aside, is the one tests/test_jekyll_parity.py
asserts on; this prints per check how many posts disagree, and examples, for whoever fixes the renderer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from jekyll_oracle import build  # noqa: E402
from parity import TYPOGRAPHY, PostResult  # noqa: E402
from test_jekyll_parity import DELIBERATE, MIN_AGREEMENT, MIN_RECALL, STRUCTURE, parity_results  # noqa: E402

CORPUS = Path(os.environ.get("POSTARCHIVE_CORPUS") or HERE.parent.parent / "shared" / "corpus" / "posts")
CHECKS = ("url", "text", "markup", "typography", *STRUCTURE)


def short(value: object, width: int = 110) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def report(results: list[PostResult], examples: int) -> str:
    lines = []
    total = len(results)
    no_page = [r.name for r in results if not r.archive_url]
    lines.append(
        f"{total} posts compared; {len(no_page)} without an archive page{': ' + ', '.join(no_page[:5]) if no_page else ''}"
    )
    lines.append("")
    lines.append(f"{'check':<14} {'disagree':>8}  {'agree':>6}  rule")
    for check in CHECKS:
        compared = [r for r in results if check in r.checks]
        bad = [r for r in compared if not r.checks[check].ok]
        agree = 1 - len(bad) / len(compared) if compared else 0.0
        rule = {
            "url": "every post",
            "text": f"every post ≥ {MIN_RECALL:.1%}",
            "markup": "every post",
            "typography": "(report only)",
        }.get(check, f"≥ {MIN_AGREEMENT:.1%} of posts")
        lines.append(f"{check:<14} {len(bad):>8}  {agree:>6.1%}  {rule}")
    for check in CHECKS:
        bad = [r for r in results if check in r.checks and not r.checks[check].ok]
        if not bad:
            continue
        lines.append("")
        lines.append(f"== {check}: {len(bad)} posts ==")
        if check == "markup":
            kinds: Counter[str] = Counter()
            for r in bad:
                kinds.update(item.rsplit(" ×", 1)[0] for item in r.checks[check].extra)
            lines.append("  posts per kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        if check in ("link", "heading_id", "list", "bold", "table", "typography", "heading_level"):
            only_j: Counter[str] = Counter()
            only_a: Counter[str] = Counter()
            for r in bad:
                only_j.update({short(x, 70) for x in r.checks[check].missing})
                only_a.update({short(x, 70) for x in r.checks[check].extra})
            lines.append(
                "  most frequent, Jekyll only (posts): " + "; ".join(f"{k} {n}" for k, n in only_j.most_common(4))
            )
            lines.append(
                "  most frequent, archive only (posts): " + "; ".join(f"{k} {n}" for k, n in only_a.most_common(4))
            )
        for r in bad[:examples]:
            found = r.checks[check]
            lines.append(f"  {r.name}  [{found.detail}]")
            if found.missing:
                lines.append(f"    Jekyll only : {short(found.missing[:4])}")
            if found.extra:
                lines.append(f"    archive only: {short(found.extra[:4])}")
    titles = [r for r in results if r.archive_url and r.jekyll_title != r.archive_title]
    lines.append("")
    lines.append(f"== titles (deliberate: {DELIBERATE['repaired titles'].reason}) — {len(titles)} differ ==")
    for r in titles[:examples]:
        lines.append(f"  {r.name}\n    Jekyll : {r.jekyll_title}\n    archive: {r.archive_title}")
    lines.append("")
    lines.append(f"typographic characters counted: {TYPOGRAPHY}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, required=True, help="the html output folder of an archive build")
    parser.add_argument("--posts", type=Path, default=CORPUS, help=f"the posts (default {CORPUS})")
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every post's failed checks here")
    args = parser.parse_args(argv)
    site, facts = build(args.posts)
    print(f"Jekyll: {facts['jekyll']}, {facts['posts']} posts, built in {facts['seconds']} s (cache {facts['cache']})")
    results = parity_results(args.archive, site)
    print(report(results, args.examples))
    if args.json:
        data = {
            r.name: {
                name: {
                    "detail": c.detail,
                    "jekyll_only": [repr(x) for x in c.missing],
                    "archive_only": [repr(x) for x in c.extra],
                }
                for name, c in r.checks.items()
                if not c.ok
            }
            for r in results
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
