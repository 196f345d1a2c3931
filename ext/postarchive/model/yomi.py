"""Readings (yomi) and their index groups: あ/か/さ… for kana, A–Z for Latin, 記号・数字 otherwise."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

GOJUON_ROWS = (
    ("あ", "あいうえおぁぃぅぇぉゔ"),
    ("か", "かきくけこがぎぐげごゕゖ"),
    ("さ", "さしすせそざじずぜぞ"),
    ("た", "たちつてとだぢづでどっ"),
    ("な", "なにぬねの"),
    ("は", "はひふへほばびぶべぼぱぴぷぺぽ"),
    ("ま", "まみむめも"),
    ("や", "やゆよゃゅょ"),
    ("ら", "らりるれろ"),
    ("わ", "わゐゑをんゎ"),
)
ROW_OF = {kana: head for head, row in GOJUON_ROWS for kana in row}
SYMBOLS_GROUP = "記号・数字"


def to_hiragana(text: str) -> str:
    """Katakana → hiragana (ヴ→ゔ, ー kept), NFKC first so half-width kana work too."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


KANJI_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]")


@functools.cache
def _kakasi() -> Any:
    import pykakasi  # loaded only when a name has kanji (its dictionary takes about a second)

    return pykakasi.kakasi()


def reading_of(name: str, overrides: dict[str, str] | None = None) -> str:
    """A reading for an index: an override, else kana as hiragana, else pykakasi's reading of the kanji.

    Latin letters and digits stay as written (``生成AI`` → ``せいせいAI``), so the name sorts under せ.
    Dictionary readings of personal names can be wrong (孫正義 → まごせいぎ); ``overrides`` fixes them.
    """
    text = unicodedata.normalize("NFKC", name)
    if overrides and (name in overrides or text in overrides):
        return overrides.get(name) or overrides[text]
    if not KANJI_RE.search(text):
        return to_hiragana(text)
    return "".join(str(item["hira"]) for item in _kakasi().convert(text))


def index_group(reading: str) -> str:
    """The genindex / 索引 group of a reading: its gojūon row, its Latin letter, or symbols."""
    text = to_hiragana(reading).strip()
    if not text:
        return SYMBOLS_GROUP
    first = text[0]
    if first in ROW_OF:
        return ROW_OF[first]
    if first.isascii() and first.isalpha():
        return first.upper()
    return SYMBOLS_GROUP


VOWEL_COLUMNS = (
    ("あ", "あかさたなはまやらわがざだばぱぁゃゎ"),
    ("い", "いきしちにひみりゐぎじぢびぴぃ"),
    ("う", "うくすつぬふむゆるぐずづぶぷぅゅっゔ"),
    ("え", "えけせてねへめれゑげぜでべぺぇ"),
    ("お", "おこそとのほもよろをごぞどぼぽぉょ"),
)
VOWEL_OF = {kana: vowel for vowel, column in VOWEL_COLUMNS for kana in column}


def sort_key(reading: str) -> str:
    """Sort key: hiragana reading, case-folded (so カ and か, A and a sort together).

    A long-vowel mark sorts as the vowel it lengthens, as in a Japanese dictionary (えーえむでぃー
    as えええむでぃい, before えっくす and えぬ).
    """
    out: list[str] = []
    for char in to_hiragana(reading).casefold():
        out.append(VOWEL_OF.get(out[-1], char) if char == "ー" and out else char)
    return "".join(out)


def group_order(group: str) -> tuple[int, str]:
    """Index groups in reading order: kana rows (あ…わ), then A–Z, then symbols and digits."""
    if group == SYMBOLS_GROUP:
        return (2, group)
    if group.isascii():
        return (1, group)
    return (0, sort_key(group))
