"""Build the same Jekyll posts three ways and compare: this archive, plain Sphinx (the floor) and ABlog.

For each size N it builds, from the same posts:

* ``archive`` — a copy of docs/ with this extension (``sphinx -b html -j JOBS``);
* ``floor`` — plain Sphinx + MyST + pydata-sphinx-theme, one page per post, no archive features, built the way
  a default Sphinx Makefile does (``sphinx -M html``, serial);
* ``ablog`` — ABlog on the same posts (the Sphinx blogging peer), built like the floor.

and records the cold full build (wall time, peak memory of the process tree, the deployed folder and the caches
beside it, search index size), then two incremental rebuilds: after appending a paragraph to one post's body, and
after replacing that post's tags (wall time and number of .html files re-written). Every archive build also records
its phases (bench/phase_timer.py: start-up, builder-inited, read, write, the search index, the feeds…). Results go
to RESULTS.md and <work>/results.json.

    python bench/run.py                                   # N = 1,000 and 2,500, all three systems
    python bench/run.py --sizes 10000 --only archive      # the archive alone (10,000 posts: no peers)
    python bench/run.py --sizes 20 --out /tmp/smoke.md --work /tmp/smoke   # a quick smoke run

N = 300 is ../shared/corpus/posts, a smaller N its first N posts (by name), a larger one is generated with
../shared/bench/gen_corpus.py (seed 1; posts of the real size distribution, ~40 KB; cached in the work dir and
regenerated when the generator or the corpus changes). Every system gets its own copy of the posts, so the edits
never touch the source.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def shared_dir() -> Path:
    """../shared beside the repository; from a git worktree elsewhere, the one beside the main checkout."""
    beside = REPO.parent / "shared"
    if beside.is_dir():
        return beside
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        common = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--path-format=absolute", "--git-common-dir"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if (Path(common).parent.parent / "shared").is_dir():
            return Path(common).parent.parent / "shared"
    return beside


SHARED = shared_dir()
CORPUS = SHARED / "corpus" / "posts"
GEN_CORPUS = SHARED / "bench" / "gen_corpus.py"
BENCH = REPO / "bench"
PHASE_TIMER = BENCH / "phase_timer.py"  # added to the archive's copy of conf.py: phase marks of every build
# What bench/pageweight.py --write-results puts into RESULTS.md, which this script keeps when it rewrites the file.
PAGEWEIGHT_START, PAGEWEIGHT_END = "<!-- pageweight:start -->", "<!-- pageweight:end -->"
CORPUS_SIZE = 300
SYSTEMS = ("archive", "floor", "ablog")
PROJECT = "ALLFORCES AI投資分析アーカイブ"
BASEURL = "http://127.0.0.1:8000/"
FRONT_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>{}|#!$~])")
# The paragraph the body edit appends (Japanese, like the posts, so the search index has to take it in).
APPENDED = (
    "（追記）ベンチマーク用に追加した段落です。半導体とデータセンターへの投資について、"
    "生成AIの需要がどこまで続くのかを改めて考えてみたい。"
)
# Acceptance thresholds of the issue, shown next to the ratios.
MAX_FLOOR_RATIO = 0.8
MAX_ABLOG_RATIO = 0.6
MAX_EDIT_SHARE = 0.10
MAX_EDIT_PAGES = 40
MAX_PEAK_RSS = 2 * 1024**3


# --- posts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JekyllPost:
    """The parts of a Jekyll post the floor and ABlog pages are made of."""

    path: Path
    title: str
    date: str  # YYYY-MM-DD
    tags: list[str]
    categories: list[str]
    author: str
    body: str


def name_list(value: Any) -> list[str]:
    """Jekyll's tags/categories: a list, or a space-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if item is not None and str(item).strip()]
    return [str(value)]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter (``{}`` when missing or broken) and the body after it."""
    match = FRONT_RE.match(text)
    if not match:
        return {}, text
    try:
        front = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        front = None
    return (front if isinstance(front, dict) else {}), text[match.end() :]


def read_jekyll(path: Path) -> JekyllPost:
    """Parse a Jekyll post: title (fallback: the file stem), date (front matter, else the file name), tags, body."""
    front, body = split_front_matter(path.read_text(encoding="utf-8"))
    title = " ".join(str(front.get("title") or "").split()) or path.stem
    date_match = DATE_RE.match(str(front.get("date") or "")) or DATE_RE.match(path.name)
    author = front.get("author") or ""
    if isinstance(author, list | tuple):
        author = ", ".join(str(name) for name in author)
    return JekyllPost(
        path=path,
        title=title,
        date=date_match.group(0) if date_match else "1970-01-01",
        tags=name_list(front.get("tags", front.get("tag"))),
        categories=name_list(front.get("categories", front.get("category"))),
        author=" ".join(str(author).split()),
        body=body.strip("\n"),
    )


def corpus_posts(size: int, work: Path) -> list[Path]:
    """The post files of size N: the shared corpus (300), its first N (fewer), or generated posts (more)."""
    corpus = sorted(CORPUS.glob("*.md"))
    if size == CORPUS_SIZE:
        return corpus
    if size < CORPUS_SIZE:
        return corpus[:size]
    cache = work / "corpus" / f"n{size}"
    stamp_file = cache / ".generator"
    stamp = corpus_stamp(corpus)
    posts = sorted(cache.glob("*.md"))
    current = stamp_file.is_file() and stamp_file.read_text(encoding="utf-8") == stamp
    if len(posts) != size or not current:
        shutil.rmtree(cache, ignore_errors=True)
        command = [sys.executable, str(GEN_CORPUS), "--out", str(cache), "-n", str(size), "--seed", "1"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        stamp_file.write_text(stamp, encoding="utf-8")
        posts = sorted(cache.glob("*.md"))
    return posts


def corpus_stamp(corpus: list[Path]) -> str:
    """A digest of the generator's code and of the posts it recombines: a cached corpus made by an older
    generator (the small-post one before the real size distribution) is made again."""
    digest = hashlib.sha256(GEN_CORPUS.read_bytes())
    for path in corpus:
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Edits:
    """What the incremental rebuilds change: one post from the middle of the date range, and its new tags."""

    post_name: str
    old_tags: list[str]
    new_tags: list[str]


def plan_edits(sources: list[Path]) -> Edits:
    """Pick the post at the median date and, as its new tags, the most used tags it does not have."""
    posts = sorted((read_jekyll(path) for path in sources), key=lambda post: (post.date, post.path.name))
    target = posts[len(posts) // 2]
    counts = Counter(tag for post in posts for tag in post.tags)
    ranked = sorted(counts, key=lambda tag: (-counts[tag], tag))
    wanted = max(1, len(target.tags))
    new_tags = [tag for tag in ranked if tag not in target.tags][:wanted]
    return Edits(post_name=target.path.name, old_tags=target.tags, new_tags=new_tags or ["ベンチマーク"])


def append_paragraph(path: Path) -> None:
    """Edit one post's body: append a paragraph of Japanese text."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\n" + APPENDED + "\n", encoding="utf-8")


