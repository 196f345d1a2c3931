"""The Japanese analyser discovery uses (SudachiPy), loaded lazily behind :func:`load_tagger`.

Nothing is imported or loaded until a post actually needs analysing: a build in which no post changed
never calls :func:`load_tagger` (its results are in the build cache). Tests replace :func:`load_tagger`
(``monkeypatch.setattr(nlp, "load_tagger", …)``) with a fake, or with one that fails to prove it is not
called.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from .discovery import JAPANESE_ORG_SUFFIX, LIST_CUE, ORG_CONTEXT, OrgTagger

SUFFIXES = frozenset(JAPANESE_ORG_SUFFIX.split("|")) | {"グループ", "社"}
SENTENCE_RE = re.compile(r"[^\n。！？]+[。！？]?")
MAX_SENTENCE = 10_000  # characters (Sudachi refuses input over 49,149 bytes)
LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9&.\-]*")
# what follows an organisation, or a list of them ("富士通、NEC などの企業")
CONTEXT_RE = re.compile(rf"{ORG_CONTEXT}|(?:(?:、|や|と)[^。]{{0,60}}?)?{LIST_CUE}")
CUE_RE = re.compile(rf"{ORG_CONTEXT}|{LIST_CUE}|{'|'.join(sorted(SUFFIXES, key=len, reverse=True))}")


def cued_sentences(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, sentence)`` of the sentences that hold an organisation cue (a suffix or a context).

    Both of the tagger's rules need one, so the other sentences (most of a post) are never analysed:
    the same names for a tenth of the time.
    """
    for match in SENTENCE_RE.finditer(text):
        sentence = match.group(0)[:MAX_SENTENCE]
        if CUE_RE.search(sentence):
            yield match.start(), sentence


class SudachiTagger:
    """Organisation names from SudachiPy's analysis (mode C, the core dictionary).

    A name is a run of nouns that either ends in an organisation suffix after a proper noun (``富士通``
    + ``研究所``, ``X`` + ``社``: the suffix 社 itself is left out of the name), or is made of general
    proper nouns (not persons or places) and followed by what only follows an organisation (``富士通は…を
    買収``, ``ファーウェイの CEO``). The core dictionary files many compounds as proper nouns
    (``オープンソース``, ``現実世界``), so a proper noun alone is no evidence: its context decides.
    """

    name = "sudachi"

    def __init__(self) -> None:
        from sudachipy import dictionary, tokenizer

        self._tokenizer = dictionary.Dictionary(dict="core").create(tokenizer.Tokenizer.SplitMode.C)

    def organisations(self, text: str) -> Iterator[tuple[str, str, int]]:
        for offset, sentence in cued_sentences(text):
            yield from self._in_piece(sentence, offset)

    def _in_piece(self, piece: str, offset: int) -> Iterator[tuple[str, str, int]]:
        run: list[Any] = []
        for morpheme in [*self._tokenizer.tokenize(piece), None]:
            if morpheme is not None and is_name_part(morpheme.part_of_speech(), morpheme.surface()):
                run.append(morpheme)
                continue
            found = name_of_run(run, piece)
            if found is not None:
                surface, label, start = found
                yield surface, label, offset + start
            run = []


def is_name_part(pos: tuple[str, ...], surface: str) -> bool:
    if pos[0] == "名詞" and pos[1] in ("固有名詞", "普通名詞"):
        return True
    return pos[0] == "接尾辞" and pos[1] == "名詞的" and surface in SUFFIXES


def name_of_run(run: list[Any], piece: str) -> tuple[str, str, int] | None:
    """The organisation name a noun run spells, with its label and start, or ``None``."""
    if not run:
        return None
    poses = [m.part_of_speech() for m in run]
    proper = [i for i, pos in enumerate(poses) if pos[1] == "固有名詞" and pos[2] not in ("人名", "地名")]
    last = run[-1].surface()
    if last in SUFFIXES and len(run) > 1:
        head = [i for i, pos in enumerate(poses[:-1]) if pos[1] == "固有名詞"]
        if head or LATIN_RE.fullmatch(run[-2].surface()):
            first = head[0] if head else len(run) - 2
            end = len(run) - 1 if last == "社" else len(run)
            surface = "".join(m.surface() for m in run[first:end])
            return surface, "固有名詞+接尾辞", run[first].begin()
    if proper and len(run) == len(proper) and CONTEXT_RE.match(piece, run[-1].end()):
        return "".join(m.surface() for m in run), "固有名詞+文脈", run[0].begin()
    return None


@functools.cache
def load_tagger() -> OrgTagger:
    """The analyser (the dictionary takes about half a second to load): once per process, on first use."""
    return SudachiTagger()


def release_tagger() -> None:
    """Let the dictionary go once discovery is done (it is not needed for the rest of the build)."""
    clear = getattr(load_tagger, "cache_clear", None)
    if clear is not None:
        clear()
