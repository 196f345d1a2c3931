"""The PDF in volumes: one book per month (or year), each with its own cover, contents and 索引,
plus company dossiers; the TeX passes run in parallel and only for volumes whose inputs changed.

The LaTeX build (``sphinx-build -b latex``) writes every volume's ``.tex`` in one run:

* ``builder-inited`` (after the archive is read): ``latex_documents`` becomes one entry per volume
  (root ``archive/books/<name>``, see ``pages/volumes.py``). Sphinx assembles each book from its
  root's toctree (``assemble_doctree`` → ``inline_all_toctrees``) and applies the post-transforms to
  that assembled tree, so a post's 索引 entries land in the book it is a chapter of, and a link to a
  post of another volume becomes plain text (the builder raises ``NoUri`` for it).
* ``build-finished``: per volume, the mendex dictionary of ITS names only (so a new tag elsewhere
  does not change it), the cover data (``<name>.cover``: period and post count, read by
  ``\\maketitle``) and the plan ``volumes-plan.json`` for the TeX runner.

The TeX runner (``postarchive pdf docs/_build/latex``, run by ``make latexpdf``) digests each
volume's inputs (its ``.tex``, ``.dic``, ``.cover`` and the shared style files, by content: Sphinx
rewrites every ``.tex`` on each run) and runs latexmk — the very command of Sphinx's generated
Makefile — only for volumes whose digest differs from the one recorded in ``volumes.json`` next to
the PDFs, with a pool of one job per core. A hand-written runner rather than ``make -j`` on Sphinx's
Makefile: that Makefile always rebuilds (``FORCE_MAKE``) and knows nothing of the digests or of the
manifest (pages, size) the HTML build reads.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ...domain.archive import ArchiveDomain
from ...domain.config import archive_config
from ...domain.state import ArchiveState, archive_state
from ...model.volumes import (
    MANIFEST_NAME,
    PLAN_NAME,
    SINGLE,
    Volume,
    VolumeRecord,
    content_digest,
    group_volumes,
    read_records,
    record_of,
    write_records,
)
from ...pages.volumes import BOOKS_ROOT, book_root, planned_books
from ...posts.post import normalize_name
from .book import mendex_dictionary, tex_escape

logger = logging.getLogger(__name__)

#: Added to ``latex_elements`` in ``conf.py``: the cover reads the volume's period and post count
#: from ``<name>.cover`` (its ``\date`` replaces the build date, which the digest leaves out).
VOLUME_ELEMENTS = {"maketitle": r"\InputIfFileExists{\jobname.cover}{}{}\sphinxmaketitle"}
BUILD_DATE_RE = re.compile(rb"^\\date\{[^\n]*\}$", re.MULTILINE)
#: What Sphinx's generated latex Makefile runs for ``%.pdf`` with upLaTeX.
LATEXMK = ("latexmk", "-r", "latexmkjarc", "-pdfdvi", "-dvi-", "-ps-")
LATEXMK_OPTIONS = ("-interaction=nonstopmode", "-halt-on-error")
SHARED_INPUTS = ("*.sty", "*.cls", "python.ist", "latexmkjarc", "latexmkrc")
PAGES_RE = re.compile(r"Output written on \S+ \((\d+) pages?")


def volume_elements(elements: dict[str, str]) -> dict[str, str]:
    return {**elements, **VOLUME_ELEMENTS}


# --- the LaTeX build ----------------------------------------------------------------------------


def book_title(project: str, volume: Volume) -> str:
    return f"{project} 企業別 {volume.label}" if volume.company else f"{project} {volume.label}"


def book_records(app: Sphinx, books: Sequence[Volume]) -> dict[str, VolumeRecord]:
    """The plan: one record per book, with ``conf.py``'s own book when it is one volume (``single``)."""
    records = {volume.name: record_of(volume, book_title(app.config.project, volume)) for volume in books}
    config = archive_config(app)
    state = archive_state(app.env)
    if config.pdf_volumes == SINGLE and state.posts:
        (whole,) = group_volumes(state.posts, SINGLE, config.tz)
        for entry in app.config.latex_documents:
            if not str(entry[0]).startswith(BOOKS_ROOT):
                records[Path(entry[1]).stem] = record_of(replace(whole, name=Path(entry[1]).stem), entry[2])
    return records


def set_latex_documents(app: Sphinx) -> None:
    """``builder-inited``, after the archive is read: one LaTeX document per volume and dossier."""
    if app.builder.name != "latex":
        return
    config = archive_config(app)
    books = planned_books(archive_state(app.env), config)
    author = app.config.author
    documents = list(app.config.latex_documents) if config.pdf_volumes == SINGLE else []
    documents += [
        (book_root(v.name), f"{v.name}.tex", book_title(app.config.project, v), author, "manual", True) for v in books
    ]
    app.config.latex_documents = documents


def names_of(state: ArchiveState, docnames: Iterable[str]) -> set[str]:
    """Every tag, category, author and company of the posts: what the volume's 索引 holds."""
    by_docname = state.by_docname
    names: set[str] = set()
    for docname in docnames:
        post = by_docname.get(docname)
        if post is None:
            continue
        names.update(normalize_name(name) for name in (*post.tags, *post.categories, post.author))
        names.update(state.companies.get(docname, ()))
    return names


def cover_text(record: VolumeRecord) -> str:
    """``\\date`` of the cover: the period and the number of posts (and the company of a dossier)."""
    lines = [tex_escape(record.period), f"記事 {record.posts:,} 件"]
    if record.company:
        lines.insert(0, tex_escape(f"{record.company} に触れた記事"))
    return "\\date{" + r"\\[1ex]".join(lines) + "}\n"


