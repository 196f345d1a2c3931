"""The PDF in volumes: one real book per month (upLaTeX), its contents and 索引, the incremental rule,
and the HTML links to the built PDFs.

One archive (the five seeds, 2025-09 … 2025-11, plus two synthetic posts) is built as `make latexpdf`
and `make html` do: html (no PDF yet), latex, the TeX runner, html again (strict), then one post is
edited and latex + runner run again. The pure parts (grouping, digests, the runner's decisions with
a stand-in for TeX) are tested without TeX.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SEEDS, Build, article_of, copy_docs, copy_posts, parse_html, require, run_build
from postarchive.builders.latex.volumes import Outcome, run_volumes
from postarchive.model.volumes import (
    MANIFEST_NAME,
    PLAN_NAME,
    VolumeRecord,
    content_digest,
    dossier_name,
    group_volumes,
    read_records,
    write_records,
)
from postarchive.posts.reading import read_post

JST = dt.timezone(dt.timedelta(hours=9))
TOOLS = ("uplatex", "mendex", "latexmk", "dvipdfmx", "pdftotext", "pdffonts")

SEPTEMBER_POST = """---
layout: post
title: "量子計算とAIの接点を読み解く"
date: 2025-09-25 10:00:00 +0900
categories: ["技術動向"]
tags: ["量子計算", "AI"]
author: "ALLFORCES編集部"
---

量子計算とAIの接点を読み解く

NVIDIAとKDDIが量子計算の研究で協力するという話題を取り上げます。
"""

NOVEMBER_POST = """---
layout: post
title: "アルゴリズム取引とAIインフラの行方"
date: 2025-11-20 09:00:00 +0900
categories: ["投資分析"]
tags: ["アルゴリズム", "AI"]
author: "ALLFORCES編集部"
---

アルゴリズム取引とAIインフラの行方

