"""The ``postarchive`` command.

``postarchive companies suggest`` lists organisation names that posts use often but the registry
lacks, so an editor can grow ``docs/companies.yml``::

    postarchive companies suggest --posts posts --registry docs/companies.yml --min-count 2

Patterns: ``株式会社X``, ``X株式会社``, ``X社``, ``Xグループ``, ``X Inc./Corp./Ltd./LLC`` and katakana or
Latin names in 「」. Names the registry already knows (as a name or alias, or fully covered by a
mention) are left out.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .model.kinds import GENERATED_ROOTS, MANIFEST
from .model.registry import Company, Registry, load_registry
from .posts.post import normalize_name

NAME = r"[\u30A0-\u30FF\u4E00-\u9FFF々A-Za-z0-9&.・ー\-]"
KATA_LATIN = r"[\u30A0-\u30FFA-Za-z0-9&.・ー\-]"
LATIN_WORDS = r"[A-Z][A-Za-z0-9&.\-]*(?: [A-Z][A-Za-z0-9&.\-]*){0,4}"
PATTERNS: dict[str, re.Pattern[str]] = {
    "株式会社X": re.compile(rf"(?:株式会社|\(株\)|㈱)\s?({LATIN_WORDS}|{NAME}{{2,20}})"),
    "X株式会社": re.compile(rf"({LATIN_WORDS}|{NAME}{{2,20}})\s?(?:株式会社|\(株\)|㈱)"),
    "X社": re.compile(rf"(?<![\u30A0-\u30FFA-Za-z0-9])({KATA_LATIN}{{2,20}}|{LATIN_WORDS})社(?![会員長内外債名屋])"),
    "Xグループ": re.compile(rf"({LATIN_WORDS}|{NAME}{{2,20}}?)グループ"),
    "X Inc.": re.compile(
        rf"({LATIN_WORDS}),? (?:Inc\.?|Corp\.?|Corporation|Ltd\.?|Co\., Ltd\.|LLC|plc|AG|SE)(?![A-Za-z])"
    ),
    "「X」": re.compile(r"「([\u30A0-\u30FF・ー]{3,20}|[A-Z][A-Za-z0-9&.\- ]{1,30})」"),
}
# words that the patterns catch but that never name an organisation (自社グループ, 研究グループ, 「データ」…)
STOP_NAMES = {
    *"同各当自他弊御両本親子新",
    *("自社", "同社", "当社", "他社", "各社", "大手", "企業", "事業", "研究", "業界", "世界", "民族", "作家"),
    *("ワーキング", "プロジェクト", "ユーザー", "AI", "GPU"),
}


@dataclass
class Suggestion:
    name: str
    count: int = 0
    posts: set[str] = field(default_factory=set)
    patterns: set[str] = field(default_factory=set)


def clean_candidate(raw: str) -> str:
    name = normalize_name(raw).strip(" ・-.")
    return name


def known(name: str, registry: Registry) -> bool:
    if registry.lookup(name) is not None:
        return True
    covered = sum(m.end - m.start for m in registry.find_mentions(name))
    return covered >= len(name.replace(" ", "")) - 1


def suggest(
    texts: Iterable[tuple[str, str]], registry: Registry, patterns: Iterable[str] = PATTERNS
) -> list[Suggestion]:
    """``texts`` = (post name, text) pairs → unknown organisation names, most posts first.

    Candidates come from the patterns; their frequency is then counted over every post with the
    same mention finder as the archive (so ``Oracle`` counts wherever it is named, not only in
    ``Oracle Corp.``).
    """
    corpus = list(texts)
    found: dict[str, Suggestion] = {}
    for _post_name, text in corpus:
        for pattern_name in patterns:
            for match in PATTERNS[pattern_name].finditer(text):
                name = clean_candidate(match.group(1))
                if len(name) < 2 or name in STOP_NAMES or name.isdigit():
                    continue
                found.setdefault(name, Suggestion(name)).patterns.add(pattern_name)
    unknown = {name: s for name, s in found.items() if not known(name, registry)}
    counter = Registry(tuple(Company(name=name, reading=name) for name in unknown))
    for post_name, text in corpus:
        for mention in counter.find_mentions(text):
            suggestion = unknown[mention.company]
            suggestion.count += 1
            suggestion.posts.add(post_name)
    result = [s for s in unknown.values() if s.posts]
    # names seen through an organisation pattern first; 「X」 alone is a weaker hint (often a product or a concept)
    result.sort(key=lambda s: (s.patterns == {"「X」"}, -len(s.posts), -s.count, s.name))
    return result


def read_texts(posts_dir: Path) -> Iterable[tuple[str, str]]:
    from .config import ArchiveConfig
    from .posts.reading import read_post

    for path in sorted(posts_dir.iterdir()):
        if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
            continue
        result = read_post(path, tz=ArchiveConfig().tz)
        if result.post is not None:
            yield path.name, result.post.title + "\n" + result.post.body


def companies_suggest(args: argparse.Namespace) -> int:
    posts_dir = Path(args.posts)
    if not posts_dir.is_dir():
        print(f"postarchive: 記事フォルダがありません: {posts_dir}", file=sys.stderr)
        return 2
    registry, problems = load_registry(Path(args.registry))
    for problem in problems:
        print(f"{problem.location()}: {problem.message}", file=sys.stderr)
    patterns = args.pattern or list(PATTERNS)
    suggestions = [s for s in suggest(read_texts(posts_dir), registry, patterns) if len(s.posts) >= args.min_count]
    suggestions = suggestions[: args.limit] if args.limit else suggestions
    if args.json:
        rows = [
            {
                "name": s.name,
                "posts": len(s.posts),
                "count": s.count,
                "patterns": sorted(s.patterns),
                "examples": sorted(s.posts)[: args.examples],
            }
            for s in suggestions
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not suggestions:
        print("レジストリにない頻出の組織名は見つかりませんでした。")
        return 0
    print(f"{'記事数':>4} {'出現':>4}  名前  [パターン]  例")
    for s in suggestions:
        examples = ", ".join(sorted(s.posts)[: args.examples])
        print(f"{len(s.posts):>6} {s.count:>6}  {s.name}  [{' '.join(sorted(s.patterns))}]  {examples}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="postarchive", description="ALLFORCES AI投資分析アーカイブの道具")
    commands = parser.add_subparsers(dest="command", required=True)
    companies = commands.add_parser("companies", help="企業・組織レジストリ")
    company_commands = companies.add_subparsers(dest="subcommand", required=True)
    suggest_parser = company_commands.add_parser(
        "suggest", help="記事に頻出するがレジストリにない組織名を挙げる (株式会社X, X社, Xグループ, X Inc., 「X」)"
    )
    suggest_parser.add_argument("--posts", default="posts", help="Jekyll の記事フォルダ (既定: posts)")
    suggest_parser.add_argument(
        "--registry", default="docs/companies.yml", help="レジストリ (既定: docs/companies.yml)"
    )
    suggest_parser.add_argument("--min-count", type=int, default=2, help="この数以上の記事に出る名前だけ (既定: 2)")
    suggest_parser.add_argument("--limit", type=int, default=0, help="最大件数 (0 = すべて)")
    suggest_parser.add_argument("--examples", type=int, default=3, help="例として挙げる記事の数")
    suggest_parser.add_argument("--json", action="store_true", help="JSON で出力")
    suggest_parser.add_argument(
        "--pattern", action="append", choices=list(PATTERNS), help="使うパターン (繰り返し可, 既定: すべて)"
    )
    suggest_parser.set_defaults(handler=companies_suggest)
    paths_parser = commands.add_parser(
        "paths", help="生成ページのフォルダ (docs/ からの相対パス): Makefile の clean と make serve が使う"
    )
    paths_parser.add_argument(
        "--ignore-regex", action="store_true", help="sphinx-autobuild の --re-ignore に渡す正規表現を出す"
    )
    paths_parser.set_defaults(handler=print_paths)
    pdf_parser = commands.add_parser(
        "pdf", help="sphinx-build -b latex の後で各号の PDF を並列に組む (入力が変わった号だけ)"
    )
    pdf_parser.add_argument("folder", nargs="?", default="docs/_build/latex", help="LaTeX の出力フォルダ")
    pdf_parser.add_argument("-j", "--jobs", type=int, default=0, help="同時に組む号の数 (既定: CPU の数)")
    pdf_parser.add_argument("--only", action="append", default=[], help="この号だけ組む (繰り返し可, 例: 2025-10)")
    pdf_parser.set_defaults(handler=build_pdfs)
    return parser


def build_pdfs(args: argparse.Namespace) -> int:
    """The TeX passes of every volume whose inputs changed (``builders/latex/volumes.py``)."""
    from .builders.latex.volumes import run_volumes

    folder = Path(args.folder)
    if not (folder / "volumes-plan.json").is_file():
        print(f"{folder}: volumes-plan.json がありません (先に sphinx-build -b latex を実行してください)")
        return 2
    outcomes = run_volumes(folder, jobs=args.jobs, only=args.only)
    failed = [o.name for o in outcomes if o.status == "failed"]
    if failed:
        print("組めなかった号: " + ", ".join(failed))
    return 1 if failed else 0


def print_paths(args: argparse.Namespace) -> int:
    """The generated pages' roots, one per line (``YYYY`` stands for the year folders), or one regex."""
    if args.ignore_regex:
        print(generated_paths_regex())
    else:
        print("\n".join([MANIFEST, "[0-9][0-9][0-9][0-9]", *GENERATED_ROOTS]))
    return 0


def generated_paths_regex() -> str:
    """What ``make serve`` must not watch under docs/: the build folder and every generated page."""
    roots = "|".join(GENERATED_ROOTS)
    return rf"/docs/(_build/|{MANIFEST.replace('.', chr(92) + '.')}$|[0-9]{{4}}/|({roots})/)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
