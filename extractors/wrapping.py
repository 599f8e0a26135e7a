"""Hard-wrapped lines: where a paragraph ends, and how to rejoin words hyphenated at a line end.

A line that ends in `letters-` followed by a line that starts with a word is either a word
broken by the typesetter ("Coopera-" / "tion") or a real compound that happened to wrap at
its hyphen ("anti-" / "terrorism"). `Vocabulary` holds the words and hyphenated compounds
seen elsewhere in the same document; `join_wrapped` asks it which case applies.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

# Prefixes that form hyphenated compounds on their own ("anti-drug", "self-determination").
_STRONG_PREFIXES = frozenset({"anti", "non", "self", "vice", "socio", "well"})
# Prefixes that are also common first syllables ("co-operation" but "ex-ample", "pre-sent"):
# the hyphen is kept only when what follows is a word seen elsewhere in the document.
_WEAK_PREFIXES = frozenset({"co", "pre", "post", "inter", "ex"})
# A suspended hyphen: "pre- and post-war", "short- to medium-term".
_CONJUNCTIONS = frozenset({"and", "or", "to", "nor", "und", "oder", "et", "ou", "и", "или"})
_SENTENCE_END = re.compile(r"[.!?:;。！？：；…][\"')\]»”’）」』]*$")
_LIST_ITEM = re.compile(r"(?:[-•*]|\d{1,3}[.)]|\(?[a-z]\)|\(?[ivx]{1,5}\))\s")
# A full stop after an initial or a common abbreviation does not end the sentence ("K. Sarbaev").
_NOT_SENTENCE_END = re.compile(
    r"(?:\b[^\W\d_]|\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Art|art|para|paras|p|pp|cf|vol|Vol|e\.g|i\.e|г|ст|им))\.$"
)

_WORD = re.compile(r"\w+")
# both start at a word's start only: tried inside a long run of word characters (unspaced CJK),
# each start would rescan the rest of the run, O(n²)
_COMPOUND = re.compile(r"(?<!\w)\w+(?:-\w+)+")
_LINE_END_SPLIT = re.compile(r"(?<!\w)\w+-\n\s*\w+")
_TAIL = re.compile(r"\b(\w+)-$")
_LONGEST_WORD = 80  # only the end of a growing paragraph is searched for the broken word
_HEAD = re.compile(r"\w+")


def is_cjk(char: str) -> bool:
    """True for a Chinese/Japanese character or CJK punctuation (scripts written without spaces)."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFF60  # fullwidth punctuation and forms
        or 0x20000 <= code <= 0x2FA1F  # extensions B and later
    )


def ends_sentence(line: str) -> bool:
    """True when `line` ends with sentence-final punctuation (closing quotes and brackets allowed).

    A full stop after an initial ("M. Tazhin") or a common abbreviation ("St.") does not count.
    """
    return bool(_SENTENCE_END.search(line)) and not _NOT_SENTENCE_END.search(line)


def starts_list_item(line: str) -> bool:
    """True when `line` opens with a bullet or an item number ("- ", "1. ", "(a) ", "iv) ")."""
    return bool(_LIST_ITEM.match(line))


def ends_paragraph(head: str, tail: str) -> bool:
    """Whether a page or column break between the lines `head` and `tail` also ends a paragraph.

    It does when `head` ends a sentence or `tail` starts a list item, unless `head` ends
    with a hyphen or `tail` starts in lower case (then the sentence clearly goes on).
    """
    if head.endswith("-") or tail[:1].islower():
        return False
    return ends_sentence(head) or starts_list_item(tail)


@dataclass
class Vocabulary:
    """Lower-cased words and hyphenated word pairs that occur in a document (not split at a line end)."""

    words: Counter[str] = field(default_factory=Counter)
    compounds: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        """Collect the vocabulary of `text`, ignoring the two halves of every line-end hyphen split."""
        text = _LINE_END_SPLIT.sub(" ", text.casefold())
        vocab = cls(Counter(_WORD.findall(text)))
        for compound in _COMPOUND.findall(text):
            parts = compound.split("-")
            vocab.compounds.update(f"{a}-{b}" for a, b in itertools.pairwise(parts))
        return vocab

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """Whether `left-` at a line end followed by `right` is a real compound (hyphen kept)."""
        lower_left, lower_right = left.casefold(), right.casefold()
        if right[0].isdigit() or left[-1].isdigit():
            return True
        if right[0].isupper():
            # "Counter-" / "Terrorism" keeps its hyphen; "COOPERA-" / "TION" in a caps title does not.
            all_caps = left.isupper() and right.isupper()
            return not (all_caps and lower_left + lower_right in self.words)
        if f"{lower_left}-{lower_right}" in self.compounds:
            return True
        if lower_left + lower_right in self.words:
            return False
        if lower_left in _STRONG_PREFIXES:
            return True
        return lower_left in _WEAK_PREFIXES and self.words[lower_right] > 0


def _seam(head: str, tail: str, vocab: Vocabulary) -> tuple[bool, str]:
    """How two wrapped lines meet: whether the head's final hyphen goes, and what goes between."""
    if head.endswith("-"):
        left, right = _TAIL.search(head[-_LONGEST_WORD:]), _HEAD.match(tail)
        if left and right:
            if right.group(0).casefold() in _CONJUNCTIONS:
                return False, " "
            return not vocab.keeps_hyphen(left.group(1), right.group(0)), ""
    if is_cjk(head[-1]) and is_cjk(tail[0]):
        return False, ""
    return False, " "


def join_wrapped(head: str, tail: str, vocab: Vocabulary) -> str:
    """Join two hard-wrapped lines of one paragraph into one line.

    A word broken at the line end is rejoined ("Coopera-" + "tion ..." -> "Cooperation ..."),
    a real compound keeps its hyphen ("anti-" + "terrorism" -> "anti-terrorism"), a suspended
    hyphen keeps its space ("pre-" + "and post-war"), and two CJK characters are joined
    without a space. Anything else is joined with one space.
    """
    return join_lines([head, tail], vocab)


def join_lines(lines: Sequence[str], vocab: Vocabulary) -> str:
    """Join the hard-wrapped lines of one paragraph into one line, as `join_wrapped` joins two."""
    parts: list[str] = []
    for index, line in enumerate(lines):
        if index and parts[-1] and line:
            drop_hyphen, between = _seam(parts[-1], line, vocab)
            if drop_hyphen:
                parts[-1] = parts[-1][:-1]
            parts.append(between)
        parts.append(line)
    return "".join(parts)
