"""Jekyll's post URLs: the site's ``permalink`` pattern filled with the post's date in the site's ``timezone``.

Jekyll (4.3) converts a post's ``date`` into the site timezone (``Time#localtime`` with ``TZ`` set from
``timezone:``) before it fills ``/:year/:month/:day/``: a post dated ``2025-10-21 20:37:10 +0000`` on a
``timezone: Asia/Tokyo`` site is served at ``/2025/10/22/…``. The blog's own links (and its IndexNow
pings) use the file-name date, so that form stays reachable as a redirect (an *alias*).

When two posts claim one URL, Jekyll writes both and the last one written stays: posts are written in
date order (then path order), so the newest claimant keeps the URL; the others get ``slug-2``, ``slug-3``…
One deliberate difference: a front-matter ``permalink:`` never takes the URL of a post that is there by
the pattern (Jekyll would let a newer post's ``permalink:`` hide an older post).

Every rule here was checked against ``jekyll build`` (tests/test_permalinks.py runs it as the oracle).
Pure functions, no Sphinx.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..posts.post import Post
from ..posts.reading import safe_slug

# The blog's own settings (its _config.yml), used when no postarchive_jekyll_config is given.
BLOG_PERMALINK = "/:year/:month/:day/:title/"
BLOG_TIMEZONE = "Asia/Tokyo"
BLOG_URL = "https://ai-media.co.jp"  # the domain the posts' canonical_url and absolute links name

# Jekyll's named permalink styles (jekyll/utils.rb ``Utils#sanitized_permalink`` / docs "Permalinks")
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
PLACEHOLDER_RE = re.compile(r":([a-z_]+)")
FILE_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


@dataclass(frozen=True)
class JekyllSite:
    """What of the blog's ``_config.yml`` decides its URLs."""

    permalink: str = BLOG_PERMALINK
    timezone: str = BLOG_TIMEZONE
    url: str = BLOG_URL
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def pattern(self) -> str:
        """The permalink template, a named style expanded."""
        return STYLES.get(self.permalink, self.permalink)

    @property
    def tz(self) -> dt.tzinfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")


def jekyll_site(config: Any) -> JekyllSite:
    """The URL settings of a parsed ``_config.yml`` (missing keys: Jekyll's own defaults)."""
    if not isinstance(config, dict):
        return JekyllSite(problems=("_config.yml がキーと値の組ではありません: ブログの既定値を使います",))
    problems = []
    permalink = str(config.get("permalink") or "date")
    if not permalink.startswith("/") and permalink not in STYLES:
        permalink = "/" + permalink
    timezone = str(config.get("timezone") or "UTC")  # Jekyll without ``timezone``: the machine's, here UTC
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone {timezone!r} がわかりません: UTC を使います")
        timezone = "UTC"
    url = str(config.get("url") or "").rstrip("/") + str(config.get("baseurl") or "").rstrip("/")
    return JekyllSite(permalink, timezone, url, tuple(problems))


def read_jekyll_config(path: Path) -> JekyllSite:
    """The blog's ``_config.yml`` read with the safe YAML loader (a config is data, too)."""
    try:
        return jekyll_site(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return JekyllSite(problems=(f"{path} が読めません ({error}): ブログの既定値を使います",))


def slugify_pretty(text: str, cased: bool = True) -> str:
    """Jekyll's ``slugify(mode: "pretty")``: runs of other characters than letters, digits and
    ``._~!$&'()+,;=@`` become ``-``."""
    slug = re.sub(r"[^\w._~!$&'()+,;=@]+", "-", unicodedata.normalize("NFC", text)).strip("-")
    return slug if cased else slug.lower()


def slugify_default(text: str) -> str:
    """Jekyll's ``slugify`` (mode ``default``): anything but letters and digits → ``-``, lower case."""
    return re.sub(r"[^\w]+|_+", "-", text).strip("-").lower()


def placeholders(post: Post, site: JekyllSite) -> dict[str, str]:
    """Jekyll's ``UrlDrop`` for a post, its date in the site timezone."""
    local = post.date.astimezone(site.tz)
    own = post.extra.get("slug")  # Jekyll's :title is the front matter's ``slug:`` when there is one
    slug = safe_slug(slugify_pretty(str(own))) if isinstance(own, str | int) and str(own).strip() else post.slug
    iso = local.isocalendar()
    return {
        "year": f"{local:%Y}",
        "month": f"{local:%m}",
        "day": f"{local:%d}",
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
        "second": f"{local:%S}",
        "i_month": str(local.month),
        "i_day": str(local.day),
        "short_year": f"{local:%y}",
        "y_day": f"{local:%j}",
        "short_month": f"{local:%b}",
        "long_month": f"{local:%B}",
        "short_day": f"{local:%a}",
        "long_day": f"{local:%A}",
        "week": f"{iso.week:02d}",
        "w_year": str(iso.year),
        "w_day": str(iso.weekday),
        "title": slug,
        "slug": slugify_default(slug),
        "name": slugify_default(slug),
        "categories": "/".join(dict.fromkeys(category.lower() for category in post.categories)),
        "output_ext": ".html",
    }


def fill(pattern: str, values: dict[str, str]) -> str:
    """A permalink template filled in: unknown placeholders stay as written, ``//`` collapses."""
    url = PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)
    url = re.sub(r"/{2,}", "/", "/" + url)
    return url


