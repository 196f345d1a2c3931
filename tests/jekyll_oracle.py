"""The production blog's own renderer as a test oracle: posts built by real Jekyll (Debian's 4.3.1).

``jekyll_posts(posts_dir)`` builds the posts into a cached site and returns, per post file name, the
post's URL path (decoded, as on disk) and its body HTML exactly as kramdown rendered it. The site is
cached under ``$POSTARCHIVE_JEKYLL_CACHE``, else ``$XDG_CACHE_HOME/postarchive-jekyll``, else
``/tmp/postarchive-jekyll-cache`` — never in the repository — keyed by a digest of the posts, the site
configuration, the layout and ``jekyll --version``; a second run over the same posts costs nothing.

The site reproduces the blog's ``_config.yml`` where it decides what a post's body and URL are:

* ``timezone: Asia/Tokyo`` and ``permalink: /:year/:month/:day/:title/`` — a post's date in its
  URL is its Tokyo date, so a post dated 15:00 UTC or later is at the next day's URL;
* ``markdown: kramdown`` with ``input: GFM`` and ``hard_wrap: false``. These are Jekyll 4.3's own
  defaults (jekyll/configuration.rb: ``auto_ids: true``, ``entity_output: as_char``,
  ``smart_quotes: lsquo,rsquo,ldquo,rdquo``, ``guess_lang: true``); kramdown-parser-gfm 1.1 adds
  ``gfm_quirks: [paragraph_end]`` and forces ``auto_id_stripping``, and keeps kramdown's
  typographic symbols (``--`` → –, ``---`` → —, ``...`` → …, ``<<`` → «) and smart quotes;
* ``url: https://ai-media.co.jp`` — the domain the posts themselves link to as the blog
  (``canonical_url:`` front matter, and the "株式会社ALLFORCES" contact links).

Liquid: Jekyll renders Liquid in posts, and ``{% include x.html %}`` of a missing include fails the
whole build. The oracle keeps Liquid on (as production has it) and writes an EMPTY ``_includes/``
file for every include the posts use: the included ad blocks are not the post's content, the
archive removes the tags, and every other Liquid construct renders as on the blog. (Jekyll 4.3 also
honours ``render_with_liquid: false``, but then the tags would reach kramdown as literal text, which
the production blog never shows.)

Posts are built with ``future: true`` so the oracle does not depend on the clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import yaml

REPO = Path(__file__).resolve().parents[1]
SCHEMA = "postarchive-jekyll-oracle/1"  # bump when the extraction below changes
BLOG_URL = "https://ai-media.co.jp"

SITE_CONFIG: dict[str, object] = {
    "title": "ALLFORCES",
    "url": BLOG_URL,
    "baseurl": "",
    "timezone": "Asia/Tokyo",
    "permalink": "/:year/:month/:day/:title/",
    "markdown": "kramdown",
    "kramdown": {"input": "GFM", "hard_wrap": False},
    "future": True,
    "incremental": False,
    "plugins": [],
}

BODY_START = "<!--postarchive-jekyll-body-start-->"
BODY_END = "<!--postarchive-jekyll-body-end-->"
LAYOUT = f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{{{{ page.title | escape }}}}</title></head>
<body>
<!--postarchive-jekyll-source:{{{{ page.path }}}}-->
<h1 class="post-title">{{{{ page.title | escape }}}}</h1>
{BODY_START}
{{{{ content }}}}
{BODY_END}
</body></html>
"""
SOURCE_RE = re.compile(r"<!--postarchive-jekyll-source:(?:_posts/)?(?P<name>[^>]*?)-->")
INCLUDE_RE = re.compile(r"\{%-?\s*include\s+([^\s%}]+)")


class JekyllPost(NamedTuple):
    url: str  # decoded URL path, e.g. "/2025/08/30/08-aiエーシェント本格普及/"
    html: str  # the post body: kramdown's output with Liquid rendered, without the layout
    title: str  # the <h1> text, as Jekyll's ``page.title | escape`` gives it (HTML-escaped)
    shadowed_by: str = ""  # another post Jekyll wrote to the same URL last: the blog shows that one


class JekyllMissing(RuntimeError):
    pass


def jekyll_executable() -> str | None:
    return shutil.which("jekyll")


def jekyll_version() -> str:
    jekyll = jekyll_executable()
    if jekyll is None:
        raise JekyllMissing("the `jekyll` command is not installed (Debian: apt-get install jekyll)")
    return subprocess.run([jekyll, "--version"], capture_output=True, text=True, check=True).stdout.strip()


def cache_root() -> Path:
    explicit = os.environ.get("POSTARCHIVE_JEKYLL_CACHE")
    if explicit:
        root = Path(explicit)
    elif os.environ.get("XDG_CACHE_HOME"):
        root = Path(os.environ["XDG_CACHE_HOME"]) / "postarchive-jekyll"
    else:
        root = Path(tempfile.gettempdir()) / "postarchive-jekyll-cache"
    root = root.resolve()
    if root == REPO or REPO in root.parents:
        raise ValueError(f"the Jekyll cache {root} must not be inside the repository {REPO}")
    return root


