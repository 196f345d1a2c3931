"""The README is for a newcomer: the two commands first, short, and its configuration table is the one the
typed configuration object generates (``python -m postarchive.config`` prints it)."""

from __future__ import annotations

from pathlib import Path

from postarchive.config import config_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_configuration_table_is_generated_from_the_config_object() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- config-table -->\n", "\n<!-- /config-table -->"
    assert start in text and end in text
    table = text.split(start, 1)[1].split(end, 1)[0]
    assert table == config_table(), "README is stale: paste the output of `python -m postarchive.config`"


def test_readme_starts_with_the_two_commands_and_stays_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    commands = [line.split("#")[0].strip() for line in lines[:8] if line.startswith("make ")]
    assert commands == ["make html", "make test"]
    assert len(lines) <= 250


def test_readme_links_resolve() -> None:
    import re

    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\((docs/[^)#]+)\)", text)
    assert targets
    missing = [target for target in targets if not (README.parent / target).exists()]
    assert not missing
