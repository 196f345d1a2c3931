"""Japanese UI everywhere: the English that Sphinx and pydata-sphinx-theme leave untranslated.

Two sources of English, two fixes:

* strings the templates wrap in ``_()`` / ``{% trans %}`` but whose Japanese catalogs lack them
  ("Color mode", "System Settings", "Link to this heading", "© Copyright …"): the extension ships
  ``locale/ja/LC_MESSAGES/sphinx.po``, compiled with babel (a Sphinx dependency) into the doctree
  folder and added with ``app.add_message_catalog`` as a *fallback* of Sphinx's own catalog, so an
  existing translation always wins and a newer theme that translates a string takes over;
* pydata-sphinx-theme's options that are plain text in its ``theme.conf`` ("Search the docs ...",
  "Icon Links"): set in Japanese at ``config-inited`` unless ``conf.py`` sets them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.application import Sphinx
from sphinx.config import Config

from ...assets import PACKAGE_DIR

LOCALE_DIR = PACKAGE_DIR / "locale"
CATALOG = "sphinx"
COMPILED = "postarchive-locale"  # in the doctree folder, never in the deployed one
THEME = "pydata_sphinx_theme"
THEME_TEXT = {"search_bar_text": "記事を検索…", "icon_links_label": "外部リンク"}


def compile_catalogs(target: Path) -> Path:
    """Every shipped ``.po`` as a ``.mo`` under ``target`` (rewritten only when the ``.po`` changed)."""
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(LOCALE_DIR).with_suffix(".mo")
        stamp = mo.with_suffix(".sha1")
        digest = hashlib.sha1(po.read_bytes(), usedforsecurity=False).hexdigest()
        if mo.is_file() and stamp.is_file() and stamp.read_text(encoding="ascii") == digest:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source:
            catalog = read_po(source)
        staging = mo.with_suffix(".tmp")
        with staging.open("wb") as out:
            write_mo(out, catalog)
        staging.replace(mo)
        stamp.write_text(digest, encoding="ascii")
    return target


def japanese_theme_text(app: Sphinx, config: Config) -> None:
    if config.html_theme != THEME:
        return
    options = dict(config.html_theme_options or {})
    for key, text in THEME_TEXT.items():
        options.setdefault(key, text)
    config.html_theme_options = options


def setup_japanese(app: Sphinx) -> None:
    app.add_message_catalog(CATALOG, str(compile_catalogs(Path(app.doctreedir) / COMPILED)))
    app.connect("config-inited", japanese_theme_text)
