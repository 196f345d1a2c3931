"""``postarchive companies suggest``: unknown organisation names with counts and example posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from postarchive.cli import main, suggest
from postarchive.model.registry import Company, Registry

REGISTRY = Path(__file__).parent / "roots" / "test-xref-seeds" / "companies.yml"


def write(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f'---\ntitle: "t"\ndate: 2025-10-01 10:00:00 +0900\n---\n\n{body}\n', encoding="utf-8")


def test_patterns_find_unknown_organisations_and_count_every_mention() -> None:
    registry = Registry((Company(name="KDDI", reading="けーでぃーでぃーあい", aliases=("KDDI株式会社",)),))
    texts = [
        ("a.md", "株式会社ハイレゾとKDDI株式会社が提携。Oracle Corp.も参加し、Oracleは語った。"),
        ("b.md", "ハイレゾ社のGPU。「ソラコム」とトヨタグループ。Oracleの決算。自社グループ。"),
        ("c.md", "「データ」が大事。"),
    ]
    result = {s.name: s for s in suggest(texts, registry)}
    assert "KDDI" not in result  # known to the registry
    assert result["ハイレゾ"].posts == {"a.md", "b.md"} and result["ハイレゾ"].patterns == {"株式会社X", "X社"}
    assert result["Oracle"].count == 3 and result["Oracle"].patterns == {"X Inc."}
    assert "トヨタ" in result and "ソラコム" in result
    assert "自社" not in result
    order = [s.name for s in suggest(texts, registry)]
    assert order.index("ソラコム") > order.index("トヨタ")  # 「X」-only hints come last


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts = tmp_path / "posts"
    write(posts, "2025-10-01-a.md", "株式会社ソラコムとNVIDIA。")
    write(posts, "2025-10-02-b.md", "ソラコム社が発表。")
    write(posts, "2025-10-03-c.md", "株式会社ひとつだけ。")
    assert main(["companies", "suggest", "--posts", str(posts), "--registry", str(REGISTRY), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "name": "ソラコム",
            "posts": 2,
            "count": 2,
            "patterns": ["X社", "株式会社X"],
            "examples": ["2025-10-01-a.md", "2025-10-02-b.md"],
        }
    ]
    assert main(["companies", "suggest", "--posts", str(posts), "--registry", str(REGISTRY), "--min-count", "1"]) == 0
    out = capsys.readouterr().out
    assert "ソラコム" in out and "2025-10-01-a.md" in out
    assert main(["companies", "suggest", "--posts", str(tmp_path / "none")]) == 2


def test_help_lists_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["companies", "suggest", "--help"])
    assert "--min-count" in capsys.readouterr().out
