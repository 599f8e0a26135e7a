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
from extractors.places import city_at, find_places, place_at, place_country
from extractors.tables import table
from schemas.records import Block, ReferencedEvent

_DATELINE_CHARS = 120
_CLOSING_BLOCKS = 3
_OPENING_BLOCKS = 4
_OPENING_PARAGRAPHS = 2
_PARAGRAPH_CHARS = 200
_PREAMBLE_BLOCKS = 20
_CLAUSE_ENDS = (";", ",", "；", "，")
_DATELINE_BLOCKS = 8
_LEFTOVER = re.compile(r"[\W\d_]*")
_COMMA = re.compile(r"\s*[,，]\s*")
# between a dateline's place and its date: a comma, a state's initials and a preposition
# ("México, D.F., a 04 de diciembre de 2015", "Genève, le 3 mars")
_GAP = re.compile(r"\s*[,，]\s*(?:(?:[A-Z]\.){2,},?\s*)?(?:(?:a|le|den|am|on|the)\s+)?")
_ON = re.compile(r"\s*,?\s*(?:on\s+(?:the\s+)?|this\s+)?")
_ADOPTED = re.compile(
    r"\W*(?:done|adopted|signed|issued|made)\s+(?:at|in)\s+(?:the\s+(?:city|town)\s+of\s+)?"
    r"|\W*(?:совершено|принято|подписано)\s+в\s+(?:городе\s+|г\.\s*)?",
    re.IGNORECASE,
)
_IN_CITY = re.compile(r"\b(?:in|at|to)\s+(?:the\s+city\s+of\s+)?")
# a sentence ends after a word, not after an initial or a title ("Joseph R. Biden, Jr. is ...")
_SENTENCES = re.compile(r".+?(?:(?:(?<=[a-zа-я]{3})|(?<=[\d)\"']))[.!?](?=\s|$)|$)", re.S)


@dataclass(frozen=True)
class Issuance:
    """Date, place (as named) and ISO3 country of issue; None where the text does not say."""

    date: dt.date | None = None
    place: str | None = None
    country: str | None = None


@cache
def _meeting_words() -> Lexicon[bool]:
    return Lexicon(((w, True) for w in table("events")["meeting_words"]), ignore_case=True)


@cache
def _opening_words() -> Lexicon[bool]:
    return Lexicon(((w, True) for w in table("events")["opening_words"]), ignore_case=True)


@cache
def _dateline_words() -> Lexicon[bool]:
    return Lexicon(((w, True) for w in table("events")["dateline_words"]), ignore_case=True)


def opening_dateline(block: Block) -> Issuance | None:
    """Read the dateline a block opens with ("Panaji, 5 May 2023 Minister ..."), else None."""
    text = block.text
    place = place_at(text, len(text) - len(text.lstrip(" \t\n([")))
    span = parse_date(text[place.end : place.end + 40]) if place else None
    if place is None or span is None or not _GAP.fullmatch(text, place.end, place.end + span.start):
        return None
    return _issuance(span, place.name)


def adopted_dateline(block: Block) -> Issuance | None:
    """Read a block that opens "Done at Minsk on 8 December 1991 ..." / "Совершено в городе Минске
    8 декабря 1991 года в трех экземплярах ...": the place and date of signature, else None."""
    lead = _ADOPTED.match(block.text)
    city = city_at(block.text, lead.end()) if lead else None
    if city is None:
        return None
    span = parse_date(block.text[city.end : city.end + 40])
    if span is None or not _ON.fullmatch(block.text, city.end, city.end + span.start):
        return None
    return _issuance(span, city.name)


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
    """Where the opening ends: after the first paragraphs, past any short furniture lines, and
    through a preamble whose clauses end in ";" or "," ("the Member States, ...; guided by ...;")."""
    body = [b for b in blocks if not b.heading]
    paragraphs = [b for b in body if len(b.text) >= _PARAGRAPH_CHARS]
    short = body[:_OPENING_BLOCKS]
    ends = [b.char_end for b in paragraphs[:_OPENING_PARAGRAPHS]] + [b.char_end for b in short]
    end = max(ends, default=0)
    for index, block in enumerate(body):
        if block.char_end == end and index + 1 < len(body):
            for following in body[index + 1 : index + 1 + _PREAMBLE_BLOCKS]:
                end = following.char_end
                if not block.text.rstrip().endswith(_CLAUSE_ENDS):
                    break
                block = following
            break
    return end


