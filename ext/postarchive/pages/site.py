"""Assemble the archive: read every post, report its problems, generate and write the pages.

Runs once per build at ``builder-inited`` (before Sphinx looks for documents), so the generated
pages are ordinary source files for every builder (html, dirhtml, latex, linkcheck).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging as logging_module
import os
import reprlib
from collections import defaultdict
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from ..config import ArchiveConfig
from ..domain.config import archive_config
from ..domain.state import ArchiveState, set_archive_state
from ..model.frontmatter import editorial_refs, own_related_keys, own_related_section, reading_minutes, usable_image
from ..model.kinds import ENTRY_DIRS, ENTRY_TITLES, GENERATED_ROOTS, MANIFEST, YEAR_ROOT_RE, permalink_conflict
from ..model.mentions import mention_text
from ..model.nav import nav_tree
from ..model.permalinks import JekyllSite, plan_urls, read_jekyll_config, url_key
from ..model.registry import Registry, RegistryProblem, load_registry
from ..model.related import Item, features_of, related_posts
from ..model.schema import PostPageData
from ..pages.buildcache import BuildCache, digest, load_cache, save_cache
from ..pages.chart import posts_per_month_chart
from ..pages.companies import company_pages, product_pages, slug_collisions, tag_readings
from ..pages.discovered import discover_in_posts, discovered_entries, summary
from ..pages.render import (
    POST_SUFFIX,
    archive_pages,
    entry_pages,
    latest_fragment,
    months_fragment,
    post_page,
    write_pages,
)
from ..pages.volumes import book_sources, built_volumes, with_volume_links
from ..posts.liquid import remove_liquid
from ..posts.post import Post, Problem, normalize_name, shown_path
from ..posts.reading import read_post

logger = logging.getLogger(__name__)
POST_SUFFIXES = (".md", ".markdown")
POST_PAGE_SUFFIX = POST_SUFFIX
RELATED_SPARE = 6  # related candidates beyond related_count, for the ones the post already lists itself


def post_files(posts_dir: Path, site: ArchiveState) -> list[Path]:
    """The regular post files of ``posts_dir``, by name; a symbolic link or anything else named like a
    post (a folder, a FIFO) is refused unopened: a link could publish any file of the host."""
    files = []
    with os.scandir(posts_dir) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = Path(entry.path)
            if path.suffix.lower() not in POST_SUFFIXES:
                continue
            if entry.is_symlink():
                site.problems.append(Problem(path, None, "symlink", "シンボリックリンクは読みません", fatal=True))
            elif not entry.is_file(follow_symlinks=False):
                site.problems.append(
                    Problem(
                        path, None, "not-a-file", "通常のファイルではありません (フォルダなど): 読みません", fatal=True
                    )
                )
            else:
                files.append(path)
    return files


def without_conflicting_permalink(post: Post, reason: str, problems: list[Problem]) -> Post:
    problems.append(
        Problem(
            post.source,
            None,
            "permalink",
            f"permalink {post.permalink} は使えません ({reason}): ファイル名の URL を使います",
        )
    )
    return dataclasses.replace(post, permalink_override="")


def folders_of(docname: str) -> list[str]:
    """A post's output folder and every folder above it (case-folded)."""
    parts = docname.removesuffix("/index").casefold().split("/")
    return ["/".join(parts[: index + 1]) for index in range(len(parts))]


def settle_permalinks(read: list[Post], source_names: frozenset[str], problems: list[Problem]) -> list[Post]:
    """Posts whose ``permalink:`` would take a page of the archive or enter another post's folder (or
    hold one) get their file-name URL back, with a ``permalink`` warning; nothing is written yet."""
    settled: list[Post] = []
    by_file_name = [post for post in read if not post.permalink_override]
    post_folders = {folders_of(post.docname)[-1] for post in by_file_name}
    ancestors = {folder for post in by_file_name for folder in folders_of(post.docname)[:-1]}
    for post in read:
        if post.permalink_override:
            folders = folders_of(post.docname)
            reason = permalink_conflict(post.docname, source_names)
            if reason is None and (folders[-1] in ancestors or post_folders.intersection(folders[:-1])):
                reason = "別の記事のフォルダの中か上です"
            if reason is not None:
                post = without_conflicting_permalink(post, reason, problems)
            else:
                post_folders.add(folders[-1])
                ancestors.update(folders[:-1])
        settled.append(post)
    return settled


