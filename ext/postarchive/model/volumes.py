"""The PDF in volumes: which posts make which book, what a volume's contents digest is, and the
manifest of built PDFs that the HTML build links to.

Pure: posts, dates and bytes in, typed data out. The Sphinx side is ``builders/latex/volumes.py``
(the books, the TeX runs) and ``pages/volumes.py`` (the generated pages).

A volume is one month (``2025-10``), one year (``2025``), the whole archive (``archive``) or a
company's dossier (``dossier-…``). Inside a volume, posts are in date order, oldest first, as a
monthly issue reads; the contents are year → month → post.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..posts.post import Post
from .dates import month_key

MONTH = "month"
YEAR = "year"
SINGLE = "single"
SINGLE_NAME = "archive"
DOSSIER_PREFIX = "dossier-"
#: The manifest ``make latexpdf`` writes next to the PDFs (read by the HTML build).
MANIFEST_NAME = "volumes.json"
#: The plan the LaTeX build writes next to the ``.tex`` files (read by the TeX runner).
PLAN_NAME = "volumes-plan.json"
#: The HTML site's folder of PDFs (``<outdir>/pdf/<name>.pdf``).
SITE_FOLDER = "pdf"
ASCII_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class VolumeMonth:
    year: int
    month: int
    docnames: tuple[str, ...]  # oldest first


@dataclass(frozen=True)
class Volume:
    """One book: its file name (without ``.pdf``), its label on the cover and its months."""

    name: str
    label: str  # 「2025年10月号」, 「2025年版」, 「全号」, 「NVIDIA」
    period: str  # 「2025年10月3日〜2025年10月29日」
    months: tuple[VolumeMonth, ...]
    company: str = ""  # a dossier's registry name

    @property
    def docnames(self) -> tuple[str, ...]:
        return tuple(docname for month in self.months for docname in month.docnames)

    @property
    def count(self) -> int:
        return sum(len(month.docnames) for month in self.months)

    @property
    def years(self) -> list[int]:
        return sorted({month.year for month in self.months})


def format_day(moment: dt.datetime, tz: dt.tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.year}年{local.month}月{local.day}日"


def period_of(posts: Sequence[Post], tz: dt.tzinfo) -> str:
    first, last = min(p.date for p in posts), max(p.date for p in posts)
    start, end = format_day(first, tz), format_day(last, tz)
    return start if start == end else f"{start}〜{end}"


def chronological(posts: Iterable[Post]) -> list[Post]:
    return sorted(posts, key=lambda p: (p.date.astimezone(dt.UTC), p.docname))


def months_of(posts: Iterable[Post], tz: dt.tzinfo) -> tuple[VolumeMonth, ...]:
    by_month: dict[tuple[int, int], list[str]] = defaultdict(list)
    for post in chronological(posts):
        by_month[month_key(post, tz)].append(post.docname)
    return tuple(VolumeMonth(year, month, tuple(names)) for (year, month), names in sorted(by_month.items()))


def volume_key(post: Post, mode: str, tz: dt.tzinfo) -> str:
    """The name of the volume ``post`` belongs to."""
    year, month = month_key(post, tz)
    if mode == MONTH:
        return f"{year}-{month:02d}"
    if mode == YEAR:
        return f"{year}"
    return SINGLE_NAME


def volume_label(name: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}", name):
        return f"{name[:4]}年{int(name[5:])}月号"
    if re.fullmatch(r"\d{4}", name):
        return f"{name}年版"
    return "全号"


def group_volumes(posts: Sequence[Post], mode: str, tz: dt.tzinfo) -> list[Volume]:
    """The volumes of the archive, oldest first (``single``: one volume of every post)."""
    members: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        members[volume_key(post, mode, tz)].append(post)
    return [
        Volume(name, volume_label(name), period_of(members[name], tz), months_of(members[name], tz))
        for name in sorted(members)
    ]


def dossier_name(company: str, ticker: str = "") -> str:
    """A file name for a company's dossier that TeX, mendex and every web server take as it is:
    the name itself when it is plain ASCII, else the ticker, else a short digest of the name."""
    for candidate in (company, ticker):
        slug = candidate.strip().replace(" ", "-")
        if ASCII_NAME_RE.fullmatch(slug):
            return DOSSIER_PREFIX + slug.lower()
    return DOSSIER_PREFIX + hashlib.sha1(company.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def dossier_volume(company: str, posts: Sequence[Post], tz: dt.tzinfo, ticker: str = "") -> Volume | None:
    """A company's dossier: every post that mentions it (``None`` when no post does)."""
    if not posts:
        return None
    return Volume(dossier_name(company, ticker), company, period_of(posts, tz), months_of(posts, tz), company=company)


# --- digests ------------------------------------------------------------------------------------


def content_digest(parts: Iterable[tuple[str, bytes]]) -> str:
    """One digest of named byte strings (a volume's ``.tex``, its dictionary, the shared styles…).

    Names are part of it, so moving bytes from one input to another changes it too.
    """
    digest = hashlib.sha256()
    for name, data in sorted(parts):
        digest.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()


# --- the manifest of built PDFs -----------------------------------------------------------------


@dataclass(frozen=True)
class VolumeRecord:
    """One volume as planned by the LaTeX build, and (once built) its PDF's size and digest."""

    name: str
    title: str  # the book's title (the cover's and the running head's)
    label: str
    period: str
    posts: int
    docnames: tuple[str, ...] = ()
    company: str = ""
    pages: int = 0
    bytes: int = 0
    digest: str = ""  # of the inputs the PDF was built from ("" until built)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def megabytes(self) -> str:
        return f"{self.bytes / 1_000_000:.1f} MB"

    @property
    def size_text(self) -> str:
        return f"{self.pages}ページ・{self.megabytes}"


def record_of(volume: Volume, title: str) -> VolumeRecord:
    return VolumeRecord(volume.name, title, volume.label, volume.period, volume.count, volume.docnames, volume.company)


def read_records(path: Path) -> dict[str, VolumeRecord]:
    """The records of a plan or manifest file; an unreadable or missing file is no volumes."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    records: dict[str, VolumeRecord] = {}
    for item in raw.get("volumes", []) if isinstance(raw, dict) else []:
        try:
            record = VolumeRecord(**{**item, "docnames": tuple(item.get("docnames", ()))})
        except TypeError:
            continue
        if ASCII_NAME_RE.fullmatch(record.name):
            records[record.name] = record
    return records


def records_json(records: Mapping[str, VolumeRecord]) -> str:
    return json.dumps({"volumes": [asdict(records[name]) for name in sorted(records)]}, ensure_ascii=False, indent=1)


def write_records(path: Path, records: Mapping[str, VolumeRecord]) -> None:
    """Write atomically (the HTML build may read it while TeX runs)."""
    text = records_json(records)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def volumes_by_docname(records: Mapping[str, VolumeRecord]) -> dict[str, VolumeRecord]:
    """Each post's periodical volume (dossiers are not a post's "issue")."""
    return {docname: record for record in records.values() if not record.company for docname in record.docnames}