def issuance(
    blocks: list[Block],
    events: list[ReferencedEvent],
    dates: list[DateSpan],
    stated: dt.date | None = None,
    yearless: list[DateSpan] | None = None,
) -> Issuance:
    """Decide the date and place of issue of a document from its blocks, events and dates.

    `stated` is a date the document states outside its body (a Markdown file's front matter
    `date:`): it beats the document's own meeting and first date, not a dateline. `yearless` are
    the dates written without a year ("03 December"), a meeting paper's own date among them.
    """
    body = [b for b in blocks if b.text.strip()]
    closing = list(reversed(body[-_CLOSING_BLOCKS:]))
    session = _Session(dates, yearless or [], events, _opening_end(body), _opens_session(body))
    for read, ends in (  # a line of its own beats a news agency's lead
        (dateline, [*closing, *body[:_DATELINE_BLOCKS]]),
        (opening_dateline, [*closing, *body[:_DATELINE_BLOCKS]]),
        (adopted_dateline, list(reversed(body))),
    ):
        found = next((d for d in map(read, ends) if d is not None), None)
        if found is not None:
            found = session.narrow(found)
            if found.place is None:
                place = _place_of_meeting(body)
                found = Issuance(found.date, place, place_country(place) if place else None)
            return found
    limit = _opening_end(body)
    early = [e for e in events if (e.char_start or 0) < limit]
    if early:
        own = early[0]  # the document's own meeting is the first dated event it tells of
        place = own.place or next((e.place for e in events if e.date_end == own.date_end and e.place), None)
        place = place or _place_of_meeting(body)
        if stated is not None:
            return Issuance(stated, place, place_country(place) if place else None)
        return session.narrow(_issuance(own, place))
    place = _place_of_meeting(body)
    if stated is not None:
        return Issuance(stated, place, place_country(place) if place else None)
    first = next((d for d in dates if d.start < limit), None)
    if first is None:
        return Issuance(None, place, place_country(place) if place else None)
    return session.narrow(_issuance(first, place))


_PAPER_LEAD = dt.timedelta(days=60)


def _opens_session(body: list[Block]) -> bool:
    """Whether a leading heading calls the document an opening statement (address, remarks)."""
    return any(
        b.heading and next(_opening_words().finditer(b.text), None) is not None
        for b in body[:_DATELINE_BLOCKS]
    )


@dataclass(frozen=True)
class _Session:
    """What a meeting paper's opening says about its date against its cover's session."""

    dates: list[DateSpan]
    yearless: list[DateSpan]
    events: list[ReferencedEvent]
    limit: int
    opening: bool

    def narrow(self, found: Issuance) -> Issuance:
        """A meeting paper's cover gives the session ("3-7 December 2007 Tumon, Guam"); the enclosed
        document's own date wins: a meeting of its own held in the weeks before the session (a
        roundtable whose communiqué it is), else the single day its opening names inside that range or
        in the weeks before it (a paper dated "13 November 2015" or "03 December" for a 3-8 December
        session); an opening statement with neither takes the session's first day."""
        span = next((d for d in self.dates if d.last == found.date and d.first < d.last), None)
        if span is None:
            return found
        window = (span.first - _PAPER_LEAD, span.first)
        own = [
            e
            for e in self.events
            if (e.char_start or 0) < self.limit
            and e.date_start < e.date_end
            and window[0] <= e.date_start
            and e.date_end < window[1]
        ]
        if own:
            place = own[0].place or found.place
            return Issuance(own[0].date_end, place, place_country(place) if place else None)
        inside = sorted(
            (
                d
                for d in [*self.dates, *self.yearless]
                if d.start < self.limit and d.first == d.last and window[0] <= d.first <= span.last
            ),
            key=lambda d: d.start,
        )
        if inside:
            return Issuance(inside[0].first, found.place, found.country)
        if self.opening:
            return Issuance(span.first, found.place, found.country)
        return found


def _place_of_meeting(body: list[Block]) -> str | None:
    """Where the document was issued when no dateline says: a closing "Adopted in Phnom Penh, ..."
    line, else the city its opening sentences meet in ("met today in Brussels", "welcome ... to
    Washington"), else an opening line naming a city and its state ("Madrid, Spain")."""
    for block in reversed(body[-_CLOSING_BLOCKS:]):
        lead = _ADOPTED.match(block.text)
        city = city_at(block.text, lead.end()) if lead else None
        if city is not None:
            return city.name
    opening = body[:_OPENING_PARAGRAPHS]
    for block in opening:
        for sentence in _SENTENCES.finditer(block.text):
            if next(_meeting_words().finditer(sentence.group()), None) is None:
                continue
            for lead in _IN_CITY.finditer(sentence.group()):
                city = city_at(sentence.group(), lead.end())
                if city is not None:
                    return city.name
    for block in body[:_OPENING_BLOCKS]:
        for city in find_places(block.text):
            state = _COMMA.match(block.text, city.end)
            after = place_at(block.text, state.end()) if state else None
            if after is not None and after.country == city.country and after.name != city.name:
                return city.name
    return None
