"""Generated MyST pages: posts at their permalinks, the year → month archive, entry pages.

Pure text generation plus :func:`write_pages`, which rewrites a file only when its content changed
and removes pages that are no longer generated, so Sphinx's incremental build (and
sphinx-autobuild) only ever sees real changes. Every piece of post-supplied text that lands in MyST
goes through :func:`~postarchive.markdown.escape_inline` (or is URL-quoted inside a directive
option), so a title or tag can never break out of its place.
"""

from __future__ import annotations

import datetime as dt
import json
import reprlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

import yaml

from ..model.dates import format_date_jst, month_key, newest_first
from ..model.frontmatter import editorial_refs
from ..model.kinds import ENTRY_DIRS, ENTRY_TITLES, MANIFEST, entry_docname, generated_roots
from ..model.listing import Section
from ..model.schema import PostMeta, PostPageData
from ..pages.listing import listing_pages, post_item
from ..pages.myst import doc_link, escape_inline
from ..posts.post import Post

POST_SUFFIX = ".post.md"  # a post's generated page: <docname>.post.md (read by the restricted post parser)


def quoted(text: str) -> str:
    return quote(text, safe="")


def post_front_matter(post: Post, data: PostPageData, tz: dt.tzinfo) -> dict[str, object]:
    meta = PostMeta(
        title=post.title,
        date=post.date.isoformat(),
        date_display=format_date_jst(post.date, tz),
        permalink=post.permalink,
        source=post.source.name,
        categories=post.categories,
        tags=post.tags,
        author=post.author,
        description=post.summary,
        excerpt=post.excerpt,
        reading_time=data.reading_time if data.reading_time is not None else post.reading_time,
        image=data.image,
        companies=data.companies,
        products=data.products,
        related=data.related,
        own_related=data.own_related,
        body_related=data.body_related,
        editorial=editorial_refs(post),
        mentions_key=data.mentions_key,
        body_line=post.body_line,
        aliases=post.aliases,
        robots=post.robots,
        sitemap=post.sitemap,
        canonical_url=post.canonical_url,
        updated=post.last_modified.isoformat() if post.last_modified else "",
        updated_display=format_date_jst(post.last_modified, tz) if post.last_modified else "",
        extra={key: plain_value(value) for key, value in post.extra.items()},
    )
    return meta.to_dict()


MAX_VALUE_DEPTH = 20  # deeper front-matter values are text (posts.reading drops them already)


def plain_value(value: object, depth: int = 0) -> object:
    """Front-matter values Jekyll keeps but the archive does not use, as plain YAML/JSON data."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if depth >= MAX_VALUE_DEPTH:
        return reprlib.repr(value)
    if isinstance(value, list | tuple):
        return [plain_value(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {str(key): plain_value(item, depth + 1) for key, item in value.items()}
    return str(value)


def dump_yaml(data: dict[str, object]) -> str:
    """Front matter of a generated page: safe YAML, by libyaml where PyYAML has it (10x the pure-Python dumper)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)


def described(description: str, page: str, extra: Mapping[str, str] | None = None) -> str:
    """A generated page with a ``description`` (meta description and ``og:description``) in its front matter."""
    front = dump_yaml({"description": " ".join(description.split()), **(extra or {})})
    return f"---\n{front}---\n\n{page}"


def post_page(post: Post, body: str, data: PostPageData, tz: dt.tzinfo) -> tuple[str, int]:
    """The post as a MyST page (parsed by the restricted post parser).

    Returns ``(text, shift)``: a line ``n`` of the page is line ``n + shift`` of the post file.
    """
    front = dump_yaml({"postarchive": post_front_matter(post, data, tz)})
    head = f"---\n{front}---\n\n# {escape_inline(post.title)}\n\n"
    stripped = body.lstrip("\n")
    first_body_line = head.count("\n") + 1  # page line where the stripped body starts
    source_line = post.body_line + (body.count("\n") - stripped.count("\n"))
    return f"{head}{stripped.rstrip()}\n", source_line - first_body_line