def replace_tags(path: Path, tags: list[str]) -> None:
    """Edit one post's front matter: its ``tags`` (inline or block list) become ``tags``, the rest stays as is."""
    text = path.read_text(encoding="utf-8")
    match = FRONT_RE.match(text)
    if not match:
        raise ValueError(f"{path}: no front matter")
    lines = match.group(1).split("\n")
    new_line = "tags: " + json.dumps(tags, ensure_ascii=False)
    start = next((i for i, line in enumerate(lines) if re.match(r"tags?\s*:", line)), None)
    if start is None:
        lines.append(new_line)
    else:
        end = start + 1
        while end < len(lines) and lines[end].startswith((" ", "\t", "-")):
            end += 1
        lines[start:end] = [new_line]
    front = "---\n" + "\n".join(lines) + "\n---\n"
    path.write_text(front + text[match.end() :], encoding="utf-8")


# --- the three sites ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """One system's project in the work dir: its copy of the posts, its Sphinx sources, its output."""

    system: str
    root: Path
    jekyll: Path  # this system's copy of the Jekyll posts: the files the edits change
    srcdir: Path
    html: Path
    doctrees: Path  # Sphinx's caches (pickled doctrees, environment, the extension's build cache): not deployed
    command: list[str]
    env: dict[str, str]


def copy_docs(destination: Path) -> Path:
    """A copy of docs/ without build output or generated pages."""
    if str(REPO / "ext") not in sys.path:
        sys.path.insert(0, str(REPO / "ext"))  # this checkout's extension, as the builds get it
    from postarchive.pages.render import copy_sources

    return copy_sources(DOCS, destination)


def md_text(text: str) -> str:
    """Inline text safe in a MyST heading: ASCII punctuation with a meaning is backslash-escaped."""
    return MD_SPECIAL_RE.sub(r"\\\1", text)


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def floor_page(post: JekyllPost) -> str:
    """The floor's page of a post: its title as the heading, its body, no front matter."""
    return f"# {md_text(post.title)}\n\n{post.body}\n"


def ablog_page(post: JekyllPost) -> str:
    """ABlog's page of a post: the front matter ABlog reads (comma-separated lists), the title, the body."""

    def joined(names: Iterable[str]) -> str:
        return ", ".join(name.replace(",", " ") for name in names)

    front = [
        "blogpost: true",
        f"date: {yaml_str(post.date)}",
        f"tags: {yaml_str(joined(post.tags))}",
        f"category: {yaml_str(joined(post.categories))}",
    ]
    if post.author:
        front.append(f"author: {yaml_str(joined([post.author]))}")
    return "---\n" + "\n".join(front) + f"\n---\n\n# {md_text(post.title)}\n\n{post.body}\n"


