"""What a post page carries besides its body: one schema, written by the page generator (into the
page's front matter), read back once by the domain, used by every output as typed data."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class PostPageData:
    """What the archive found for a post: its companies (first mention first) and related posts."""

    companies: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # docnames
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
    image: str = ""
    companies: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    mentions_key: str = ""
    body_line: int = 1
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
    def timestamp(self) -> float:
        return self.moment.timestamp()

    @property
    def summary(self) -> str:
        return self.excerpt or self.description

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("categories", "tags", "companies", "related"):
            data[name] = list(data[name])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PostMeta:
        """Read back what :meth:`to_dict` wrote (unknown keys ignored, lists as tuples)."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for name in ("categories", "tags", "companies", "related"):
            values[name] = tuple(str(item) for item in values.get(name) or ())
        for name in ("title", "date", "date_display", "permalink", "source"):
            values[name] = str(values.get(name) or "")
        return cls(**values)