def includes_used(posts: Iterable[Path]) -> list[str]:
    names: set[str] = set()
    for post in posts:
        names.update(INCLUDE_RE.findall(post.read_text(encoding="utf-8")))
    return sorted(names)


def site_digest(posts: list[Path], version: str) -> str:
    digest = hashlib.sha256()
    for part in (SCHEMA, version, json.dumps(SITE_CONFIG, sort_keys=True), LAYOUT):
        digest.update(part.encode("utf-8") + b"\0")
    for post in posts:
        digest.update(post.name.encode("utf-8") + b"\0" + post.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def write_site(site: Path, posts: list[Path]) -> None:
    (site / "_posts").mkdir(parents=True)
    (site / "_layouts").mkdir()
    (site / "_includes").mkdir()
    (site / "_config.yml").write_text(yaml.safe_dump(SITE_CONFIG, allow_unicode=True), encoding="utf-8")
    for layout in ("post.html", "default.html"):
        (site / "_layouts" / layout).write_text(LAYOUT, encoding="utf-8")
    for include in includes_used(posts):
        target = site / "_includes" / include
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("", encoding="utf-8")
    for post in posts:
        shutil.copyfile(post, site / "_posts" / post.name)


def extract(destination: Path) -> dict[str, dict[str, str]]:
    posts: dict[str, dict[str, str]] = {}
    for page in sorted(destination.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        source = SOURCE_RE.search(text)
        if source is None or BODY_START not in text:
            continue
        body = text[text.index(BODY_START) + len(BODY_START) : text.rindex(BODY_END)]
        title = re.search(r'<h1 class="post-title">(.*?)</h1>', text, re.S)
        relative = page.relative_to(destination).as_posix()
        url = "/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
        posts[source["name"]] = {"url": unquote(url), "html": body.strip("\n"), "title": title[1] if title else ""}
    return posts


def run_jekyll(work: Path, posts: list[Path]) -> tuple[dict[str, dict[str, str]], str]:
    write_site(work / "site", posts)
    result = subprocess.run(
        [jekyll_executable() or "jekyll", "build", "--source", "site", "--destination", "_site"],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, "JEKYLL_ENV": "production", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"jekyll build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return extract(work / "_site"), result.stdout + result.stderr


def build(posts_dir: Path, *, refresh: bool = False) -> tuple[dict[str, JekyllPost], dict[str, object]]:
    """Build (or reuse) the Jekyll site of every ``*.md`` post in posts_dir; also return build facts."""
    posts = sorted(Path(posts_dir).glob("*.md"))
    if not posts:
        raise FileNotFoundError(f"no *.md posts in {posts_dir}")
    version = jekyll_version()
    key = site_digest(posts, version)
    folder = cache_root() / key
    manifest = folder / "manifest.json"
    if refresh and folder.exists():
        shutil.rmtree(folder)
    if not manifest.is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=folder.parent))
        try:
            started = time.perf_counter()
            site, log = run_jekyll(work / "main", posts)
            seconds = time.perf_counter() - started
            # Two posts with one URL (a post dated ≥15:00 UTC moves to the next Tokyo day, onto a
            # same-named post of that day): Jekyll writes both to one file and the later post wins.
            # The shadowed posts are rendered again on their own, so the oracle still has their body.
            rest = [post for post in posts if post.name not in site]
            rounds = 0
            while rest and rounds < 5:
                rounds += 1
                again, more_log = run_jekyll(work / f"shadowed-{rounds}", rest)
                log += more_log
                winners = {post["url"]: name for name, post in site.items()}
                for name, post in again.items():
                    site[name] = {**post, "shadowed_by": winners.get(post["url"], "")}
                rest = [post for post in rest if post.name not in site]
            data = {
                "jekyll": version,
                "seconds": round(seconds, 2),
                "posts": len(posts),
                "log": log,
                "site": site,
            }
            (work / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            try:
                work.rename(folder)  # atomic: a concurrent run either sees the whole build or none of it
            except OSError:
                if not manifest.is_file():
                    raise
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    site = {name: JekyllPost(**post) for name, post in data.pop("site").items()}
    missing = [post.name for post in posts if post.name not in site]
    if missing:
        raise RuntimeError(f"Jekyll rendered no page for {len(missing)} posts, e.g. {missing[:3]}")
    data["cache"] = str(folder)
    return site, data


def jekyll_posts(posts_dir: Path) -> dict[str, JekyllPost]:
    """post file name → (URL path, body HTML, title) as the production blog's Jekyll renders it."""
    return build(posts_dir)[0]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("posts_dir", type=Path)
    parser.add_argument("--refresh", action="store_true", help="rebuild even when cached")
    args = parser.parse_args()
    site, facts = build(args.posts_dir, refresh=args.refresh)
    print(f"{len(site)} posts, {facts['jekyll']}, built in {facts['seconds']} s, cache {facts['cache']}")