ソフトバンクとさくらインターネット、そして経済産業省の支援策を見ていきます。{extra}
"""
EDITED_TEXT = "改訂で加えた一文です。"
VOLUME_LIST = "archive/pdf/index.html"
GMOAI_POST = "2025/10/09/2-gmoai/index.html"


def require_tex() -> None:
    require(all(shutil.which(tool) for tool in TOOLS), f"PDF volume tests need {', '.join(TOOLS)}")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: Path) -> str:
    return squeeze(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)


def index_groups(ind: Path) -> dict[str, list[str]]:
    """The 索引 as mendex typeset it: head (ア, カ, サ…) → entries, in order."""
    groups: dict[str, list[str]] = {}
    current: list[str] = []
    for line in ind.read_text(encoding="utf-8").splitlines():
        head = re.match(r"\s*\\bigletter\s+(.+)$", line)
        item = re.match(r"\s*\\item\s+\\spxentry\{(.*?)\}", line)
        if head:
            current = groups.setdefault(head.group(1).strip(), [])
        elif item:
            current.append(item.group(1))
    return groups


@dataclass
class Archive:
    srcdir: Path
    posts_dir: Path
    latexdir: Path
    html_before: Build  # no PDF built yet (its outdir is written again by html_after)
    before_pages: dict[str, str | None]  # output path → HTML of the html_before build (None: no file)
    html_after: Build  # after the TeX runner, strict
    first: list[Outcome]
    second: list[Outcome]  # after one November post was edited
    texts: dict[str, str] = field(default_factory=dict)  # volume → pdftotext (first run)
    mtimes: dict[str, int] = field(default_factory=dict)  # volume → PDF mtime_ns (first run)
    records: dict[str, VolumeRecord] = field(default_factory=dict)  # manifest after the first run
    titles: dict[str, list[str]] = field(default_factory=dict)  # volume → post titles, oldest first


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    require_tex()
    root = tmp_path_factory.mktemp("volumes")
    srcdir = copy_docs(root / "docs")
    posts_dir = copy_posts(root / "posts", sorted(SEEDS.glob("*.md")))
    (posts_dir / "2025-09-25-quantum.md").write_text(SEPTEMBER_POST, encoding="utf-8")
    november = posts_dir / "2025-11-20-algorithm.md"
    november.write_text(NOVEMBER_POST.format(extra=""), encoding="utf-8")
    latexdir = srcdir / "_build" / "latex"
    overrides = {"postarchive_pdf_dir": str(latexdir)}

    html_before = run_build(srcdir, posts_dir, confoverrides=overrides)
    before_pages = {
        relative: (html_before.outdir / relative).read_text(encoding="utf-8")
        if (html_before.outdir / relative).is_file()
        else None
        for relative in (VOLUME_LIST, GMOAI_POST)
    }
    run_build(srcdir, posts_dir, builder="latex", confoverrides=overrides)
    first = run_volumes(latexdir, jobs=2, report=lambda line: None)
    texts = {o.name: pdf_text(latexdir / f"{o.name}.pdf") for o in first}
    mtimes = {o.name: (latexdir / f"{o.name}.pdf").stat().st_mtime_ns for o in first}
    records = read_records(latexdir / MANIFEST_NAME)
    html_after = run_build(srcdir, posts_dir, confoverrides={**overrides, "postarchive_strict": True})

    titles: dict[str, list[str]] = {}
    for path in sorted(posts_dir.glob("*.md")):
        post = read_post(path, tz=JST).post
        assert post is not None
        titles.setdefault(f"{post.date.astimezone(JST):%Y-%m}", []).append((post.date, post.title))  # type: ignore[arg-type]
    ordered = {name: [title for _, title in sorted(pairs)] for name, pairs in titles.items()}  # type: ignore[misc]

    november.write_text(NOVEMBER_POST.format(extra=EDITED_TEXT), encoding="utf-8")
    run_build(srcdir, posts_dir, builder="latex", confoverrides=overrides)
    second = run_volumes(latexdir, jobs=2, report=lambda line: None)
    yield Archive(
        srcdir,
        posts_dir,
        latexdir,
        html_before,
        before_pages,
        html_after,
        first,
        second,
        texts,
        mtimes,
        records,
        ordered,
    )


# --- the books ----------------------------------------------------------------------------------


@pytest.mark.latex
def test_one_pdf_per_month_with_its_posts_in_order(archive: Archive) -> None:
    assert sorted(o.name for o in archive.first) == ["2025-09", "2025-10", "2025-11"]
    assert all(o.status == "built" for o in archive.first), [(o.name, o.message[-500:]) for o in archive.first]
    for name, titles in archive.titles.items():
        text = archive.texts[name]
        body = text[text.index(squeeze(titles[0]), text.index("目次") + len("目次") + len(squeeze(titles[0]))) :]
        positions = [body.index(squeeze(title)) for title in titles]
        assert positions == sorted(positions), (name, titles)
        contents = text[text.index("目次") : text.index("索引")]  # the contents end with the 索引's entry
        assert all(squeeze(title) in contents for title in titles), name
        others = [t for other, ts in archive.titles.items() if other != name for t in ts]
        assert not any(squeeze(title) in contents for title in others), name  # (related posts may name them)


@pytest.mark.latex
def test_each_volume_has_its_cover_and_contents(archive: Archive) -> None:
    text = archive.texts["2025-10"]
    cover = text[: text.index("目次")]
    assert "ALLFORCESAI投資分析アーカイブ2025年10月号" in cover
    assert "2025年10月9日〜2025年10月" in cover and "記事3件" in cover
    contents = text[text.index("目次") : text.index(squeeze(archive.titles["2025-10"][0]), text.index("目次")) + 200]
    assert contents.index("2025年") < contents.index("2025年10月")
    for title in archive.titles["2025-10"]:
        assert re.search(re.escape(squeeze(title)) + r"\.*\d+", text), title  # in the contents, with its page


@pytest.mark.latex
def test_each_index_holds_its_own_companies_and_tags_by_reading(archive: Archive) -> None:
    november = index_groups(archive.latexdir / "2025-11.ind")
    assert "アルゴリズム（タグ）" in november["ア"]
    assert "経済産業省（企業・組織）" in november["カ"]  # kanji, sorted by its reading (けいざい…)
    assert {"さくらインターネット（企業・組織）", "ソフトバンク（企業・組織）"} <= set(november["サ"])
    assert "NVIDIA（企業・組織）" in november["N"]
    september = index_groups(archive.latexdir / "2025-09.ind")
    flat = {entry for entries in september.values() for entry in entries}
    assert "アルゴリズム（タグ）" not in flat and "量子計算（タグ）" in flat
    november_text = archive.texts["2025-11"]
    index = november_text[november_text.rindex("索引") :]
    assert re.search(r"ソフトバンク（企業・組織）,\d+", index)
    assert "量子計算" not in index


@pytest.mark.latex
def test_every_font_is_embedded(archive: Archive) -> None:
    for outcome in archive.first:
        fonts = subprocess.run(
            ["pdffonts", str(archive.latexdir / f"{outcome.name}.pdf")], capture_output=True, text=True, check=True
        ).stdout
        rows = fonts.splitlines()[2:]
        assert any("HaranoAji" in row for row in rows), fonts
        assert all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column


@pytest.mark.latex
def test_only_the_edited_posts_volume_is_typeset_again(archive: Archive) -> None:
    status = {o.name: o.status for o in archive.second}
    assert status == {"2025-09": "unchanged", "2025-10": "unchanged", "2025-11": "built"}
    after = read_records(archive.latexdir / MANIFEST_NAME)
    for name in ("2025-09", "2025-10"):
        assert (archive.latexdir / f"{name}.pdf").stat().st_mtime_ns == archive.mtimes[name]
        assert after[name].digest == archive.records[name].digest
    assert after["2025-11"].digest != archive.records["2025-11"].digest
    assert squeeze(EDITED_TEXT) in pdf_text(archive.latexdir / "2025-11.pdf")


# --- the HTML links -----------------------------------------------------------------------------


def target_of(page: Path, href: str) -> Path:
    return (page.parent / href).resolve()


@pytest.mark.latex
def test_no_pdf_link_before_a_pdf_exists(archive: Archive) -> None:
    assert archive.before_pages[VOLUME_LIST] is None
    post = archive.before_pages[GMOAI_POST]
    assert post is not None and "この号をPDFで" not in article_of(post).get_text()


@pytest.mark.latex
def test_volume_list_page_links_every_pdf_with_its_size(archive: Archive) -> None:
    outdir = archive.html_after.outdir
    page = outdir / "archive" / "pdf" / "index.html"
    rows = article_of(page.read_text(encoding="utf-8")).select("table tbody tr")
    found = {}
    for row in rows:
        link = row.find("a", href=re.compile(r"\.pdf$"))
        assert link is not None, row
        target = target_of(page, link["href"])
        assert target.is_file() and target.read_bytes()[:5] == b"%PDF-"
        found[link.get_text(strip=True)] = row.get_text(" ", strip=True)
    assert sorted(found) == ["2025-09.pdf", "2025-10.pdf", "2025-11.pdf"]  # newest first on the page
    record = archive.records["2025-10"]
    assert f"{record.pages}ページ" in found["2025-10.pdf"] and "MB" in found["2025-10.pdf"]
    assert "3件" in found["2025-10.pdf"]


@pytest.mark.latex
def test_post_and_month_pages_link_their_issue(archive: Archive) -> None:
    outdir = archive.html_after.outdir
    for page, volume in [
        (outdir / "2025" / "10" / "09" / "2-gmoai" / "index.html", "2025-10"),
        (outdir / "2025" / "11" / "10" / "3-gmogpu" / "index.html", "2025-11"),
        (outdir / "2025" / "10" / "index.html", "2025-10"),
    ]:
        article = article_of(page.read_text(encoding="utf-8"))
        links = [a for a in article.find_all("a") if a.get_text(strip=True) == "この号をPDFで"]
        assert len(links) == 1, page
        assert Path(links[0]["href"]).name == f"{volume}.pdf"
        assert target_of(page, links[0]["href"]).is_file()
    for page in (outdir / "index.html", outdir / "2025" / "index.html", outdir / "2025" / "10" / "index.html"):
        soup = parse_html(page.read_text(encoding="utf-8"))
        hrefs = [target_of(page, a["href"]) for a in soup.find_all("a", href=True) if "archive/pdf" in a["href"]]
        assert (outdir / "archive" / "pdf" / "index.html").resolve() in hrefs, page


@pytest.mark.latex
def test_strict_build_has_no_dangling_link(archive: Archive) -> None:
    assert "リンク先がありません" not in archive.html_after.warnings
    assert "postarchive.pdf" not in archive.html_after.warnings
    assert "download" not in archive.html_after.warnings.lower()


# --- pure parts (no TeX) ------------------------------------------------------------------------


def seed_posts() -> list:
    posts = [read_post(path, tz=JST).post for path in sorted(SEEDS.glob("*.md"))]
    return [post for post in posts if post is not None]


def test_posts_are_grouped_by_month_oldest_first() -> None:
    volumes = group_volumes(seed_posts(), "month", JST)
    assert [v.name for v in volumes] == ["2025-09", "2025-10", "2025-11"]
    october = volumes[1]
    assert october.label == "2025年10月号" and october.count == 3
    assert [m.month for m in october.months] == [10]
    assert list(october.docnames) == sorted(october.docnames)  # the seeds' permalinks sort by date
    assert [v.name for v in group_volumes(seed_posts(), "year", JST)] == ["2025"]
    assert [v.count for v in group_volumes(seed_posts(), "single", JST)] == [5]


def test_dossier_file_names_are_plain_ascii() -> None:
    assert dossier_name("NVIDIA") == "dossier-nvidia"
    assert dossier_name("ソフトバンク", "9984") == "dossier-9984"
    assert re.fullmatch(r"dossier-[0-9a-f]{10}", dossier_name("経済産業省"))


def test_digest_depends_on_content_and_names() -> None:
    assert content_digest([("a.tex", b"x")]) == content_digest([("a.tex", b"x")])
    assert content_digest([("a.tex", b"x")]) != content_digest([("a.tex", b"y")])
    assert content_digest([("a.tex", b"x"), ("a.dic", b"")]) != content_digest([("a.tex", b""), ("a.dic", b"x")])


def test_runner_typesets_only_changed_volumes(tmp_path: Path) -> None:
    """The incremental rule with a stand-in for latexmk: a rewritten but identical .tex is skipped,
    a changed .tex, .dic or shared style file is not, and a failed volume keeps no record."""
    plan = {
        name: VolumeRecord(name, f"title {name}", name, "period", 1, (f"{name}/post/index",))
        for name in ("2025-09", "2025-10")
    }
    write_records(tmp_path / PLAN_NAME, plan)
    (tmp_path / "sphinx.sty").write_text("style", encoding="utf-8")
    for name in plan:
        (tmp_path / f"{name}.tex").write_text(f"\\date{{today}}\nbody {name}", encoding="utf-8")
    runs: list[str] = []
    failing: set[str] = set()

    def fake(folder: Path, name: str) -> tuple[bool, str]:
        runs.append(name)
        if name in failing:
            return False, "! TeX capacity exceeded"
        (folder / f"{name}.pdf").write_bytes(b"%PDF-1.5 " + name.encode())
        (folder / f"{name}.log").write_text(f"Output written on {name}.dvi (7 pages, 100 bytes).", encoding="utf-8")
        return True, ""

    def run() -> dict[str, str]:
        runs.clear()
        return {o.name: o.status for o in run_volumes(tmp_path, jobs=2, run=fake, report=lambda line: None)}

    assert run() == {"2025-09": "built", "2025-10": "built"}
    assert read_records(tmp_path / MANIFEST_NAME)["2025-10"].pages == 7
    (tmp_path / "2025-10.tex").write_text("\\date{another day}\nbody 2025-10", encoding="utf-8")  # same content
    assert run() == {"2025-09": "unchanged", "2025-10": "unchanged"} and runs == []
    (tmp_path / "2025-10.dic").write_text("単語 たんご\n", encoding="utf-8")
    assert run() == {"2025-09": "unchanged", "2025-10": "built"}
    (tmp_path / "sphinx.sty").write_text("new style", encoding="utf-8")
    failing.add("2025-09")
    assert run() == {"2025-09": "failed", "2025-10": "built"}
    assert set(read_records(tmp_path / MANIFEST_NAME)) == {"2025-10"}


def test_dossier_book_starts_with_the_company_page(tmp_path: Path) -> None:
    """The LaTeX phase only (no TeX): a dossier is planned with the company's posts, its .tex opens
    with the company's page, and a name the registry lacks is reported once."""
    srcdir = copy_docs(tmp_path / "docs")
    posts_dir = copy_posts(tmp_path / "posts", sorted(SEEDS.glob("*.md")))
    build = run_build(
        srcdir,
        posts_dir,
        builder="latex",
        confoverrides={"postarchive_pdf_dossiers": ["NVIDIA", "存在しない会社"], "postarchive_pdf_dir": str(tmp_path)},
    )
    assert build.warnings.count("存在しない会社") == 1, build.warnings
    plan = read_records(build.outdir / PLAN_NAME)
    assert sorted(plan) == ["2025-09", "2025-10", "2025-11", "dossier-nvidia"]
    dossier = plan["dossier-nvidia"]
    assert dossier.company == "NVIDIA" and dossier.title.endswith("企業別 NVIDIA")
    nvidia_posts = [d for d in dossier.docnames]
    assert nvidia_posts and set(nvidia_posts) <= {d for r in plan.values() if not r.company for d in r.docnames}
    tex = (build.outdir / "dossier-nvidia.tex").read_text(encoding="utf-8")
    chapters = re.findall(r"\\chapter\{([^}]*)\}", tex)
    assert chapters[0] == "NVIDIA" and chapters[1:] == ["2025年"], chapters
    assert "NVIDIA" in (build.outdir / "dossier-nvidia.cover").read_text(encoding="utf-8")
