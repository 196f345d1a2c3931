"""Strict mode (``make check``): a summary of every problem, file by file, and a link check.

Every warning of the build (a broken post, a link to a missing post, a bad registry entry, any
Sphinx warning) is collected as it is printed. At the end of the build the summary lists them per
file, followed by the repairs ("修復": the blog's known quirks that the archive fixes itself, such as
a truncated title, ``---END---`` markers or Liquid tags). In strict mode a repair is an info line,
not a warning, so the archive's own posts pass ``make check`` while broken input fails it; the build
also fails (exit status 1) when ``-W`` was not given. Strict HTML builds also check that every
site-internal ``href``/``src`` of the written pages points at a file that exists.
"""

from __future__ import annotations

import logging as logging_module
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.logging import WarningStreamHandler

from ..domain.config import archive_config
from ..domain.state import archive_state
from ..posts.post import Problem

logger = logging.getLogger(__name__)
LINK_RE = re.compile(r"""<(?:a|link|img|script|source)\b[^>]*?\s(?:href|src)=["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class Reported:
    location: str  # "path:line", "path:" or "" when the warning has none
    message: str
    kind: str  # "type.subtype"

    @property
    def file(self) -> str:
        path, _, line = self.location.rpartition(":")
        return path if path and (line.isdigit() or not line) else self.location


@dataclass
class Collector(logging_module.Filter):
    """A logging filter that only watches: every warning that reaches the warning stream.

    Records are kept, not copied: filters added later (the post-location mapping of
    :mod:`postarchive.site`) still rewrite their location before the summary reads it.
    """

    records: list[logging_module.LogRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__("postarchive-check")

    def filter(self, record: logging_module.LogRecord) -> bool:
        if record.levelno >= logging_module.WARNING:
            self.records.append(record)
        return True

    @property
    def warnings(self) -> list[Reported]:
        reported = []
        for record in self.records:
            kind = ".".join(filter(None, [getattr(record, "type", ""), getattr(record, "subtype", "")]))
            location = getattr(record, "location", None)
            message = str(record.msg) % record.args if record.args else str(record.msg)
            reported.append(Reported(location if isinstance(location, str) else "", message, kind))
        return reported


def summary_lines(warnings: list[Reported], repairs: list[Problem]) -> list[str]:
    """The end-of-build summary: problems per file (sorted), then repairs per file."""
    lines: list[str] = []
    by_file: dict[str, list[Reported]] = defaultdict(list)
    for warning in warnings:
        by_file[warning.file or "(場所なし)"].append(warning)
    if by_file:
        lines.append(f"postarchive: 問題 {len(warnings)} 件 ({len(by_file)} ファイル)")
        for file in sorted(by_file):
            lines.append(f"  ✗ {file}")
            for warning in by_file[file]:
                message = warning.message.splitlines()[0] if warning.message else ""
                message = message.removesuffix(f" [{warning.kind}]")  # Sphinx may have added it already
                lines.append(f"      {message} [{warning.kind}]" if warning.kind else f"      {message}")
    else:
        lines.append("postarchive: 問題はありません")
    if repairs:
        files = sorted({str(problem.path) for problem in repairs})
        lines.append(
            f"postarchive: 修復 {len(repairs)} 件 ({len(files)} ファイル; ブログの既知の癖を直したもの, エラーではありません)"
        )
        for problem in sorted(repairs, key=lambda p: (str(p.path), p.line or 0)):
            lines.append(f"  修復 {problem.location()} {problem.message} [postarchive.{problem.subtype}]")
    return lines


def broken_links(outdir: Path, pages: list[Path]) -> list[tuple[Path, str]]:
    """Relative links and assets of the given HTML pages whose target file does not exist."""
    broken = []
    for page in pages:
        try:
            text = page.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for url in dict.fromkeys(LINK_RE.findall(text)):
            parts = urlsplit(url.replace("&amp;", "&"))
            if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
                continue  # external, same-page, or root-relative (depends on the host's base path)
            target = page.parent / unquote(parts.path)
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((page, url))
    return broken


def warning_handlers() -> list[logging_module.Handler]:
    return [h for h in logging_module.getLogger(logging.NAMESPACE).handlers if isinstance(h, WarningStreamHandler)]


def installed_collector() -> Collector | None:
    """The collector of this build: it lives on Sphinx's warning stream handler (set up per application)."""
    for handler in warning_handlers():
        for found in handler.filters:
            if isinstance(found, Collector):
                return found
    return None


def start_collecting(app: Sphinx, config: object) -> None:
    collector = Collector()
    for handler in warning_handlers():
        handler.filters = [f for f in handler.filters if not isinstance(f, Collector)]
        handler.addFilter(collector)


def finish(app: Sphinx, exception: Exception | None) -> None:
    collector = installed_collector()
    if exception is not None or collector is None:
        return
    strict = archive_config(app).strict
    if strict and app.builder.format == "html":
        outdir = Path(app.outdir)
        pages = [outdir / app.builder.get_target_uri(docname) for docname in sorted(app.env.all_docs)]
        for page, url in broken_links(outdir, [page for page in pages if page.suffix == ".html"]):
            logger.warning(
                "リンク先がありません: %s",
                url,
                location=str(page.relative_to(outdir)) + ":",
                type="postarchive",
                subtype="link",
            )
    if not strict:
        return  # a normal build has printed each warning already (repairs included)
    repairs = [problem for problem in archive_state(app.env).problems if problem.repaired]
    warnings = collector.warnings
    for line in summary_lines(warnings, repairs):
        logger.info(line)
    if warnings:
        app.statuscode = 1


def setup_check(app: Sphinx) -> None:
    app.connect("config-inited", start_collecting, priority=100)  # before any post is read
    app.connect("build-finished", finish, priority=900)