def jekyll_url(post: Post, site: JekyllSite) -> str:
    """The URL Jekyll serves the post at (a front-matter ``permalink:`` wins over the pattern)."""
    if post.permalink_override:
        return post.permalink_override
    url = fill(site.pattern, placeholders(post, site))
    return url if url.endswith(("/", ".html")) else url + "/"


def file_date_url(post: Post) -> str:
    """The ``/YYYY/MM/DD/slug/`` form with the file name's date: what the blog's own links use."""
    match = FILE_DATE_RE.match(post.source.stem)
    if not match:
        return ""
    year, month, day, _ = match.groups()
    return f"/{year}/{month}/{day}/{post.slug}/"


def url_key(url: str) -> str:
    """A URL as the archive keys posts: ``/2025/10/22/a/`` → ``2025/10/22/a``; ``…/a.html`` → ``…/a``."""
    return url.strip("/").removesuffix(".html")


def docname_of(url: str) -> str:
    """The page name a URL is written at: ``/a/b/`` → ``a/b/index``, ``/a/b.html`` → ``a/b``."""
    return url_key(url) if url.endswith(".html") else url_key(url) + "/index"


@dataclass(frozen=True)
class Duplicate:
    kept: Post
    moved: Post
    url: str  # the claimed URL (kept's)
    new_url: str  # where ``moved`` goes instead


@dataclass
class UrlPlan:
    urls: dict[Path, str] = field(default_factory=dict)  # post file → its URL
    aliases: dict[Path, tuple[str, ...]] = field(default_factory=dict)  # post file → other URLs (redirects)
    duplicates: list[Duplicate] = field(default_factory=list)


def jekyll_write_order(post: Post) -> tuple[bool, dt.datetime, str]:
    """Jekyll's ``Document#<=>`` (date, then path: the last one written keeps a shared URL), except that a
    post at its own URL always beats one claiming it with ``permalink:`` (a post never takes another's URL)."""
    return not post.permalink_override, post.date.astimezone(dt.UTC), str(post.source.name)


def disambiguated(url: str, taken: Callable[[str], bool]) -> str:
    """The claimed URL with ``-2``, ``-3``… on its last segment (``/2025/10/22/dup-2/``), at the first free one."""
    ext = ".html" if url.endswith(".html") else "/"
    base = url.removesuffix(".html").rstrip("/")
    for number in range(2, 10_000):
        candidate = f"{base}-{number}{ext}"
        if not taken(url_key(candidate)):
            return candidate
    raise ValueError(f"no free URL near {url}")  # pragma: no cover - 10,000 posts on one URL


def claim_key(key: str) -> str:
    """Two URLs that differ only in case or Unicode normalisation are one place on a case-insensitive
    host (and one file on a case-insensitive disk): they claim the same URL."""
    return unicodedata.normalize("NFC", key).casefold()


def plan_urls(posts: Iterable[Post], site: JekyllSite) -> UrlPlan:
    """Every post's URL (Jekyll's), the one Jekyll keeps on a shared URL, and each post's aliases."""
    posts = list(posts)
    plan = UrlPlan()
    claims: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        claims[claim_key(url_key(jekyll_url(post, site)))].append(post)
    taken = set(claims)
    for key in sorted(claims):
        *moved, kept = sorted(claims[key], key=jekyll_write_order)
        plan.urls[kept.source] = jekyll_url(kept, site)
        for post in moved:
            new_url = disambiguated(jekyll_url(kept, site), lambda candidate: claim_key(candidate) in taken)
            taken.add(claim_key(url_key(new_url)))
            plan.urls[post.source] = new_url
            plan.duplicates.append(Duplicate(kept, post, jekyll_url(kept, site), new_url))
    canonical = {url_key(url) for url in plan.urls.values()}
    for post in posts:
        other = file_date_url(post)
        if other and url_key(other) not in canonical:  # a post's own URL is never another's redirect
            plan.aliases[post.source] = (other,)
    return plan


def post_key_of_slug(slug: str) -> str | None:
    """A post named by its file stem (``related_articles: [{slug: 2026-03-04-1-ai}]``) → the key of its
    file-date URL (``2026/03/04/1-ai``), which the archive resolves like a link in the body."""
    match = FILE_DATE_RE.match(unicodedata.normalize("NFC", slug.strip()))
    if not match:
        return None
    year, month, day, rest = match.groups()
    return f"{year}/{month}/{day}/{rest}"