FLOOR_CONF = f"""\
project = {PROJECT!r}
author = "ALLFORCES編集部"
language = "ja"
extensions = ["myst_parser"]
html_theme = "pydata_sphinx_theme"
html_title = project
exclude_patterns = ["_build"]
suppress_warnings = ["myst.header"]  # as docs/conf.py: the posts skip heading levels
"""

ABLOG_CONF = f"""\
project = {PROJECT!r}
author = "ALLFORCES編集部"
language = "ja"
extensions = ["myst_parser", "ablog"]
html_theme = "pydata_sphinx_theme"
html_title = project
exclude_patterns = ["_build"]
suppress_warnings = ["myst.header"]  # as docs/conf.py: the posts skip heading levels
# pydata-sphinx-theme ships Font Awesome; without this ABlog re-reads every page on every build
fontawesome_included = True
blog_post_pattern = "posts/*"
blog_title = project
blog_baseurl = {BASEURL!r}
post_date_format = "%Y-%m-%d"
post_date_format_short = "%Y-%m-%d"
"""

# The root lists one section page that holds the glob toctree of every post. (Listing the posts in the
# root toctree itself would put every post into pydata-sphinx-theme's header on every page: an N² site
# that would make the floor slower than plain Sphinx needs to be.)
ROOT_TOCTREE = """\
```{toctree}
:maxdepth: 1

all-posts
```
"""
POSTS_PAGE = """\
# 記事一覧

```{toctree}
:glob:
:maxdepth: 1

posts/*
```
"""

ABLOG_POSTLIST = """\
## 新着記事

```{postlist} 12
:date: "%Y-%m-%d"
:format: "{title}"
```

"""


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (an unchanged file keeps its mtime, as a sync would)."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def render(site: Site, post_file: Path) -> None:
    """Make (or update) the floor's or ABlog's page of one Jekyll post; the archive reads the posts itself."""
    if site.system == "archive":
        return
    post = read_jekyll(post_file)
    text = floor_page(post) if site.system == "floor" else ablog_page(post)
    write_if_changed(site.srcdir / "posts" / f"{post_file.stem}.md", text)


PHASE_TIMER_LINES = f"""

# --- added by bench/run.py to its copy of docs/conf.py: the phase timer (writes $BENCH_PHASES) ---
__import__("sys").path.insert(0, {str(PHASE_TIMER.parent)!r})
extensions.append({PHASE_TIMER.stem!r})
"""


def add_phase_timer(conf: Path) -> None:
    """Append the phase timer to a copy of the project's conf.py (same directory, so every path in it still
    resolves against the same confdir; the extension itself is not touched)."""
    conf.write_text(conf.read_text(encoding="utf-8") + PHASE_TIMER_LINES, encoding="utf-8")


def prepare(system: str, root: Path, sources: list[Path], jobs: str) -> Site:
    """A fresh project of ``system`` over copies of ``sources`` in ``root`` (removed first: a cold build)."""
    if root.exists():
        shutil.rmtree(root)
    jekyll = root / "posts"
    jekyll.mkdir(parents=True)
    for source in sources:
        shutil.copy2(source, jekyll / source.name)
    env = {key: value for key, value in os.environ.items() if key != "POSTARCHIVE_POSTS_DIR"}
    # the extension of this checkout (a git worktree's venv may be an editable install of another one)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "ext"), *filter(None, [env.get("PYTHONPATH")])])
    if system == "archive":
        srcdir = copy_docs(root / "docs")
        add_phase_timer(srcdir / "conf.py")
        html = root / "html"
        doctrees = html / ".doctrees"
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-j", jobs, str(srcdir), str(html)]
        env["POSTARCHIVE_POSTS_DIR"] = str(jekyll)
    else:
        srcdir = root / "src"
        (srcdir / "posts").mkdir(parents=True)
        (srcdir / "conf.py").write_text(FLOOR_CONF if system == "floor" else ABLOG_CONF, encoding="utf-8")
        postlist = ABLOG_POSTLIST if system == "ablog" else ""
        (srcdir / "index.md").write_text(f"# {PROJECT}\n\n{postlist}{ROOT_TOCTREE}", encoding="utf-8")
        (srcdir / "all-posts.md").write_text(POSTS_PAGE, encoding="utf-8")
        html = root / "build" / "html"
        doctrees = root / "build" / "doctrees"
        command = [sys.executable, "-m", "sphinx", "-M", "html", str(srcdir), str(root / "build")]
    site = Site(system, root, jekyll, srcdir, html, doctrees, command, env)
    for post_file in sorted(jekyll.glob("*.md")):
        render(site, post_file)
    return site


# --- measuring ---------------------------------------------------------------------------------


def tree_rss(root: psutil.Process) -> int:
    """The memory of a process and all its descendants (0 once it is gone).

    Summed as PSS (proportional set size) where the kernel gives it: ``-j`` workers are forked and
    share most of their pages with the parent, which a sum of RSS would count once per worker.
    """
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            info = process.memory_full_info()
            total += getattr(info, "pss", info.rss)
    return total


