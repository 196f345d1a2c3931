"""``postarchive companies suggest``/``add``: unknown organisation names with counts and example sentences,
and registry entry skeletons with their reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from postarchive.cli import main, suggest
from postarchive.model.registry import Company, Registry, load_registry

REGISTRY = Path(__file__).parent / "roots" / "test-xref-seeds" / "companies.yml"


def write(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f'---\ntitle: "t"\ndate: 2025-10-01 10:00:00 +0900\n---\n\n{body}\n', encoding="utf-8")


def test_suggestions_are_unknown_organisations_counted_over_every_post() -> None:
    registry = Registry((Company(name="KDDI", reading="けーでぃーでぃーあい", aliases=("KDDI株式会社",)),))
    texts = [
        ("a.md", "株式会社ハイレゾとKDDI株式会社が提携。Oracle Corp.も参加し、Oracleは語った。"),
        ("b.md", "ハイレゾ社のGPU。トヨタグループ。Oracleの決算。自社グループ。"),
        ("c.md", "「データ」が大事。"),
    ]
    result = {s.name: s for s in suggest(texts, registry)}
    assert "KDDI" not in result  # known to the registry
    assert result["ハイレゾ"].posts == {"a.md", "b.md"} and result["ハイレゾ"].patterns == {"株式会社X", "X社"}
    assert result["ハイレゾ"].examples[0] == ("a.md", "株式会社ハイレゾとKDDI株式会社が提携。")
    assert result["Oracle"].count == 3 and result["Oracle"].patterns == {
        "X Inc.",
        "X+文脈",
    }  # Oracle Corp., Oracleの決算
    assert "トヨタ" in result and "データ" not in result and "自社" not in result
    assert [s.name for s in suggest(texts, registry)][:2] == ["Oracle", "ハイレゾ"]  # most posts, then mentions


def test_suggest_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts = tmp_path / "posts"
    write(posts, "2025-10-01-a.md", "株式会社ソラコムとNVIDIA。")
    write(posts, "2025-10-02-b.md", "ソラコム社が発表。")
    write(posts, "2025-10-03-c.md", "株式会社ヒトツダケ。")
    args = ["companies", "suggest", "--posts", str(posts), "--registry", str(REGISTRY), "--no-nlp"]
    assert main([*args, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "name": "ソラコム",
            "posts": 2,
            "count": 2,
            "patterns": ["X社", "株式会社X"],
            "examples": [
                {"post": "2025-10-01-a.md", "sentence": "株式会社ソラコムとNVIDIA。"},
                {"post": "2025-10-02-b.md", "sentence": "ソラコム社が発表。"},
            ],
        }
    ]
    assert main([*args, "--min-count", "1"]) == 0
    out = capsys.readouterr().out
    assert "ソラコム" in out and "2025-10-02-b.md: ソラコム社が発表。" in out and "ヒトツダケ" in out
    assert main(["companies", "suggest", "--posts", str(tmp_path / "none")]) == 2


def test_add_prints_an_entry_with_its_reading_and_appends_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "companies.yml"
    registry.write_text(
        "companies:\n  - name: KDDI\n    reading: けーでぃーでぃーあい\n\n# products\nproducts:\n"
        "  - {name: au PAY, reading: えーゆーぺい, maker: KDDI}\n",
        encoding="utf-8",
    )
    assert main(["companies", "add", "株式会社テストフーズ", "--registry", str(registry)]) == 0
    printed = capsys.readouterr().out
    assert yaml.safe_load(printed) == [
        {"name": "テストフーズ", "reading": "てすとふーず", "aliases": [], "kind": "private", "description": ""}
    ]
    assert main(["companies", "add", "東京電力", "--registry", str(registry), "--kind", "listed", "--write"]) == 0
    capsys.readouterr()
    loaded, problems = load_registry(registry)
    assert not problems
    assert [c.name for c in loaded.companies] == ["KDDI", "東京電力"]
    assert loaded.by_name["東京電力"].reading == "とうきょうでんりょく" and loaded.by_name["東京電力"].kind == "listed"
    assert [p.name for p in loaded.products] == ["au PAY"]
    assert main(["companies", "add", "KDDI", "--registry", str(registry)]) == 1  # already registered


def test_help_lists_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["companies", "suggest", "--help"])
    assert "--min-count" in capsys.readouterr().out
