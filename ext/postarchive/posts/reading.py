"""Jekyll post file → :class:`Post`: encoding, front matter, dates, title repair, markers.

Every problem is returned as a :class:`Problem` (file and line) instead of raised, so one broken
post never takes the archive down. A post is data: the front matter is read with a safe YAML loader
that also refuses aliases (no "billion laughs"), and nothing in it is ever evaluated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import reprlib
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..posts.post import INVISIBLE_IN_NAMES_RE, EditorialLink, Post, Problem, bounded_segment, without_invisible

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
DEFAULT_MAX_TAGS = 50  # tags (and categories) per post; each one is a page and a feed
# The years a post's date may have (in UTC and in the archive's timezone): the blog is from this
# century; a year outside is a typo that would otherwise overflow date arithmetic or stretch charts.
DATE_RANGE = (1900, 2200)
MAX_FRONT_MATTER_DEPTH = 20  # lists/mappings nested deeper are dropped (a real front matter nests 2–3)
# NUL bytes in otherwise valid UTF-8 are removed (a ``control`` warning) up to this share of the file;
# more, or NULs in a file that is not UTF-8, mean a binary file.
MAX_NUL_SHARE = 0.01
# Letters and symbols that show as blank space (Hangul fillers, the braille blank, ...): a title of
# only these is no title.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")


@dataclass
class ReadResult:
    post: Post | None
    problems: list[Problem] = field(default_factory=list)


# A YAML number longer than this stays text: Python refuses ``str()`` of an int over 4,300 digits
# (hexadecimal is parsed without that limit), and no front-matter number is ever that long.
MAX_NUMBER_CHARS = 30


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that also refuses anchors/aliases: a post never needs them, and they make bombs.

    Numbers longer than :data:`MAX_NUMBER_CHARS` characters stay strings (noted in ``long_numbers``).
    """

    long_numbers: list[str]

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
            return SafeConstructor.construct_yaml_timestamp(self, node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: Any) -> Any:
        return self.long_number_as_text(node) or SafeConstructor.construct_yaml_int(self, node)

    def construct_yaml_float(self, node: Any) -> Any:
        return self.long_number_as_text(node) or SafeConstructor.construct_yaml_float(self, node)

    def long_number_as_text(self, node: Any) -> str | None:
        text = self.construct_scalar(node)
        if len(text) <= MAX_NUMBER_CHARS:
            return None
        if not hasattr(self, "long_numbers"):
            self.long_numbers = []
        self.long_numbers.append(text)
        return str(text)


def _install_constructors(loader: Any) -> None:
    loader.add_constructor("tag:yaml.org,2002:timestamp", loader.construct_yaml_timestamp)
    loader.add_constructor("tag:yaml.org,2002:int", loader.construct_yaml_int)
    loader.add_constructor("tag:yaml.org,2002:float", loader.construct_yaml_float)


_install_constructors(FrontMatterLoader)

CSafeLoader = getattr(yaml, "CSafeLoader", None)
if CSafeLoader is not None:

    class FastFrontMatterLoader(CSafeLoader):  # type: ignore[misc,valid-type]
        """libyaml's safe loader with the same timestamp and number rules (5x the pure-Python loader)."""

        construct_yaml_timestamp = FrontMatterLoader.construct_yaml_timestamp
        construct_yaml_int = FrontMatterLoader.construct_yaml_int
        construct_yaml_float = FrontMatterLoader.construct_yaml_float
        long_number_as_text = FrontMatterLoader.long_number_as_text

    _install_constructors(FastFrontMatterLoader)


def _load(text: str, loader_class: Any) -> tuple[Any, list[str]]:
    loader = loader_class(text)
    try:
        return loader.get_single_data(), list(getattr(loader, "long_numbers", []))
    finally:
        loader.dispose()


def load_front_matter_noting(text: str) -> tuple[Any, list[str]]:
    """Front matter as plain data (safe YAML without aliases), and the numbers kept as text.

    libyaml does the work when PyYAML has it: its scanner looks for anchors and aliases first (they are
    refused, as :class:`FrontMatterLoader` refuses them), then its loader builds the data. Whatever it
    rejects is read again by :class:`FrontMatterLoader`, whose messages (and lines) are the ones reported.
    """
    if CSafeLoader is not None:
        try:
            if not any(
                isinstance(token, yaml.AliasToken | yaml.AnchorToken) for token in yaml.scan(text, Loader=CSafeLoader)
            ):
                return _load(text, FastFrontMatterLoader)
        except YAML_FAILURES:
            pass
    return _load(text, FrontMatterLoader)


