"""The ``postarchive`` command.

``postarchive companies suggest`` lists organisation names that posts use but the registry lacks (what
the build's discovery finds: organisation patterns such as ``株式会社X``, ``X社``, ``X大学``, ``X Inc.``, and
SudachiPy's proper nouns in an organisation's context), with counts and example sentences, so an editor
can grow ``docs/companies.yml``; ``postarchive companies add NAME`` prints (or appends) an entry for it::

    postarchive companies suggest --posts posts --registry docs/companies.yml --min-count 2
    postarchive companies add 株式会社テストフーズ --kind private --write
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model.discovery import PATTERNS, clean_name, known, propose, unknown
from .model.kinds import GENERATED_ROOTS, MANIFEST
from .model.registry import KINDS, Company, Registry, load_registry


@dataclass
class Suggestion:
    name: str
    count: int = 0  # mentions over every post
    posts: set[str] = field(default_factory=set)  # posts whose text names it
    patterns: set[str] = field(default_factory=set)  # what proposed it (pattern names, tagger labels)
    examples: list[tuple[str, str]] = field(default_factory=list)  # (post, sentence)


def suggest(
    texts: Iterable[tuple[str, str]],
    registry: Registry,
    patterns: Iterable[str] = PATTERNS,
    tagger: object | None = None,
) -> list[Suggestion]:
    """``texts`` = (post name, text) pairs → unknown organisation names, most posts first.

    Candidates come from discovery (:func:`~postarchive.model.discovery.propose`); their frequency is
    then counted over every post with the archive's mention finder (so ``Oracle`` counts wherever it is
    named, not only in ``Oracle Corp.``).
    """
    corpus = list(texts)
    found: dict[str, Suggestion] = {}
    products = registry.product_registry
    for post_name, text in corpus:
        candidates = propose(text, tagger, patterns)  # type: ignore[arg-type]
        for candidate in unknown(candidates, registry, lambda name: known(name, products)):
            suggestion = found.setdefault(candidate.name, Suggestion(candidate.name))
            suggestion.patterns.add(candidate.source)
            if len(suggestion.examples) < 3:
                suggestion.examples.append((post_name, candidate.sentence))
    counter = Registry(tuple(Company(name=name, reading=name) for name in found))
    for post_name, text in corpus:
        for mention in counter.find_mentions(text):
            suggestion = found[mention.company]
            suggestion.count += 1
            suggestion.posts.add(post_name)
    result = [s for s in found.values() if s.posts]
    result.sort(key=lambda s: (-len(s.posts), -s.count, s.name))
    return result


def read_texts(posts_dir: Path) -> Iterable[tuple[str, str]]:
    """(file name, the text the build looks for organisations in) of every post."""
    from .config import ArchiveConfig
    from .model.mentions import mention_text
    from .posts.reading import read_post

    for path in sorted(posts_dir.iterdir()):
        if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
            continue
        result = read_post(path, tz=ArchiveConfig().tz)
        if result.post is not None:
            yield path.name, mention_text(result.post, result.post.body)


def companies_suggest(args: argparse.Namespace) -> int:
    posts_dir = Path(args.posts)
    if not posts_dir.is_dir():
        print(f"postarchive: 記事フォルダがありません: {posts_dir}", file=sys.stderr)
        return 2
    registry, problems = load_registry(Path(args.registry))
    for problem in problems:
        print(f"{problem.location()}: {problem.message}", file=sys.stderr)
    patterns = args.pattern or list(PATTERNS)
    tagger = None
    if not args.no_nlp:
        from .model import nlp

        tagger = nlp.load_tagger()
    suggestions = [
        s for s in suggest(read_texts(posts_dir), registry, patterns, tagger) if len(s.posts) >= args.min_count
    ]
    suggestions = suggestions[: args.limit] if args.limit else suggestions
    if args.json:
        rows = [
            {
                "name": s.name,
                "posts": len(s.posts),
                "count": s.count,
                "patterns": sorted(s.patterns),
                "examples": [{"post": post, "sentence": sentence} for post, sentence in s.examples[: args.examples]],
            }
            for s in suggestions
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not suggestions:
        print("レジストリにない頻出の組織名は見つかりませんでした。")
        return 0
    print(f"{'記事数':>4} {'出現':>4}  名前  [見つけ方]")
    for s in suggestions:
        print(f"{len(s.posts):>6} {s.count:>6}  {s.name}  [{' '.join(sorted(s.patterns))}]")
        for post, sentence in s.examples[: args.examples]:
            print(f"{'':>16}{post}: {sentence}")
    return 0


def entry_skeleton(name: str, kind: str) -> str:
    """A ``companies.yml`` entry for ``name`` with its reading filled in (pykakasi), for the editor to finish."""
    from .model.yomi import reading_of

    entry = {
        "name": name,
        "reading": reading_of(name),
        "aliases": [],
        "kind": kind,
        "description": "",
    }
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return "\n".join("  " + line if line else line for line in text.splitlines()) + "\n"


def companies_add(args: argparse.Namespace) -> int:
    name = clean_name(args.name)
    for prefix in ("株式会社", "(株)"):
        name = name.removeprefix(prefix).removesuffix(prefix).strip()
    if not name:
        print("postarchive: 名前が空です", file=sys.stderr)
        return 2
    path = Path(args.registry)
    registry, _ = load_registry(path)
    existing = registry.lookup(name)
    if existing is not None:
        print(f"postarchive: {name} は登録済みです ({existing.name}, {path}:{existing.line})", file=sys.stderr)
        return 1
    skeleton = entry_skeleton(name, args.kind)
    if not args.write:
        print(skeleton, end="")
        return 0
    append_company(path, skeleton)
    print(f"{path} に {name} を追加しました (reading と description を確かめてください)")
    return 0


def append_company(path: Path, skeleton: str) -> None:
    """Put the entry at the end of the ``companies:`` list (before ``products:`` when the file has one)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "companies:\n"
    lines = text.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.startswith("products:")), len(lines))
    while at > 0 and (not lines[at - 1].strip() or lines[at - 1].startswith("#")):
        at -= 1
    head = "".join(lines[:at])
    if head and not head.endswith("\n"):
        head += "\n"
    path.write_text(head + skeleton + "".join(lines[at:]), encoding="utf-8")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="postarchive", description="ALLFORCES AI投資分析アーカイブの道具")
    commands = parser.add_subparsers(dest="command", required=True)
    companies = commands.add_parser("companies", help="企業・組織レジストリ")
    company_commands = companies.add_subparsers(dest="subcommand", required=True)
    suggest_parser = company_commands.add_parser(
        "suggest",
        help="記事に出るがレジストリにない組織名を、記事数・例文つきで挙げる (ビルドの未登録組織と同じ見つけ方)",
    )
    suggest_parser.add_argument("--posts", default="posts", help="Jekyll の記事フォルダ (既定: posts)")
    suggest_parser.add_argument(
        "--registry", default="docs/companies.yml", help="レジストリ (既定: docs/companies.yml)"
    )
    suggest_parser.add_argument("--min-count", type=int, default=2, help="この数以上の記事に出る名前だけ (既定: 2)")
    suggest_parser.add_argument("--limit", type=int, default=0, help="最大件数 (0 = すべて)")
    suggest_parser.add_argument("--examples", type=int, default=2, help="例文の数")
    suggest_parser.add_argument("--no-nlp", action="store_true", help="SudachiPy を使わずパターンだけで探す")
    suggest_parser.add_argument("--json", action="store_true", help="JSON で出力")
    suggest_parser.add_argument(
        "--pattern", action="append", choices=list(PATTERNS), help="使うパターン (繰り返し可, 既定: すべて)"
    )
    suggest_parser.set_defaults(handler=companies_suggest)
    add_parser = company_commands.add_parser(
        "add", help="レジストリの項目のひな形 (読みつき) を出す; --write で companies.yml に追記する"
    )
    add_parser.add_argument("name", help="組織名 (株式会社 は外します)")
    add_parser.add_argument("--registry", default="docs/companies.yml", help="レジストリ (既定: docs/companies.yml)")
    add_parser.add_argument("--kind", default="private", choices=list(KINDS), help="種別 (既定: private)")
    add_parser.add_argument("--write", action="store_true", help="レジストリの companies: の末尾に追記する")
    add_parser.set_defaults(handler=companies_add)
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
