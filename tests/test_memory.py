"""The Sphinx patches (postarchive/sphinxpatches.py): what they change must leave builds as they were."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from conftest import SEEDS, copy_docs, copy_posts, run_build
from docutils import nodes
from postarchive import sphinxpatches as memory


def test_render_partial_gives_the_node_its_parent_back() -> None:
    title = nodes.title("", "NVIDIA の決算")
    seen: list[nodes.Node | None] = []

    def render(node: nodes.Node) -> dict[str, str]:
        document = nodes.document(None, None)  # type: ignore[arg-type]
        document.append(node)
        seen.append(node.parent)
        return {"title": node.astext()}

    render_partial = memory.render_partial_keeping_parent(render)
    assert render_partial(title) == {"title": "NVIDIA の決算"}
    assert isinstance(seen[0], nodes.document)
    assert title.parent is None


def test_write_chunks_are_capped_and_read_chunks_are_sphinx_own(monkeypatch: pytest.MonkeyPatch) -> None:
    def sphinx_chunks(arguments: list[str], nproc: int, maxbatch: int = 10) -> list[list[str]]:
        return [arguments[: len(arguments) // 2], arguments[len(arguments) // 2 :]]

    pages = [f"page{index}" for index in range(100)]
    chunks = memory.capped_chunks(sphinx_chunks)
    monkeypatch.setattr(memory.PHASE, "active", True)
    monkeypatch.setattr(memory.PHASE, "reading", True)
    assert chunks(pages, 2) == sphinx_chunks(pages, 2)
    monkeypatch.setattr(memory.PHASE, "reading", False)
    written = chunks(pages, 2)
    assert max(len(chunk) for chunk in written) == memory.WRITE_CHUNK
    assert [page for chunk in written for page in chunk] == pages
    monkeypatch.setattr(memory.PHASE, "active", False)  # postarchive_sphinx_patches off: Sphinx's own chunks
    assert chunks(pages, 2) == sphinx_chunks(pages, 2)


@pytest.mark.sphinx
def test_with_patches_off_sphinx_runs_as_shipped(tmp_path: Path) -> None:
    srcdir = copy_docs(tmp_path / "docs")
    posts = copy_posts(tmp_path / "posts", sorted(SEEDS.glob("*.md")))
    build = run_build(srcdir, posts, parallel=2, confoverrides={"postarchive_sphinx_patches": False})
    assert not getattr(build.app.builder.render_partial, "keeps_parent", False)
    patched = run_build(srcdir, posts, parallel=2)
    assert getattr(patched.app.builder.render_partial, "keeps_parent", False)
    assert patched.post_html("2025/10/09/2-gmoai") == build.post_html("2025/10/09/2-gmoai")


@pytest.mark.sphinx
def test_a_build_leaves_the_collector_as_it_found_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Frozen objects are unfrozen at the end: a process running several builds (tests, autobuild) frees them."""
    monkeypatch.setattr(memory, "LARGE_READ", 10)  # the seeds' ~60 pages count as a large build: freezing runs
    srcdir = copy_docs(tmp_path / "docs")
    posts = copy_posts(tmp_path / "posts", sorted(SEEDS.glob("*.md")))
    run_build(srcdir, posts, parallel=2)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    assert not memory.PHASE.reading
    assert not memory.PHASE.large


@pytest.mark.sphinx
def test_an_editors_rebuild_reads_serially_and_renders_no_unchanged_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sphinx.builders
    from postarchive.builders.html import feeds

    srcdir = copy_docs(tmp_path / "docs")
    posts = copy_posts(tmp_path / "posts", sorted(SEEDS.glob("*.md")))
    parallel_reads: list[int] = []
    read_parallel = sphinx.builders.Builder._read_parallel

    def recording(self: sphinx.builders.Builder, docnames: list[str], nproc: int) -> None:
        parallel_reads.append(len(docnames))
        read_parallel(self, docnames, nproc)

    monkeypatch.setattr(sphinx.builders.Builder, "_read_parallel", recording)
    run_build(srcdir, posts, parallel=2)
    assert len(parallel_reads) == 1 and parallel_reads[0] >= memory.PARALLEL_READ

    edited = posts / "2025-10-09-2-gmoai.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n追記：直列で読み直す一文。\n", encoding="utf-8")

    def no_render(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a feed whose posts did not change was rendered again")

    monkeypatch.setattr(feeds, "render_atom", no_render)
    build = run_build(srcdir, posts, parallel=2)
    assert len(parallel_reads) == 1  # the rebuild read its one post in the main process
    assert build.app.parallel == 2  # and gave -j 2 back to the write phase
    assert "追記：直列で読み直す一文。" in build.post_html("2025/10/09/2-gmoai")
