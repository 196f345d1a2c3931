"""Cross-references on real builds of the seeds: companies per post, links, entries, indices."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import parse_html
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

REPO = Path(__file__).resolve().parents[1]
ROOT = Path(__file__).parent / "roots" / "test-xref-seeds"
SEEDS = REPO / "posts"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


@dataclass
class Built:
    outdir: Path
    srcdir: Path
    warnings: str
    status: str = ""

    def read_docs(self) -> set[str]:
        """Docnames Sphinx (re-)read in this build."""
        lines = re.sub(r"\x1b\[[0-9;]*m", "", self.status).splitlines()
        return {m.group(1) for line in lines if (m := re.search(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", line))}

    def html(self, relative: str) -> str:
        return (self.outdir / relative).read_text(encoding="utf-8")


def build(tmp: Path, builder: str = "html", posts: Path = SEEDS, parallel: int = 0, **overrides: object) -> Built:
    srcdir = tmp / "src"
    if not srcdir.exists():
        shutil.copytree(ROOT, srcdir)
    warnings = StringIO()
    status = StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=tmp / "_build",
        confoverrides={"postarchive_posts_dir": str(posts), **overrides},
        warning=warnings,
        status=status,
        parallel=parallel,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Built(Path(app.outdir), srcdir, warnings.getvalue(), status.getvalue())


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("xref-seeds"))


def header_companies(html: str) -> list[str]:
    """Company names in the post header (what a reader sees near the title)."""
    block = parse_html(html).select_one("p.post-companies")
    assert block is not None, "no company line in the post header"
    return [span.get_text() for span in block.select("span.xref.archive.archive-company")]


def internal_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every internal link."""
    return [(str(a["href"]), a.get_text()) for a in parse_html(html).select("a.reference.internal[href]")]


