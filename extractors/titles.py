"""The document's own title: its leading heading blocks, as a person would write them.

"PRESS RELEASE" / "Meeting of ..." / "the Shanghai ..." gives "Meeting of ... the Shanghai ...":
a heading that is only the type word is dropped, consecutive heading lines are joined, and an
ALL-CAPS title is put in title case (small words lowercase, acronyms kept).
"""

from __future__ import annotations

import re
from functools import cache

from extractors.dates import find_dates
from extractors.doctypes import type_only
from extractors.scripts import CYRILLIC
from extractors.tables import table
from schemas.records import Block

_FIRST_BLOCKS = 3
_OPENING_LINES = 4
_TITLE_CHARS = 200
_SENTENCE_END = re.compile(r"[.。!?！？;；:：]$")
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]")


def leading_headings(blocks: list[Block]) -> list[Block]:
    """Return the first run of heading blocks, if it starts within the document's first blocks."""
    run: list[Block] = []
    for index, block in enumerate(blocks):
        if block.heading:
            run.append(block)
        elif run or index >= _FIRST_BLOCKS:
            break
    return run


def title_lines(blocks: list[Block]) -> list[Block]:
    """The blocks that name the document: its leading headings, and opening lines the cleaner left
    unmarked (short, without a closing full stop: "[Title] BISHKEK DECLARATION By the Heads ...")."""
    lines = list(leading_headings(blocks))
    for block in blocks[:_OPENING_LINES]:
        text = block.text.rstrip()
        if block not in lines and len(text) <= _TITLE_CHARS and not _SENTENCE_END.search(text):
            lines.append(block)
    return lines


def title(blocks: list[Block]) -> str | None:
    """Return the document's title from its leading headings, or None when it has none."""
    parts: list[str] = []
    for block in leading_headings(blocks):
        text = " ".join(block.text.split())
        if type_only(text) is not None:
            if parts:
                break  # "Title" / "PRESS RELEASE" / "(date, place)": the title ended
            continue
        if find_dates(text) and parts:
            break  # a dateline under the title
        parts.append(text)
    if not parts:
        return None
    joined = " ".join(parts)
    return title_case(joined) if is_all_caps(joined) else joined


def is_all_caps(text: str) -> bool:
    """True when a text has letters and every cased letter is a capital."""
    letters = _LETTERS.findall(text)
    cased = [ch for ch in letters if ch.lower() != ch.upper()]
    return len(cased) >= 4 and all(ch.isupper() for ch in cased)


@cache
def _keep_upper() -> frozenset[str]:
    words = set(table("titles")["keep_upper"])
    for row in table("organisations")["organisations"]:
        words.update(name for name in row["names"] if name.isupper() and " " not in name)
    for by_language in table("countries")["aliases"].values():
        for names in by_language.values():
            words.update(name for name in names if name.isupper() and " " not in name)
    return frozenset(words)


def _capitalised(word: str) -> str:
    first = _LETTERS.search(word)
    if first is None:
        return word
    i = first.start()
    return word[:i] + word[i].upper() + word[i + 1 :].lower()


def title_case(text: str) -> str:
    """Write an ALL-CAPS title as a person would ("DECLARATION BY THE HEADS" -> "Declaration by the Heads").

    Russian titles get sentence case. Acronyms, roman numerals and words with digits stay as printed.
    """
    small = frozenset(table("titles")["small_words"])
    sentence_case = bool(CYRILLIC.search(text))
    out: list[str] = []
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        core = word.strip("()[]\"'«»“”,.:;!?")
        if core in _keep_upper() or any(ch.isdigit() for ch in core):
            out.append(word)
        elif index > 0 and (sentence_case or word.lower() in small):
            out.append(word.lower())
        else:
            out.append("-".join(_capitalised(part) for part in word.split("-")))
    return " ".join(out)