def load_front_matter(text: str) -> Any:
    """Front matter as plain data: safe YAML without aliases (see :func:`load_front_matter_noting`)."""
    return load_front_matter_noting(text)[0]


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


def permalink_parts(permalink: str) -> list[str]:
    """A ``permalink:`` as URL segments: safe slugs, ``.``/``..`` dropped, a trailing ``index.html``
    dropped (Jekyll's ``/a/b/index.html`` is the page ``/a/b/``)."""
    parts = [safe_slug(part) for part in permalink.split("/") if part.strip(". ")]
    while parts and parts[-1].lower() in ("index.html", "index.htm"):
        parts.pop()
    return parts


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


def in_date_range(moment: dt.datetime, tz: dt.tzinfo) -> bool:
    """Whether ``moment`` is a date the archive can show and order: years :data:`DATE_RANGE` in UTC and
    in ``tz`` (so no later ``astimezone`` overflows, and no chart spans millennia)."""
    try:
        years = (moment.astimezone(dt.UTC).year, moment.astimezone(tz).year)
    except (OverflowError, ValueError):
        return False
    return all(DATE_RANGE[0] <= year <= DATE_RANGE[1] for year in years)


def as_name_list(value: Any) -> tuple[list[str], bool]:
    """Jekyll's tags/categories: a list, or a space-separated string. Returns (names, was_odd)."""
    if value is None:
        return [], False
    if isinstance(value, str):
        return [name for name in (clean_line(part) for part in value.split()) if name], False
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


def front_matter_depth(value: Any) -> int:
    """How deep lists and mappings nest in ``value`` (iteratively: a 10,000-deep value is no recursion)."""
    deepest = 0
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list | tuple):
            deepest = max(deepest, depth + 1)
            if deepest > MAX_FRONT_MATTER_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def clean_line(text: str) -> str:
    """One line of display text: no control or invisible format characters, no newlines, single spaces."""
    return " ".join(without_invisible(CONTROL_RE.sub("", text)).split())


def has_visible_character(text: str) -> bool:
    """Whether a reader sees anything: a letter, digit, punctuation or symbol that is not a blank look-alike."""
    return any(unicodedata.category(ch)[0] in "LNPS" and ch not in BLANK_LOOKALIKES for ch in text)


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


class Refused(Exception):
    """Raised inside :func:`read_post` once a fatal problem is noted: the post is not built."""


@dataclass
class Report:
    """The problems of one post file, in the order found."""

    path: Path
    problems: list[Problem] = field(default_factory=list)

    def note(self, line: int | None, subtype: str, message: str, *, repaired: bool = False) -> None:
        self.problems.append(Problem(self.path, line, subtype, message, False, repaired))

    def refuse(self, line: int | None, subtype: str, message: str) -> Refused:
        self.problems.append(Problem(self.path, line, subtype, message, True))
        return Refused(message)

    def has(self, subtype: str) -> bool:
        return any(problem.subtype == subtype for problem in self.problems)


@dataclass
class FrontMatter:
    """A post's front matter: its values, and its text for line numbers (None: the file has none)."""

    values: dict[str, Any]
    text: str | None

    def line_of(self, key: str) -> int:
        if self.text is None:
            return 1
        match = re.search(rf"^{re.escape(key)}\s*:", self.text, re.MULTILINE)
        return self.text[: match.start()].count("\n") + 2 if match else 1

    def text_field(self, key: str) -> str:
        value = self.values.get(key)
        if value is None or isinstance(value, dict | list):
            return ""
        return clean_line(str(value))


def file_name_slug(path: Path, report: Report) -> tuple[re.Match[str], str]:
    """The file name's date parts and its URL slug (a name that is not ``YYYY-MM-DD-slug.md`` is refused)."""
    name_match = FILENAME_RE.fullmatch(path.stem)
    if not name_match:
        raise report.refuse(None, "filename", "ファイル名が Jekyll の YYYY-MM-DD-slug.md 形式ではありません")
    slug = safe_slug(name_match["slug"])
    if slug != name_match["slug"]:
        report.note(None, "filename", f"ファイル名に空白・記号があります: URL には {slug!r} を使います")
    return name_match, slug


