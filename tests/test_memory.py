"""The build's memory policy (postarchive/memory.py): what it changes must leave builds as they were."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from conftest import SEEDS, copy_docs, copy_posts, run_build
from docutils import nodes
from postarchive import memory


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
    monkeypatch.setattr(memory.PHASE, "reading", True)
    assert chunks(pages, 2) == sphinx_chunks(pages, 2)
    monkeypatch.setattr(memory.PHASE, "reading", False)
    written = chunks(pages, 2)
    assert max(len(chunk) for chunk in written) == memory.WRITE_CHUNK
    assert [page for chunk in written for page in chunk] == pages


@pytest.mark.sphinx
def test_a_build_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    """Frozen objects are unfrozen at the end: a process running several builds (tests, autobuild) frees them."""
    srcdir = copy_docs(tmp_path / "docs")
    posts = copy_posts(tmp_path / "posts", sorted(SEEDS.glob("*.md")))
    run_build(srcdir, posts, parallel=2)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    assert not memory.PHASE.reading
    assert not memory.PHASE.large
