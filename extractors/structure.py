"""The structure parser: what a clean document says about itself and what it refers to.

`parse(doc)` is a pure function of the clean text and its blocks. It reads the document's symbol, type,
title, issuing body, date and place of issue, participants, states mentioned, dated events,
named instruments and topics. Each piece lives in a module of its own; the name tables they use
are JSON files under extractors/data, loaded once.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from typing import TypeVar

from extractors.countries import country_mentions, find_countries
from extractors.datelines import Issuance, issuance
from extractors.dates import find_dates, find_yearless_dates, parse_date
from extractors.doctypes import doc_type
from extractors.events import find_events
from extractors.instruments import find_instruments
from extractors.issuers import issuing_body
from extractors.labels import PROVENANCE
from extractors.organisations import learned_lexicon, organisation_lexicon
from extractors.participants import Mentions, find_participants
from extractors.places import place_country
from extractors.symbols import document_symbol
from extractors.titles import leading_headings, title, title_lines
from extractors.topics import find_topics
from schemas.records import Block, CleanDocument, Span, Structure

S = TypeVar("S", bound=Span)


def parse(doc: CleanDocument) -> Structure:
    """Parse a clean document into its `Structure` (pure: no I/O beyond the cached data tables).

    A Markdown copy's front matter is part of the document: its `title` is the document's title
    (and names its type), its `date` the date of issue unless a dateline in the text says otherwise.
    A web copy's labelled header (`extractors.labels`) is a catalogue's description: its `date` is
    used only when the text gives none. Either kind's `place` is the place of issue when the text
    names none.
    """
    text = doc.text
    headings = leading_headings(doc.blocks)
    front_title = " ".join(doc.front_matter.get("title", "").split()) or None
    if front_title:
        headings = [Block(text=front_title, heading=True, page_start=1, page_end=1, char_start=0, char_end=0)]
        headings += leading_headings(doc.blocks)
    own_title = front_title or title(doc.blocks)
    title_spans = [(b.char_start, b.char_end) for b in title_lines(doc.blocks)]
    dates = find_dates(text)
    countries = find_countries(text)
    organisations = [*organisation_lexicon().finditer(text), *learned_lexicon(text).finditer(text)]
    instruments = find_instruments(text, dates, organisations, title_spans)
    stated = stated_date(doc.front_matter)
    catalogued = doc.front_matter.get(PROVENANCE[0]) == PROVENANCE[1]
    yearless = find_yearless_dates(text, dates, stated.year if stated else None)
    all_dates = sorted([*dates, *yearless], key=lambda d: d.start)
    events = find_events(text, all_dates, [(i.char_start or 0, i.char_end or 0) for i in instruments])
    issued = stated_issuance(
        issuance(doc.blocks, events, dates, None if catalogued else stated, yearless),
        stated,
        doc.front_matter.get("place"),
    )
    participants = find_participants(text, Mentions.of(countries, organisations))
    return Structure(
        document_symbol=document_symbol(text),
        doc_type=doc_type(headings, doc.blocks, text),
        title=own_title,
        issuing_body=issuing_body(
            own_title, doc.blocks, [b.text for b in title_lines(doc.blocks) if not b.heading]
        ),
        issued_date=issued.date,
        issued_place=issued.place,
        issued_country=issued.country,
        participants=[_paged(p, doc.blocks) for p in participants],
        country_mentions=country_mentions(countries),
        referenced_events=[_paged(e, doc.blocks) for e in events],
        instruments=[_paged(i, doc.blocks) for i in instruments],
        topics=find_topics(text),
    )


def stated_date(front_matter: dict[str, str]) -> dt.date | None:
    """The date a Markdown copy's front matter gives (`date: '2021-09-15'`), else None."""
    found = parse_date(front_matter.get("date", ""))
    return found.first if found else None


def stated_issuance(found: Issuance, date: dt.date | None, place: str | None) -> Issuance:
    """Fill what the text leaves open (no date, no place of issue) from a stated `date` and `place`."""
    place = " ".join((place or "").split()) or None
    if found.place is None and place is not None:
        found = Issuance(found.date, place, place_country(place))
    if found.date is None and date is not None:
        found = Issuance(date, found.place, found.country)
    return found


def page_at(blocks: list[Block], pos: int) -> int | None:
    """Return the page of the block holding character `pos` of the clean text (None outside blocks)."""
    starts = [b.char_start for b in blocks]
    index = bisect_right(starts, pos) - 1
    if index < 0 or pos >= blocks[index].char_end:
        return None
    return blocks[index].page_start


def _paged(span: S, blocks: list[Block]) -> S:
    return span.model_copy(update={"page": page_at(blocks, span.char_start or 0)})