def read_regular_file(path: Path, max_bytes: int, report: Report) -> bytes:
    """The bytes of ``path`` if it is a regular file, opened without following a symbolic link.

    ``O_NOFOLLOW`` refuses a link even when it replaced the file after the folder was listed, and
    ``O_NONBLOCK`` keeps a FIFO from blocking the build; the type is checked on the open descriptor.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if path.is_symlink():
            raise report.refuse(None, "symlink", "シンボリックリンクは読みません") from error
        raise report.refuse(None, "io", f"読み込めません: {error.strerror}") from error
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise report.refuse(None, "not-a-file", "通常のファイルではありません (フォルダなど): 読みません")
        if status.st_size > max_bytes:
            raise report.refuse(None, "size", f"ファイルが大きすぎます ({status.st_size:,} バイト > {max_bytes:,})")
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise report.refuse(None, "size", f"ファイルが大きすぎます ({len(data):,} バイト > {max_bytes:,})")
    return data


def is_binary(data: bytes) -> bool:
    """NUL bytes in a file that is not UTF-8, or more than :data:`MAX_NUL_SHARE` of them."""
    nuls = data.count(b"\x00")
    if not nuls:
        return False
    if nuls > max(1, len(data) * MAX_NUL_SHARE):
        return True
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def post_text(data: bytes, report: Report) -> str:
    """The file's text: decoded, LF line ends, control characters (a stray NUL too) removed."""
    if not data.strip():
        raise report.refuse(None, "empty", "空のファイルです")
    if is_binary(data):
        raise report.refuse(None, "binary", "バイナリファイルです (NUL バイトを含みます)")
    text, note = decode_post_bytes(data)
    if text is None:
        raise report.refuse(None, "encoding", "文字コードを判定できません (UTF-8 / Shift_JIS ではありません)")
    if note:
        report.note(None, "encoding", note)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = CONTROL_RE.search(text)
    if found:
        report.note(text[: found.start()].count("\n") + 1, "control", "制御文字を取り除きました")
        text = CONTROL_RE.sub("", text)
    return text