@contextlib.contextmanager
def sample_peak_rss(pid: int, interval: float = 1.0) -> Iterator[list[int]]:
    """Sample the process tree's RSS every ``interval`` s in a thread; the peak is in the yielded list's item 0."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        try:
            root = psutil.Process(pid)
        except psutil.Error:
            return
        while True:
            peak[0] = max(peak[0], tree_rss(root))
            if stop.wait(interval):
                return

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


@dataclass
class Run:
    """One sphinx-build: exit status, wall time, peak RSS, warnings and (incremental) the pages it re-wrote."""

    label: str
    returncode: int
    seconds: float
    peak_rss: int
    warnings: int
    stderr_tail: str
    pages_written: int | None = None
    started_at: float = 0.0  # time.time() when the command was launched
    ended_at: float = 0.0  # ... and when it exited
    phases: dict[str, float] | None = None  # seconds per phase (archive builds: bench/phase_timer.py)
    handlers: list[dict[str, Any]] = field(default_factory=list)  # the timed event handlers, slowest first

    @property
    def ok(self) -> bool:
        """Whether the build exited with status 0."""
        return self.returncode == 0


def build(site: Site, label: str) -> Run:
    """Run the site's build command once, timing it and sampling its memory; logs go to <root>/<label>.log/.err."""
    out_log, err_log = site.root / f"{label}.log", site.root / f"{label}.err"
    phases_file = site.root / f"{label}.phases.json"
    phases_file.unlink(missing_ok=True)
    env = {**site.env, "BENCH_PHASES": str(phases_file)} if site.system == "archive" else site.env
    with out_log.open("wb") as out, err_log.open("wb") as err:
        started_at = time.time()
        start = time.perf_counter()
        process = subprocess.Popen(site.command, stdout=out, stderr=err, env=env, cwd=site.root)
        with sample_peak_rss(process.pid) as peak:
            returncode = process.wait()
            seconds = time.perf_counter() - start
        ended_at = time.time()
    stderr = err_log.read_text(encoding="utf-8", errors="replace")
    run = Run(
        label=label,
        returncode=returncode,
        seconds=seconds,
        peak_rss=peak[0],
        warnings=sum("WARNING" in line for line in stderr.splitlines()),
        stderr_tail="\n".join(stderr.strip().splitlines()[-15:]),
        started_at=started_at,
        ended_at=ended_at,
    )
    if phases_file.is_file():
        marks = json.loads(phases_file.read_text(encoding="utf-8"))
        run.phases = phase_seconds(marks, started_at, ended_at)
        run.handlers = sorted(marks.get("handlers", []), key=lambda item: -item["seconds"])
    return run


# The phases of an archive build, in order: each runs from its mark to the next one present.
PHASES = (
    ("start-up", None),  # python, imports, conf.py, every extension's setup, config-inited
    ("builder-inited", "builder-inited"),  # the handlers: postarchive generates its pages here
    ("read", "builder-inited:last"),  # finding the outdated docs, reading (the -j workers), merging
    ("env-updated + pickle", "env-updated"),  # env-updated handlers, pickling the environment, consistency
    ("write", "write-started"),  # resolving and writing the pages (and copying the assets)
    ("finish", "html-collect-pages"),  # the HTML builder's finish: extension pages, static files (genindex before)
    ("build-finished", "build-finished"),  # every build-finished handler (split below)
    ("exit", "build-finished:last"),  # interpreter shutdown after the last handler
)
# The two build-finished handlers with columns of their own, by function name (wherever the module lives).
SEARCH_HANDLER = "write_search_index"
FEEDS_HANDLER = "write_feeds"


def phase_seconds(data: dict[str, Any], started_at: float, ended_at: float) -> dict[str, float]:
    """Seconds per phase from the phase timer's marks (a missing mark merges its phase into the one before);
    the build-finished phase is split into the search index, the feeds and the other handlers."""
    marks = data.get("marks", {})
    starts = [(name, started_at if mark is None else marks.get(mark)) for name, mark in PHASES]
    present = [(name, at) for name, at in starts if at is not None]
    phases = {}
    for (name, at), (_, until) in zip(present, [*present[1:], ("end", ended_at)], strict=True):
        phases[name] = max(0.0, until - at)
    handlers = [item for item in data.get("handlers", []) if item.get("event") == "build-finished"]
    search = sum(item["seconds"] for item in handlers if item["handler"].endswith("." + SEARCH_HANDLER))
    feeds = sum(item["seconds"] for item in handlers if item["handler"].endswith("." + FEEDS_HANDLER))
    if "build-finished" not in phases:
        return phases
    ordered: dict[str, float] = {}
    for name, seconds in phases.items():
        if name == "build-finished":
            ordered["build-finished: search index"] = search
            ordered["build-finished: feeds"] = feeds
            ordered["build-finished: other"] = max(0.0, seconds - search - feeds)
        else:
            ordered[name] = seconds
    return ordered


