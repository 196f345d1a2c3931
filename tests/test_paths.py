"""The generated folders are named once (``postarchive.model.kinds``); git and ``make`` ask the package."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from pathlib import Path

from postarchive.model.kinds import GENERATED_ROOTS, MANIFEST

ROOT = Path(__file__).resolve().parents[1]


def postarchive_paths(*args: str) -> list[str]:
    command = [sys.executable, "-m", "postarchive.cli", "paths", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()


def test_gitignore_ignores_every_generated_root() -> None:
    ignored = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()]
    patterns = [line.removeprefix("/").removesuffix("/") for line in ignored if line.startswith("/docs/")]
    for root in postarchive_paths():
        path = f"docs/{root.replace('[0-9][0-9][0-9][0-9]', '2025')}"
        assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), f"{path} is not in .gitignore"


def test_paths_lists_the_vocabulary() -> None:
    assert postarchive_paths() == [MANIFEST, "[0-9][0-9][0-9][0-9]", *GENERATED_ROOTS]
