"""The one typed configuration object: ``postarchive_<field>`` values in ``conf.py``.

Field metadata drives registration (``add_config_value``), validation at ``config-inited`` and the
configuration table in the README (``python -m postarchive.config`` prints it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

PREFIX = "postarchive_"


def _positive(value: Any) -> bool:
    return isinstance(value, int) and value > 0


PDF_VOLUME_MODES = ("month", "year", "single")


def _volume_mode(value: Any) -> bool:
    return value in PDF_VOLUME_MODES


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


@dataclass(frozen=True)
class ArchiveConfig:
    posts_dir: str = field(
        default="../posts",
        metadata={"help": "Jekyll の記事フォルダ (conf.py からの相対パス)", "rebuild": "env"},
    )
    registry: str = field(
        default="companies.yml",
        metadata={"help": "企業・組織レジストリの YAML (conf.py からの相対パス)", "rebuild": "env"},
    )
    jekyll_config: str = field(
        default="",
        metadata={
            "help": "ブログの Jekyll _config.yml (conf.py からの相対パス): permalink・timezone・url を読む"
            " (空: ブログの既定値 /:year/:month/:day/:title/・Asia/Tokyo・https://ai-media.co.jp)",
            "rebuild": "env",
        },
    )
    image_dir: str = field(
        default="",
        metadata={
            "help": "記事の image (/assets/images/posts/…) を探すブログのフォルダ (conf.py からの相対パス, サイトの"
            "ルート): あれば og:image に使い HTML 出力にコピーする (空: 画像なし)",
            "rebuild": "env",
        },
    )
    timezone_hours: int = field(
        default=9,
        metadata={"help": "日付を表示するタイムゾーン (UTC からの時間, 既定は JST)", "rebuild": "env"},
    )
    latest_count: int = field(
        default=12,
        metadata={"help": "トップページに並べる新着記事の数", "rebuild": "env", "validator": _positive},
    )
    related_count: int = field(
        default=5,
        metadata={"help": "各記事の末尾に出す関連記事の数", "rebuild": "env", "validator": _positive},
    )
    all_companies: bool = field(
        default=False,
        metadata={
            "help": "レジストリの全項目に企業ページを作る (既定: 記事に出る企業とその親会社だけ)",
            "rebuild": "env",
        },
    )
    discovery: bool = field(
        default=True,
        metadata={
            "help": "レジストリにない組織名を記事から見つけ (SudachiPy と 株式会社X などのパターン)、未登録の企業・組織ページを作る",
            "rebuild": "env",
        },
    )
    discovery_min_posts: int = field(
        default=2,
        metadata={
            "help": "見つけた組織名がこの数以上の記事に出るとき、未登録の項目を作る",
            "rebuild": "env",
            "validator": _positive,
        },
    )
    max_post_bytes: int = field(
        default=2_000_000,
        metadata={"help": "これより大きい記事ファイルは読まずに報告する", "rebuild": "env", "validator": _positive},
    )
    max_tags_per_post: int = field(
        default=50,
        metadata={
            "help": "1 記事のタグ (とカテゴリ) の上限: 超えた分は使わずに報告する (タグごとにページとフィードができるため)",
            "rebuild": "env",
            "validator": _positive,
        },
    )
    feed_count: int = field(
        default=20,
        metadata={
            "help": "Atom フィード (サイト全体・タグ別・企業別) に載せる新着記事の数",
            "rebuild": "",
            "validator": _positive,
        },
    )
    typography: bool = field(
        default=True,
        metadata={
            "help": "kramdown (Jekyll) と同じ約物: 引用符を “ ” ‘ ’ に、-- を –、--- を —、... を … に、<< >> を « » に",
            "rebuild": "env",
        },
    )
    strict: bool = field(
        default=False,
        metadata={"help": "記事の問題をエラーとして扱う (make check が有効にする)", "rebuild": ""},
    )

    sphinx_patches: bool = field(
        default=True,
        metadata={
            "help": "Sphinx 内部の性能パッチ (並列処理の待ち行列・メモリ; postarchive/sphinxpatches.py) を使う",
            "rebuild": "",
        },
    )
    search: bool = field(
        default=True,
        metadata={
            "help": "記事の日本語検索 (search.html): 文字バイグラム索引を _static/search/ に書き、Sphinx 標準の検索索引は作らない",
            "rebuild": "html",
        },
    )
    pdf_volumes: str = field(
        default="month",
        metadata={
            "help": "PDF の分け方: month (月ごとに 1 冊), year (年ごとに 1 冊), single (全記事で 1 冊)",
            "rebuild": "",
            "validator": _volume_mode,
        },
    )
    pdf_dossiers: list[str] = field(
        default_factory=list,
        metadata={
            "help": "企業別 PDF (企業ページ + その企業の記事) を作る企業・組織のレジストリ名の一覧",
            "rebuild": "",
            "validator": _names,
        },
    )
    pdf_dir: str = field(
        default="_build/latex",
        metadata={
            "help": "make latexpdf が PDF と volumes.json を書くフォルダ (conf.py からの相対パス): HTML はここにある PDF だけにリンクする",
            "rebuild": "",
        },
    )

    @property
    def tz(self) -> dt.timezone:
        """The timezone dates are shown in (the only place it is built)."""
        return dt.timezone(dt.timedelta(hours=self.timezone_hours))

    @classmethod
    def from_values(cls, values: Any) -> ArchiveConfig:
        """From an object holding ``postarchive_<field>`` attributes (Sphinx's ``app.config``)."""
        return cls(**{f.name: getattr(values, PREFIX + f.name) for f in fields(cls)})


def default_of(name: str) -> Any:
    """A setting's default value (also for list settings, whose dataclass default is a factory)."""
    found = next(f for f in fields(ArchiveConfig) if f.name == name)
    if found.default is not MISSING:
        return found.default
    return found.default_factory()  # type: ignore[misc,operator]


def config_table() -> str:
    """The Markdown table of settings, for the README."""
    rows = ["| 設定 | 既定値 | 説明 |", "| --- | --- | --- |"]
    for f in fields(ArchiveConfig):
        rows.append(f"| `{PREFIX}{f.name}` | `{default_of(f.name)!r}` | {f.metadata['help']} |")
    return "\n".join(rows)


__all__ = ["ArchiveConfig", "config_table"]


def update_readme(path: str) -> None:
    """Replace the table between ``<!-- config-table -->`` markers in ``path`` (the README)."""
    from pathlib import Path

    readme = Path(path)
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- config-table -->\n", "\n<!-- /config-table -->"
    head, rest = text.split(start, 1)
    readme.write_text(head + start + config_table() + end + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--update"]:
        update_readme(sys.argv[2])
    else:
        print(config_table())