def walk_files(root: Path) -> Iterator[Path]:
    """Every file under ``root``, skipping the doctree cache (``-b html`` keeps it in <out>/.doctrees): the folder
    that is deployed."""
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [name for name in subdirs if name != ".doctrees"]
        for name in files:
            yield Path(directory) / name


def html_snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every .html file of the output, by relative path."""
    snapshot = {}
    for path in walk_files(root):
        if path.suffix == ".html":
            stat = path.stat()
            snapshot[str(path.relative_to(root))] = (stat.st_mtime_ns, stat.st_size)
    return snapshot


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    """How many .html files are new or changed (mtime or size) between two snapshots."""
    return sum(1 for path, stamp in after.items() if before.get(path) != stamp)


def tree_bytes(paths: Iterable[Path]) -> int:
    """The summed size of the given files."""
    return sum(path.stat().st_size for path in paths if path.is_file())


def search_index_bytes(html: Path) -> int:
    """Bytes of the search index: Sphinx's searchindex.js, or the archive's sharded index in _static/search/."""
    stock = html / "searchindex.js"
    own = html / "_static" / "search"
    return (stock.stat().st_size if stock.is_file() else 0) + (tree_bytes(walk_files(own)) if own.is_dir() else 0)


@dataclass
class SystemResult:
    """Everything measured for one system at one size."""

    system: str
    size: int
    posts: int
    command: str
    full: Run
    output_bytes: int = 0  # the deployed folder: the HTML output without the doctree cache
    cache_bytes: int = 0  # the caches kept between builds: the doctree folder (environment, doctrees, build cache)
    search_bytes: int = 0
    html_pages: int = 0
    edited_post: str = ""
    edit_body: Run | None = None
    edit_tags: Run | None = None
    full_runs: list[float] = field(default_factory=list)  # every cold build's wall time; ``full`` is the fastest


def incremental(site: Site, label: str, edit_file: Path) -> Run:
    """Rebuild after ``edit_file`` was changed, counting the .html files the rebuild re-wrote."""
    before = html_snapshot(site.html)
    render(site, edit_file)
    run = build(site, label)
    run.pages_written = rewritten(before, html_snapshot(site.html))
    return run


def measure(
    system: str, size: int, sources: list[Path], edits: Edits, work: Path, jobs: str, repeat: int = 1
) -> SystemResult:
    """``repeat`` cold full builds of ``system`` over ``sources`` (each in a fresh project; the fastest counts, the
    highest memory counts), then the body edit and the tags edit rebuilds of the last one."""
    runs: list[Run] = []
    for _ in range(max(1, repeat)):
        site = prepare(system, work / f"n{size}" / system, sources, jobs)
        runs.append(build(site, "full"))
        if not runs[-1].ok:
            break
    full = runs[-1] if not runs[-1].ok else min(runs, key=lambda run: run.seconds)
    full = dataclasses.replace(full, peak_rss=max(run.peak_rss for run in runs))
    result = SystemResult(system, size, len(sources), shlex.join(site.command), full, edited_post=edits.post_name)
    result.full_runs = [run.seconds for run in runs]
    if not full.ok:
        return result
    files = list(walk_files(site.html))
    result.output_bytes = tree_bytes(files)
    result.cache_bytes = tree_bytes(path for path in site.doctrees.rglob("*")) if site.doctrees.is_dir() else 0
    result.html_pages = sum(1 for path in files if path.suffix == ".html")
    result.search_bytes = search_index_bytes(site.html)
    target = site.jekyll / edits.post_name
    append_paragraph(target)
    result.edit_body = incremental(site, "edit-body", target)
    if result.edit_body.ok:
        replace_tags(target, edits.new_tags)
        result.edit_tags = incremental(site, "edit-tags", target)
    return result


# --- the machine -------------------------------------------------------------------------------


def version(distribution: str) -> str:
    """The installed version of a distribution, or "not installed"."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or platform's guess)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def git_revision() -> str:
    """The checked-out commit, with "+dirty" when the work tree has changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def machine() -> dict[str, str]:
    """What the numbers depend on: CPUs, memory, load before the run, and the software versions."""
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU model": cpu_model(),
        "memory": f"{psutil.virtual_memory().total / 1024**3:.1f} GiB",
        "load average before start (1/5/15 min)": load,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Sphinx": version("sphinx"),
        "myst-parser": version("myst-parser"),
        "pydata-sphinx-theme": version("pydata-sphinx-theme"),
        "ablog": version("ablog"),
        "postarchive": f"{version('postarchive')} ({git_revision()})",
    }


# --- reporting ---------------------------------------------------------------------------------


def seconds_text(run: Run | None) -> str:
    """A build's wall time, or why there is none."""
    if run is None:
        return "—"
    return f"{run.seconds:.1f} s" if run.ok else f"**failed** (exit {run.returncode})"


