"""The document's type, from the words that name types (data/doctypes.json) in en, ru, zh, fr, es.

What a document calls itself decides: its heading first, then its opening lines, then how
the body refers to itself ("this Declaration"); failing all, `DocType.OTHER`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from extractors.lexicon import Lexicon, normalize
from extractors.tables import table
from schemas.records import Block, DocType

_OPENING_BLOCKS = 4
_OPENING_CHARS = 120
_TITLE_CHARS = 200
_SENTENCE_END = re.compile(r"[.。!?！？;；:：,，]$")
_SPEECH_BLOCKS = 6
_ADDRESS_LINES = 2
_FIRST_PERSON = re.compile(r"\b(?:I|me|my)\b|(?<!\w)(?:я|мне|меня)(?!\w)|我(?!们|們)")
_RESOLUTION_BLOCKS = 12
_ORGAN_LINE = re.compile(r"(?:(?:The|La|El|Le|L')\s*)?(.{3,60}?)[,，]")
_NOTE_BLOCKS = 8
_PARAGRAPH_CHARS = 80
_VOICE_PARAGRAPHS = 2
_PREAMBLE_BLOCKS = 12
_PREAMBLE_CLAUSES = 3


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
        title_line = len(block.text) <= _TITLE_CHARS and not _SENTENCE_END.search(block.text)
        if hit is not None and (
            title_line or hit.text[0].isupper() or hit.text[0].lower() == hit.text[0].upper()
        ):
            return hit.value  # a title line in sentence case counts too: "Душанбинская декларация ..."
    found = note_form(blocks) or letter_or_speech(blocks) or resolution_form(blocks)
    if found is not None:
        return found
    hit = next(_self_references().finditer(text), None)
    return hit.value if hit else voice(blocks)


@cache
def _forms(name: str) -> Lexicon[bool]:
    words = table("doctypes")["forms"][name]
    phrases = words if isinstance(words, list) else [w for ws in words.values() for w in ws]
    return Lexicon(((w, True) for w in phrases), ignore_case=True)


def _opens_with(name: str, text: str) -> bool:
    hit = _forms(name).match_at(text, len(text) - len(text.lstrip(" \t\"'(«")))
    return hit is not None


def letter_or_speech(blocks: list[Block]) -> DocType | None:
    """A letter opens with "Dear ..." and closes with "Yours sincerely"; a speech addresses its
    audience ("Ladies and gentlemen," or two address lines "Foreign Ministers of ...,"), else None."""
    short = [b.text for b in blocks if len(b.text) <= _TITLE_CHARS]
    if any(_opens_with("letter_salutations", t) for t in short) and any(
        _opens_with("letter_closings", t) for t in short
    ):
        return DocType.LETTER
    opening = [b.text for b in blocks[:_SPEECH_BLOCKS]]
    if any(_opens_with("speech_salutations", t) for t in opening):
        return DocType.REMARKS
    addresses = [t for t in opening if len(t) <= _TITLE_CHARS and t.rstrip().endswith(",")]
    if len(addresses) >= _ADDRESS_LINES and _FIRST_PERSON.search(" ".join(opening)):
        return DocType.REMARKS
    return None


def note_form(blocks: list[Block]) -> DocType | None:
    """A note verbale opens with the courtesy formula ("... presents its compliments to ..."), else None."""
    opening = " ".join(b.text for b in blocks[:_NOTE_BLOCKS])
    return DocType.NOTE_VERBALE if next(_forms("note_formulas").finditer(opening), None) else None


def resolution_form(blocks: list[Block]) -> DocType | None:
    """A resolution opens its body with the organ that adopts it ("The General Assembly,"), else None."""
    for block in blocks[:_RESOLUTION_BLOCKS]:
        organ = _ORGAN_LINE.fullmatch(block.text.strip())
        if organ and _forms("resolution_organs").lookup(organ.group(1)) is not None:
            return DocType.RESOLUTION
    return None


def voice(blocks: list[Block]) -> DocType:
    """The type a document's form suggests when no word names it: a preamble of clauses ending in ";"
    opens a declaration, a statement speaks as "we",
    a third-person report of a meeting ("Bishkek hosted a meeting", "состоялось") is a press
    release; otherwise `DocType.OTHER`."""
    paragraphs = [b.text for b in blocks if not b.heading and len(b.text) >= _PARAGRAPH_CHARS]
    opening = " ".join(paragraphs[:_VOICE_PARAGRAPHS])
    if sum(b.text.rstrip().endswith((";", "；")) for b in blocks[:_PREAMBLE_BLOCKS]) >= _PREAMBLE_CLAUSES:
        return DocType.DECLARATION  # "the Member States, ... respecting ...; guided by ...; hereby state"
    if not opening:
        return DocType.OTHER
    if next(_forms("we").finditer(opening), None) is not None:
        return DocType.STATEMENT
    if next(_forms("meeting_reports").finditer(opening), None) is not None:
        return DocType.PRESS_RELEASE
    return DocType.OTHER
