"""What a post page carries besides its body: one schema, written by the page generator (into the
page's front matter), read back once by the domain, used by every output as typed data."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any

LIST_FIELDS = ("categories", "tags", "companies", "products", "related", "aliases")


@dataclass(frozen=True)
class EditorialRef:
    """A related post the editors listed (``related_articles`` / ``pillar_article``): the archive key of its
    file-date URL (resolved like a body link), the title they gave, whether it is the pillar article."""

    key: str
    title: str
    pillar: bool = False


@dataclass(frozen=True)
class PostPageData:
    """What the archive found for a post: its companies (first mention first) and related posts."""

    companies: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # docnames, none of them already in the post's own list
    own_related: bool = False  # the post has its own list (a trailing 関連記事 section or related_articles)
    body_related: bool = False  # the post's body ends with its own 関連記事 section
    image: str = ""  # the post's image when the archive can serve it (model.frontmatter.usable_image)
    reading_time: int | None = None  # the post's reading_time, or the estimate when missing or implausible
    mentions_key: str = ""  # changes when the spellings of the post's companies change (re-read → re-link)


@dataclass(frozen=True)
class PostMeta:
    """A post page's metadata, as the header, search, feeds, catalog and social tags read it."""

    title: str
    date: str  # ISO 8601 with the post's own offset
    date_display: str  # as the page shows it (2025年10月22日（水）, in the display timezone)
    permalink: str
    source: str  # the post's file name
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    author: str = ""
    description: str = ""
    excerpt: str = ""
    reading_time: int | None = None
    image: str = ""  # a site path or URL, only when the image exists (postarchive_image_dir) or is absolute
    companies: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    own_related: bool = False
    body_related: bool = False
    editorial: tuple[EditorialRef, ...] = ()
    mentions_key: str = ""
    body_line: int = 1
    aliases: tuple[str, ...] = ()  # other URLs of the post (file-name date): redirect pages
    robots: str = ""
    sitemap: bool = True
    canonical_url: str = ""
    updated: str = ""  # last_modified_at, ISO 8601
    updated_display: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def moment(self) -> dt.datetime:
        """The post's date as an aware datetime (UTC when the stored date has no offset)."""
        try:
            moment = dt.datetime.fromisoformat(self.date)
        except ValueError:
            return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    @property
    def updated_moment(self) -> dt.datetime:
        """``last_modified_at``, else the date."""
        if self.updated:
            try:
                moment = dt.datetime.fromisoformat(self.updated)
            except ValueError:
                return self.moment
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return self.moment

    @property
    def noindex(self) -> bool:
        return "noindex" in self.robots.lower()

    @property
    def timestamp(self) -> float:
        return self.moment.timestamp()

    @property
    def summary(self) -> str:
        return self.excerpt or self.description

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in LIST_FIELDS:
            data[name] = list(data[name])
        data["editorial"] = [asdict(ref) for ref in self.editorial]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PostMeta:
        """Read back what :meth:`to_dict` wrote (unknown keys ignored, lists as tuples)."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for name in LIST_FIELDS:
            values[name] = tuple(str(item) for item in values.get(name) or ())
        values["editorial"] = tuple(
            EditorialRef(str(ref.get("key") or ""), str(ref.get("title") or ""), bool(ref.get("pillar")))
            for ref in values.get("editorial") or ()
            if isinstance(ref, dict)
        )
        for name in ("title", "date", "date_display", "permalink", "source"):
            values[name] = str(values.get(name) or "")
        return cls(**values)