def read_posts(
    posts_dir: Path, config: ArchiveConfig, jekyll: JekyllSite | None = None, source_names: frozenset[str] = frozenset()
) -> ArchiveState:
    """Read every post file; bad ones become problems, never exceptions. Each post gets Jekyll's URL.

    A ``permalink:`` that would take a page of the archive (``source_names``: the top-level names of the
    source folder, which no permalink may take) or another post's folder is refused first; where two posts
    then claim one URL, the one Jekyll keeps keeps it and the other is moved (``with_jekyll_urls``).
    """
    site = ArchiveState(jekyll=jekyll or JekyllSite())
    if not posts_dir.is_dir():
        site.problems.append(Problem(posts_dir, None, "config", "記事フォルダがありません", fatal=True))
        return site
    read: list[Post] = []
    for path in post_files(posts_dir, site):
        result = read_post(path, tz=site.jekyll.tz, max_bytes=config.max_post_bytes, max_tags=config.max_tags_per_post)
        site.problems.extend(result.problems)
        if result.post is not None:
            read.append(result.post)
    read = settle_permalinks(read, source_names, site.problems)
    for post in with_jekyll_urls(read, site.jekyll, site.problems):
        cleaned = remove_liquid(post.body)
        if cleaned.liquid_removed:
            line = post.body_line + (cleaned.first_liquid_offset or 0)
            site.problems.append(
                Problem(
                    post.source,
                    line,
                    "liquid",
                    f"Liquid タグを {cleaned.liquid_removed} 個取り除きました",
                    repaired=True,
                )
            )
        site.posts.append(post)
        site.bodies[post.docname] = cleaned.text
    return site


def with_jekyll_urls(posts: list[Post], jekyll: JekyllSite, problems: list[Problem]) -> list[Post]:
    """Each post at Jekyll's URL; where two claim one, Jekyll's survivor keeps it (warned, naming both)."""
    plan = plan_urls(posts, jekyll)
    for dup in plan.duplicates:
        # the moved post is reported once: this warning names both files and says where it went
        problems[:] = [p for p in problems if p.path != dup.moved.source or p.repaired]
        problems.append(
            Problem(
                dup.moved.source,
                None,
                "duplicate",
                f"{dup.moved.source.name} と {dup.kept.source.name} は同じ URL {dup.url} になります: "
                f"Jekyll が残すのは {dup.kept.source.name} なので、{dup.moved.source.name} は {dup.new_url} に置きます",
            )
        )
    return [dataclasses.replace(p, url=plan.urls[p.source], aliases=plan.aliases.get(p.source, ())) for p in posts]


def name_members(posts: list[Post], attribute: str) -> dict[str, list[Post]]:
    members: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        values = getattr(post, attribute)
        for value in [values] if isinstance(values, str) else values:
            name = normalize_name(value)
            if name:
                members[name].append(post)
    return members


def find_companies(site: ArchiveState, cache: BuildCache | None = None) -> None:
    """Each post's companies and products, ordered by first mention in its text (tags never add one).

    Kept in ``cache`` under a digest of the post's title and body and of the whole registry (discovered
    entries included).
    """
    cache = cache or BuildCache()
    registry_key = digest(repr(site.registry.companies), repr(site.registry.products))
    for post in site.posts:
        body = site.bodies[post.docname]

        def compute(post: Post = post, body: str = body) -> list[str]:
            return site.registry.companies_in(mention_text(post, body))

        def products(post: Post = post, body: str = body) -> list[str]:
            return site.registry.products_in(mention_text(post, body))

        key = digest(registry_key, post.title, body)
        site.companies[post.docname] = cache.mentions_for(key, compute)
        site.products[post.docname] = cache.mentions_for(digest("products", key), products)


def find_related(site: ArchiveState, count: int) -> dict[str, tuple[str, ...]]:
    items = [
        Item(
            post.docname,
            post.date.timestamp(),
            features_of(site.companies.get(post.docname, []), [normalize_name(t) for t in post.tags]),
        )
        for post in site.posts
    ]
    return related_posts(items, count)


def link_posts(
    site: ArchiveState, config: ArchiveConfig, cache: BuildCache | None = None, image_root: Path | None = None
) -> None:
    """Fill each post's page data: its companies, its related posts (none the post lists itself), its
    image (when ``image_root`` holds it) and its reading time."""
    find_companies(site, cache)
    related = find_related(site, config.related_count + RELATED_SPARE)
    by_key = post_keys(site.posts)

    def exists(path: str) -> bool:
        return image_root is not None and (image_root / path).is_file()

    for post in site.posts:
        companies = tuple(site.companies.get(post.docname, []))
        body = site.bodies[post.docname]
        own = {by_key.get(key) for key in own_related_keys(body)}
        own |= {by_key.get(ref.key) for ref in editorial_refs(post)}
        site.page_data[post.docname] = PostPageData(
            companies=companies,
            products=tuple(site.products.get(post.docname, [])),
            related=tuple(d for d in related.get(post.docname, ()) if d not in own)[: config.related_count],
            own_related=bool(own_related_section(body) or post.related_articles),
            body_related=bool(own_related_section(body)),
            image=usable_image(post.image, site.jekyll.url, exists),
            reading_time=reading_minutes(post.reading_time, body),
            mentions_key=site.registry.spellings_key(companies),
        )


