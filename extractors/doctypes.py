"""The document's type, from the words that name types (data/doctypes.json) in en, ru, zh, fr, es.

What a document calls itself decides: its heading first, then its opening lines, then how
the body refers to itself ("this Declaration"); failing all, `DocType.OTHER`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from extractors.lexicon import Lexicon, normalize
from extractors.tables import table
from schemas.records import Block, DocType

_OPENING_BLOCKS = 4
_OPENING_CHARS = 120


def _phrases() -> Iterator[tuple[str, DocType]]:
    for by_phrase in table("doctypes")["phrases"].values():
        for phrase, value in by_phrase.items():
            yield phrase, DocType(value)


@cache
def doctype_lexicon() -> Lexicon[DocType]:
    """Type words -> DocType, case-insensitive."""
    return Lexicon(_phrases(), ignore_case=True)


@cache
def _self_references() -> Lexicon[DocType]:
    entries = []
    for phrases in table("doctypes")["self_reference"].values():
        for phrase in phrases:
            words = normalize(phrase).split()
            kind = doctype_lexicon().lookup(" ".join(words[1:]))
            if kind is not None:
                entries.append((phrase, kind))
    return Lexicon(entries, ignore_case=True)


def type_named_in(text: str) -> DocType | None:
    """Return the type named first in a text (a heading, a line), else None."""
    hit = next(doctype_lexicon().finditer(text), None)
    return hit.value if hit else None


def type_only(text: str) -> DocType | None:
    """Return the type if the text is nothing but a type word ("PRESS RELEASE"), else None."""
    return doctype_lexicon().lookup(text.strip(" \t\r\n.:-—–"))


def doc_type(headings: list[Block], blocks: list[Block], text: str) -> DocType:
    """Judge the type by the heading blocks, then the opening lines, then the body's self-reference.

    In the opening lines only a capitalised type word counts ("Joint Communique of ...", not "the
    statement of ..."), within the first 120 characters of each of the first four blocks.
    """
    for block in headings:
        found = type_named_in(block.text)
        if found is not None:
            return found
    for block in blocks[:_OPENING_BLOCKS]:
        # a title line the cleaner did not mark: "[Title] DECLARATION by ...", "... Joint Communique of ..."
        hit = next(doctype_lexicon().finditer(block.text, 0, min(len(block.text), _OPENING_CHARS)), None)
        if hit is not None and (hit.text[0].isupper() or hit.text[0].lower() == hit.text[0].upper()):
            return hit.value
    hit = next(_self_references().finditer(text), None)
    return hit.value if hit else DocType.OTHER
