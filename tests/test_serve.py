"""`make serve` for real: sphinx-autobuild with the Makefile's own options rebuilds once when a post
changes and never retriggers itself on the pages the extension generates into docs/."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from postarchive.cli import generated_paths_regex

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def serve_command(workdir: Path, port: int) -> list[str]:
    """The `make serve` recipe's sphinx-autobuild call, read from the Makefile (so the test checks it)."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "--watch posts" in makefile and "postarchive paths --ignore-regex" in makefile
    regex = generated_paths_regex()
    autobuild = Path(sys.executable).with_name("sphinx-autobuild")
    return [
        str(autobuild),
        "docs",
        "docs/_build/html",
        "-j",
        "1",
        "--watch",
        "posts",
        "--re-ignore",
        regex,
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]


def wait_for(log: Path, pattern: str, count: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = ANSI.sub("", log.read_text(encoding="utf-8", errors="replace"))
        if text.count(pattern) >= count:
            return text
        time.sleep(0.5)
    raise AssertionError(f"{pattern!r} not seen {count}× within {timeout}s:\n{text[-3000:]}")


@pytest.mark.slow
def test_make_serve_rebuilds_once_per_post_change(tmp_path: Path) -> None:
    if not Path(sys.executable).with_name("sphinx-autobuild").exists():
        if os.environ.get("CI"):
            pytest.fail("sphinx-autobuild is not installed (pip install -e '.[serve]')")
        pytest.skip("sphinx-autobuild is not installed")
    from postarchive.model.kinds import MANIFEST, generated_roots

    skip = {"_build", MANIFEST, *generated_roots()}
    shutil.copytree(
        REPO / "docs",
        tmp_path / "docs",
        ignore=lambda folder, names: (
            {n for n in names if n in skip or (len(n) == 4 and n.isdigit())} if Path(folder) == REPO / "docs" else set()
        ),
    )
    shutil.copytree(REPO / "posts", tmp_path / "posts")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    env = {**os.environ, "POSTARCHIVE_POSTS_DIR": str(tmp_path / "posts")}
    with log.open("w") as out:
        process = subprocess.Popen(
            serve_command(tmp_path, port), cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, env=env
        )
    try:
        wait_for(log, "Waiting to detect changes", 1, 240)
        time.sleep(3)
        quiet = ANSI.sub("", log.read_text(encoding="utf-8"))
        assert "Detected changes" not in quiet, "the initial build retriggered itself"
        post = sorted((tmp_path / "posts").glob("*.md"))[0]
        post.write_text(post.read_text(encoding="utf-8") + "\n追記の一文です。\n", encoding="utf-8")
        wait_for(log, "Rebuilding...", 1, 120)
        text = wait_for(log, "Serving on", 2, 240)
        time.sleep(8)  # would a generated page written by the rebuild trigger another one?
        final = ANSI.sub("", log.read_text(encoding="utf-8"))
        assert final.count("Rebuilding...") == 1, final[-3000:]
        assert "posts/" in text.split("Detected changes", 1)[1].splitlines()[0]
        page = tmp_path / "docs" / "_build" / "html"
        assert any("追記の一文です。" in p.read_text(encoding="utf-8") for p in page.glob("20*/*/*/*/index.html"))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
