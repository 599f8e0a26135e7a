"""Referenced events: meetings, summits, exercises, signings named with an explicit date.

A date is an event when its clause says something happened or will happen then ("held on",
"signed on", "состоялось", "举行"; data/events.json), when a place follows it ("June 15-16, 2009
in Yekaterinburg", "(15 June 2006, Shanghai)", "2019年7月23日于北京") or leads to it ("Moscow,
May 29, 2003", "в Бишкеке 14 июня 2019 года"). Deadlines ("not later than January 1, 2004"),
dates inside an instrument's name ("Memorandum ... of September 14, 2001") and a page's own
dates ("2024-11-06 00:53") are not events; a place named before a date inside a sentence does not
make it one by itself ("террористические акты, совершенные в США 11 сентября 2001 года").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from extractors.dates import DateSpan
from extractors.lexicon import Lexicon
from extractors.places import Place, city_at, find_places, place_at
from extractors.scripts import HAN
from extractors.tables import table
from schemas.records import ReferencedEvent

_WINDOW = 90
_SENTENCE = 300
_SENTENCE_END = re.compile(r"[.!?。](?:\s|$)|\n\s*\n")
_CLAUSE_BREAK = re.compile(r"[.!?;。；！？]\s|\n\s*\n|[.!?。]$")
_IN_EN = re.compile(r"\s*,?\s*(?:in|at)\s+", re.IGNORECASE)
# a venue between the preposition and its city: "at the Tanoa Plaza Hotel in Suva"
_VENUE_IN = re.compile(r"[^\W\d][\w'’ -]{0,40}?\s(?:in|at)\s+", re.IGNORECASE)
_IN_RU = re.compile(r"\s*(?:года|г\.)?\s*,?\s*в\s+(?:городе\s+|г\.\s*)?")
_ZH_AT = re.compile(r"[在于於]")
_PAREN_AFTER = re.compile(r"\s*[,，]\s*")
_CAPITALISED_PLACE = re.compile(r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2}")
_IN_BEFORE = re.compile(r"(?:(?:\b(?:in|at)|(?<!\w)(?:в|во))\s+(?:(?:the|городе|г\.)\s+)?|(?<!\w)г\.\s*)$")
_ONLY_ARTICLE = re.compile(r"\s*(?:the\s+)?")
_TIMESTAMP = re.compile(r"\s*\d{1,2}:\d{2}")
_PLACE_LINE = re.compile(
    r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}(?:\s*,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}){0,3}"
)
_QUALIFIED_ON = re.compile(
    r"(?:\s*,\s*[A-Z][\w.]*(?:\s+(?:of\s+)?[A-Z][\w.]*){0,4})?\s*,?\s+on\s+(?:the\s+)?"
)
_NOT_PLACES = frozenset({"The", "This", "That", "Accordance", "Line", "Order", "Connection", "Particular"})


@dataclass(frozen=True)
class _Context:
    left_start: int
    right_end: int


@cache
def _lexicon(name: str) -> Lexicon[str]:
    entries = table("events")[name]
    return Lexicon(((w, lang) for lang, words in entries.items() for w in words), ignore_case=True)


def _context(text: str, span: DateSpan) -> _Context:
    left_floor = max(0, span.start - _WINDOW)
    breaks = list(_CLAUSE_BREAK.finditer(text, left_floor, span.start))
    left = breaks[-1].end() if breaks else left_floor
    after = _CLAUSE_BREAK.search(text, span.end, min(len(text), span.end + _WINDOW))
    right = after.start() + 1 if after else min(len(text), span.end + _WINDOW)
    return _Context(left, right)


def _deadline(text: str, span: DateSpan, context: _Context) -> bool:
    """ "not later than January 1, 2004", "до 1 января", "2004年1月1日前": a deadline, not an event."""
    for hit in _lexicon("deadlines").finditer(text, context.left_start, span.start):
        if hit.value != "zh" and _ONLY_ARTICLE.fullmatch(text, hit.end, span.start):
            return True
    after = text[span.end : context.right_end].lstrip()
    return any(after.startswith(marker) for marker in table("events")["deadlines"]["zh"])


def _triggered(text: str, span: DateSpan, context: _Context) -> bool:
    lexicon = _lexicon("triggers")
    before = next(lexicon.finditer(text, context.left_start, span.start), None) is not None
    return before or next(lexicon.finditer(text, span.end, context.right_end), None) is not None


def _place_after(text: str, span: DateSpan, context: _Context) -> tuple[str, int] | None:
    """The place named right after a date: "in Moscow", "в Ташкенте", "于北京", ", Shanghai)"."""
    for pattern in (_IN_EN, _IN_RU):
        lead = pattern.match(text, span.end, context.right_end)
        if lead is None:
            continue
        place = place_at(text, lead.end())
        if place is None and pattern is _IN_RU:
            place = next(iter(find_places(text, lead.end(), context.right_end)), None)
        if place is None and pattern is _IN_EN:
            venue = _VENUE_IN.match(text, lead.end(), context.right_end)
            place = city_at(text, venue.end()) if venue else None
        if place is not None:
            return place.name, place.end
        unknown = _CAPITALISED_PLACE.match(text, lead.end(), context.right_end)
        if pattern is _IN_EN and unknown and unknown.group().split()[0] not in _NOT_PLACES:
            return unknown.group().rstrip("."), unknown.end()
    comma = _PAREN_AFTER.match(text, span.end, context.right_end)
    if comma is not None:
        place = place_at(text, comma.end())
        closed = place is not None and text[place.end : place.end + 2].strip()[:1] in (")", "）")
        if place is not None and (closed or city_at(text, comma.end())):
            return place.name, place.end  # "(15 June 2006, Shanghai)", "On 22 May 2019, Bishkek hosted"
    sentence = _SENTENCE_END.search(text, span.end, min(len(text), span.end + _SENTENCE))
    sentence_end = sentence.start() if sentence else min(len(text), span.end + _SENTENCE)
    for trigger in _lexicon("triggers").finditer(text, span.end, sentence_end):
        lead = _IN_EN.match(text, trigger.end, sentence_end)
        place = place_at(text, lead.end()) if lead else None
        if place is not None:
            return place.name, place.end  # "On November 17-18, 2025, the meeting ... was held in Moscow"
    if HAN.search(text, span.end, context.right_end):
        at = _ZH_AT.search(text, span.end, min(context.right_end, span.end + 40))
        if at is not None:
            zh_place = next(iter(find_places(text, at.end(), min(context.right_end, at.end() + 30))), None)
            if zh_place is not None:
                return zh_place.name, zh_place.end
    return None


def _place_before(text: str, span: DateSpan, context: _Context) -> Place | None:
    """A place just before a date: "Moscow, May 29, 2003", "(上海,2006年6月15日)", "in Moscow on ..."."""
    places = find_places(text, context.left_start, span.start)
    if not places:
        return None
    place = places[-1]
    between = text[place.end : span.start]
    if re.fullmatch(r"\s*[,，]\s*|\s+on\s+", between):
        return place
    if between.isspace() and _IN_BEFORE.search(text, max(0, place.start - 12), place.start):
        return place  # "в Бишкеке 14 июня 2019 года", "in Astana 5 July 2005"
    return None


def _line_place(text: str, span: DateSpan) -> Place | None:
    """A line holding only a date and a place, either way round: a meeting's cover line
    ("3-7 December 2007 Tumon, Guam, USA", "Bali, Indonesia 3 - 8 December 2015")."""
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    line_end = len(text) if line_end < 0 else line_end
    head, tail = text[line_start : span.start].strip(" ,\t"), text[span.end : line_end].strip(" ,\t")
    if bool(head) == bool(tail):
        return None
    rest_start = line_start if head else span.end
    rest = head or tail
    if not _PLACE_LINE.fullmatch(rest):
        return None
    places = find_places(
        text, rest_start, line_start + len(text[line_start:line_end]) if tail else span.start
    )
    return places[0] if places else None


def _in_place_on(text: str, span: DateSpan, context: _Context) -> Place | None:
    """ "in Phnom Penh, Kingdom of Cambodia, on November 12, 2022", "in Washington, D.C. on May 12, 2022"."""
    for place in reversed(find_places(text, context.left_start, span.start)):
        if _QUALIFIED_ON.fullmatch(text, place.end, span.start) and _IN_BEFORE.search(
            text, max(0, place.start - 12), place.start
        ):
            return place
    return None


def _leads(text: str, place: Place | None) -> bool:
    """A place that opens a line ("Moscow, May 29, 2003") or follows "г." makes its date an event; one
    inside a sentence ("совершенные в США 11 сентября") needs a word saying something happened."""
    if place is None:
        return False
    line_start = text.rfind("\n", 0, place.start) + 1
    opens_line = not text[line_start : place.start].strip(" \t()（）[]")
    return opens_line or text[max(0, place.start - 4) : place.start].rstrip().endswith("г.")


def _description(text: str, span: DateSpan, context: _Context, end: int) -> tuple[int, int]:
    nouns = list(_lexicon("event_nouns").finditer(text, context.left_start, span.start))
    if not nouns:
        return span.start, end
    start = nouns[-1].start
    article = re.search(r"(?:\b(?:the|a|an|its|this)\s+)$", text[max(context.left_start, start - 6) : start])
    return (start - len(article.group()) if article else start), end


def _word_before(text: str, start: int) -> int:
    """Start of the word or two before a position ("held on |2021-09-15" -> "held")."""
    words = list(re.finditer(r"\w+", text[max(0, start - 30) : start]))
    lead = [w for w in words if w.group().lower() not in ("on", "of", "the", "dated")]
    return max(0, start - 30) + lead[-1].start() if lead else start


def find_events(text: str, dates: list[DateSpan], excluded: list[tuple[int, int]]) -> list[ReferencedEvent]:
    """Return the dated events of a text in text order, one per date range.

    `excluded` spans (instrument names) hold dates that are not events.
    """
    found: dict[tuple[dt.date, dt.date], ReferencedEvent] = {}
    for span in dates:
        if any(s <= span.start < e for s, e in excluded) or _TIMESTAMP.match(text, span.end):
            continue  # a date in an instrument's name; a page's time stamp "2024-11-06 00:53"
        context = _context(text, span)
        if _deadline(text, span, context):
            continue
        if span.numeric and not _lexicon("triggers").match_at(text, _word_before(text, span.start)):
            continue  # "2024-11-06", "10.11.2020" are a page's dates unless "held on" leads to them
        after = _place_after(text, span, context)
        before = None if after else _place_before(text, span, context)
        framed = (
            None
            if after or _leads(text, before)
            else _line_place(text, span) or _in_place_on(text, span, context)
        )
        before = framed or before
        if not (after or framed or _leads(text, before) or _triggered(text, span, context)):
            continue
        place = after[0] if after else (before.name if before else None)
        start, end = _description(text, span, context, after[1] if after else span.end)
        if before is not None:
            start = min(start, before.start)  # "Moscow, May 29, 2003"
        event = ReferencedEvent(
            description=text[start:end],
            date_start=span.first,
            date_end=span.last,
            place=place,
            char_start=start,
            char_end=end,
        )
        known = found.get((span.first, span.last))
        if known is None:
            found[(span.first, span.last)] = event
        elif known.place is None and place is not None:
            found[(span.first, span.last)] = known.model_copy(update={"place": place})
    return sorted(found.values(), key=lambda e: e.char_start or 0)