def company_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link to a company entry."""
    return [(href, text) for href, text in internal_links(html) if "companies/" in href]


def body_of(html: str) -> str:
    """The post body after the generated header (so header links are not counted)."""
    return html.split('class="post-companies"', 1)[1].split("</p>", 1)[1]


def test_gpu_alliance_post_lists_and_links_its_organisations(seeds: Built) -> None:
    html = seeds.html("2025/10/22/2-ai-article-update/index.html")
    names = header_companies(html)
    for name in ("KDDI", "さくらインターネット", "ハイレゾ", "NVIDIA", "経済産業省"):
        assert name in names
    links = company_links(body_of(html))
    targets = {unquote(href.split("/companies/")[1].split("/")[0]) for href, _ in links}
    assert {"KDDI", "さくらインターネット", "ハイレゾ", "NVIDIA", "経済産業省"} <= targets
    # the first mention in the body is linked with its original spelling
    assert ("../../../../companies/ハイレゾ/index.html#company-ハイレゾ", "株式会社ハイレゾ") in [
        (unquote(h), t) for h, t in links
    ]


def test_meta_is_found_through_its_alias_facebook(seeds: Built) -> None:
    html = seeds.html("2025/09/18/1-ai-article-update/index.html")
    assert "Meta" in header_companies(html)
    assert any(text == "Facebook" and "companies/Meta/" in href for href, text in company_links(html))


def test_first_mention_per_section_only_and_never_in_titles(seeds: Built) -> None:
    html = seeds.html("2025/10/22/2-ai-article-update/index.html")
    # the top section's own text links NVIDIA once; it is mentioned many more times
    top = body_of(html).split("<section", 1)[0]
    assert top.count("companies/NVIDIA/") == 1
    assert top.count("NVIDIA") > 3
    for title in re.findall(r"<h[1-6]>(.*?)</h[1-6]>", html, re.DOTALL):
        assert "archive-company" not in title


def test_company_entry_page(seeds: Built) -> None:
    html = seeds.html("companies/KDDI/index.html")
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    for expected in (
        "けーでぃーでぃーあい",
        "上場企業",
        "TSE Prime 9433",
        "KDDI株式会社",
        "2 件",
        "日本の大手通信事業者",
    ):
        assert expected in text
    assert 'class="mermaid"' not in html and html.count('class="archive-chart-svg"') == 1
    # co-mentions: a table of linked companies
    assert "同じ記事に登場" in html
    # posts newest first
    first = text.index("「日本GPUアライアンス」")
    second = text.index("日本、国産AIに本腰を入れる")
    assert first < second


def test_parent_and_children_link_both_ways(seeds: Built) -> None:
    softbank = seeds.html("companies/ソフトバンク/index.html")
    group = seeds.html("companies/ソフトバンクグループ/index.html")
    assert "親会社・上位組織" in softbank and "%E3%82%B0%E3%83%AB%E3%83%BC%E3%83%97/index.html" in softbank
    children = group.split("</head>")[1].split("子会社・傘下組織")[1].split("</tr>")[0]
    assert re.findall(r"<span[^>]*>(.*?)</span>", children) == ["ソフトバンク"]


def test_companies_index_is_grouped_by_reading(seeds: Built) -> None:
    html = seeds.html("companies/index.html")
    groups = re.findall(r"<h2>(.*?)<a", html)
    assert groups == ["あ", "か", "さ", "は", "ま", "ら"]  # every fixture reading is kana
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "KDDI（上場企業 · TSE Prime 9433・2件）" in text
    sa = html.split("<h2>さ")[1].split("<h2>")[0]
    assert "さくらインターネット" in sa and "ソフトバンクグループ" in sa


def test_genindex_and_objects_inv_hold_the_companies(seeds: Built) -> None:
    genindex = unescape(seeds.html("genindex.html"))
    inventory = InventoryFile.loads((seeds.outdir / "objects.inv").read_bytes(), uri="")
    companies = set(inventory.data["archive:company"])
    for name in ("KDDI", "さくらインターネット", "ソフトバンク", "NVIDIA"):
        assert f"{name}（企業・組織）" in genindex
        assert name in companies
    # Japanese entries group under their reading's row
    sa = genindex.split('<h2 id="さ">')[1].split("<h2")[0]
    assert "さくらインターネット（企業・組織）" in sa and "ソフトバンク（企業・組織）" in sa


def test_domain_company_index_page(seeds: Built) -> None:
    html = unescape(seeds.html("archive-companies.html"))
    assert "企業・組織索引" in html
    assert "TSE Prime 9433" in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<h1", 1)[1]))
    assert "KDDI (上場企業 · TSE Prime 9433) けーでぃーでぃーあい" in text
    assert text.index(" あ Apple") < text.index(" か Google") < text.index(" さ さくらインターネット")


def test_tags_have_readings(seeds: Built) -> None:
    html = seeds.html("tags/index.html")
    groups = re.findall(r"<h2>(.*?)<a", html)
    assert groups == ["あ", "か", "さ", "た", "A"]  # kana rows, then Latin; kanji tags read through pykakasi
    in_a = html.split("<h2>あ")[1].split("<h2>")[0]
    assert "エージェント" in in_a  # a kana tag reads as itself
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html.split("<h1", 1)[1])))
    assert "か¶ 技術動向（5件） さ¶ 最新ニュース（5件） た¶ チップ（3件） 投資（5件）" in text  # ぎ, さ, ち, と


def test_no_unexpected_warnings(seeds: Built) -> None:
    for line in seeds.warnings.splitlines():
        assert "archive" not in line or "postarchive." in line, line
        assert "company" not in line, line


def test_parallel_build_matches_serial(seeds: Built, tmp_path: Path) -> None:
    parallel = build(tmp_path, parallel=2)
    serial = json.loads((seeds.outdir / "catalog.json").read_text(encoding="utf-8"))
    assert json.loads((parallel.outdir / "catalog.json").read_text(encoding="utf-8")) == serial
    html = parallel.html("2025/10/22/2-ai-article-update/index.html")
    assert {"KDDI", "NVIDIA", "経済産業省"} <= set(header_companies(html))
    inventory = InventoryFile.loads((parallel.outdir / "objects.inv").read_bytes(), uri="")
    assert "KDDI" in inventory.data["archive:company"]


def write_post(folder: Path, name: str, title: str, tags: list[str], body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(
        f'---\ntitle: "{title}"\ndate: 2025-10-01 10:00:00 +0900\n'
        f"tags: {json.dumps(tags, ensure_ascii=False)}\n---\n\n{body}\n",
        encoding="utf-8",
    )


def test_tags_sharing_a_url_are_reported_not_merged(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    write_post(posts, "2025-10-01-a.md", "A", ["AI", "ＧＰＵ"], "本文")
    write_post(posts, "2025-10-01-b.md", "B", ["ai", "GPU"], "本文")
    built = build(tmp_path, posts=posts)
    # NFKC: ＧＰＵ and GPU are one tag with both posts
    gpu = built.html("tags/GPU/index.html")
    assert gpu.count("<li><p>2025年") == 2
    # AI and ai would share a URL on a case-insensitive file system: reported with both names
    assert re.search(r"「ai」と「AI」は同じ URL", built.warnings) or re.search(r"「AI」と「ai」", built.warnings), (
        built.warnings
    )
    assert "[postarchive.collision]" in built.warnings


def test_first_mention_skips_code_and_links(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    body = "\n\n".join(
        [
            "`NVIDIA` はコード、[NVIDIA](https://www.nvidia.com/) はリンク、ここで NVIDIA が本文。",
            "もう一度 NVIDIA。",
            "## 節の見出し NVIDIA",
            "節の中の NVIDIA と Facebook。",
            "```\nNVIDIA in code\n```",
        ]
    )
    write_post(posts, "2025-10-01-a.md", "テスト", [], body)
    built = build(tmp_path, posts=posts)
    html = built.html("2025/10/01/a/index.html")
    article = html.split('class="post-companies"')[1].split("</p>", 1)[1]
    links = company_links(article)
    assert [text for _, text in links] == ["NVIDIA", "NVIDIA", "Facebook"]
    assert "<code" in article and "NVIDIA in code" in article


@pytest.fixture
def latex_build(tmp_path: Path) -> Iterator[Built]:
    # the whole archive as one book (conf.py's latex_documents): its 企業・組織索引 chapter
    yield build(tmp_path, builder="latex", postarchive_pdf_volumes="single")


def test_company_index_in_latex(latex_build: Built) -> None:
    tex = next(latex_build.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "企業・組織索引" in tex
    assert "KDDI" in tex and "TSE Prime 9433" in tex
    assert "mmdc" not in latex_build.warnings  # charts are tables in the PDF (pages/chartnode.py): no mermaid-cli
    kddi = tex[tex.index("けーでぃーでぃーあい") :]
    assert "2件" in kddi and "月別の言及記事数" in kddi


def test_companies_sharing_a_url_are_reported(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    write_post(posts, "2025-10-01-a.md", "A", [], "A/B社とA_2FB社。")
    built = build(tmp_path / "one", posts=posts)
    assert "同じ URL" not in built.warnings  # the fixture registry has no colliding names
    src = tmp_path / "two" / "src"
    shutil.copytree(ROOT, src)
    with (src / "companies.yml").open("a", encoding="utf-8") as registry:
        registry.write("  - name: A/B\n    reading: えーすらっしゅびー\n  - name: A_2FB\n    reading: えーにえふびー\n")
    built = build(tmp_path / "two", posts=posts)
    assert "企業・組織「A_2FB」と「A/B」は同じ URL になります" in built.warnings, built.warnings
    assert (built.outdir / "companies" / "A_2FB" / "index.html").is_file()  # A/B's page, escaped


def test_roles_compare_nfkc_names(seeds: Built) -> None:
    html = seeds.html("roles.html")
    texts = {text: unquote(href) for href, text in internal_links(html)}
    assert texts["ＫＤＤＩ"] == "companies/KDDI/index.html#company-KDDI"
    assert texts["さくらインターネット"] == "companies/さくらインターネット/index.html#company-さくらインターネット"
    assert texts["ＡＩ"] == "tags/AI/index.html#tag-AI"
    assert texts["Facebook の親"].startswith("companies/Meta/")


def test_incremental_registry_change_rereads_only_affected_posts(tmp_path: Path) -> None:
    first = build(tmp_path)
    assert "2025/10/09/2-gmoai/index" in first.read_docs()
    unchanged = build(tmp_path)
    assert unchanged.read_docs() == set()
    registry = first.srcdir / "companies.yml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(
        text.replace("aliases: [株式会社ハイレゾ, HIGHRESO]", "aliases: [株式会社ハイレゾ, HIGHRESO, GPUSOROBAN]")
    )
    second = build(tmp_path)
    # the two posts naming ハイレゾ (its spellings changed) and its entry page; nothing else
    assert second.read_docs() == {
        "2025/09/18/1-ai-article-update/index",
        "2025/10/22/2-ai-article-update/index",
        "companies/ハイレゾ/index",
    }
    catalog = json.loads((second.outdir / "catalog.json").read_text(encoding="utf-8"))
    hires = next(c for c in catalog["companies"] if c["name"] == "ハイレゾ")
    assert hires["aliases"] == ["株式会社ハイレゾ", "HIGHRESO", "GPUSOROBAN"]
