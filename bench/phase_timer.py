"""A Sphinx extension for the benchmark: wall-clock timestamps of a build's phases, written as JSON.

bench/run.py adds it to its own copy of docs/conf.py (``extensions.append("phase_timer")``), so the project's
configuration and the extension stay as they are. With ``BENCH_PHASES=<path>`` in the environment it writes
``<path>`` at the end of the build:

* ``marks``: ``time.time()`` at the start of each phase, in the main process — ``setup`` (this extension set
  up, so every other extension is imported and set up), ``config-inited``, ``builder-inited`` (first and last
  handler), ``env-before-read-docs``, ``env-updated``, ``env-check-consistency`` (after the environment is
  pickled), ``write-started``, ``html-collect-pages`` (the HTML builder's finish: indices, extension pages,
  static files), ``build-finished`` (first and last handler);
* ``handlers``: the seconds each handler of ``builder-inited``, ``env-updated``, ``write-started`` and
  ``build-finished`` took, by ``module.function`` (each handler is wrapped at ``config-inited``: nothing else
  changes), so the search index (``…write_search_index``) and the feeds
  (``…write_feeds``) have their own figures although they share ``build-finished``.

Handlers run in ``-j`` worker processes (``doctree-read``…) are not timed; the phases are.
"""

from __future__ import annotations

import functools
import json
import os
import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

ENV_VAR = "BENCH_PHASES"
TIMED_EVENTS = ("builder-inited", "env-updated", "write-started", "build-finished")
FIRST, LAST = 0, 1000  # outside the priorities extensions use (postarchive's last is 900)


class Recorder:
    """The marks and handler times of one build (main process only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pid = os.getpid()
        self.marks: dict[str, float] = {"setup": time.time()}
        self.handlers: list[dict[str, Any]] = []

    def mark(self, name: str) -> None:
        """Remember the first time ``name`` happened (a later repeat keeps the first)."""
        if os.getpid() == self.pid:
            self.marks.setdefault(name, time.time())

    def timed(self, event: str, handler: Any) -> Any:
        """``handler`` wrapped so that its wall time is recorded under ``event``."""
        name = f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"

        @functools.wraps(handler)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return handler(*args, **kwargs)
            finally:
                if os.getpid() == self.pid:
                    self.handlers.append({"event": event, "handler": name, "seconds": time.perf_counter() - start})

        return wrapper

    def write(self) -> None:
        """Write the JSON (marks sorted by time)."""
        marks = dict(sorted(self.marks.items(), key=lambda item: item[1]))
        data = {"pid": self.pid, "marks": marks, "handlers": self.handlers}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def wrap_listeners(app: Sphinx, recorder: Recorder) -> None:
    """Replace every listener of the timed events (except this module's) by a timed wrapper."""
    listeners = getattr(app.events, "listeners", None)
    if not isinstance(listeners, dict):
        return
    for event in TIMED_EVENTS:
        wrapped = []
        for listener in listeners.get(event, []):
            handler = getattr(listener, "handler", None)
            if handler is None or getattr(handler, "__module__", None) == __name__ or not hasattr(listener, "_replace"):
                wrapped.append(listener)
            else:
                wrapped.append(listener._replace(handler=recorder.timed(event, handler)))
        listeners[event] = wrapped


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the marks; without ``BENCH_PHASES`` the extension does nothing."""
    target = os.environ.get(ENV_VAR)
    if target:
        recorder = Recorder(Path(target))

        def mark(name: str) -> Any:
            def handler(*_args: Any) -> list[Any] | None:
                recorder.mark(name)
                return [] if name == "html-collect-pages" else None  # that event's results are iterated

            return handler

        def on_config_inited(app: Sphinx, _config: Any) -> None:
            recorder.mark("config-inited")
            wrap_listeners(app, recorder)

        def on_build_finished(_app: Sphinx, _exception: Exception | None) -> None:
            recorder.mark("build-finished:last")
            recorder.write()

        app.connect("config-inited", on_config_inited, priority=LAST)
        app.connect("builder-inited", mark("builder-inited"), priority=FIRST)
        app.connect("builder-inited", mark("builder-inited:last"), priority=LAST)
        app.connect("env-before-read-docs", mark("env-before-read-docs"), priority=FIRST)
        app.connect("env-updated", mark("env-updated"), priority=FIRST)
        app.connect("env-check-consistency", mark("env-check-consistency"), priority=FIRST)
        app.connect("write-started", mark("write-started"), priority=FIRST)
        app.connect("html-collect-pages", mark("html-collect-pages"), priority=FIRST)
        app.connect("build-finished", mark("build-finished"), priority=FIRST)
        app.connect("build-finished", on_build_finished, priority=LAST)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
