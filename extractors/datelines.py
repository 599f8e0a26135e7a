"""When and where the document was issued: its dateline, else its own meeting, else its first date.

A dateline is a block holding only a place and a date ("Moscow, May 29, 2003",
"(2019年6月13日至14日,比什凱克)", "Done at Astana on ..."), closing ones looked for before
opening ones; failing that, a block that opens with one ("Panaji, 5 May 2023 Minister ..."), so
an enclosed document's own line beats a news agency's lead. Without a dateline, the document's own
meeting ("was held on May 15, 2009 in Moscow") in its opening paragraphs gives date and place.
A date range gives its last day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from extractors.dates import DateSpan, find_dates, parse_date
from extractors.lexicon import Lexicon
from extractors.places import find_places, place_at, place_country
from extractors.tables import table
from schemas.records import Block, ReferencedEvent

_DATELINE_CHARS = 120
_CLOSING_BLOCKS = 3
_OPENING_BLOCKS = 4
_OPENING_PARAGRAPHS = 2
_PARAGRAPH_CHARS = 200
_LEFTOVER = re.compile(r"[\W\d_]*")
_COMMA = re.compile(r"\s*[,，]\s*")


@dataclass(frozen=True)
class Issuance:
    """Date, place (as named) and ISO3 country of issue; None where the text does not say."""

    date: dt.date | None = None
    place: str | None = None
    country: str | None = None


@cache
def _dateline_words() -> Lexicon[bool]:
    return Lexicon(((w, True) for w in table("events")["dateline_words"]), ignore_case=True)


def opening_dateline(block: Block) -> Issuance | None:
    """Read the dateline a block opens with ("Panaji, 5 May 2023 Minister ..."), else None."""
    text = block.text
    place = place_at(text, len(text) - len(text.lstrip(" \t\n([")))
    span = parse_date(text[place.end : place.end + 40]) if place else None
    if place is None or span is None or not _COMMA.fullmatch(text, place.end, place.end + span.start):
        return None
    return _issuance(span, place.name)


def dateline(block: Block) -> Issuance | None:
    """Read a block that is nothing but a place and a date ("Moscow, May 29, 2003"), or a written
    date alone ("(14 сентября 2001 года)"; a numeric one is a page's date); else None."""
    text = block.text
    if len(text) > _DATELINE_CHARS:
        return None
    dates = find_dates(text)
    places = find_places(text)
    if len(dates) != 1 or not (places or not dates[0].numeric):
        return None
    covered = [(dates[0].start, dates[0].end), *((p.start, p.end) for p in places)]
    covered += [(w.start, w.end) for w in _dateline_words().finditer(text)]
    rest = "".join(ch for i, ch in enumerate(text) if not any(s <= i < e for s, e in covered))
    if not _LEFTOVER.fullmatch(rest):
        return None  # words besides place and date: a sentence, not a dateline
    return _issuance(dates[0], places[0].name if places else None)


def _issuance(date: DateSpan | ReferencedEvent, place: str | None) -> Issuance:
    last = date.last if isinstance(date, DateSpan) else date.date_end
    return Issuance(last, place, place_country(place) if place else None)


def _opening_end(blocks: list[Block]) -> int:
    """Where the opening ends: after the first paragraphs, past any short furniture lines."""
    paragraphs = [b for b in blocks if not b.heading and len(b.text) >= _PARAGRAPH_CHARS]
    short = [b for b in blocks if not b.heading][:_OPENING_BLOCKS]
    ends = [b.char_end for b in paragraphs[:_OPENING_PARAGRAPHS]] + [b.char_end for b in short]
    return max(ends, default=0)


def issuance(blocks: list[Block], events: list[ReferencedEvent], dates: list[DateSpan]) -> Issuance:
    """Decide the date and place of issue of a document from its blocks, events and dates."""
    body = [b for b in blocks if b.text.strip()]
    ends = [*reversed(body[-_CLOSING_BLOCKS:]), *body[:_OPENING_BLOCKS]]
    for read in (dateline, opening_dateline):  # a line of its own beats a news agency's lead
        found = next((d for d in map(read, ends) if d is not None), None)
        if found is not None:
            return found
    limit = _opening_end(body)
    early = [e for e in events if (e.char_start or 0) < limit]
    if early:
        own = early[0]  # the document's own meeting is the first dated event it tells of
        place = own.place or next((e.place for e in events if e.date_end == own.date_end and e.place), None)
        return _issuance(own, place)
    first = next((d for d in dates if d.start < limit), None)
    return _issuance(first, None) if first is not None else Issuance()