def runs_text(result: SystemResult) -> str:
    """Every cold build's time, when there were several."""
    if len(result.full_runs) < 2 or not result.full.ok:
        return ""
    return " (" + " / ".join(f"{seconds:.1f}" for seconds in result.full_runs) + ")"


def mb(count: int) -> str:
    """Bytes as MB (10^6)."""
    return f"{count / 1e6:.1f} MB"


def pages_text(run: Run | None) -> str:
    """How many pages an incremental build re-wrote."""
    return "—" if run is None or not run.ok or run.pages_written is None else str(run.pages_written)


def size_table(results: list[SystemResult]) -> str:
    """The table of one size: a row per system, and the last lines of stderr of each failed build."""
    header = (
        "| system | full build | peak RSS | deployed | caches | search index | .html pages | body edit "
        "| pages re-written | tags edit | pages re-written | warnings (full) |\n"
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
    )
    rows = []
    failures = []
    for result in results:
        full = result.full
        if full.ok:
            cells = [
                mb(full.peak_rss),
                mb(result.output_bytes),
                mb(result.cache_bytes),
                mb(result.search_bytes),
                str(result.html_pages),
            ]
        else:
            cells = ["—"] * 5
        rows.append(
            f"| {result.system} | {seconds_text(full)}{runs_text(result)} | "
            + " | ".join(cells)
            + f" | {seconds_text(result.edit_body)} | {pages_text(result.edit_body)} "
            f"| {seconds_text(result.edit_tags)} | {pages_text(result.edit_tags)} | {full.warnings} |"
        )
        for run in (full, result.edit_body, result.edit_tags):
            if run is not None and not run.ok:
                failures.append(f"{result.system}, {run.label} (exit {run.returncode}):\n\n```\n{run.stderr_tail}\n```")
    text = header + "\n".join(rows) + "\n"
    if failures:
        text += "\nFailed builds, last lines of stderr:\n\n" + "\n\n".join(failures) + "\n"
    return text


def phase_table(results: list[SystemResult]) -> str:
    """The archive's builds of one size by phase (seconds; the columns add up to the wall time)."""
    runs = [
        run
        for result in results
        if result.system == "archive"
        for run in (result.full, result.edit_body, result.edit_tags)
        if run is not None and run.ok and run.phases
    ]
    if not runs:
        return ""
    names = [name for name in dict.fromkeys(key for run in runs for key in (run.phases or {}))]
    header = "| archive build | wall | " + " | ".join(names) + " |\n|---|--:|" + "--:|" * len(names) + "\n"
    rows = []
    for run in runs:
        phases = run.phases or {}
        cells = [f"{phases[name]:.1f}" if name in phases else "—" for name in names]
        rows.append(f"| {run.label} | {run.seconds:.1f} | " + " | ".join(cells) + " |")
    slowest = ", ".join(
        f"`{item['handler']}` ({item['event']}) {item['seconds']:.1f} s" for item in runs[0].handlers[:4]
    )
    text = header + "\n".join(rows) + "\n"
    if slowest:
        text += f"\nSlowest handlers of the full build: {slowest}.\n"
    return text


def mark(ok: bool) -> str:
    """✓ or ✗ against an acceptance threshold."""
    return "✓" if ok else "✗"


def full_seconds(results: list[SystemResult], system: str, size: int) -> float | None:
    """The full build time of a system at a size, when that build succeeded."""
    for result in results:
        if result.system == system and result.size == size and result.full.ok:
            return result.full.seconds
    return None


