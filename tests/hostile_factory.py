"""Hostile posts that cannot sensibly be committed, generated into a posts folder (issue 13, round two).

Symlinks (to a file outside the project, to /etc, to a ``../.git/config``), a folder and a FIFO
named like posts, case twins, a UTF-8 post with one NUL byte, file names that forge log lines or
hold terminal escapes, one post with 5,000 tags, a 300,000-character line, and the 200 KB
pathological bodies whose patterns make regexes or the Markdown parser go quadratic.

:func:`write_generated_posts` writes them and returns what each one must do; the committed cases
are in ``tests/hostile_posts2/`` and :func:`write_hostile_registry` adds hostile company entries to
a copy of ``docs/companies.yml``.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Markers planted in the files the symlinks point at: none may appear anywhere in the output.
OUTSIDE_MARKER = "OUTSIDE-SECRET-7f3a9c"
GIT_MARKER = "GITCONFIG-SECRET-51d2e0"
ETC_TARGET = Path("/etc/os-release")  # its ``NAME=`` / ``ID=`` lines must not be published
ETC_NEEDLES = ("PRETTY_NAME=", "VERSION_CODENAME=", "HOME_URL=")

PATHOLOGICAL_BYTES = 200_000


def nested_list(depth: int) -> str:
    return "".join("  " * level + "- 項目\n" for level in range(depth))


def nested_quotes(depth: int) -> str:
    return "".join(">" * level + " 引用\n" for level in range(1, depth + 1))


#: pattern name → size → body; every pattern is one the first round's regexes or the parser choke on.
PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "unclosed-fences": lambda n: "```\n" * (n // 4),
    "fence-then-text": lambda n: ("```x\n" + "本文\n" * 8) * (n // 61),
    "link-destinations": lambda n: "](" * (n // 2),
    "link-destinations-angle": lambda n: "](<" * (n // 3),
    "hash-runs": lambda n: "#" * n,
    "heading-trailing-hashes": lambda n: "# a" + " #" * (n // 2) + "b\n",
    "liquid-opens": lambda n: "{%" * (n // 2),
    "liquid-braces": lambda n: "{{ " * (n // 3),
    "autolinks": lambda n: "<https://x" * (n // 10),
    "bare-urls": lambda n: "http://x" * (n // 8),
    "star-runs": lambda n: "*a" * (n // 2),
    "underscore-cjk-runs": lambda n: "_あ" * (n // 2),
    "brackets": lambda n: "[" * n,
    "brackets-paren": lambda n: "[a](" * (n // 4),
    "deep-quotes": lambda n: ">" * n + " 引用\n",
    "nested-lists": lambda n: nested_list(40) * (n // len(nested_list(40))),  # 40 deep (> maxNesting), repeated
}


@dataclass(frozen=True)
class Expect:
    """What one hostile file must do.

    ``subtypes``: the ``[postarchive.<subtype>]`` its one warning may carry (empty: no warning
    required, at most one allowed). ``skipped``: the post is not built ("[記事を省きました]"); None
    when either is acceptable. ``permalink``/``title``: where it must be built and what its h1 says.
    """

    subtypes: tuple[str, ...] = ()
    skipped: bool | None = False
    permalink: str | None = None
    title: str | None = None
    escaped_name: bool = False  # the name holds control characters: only its escaped form may be printed


def _link(posts: Path, name: str, target: str | Path) -> None:
    os.symlink(target, posts / name)


def write_generated_posts(posts: Path, outside: Path) -> dict[str, Expect]:
    """Write the generated hostile cases into ``posts`` (files outside the project go in ``outside``).

    Returns file name → :class:`Expect`.
    """
    posts.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    expect: dict[str, Expect] = {}

    # --- host files published through symlinks: refused, never followed
    secret = outside / "secret-post.md"
    secret.write_text(
        f"---\ntitle: {OUTSIDE_MARKER}\ndate: 2025-05-01\n---\n\n{OUTSIDE_MARKER} の本文。\n", encoding="utf-8"
    )
    _link(posts, "2025-05-01-outside.md", secret)
    git = posts.parent / ".git"
    git.mkdir(exist_ok=True)
    (git / "config").write_text(f"[core]\n\trepositoryformatversion = 0\n# {GIT_MARKER}\n", encoding="utf-8")
    _link(posts, "2025-05-02-gitconfig.md", "../.git/config")
    _link(posts, "2025-05-03-os-release.md", ETC_TARGET)
    _link(posts, "2025-05-04-etc-folder.md", "/etc")
    _link(posts, "2025-05-05-dangling.md", "/nonexistent/postarchive/x.md")
    _link(posts, "2025-05-06-inner-link.md", "2025-10-09-2-gmoai.md")  # even a link to a post inside posts/
    for name in (
        "2025-05-01-outside.md",
        "2025-05-02-gitconfig.md",
        "2025-05-03-os-release.md",
        "2025-05-04-etc-folder.md",
        "2025-05-05-dangling.md",
        "2025-05-06-inner-link.md",
    ):
        expect[name] = Expect(("symlink",), skipped=True)

    # --- other non-files named like posts: named, not silently ignored (and a FIFO never blocks the build)
    folder = posts / "2025-05-07-folder-post.md"
    folder.mkdir()
    (folder / "index.md").write_text("---\ntitle: フォルダの中\n---\n\n中身\n", encoding="utf-8")
    expect[folder.name] = Expect(("not-a-file",), skipped=True)
    os.mkfifo(posts / "2025-05-08-fifo.md")
    expect["2025-05-08-fifo.md"] = Expect(("not-a-file",), skipped=True)

    # --- twins: case twins are one URL on a case-insensitive host; NFC/NFD twins are one URL everywhere
    (posts / "2025-05-09-Twin-Post.md").write_text(
        "---\ntitle: 大文字の双子\ndate: 2025-05-09\n---\n\n一つ目\n", encoding="utf-8"
    )
    (posts / "2025-05-09-twin-post.md").write_text(
        "---\ntitle: 小文字の双子\ndate: 2025-05-09\n---\n\n二つ目\n", encoding="utf-8"
    )
    # Jekyll writes twin-post last (path order), so it keeps the URL; the twin is moved to -2 and named
    expect["2025-05-09-twin-post.md"] = Expect((), permalink="/2025/05/09/twin-post/", title="小文字の双子")
    expect["2025-05-09-Twin-Post.md"] = Expect(
        ("duplicate",), permalink="/2025/05/09/twin-post-2/", title="大文字の双子"
    )
    composed = unicodedata.normalize("NFC", "2025-05-10-ガイド.md")
    decomposed = unicodedata.normalize("NFD", composed)
    (posts / composed).write_text("---\ntitle: 合成済みのガ\ndate: 2025-05-10\n---\n\n一つ目\n", encoding="utf-8")
    (posts / decomposed).write_text("---\ntitle: 分解されたガ\ndate: 2025-05-10\n---\n\n二つ目\n", encoding="utf-8")
    expect[composed] = Expect((), permalink="/2025/05/10/ガイド/", title="合成済みのガ")
    expect[decomposed] = Expect(("duplicate",), permalink="/2025/05/10/ガイド-2/", title="分解されたガ")

    # --- one NUL byte in a UTF-8 post: removed with a warning, the post kept
    (posts / "2025-05-11-one-nul.md").write_bytes(
        "---\ntitle: NUL を一つ含む記事\ndate: 2025-05-11\n---\n\n前半の文。\x00後半の文。\n".encode()
    )
    expect["2025-05-11-one-nul.md"] = Expect(("control",), permalink="/2025/05/11/one-nul/", title="NUL を一つ含む記事")

    # --- file names that forge log lines or erase them
    forged = "2025-05-12-x\nWARNING: forged line from a file name.md"
    (posts / forged).write_text("---\ntitle: 改行のファイル名\ndate: 2025-05-12\n---\n\n本文\n", encoding="utf-8")
    expect[forged] = Expect(("filename",), skipped=None, escaped_name=True)
    erased = "2025-05-13-\x1b[2K\x1b[1Aerased.md"
    (posts / erased).write_text(
        "---\ntitle: 端末エスケープのファイル名\ndate: 2025-05-13\n---\n\n本文\n", encoding="utf-8"
    )
    expect[erased] = Expect(("filename",), skipped=None, escaped_name=True)
    bell = "2025-05-14-\u202etxt.exe\a.md"
    (posts / bell).write_text("---\ntitle: 向きを変えるファイル名\ndate: 2025-05-14\n---\n\n本文\n", encoding="utf-8")
    expect[bell] = Expect(("filename",), skipped=None, escaped_name=True)

    # --- 5,000 tags: capped (a setting), reported once
    tags = ", ".join(f"タグ{i}" for i in range(5000))
    (posts / "2025-05-15-many-tags.md").write_text(
        f"---\ntitle: タグが五千個\ndate: 2025-05-15\ntags: [{tags}]\n---\n\n本文\n", encoding="utf-8"
    )
    expect["2025-05-15-many-tags.md"] = Expect(
        ("front-matter", "tags"), permalink="/2025/05/15/many-tags/", title="タグが五千個"
    )

    # --- a 300,000-character line (TeX cannot read it) and deep nesting, for the PDF
    (posts / "2025-05-16-one-long-line.md").write_text(
        "---\ntitle: 一行が三十万字\ndate: 2025-05-16\n---\n\n" + "長い行" * 100_000 + "\n\n最後の段落です。\n",
        encoding="utf-8",
    )
    expect["2025-05-16-one-long-line.md"] = Expect((), permalink="/2025/05/16/one-long-line/", title="一行が三十万字")
    return expect


def write_pathological_posts(posts: Path, size: int = PATHOLOGICAL_BYTES) -> dict[str, Expect]:
    """One post per pathological pattern, ``size`` characters of body each."""
    posts.mkdir(parents=True, exist_ok=True)
    expect = {}
    for day, (pattern, body) in enumerate(PATHOLOGICAL.items(), start=1):
        name = f"2025-06-{day:02d}-dos-{pattern}.md"
        (posts / name).write_text(
            f"---\ntitle: 病的な本文 {pattern}\ndate: 2025-06-{day:02d}\n---\n\n{body(size)}\n\n最後の段落 {pattern}。\n",
            encoding="utf-8",
        )
        expect[name] = Expect((), skipped=None)
    return expect


#: hostile registry entries: name → the alias a post mentions them by
HOSTILE_COMPANIES = {
    "%%{init: {'theme':'dark', 'themeVariables': {'primaryColor':'#ff0000'}}}%% テーマ乗っ取り社": "テーマ乗っ取り社",
    'クォート"社\' --> x["pwned"]': '引用符"社',
    "<script>alert('company')</script>スクリプト社": "スクリプト社",
    r"テフ特殊社 \input{/etc/passwd} $ & % # _ { } ~ ^ \\": "テフ特殊社",
}


def write_hostile_registry(srcdir: Path) -> Path:
    """Append the hostile entries to the copied ``companies.yml`` (mentioned by 2025-03-26-registry-mentions)."""
    import json

    registry = srcdir / "companies.yml"
    text = registry.read_text(encoding="utf-8")
    companies, products_key, products = text.partition("\nproducts:")  # the entries go in the companies list
    lines = [
        companies.rstrip("\n"),
        "",
        "  # ---- hostile entries (tests/hostile_factory.py)",
    ]
    for index, (name, alias) in enumerate(HOSTILE_COMPANIES.items()):
        lines += [
            f"  - name: {json.dumps(name, ensure_ascii=False)}",
            f"    reading: {json.dumps('てきたい' + 'あいうえ'[index], ensure_ascii=False)}",
            f"    aliases: [{json.dumps(alias, ensure_ascii=False)}]",
            "    kind: private",
            f"    description: {json.dumps(name + ' の説明 </script><img src=x onerror=alert(1)>', ensure_ascii=False)}",
        ]
    registry.write_text("\n".join(lines) + "\n" + products_key + products, encoding="utf-8")
    return registry
