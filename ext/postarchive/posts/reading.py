"""Jekyll post file → :class:`Post`: encoding, front matter, dates, title repair, markers.

Every problem is returned as a :class:`Problem` (file and line) instead of raised, so one broken
post never takes the archive down. A post is data: the front matter is read with a safe YAML loader
that also refuses aliases (no "billion laughs"), and nothing in it is ever evaluated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..posts.post import EditorialLink, Post, Problem

FILENAME_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})-(?P<slug>.+)$")
END_MARKER_RE = re.compile(r"^[ \t]*-{3,}[ \t]*END[ \t]*-{3,}[ \t]*$", re.IGNORECASE | re.MULTILINE)
# Markdown emphasis in a title line (``# **title**:``): the title is plain text, as in Jekyll's layout
EMPHASIS_RE = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")
TITLE_LABEL_RE = re.compile(r"^\s*(?:タイトル|題名|表題|title)\s*[：:]\s*", re.IGNORECASE)
# C0/C1 control characters except tab and newline; bidi overrides/isolates (text that displays
# differently from what it says); lone surrogates and non-characters.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
# What a slug (a URL path segment, a docname part) may hold: letters and digits of any script, ``_.~-``
UNSAFE_SLUG_RE = re.compile(r"[^\w.~-]+")
SAFE_IMAGE_RE = re.compile(r"^(?:https?://[^\s\"'<>]+|/(?!/)[^\s\"'<>]*)$", re.IGNORECASE)
# What PyYAML itself may raise on hostile input besides YAMLError (``date: 2025-02-30``, deep nesting)
YAML_FAILURES = (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError)
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S.%f %z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
DEFAULT_MAX_BYTES = 2_000_000


@dataclass
class ReadResult:
    post: Post | None
    problems: list[Problem] = field(default_factory=list)


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that also refuses anchors/aliases: a post never needs them, and they make bombs."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """An impossible date (``2025-02-30``) stays a string, reported later as an unreadable date."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", FrontMatterLoader.construct_yaml_timestamp)

CSafeLoader = getattr(yaml, "CSafeLoader", None)
if CSafeLoader is not None:

    class FastFrontMatterLoader(CSafeLoader):  # type: ignore[misc,valid-type]
        """libyaml's safe loader with the same timestamp rule (5x the pure-Python loader)."""

        construct_yaml_timestamp = FrontMatterLoader.construct_yaml_timestamp

    FastFrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", FastFrontMatterLoader.construct_yaml_timestamp)


def load_front_matter(text: str) -> Any:
    """Front matter as plain data: safe YAML without aliases.

    libyaml does the work when PyYAML has it: its scanner looks for anchors and aliases first (they are
    refused, as :class:`FrontMatterLoader` refuses them), then its loader builds the data. Whatever it
    rejects is read again by :class:`FrontMatterLoader`, whose messages (and lines) are the ones reported.
    """
    if CSafeLoader is not None:
        try:
            if not any(
                isinstance(token, yaml.AliasToken | yaml.AnchorToken) for token in yaml.scan(text, Loader=CSafeLoader)
            ):
                return yaml.load(text, Loader=FastFrontMatterLoader)  # noqa: S506 - a safe loader
        except YAML_FAILURES:
            pass
    return yaml.load(text, Loader=FrontMatterLoader)  # noqa: S506 - a SafeLoader