def summary_table(results: list[SystemResult], sizes: list[int]) -> str:
    """Ratios of the archive to the floor and ABlog, incremental time as a share of full, time growth per size."""
    lines = [
        f"| N | archive / floor (≤ {MAX_FLOOR_RATIO}) | archive / ablog (≤ {MAX_ABLOG_RATIO}) "
        f"| archive body edit: % of full, pages (≤ {MAX_EDIT_SHARE:.0%}, ≤ {MAX_EDIT_PAGES}) "
        "| archive tags edit: % of full, pages | floor body edit % | ablog body edit % "
        f"| archive peak RSS (< {MAX_PEAK_RSS / 1024**3:.0f} GiB) |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]

    def ratio(size: int, other: str, limit: float) -> str:
        archive, base = full_seconds(results, "archive", size), full_seconds(results, other, size)
        if archive is None or not base:
            return "—"
        return f"{archive / base:.2f} {mark(archive / base <= limit)}"

    def share(system: str, size: int, which: str, check: bool = False) -> str:
        result = next((r for r in results if r.system == system and r.size == size), None)
        if result is None or not result.full.ok:
            return "—"
        run = result.edit_body if which == "body" else result.edit_tags
        if run is None or not run.ok or run.pages_written is None:
            return "—"
        fraction = run.seconds / result.full.seconds
        text = f"{fraction:.1%}, {run.pages_written}" if system == "archive" else f"{fraction:.1%}"
        if check:
            text += " " + mark(fraction <= MAX_EDIT_SHARE and run.pages_written <= MAX_EDIT_PAGES)
        return text

    for size in sizes:
        archive = next((r for r in results if r.system == "archive" and r.size == size), None)
        peak = "—"
        if archive is not None and archive.full.ok:
            peak = f"{archive.full.peak_rss / 1024**3:.2f} GiB {mark(archive.full.peak_rss < MAX_PEAK_RSS)}"
        lines.append(
            f"| {size:,} | {ratio(size, 'floor', MAX_FLOOR_RATIO)} | {ratio(size, 'ablog', MAX_ABLOG_RATIO)} "
            f"| {share('archive', size, 'body', check=True)} | {share('archive', size, 'tags')} "
            f"| {share('floor', size, 'body')} | {share('ablog', size, 'body')} | {peak} |"
        )
    text = "\n".join(lines) + "\n"
    ordered = sorted(sizes)
    if len(ordered) > 1:
        growth = ["| growth of full build time (time ratio ÷ size ratio; linear = 1.0) | archive | floor | ablog |"]
        growth.append("|---|--:|--:|--:|")
        for small, large in itertools.pairwise(ordered):
            cells = []
            for system in SYSTEMS:
                before, after = full_seconds(results, system, small), full_seconds(results, system, large)
                if before is None or after is None:
                    cells.append("—")
                    continue
                factor = after / before / (large / small)
                cells.append(f"{factor:.2f}" + (f" {mark(factor <= 1.0)}" if system == "archive" else ""))
            growth.append(f"| {small:,} → {large:,} | " + " | ".join(cells) + " |")
        text += "\n" + "\n".join(growth) + "\n"
    return text


HOW_TO_READ = """\
## How to read

Each system builds the same posts from scratch in a fresh directory ("full build": wall time of the whole
`sphinx-build` command, including Python start-up), {repeat} time(s): the fastest counts and every time is in brackets
(on a shared machine the same build varies by up to 20% between runs), the peak memory is the highest of them. The archive builds with `-j {jobs}`; the floor (plain Sphinx +
MyST + pydata-sphinx-theme, one page per post and a glob toctree, no archive features) and ABlog build serially
with `sphinx-build -M html`, the way a default Sphinx Makefile does. "Peak RSS" is the highest sum of the memory of the
build process and its worker processes, sampled every second (reading PSS costs CPU), counted as PSS (forked workers share pages with their
parent; PSS gives each shared page to them in shares, so nothing is counted twice). "Deployed" is every file of the HTML output except the doctree cache, the folder a host serves (the floor and
ABlog keep Sphinx's default `_sources/` copies; their root toctree holds one page, 記事一覧, whose glob toctree lists
every post, so pydata-sphinx-theme's sidebar on every post page lists every post: their pages grow with N); "caches"
is the doctree folder kept for the next build (pickled doctrees, the environment, the archive's build cache), not
deployed; "search index" is Sphinx's `searchindex.js`, or
the archive's `_static/search/` (part of "deployed"). The phases of every archive build come from
`bench/phase_timer.py`, a small Sphinx extension that `bench/run.py` appends to its copy of `docs/conf.py`: wall-clock
marks at `builder-inited`, `env-before-read-docs`/`env-updated` (read), `write-started`, `html-collect-pages` and
`build-finished`, and the time of each `build-finished` handler, so the search index (`write_search_index`) and the
feeds (`write_feeds`) have their own columns; "start-up" is from the launch of the command to `builder-inited`
(Python, imports, conf.py, the extensions' setup), "exit" from the last handler to the end of the process. The incremental rows then edit one post from the
middle of the date range ({post}) in each system's own copy of the posts: "body edit" appends a paragraph of
Japanese text, "tags edit" replaces its tags ({old_tags} → {new_tags}); "pages re-written" counts the .html files
whose mtime or size changed. The floor has no tags, so its tags edit changes no source. In the summary, ratios
below 1 mean the archive is faster; growth 1.0 means full build time grows linearly with the number of posts.
"""


def results_markdown(
    command: str, started: str, info: dict[str, str], results: list[SystemResult], options: Options
) -> str:
    """RESULTS.md: command, date, machine, a table per size, the ratio summary and how to read them."""
    parts = [
        "# Benchmark: this archive vs plain Sphinx (the floor) vs ABlog\n",
        f"Command: `{command}`\n\nDate: {started}\n",
        "## Machine\n\n" + "\n".join(f"- {key}: {value}" for key, value in info.items()) + "\n",
    ]
    for size in options.sizes:
        done = [result for result in results if result.size == size]
        if done:
            phases = phase_table(done)
            parts.append(
                f"## N = {size:,} posts\n\n{size_table(done)}"
                + (f"\nPhases of the archive's builds (seconds):\n\n{phases}" if phases else "")
            )
    parts.append("## Summary\n\n" + summary_table(results, options.sizes))
    first = next(iter(options.edits_by_size.items()), None)
    if first is not None:
        size, edits = first
        parts.append(
            HOW_TO_READ.format(
                jobs=options.jobs,
                repeat=options.repeat,
                post=f"`{edits.post_name}` at N = {size:,}",
                old_tags=", ".join(edits.old_tags) or "none",
                new_tags=", ".join(edits.new_tags),
            )
        )
    return "\n".join(parts)


@dataclass
class Options:
    """The command line."""

    sizes: list[int]
    systems: list[str]
    work: Path
    peers_up_to: int | None
    out: Path
    jobs: str
    repeat: int = 2
    edits_by_size: dict[int, Edits] = field(default_factory=dict)


def parse_args(argv: list[str]) -> Options:
    """Parse the command line into Options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2500", help="numbers of posts (default: 1000,2500)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="any of archive,floor,ablog")
    parser.add_argument(
        "--only",
        choices=SYSTEMS,
        help="build this system alone (e.g. --only archive at 10,000 posts); overrides --systems",
    )
    parser.add_argument("--work", type=Path, default=REPO / "bench" / "work", help="scratch dir (default bench/work)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md", help="the Markdown report")
    parser.add_argument("--jobs", default="auto", help="sphinx-build -j for the archive (default auto)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="cold full builds per system and size; the fastest is reported (default 2: a shared machine is noisy)",
    )
    parser.add_argument(
        "--peers-up-to",
        type=int,
        default=None,
        help="build the floor and ABlog only up to this many posts (default: at every size)",
    )
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    systems = [system.strip() for system in args.systems.split(",") if system.strip()]
    if args.only:
        systems = [args.only]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown or not systems:
        parser.error(f"unknown systems {unknown}; choose from {','.join(SYSTEMS)}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive numbers")
    return Options(
        sizes, systems, args.work.resolve(), args.peers_up_to, args.out.resolve(), args.jobs, max(1, args.repeat)
    )


def command_line(argv: list[str]) -> str:
    """The command as typed from the repository root (and whether make ran it)."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(REPO) if script.is_relative_to(REPO) else script
    text = shlex.join(["python", str(shown), *argv])
    return text + (" (via `make bench`)" if os.environ.get("MAKELEVEL") else "")


def main(argv: list[str] | None = None) -> int:
    """Run every system at every size, printing each table as it is done and rewriting the reports."""
    argv = sys.argv[1:] if argv is None else argv
    options = parse_args(argv)
    command = command_line(argv)
    started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    info = machine()
    print(f"{command}\n" + "\n".join(f"  {key}: {value}" for key, value in info.items()), flush=True)
    options.work.mkdir(parents=True, exist_ok=True)
    results: list[SystemResult] = []
    for size in options.sizes:
        sources = corpus_posts(size, options.work)
        edits = plan_edits(sources)
        options.edits_by_size[size] = edits
        print(f"\nN = {size:,}: {len(sources)} posts; edits {edits.post_name}", flush=True)
        for system in options.systems:
            if system != "archive" and options.peers_up_to is not None and size > options.peers_up_to:
                continue
            result = measure(system, size, sources, edits, options.work, options.jobs, options.repeat)
            results.append(result)
            status = "ok" if result.full.ok else f"FAILED (exit {result.full.returncode})"
            print(
                f"  {system:<8} full {seconds_text(result.full)} {status}; body edit {seconds_text(result.edit_body)}"
                f" ({pages_text(result.edit_body)} pages); tags edit {seconds_text(result.edit_tags)}"
                f" ({pages_text(result.edit_tags)} pages)",
                flush=True,
            )
        print("\n" + size_table([result for result in results if result.size == size]), flush=True)
        write_reports(options, command, started, info, results)
    print("\n" + summary_table(results, options.sizes), flush=True)
    print(f"Written: {options.out} and {options.work / 'results.json'}")
    runs = [run for result in results for run in (result.full, result.edit_body, result.edit_tags)]
    return 0 if all(run is not None and run.ok for run in runs) else 1


def kept_pageweight(report: Path) -> str:
    """The page-weight section (bench/pageweight.py --write-results) of an existing report, to keep it."""
    if not report.is_file():
        return ""
    text = report.read_text(encoding="utf-8")
    start, end = text.find(PAGEWEIGHT_START), text.find(PAGEWEIGHT_END)
    if start < 0 or end < start:
        return ""
    return "\n" + text[start : end + len(PAGEWEIGHT_END)] + "\n"


def write_reports(
    options: Options, command: str, started: str, info: dict[str, str], results: list[SystemResult]
) -> None:
    """Rewrite RESULTS.md and results.json with everything measured so far (a crash keeps the finished sizes)."""
    markdown = results_markdown(command, started, info, results, options) + kept_pageweight(options.out)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(markdown, encoding="utf-8")
    raw = {
        "command": command,
        "started": started,
        "machine": info,
        "edits": {str(size): asdict(edits) for size, edits in options.edits_by_size.items()},
        "results": [asdict(result) for result in results],
    }
    (options.work / "results.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
