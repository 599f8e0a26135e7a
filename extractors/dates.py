"""Dates written out in a text: "May 15, 2009", "June 15-16, 2009", "29 мая 2003 года", "2019年7月23日".

Month names come from data/months.json (en, ru, fr, es, de); Chinese dates use digits or Chinese
numerals. Regular expressions only, searched around the text's numbers: dateparser (measured: 70 ms
to import, 110 ms for its first date, 1-30 ms per date after, and it parses a date string rather
than finding dates in running text) would cost more than a whole document's parse (3-6 ms).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from extractors.lexicon import alternation
from extractors.tables import table

_ORD = r"(?:\s?(?:st|nd|rd|th)\b)?"  # "4th", "4 TH" (a PDF's spaced superscript)
_SEP = r"\s*(?:-|\u2010|\u2011|\u2013|\u2014|to|and|through|till|until|au|et|al|y|по|и)\s*"
_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0}
_CN_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_CN_YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})"
_NUMBER = re.compile(r"[\d〇零一二三四五六七八九十]+")
_CN_SEP = r"\s*(?:至|到|—|－|-|–|~|～)\s*"


@dataclass(frozen=True)
class DateSpan:
    """A date or date range found in a text, with its character span."""

    start: int
    end: int
    first: dt.date
    last: dt.date
    numeric: bool = False  # "2021-09-15", "18.09.2021": how page furniture writes dates


@cache
def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for language, table_ in table("months").items():
        if not language.startswith("_"):
            names.update(table_)
    return names


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    month = alternation(_months()) + r"\.?"
    mdy = (
        rf"(?<!\w)(?P<m1>{month})\s+(?P<d1>\d{{1,2}}){_ORD}"
        rf"(?:{_SEP}(?:(?P<m2>{month})\s+)?(?P<d2>\d{{1,2}}){_ORD})?\s*,?\s+(?P<y>\d{{4}})(?!\d)"
    )
    dmy = (
        rf"(?<!\d)(?P<d1>\d{{1,2}}){_ORD}(?:\s+(?:de\s+)?(?P<m1>{month}))?"
        rf"(?:{_SEP}(?P<d2>\d{{1,2}}){_ORD})?\s+(?:de\s+)?(?P<m2>{month}),?\s+(?:de\s+|of\s+)?(?P<y>\d{{4}})(?!\d)"
        r"(?:\s*(?:года|г\.))?"
    )
    chinese = (
        rf"(?P<y>{_CN_YEAR})\s*年\s*(?P<m1>{_CN_NUM})\s*月\s*(?P<d1>{_CN_NUM})\s*[日号]"
        rf"(?:{_CN_SEP}(?:(?P<m2>{_CN_NUM})\s*月\s*)?(?P<d2>{_CN_NUM})\s*[日号])?"
    )
    numeric = (
        r"(?<![\d.\-/])(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
        r"|(?P<nd>\d{1,2})(?P<ns>[./])(?P<nm>\d{1,2})(?P=ns)(?P<ny>\d{4}))(?![\d.\-/]\d)"
    )
    return (
        re.compile(mdy, re.IGNORECASE),
        re.compile(dmy, re.IGNORECASE),
        re.compile(chinese),
        re.compile(numeric),
    )


@cache
def _yearless_patterns() -> tuple[re.Pattern[str], ...]:
    """ "May 10-11", "on 26 November", "10 мая": a day and a full month name, no year after them."""
    month = alternation(
        {name: n for name, n in _months().items() if len(name) > 3 or not name.isascii() or name == "may"}
    )
    no_year = r"(?!\s*,?\s*(?:of\s+|de\s+)?\d)(?!\w)"
    mdy = (
        rf"(?<![\w.])(?P<m1>{month})\s+(?P<d1>\d{{1,2}}){_ORD}"
        rf"(?:{_SEP}(?:(?P<m2>{month})\s+)?(?P<d2>\d{{1,2}}){_ORD})?{no_year}"
    )
    dmy = (
        rf"(?<![\d.,/])(?P<d1>\d{{1,2}}){_ORD}(?:\s+(?:de\s+)?(?P<m1>{month}))?"
        rf"(?:{_SEP}(?P<d2>\d{{1,2}}){_ORD})?\s+(?:de\s+|of\s+)?(?P<m2>{month}){no_year}"
    )
    return re.compile(mdy, re.IGNORECASE), re.compile(dmy, re.IGNORECASE)


def _capitalised(match: re.Match[str]) -> bool:
    """A Latin month name without a year must be capitalised ("May 10", not "may 10 members")."""
    for name in ("m1", "m2"):
        month = match.group(name)
        if month and month[0].isascii() and not month[0].isupper():
            return False
    return True


def find_yearless_dates(text: str, dated: list[DateSpan], year: int | None = None) -> list[DateSpan]:
    """Return dates written without a year ("May 10-11", "on 26 November"), outside the `dated` spans.

    The year is the document's own (`year`, e.g. its front matter's), else that of the nearest full
    date before, else that of the first full date after; with none of these the date is skipped.
    """
    found: list[DateSpan] = []
    taken = [(s.start, s.end) for s in dated]
    for pattern in _yearless_patterns():
        for match in pattern.finditer(text):
            if not _capitalised(match) or any(
                s <= match.start() < e or s < match.end() <= e for s, e in taken
            ):
                continue
            before = [s for s in dated if s.end <= match.start()]
            after = [s for s in dated if s.start >= match.end()]
            guess = year or (before[-1].first.year if before else after[0].first.year if after else None)
            if guess is None:
                continue
            groups = {**match.groupdict(), "y": str(guess)}
            try:
                first, last = _written(groups)
            except ValueError:
                continue
            if last >= first:
                found.append(DateSpan(match.start(), match.end(), first, last))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda s: s.start)


def _number(value: str | None) -> int | None:
    """Read Arabic digits (any script), or a Chinese numeral up to 9999."""
    if not value:
        return None
    if value.isdigit():
        return int(value)
    if all(ch in _CN_DIGITS for ch in value):
        return int("".join(str(_CN_DIGITS[ch]) for ch in value))
    tens, _, units = value.partition("十")
    if "十" not in value:
        return _CN_DIGITS.get(value)
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)


def _month(value: str | None) -> int | None:
    if not value:
        return None
    return _months().get(value.lower().rstrip(".")) or _number(value)


def _numeric(groups: dict[str, str | None]) -> tuple[dt.date, dt.date]:
    """ "2021-09-15", "18.09.2021", "16/08/2007" (day first, unless only month-first is valid)."""
    if groups.get("iy"):
        first = dt.date(int(groups["iy"] or 0), int(groups["im"] or 0), int(groups["id"] or 0))
        return first, first
    day, month, year = int(groups["nd"] or 0), int(groups["nm"] or 0), int(groups["ny"] or 0)
    if month > 12 >= day:
        day, month = month, day
    first = dt.date(year, month, day)
    return first, first


def _written(groups: dict[str, str | None]) -> tuple[dt.date, dt.date]:
    """A date with a month name or in Chinese, perhaps a range of days ("June 15-16, 2009")."""
    year = _number(groups["y"])
    month_last = _month(groups.get("m2")) or _month(groups.get("m1"))
    month_first = _month(groups.get("m1")) or month_last
    day_first, day_last = _number(groups["d1"]), _number(groups.get("d2"))
    if year is None or month_first is None or month_last is None or day_first is None:
        raise ValueError("incomplete date")
    first = dt.date(year, month_first, day_first)
    return first, (dt.date(year, month_last, day_last) if day_last else first)


def _build(match: re.Match[str]) -> DateSpan | None:
    groups = match.groupdict()
    try:
        first, last = _numeric(groups) if groups.get("iy") or groups.get("ny") else _written(groups)
    except ValueError:  # 31 February, a month 13, a range that ends before it starts
        return None
    if last < first or not 1800 <= first.year <= 2200:
        return None
    numeric = bool(groups.get("iy") or groups.get("ny"))
    return DateSpan(match.start(), match.end(), first, last, numeric)


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of text around numbers: every date has one, so only these are searched."""
    windows: list[tuple[int, int]] = []
    for number in _NUMBER.finditer(text):
        start, end = max(0, number.start() - 30), min(len(text), number.end() + 40)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def find_dates(text: str) -> list[DateSpan]:
    """Return the full dates (day, month, year) in a text, as non-overlapping spans in text order."""
    found: list[DateSpan] = []
    for start, end in _windows(text):
        for pattern in _patterns():
            for match in pattern.finditer(text, start, end):
                span = _build(match)
                if span is not None:
                    found.append(span)
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[DateSpan] = []
    for span in found:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def parse_date(text: str) -> DateSpan | None:
    """Return the first full date in a short text (e.g. "May 29, 2003"), or None."""
    dates = find_dates(text)
    return dates[0] if dates else None
