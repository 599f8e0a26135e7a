"""A phrase matcher: many names compiled into one trie-shaped pattern.

One `Lexicon` serves every name table (countries, places, organisations, titles of office,
instrument kinds). Latin and Cyrillic phrases match on word boundaries; Cyrillic words also match
inflected (`Республики Казахстан` finds `Республика Казахстан`, `Ташкенте` finds `Ташкент`);
Chinese phrases match anywhere. The trie keeps the pattern fast with thousands of names.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

from extractors.scripts import CYRILLIC, HAN
from extractors.tables import table

T = TypeVar("T")

# any inflection ending (the lookup then checks it is one of morphology.json's): short to compile
_ENDING = "[а-яёА-ЯЁ]{0,3}"
_WORD = re.compile(r"\w+|\s+|.", re.S)
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2019": "'"})


@dataclass(frozen=True)
class Hit(Generic[T]):
    """One phrase found in a text: its span, the text as printed, the table's phrase and value."""

    start: int
    end: int
    text: str
    phrase: str
    value: T


@cache
def _endings() -> tuple[str, ...]:
    return tuple(sorted(table("morphology")["ru_endings"], key=len, reverse=True))


def stem(word: str) -> str:
    """Return a Cyrillic word without its inflection ending (other words unchanged), lowercased."""
    low = word.lower()
    if not CYRILLIC.match(low):
        return low
    for ending in _endings():
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            return low[: -len(ending)]
    return low


def _words(phrase: str) -> list[str]:
    text = unicodedata.normalize("NFKC", _plain(phrase)).translate(_HYPHENS)
    return re.findall(r"\w+|[^\w\s]", text)


def normalize(phrase: str) -> str:
    """Return the lookup key of a phrase: NFKC, plain hyphens and apostrophes, stemmed, lowercase."""
    return " ".join(stem(w) for w in _words(phrase))


def _readings(word: str) -> list[str]:
    """The stems an inflected word may have: "китая" is "кита" + "я" (Китай) or "кит" + "ая"."""
    low = word.lower()
    if not CYRILLIC.match(low):
        return [low]
    cut = [low[: -len(e)] for e in _endings() if low.endswith(e) and len(low) - len(e) >= 3]
    return [*cut, low]


def _keys(printed: str) -> Iterator[str]:
    """Every key a printed phrase may have, one reading per word (few: names are short)."""
    for words in itertools.islice(itertools.product(*map(_readings, _words(printed))), 64):
        yield " ".join(words)


def _plain(phrase: str) -> str:
    # composed characters stay (é), stray combining marks go (the stress mark in Респу́блика)
    text = unicodedata.normalize("NFC", phrase.strip())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _atoms(phrase: str) -> list[str]:
    """Split a phrase into regex atoms: characters, flexible spaces and inflectable Cyrillic stems."""
    atoms: list[str] = []
    for piece in _WORD.findall(phrase):
        if piece.isspace():
            atoms.append(r"\s+")
        elif piece == "-":
            atoms.append(r"[-\u2010\u2011\u2012\u2013]\s*")
        elif piece in "'\u2019":
            atoms.append("['\u2019]")
        elif CYRILLIC.match(piece):
            atoms.extend(re.escape(ch) for ch in piece[: len(stem(piece))])
            atoms.append(_ENDING)
        else:
            atoms.extend(re.escape(ch) for ch in piece)
    return atoms


def _trie_pattern(sequences: Iterable[list[str]]) -> str:
    root: dict[str, dict] = {}
    for atoms in sequences:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        # literal characters before optional endings, so the longer reading is tried first
        keys = sorted((k for k in node if k), key=lambda k: k == _ENDING)
        branches = [key + emit(node[key]) for key in keys]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def alternation(words: Iterable[str]) -> str:
    """Return a regex matching any of the literal words, shaped as a trie (fast with many words)."""
    return "(?:" + _trie_pattern([re.escape(ch) for ch in word] for word in words) + ")"


def _variants(phrase: str, ignore_case: bool) -> set[str]:
    if ignore_case:
        return {phrase.lower()}
    if HAN.match(phrase):
        return {phrase}
    return {phrase, phrase.upper(), phrase[:1].upper() + phrase[1:]}


class Lexicon(Generic[T]):
    """Finds the phrases of a name table in texts; each phrase maps to a value.

    Matching is case-sensitive (a phrase also matches in upper case and capitalised) unless
    `ignore_case`. At one position the longest phrase wins.
    """

    def __init__(self, entries: Iterable[tuple[str, T]], *, ignore_case: bool = False) -> None:
        self._values: dict[str, tuple[str, T]] = {}
        words: list[list[str]] = []
        cjk: list[list[str]] = []
        for raw, value in entries:
            phrase = _plain(raw)
            key = normalize(phrase)
            if not key or key in self._values:
                continue
            self._values[key] = (phrase, value)
            for variant in _variants(phrase, ignore_case):
                (cjk if HAN.match(variant) else words).append(_atoms(variant))
        self._ignore_case = ignore_case
        self._last = ("", "")
        # two patterns: one alternation of both scripts would try every Chinese branch at every position
        self._words = re.compile(r"(?<!\w)(?:" + _trie_pattern(words) + r")(?!\w)" if words else r"(?!)")
        self._cjk = re.compile(_trie_pattern(cjk) if cjk else r"(?!)")

    def _folded(self, text: str) -> str:
        # ignore_case: the table is lowercase, so the text is lowered, keeping every offset; the last
        # text is remembered (one tuple, read and written whole, so threads cannot mix two texts)
        if not self._ignore_case:
            return text
        last_text, last_lowered = self._last
        if last_text is text:
            return last_lowered
        lowered = text.lower()
        if len(lowered) != len(text):  # "İ" lowers to two characters
            lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        self._last = (text, lowered)
        return lowered

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Hit[T]]:
        """Yield the phrases found in `text[start:end]`, left to right, without overlaps."""
        stop = len(text) if end is None else end
        folded = self._folded(text)
        matches = list(self._words.finditer(folded, start, stop))
        if HAN.search(text, start, stop):
            matches = sorted([*matches, *self._cjk.finditer(folded, start, stop)], key=lambda m: m.start())
        for match in matches:
            hit = self._hit(match, text)
            if hit is not None:
                yield hit

    def match_at(self, text: str, pos: int) -> Hit[T] | None:
        """Return the phrase starting exactly at `pos`, if any."""
        folded = self._folded(text)
        match = self._words.match(folded, pos) or self._cjk.match(folded, pos)
        return self._hit(match, text) if match else None

    def _entry(self, printed: str) -> tuple[str, T] | None:
        return next((self._values[k] for k in _keys(printed) if k in self._values), None)

    def lookup(self, phrase: str) -> T | None:
        """Return the value of a phrase given in any spelling the table knows, else None."""
        found = self._entry(phrase)
        return found[1] if found else None

    def _hit(self, match: re.Match[str], text: str) -> Hit[T] | None:
        printed = text[match.start() : match.end()]
        found = self._entry(printed) if printed else None
        if found is None:
            return None
        return Hit(match.start(), match.end(), printed, found[0], found[1])
