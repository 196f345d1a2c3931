"""catalog.json: the archive's machine-readable API, written at the site root."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import require
from test_xref import build


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    built = build(tmp_path_factory.mktemp("xref-catalog"))
    return built.outdir, json.loads((built.outdir / "catalog.json").read_text(encoding="utf-8"))


def test_every_post_with_its_fields(catalog: tuple[Path, dict[str, Any]]) -> None:
    outdir, data = catalog
    assert data["version"] == 2 and "base_url" in data
    assert len(data["posts"]) == 5
    dates = [post["date"] for post in data["posts"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    for post in data["posts"]:
        assert set(post) == {
            "permalink",
            "url",
            "path",
            "source",
            "title",
            "date",
            "categories",
            "tags",
            "author",
            "excerpt",
            "companies",
        }
        assert (outdir / post["path"]).is_file()  # paths are relative to the site root
        assert post["url"] == data["base_url"] + post["permalink"].lstrip("/")  # urls are absolute permalinks
        assert post["date"].endswith("+09:00")  # one offset: the archive's timezone
        assert post["permalink"].startswith("/2025/") and post["source"].endswith(".md")
    alliance = next(p for p in data["posts"] if p["source"] == "2025-10-21-2-ai-article-update.md")
    assert alliance["permalink"] == "/2025/10/22/2-ai-article-update/"
    assert alliance["title"] == "「日本GPUアライアンス」の設立が示す、国内AIインフラの新たな夜明けとは？"
    assert alliance["excerpt"] == "日本GPUアライアンス設立について詳細に分析します。"
    assert alliance["categories"] == ["投資分析"] and "チップ" in alliance["tags"]
    kddi = next(c for c in alliance["companies"] if c["name"] == "KDDI")
    assert kddi == {
        "name": "KDDI",
        "aliases": ["KDDI株式会社", "au"],
        "ticker": "9433",
        "url": data["base_url"] + "companies/KDDI/#company-KDDI",
    }
    assert [c["name"] for c in alliance["companies"]][:5] == [
        "NVIDIA",
        "経済産業省",
        "KDDI",
        "さくらインターネット",
        "ハイレゾ",
    ]


def test_company_and_tag_lists_with_urls(catalog: tuple[Path, dict[str, Any]]) -> None:
    outdir, data = catalog
    companies = {c["name"]: c for c in data["companies"]}
    assert companies["ソフトバンク"]["parent"] == "ソフトバンクグループ"
    assert companies["KDDI"]["posts"] == 2 and companies["KDDI"]["kind"] == "listed"
    # pages for the companies posts name, and their ancestors (Google → Alphabet), not the whole registry
    assert companies["Alphabet"]["posts"] == 0
    assert "xAI" not in companies
    tags = {t["name"]: t for t in data["tags"]}
    assert tags["AI"]["posts"] == 5
    for entry in [*data["companies"], *data["tags"], *data["categories"], *data["authors"]]:
        page = entry["path"].split("#")[0]
        from urllib.parse import unquote

        assert (outdir / unquote(page)).is_file(), entry


def test_dirhtml_urls(tmp_path: Path) -> None:
    built = build(tmp_path, builder="dirhtml")
    data = json.loads((built.outdir / "catalog.json").read_text(encoding="utf-8"))
    assert {p["path"] for p in data["posts"]} >= {"2025/10/22/2-ai-article-update/"}


def test_all_companies_option(tmp_path: Path) -> None:
    built = build(tmp_path, postarchive_all_companies=True)
    data = json.loads((built.outdir / "catalog.json").read_text(encoding="utf-8"))
    companies = {c["name"]: c for c in data["companies"]}
    assert companies["xAI"]["posts"] == 0
    assert (built.outdir / "companies" / "xAI" / "index.html").is_file()


def test_pandas_reads_one_row_per_post(catalog: tuple[Path, dict[str, Any]]) -> None:
    require(importlib.util.find_spec("pandas") is not None, "pandas is not installed (pip install -e .[test])")
    import pandas as pd

    _, data = catalog
    frame = pd.json_normalize(data["posts"])  # the documented way
    assert len(frame) == 5 and {"url", "date", "title", "tags"} <= set(frame.columns)
    records = pd.read_json(io.StringIO(json.dumps(data["posts"])), orient="records")
    assert list(records["source"]) == list(frame["source"])
    dates = pd.to_datetime(frame["date"])  # one offset: pandas keeps a tz-aware column
    assert str(dates.dt.tz) == "UTC+09:00"
    companies = pd.json_normalize(data["companies"])
    assert companies.set_index("name").loc["KDDI", "ticker"] == "9433"
