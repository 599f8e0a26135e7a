"""Page furniture: running headers, running footers and page numbers, found by position and repetition.

Only rows in the top or bottom band of a page (among its first or last few rows, and
within the outer part of the page height) are candidates. A candidate is furniture when

* it reads like a page number ("3", "- 3 -", "Page 3 of 4", "3/4", "стр. 3", "第3页"), or
* the same text (digits ignored, so "Page 3" matches "Page 4") sits at about the same
  distance from the page edge on enough other pages (two or more; for long documents at
  least 40% of the pages, so alternating odd/even headers are caught).

Nothing here knows any particular header text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_BAND_ROWS = 3  # how many rows from the top and from the bottom of a page are candidates
_BAND_HEIGHT = 0.15  # ... provided they lie within this fraction of the page height from an edge
_SAME_PLACE = 6.0  # points: how far a repeated row may move between pages
_REPEATED_SHARE = 0.4

_PAGE_NUMBER = re.compile(
    r"""(?ix)
    (?: [-–—]\s* )?
    (?: (?:page|p\.|pg\.?|стр\.?|страница|seite|página)\s* )?
    \d{1,4}
    (?: \s* (?:/|of|из|von|de) \s* \d{1,4} )?
    (?: \s*[-–—] )?
    | 第\s*\d{1,4}\s*页 (?: \s*共\s*\d{1,4}\s*页 )?
    """
)
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A row near the top or bottom edge of a page: its text and distance from that edge."""

    page: int
    row: int
    text: str
    edge: str  # "top" or "bottom"
    distance: float


def is_page_number(text: str) -> bool:
    """True when a line holds only a page number in one of the usual forms."""
    return bool(_PAGE_NUMBER.fullmatch(text.strip()))


def band_candidates(page: int, rows: Sequence[tuple[str, float, float]], height: float) -> list[Candidate]:
    """The rows of one page that may be furniture; `rows` are (text, top, bottom) from top to bottom."""
    found: list[Candidate] = []
    for index, (text, top, bottom) in enumerate(rows):
        if index < _BAND_ROWS and top <= height * _BAND_HEIGHT:
            found.append(Candidate(page, index, text, "top", top))
        elif index >= len(rows) - _BAND_ROWS and bottom >= height * (1 - _BAND_HEIGHT):
            found.append(Candidate(page, index, text, "bottom", height - bottom))
    return found


def _key(candidate: Candidate) -> tuple[str, str]:
    text = _SPACE.sub(" ", _DIGITS.sub("#", candidate.text.casefold())).strip()
    return candidate.edge, text


def furniture(candidates: Sequence[Candidate], pages: int) -> set[tuple[int, int]]:
    """The (page, row) pairs among `candidates` that are running headers, footers or page numbers."""
    needed = max(2, math.ceil(pages * _REPEATED_SHARE))
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(_key(candidate), []).append(candidate)
    found = {(c.page, c.row) for c in candidates if is_page_number(c.text)}
    if pages < 2:
        return found
    for group in groups.values():
        found.update((c.page, c.row) for c in _repeated(group, needed))
    return found


def _repeated(group: Sequence[Candidate], needed: int) -> list[Candidate]:
    """Candidates of one text found on at least `needed` pages within `_SAME_PLACE` of them."""
    ordered = sorted(group, key=lambda c: c.distance)
    pages: Counter[int] = Counter()
    repeated = []
    low = high = 0
    for candidate in ordered:  # a window of +-_SAME_PLACE slides along the sorted distances
        while high < len(ordered) and ordered[high].distance <= candidate.distance + _SAME_PLACE:
            pages[ordered[high].page] += 1
            high += 1
        while ordered[low].distance < candidate.distance - _SAME_PLACE:
            pages[ordered[low].page] -= 1
            if not pages[ordered[low].page]:
                del pages[ordered[low].page]
            low += 1
        if len(pages) >= needed:
            repeated.append(candidate)
    return repeated