def decode_post_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Decode a post file: UTF-8 (BOM accepted), else Shift_JIS/CP932 with a note, else None.

    Returns ``(text, note)`` where ``note`` says what conversion happened, if any.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    for encoding in ("cp932", "euc_jp"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # a real Japanese file decodes to mostly kana/kanji, not to half-width katakana noise
        japanese = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
        halfwidth = sum(1 for ch in text if "\uff61" <= ch <= "\uff9f")
        if japanese > halfwidth:
            return text, f"{encoding.upper()} から UTF-8 に変換しました"
    return None, None


def safe_slug(text: str) -> str:
    """A URL path segment from a file name (or a permalink part): whitespace and symbols → ``-``.

    Letters of any script stay (Japanese slugs stay Japanese); what could end a Markdown link, start
    markup, break a JavaScript string (Sphinx writes the page name into one) or climb out of a folder
    (``..``) does not.
    """
    slug = UNSAFE_SLUG_RE.sub("-", unicodedata.normalize("NFC", text))
    slug = re.sub(r"\.{2,}", "-", slug).strip("-").lstrip(".")
    return slug or "post"


def split_front_matter(text: str) -> tuple[str | None, str, int, str | None]:
    """Split ``---`` front matter from the body.

    Returns ``(front_matter, body, body_first_line, error)``; ``front_matter`` is None when the file
    has none; ``error`` describes an unclosed block.
    """
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return None, text, 1, None
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front, body, index + 2, None
    return None, text, 1, "front matter の閉じ '---' がありません"


def parse_front_matter_date(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    """A front-matter date (string, date or datetime, any offset) as an aware datetime.

    As in Jekyll (Ruby's Psych): an unquoted YAML timestamp without an offset is UTC; a quoted date
    string without one, or a bare date, is in the site timezone ``tz``.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def as_name_list(value: Any) -> tuple[list[str], bool]:
    """Jekyll's tags/categories: a list, or a space-separated string. Returns (names, was_odd)."""
    if value is None:
        return [], False
    if isinstance(value, str):
        return value.split(), False
    if isinstance(value, list | tuple):
        names = []
        odd = False
        for item in value:
            if item is None or isinstance(item, dict | list):
                odd = True
                continue
            if not isinstance(item, str):
                odd = True
            text = clean_line(str(item))
            if text:
                names.append(text)
        return names, odd
    return [clean_line(str(value))], True


def clean_line(text: str) -> str:
    """One line of display text: no control characters, no newlines, single spaces."""
    return " ".join(CONTROL_RE.sub("", text).split())


def _title_core(title: str) -> str:
    """A title with its label and broken/trailing punctuation removed, for prefix comparison."""
    core = TITLE_LABEL_RE.sub("", unicodedata.normalize("NFKC", title))
    core = core.split("\ufffd")[0]
    return core.rstrip(" 　?？!！…。、「『（(-—:：")


def repair_title(title: str, body: str) -> tuple[str, str, str | None]:
    """Use the body's first line as the title when the front-matter one is truncated or broken.

    Returns ``(title, body, reason)``: ``body`` loses its first line when that line is the title
    (so it is not shown twice); ``reason`` is set when the title was repaired.
    """
    stripped = body.lstrip("\n")
    first_line, _, rest = stripped.partition("\n")
    candidate = clean_line(EMPHASIS_RE.sub(r"\2", first_line.lstrip("#").strip()).strip("*").strip())
    candidate = TITLE_LABEL_RE.sub("", candidate)
    is_title_line = bool(candidate) and len(candidate) <= 160 and not rest.strip("\n").startswith(("=", "-"))
    if not is_title_line or (rest and not rest.startswith("\n") and rest.strip()):
        # the first line is part of a longer paragraph: it is content, not a title
        return title, body, None
    norm_title = clean_line(unicodedata.normalize("NFKC", title))
    norm_candidate = unicodedata.normalize("NFKC", candidate)
    if norm_title == norm_candidate:
        return title, rest, None
    broken = "\ufffd" in title or bool(TITLE_LABEL_RE.match(title)) or not title.strip()
    core = _title_core(title)
    truncated = (
        len(core) >= 5
        and norm_candidate.startswith(core)
        and len(norm_candidate) > len(core)
        and not norm_candidate.endswith("。")
    )
    if truncated or broken:
        if "\ufffd" in candidate:
            return title, body, None
        reason = "途中で切れている" if truncated else "壊れている"
        return candidate, rest, f"front matter のタイトルが{reason}ため本文1行目のタイトルを使います: {candidate!r}"
    return title, body, None


def editorial_links(related: Any, pillar: Any) -> tuple[tuple[EditorialLink, ...], bool]:
    """``pillar_article`` (first) and ``related_articles`` as links; returns ``(links, had_odd_items)``."""
    items = [(pillar, True)] if pillar is not None else []
    items += [(item, False) for item in (related if isinstance(related, list) else [related] if related else [])]
    links: dict[str, EditorialLink] = {}
    odd = False
    for item, is_pillar in items:
        slug = clean_line(str(item.get("slug") or "")) if isinstance(item, dict) else ""
        if not slug:
            odd = True
            continue
        title = clean_line(str(item.get("title") or "")) or slug
        links.setdefault(slug, EditorialLink(slug, title, is_pillar))
    return tuple(links.values()), odd


def read_post(path: Path, *, tz: dt.tzinfo, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read one Jekyll post. Never raises for bad content; see ``ReadResult.problems``."""
    problems: list[Problem] = []

    def problem(line: int | None, subtype: str, message: str, fatal: bool = False, repaired: bool = False) -> None:
        problems.append(Problem(path, line, subtype, message, fatal, repaired))

    name_match = FILENAME_RE.fullmatch(path.stem)
    if not name_match:
        problem(None, "filename", "ファイル名が Jekyll の YYYY-MM-DD-slug.md 形式ではありません", fatal=True)
        return ReadResult(None, problems)
    slug = safe_slug(name_match["slug"])
    if slug != name_match["slug"]:
        problem(None, "filename", f"ファイル名に空白・記号があります: URL には {slug!r} を使います")
    try:
        data = path.read_bytes()
    except OSError as error:
        problem(None, "io", f"読み込めません: {error}", fatal=True)
        return ReadResult(None, problems)
    if len(data) > max_bytes:
        problem(None, "size", f"ファイルが大きすぎます ({len(data):,} バイト > {max_bytes:,})", fatal=True)
        return ReadResult(None, problems)
    if not data.strip():
        problem(None, "empty", "空のファイルです", fatal=True)
        return ReadResult(None, problems)
    if b"\x00" in data:
        problem(None, "binary", "バイナリファイルです (NUL バイトを含みます)", fatal=True)
        return ReadResult(None, problems)
    text, note = decode_post_bytes(data)
    if text is None:
        problem(None, "encoding", "文字コードを判定できません (UTF-8 / Shift_JIS ではありません)", fatal=True)
        return ReadResult(None, problems)
    if note:
        problem(None, "encoding", note)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if CONTROL_RE.search(text):
        line = text[: CONTROL_RE.search(text).start()].count("\n") + 1  # type: ignore[union-attr]
        problem(line, "control", "制御文字を取り除きました")
        text = CONTROL_RE.sub("", text)

    front_text, body, body_line, split_error = split_front_matter(text)
    if split_error:
        problem(1, "front-matter", split_error, fatal=True)
        return ReadResult(None, problems)
    front: dict[str, Any] = {}
    if front_text is None:
        problem(1, "front-matter", "front matter がありません: タイトルと日付をファイル名から補います")
    else:
        try:
            loaded = load_front_matter(front_text)
        except YAML_FAILURES as yaml_error:
            mark = getattr(yaml_error, "problem_mark", None) or getattr(yaml_error, "context_mark", None)
            line = mark.line + 2 if mark is not None else 1
            summary = str(yaml_error).splitlines()[0] if str(yaml_error) else type(yaml_error).__name__
            problem(line, "front-matter", f"front matter の YAML が読めません: {summary}", fatal=True)
            return ReadResult(None, problems)
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            problem(2, "front-matter", "front matter がキーと値の組ではありません", fatal=True)
            return ReadResult(None, problems)
        front = {str(key): value for key, value in loaded.items()}

    def key_line(key: str) -> int:
        if front_text is None:
            return 1
        match = re.search(rf"^{re.escape(key)}\s*:", front_text, re.MULTILINE)
        return front_text[: match.start()].count("\n") + 2 if match else 1

    file_date = None
    with contextlib.suppress(ValueError):
        file_date = dt.datetime(int(name_match["y"]), int(name_match["m"]), int(name_match["d"]), tzinfo=tz)
    date = parse_front_matter_date(front.get("date"), tz) if "date" in front else None
    if date is None:
        if file_date is None:
            problem(key_line("date"), "date", "日付がありません (ファイル名の日付も不正です)", fatal=True)
            return ReadResult(None, problems)
        if "date" in front:
            problem(key_line("date"), "date", f"日付 {front.get('date')!r} が読めません: ファイル名の日付を使います")
        elif front_text is not None:
            problem(1, "date", "date がありません: ファイル名の日付を使います")
        date = file_date

    raw_title = front.get("title")
    title = clean_line(str(raw_title)) if raw_title is not None and not isinstance(raw_title, dict | list) else ""

    first_marker = END_MARKER_RE.search(body)
    marker_line = body_line + body.count("\n", 0, first_marker.start()) if first_marker else None
    body, markers = END_MARKER_RE.subn("", body)
    if markers:
        problem(marker_line, "marker", f"---END--- マーカーを {markers} 個取り除きました", repaired=True)
    if title:  # a missing title comes from the file name, as in Jekyll; a body line is content
        lines_before = body.count("\n")
        title, body, reason = repair_title(title, body)
        body_line += lines_before - body.count("\n")  # the title line moved out of the body
        if reason:
            problem(key_line("title"), "title", reason, repaired=True)
    if not title:
        title = slug.replace("-", " ")
        if front_text is not None:
            problem(key_line("title"), "title", f"タイトルがありません: ファイル名から {title!r} とします")

    names: dict[str, tuple[str, ...]] = {}
    for key in ("categories", "tags"):
        raw = front.get(key, front.get(key[:-1] if key == "tags" else "category"))
        values, odd = as_name_list(raw)
        if odd:
            problem(
                key_line(key), "front-matter", f"{key} の値 {raw!r} を文字列のリスト {values!r} として読み替えました"
            )
        elif isinstance(raw, str) and len(values) > 1:
            problem(
                key_line(key), "front-matter", f"{key} が文字列です: Jekyll と同じく空白で区切って {values!r} とします"
            )
        names[key] = tuple(dict.fromkeys(values))

    def text_field(key: str) -> str:
        value = front.get(key)
        if value is None or isinstance(value, dict | list):
            return ""
        return clean_line(str(value))

    reading_time = front.get("reading_time")
    permalink = text_field("permalink")
    if permalink:
        parts = [safe_slug(part) for part in permalink.split("/") if part.strip(". ")]
        permalink = "/" + "/".join(parts) + "/"
    image = text_field("image")
    if image and not SAFE_IMAGE_RE.match(image):
        problem(
            key_line("image"),
            "front-matter",
            f"image {image[:80]!r} は http(s) の URL でもサイト内のパスでもないので使いません",
        )
        image = ""
    canonical_url = text_field("canonical_url")
    if canonical_url and not SAFE_IMAGE_RE.match(canonical_url):
        problem(
            key_line("canonical_url"),
            "front-matter",
            f"canonical_url {canonical_url[:80]!r} は URL ではないので使いません",
        )
        canonical_url = ""
    pillar = front.get("pillar_article")
    pillar_link = pillar if isinstance(pillar, dict) else None  # ``pillar_article: true`` is a flag, kept as is
    editorial, odd_links = editorial_links(front.get("related_articles"), pillar_link)
    if odd_links:
        problem(
            key_line("related_articles" if "related_articles" in front else "pillar_article"),
            "front-matter",
            "related_articles / pillar_article に slug のない項目があります: その項目は使いません",
        )
    last_modified = None
    if front.get("last_modified_at") is not None:
        last_modified = parse_front_matter_date(front.get("last_modified_at"), tz)
        if last_modified is None:
            problem(
                key_line("last_modified_at"), "date", f"last_modified_at {front.get('last_modified_at')!r} が読めません"
            )
    known = {"title", "date", "categories", "category", "tags", "tag", "author", "excerpt"}
    known |= {"description", "reading_time", "image", "permalink", "robots", "sitemap", "canonical_url"}
    known |= {"related_articles", "last_modified_at"} | ({"pillar_article"} if pillar_link is not None else set())
    post = Post(
        source=path,
        slug=slug,
        title=title,
        date=date,
        body=body,
        body_line=body_line,
        categories=names["categories"],
        tags=names["tags"],
        author=text_field("author"),
        excerpt=text_field("excerpt"),
        description=text_field("description"),
        reading_time=reading_time if isinstance(reading_time, int) and not isinstance(reading_time, bool) else None,
        image=image,
        permalink_override=permalink if permalink != "/" else "",
        robots=text_field("robots"),
        sitemap=front.get("sitemap") is not False,  # jekyll-sitemap: only the boolean false counts
        canonical_url=canonical_url,
        related_articles=editorial,
        last_modified=last_modified,
        extra={key: value for key, value in front.items() if key not in known},
    )
    return ReadResult(post, problems)
