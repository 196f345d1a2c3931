"""What Sphinx rebuilds is decided by content digests, not file times.

Sphinx re-reads a source whose modification time is newer than when it last read it, and re-writes
every page when a template is newer than the page (sphinx-doc/sphinx#11556 asks for content hashes
instead). A fresh checkout, as every CI deploy makes, gives every file a new time, so a restored build
cache would still re-read the hand-written pages and re-write every page. So the archive keeps the
digest and time of each source it read and of each template (``postarchive-sources.json`` in the
doctree folder) and, before Sphinx looks for outdated documents, gives a file whose content is
unchanged its old time back. A file whose content changed keeps its new time and is rebuilt as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .state import archive_state

DIGESTS = "postarchive-sources.json"
Record = tuple[str, int]  # content digest, modification time (ns)


def record_of(path: Path) -> Record:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest(), path.stat().st_mtime_ns


def digests_file(env: BuildEnvironment) -> Path:
    return Path(env.doctreedir) / DIGESTS


def load_records(env: BuildEnvironment) -> dict[str, Record]:
    try:
        data = json.loads(digests_file(env).read_text(encoding="utf-8"))
        return {str(path): (str(digest), int(mtime)) for path, (digest, mtime) in data.items()}
    except (OSError, ValueError, TypeError):
        return {}


def template_files(app: Sphinx) -> Iterable[Path]:
    for folder in app.config.templates_path:
        root = Path(app.confdir) / folder
        if root.is_dir():
            yield from (path for path in root.rglob("*") if path.is_file())


def restore_times_of_unchanged_files(app: Sphinx) -> int:
    """``builder-inited`` (after the generated pages are written): unchanged files look unchanged to Sphinx."""
    restored = 0
    for name, (digest, mtime) in load_records(app.env).items():
        path = Path(name)
        try:
            stat = path.stat()
            if stat.st_mtime_ns <= mtime or record_of(path)[0] != digest:
                continue
            os.utime(path, ns=(stat.st_atime_ns, mtime))
        except OSError:
            continue
        restored += 1
    return restored


def note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    archive_state(env).read_docnames = list(docnames)


def save_records(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the digest and time of every source read in this build and of every template."""
    if exception is not None:
        return
    env = app.env
    sources = {str(Path(env.doc2path(docname))) for docname in env.all_docs}
    records = {path: record for path, record in load_records(env).items() if path in sources}
    read = [Path(env.doc2path(docname)) for docname in archive_state(env).read_docnames]
    for path in [*read, *template_files(app)]:
        if path.is_file():
            records[str(path)] = record_of(path)
    file = digests_file(env)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(records, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def setup_freshness(app: Sphinx) -> None:
    app.connect("builder-inited", restore_times_of_unchanged_files, priority=900)  # after pages/site.py
    app.connect("env-before-read-docs", note_reading)
    app.connect("build-finished", save_records)
