"""Tables of contents: entries with dot leaders and page numbers are navigation, not paragraphs."""

from __future__ import annotations

import re

# "OPENING OF MEETING ........ 1", "Annex 2 . . . . . 14", "Introduction ______ 3", "Введение …… 5"
# A leader is tried from its first character only: tried from every character of a long run of dots
# (a dotted rule read as text), each try would rescan the rest of the run, O(n²).
LEADER = re.compile(
    r"(?:(?<!\.)(?<!\.\s)(?:\.\s?){4,}|(?<!…)(?<!…\s)(?:…\s?){2,}|(?<!_)_{4,}|(?<!·)·{4,})\s*\d{1,4}\b"
)
MAX_ENTRY_CHARS = 200


def is_contents(text: str) -> bool:
    """True when `text` is made of table-of-contents entries: each piece ends in a leader and a page."""
    entries = LEADER.split(text)
    if len(entries) < 2:
        return False
    *titled, tail = entries
    return all(0 < len(entry.strip()) <= MAX_ENTRY_CHARS for entry in titled) and len(tail.strip()) <= 20