def write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_volume_inputs(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: each volume's own reading dictionary, its cover data and the plan."""
    if exception is not None or app.builder.name != "latex":
        return
    outdir = Path(app.outdir)
    state = archive_state(app.env)
    domain: ArchiveDomain = app.env.get_domain("archive")  # type: ignore[assignment]
    readings: dict[str, str] = {}
    for entry in domain.entries.values():
        readings.setdefault(entry.name, entry.reading)
    records = book_records(app, planned_books(state, archive_config(app)))
    for name, record in records.items():
        names = names_of(state, record.docnames)
        if record.company:
            names.add(record.company)
        write_if_changed(outdir / f"{name}.dic", mendex_dictionary((n, readings.get(n, "")) for n in sorted(names)))
        write_if_changed(outdir / f"{name}.cover", cover_text(record))
    write_records(outdir / PLAN_NAME, records)


def setup_volumes(app: Sphinx) -> None:
    app.connect("builder-inited", set_latex_documents, priority=600)  # after pages/site.py read the archive
    app.connect("build-finished", write_volume_inputs, priority=600)  # after book.py's dictionaries


# --- the TeX runner -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "built", "unchanged", "failed"
    seconds: float = 0.0
    record: VolumeRecord | None = None
    message: str = ""


def shared_inputs(folder: Path) -> list[tuple[str, bytes]]:
    """The files every volume is typeset with (Sphinx's styles, the index style, latexmk's rc)."""
    paths = sorted({path for pattern in SHARED_INPUTS for path in folder.glob(pattern) if path.is_file()})
    return [(path.name, path.read_bytes()) for path in paths]


def inputs_digest(folder: Path, name: str, shared: Sequence[tuple[str, bytes]]) -> str:
    """The digest of what typesets the volume; the ``.tex``'s ``\\date`` (the day of the build,
    replaced on the cover by the volume's period) is left out, or every volume would change daily."""
    own = [
        (path.name, path.read_bytes())
        for path in (folder / f"{name}{suffix}" for suffix in (".tex", ".dic", ".cover"))
        if path.is_file()
    ]
    own = [(file, BUILD_DATE_RE.sub(b"", data) if file.endswith(".tex") else data) for file, data in own]
    return content_digest([*shared, *own])


def pages_of(log: Path) -> int:
    """The page count upLaTeX reports at the end of its log."""
    try:
        found = PAGES_RE.findall(log.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return 0
    return int(found[-1]) if found else 0


def typeset(folder: Path, name: str) -> tuple[bool, str]:
    """latexmk for one volume, as Sphinx's Makefile runs it; ``(ok, tail of the output)``."""
    result = subprocess.run(
        [*LATEXMK, *LATEXMK_OPTIONS, f"{name}.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        errors="replace",
        env={**os.environ, "LATEXOPTS": os.environ.get("LATEXOPTS", "")},
    )
    ok = result.returncode == 0 and (folder / f"{name}.pdf").is_file()
    return ok, (result.stdout + result.stderr)[-2000:]


def build_volume(
    folder: Path,
    record: VolumeRecord,
    previous: VolumeRecord | None,
    shared: Sequence[tuple[str, bytes]],
    run: Callable[[Path, str], tuple[bool, str]] = typeset,
) -> Outcome:
    name = record.name
    digest = inputs_digest(folder, name, shared)
    pdf = folder / f"{name}.pdf"
    if previous is not None and previous.digest == digest and pdf.is_file():
        return Outcome(
            name, "unchanged", record=replace(record, pages=previous.pages, bytes=pdf.stat().st_size, digest=digest)
        )
    started = time.monotonic()
    ok, output = run(folder, name)
    seconds = time.monotonic() - started
    if not ok:
        return Outcome(name, "failed", seconds, message=output)
    built = replace(record, pages=pages_of(folder / f"{name}.log"), bytes=pdf.stat().st_size, digest=digest)
    return Outcome(name, "built", seconds, record=built)


def run_volumes(
    folder: Path,
    jobs: int = 0,
    only: Sequence[str] = (),
    run: Callable[[Path, str], tuple[bool, str]] = typeset,
    report: Callable[[str], Any] = print,
) -> list[Outcome]:
    """Typeset the planned volumes of ``folder`` whose inputs changed, ``jobs`` at a time (0: one per
    core), and write ``volumes.json``. ``only``: just these volumes (the others keep their record)."""
    plan = read_records(folder / PLAN_NAME)
    manifest = read_records(folder / MANIFEST_NAME)
    wanted = [plan[name] for name in plan if not only or name in only]
    shared = shared_inputs(folder)
    workers = jobs or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(lambda r: build_volume(folder, r, manifest.get(r.name), shared, run), wanted))
    records = {name: manifest[name] for name in plan if name in manifest and (folder / f"{name}.pdf").is_file()}
    for outcome in outcomes:
        if outcome.record is not None:
            records[outcome.name] = outcome.record
        else:
            records.pop(outcome.name, None)
    for stale in set(manifest) - set(plan):
        (folder / f"{stale}.pdf").unlink(missing_ok=True)  # a volume that no longer exists (its PDF was ours)
    write_records(folder / MANIFEST_NAME, records)
    for outcome in sorted(outcomes, key=lambda o: o.name):
        size = f"{outcome.record.pages:>5} pages {outcome.record.bytes / 1e6:6.1f} MB" if outcome.record else ""
        report(f"{outcome.name:<24} {outcome.status:<9} {outcome.seconds:6.1f} s {size}")
        if outcome.status == "failed":
            report(outcome.message)
    return outcomes
