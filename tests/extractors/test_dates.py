"""Dates: English, Russian, Chinese, ranges, numeric forms, invalid dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.dates import find_dates, parse_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "first", "last", "printed"),
    [
        ("was held on May 15, 2009 in Moscow", D(2009, 5, 15), D(2009, 5, 15), "May 15, 2009"),
        ("to be held on June 15-16, 2009 in", D(2009, 6, 15), D(2009, 6, 16), "June 15-16, 2009"),
        ("conducted on April 17-19, 2009", D(2009, 4, 17), D(2009, 4, 19), "April 17-19, 2009"),
        ("held on June 14 and 15, 2011 in Astana", D(2011, 6, 14), D(2011, 6, 15), "June 14 and 15, 2011"),
        ("held on 8-9 June 2017 in Astana", D(2017, 6, 8), D(2017, 6, 9), "8-9 June 2017"),
        ("from 30 June – 1 July 2009", D(2009, 6, 30), D(2009, 7, 1), "30 June – 1 July 2009"),
        ("«29 мая 2003 года»", D(2003, 5, 29), D(2003, 5, 29), "29 мая 2003 года"),
        ("23–24 июня 2016 г. в столице", D(2016, 6, 23), D(2016, 6, 24), "23–24 июня 2016 г."),
        ("1 — 2 ноября 2019 года", D(2019, 11, 1), D(2019, 11, 2), "1 — 2 ноября 2019 года"),
        ("2019年7月23日于北京", D(2019, 7, 23), D(2019, 7, 23), "2019年7月23日"),
        ("(2019年6月13日至14日,比什凱克)", D(2019, 6, 13), D(2019, 6, 14), "2019年6月13日至14日"),
        ("二〇一九年七月二十二日", D(2019, 7, 22), D(2019, 7, 22), "二〇一九年七月二十二日"),
        ("le 5 juillet 2005", D(2005, 7, 5), D(2005, 7, 5), "5 juillet 2005"),
        ("5 de julio de 2005", D(2005, 7, 5), D(2005, 7, 5), "5 de julio de 2005"),
        ("date 2021-09-15", D(2021, 9, 15), D(2021, 9, 15), "2021-09-15"),
        ("ДУШАНБЕ, 18.09.2021 /НИАТ", D(2021, 9, 18), D(2021, 9, 18), "18.09.2021"),
    ],
)
def test_dates_and_ranges(text: str, first: dt.date, last: dt.date, printed: str) -> None:
    [span] = find_dates(text)
    assert (span.first, span.last, text[span.start : span.end]) == (first, last, printed)


@pytest.mark.parametrize(
    "text",
    [
        "for 2010-2012",
        "before the end of 2003",
        "in the autumn of this year",
        "February 30, 2020",
        "May 10-11",
    ],
)
def test_no_full_date(text: str) -> None:
    assert find_dates(text) == []


def test_numeric_dates_are_marked() -> None:
    assert [s.numeric for s in find_dates("10.11.2020 and 10 November 2020")] == [True, False]


def test_several_dates_in_text_order() -> None:
    text = "adopted on June 15, 2001 in Shanghai; signed on June 7, 2002 in St. Petersburg"
    assert [s.first for s in find_dates(text)] == [D(2001, 6, 15), D(2002, 6, 7)]


def test_parse_date() -> None:
    span = parse_date("Moscow, May 29, 2003")
    assert span is not None and span.first == D(2003, 5, 29)
    assert parse_date("no date here") is None


@given(st.text(alphabet="0123456789 -–.,/年月日至JuneMayмая", max_size=40))
def test_every_date_found_is_a_valid_range(text: str) -> None:
    for span in find_dates(text):
        assert span.first <= span.last
        assert 0 <= span.start < span.end <= len(text)


def test_spaced_ordinal_and_comma_before_the_year() -> None:
    span = parse_date("GUAM, DECEMBER 4 TH , 2007 WCPFC4")
    assert span is not None
    assert (span.first, span.last) == (dt.date(2007, 12, 4), dt.date(2007, 12, 4))
