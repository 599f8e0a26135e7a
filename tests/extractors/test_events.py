"""Referenced events: triggers, places, datelines, deadlines, instrument dates, page dates."""

from __future__ import annotations

import datetime as dt

from extractors.dates import find_dates
from extractors.events import find_events
from schemas.records import ReferencedEvent

D = dt.date


def events(text: str, excluded: list[tuple[int, int]] | None = None) -> list[ReferencedEvent]:
    found = find_events(text, find_dates(text), excluded or [])
    for event in found:
        assert text[event.char_start : event.char_end] == event.description
    return found


def summary(text: str) -> list[tuple[dt.date, dt.date, str | None]]:
    return [(e.date_start, e.date_end, e.place) for e in events(text)]


def test_held_on_a_date_in_a_place() -> None:
    text = (
        "the meeting of the Council of Heads of the SCO member states to be held on June 15-16, 2009 in "
        "Yekaterinburg. The exercises conducted on April 17-19, 2009 in the Republic of Tajikistan."
    )
    assert summary(text) == [
        (D(2009, 6, 15), D(2009, 6, 16), "Yekaterinburg"),
        (D(2009, 4, 17), D(2009, 4, 19), "Republic of Tajikistan"),
    ]
    assert events(text)[0].description.startswith("the meeting of the Council")


def test_event_without_a_place() -> None:
    text = "under the Interim Scheme approved by the foreign ministers on November 23, 2002."
    assert summary(text) == [(D(2002, 11, 23), D(2002, 11, 23), None)]


def test_deadlines_are_not_events() -> None:
    assert summary("the permanent bodies start operating not later than January 1, 2004.") == []
    assert summary("they will conclude an agreement before June 1, 2004.") == []


def test_a_date_inside_an_instrument_name_is_not_an_event() -> None:
    text = "They signed the Memorandum between the governments of the member states of September 14, 2001."
    name = (text.index("Memorandum"), len(text) - 1)
    assert summary(text) == [
        (D(2001, 9, 14), D(2001, 9, 14), None)
    ]  # were it not a name, "signed" makes it one
    assert events(text, [name]) == []


def test_dateline_is_the_documents_own_event() -> None:
    text = "for all nations in the world.\n\nMoscow, May 29, 2003"
    [event] = events(text)
    assert (event.date_start, event.place, event.description) == (
        D(2003, 5, 29),
        "Moscow",
        "Moscow, May 29, 2003",
    )


def test_place_in_parentheses_and_after_a_comma() -> None:
    text = (
        "at the anniversary summit of the SCO Heads of State Council (15 June 2006, Shanghai) the heads "
        "signed"
    )
    assert summary(text) == [(D(2006, 6, 15), D(2006, 6, 15), "Shanghai")]
    assert summary("On 22 May 2019, Bishkek hosted a meeting of the Council.") == [
        (D(2019, 5, 22), D(2019, 5, 22), "Bishkek")
    ]


def test_place_named_later_in_the_sentence() -> None:
    text = (
        "On November 17-18, 2025, the 24th meeting of the Council of Heads of Government of the member "
        "states was held in Moscow."
    )
    assert summary(text) == [(D(2025, 11, 17), D(2025, 11, 18), "Moscow")]


def test_russian_and_chinese_events() -> None:
    assert summary(
        "23–24 июня 2016 г. в столице Республики Узбекистан городе Ташкенте состоялось 16-е заседание"
    ) == [(D(2016, 6, 23), D(2016, 6, 24), "Ташкент")]
    assert summary("по итогам заседания Совета глав государств в Бишкеке 14 июня 2019 года") == [
        (D(2019, 6, 14), D(2019, 6, 14), "Бишкек")
    ]
    assert summary("2002年4月26日在莫斯科举行了上海合作组织成员国外交部长例行会议。") == [
        (D(2002, 4, 26), D(2002, 4, 26), "莫斯科")
    ]
    assert summary("（上海，2006年6月15日）达成的协议") == [(D(2006, 6, 15), D(2006, 6, 15), "上海")]


def test_page_dates_are_not_events() -> None:
    assert summary("发布时间:2024-11-06 00:53:13 来源: 会议联合公报") == []
    assert summary(
        "10.11.2020 16:16\n\nOn 10 November 2020, the Council held a meeting via videoconference."
    ) == [(D(2020, 11, 10), D(2020, 11, 10), None)]


def test_one_event_per_date_range_with_the_place_filled_in() -> None:
    text = (
        "Uzbekistan 16/08/2007 Joint Communique. A regular meeting of the Council took place on 16 August "
        "2007 "
        "in Bishkek."
    )
    assert summary(text) == [(D(2007, 8, 16), D(2007, 8, 16), "Bishkek")]


def test_a_bare_date_is_not_an_event() -> None:
    assert summary("The population grew by 3 percent between 1 January 2019 and the census.") == []


def test_a_place_before_a_date_inside_a_sentence_needs_a_trigger() -> None:
    text = (
        "Беспрецедентные террористические акты, совершенные в США 11 сентября 2001 года, вызывают возмущение."
    )
    assert summary(text) == []
    assert summary("Душанбинская декларация г. Душанбе 17 сентября 2021 года") == [
        (D(2021, 9, 17), D(2021, 9, 17), "Душанбе")
    ]


def test_a_venue_between_the_preposition_and_its_city() -> None:
    text = "The roundtable was held on 29-30 November 2016 at the Tanoa Plaza Hotel in Suva, Fiji."
    assert summary(text) == [(D(2016, 11, 29), D(2016, 11, 30), "Suva")]