def post_keys(posts: list[Post]) -> dict[str, str]:
    """Every key a link may use for a post (its URL's, its aliases') → the post's docname."""
    keys = {url_key(alias): post.docname for post in posts for alias in post.aliases}
    keys.update({url_key(post.permalink): post.docname for post in posts})
    return keys


def post_pages(site: ArchiveState, tz: dt.tzinfo) -> dict[str, str]:
    """Each post's page. A post whose page cannot be made (a bug the hostile cases did not foresee) is
    that post's ``internal`` problem and is left out of the archive; the others are built."""
    pages: dict[str, str] = {}
    failed = set()
    for post in site.posts:
        data = site.page_data.get(post.docname, PostPageData())
        try:
            text, shift = post_page(post, site.bodies[post.docname], data, tz)
        except Exception as error:
            message = (
                f"記事のページを作れません ({type(error).__name__}: {reprlib.repr(str(error))}): この記事は省きます"
            )
            site.problems.append(Problem(post.source, None, "internal", message, fatal=True))
            failed.add(post.docname)
            continue
        pages[post.docname + POST_PAGE_SUFFIX] = text
        site.line_shift[post.docname] = shift
    if failed:
        site.posts[:] = [post for post in site.posts if post.docname not in failed]
    return pages


def generate_pages(site: ArchiveState, config: ArchiveConfig, cache: BuildCache | None = None) -> dict[str, str]:
    tz = config.tz
    pages = post_pages(site, tz)
    pages.update(archive_pages(site.posts, tz))
    pages["_archive/latest.md"] = latest_fragment(site.posts, config.latest_count, tz)
    pages["_archive/months.md"] = months_fragment(site.posts, tz)
    pages["_archive/chart.md"] = posts_per_month_chart(site.posts, tz)
    for objtype, attribute in (("tag", "tags"), ("category", "categories"), ("author", "author")):
        members = name_members(site.posts, attribute)
        for kept, other in slug_collisions(members):
            site.problems.append(
                Problem(
                    Path(ENTRY_DIRS[objtype]),
                    None,
                    "collision",
                    f"{ENTRY_TITLES[objtype]}「{other}」と「{kept}」は同じ URL になります: 「{other}」のページは作りません",
                )
            )
            members.pop(other, None)
        readings = tag_readings(members, site.registry, cache=cache)
        pages.update(entry_pages(objtype, members, readings, tz))
    company_members: dict[str, list[Post]] = defaultdict(list)
    for post in site.posts:
        for name in site.companies.get(post.docname, []):
            company_members[name].append(post)
    skipped = set()
    for kept, other in slug_collisions(company.name for company in site.registry.companies):
        entry = site.registry.by_name[other]
        site.problems.append(
            Problem(
                site.registry.path or Path("companies.yml"),
                entry.line or None,
                "collision",
                f"企業・組織「{other}」と「{kept}」は同じ URL になります: 「{other}」のページは作りません",
            )
        )
        skipped.add(other)
    titled = {post.docname: site.registry.companies_in(post.title) for post in site.posts}
    pages.update(
        company_pages(
            site.registry,
            company_members,
            site.companies,
            tz,
            skip=skipped,
            all_entries=config.all_companies,
            titled=titled,
            post_products=site.products,
            posts=site.posts,
        )
    )
    pages.update(product_pages(site.registry, site.products, site.posts, tz))
    return pages


def load_registry_cached(path: Path, cache: BuildCache) -> tuple[Registry, list[RegistryProblem]]:
    """:func:`load_registry`, kept in the build cache under a digest of the file's path and bytes."""
    try:
        data = path.read_bytes()
    except OSError:
        return load_registry(path)
    key = digest(str(path), hashlib.sha1(data, usedforsecurity=False).hexdigest())
    registry, problems = cache.registry_for(key, lambda: load_registry(path))
    return registry, list(problems)


def report_problems(problems: list[Problem] | list[RegistryProblem], strict: bool = False) -> None:
    """One warning per problem, at its file (and line). In strict mode a repair is an info line (修復)."""
    for problem in problems:
        if strict and getattr(problem, "repaired", False):
            logger.info("%s 修復: %s [postarchive.%s]", problem.location(), problem.message, problem.subtype)
            continue
        logger.warning(
            "%s%s",
            "[記事を省きました] " if getattr(problem, "fatal", False) else "",
            problem.message,
            location=problem.location(),
            type="postarchive",
            subtype=problem.subtype,
        )


