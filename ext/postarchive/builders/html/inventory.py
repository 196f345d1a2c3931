"""``objects.inv`` as other projects need it: permalinks, and only targets that exist.

Sphinx writes the inventory from ``builder.get_target_uri`` (``…/slug/index.html``) and always
lists the std domain's ``modindex``/``py-modindex`` labels, whose page this archive never builds.
At ``build-finished`` the inventory is rewritten: every URI takes the permalink form the site
publishes (``…/slug/``, ``…/slug/#company-NVIDIA``), and an entry whose page is not in the output
is dropped. Hand-written over the documented v2 format (four header lines, then zlib-compressed
``name domain:role priority uri dispname`` lines) because Sphinx's ``InventoryFile.dump`` can only
write from the environment through ``get_target_uri``; the line pattern is Sphinx's own.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from sphinx.application import Sphinx
from sphinx.util import logging

from ...model.kinds import HTML_BUILDERS
from ...model.urls import INDEX, permalink_path

logger = logging.getLogger(__name__)
INVENTORY = "objects.inv"
LINE_RE = re.compile(r"(.+?)\s+(\S+)\s+(-?\d+)\s+?(\S*)\s+(.*)")  # sphinx.util.inventory's v2 line


def permalink_uri(uri: str) -> str:
    """``a/index.html#x`` → ``a/#x``; the site root stays ``./`` so the URI is never empty."""
    path, hash_, anchor = uri.partition("#")
    return (permalink_path(path) or "./") + hash_ + anchor


def page_file(uri: str) -> str:
    """The output file an (already rewritten) inventory URI points at: ``a/`` → ``a/index.html``."""
    path = unquote(uri.partition("#")[0]).removeprefix("./")
    return path + INDEX if path == "" or path.endswith("/") else path


def rewrite_inventory(data: bytes, exists: Callable[[str], bool]) -> tuple[bytes, int]:
    """An inventory with permalink URIs and without entries whose page ``exists`` denies; and how many went."""
    header_lines = data.split(b"\n", 4)
    header, body = b"\n".join(header_lines[:4]) + b"\n", header_lines[4]
    kept, dropped = [], 0
    for line in zlib.decompress(body).decode().splitlines():
        match = LINE_RE.match(line.rstrip())
        if not match:
            continue
        name, role, priority, uri, display = match.groups()
        uri = permalink_uri(uri)
        if not exists(page_file(uri)):
            dropped += 1
            continue
        kept.append(f"{name} {role} {priority} {uri} {display}\n")
    compressor = zlib.compressobj(9)
    return header + compressor.compress("".join(kept).encode()) + compressor.flush(), dropped


def write_inventory(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    outdir = Path(app.outdir)
    path = outdir / INVENTORY
    if not path.is_file():
        return
    data = path.read_bytes()
    content, dropped = rewrite_inventory(data, lambda file: (outdir / file).is_file())
    if content != data:
        path.write_bytes(content)
    logger.info("postarchive: %s with permalinks (%d entries without a page dropped)", INVENTORY, dropped)


def setup_inventory(app: Sphinx) -> None:
    app.connect("build-finished", write_inventory)
