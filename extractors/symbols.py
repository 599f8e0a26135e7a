"""Document symbols: the code in a document's cover block or header ("A/L.632", "WCPFC12-2015-OP12").

The patterns live in data/symbols.json; only the head of the text is searched, so a symbol the body
cites ("resolution A/RES/2758 (XXVI)") is not taken for the document's own.
"""

from __future__ import annotations

import re
from functools import cache

from extractors.tables import table

HEAD_CHARS = 1500
_DIGIT = re.compile(r"\d")


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in table("symbols")["patterns"].values())


def document_symbol(text: str, head: int = HEAD_CHARS) -> str | None:
    """Return the first document symbol in the first `head` characters of a text, else None.

    A symbol must hold a digit (an organisation's bare acronym "WCPFC/SPC" is not one); of the
    symbols found the one printed first wins.
    """
    found: list[re.Match[str]] = []
    for pattern in _patterns():
        found.extend(m for m in pattern.finditer(text, 0, head) if _DIGIT.search(m.group()))
    if not found:
        return None
    first = min(found, key=lambda m: (m.start(), -len(m.group())))
    return " ".join(first.group().split())
