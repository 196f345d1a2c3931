"""What other tools expect of a published archive: intersphinx, feeds, catalog, structured data, one URL per page."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

from conftest import Build, parse_html
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

CONSUMER = Path(__file__).parent / "roots" / "test-consumer"


def inventory(outdir: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """``objects.inv`` as intersphinx reads it: role → name → (uri relative to the site, display name)."""
    with (outdir / "objects.inv").open("rb") as stream:
        data = InventoryFile.load(stream, "", lambda base, uri: uri)
    return {role: {name: (item[2], item[3]) for name, item in items.items()} for role, items in data.items()}


def build_consumer(tmp_path: Path, archive: Path, **overrides: object) -> tuple[Path, str]:
    srcdir = tmp_path / "consumer"
    shutil.copytree(CONSUMER, srcdir)
    warnings = StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=srcdir / "_build",
        confoverrides={"intersphinx_mapping": {"archive": (str(archive), None)}, "nitpicky": True, **overrides},
        status=StringIO(),
        warning=warnings,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), warnings.getvalue()


def consumer_links(outdir: Path, page: str) -> dict[str, str]:
    """Link text → href of the external references on a consumer page."""
    soup = parse_html((outdir / page).read_text(encoding="utf-8"))
    return {a.get_text(): str(a["href"]) for a in soup.select("a.reference.external")}


def test_a_project_with_only_intersphinx_resolves_every_entry_kind(seeds_build: Build, tmp_path: Path) -> None:
    outdir, warnings = build_consumer(tmp_path, seeds_build.outdir)
    assert warnings == ""
    links = consumer_links(outdir, "index.html")
    archive = str(seeds_build.outdir)
    assert unquote(links["NVIDIA"]) == f"{archive}/companies/NVIDIA/#company-NVIDIA"
    assert links["エヌビディア"] == links["nvidia"] == links["NVIDIA"]  # alias and lower case: the same anchor
    assert unquote(links["ハイレゾ"]).endswith("/companies/ハイレゾ/#company-ハイレゾ")
    assert unquote(links["チップ"]).endswith("/tags/チップ/#tag-チップ")
    assert unquote(links["投資分析"]).endswith("/categories/投資分析/#category-投資分析")
    assert unquote(links["ALLFORCES編集部"]).endswith("/authors/ALLFORCES編集部/#author-ALLFORCES編集部")
    assert any(href.rstrip("/").endswith("/2025/10/09/2-gmoai") for href in links.values())  # a local path loses its /


def test_the_archive_domain_loads_on_its_own(seeds_build: Build, tmp_path: Path) -> None:
    outdir, warnings = build_consumer(
        tmp_path,
        seeds_build.outdir,
        extensions=["sphinx.ext.intersphinx", "postarchive.domain"],
        exclude_patterns=["_build"],
    )
    assert warnings == ""
    links = consumer_links(outdir, "domain.html")
    assert unquote(links["NVIDIA"]).endswith("/companies/NVIDIA/#company-NVIDIA")
    assert unquote(links["AI"]).endswith("/tags/AI/#tag-AI")
    assert any(href.rstrip("/").endswith("/2025/10/09/2-gmoai") for href in links.values())  # a local path loses its /


def test_every_inventory_uri_is_a_permalink_to_an_existing_anchor(seeds_build: Build) -> None:
    outdir = seeds_build.outdir
    found = inventory(outdir)
    assert "modindex" not in found["std:label"] and "py-modindex" not in found["std:label"]
    ids: dict[str, set[str]] = {}
    checked = 0
    for items in found.values():
        for name, (uri, _display) in items.items():
            path, _, anchor = uri.partition("#")
            assert path != "index.html" and not path.endswith("/index.html"), f"{name}: {uri} is not the permalink"
            file = unquote(path).removeprefix("./")
            file = file + "index.html" if file == "" or file.endswith("/") else file
            assert (outdir / file).is_file(), f"{name}: {uri} has no page"
            if anchor:
                if file not in ids:
                    soup = parse_html((outdir / file).read_text(encoding="utf-8"))
                    ids[file] = {str(tag["id"]) for tag in soup.find_all(id=True)}
                assert unquote(anchor) in ids[file], f"{name}: no id {anchor!r} in {file}"
            checked += 1
    assert checked > 100


def test_entry_anchors_name_their_entry(seeds_build: Build) -> None:
    terms = inventory(seeds_build.outdir)["std:term"]
    anchors = {name: unquote(uri.partition("#")[2]) for name, (uri, _) in terms.items()}
    assert anchors["GMOインターネットグループ"] == "company-GMOインターネットグループ"
    assert anchors["エージェント"] == "tag-エージェント"
    assert anchors["GMO"] == anchors["GMOインターネットグループ"]  # an alias of it
    assert all(not anchor.rstrip("-0123456789").endswith("-") for anchor in anchors.values())