def parse_front_matter(text: str, report: Report) -> tuple[FrontMatter, str, int]:
    """``(front matter, body, body's first line)``; unreadable YAML refuses the post."""
    front_text, body, body_line, split_error = split_front_matter(text)
    if split_error:
        raise report.refuse(1, "front-matter", split_error)
    if front_text is None:
        report.note(1, "front-matter", "front matter がありません: タイトルと日付をファイル名から補います")
        return FrontMatter({}, None), body, body_line
    try:
        loaded, long_numbers = load_front_matter_noting(front_text)
    except YAML_FAILURES as yaml_error:
        mark = getattr(yaml_error, "problem_mark", None) or getattr(yaml_error, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        summary = str(yaml_error).splitlines()[0] if str(yaml_error) else type(yaml_error).__name__
        raise report.refuse(line, "front-matter", f"front matter の YAML が読めません: {summary}") from yaml_error
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise report.refuse(2, "front-matter", "front matter がキーと値の組ではありません")
    front = FrontMatter({str(key): value for key, value in loaded.items()}, front_text)
    if long_numbers:
        report.note(
            2,
            "front-matter",
            f"{MAX_NUMBER_CHARS} 桁を超える数 {len(long_numbers)} 個を数ではなく文字列として読みました",
        )
    drop_deep_values(front, report)
    return front, body, body_line


def drop_deep_values(front: FrontMatter, report: Report) -> None:
    """Remove front-matter keys nested deeper than :data:`MAX_FRONT_MATTER_DEPTH` (one warning)."""
    deep = [key for key, value in front.values.items() if front_matter_depth(value) > MAX_FRONT_MATTER_DEPTH]
    for key in deep:
        del front.values[key]
    if deep:
        report.note(
            front.line_of(deep[0]),
            "front-matter",
            f"{MAX_FRONT_MATTER_DEPTH} 段より深い入れ子の値を使いません: {', '.join(reprlib.repr(k) for k in deep)}",
        )


def post_date(front: FrontMatter, name_match: re.Match[str], tz: dt.tzinfo, report: Report) -> dt.datetime:
    """The front matter's date, else the file name's (in range: :func:`in_date_range`)."""
    file_date = None
    with contextlib.suppress(ValueError, OverflowError):
        file_date = dt.datetime(int(name_match["y"]), int(name_match["m"]), int(name_match["d"]), tzinfo=tz)
    if file_date is not None and not in_date_range(file_date, tz):
        file_date = None
    raw = front.values.get("date")
    date = parse_front_matter_date(raw, tz) if "date" in front.values else None
    if date is not None and not in_date_range(date, tz):
        if file_date is None:
            raise report.refuse(
                front.line_of("date"), "date", f"日付 {raw!r} が {DATE_RANGE[0]}–{DATE_RANGE[1]} 年の範囲外です"
            )
        report.note(front.line_of("date"), "date", f"日付 {raw!r} が範囲外です: ファイル名の日付を使います")
        return file_date
    if date is not None:
        return date
    if file_date is None:
        raise report.refuse(front.line_of("date"), "date", "日付がありません (ファイル名の日付も不正か範囲外です)")
    if "date" in front.values:
        report.note(front.line_of("date"), "date", f"日付 {reprlib.repr(raw)} が読めません: ファイル名の日付を使います")
    elif front.text is not None:
        report.note(1, "date", "date がありません: ファイル名の日付を使います")
    return file_date


def without_end_markers(body: str, body_line: int, report: Report) -> str:
    """The body without the blog's ``---END---`` markers (a repair, reported once)."""
    first_marker = END_MARKER_RE.search(body)
    marker_line = body_line + body.count("\n", 0, first_marker.start()) if first_marker else None
    body, markers = END_MARKER_RE.subn("", body)
    if markers:
        report.note(marker_line, "marker", f"---END--- マーカーを {markers} 個取り除きました", repaired=True)
    return body


def post_title(front: FrontMatter, body: str, body_line: int, slug: str, report: Report) -> tuple[str, str, int]:
    """``(title, body, body_line)``: the front matter's title, repaired from the body's first line when it
    is truncated, or the file name's when it is missing or shows nothing."""
    raw_title = front.values.get("title")
    title = clean_line(str(raw_title)) if raw_title is not None and not isinstance(raw_title, dict | list) else ""
    if title and not has_visible_character(title):
        report.note(
            front.line_of("title"),
            "title",
            f"タイトル {raw_title!r} には見える文字がありません: ファイル名から付けます",
        )
        title = ""
    elif title:  # a missing title comes from the file name, as in Jekyll; a body line is content
        lines_before = body.count("\n")
        title, body, reason = repair_title(title, body)
        body_line += lines_before - body.count("\n")  # the title line moved out of the body
        if reason:
            report.note(front.line_of("title"), "title", reason, repaired=True)
    if not title:
        title = slug.replace("-", " ")
        if front.text is not None and not report.has("title"):
            report.note(front.line_of("title"), "title", f"タイトルがありません: ファイル名から {title!r} とします")
    return title, body, body_line


def post_names(front: FrontMatter, max_tags: int, report: Report) -> dict[str, tuple[str, ...]]:
    """Categories and tags as distinct cleaned names, at most ``max_tags`` of each."""
    names: dict[str, tuple[str, ...]] = {}
    for key in ("categories", "tags"):
        raw = front.values.get(key, front.values.get(key[:-1] if key == "tags" else "category"))
        values, odd = as_name_list(raw)
        if odd:
            report.note(
                front.line_of(key),
                "front-matter",
                f"{key} の値 {reprlib.repr(raw)} を文字列のリスト {reprlib.repr(values)} として読み替えました",
            )
        elif isinstance(raw, str) and len(values) > 1:
            report.note(
                front.line_of(key),
                "front-matter",
                f"{key} が文字列です: Jekyll と同じく空白で区切って {reprlib.repr(values)} とします",
            )
        distinct = tuple(dict.fromkeys(values))
        if len(distinct) > max_tags:
            report.note(
                front.line_of(key),
                "tags",
                f"{key} が {len(distinct):,} 個あります: 先頭の {max_tags} 個だけ使います (postarchive_max_tags_per_post)",
            )
            distinct = distinct[:max_tags]
        names[key] = distinct
    return names


NAME_FIELDS = ("title", "author", "tags", "tag", "categories", "category")


def note_invisible_names(front: FrontMatter, report: Report) -> None:
    """One ``control`` warning when names or the title held invisible characters (already removed by
    :func:`clean_line`); none when the text had control characters (reported) or the title shows nothing."""
    if report.has("control") or report.has("title"):
        return
    fields = [key for key in NAME_FIELDS if key in front.values and _holds_invisible(front.values[key])]
    if fields:
        report.note(front.line_of(fields[0]), "control", f"見えない文字を取り除きました: {', '.join(fields)}")


def _holds_invisible(value: Any) -> bool:
    items = value if isinstance(value, list | tuple) else [value]
    return any(isinstance(item, str) and INVISIBLE_IN_NAMES_RE.search(item) for item in items)


def post_permalink(front: FrontMatter, report: Report) -> str:
    """The ``permalink:`` override as ``/a/b/`` ("" when none), each segment bounded in length."""
    permalink = front.text_field("permalink")
    if not permalink:
        return ""
    parts = permalink_parts(permalink)
    bounded = [bounded_segment(part) for part in parts]
    if bounded != parts:
        report.note(front.line_of("permalink"), "permalink", "permalink の一部が長すぎるので短くしました")
    return "/" + "/".join(bounded) + "/" if bounded else ""


def post_image(front: FrontMatter, report: Report) -> str:
    image = front.text_field("image")
    if image and not SAFE_IMAGE_RE.match(image):
        report.note(
            front.line_of("image"),
            "front-matter",
            f"image {image[:80]!r} は http(s) の URL でもサイト内のパスでもないので使いません",
        )
        return ""
    return image


KNOWN_KEYS = frozenset(
    {"title", "date", "categories", "category", "tags", "tag", "author", "excerpt"}
    | {"description", "reading_time", "image", "permalink", "robots", "sitemap", "canonical_url"}
    | {"related_articles", "last_modified_at"}
)


@dataclass(frozen=True)
class EditorialFields:
    """The blog's editorial front matter: the twin's URL, the post's own related links, its update date."""

    canonical_url: str = ""
    related_articles: tuple[EditorialLink, ...] = ()
    last_modified: dt.datetime | None = None
    pillar_is_link: bool = False  # ``pillar_article: {slug: …}`` (a link) rather than ``true`` (a flag, kept)


def post_canonical_url(front: FrontMatter, report: Report) -> str:
    canonical_url = front.text_field("canonical_url")
    if canonical_url and not SAFE_IMAGE_RE.match(canonical_url):
        report.note(
            front.line_of("canonical_url"),
            "front-matter",
            f"canonical_url {canonical_url[:80]!r} は URL ではないので使いません",
        )
        return ""
    return canonical_url


def post_last_modified(front: FrontMatter, tz: dt.tzinfo, report: Report) -> dt.datetime | None:
    value = front.values.get("last_modified_at")
    if value is None:
        return None
    last_modified = parse_front_matter_date(value, tz)
    if last_modified is None:
        report.note(front.line_of("last_modified_at"), "date", f"last_modified_at {reprlib.repr(value)} が読めません")
    return last_modified


def editorial_fields(front: FrontMatter, tz: dt.tzinfo, report: Report) -> EditorialFields:
    pillar = front.values.get("pillar_article")
    pillar_link = pillar if isinstance(pillar, dict) else None  # ``pillar_article: true`` is a flag, kept as is
    editorial, odd_links = editorial_links(front.values.get("related_articles"), pillar_link)
    if odd_links:
        key = "related_articles" if "related_articles" in front.values else "pillar_article"
        report.note(
            front.line_of(key),
            "front-matter",
            "related_articles / pillar_article に slug のない項目があります: その項目は使いません",
        )
    return EditorialFields(
        post_canonical_url(front, report), editorial, post_last_modified(front, tz, report), pillar_link is not None
    )


def read_post(
    path: Path, *, tz: dt.tzinfo, max_bytes: int = DEFAULT_MAX_BYTES, max_tags: int = DEFAULT_MAX_TAGS
) -> ReadResult:
    """Read one Jekyll post. Never raises for bad content; see ``ReadResult.problems``."""
    report = Report(path)
    try:
        post = build_post(path, tz, max_bytes, max_tags, report)
    except Refused:
        return ReadResult(None, report.problems)
    return ReadResult(post, report.problems)


def build_post(path: Path, tz: dt.tzinfo, max_bytes: int, max_tags: int, report: Report) -> Post:
    """The steps of :func:`read_post`; a fatal problem raises :class:`Refused`."""
    name_match, slug = file_name_slug(path, report)
    text = post_text(read_regular_file(path, max_bytes, report), report)
    front, body, body_line = parse_front_matter(text, report)
    date = post_date(front, name_match, tz, report)
    body = without_end_markers(body, body_line, report)
    title, body, body_line = post_title(front, body, body_line, slug, report)
    names = post_names(front, max_tags, report)
    note_invisible_names(front, report)
    editorial = editorial_fields(front, tz, report)
    known = KNOWN_KEYS | ({"pillar_article"} if editorial.pillar_is_link else set())
    reading_time = front.values.get("reading_time")
    return Post(
        source=path,
        slug=slug,
        title=title,
        date=date,
        body=body,
        body_line=body_line,
        categories=names["categories"],
        tags=names["tags"],
        author=front.text_field("author"),
        excerpt=front.text_field("excerpt"),
        description=front.text_field("description"),
        reading_time=reading_time if isinstance(reading_time, int) and not isinstance(reading_time, bool) else None,
        image=post_image(front, report),
        permalink_override=post_permalink(front, report),
        robots=front.text_field("robots"),
        sitemap=front.values.get("sitemap") is not False,  # jekyll-sitemap: only the boolean false counts
        canonical_url=editorial.canonical_url,
        related_articles=editorial.related_articles,
        last_modified=editorial.last_modified,
        extra={key: value for key, value in front.values.items() if key not in known},
    )