def jekyll_settings(app: Sphinx, config: ArchiveConfig) -> JekyllSite:
    """The blog's ``_config.yml`` (``postarchive_jekyll_config``), else the blog's own settings."""
    if not config.jekyll_config:
        return JekyllSite()
    path = (Path(app.confdir) / config.jekyll_config).resolve()
    jekyll = read_jekyll_config(path)
    for message in jekyll.problems:
        logger.warning(message, location=f"{path}:", type="postarchive", subtype="config")
    return jekyll


def source_names(srcdir: Path) -> frozenset[str]:
    """The top-level names of the source folder the archive does not generate (``conf.py``, ``companies.yml``…)."""
    try:
        names = os.listdir(srcdir)
    except OSError:
        return frozenset()
    generated = {*GENERATED_ROOTS, MANIFEST}
    return frozenset(name for name in names if name not in generated and not YEAR_ROOT_RE.fullmatch(name))


def build_site(app: Sphinx) -> None:
    config = archive_config(app)
    srcdir = Path(app.srcdir)
    posts_dir = (Path(app.confdir) / config.posts_dir).resolve()
    site = read_posts(posts_dir, config, jekyll_settings(app, config), source_names(srcdir))
    report_problems(site.problems, config.strict)
    cache = load_cache(Path(app.doctreedir))
    registry_path = (Path(app.confdir) / config.registry).resolve()
    site.registry, registry_problems = load_registry_cached(registry_path, cache)
    report_problems(registry_problems)
    site.discovered = discover_in_posts(site, config, cache)
    site.registry = site.registry.with_entries(discovered_entries(site.discovered, cache))
    image_root = (Path(app.confdir) / config.image_dir).resolve() if config.image_dir else None
    link_posts(site, config, cache, image_root)
    problems_before = len(site.problems)
    pages = generate_pages(site, config, cache)
    site.volumes = built_volumes(app)
    pages = with_volume_links(app, pages, site.volumes)
    if app.builder.name == "latex":
        pages.update(book_sources(site, config))  # the PDF volumes' own pages: LaTeX only
    save_cache(Path(app.doctreedir), cache)
    report_problems(site.problems[problems_before:])
    written, removed = write_pages(srcdir, pages)
    remove_stale_output(app, removed)
    logger.info(
        "postarchive: %d posts, %d pages (%d written, %d removed)",
        len(site.posts),
        len(pages),
        len(written),
        len(removed),
    )
    if config.discovery:
        for line in summary(site.discovered):
            logger.info(line)
    site.nav = nav_tree(site.posts, config.tz)
    set_archive_state(app.env, site)
    point_warnings_at_posts(app, srcdir, site)


# Files the html builder and the feeds write beside a generated page, removed with it.
PAGE_OUTPUTS = ("index.html", "atom.xml")


def remove_stale_output(app: Sphinx, removed: list[str]) -> None:
    """Delete what earlier builds wrote for pages that are no longer generated.

    Sphinx never deletes the output of a removed source, so a deleted post or a tag that lost its last
    post would stay on the deployed site (and in its sitemap) until a clean build.
    """
    if app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for relative in removed:
        folder = outdir / Path(relative).parent
        for name in PAGE_OUTPUTS:
            (folder / name).unlink(missing_ok=True)
        while folder != outdir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


class PostLocationFilter(logging_module.Filter):
    """Report a warning inside a generated post page at the post file and line the editor edits."""

    def __init__(self) -> None:
        super().__init__("postarchive-locations")
        self.pages: dict[str, tuple[str, int]] = {}

    def filter(self, record: logging_module.LogRecord) -> bool:
        location = getattr(record, "location", None)
        if isinstance(location, str) and POST_PAGE_SUFFIX in location:
            path, _, line = location.rpartition(":")
            if not line.isdigit():
                path, line = location, ""
            found = self.pages.get(path)
            if found is not None:
                source, shift = found
                record.location = f"{source}:{int(line) + shift}" if line else source
        return True


def point_warnings_at_posts(app: Sphinx, srcdir: Path, site: ArchiveState) -> None:
    """Map warnings in generated post pages to the post files, with a filter on Sphinx's log handlers.

    The filter lives on the handlers (Sphinx sets them up per application), updated at every build.
    """
    handlers = logging_module.getLogger(logging.NAMESPACE).handlers
    installed = [f for handler in handlers for f in handler.filters if isinstance(f, PostLocationFilter)]
    location_filter = installed[0] if installed else PostLocationFilter()
    for handler in handlers:
        if location_filter not in handler.filters:
            handler.addFilter(location_filter)
    location_filter.pages = {
        str(srcdir / (post.docname + POST_PAGE_SUFFIX)): (shown_path(post.source), site.line_shift[post.docname])
        for post in site.posts
    }


def setup_site(app: Sphinx) -> None:
    app.connect("builder-inited", build_site)
