"""Incremental and parallel builds: several builds on one source tree, as an editor makes them.

Each rebuild keeps Sphinx's environment (``freshenv=False``), like a second ``make html``; what it
re-wrote is read from the output files' modification times.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, Build, copy_docs, copy_posts, run_build, search_texts

pytestmark = pytest.mark.sphinx

EDITED = "2025-10-09-2-gmoai.md"
EDITED_URL = "2025/10/09/2-gmoai"
SENTENCE = "追記：インクリメンタルビルドの確認のための一文です。"
# Written by every html build whatever changed (Sphinx's own pages and the archive's domain index).
ALWAYS_WRITTEN = {"genindex.html", "search.html", "archive-companies.html", "404.html"}


def snapshot(outdir: Path) -> dict[str, int]:
    return {str(path.relative_to(outdir)): path.stat().st_mtime_ns for path in outdir.rglob("*.html")}


def rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name, mtime in after.items() if before.get(name) != mtime}


class Tree:
    """One docs/ copy and one posts/ folder, built again and again."""

    def __init__(self, root: Path, parallel: int = 0) -> None:
        self.srcdir = copy_docs(root / "docs")
        self.posts = copy_posts(root / "posts", sorted(SEEDS.glob("*.md")))
        self.parallel = parallel
        self.last: Build | None = None

    def build(self) -> tuple[Build, set[str]]:
        outdir = self.srcdir / "_build" / "html"
        before = snapshot(outdir) if outdir.is_dir() else {}
        build = run_build(self.srcdir, self.posts, parallel=self.parallel)
        self.last = build
        return build, rewritten(before, snapshot(build.outdir))

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.posts / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def catalog(build: Build) -> dict[str, object]:
    return json.loads((build.outdir / "catalog.json").read_text(encoding="utf-8"))


def test_nothing_changed_rewrites_no_page(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    tree.build()
    _, written = tree.build()
    assert written <= ALWAYS_WRITTEN


def test_editing_a_body_rewrites_that_post_only(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    tree.build()
    path = tree.posts / EDITED
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{SENTENCE}\n", encoding="utf-8")
    build, written = tree.build()
    assert SENTENCE in build.post_html(EDITED_URL)
    assert f"{EDITED_URL}/index.html" in written
    # the post, and its month page (Sphinx re-writes the page whose toctree holds a changed page)
    assert written - ALWAYS_WRITTEN == {f"{EDITED_URL}/index.html", "2025/10/index.html"}
    # the search index took the new text in
    texts = search_texts(build.outdir)
    assert "インクリメンタルビルド" in texts


def test_changing_a_tag_moves_the_post_between_tag_pages(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    tree.build()
    tree.edit(EDITED, 'tags: ["AI",', 'tags: ["新しいタグ", "AI",')
    build, written = tree.build()
    new_tag = build.outdir / "tags/新しいタグ/index.html"
    assert new_tag.is_file()
    assert f"{EDITED_URL}/index.html" in new_tag.read_text(encoding="utf-8").replace("../", "")
    assert "tags/新しいタグ/index.html" in written and f"{EDITED_URL}/index.html" in written
    assert "tags/index.html" in written  # the tag list shows the new tag
    post = next(p for p in catalog(build)["posts"] if p["source"] == EDITED)  # type: ignore[index]
    assert "新しいタグ" in post["tags"]
    # and back: the tag loses its only post, so its page (and its feed) leave the site
    tree.edit(EDITED, 'tags: ["新しいタグ", "AI",', 'tags: ["AI",')
    build, _ = tree.build()
    assert not new_tag.exists()
    assert not (new_tag.parent / "atom.xml").exists()
    assert "新しいタグ" not in (build.outdir / "tags/index.html").read_text(encoding="utf-8")
    assert "新しいタグ" not in (build.outdir / "sitemap.xml").read_text(encoding="utf-8")


def test_adding_and_deleting_a_post_updates_every_index(tmp_path: Path) -> None:
    tree = Tree(tmp_path)
    tree.build()
    new_post = tree.posts / "2025-11-20-incremental-check.md"
    new_post.write_text(
        "---\ntitle: 追加した記事のタイトル\ndate: 2025-11-20 10:00:00 +0900\ncategories: [投資分析]\n"
        "tags: [追加タグ, AI]\nauthor: ALLFORCES編集部\n---\n\nKDDIとNVIDIAについての追加の記事です。\n",
        encoding="utf-8",
    )
    build, written = tree.build()
    page = "2025/11/20/incremental-check/index.html"
    assert (build.outdir / page).is_file() and page in written
    for index in ["index.html", "2025/11/index.html", "tags/追加タグ/index.html", "companies/KDDI/index.html"]:
        assert "incremental-check" in (build.outdir / index).read_text(encoding="utf-8"), index
    assert any(p["source"] == new_post.name for p in catalog(build)["posts"])  # type: ignore[index]
    assert "incremental-check" in (build.outdir / "atom.xml").read_text(encoding="utf-8")
    assert "incremental-check" in (build.outdir / "sitemap.xml").read_text(encoding="utf-8")
    # entry pages: only those that list the new post (and the lists with their counts) are re-written
    assert {w for w in written if w.startswith("tags/")} == {
        "tags/index.html",
        "tags/AI/index.html",
        "tags/追加タグ/index.html",
    }
    companies = {w for w in written if w.startswith("companies/")}
    assert companies == {"companies/index.html", "companies/KDDI/index.html", "companies/NVIDIA/index.html"}

    new_post.unlink()
    build, _ = tree.build()
    assert not (build.outdir / page).exists()
    assert not (build.outdir / "tags/追加タグ/index.html").exists()
    for index in ["index.html", "2025/11/index.html", "companies/KDDI/index.html", "atom.xml", "sitemap.xml"]:
        assert "incremental-check" not in (build.outdir / index).read_text(encoding="utf-8"), index
    assert not any(p["source"] == new_post.name for p in catalog(build)["posts"])  # type: ignore[index]
    meta = json.loads((build.outdir / "_static/search/meta.json").read_text(encoding="utf-8"))
    assert meta["docs"] == 5


def test_parallel_output_is_identical_to_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Write chunks of 4 pages (the archive caps them at 32; the seeds' ~120 pages would make one chunk per worker).
    monkeypatch.setattr("postarchive.sphinxpatches.WRITE_CHUNK", 4)
    serial, _ = Tree(tmp_path / "serial", parallel=0).build()
    parallel, _ = Tree(tmp_path / "parallel", parallel=2).build()

    def files(outdir: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(outdir)): path.read_bytes()
            for path in sorted(outdir.rglob("*"))
            if path.is_file() and ".doctrees" not in path.parts and path.suffix != ".pickle"
        }

    one, two = files(serial.outdir), files(parallel.outdir)
    assert sorted(one) == sorted(two)
    different = [name for name in one if one[name] != two[name]]
    assert different == []