def toctree(entries: Sequence[str], *, hidden: bool = False, maxdepth: int = 1, caption: str = "") -> str:
    lines = ["```{toctree}", f":maxdepth: {maxdepth}"]
    if hidden:
        lines.append(":hidden:")
    if caption:
        lines.append(f":caption: {escape_inline(caption)}")
    lines.append("")
    lines.extend("/" + entry for entry in entries)
    lines.append("```")
    return "\n".join(lines)


def post_line(post: Post, tz: dt.tzinfo) -> str:
    """A list item: date and linked title (via a doc link that MyST resolves)."""
    return post_item(post, tz, POST_SUFFIX)


def post_card(post: Post, tz: dt.tzinfo) -> str:
    meta = " · ".join(filter(None, [format_date_jst(post.date, tz), " ".join(post.categories)]))
    tags = " ".join(f"#{tag}" for tag in post.tags)
    lines = [
        ":::{grid-item-card}",
        f":link: /{post.docname}",
        ":link-type: doc",
        ":class-card: archive-card",
        "",
        f"**{escape_inline(post.title)}**",
        "",
        f"{escape_inline(meta)}",
    ]
    if tags:
        lines += ["", escape_inline(tags)]
    if post.summary:
        lines += ["", escape_inline(post.summary[:140])]
    lines.append(":::")
    return "\n".join(lines)


def latest_fragment(posts: Sequence[Post], count: int, tz: dt.tzinfo) -> str:
    cards = "\n\n".join(post_card(post, tz) for post in newest_first(posts)[:count])
    return f"::::{{grid}} 1 2 2 3\n:gutter: 3\n\n{cards}\n::::\n"


def months_fragment(posts: Sequence[Post], tz: dt.tzinfo) -> str:
    by_year: dict[int, Counter] = defaultdict(Counter)
    for post in posts:
        year, month = month_key(post, tz)
        by_year[year][month] += 1
    lines = []
    for year in sorted(by_year, reverse=True):
        months = " · ".join(
            doc_link(f"{month}月 ({count})", f"{year}/{month:02d}/index")
            for month, count in sorted(by_year[year].items())
        )
        lines.append(f"- {doc_link(f'{year}年', f'{year}/index')}: {months}")
    return "\n".join(lines) + "\n"


def archive_pages(posts: Sequence[Post], tz: dt.tzinfo) -> dict[str, str]:
    """Year → month → post pages with nested toctrees (never one flat toctree of all posts)."""
    pages: dict[str, str] = {}
    by_month: dict[tuple[int, int], list[Post]] = defaultdict(list)
    for post in posts:
        by_month[month_key(post, tz)].append(post)
    years = sorted({year for year, _ in by_month}, reverse=True)
    pages["archive/index.md"] = "\n\n".join(
        ["# 年月別アーカイブ", months_fragment(posts, tz), toctree([f"{y}/index" for y in years], hidden=True)]
    )
    for year in years:
        months = sorted((m for y, m in by_month if y == year), reverse=True)
        lines = [f"# {year}年", ""]
        for month in months:
            lines.append(f"- {doc_link(f'{month}月', f'{year}/{month:02d}/index')}（{len(by_month[(year, month)])}件）")
        lines += ["", toctree([f"{year}/{m:02d}/index" for m in months], hidden=True)]
        pages[f"{year}/index.md"] = "\n".join(lines) + "\n"
    for (year, month), month_posts in by_month.items():
        pages.update(month_pages(year, month, newest_first(month_posts), tz))
    return pages


def month_pages(year: int, month: int, ordered: Sequence[Post], tz: dt.tzinfo) -> dict[str, str]:
    """A month's page (its first 50 posts and a pager; the PDF lists them all) and its ``page/<n>/`` pages."""
    base = f"{year}/{month:02d}/index"
    title = f"{year}年{month}月"
    body, front, rest = listing_pages(title, base, [Section("", tuple(ordered))], tz, POST_SUFFIX)
    lines = [f"# {title}", "", f"{len(ordered)}件（新しい順）", ""]
    if front:  # more than one page: the HTML shows pages, the PDF the whole month
        lines += ["````{only} html", body, "````", "", "````{only} latex", *(post_line(p, tz) for p in ordered), "````"]
    else:
        lines.append(body)
    lines += ["", toctree([p.docname for p in ordered], hidden=True)]
    description = f"{title}の記事 {len(ordered)} 件: " + "、".join(p.title for p in ordered[:5])
    return {f"{base}.md": described(description, "\n".join(lines) + "\n", front), **rest}


