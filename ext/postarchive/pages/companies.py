"""Company entry pages and the companies index, tag readings, and URL collisions. Pure text generation.

A company page is a glossary entry (``archive:entry``) with its reading, kind, market/ticker,
aliases, parent and children, description, its mentions per month (an ``archive-chart``), the
companies most often named with it (a table) and its posts in pages of 50: those with the company in
the title first, then the rest, grouped by month. Every registry or post text goes through
:func:`~postarchive.pages.myst.escape_inline`, and into directive options URL-quoted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from ..model.dates import month_key, newest_first
from ..model.kinds import ENTRY_DIRS, entry_docname, entry_slug
from ..model.listing import company_sections
from ..model.registry import Company, Registry
from ..model.series import build_month, monthly_series
from ..model.yomi import group_order, index_group, reading_of, sort_key
from ..pages.buildcache import BuildCache
from ..pages.chartnode import chart_directive_text
from ..pages.listing import listing_pages
from ..pages.myst import doc_link, escape_inline
from ..pages.render import POST_SUFFIX, described, post_line, quoted, toctree
from ..posts.post import Post, normalize_name

SAFE_URL_RE = re.compile(r"^https?://[^\s<>\"'`\\]+$")
COMENTION_LIMIT = 10
PRODUCT_POSTS = 50  # posts about its products listed on a company page (newest first)


def entry_link(objtype: str, name: str) -> str:
    return doc_link(escape_inline(name), entry_docname(objtype, name))


def company_extra(company: Company) -> str:
    """One line for indices: kind, market and ticker."""
    listing = " ".join(filter(None, [company.market, company.ticker]))
    return " · ".join(filter(None, [company.kind_label, listing]))


def comentions(post_companies: Mapping[str, Sequence[str]]) -> dict[str, Counter[str]]:
    """``company → Counter(other company → number of posts naming both)``."""
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for names in post_companies.values():
        unique = list(dict.fromkeys(names))
        for name in unique:
            together[name].update(other for other in unique if other != name)
    return together


def comention_table(together: Counter[str], link: Callable[[str], str], limit: int = COMENTION_LIMIT) -> str:
    """The companies most often named in the same posts, as a table (HTML and PDF alike)."""
    top = sorted(together.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    if not top:
        return ""
    lines = ["| 企業・組織 | 同じ記事に登場 |", "| --- | --- |"]
    lines += [f"| {link(other)} | {count}件 |" for other, count in top]
    return "\n".join(lines)


def monthly_chart(posts: Sequence[Post], tz: dt.tzinfo, today: tuple[int, int] | None = None) -> str:
    series = monthly_series((month_key(post, tz) for post in posts), today or build_month(tz))
    return chart_directive_text(series, "月別の言及記事数")


UNREGISTERED_NOTE = (
    "**未登録**: この項目はレジストリ（companies.yml）にない組織で、記事の本文から自動で見つけたものです。"
    "種別・市場などはまだありません。"
)


def company_page(
    company: Company,
    registry: Registry,
    posts: Sequence[Post],
    together: Counter[str],
    tz: dt.tzinfo,
    with_pages: set[str] | None = None,
    main: set[str] | None = None,
    product_posts: Sequence[tuple[Post, Sequence[str]]] = (),
) -> dict[str, str]:
    """The company's page and its ``page/<n>/`` pages. ``with_pages``: the companies that have a page
    (links go only there; ``None`` = all of them). ``main``: docnames of the posts mainly about it (named
    in the title): listed first. ``product_posts``: the posts that name one of its products, with the
    products they name (the newest ``PRODUCT_POSTS`` of them on the first page)."""
    name = company.name

    def link(other: str) -> str:
        return entry_link("company", other) if with_pages is None or other in with_pages else escape_inline(other)

    lines = [
        f"# {escape_inline(name)}",
        "",
        ":::{archive:entry} company",
        f":name: {quoted(name)}",
        f":reading: {quoted(company.reading)}",
        f":extra: {quoted(company_extra(company))}",
        ":::",
        "",
        "| 項目 | 内容 |",
        "| --- | --- |",
        f"| 読み | {escape_inline(company.reading)} |",
        f"| 種別 | {escape_inline(company.kind_label)} |",
    ]
    if company.market or company.ticker:
        lines.append(
            f"| 市場・証券コード | {escape_inline(' '.join(filter(None, [company.market, company.ticker])))} |"
        )
    if company.aliases:
        lines.append(f"| 別名 | {escape_inline('、'.join(company.aliases))} |")
    if company.parent:
        lines.append(f"| 親会社・上位組織 | {link(company.parent)} |")
    children = registry.children(name)
    if children:
        lines.append(f"| 子会社・傘下組織 | {'、'.join(link(c.name) for c in children)} |")
    products = sorted({p for _, names in product_posts for p in names})
    if products:
        lines.append(f"| 製品・サービス | {'、'.join(entry_link('product', p) for p in products)} |")
    if company.url and SAFE_URL_RE.match(company.url):
        lines.append(f"| Web | <{company.url}> |")
    lines.append(f"| 記事数 | {len(posts)} 件 |")
    lines.append("")
    if company.unregistered:
        lines += [UNREGISTERED_NOTE, ""]
    if company.description:
        lines += [escape_inline(company.description), ""]
    chart = monthly_chart(posts, tz)
    if chart:
        lines += [chart, ""]  # drawn as an SVG in HTML, as a table in the PDF (pages/chartnode.py)
    table = comention_table(together, link)
    if table:
        lines += ["**一緒に言及される企業・組織**", "", table, ""]
    lines += [f"## 記事（{len(posts)} 件）", ""]
    base = entry_docname("company", name)
    sections = company_sections(posts, lambda post: post.docname in (main or set()), f"{name}が題名にある記事")
    body, front, rest = listing_pages(escape_inline(name), base, sections, tz, POST_SUFFIX, level=3)
    lines.append(body)
    if product_posts:
        lines += ["", f"## 製品・サービスの記事（{len(product_posts)} 件、新しい順）", ""]
        names_of = {post.docname: names for post, names in product_posts}
        for post in newest_first([post for post, _ in product_posts])[:PRODUCT_POSTS]:
            named = "、".join(escape_inline(n) for n in names_of[post.docname])
            lines.append(f"{post_line(post, tz)}（{named}）")
    summary = "、".join(filter(None, [company.kind_label, " ".join(filter(None, [company.market, company.ticker]))]))
    description = f"{name}（{summary}）の言及記事 {len(posts)} 件。{company.description}"
    return {f"{base}.md": described(description, "\n".join(lines) + "\n", front), **rest}


def company_pages(
    registry: Registry,
    members: Mapping[str, Sequence[Post]],
    post_companies: Mapping[str, Sequence[str]],
    tz: dt.tzinfo,
    skip: Iterable[str] = (),
    all_entries: bool = True,
    titled: Mapping[str, Collection[str]] | None = None,
    post_products: Mapping[str, Sequence[str]] | None = None,
    posts: Sequence[Post] = (),
) -> dict[str, str]:
    """Company pages plus the index grouped by reading.

    With ``all_entries`` every registry entry gets a page; otherwise only the companies some post
    names, the makers of the products some post names, and their ancestors (so a parent or maker link
    always has a target). ``skip``: names that get no page (their URL collides with another entry's,
    reported by the caller). ``titled``: docname → the companies its title names (those posts come first
    on the company's page). ``post_products``: docname → products the post names (``posts``: every post).
    """
    by_product = products_by_maker(registry, post_products or {}, posts)
    together = comentions(post_companies)
    main: dict[str, set[str]] = defaultdict(set)
    for docname, names in (titled or {}).items():
        for company_name in names:
            main[company_name].add(docname)
    pages: dict[str, str] = {}
    skipped = set(skip)
    wanted: set[str] | None = None
    if not all_entries:
        wanted = set()
        by_name = registry.by_name
        for name in {n for names in post_companies.values() for n in names} | set(by_product):
            while name in by_name and name not in wanted:
                wanted.add(name)
                name = by_name[name].parent
    companies = sorted(
        (c for c in registry.companies if c.name not in skipped and (wanted is None or c.name in wanted)),
        key=lambda c: (sort_key(c.reading), c.name),
    )
    with_pages = {c.name for c in companies}
    groups: dict[str, list[Company]] = defaultdict(list)
    for company in companies:
        company_posts = members.get(company.name, ())
        pages.update(
            company_page(
                company,
                registry,
                company_posts,
                together.get(company.name, Counter()),
                tz,
                with_pages,
                main.get(company.name),
                by_product.get(company.name, ()),
            )
        )
        groups[index_group(company.reading)].append(company)
    lines = ["# 企業・組織一覧", "", "読みの順（あ・か・さ…、A–Z）に並べています。", ""]
    for group in sorted(groups, key=group_order):
        lines += [f"## {escape_inline(group)}", ""]
        for company in groups[group]:
            count = len(members.get(company.name, ()))
            extra = company_extra(company)
            lines.append(f"- {entry_link('company', company.name)}（{escape_inline(extra)}・{count}件）")
        lines.append("")
    lines.append(toctree([entry_docname("company", c.name) for c in companies], hidden=True))
    pages[f"{ENTRY_DIRS['company']}/index.md"] = "\n".join(lines) + "\n"
    return pages


def products_by_maker(
    registry: Registry, post_products: Mapping[str, Sequence[str]], posts: Sequence[Post]
) -> dict[str, list[tuple[Post, list[str]]]]:
    """``maker → [(post, the maker's products it names)]``, in post order."""
    maker_of = {product.name: product.maker for product in registry.products}
    result: dict[str, list[tuple[Post, list[str]]]] = defaultdict(list)
    for post in posts:
        by_maker: dict[str, list[str]] = defaultdict(list)
        for name in post_products.get(post.docname, ()):
            if name in maker_of:
                by_maker[maker_of[name]].append(name)
        for maker, names in by_maker.items():
            result[maker].append((post, names))
    return result


def product_page(product: Company, posts: Sequence[Post], tz: dt.tzinfo, maker_has_page: bool) -> str:
    name = product.name
    maker = entry_link("company", product.maker) if maker_has_page else escape_inline(product.maker)
    lines = [
        f"# {escape_inline(name)}",
        "",
        ":::{archive:entry} product",
        f":name: {quoted(name)}",
        f":reading: {quoted(product.reading)}",
        f":extra: {quoted(f'{product.kind_label} · {product.maker}')}",
        ":::",
        "",
        "| 項目 | 内容 |",
        "| --- | --- |",
        f"| 読み | {escape_inline(product.reading)} |",
        f"| 種別 | {escape_inline(product.kind_label)} |",
        f"| 提供元 | {maker} |",
    ]
    if product.aliases:
        lines.append(f"| 別名 | {escape_inline('、'.join(product.aliases))} |")
    if product.url and SAFE_URL_RE.match(product.url):
        lines.append(f"| Web | <{product.url}> |")
    lines += [f"| 記事数 | {len(posts)} 件 |", ""]
    if product.description:
        lines += [escape_inline(product.description), ""]
    lines += [f"## 記事（{len(posts)} 件、新しい順）", ""]
    lines += [post_line(post, tz) for post in newest_first(posts)]
    description = f"{name}（{product.maker}の製品・サービス）の言及記事 {len(posts)} 件。{product.description}"
    return described(description, "\n".join(lines) + "\n")


def product_pages(
    registry: Registry,
    post_products: Mapping[str, Sequence[str]],
    posts: Sequence[Post],
    tz: dt.tzinfo,
) -> dict[str, str]:
    """A page per product some post names, plus the products index (always written: the site's toctree has it)."""
    members: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        for name in post_products.get(post.docname, ()):
            members[name].append(post)
    named = sorted((p for p in registry.products if p.name in members), key=lambda p: (sort_key(p.reading), p.name))
    pages: dict[str, str] = {}
    groups: dict[str, list[Company]] = defaultdict(list)
    for product in named:
        pages[entry_docname("product", product.name) + ".md"] = product_page(
            product, members[product.name], tz, product.maker in registry.by_name
        )
        groups[index_group(product.reading)].append(product)
    lines = [
        "# 製品・サービス一覧",
        "",
        "記事に出る製品・サービスを読みの順に並べています（提供元の企業ページにも載ります）。",
        "",
    ]
    for group in sorted(groups, key=group_order):
        lines += [f"## {escape_inline(group)}", ""]
        for product in groups[group]:
            lines.append(
                f"- {entry_link('product', product.name)}（{escape_inline(product.maker)}・{len(members[product.name])}件）"
            )
        lines.append("")
    if not named:
        lines += ["まだ製品・サービスはありません。", ""]
    lines.append(toctree([entry_docname("product", p.name) for p in named], hidden=True))
    pages[f"{ENTRY_DIRS['product']}/index.md"] = "\n".join(lines) + "\n"
    return pages


def tag_readings(
    names: Iterable[str],
    registry: Registry,
    overrides: dict[str, str] | None = None,
    cache: BuildCache | None = None,
) -> dict[str, str]:
    """A reading per tag, category or author: a registry company's reading, else ``reading_of`` (kana, kanji)."""
    readings: dict[str, str] = {}
    for name in names:
        company = registry.lookup(name)
        if company is not None:
            readings[name] = company.reading
        elif cache is not None and not overrides:
            readings[name] = cache.reading_for(name, reading_of)
        else:
            readings[name] = reading_of(name, overrides)
    return readings


def slug_collisions(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs ``(kept, other)`` of distinct names whose entry URLs would be the same (also case-insensitively)."""
    seen: dict[str, str] = {}
    pairs = []
    for name in sorted({normalize_name(n) for n in names}):
        key = entry_slug(name).casefold()
        if key in seen:
            pairs.append((seen[key], name))
        else:
            seen[key] = name
    return pairs
