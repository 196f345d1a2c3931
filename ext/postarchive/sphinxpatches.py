"""Every patch of Sphinx (and sphinxcontrib-mermaid) internals, quarantined here behind one setting.

``postarchive_sphinx_patches`` (default on: each patch below was measured with ``make bench``) switches
the performance patches; with it off, Sphinx and its extensions run exactly as shipped. Each patch names
the upstream issue it works around:

- ``ParallelTasks.add_task`` waits while a resolved chunk is already queued, write chunks are capped
  (``sphinx.builders.make_chunks``), small reads run in the main process (``app.parallel``):
  sphinx-doc/sphinx#11448 ("Restructuring multiprocessing": memory and process creation at 500+ pages)
  and #6330 (a queue for parallel work).
- ``render_partial`` gives the title node its parent back: sphinx-doc/sphinx#11707 (titles rendered
  through a fake document per page).
- sphinxcontrib-mermaid's ``Template`` compiled once instead of per diagram: no upstream issue filed.
- Always on (a correctness fix, not an optimisation): the ``.post.md`` suffix is put first in
  ``app.registry.source_suffix``, because Sphinx takes the first matching suffix and ``.md`` also matches
  ``index.post.md`` (no upstream issue filed; ``domain/parser.py`` registers the suffix).

The patches are applied for a build only when the setting is on (``config-inited``); the process-wide
wrappers installed then do nothing in a build that has it off (``PHASE.active``).

Memory and processes during a build: long-lived objects frozen, parallel work bounded, small reads serial.

A build's main process holds the environment and the archive's model of every post for its whole life, and
creates and drops a great many cyclic objects on top of them: each doctree it loads in the write phase (nodes
point to their parents) and each environment a parallel-read worker sends back. CPython's full collections
walk every tracked object, the long-lived ones included, so their cost grows with the archive while their
number grows with the work: on 1,000 posts, 27 full collections took 14.5 s of a 68 s build (timed once with a
``gc.callbacks`` timer, not kept in the repository), and the share grew with the archive.

``gc.freeze()`` moves what exists into a generation the collector never walks. When a build reads many pages
(``LARGE_READ``: a cold build, not an editor's rebuild, where a full collection would cost more than it saves),
the archive freezes before reading (its model is built by then), after each chunk a worker read has been merged,
and after the environment is complete (``env-updated``), each time after one full collection so no garbage is
frozen, and unfreezes at the end of the build so a process that runs several builds (tests,
``sphinx-autobuild``) can free them. Freezing before Sphinx forks its
workers is also what the ``gc`` documentation recommends for memory: a worker's collections then never
write to the parent's objects, so their pages stay shared instead of being copied.

Sphinx's HTML builder also keeps every page's title alive with a whole docutils document around it:
``render_partial()`` appends the environment's title node to a new document (which sets the node's parent),
renders it and returns, and the node keeps pointing to that document, its settings, reporter and transformer.
The main process renders each page's title once (``write_doc_serialized``), so by the end of the write phase
it held one such document per page, about a million objects at 1,000 posts, all walked by every full
collection. ``render_partial`` is wrapped to give the node its parent back once rendered; the document is
then ordinary short-lived garbage.

And Sphinx's parallel write resolves pages in the main process while a worker writes them, queuing every
chunk it has resolved: ``ParallelTasks.add_task`` never waits, so when resolving outruns writing the resolved
doctrees of the whole archive pile up in the main process, and its chunks are about sqrt(10 × pages) long
(190 pages at 3,000 posts with ``-j 2``). ``add_task`` is wrapped to wait while a chunk is already waiting for
a worker, and write chunks are cut to ``WRITE_CHUNK`` pages, so what is in flight no longer grows with the
archive. ``make bench`` at 3,000 posts: peak memory of the build 1.90 GB before this module, 1.34 GB with it.

Finally, Sphinx forks for every parallel read, however few pages, and each worker sends the whole environment
back: an editor's rebuild that reads one post paid a fork, a pickling and an unpickling of the environment (a
second at 1,000 posts, three at 3,000). Fewer than ``PARALLEL_READ`` pages are read in the main process (``-j``
is set aside for the read and given back for the write).

These wrappers lean on Sphinx internals (``ParallelTasks._precvs_waiting`` and ``_join_one``,
``sphinx.builders.make_chunks``), read as of Sphinx 9.0; ``tests/test_memory.py`` and the ``-j 2``-equals-serial
test in ``tests/test_incremental.py`` (with 4-page chunks) fail if they stop fitting.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sphinx.builders
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.parallel import ParallelTasks

# Pages read from which a build counts as large (a cold build of the five seed posts reads about 60 pages).
LARGE_READ = 100
# Fewer pages than this are read serially even with -j (an editor's rebuild).
PARALLEL_READ = 10
# Chunks resolved and waiting for a free worker: one is enough to keep every worker busy.
QUEUED_CHUNKS = 1
# Pages per write chunk (Sphinx makes them about sqrt(10 * pages / workers) long: 130 pages at 3,000 posts).
WRITE_CHUNK = 32

# After every other handler of the event (the archive's model is built at the default priority).
LAST = 900


def freeze_long_lived(*_: Any) -> None:
    gc.collect()
    gc.freeze()


def start_reading(app: Sphinx, env: Any, docnames: list[str]) -> None:
    if not PHASE.active:
        return
    PHASE.reading = True
    PHASE.large = len(docnames) >= LARGE_READ
    if PHASE.large:
        freeze_long_lived()
    elif app.parallel > 1 and len(docnames) < PARALLEL_READ:
        # Sphinx forks for any read, and each worker sends the whole environment back: reading an edited post
        # that way cost a second at 1,000 posts (three at 3,000) instead of the post's parse time.
        PHASE.parallel = app.parallel
        app.parallel = 1


def stop_reading(app: Sphinx, *_: Any) -> None:
    PHASE.reading = False
    if PHASE.parallel:
        app.parallel, PHASE.parallel = PHASE.parallel, 0
    if PHASE.large:
        freeze_long_lived()


def render_partial_keeping_parent(render: Callable[[Any], dict[str, str]]) -> Callable[[Any], dict[str, str]]:
    def render_partial(node: nodes.Node | None) -> dict[str, str]:
        parent = node.parent if node is not None else None
        try:
            return render(node)
        finally:
            if node is not None:
                node.parent = parent

    return render_partial


def release_rendered_titles(app: Sphinx) -> None:
    """``builder-inited``: ``render_partial`` leaves the node it rendered as it found it."""
    if not PHASE.active:
        return
    render = getattr(app.builder, "render_partial", None)
    if render is not None and not getattr(render, "keeps_parent", False):
        wrapped = render_partial_keeping_parent(render)
        wrapped.keeps_parent = True  # type: ignore[attr-defined]
        app.builder.render_partial = wrapped  # type: ignore[attr-defined]


@dataclass
class BuildPhase:
    active: bool = False  # postarchive_sphinx_patches is on for the running build
    reading: bool = False
    large: bool = False  # this build reads at least LARGE_READ pages
    parallel: int = 0  # the -j that a small read set aside (read serially), given back for the write


PHASE = BuildPhase()


def collect_after(result_func: Callable[[Any, Any], Any] | None) -> Callable[[Any, Any], None]:
    """A finished task's callback, then one full collection (what the task left is garbage now); while
    reading, what survives it (the environment merged so far) is frozen."""

    def finished(arg: Any, result: Any) -> None:
        if result_func is not None:
            result_func(arg, result)
        if PHASE.large:
            gc.collect()
            if PHASE.reading:
                gc.freeze()

    return finished


def bounded_queue(add_task: Callable[..., None]) -> Callable[..., None]:
    def add_task_bounded(
        self: ParallelTasks, task_func: Callable[..., Any], arg: Any = None, result_func: Any = None
    ) -> None:
        if not PHASE.active:
            add_task(self, task_func, arg, result_func)
            return
        add_task(self, task_func, arg, collect_after(result_func))
        waiting, join_one = getattr(self, "_precvs_waiting", None), getattr(self, "_join_one", None)
        if waiting is None or join_one is None:  # another Sphinx: its own queueing
            return
        try:
            while len(waiting) > QUEUED_CHUNKS:
                if not join_one():
                    time.sleep(0.02)
        except Exception:
            self.terminate()
            raise

    add_task_bounded.bounded = True  # type: ignore[attr-defined]
    return add_task_bounded


def capped_chunks(make_chunks: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    def make_chunks_capped(arguments: Sequence[Any], nproc: int, maxbatch: int = 10) -> list[Any]:
        chunks = make_chunks(arguments, nproc, maxbatch)
        if not PHASE.active or PHASE.reading or not chunks or len(chunks[0]) <= WRITE_CHUNK:
            return chunks
        return [arguments[start : start + WRITE_CHUNK] for start in range(0, len(arguments), WRITE_CHUNK)]

    make_chunks_capped.capped = True  # type: ignore[attr-defined]
    return make_chunks_capped


def bound_parallel_work() -> None:
    """Sphinx's parallel reading and writing, with at most ``QUEUED_CHUNKS`` chunks waiting for a worker, a full
    collection after each chunk, and write chunks of at most ``WRITE_CHUNK`` pages."""
    if not getattr(ParallelTasks.add_task, "bounded", False):
        ParallelTasks.add_task = bounded_queue(ParallelTasks.add_task)  # type: ignore[method-assign]
    if not getattr(sphinx.builders.make_chunks, "capped", False):
        sphinx.builders.make_chunks = capped_chunks(sphinx.builders.make_chunks)


def unfreeze(app: Sphinx, exception: BaseException | None) -> None:
    if PHASE.parallel:
        app.parallel, PHASE.parallel = PHASE.parallel, 0
    PHASE.reading = PHASE.large = PHASE.active = False
    gc.unfreeze()


def compile_mermaid_templates_once() -> None:
    """sphinxcontrib-mermaid compiles its three constant Jinja templates again for every page with a
    diagram (about 5 ms each: 4 s of a 300-post build, for the company pages); compile each once.
    """
    import functools

    import sphinxcontrib.mermaid as mermaid_module

    if not getattr(mermaid_module.Template, "postarchive_cached", False):
        cached = functools.lru_cache(maxsize=16)(mermaid_module.Template)
        cached.postarchive_cached = True  # type: ignore[attr-defined]
        mermaid_module.Template = cached  # type: ignore[attr-defined,assignment,misc]


def apply_patches(app: Sphinx, config: Any) -> None:
    """``config-inited``: the performance patches, for this build, when ``postarchive_sphinx_patches`` is on."""
    PHASE.active = bool(config.postarchive_sphinx_patches)
    if PHASE.active:
        bound_parallel_work()
        compile_mermaid_templates_once()


def put_post_suffix_first(app: Sphinx, config: Any) -> None:
    """Sphinx takes the first matching suffix, and ``.md`` would also match ``index.post.md``."""
    from .domain.parser import POST_SUFFIX

    suffixes = dict(config.source_suffix)
    filetype = suffixes.pop(POST_SUFFIX, "postarchive-post")
    config.source_suffix = {POST_SUFFIX: filetype, **suffixes}
    app.registry.source_suffix = config.source_suffix


def setup_patches(app: Sphinx) -> None:
    app.connect("config-inited", apply_patches)
    app.connect("config-inited", put_post_suffix_first, priority=850)
    app.connect("builder-inited", release_rendered_titles)
    app.connect("env-before-read-docs", start_reading, priority=LAST)
    app.connect("env-updated", stop_reading, priority=LAST)
    app.connect("build-finished", unfreeze, priority=LAST)