def entry_page(
    objtype: str, name: str, reading: str, posts: Sequence[Post], tz: dt.tzinfo, intro: str = ""
) -> dict[str, str]:
    """A glossary-like entry page (the cross-reference target plus its posts, newest first, in pages of 50)
    and its ``page/<n>/`` pages: ``{path: text}``."""
    lines = [
        f"# {escape_inline(name)}",
        "",
        f":::{{archive:entry}} {objtype}",
        f":name: {quoted(name)}",
        f":reading: {quoted(reading)}",
        ":::",
        "",
    ]
    if intro:
        lines += [intro, ""]
    lines.append(f"{ENTRY_TITLES[objtype]}「{escape_inline(name)}」の記事 {len(posts)} 件（新しい順）")
    lines.append("")
    ordered = newest_first(posts)
    base = entry_docname(objtype, name)
    body, front, rest = listing_pages(escape_inline(name), base, [Section("", tuple(ordered))], tz, POST_SUFFIX)
    lines.append(body)
    description = f"{ENTRY_TITLES[objtype]}「{name}」の記事 {len(posts)} 件: " + "、".join(p.title for p in ordered[:5])
    return {f"{base}.md": described(description, "\n".join(lines) + "\n", front), **rest}


def entry_pages(
    objtype: str,
    members: Mapping[str, Sequence[Post]],
    readings: Mapping[str, str],
    tz: dt.tzinfo,
) -> dict[str, str]:
    """One page per entry plus the index page listing them all (grouped by reading)."""
    from ..model.yomi import group_order, index_group, sort_key

    pages: dict[str, str] = {}
    names = sorted(members, key=lambda n: (sort_key(readings.get(n, n)), n))
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        pages.update(entry_page(objtype, name, readings.get(name, name), members[name], tz))
        groups[index_group(readings.get(name, name))].append(name)
    lines = [f"# {ENTRY_TITLES[objtype]}一覧", ""]
    for group, group_names in sorted(groups.items(), key=lambda item: group_order(item[0])):
        lines += [f"## {escape_inline(group)}", ""]
        for name in group_names:
            lines.append(f"- {doc_link(escape_inline(name), entry_docname(objtype, name))}（{len(members[name])}件）")
        lines.append("")
    lines.append(toctree([entry_docname(objtype, n) for n in names], hidden=True))
    pages[f"{ENTRY_DIRS[objtype]}/index.md"] = "\n".join(lines) + "\n"
    return pages


def write_pages(srcdir: Path, pages: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Write changed pages, delete stale ones. Returns ``(written, removed)`` relative paths."""
    manifest_path = srcdir / MANIFEST
    try:
        previous = set(json.loads(manifest_path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        previous = set()
    written = []
    for relative, content in pages.items():
        path = srcdir / relative
        try:
            if path.read_text(encoding="utf-8") == content:
                continue
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(relative)
    removed = []
    for relative in sorted(previous - set(pages)):
        path = srcdir / relative
        if path.is_file():
            path.unlink()
            removed.append(relative)
            parent = path.parent
            while parent != srcdir and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    new_manifest = json.dumps(sorted(pages), ensure_ascii=False, indent=0)
    if not manifest_path.is_file() or manifest_path.read_text(encoding="utf-8") != new_manifest:
        manifest_path.write_text(new_manifest, encoding="utf-8")
    return written, removed


def copy_sources(docs: Path, destination: Path) -> Path:
    """A copy of a docs/ folder without build output or the pages the extension generates into it.

    For tests and benchmarks that build the archive elsewhere from a clean source tree.
    """
    import shutil

    generated = {"_build", MANIFEST, *generated_roots()}

    def ignore(directory: str, names: list[str]) -> set[str]:
        if Path(directory) != docs:
            return set()
        return {name for name in names if name in generated or (len(name) == 4 and name.isdigit())}

    shutil.copytree(docs, destination, ignore=ignore)
    return destination
