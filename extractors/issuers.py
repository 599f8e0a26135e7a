"""The organisation in whose name a document is issued, as its English acronym (SCO for ШОС / 上合组织).

In order: an acronym the opening blocks define with "hereinafter" ("the Shanghai Cooperation
Organization (hereinafter referred to as the SCO)"); an issuing organisation named in the title;
one named in the first sentence of the first two blocks. A bilateral or national document names none: None.
"""

from __future__ import annotations

import re

from extractors.organisations import definitions, organisation_lexicon
from schemas.records import Block

_OPENING_BLOCKS = 4
_SENTENCE_BLOCKS = 2
_PARAGRAPH_CHARS = 80  # shorter blocks are address or date lines, not the opening sentence
_SENTENCE = re.compile(r".+?(?:[.!?。](?=\s|$)|$)", re.S)


def issuing_body(title: str | None, blocks: list[Block], title_lines: list[str] | None = None) -> str | None:
    """Return the acronym of the issuing organisation, or None for bilateral/national documents.

    `title_lines` are opening lines that name the document without being marked as headings
    ("Joint Communique of Council of heads of SCO member states"); they count as its title.
    """
    body = [b for b in blocks if not b.heading and b.text.strip()][:_OPENING_BLOCKS]
    title = " ".join(filter(None, [title, *(title_lines or [])])) or None
    for block in body:
        defined = next((d for d in definitions(block.text) if d.hereinafter), None)
        if defined is not None:
            return defined.organisation
    if title:
        named = next((h.value for h in organisation_lexicon().finditer(title) if h.value.issuer), None)
        if named is not None:
            return named.acronym
    paragraphs = [b for b in blocks if not b.heading and len(b.text) >= _PARAGRAPH_CHARS]
    for block in paragraphs[:_SENTENCE_BLOCKS]:
        first = _SENTENCE.match(block.text)
        sentence = first.group() if first else block.text
        named = next((h.value for h in organisation_lexicon().finditer(sentence) if h.value.issuer), None)
        if named is not None:
            return named.acronym
    return None
