"""The posts' own images (``image: /assets/images/posts/…-ogp.png``) copied into the HTML output.

Only when ``postarchive_image_dir`` names the blog folder they are in, and only the images a post page
uses (its ``og:image``): a post's ``image`` the archive cannot serve is never advertised
(:func:`postarchive.model.frontmatter.usable_image`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.application import Sphinx

from ...domain.config import archive_config
from ...model.kinds import HTML_BUILDERS


def copy_post_images(app: Sphinx, exception: BaseException | None) -> None:
    config = archive_config(app)
    if exception is not None or app.builder.name not in HTML_BUILDERS or not config.image_dir:
        return
    root = (Path(app.confdir) / config.image_dir).resolve()
    outdir = Path(app.outdir)
    for record in app.env.get_domain("archive").posts.values():  # type: ignore[attr-defined]
        image = record.meta.image
        if not image.startswith("/") or urlsplit(image).scheme:
            continue
        relative = image.lstrip("/")
        source, target = (root / relative).resolve(), outdir / relative
        if not source.is_relative_to(root) or not source.is_file():
            continue
        if not target.is_file() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def setup_images(app: Sphinx) -> None:
    app.connect("build-finished", copy_post_images)
