"""Date and place of issue: closing or opening dateline, else the document's own meeting."""

from __future__ import annotations

import datetime as dt

from extractors.datelines import Issuance, dateline, issuance, opening_dateline
from extractors.dates import find_dates, find_yearless_dates
from extractors.events import find_events
from tests.extractors.builders import blocks


def issued(*paragraphs: str) -> Issuance:
    doc = blocks(*paragraphs)
    text = "\n\n".join(paragraphs)
    dates = find_dates(text)
    return issuance(doc, find_events(text, dates, []), dates)


def test_closing_dateline_wins() -> None:
    found = issued(
        "The heads of state, having met in Moscow, adopted on June 15, 2001 in Shanghai the decision.",
        "They declare the following.",
        "Moscow, May 29, 2003",
    )
    assert found == Issuance(dt.date(2003, 5, 29), "Moscow", "RUS")


def test_datelines_in_russian_and_chinese() -> None:
    assert dateline(blocks("г. Москва, 29 мая 2003 года")[0]) == Issuance(
        dt.date(2003, 5, 29), "Москва", "RUS"
    )
    assert dateline(blocks("2019年7月23日于北京")[0]) == Issuance(dt.date(2019, 7, 23), "北京", "CHN")
    assert dateline(blocks("(2019年6月13日至14日,比什凱克)")[0]) == Issuance(
        dt.date(2019, 6, 14), "比什凱克", "KGZ"
    )
    assert dateline(blocks("Done at Astana on 5 July 2005")[0]) == Issuance(
        dt.date(2005, 7, 5), "Astana", "KAZ"
    )


def test_a_sentence_is_not_a_dateline() -> None:
    assert dateline(blocks("The summit in Moscow on May 29, 2003 was a success.")[0]) is None
    assert dateline(blocks("Moscow")[0]) is None


def test_opening_dateline_of_a_speech() -> None:
    block = blocks("Panaji, 5 May 2023 Minister of External Affairs of India, Mr Subrahmanyam Jaishankar,")[0]
    assert opening_dateline(block) == Issuance(dt.date(2023, 5, 5), "Panaji", "IND")
    assert opening_dateline(blocks("Uzbekistan 16/08/2007 Joint Communique of Council")[0]) is None


def test_the_documents_own_meeting_gives_date_and_place() -> None:
    found = issued(
        "PRESS RELEASE",
        "A regular meeting of the Council of Foreign Ministers was held on May 15, 2009 in Moscow.",
        "The meeting prepared the summit to be held on June 15-16, 2009 in Yekaterinburg.",
    )
    assert found == Issuance(dt.date(2009, 5, 15), "Moscow", "RUS")


def test_a_range_gives_its_last_day() -> None:
    found = issued("A meeting of the Council was held on June 14 and 15, 2011 in Astana.")
    assert found == Issuance(dt.date(2011, 6, 15), "Astana", "KAZ")


def test_meeting_without_a_place_and_no_date_at_all() -> None:
    assert issued(
        "On 10 November 2020, the SCO Council of Heads of State held a meeting via videoconference."
    ) == (Issuance(dt.date(2020, 11, 10), None, None))
    assert issued("We resolve to deepen diplomatic, security, and defense cooperation.") == Issuance()


def test_a_written_date_alone_is_a_dateline_and_a_numeric_one_is_not() -> None:
    assert dateline(blocks("(14 сентября 2001 года)")[0]) == Issuance(dt.date(2001, 9, 14), None, None)
    assert dateline(blocks("16/08/2007")[0]) is None
    found = issued(
        "(14 сентября 2001 года)", "Террористические акты, совершенные в США 11 сентября 2001 года."
    )
    assert found == Issuance(dt.date(2001, 9, 14), None, None)


def test_front_matter_date_beats_the_first_date_not_a_dateline() -> None:
    doc = blocks(
        "We, the Leaders of the G7, met today in Brussels. Following the resolution of 2 March 2022, we act.",
        "We will continue.",
    )
    text = "\n\n".join(b.text for b in doc)
    dates = find_dates(text)
    found = issuance(doc, find_events(text, dates, []), dates, stated=dt.date(2022, 3, 24))
    assert found == Issuance(dt.date(2022, 3, 24), "Brussels", "BEL")
    signed = blocks("Text of the statement.", "Moscow, May 29, 2003")
    assert issuance(signed, [], find_dates(signed[1].text), stated=dt.date(2003, 6, 1)).date == dt.date(
        2003, 5, 29
    )


def test_place_of_meeting_without_a_dateline() -> None:
    assert issued("President Biden is honored to welcome President Marcos Jr. to Washington, DC.").place == (
        "Washington, DC"
    )
    assert issued(
        "Institución Ferial de Madrid Madrid, Spain", "PRESIDENT BIDEN: Well, thank you."
    ).place == ("Madrid")
    closing = issued(
        "We agree.", "ADOPTED in Phnom Penh, Kingdom of Cambodia, on the Twelfth day of November."
    )
    assert closing.place == "Phnom Penh"
    assert closing.country == "KHM"
    assert issued("The Commission met to discuss tuna.").place is None


def test_the_enclosed_documents_day_within_the_sessions_dates() -> None:
    found = issued(
        "3-7 December 2007 Tumon, Guam, USA",
        "EL SALVADOR DECLARATION FOR CNM STATUS, GUAM, DECEMBER 4 TH , 2007 We thank the Commission.",
    )
    assert found.date == dt.date(2007, 12, 4)


def test_a_dateline_after_a_news_agency_lead_wins() -> None:
    found = issued(
        "ДОКУМЕНТ ЭПОХАЛЬНОГО ЗНАЧЕНИЯ",
        "ДУШАНБЕ, 18.09.2021 /НИАТ «Ховар»/. Вчера в Душанбе приняли совместную декларацию.",
        "НИАТ «Ховар» публикует полный текст документа.",
        "Душанбинская декларация двадцатилетия ШОС",
        "г. Душанбе 17 сентября 2021 года",
        "В двадцатую годовщину образования ШОС государства-члены заявляют следующее.",
    )
    assert found.date == dt.date(2021, 9, 17)


def test_a_preamble_belongs_to_the_opening() -> None:
    found = issued(
        "On the occasion of the 20th anniversary of the Organisation, the Member States,",
        "guided by the Shanghai Spirit;",
        "resolved to strengthen relations;",
        "respecting openness;",
        "seeking peace;",
        "based on the results of the meeting held in Dushanbe on 17 September 2021, hereby state:",
        "1. The SCO was established in 2001.",
    )
    assert (found.date, found.place) == (dt.date(2021, 9, 17), "Dushanbe")


def test_done_at_line_followed_by_more_words() -> None:
    found = issued(
        "Высокие Договаривающиеся Стороны подтверждают свою приверженность целям.",
        "Совершено в городе Минске 8 декабря 1991 года в трех экземплярах каждый на белорусском языке.",
        "За Республику Беларусь",
    )
    assert found.date == dt.date(1991, 12, 8)
    assert found.place == "Минске" or found.place == "Минск"


def test_opening_dateline_with_state_initials_and_preposition() -> None:
    found = opening_dateline(blocks("México, D.F., a 04 de diciembre de 2015")[0])
    assert found is not None and found.date == dt.date(2015, 12, 4)


def test_an_enclosed_letters_own_dateline_beats_the_covers_session() -> None:
    found = issued(
        "TWELFTH REGULAR SESSION Bali, Indonesia 3-8 December 2015",
        "Additional Information to Support a Request WCPFC12-2015-OP19 5 December 2015 1645 Ministry",
        "Office of the Commissioner",
        "Secretariat of Agriculture",
        "PESCA",
        "Ref. 11032/021215",
        "México, D.F., a 04 de diciembre de 2015",
        "Dear Executive Director",
    )
    assert (found.date, found.country) == (dt.date(2015, 12, 4), "MEX")


def test_an_opening_statement_without_its_own_date_takes_the_sessions_first_day() -> None:
    doc = blocks(
        "TWELFTH REGULAR SESSION Bali, Indonesia 3-8 December 2015",
        "Opening Statement by Liberia to the 12th Regular Session of the Commission",
        "Thank you Mr. Chairperson, and good day to all.",
    )
    doc[1] = doc[1].model_copy(update={"heading": True})
    text = "\n\n".join(b.text for b in doc)
    dates = find_dates(text)
    assert issuance(doc, find_events(text, dates, []), dates).date == dt.date(2015, 12, 3)
    doc[1] = doc[1].model_copy(update={"heading": False, "text": "Statement by Liberia to the Commission"})
    assert issuance(doc, find_events(text, dates, []), dates).date == dt.date(2015, 12, 8)


def test_a_papers_yearless_day_within_the_session() -> None:
    paragraphs = (
        "TWELFTH REGULAR SESSION Bali, Indonesia 3-8 December 2015",
        "Statement by a Member WCPFC12-2015-OP17 03 December",
        "Thank you Mr. Chairperson, and good day to all.",
    )
    doc = blocks(*paragraphs)
    text = "\n\n".join(paragraphs)
    dates = find_dates(text)
    yearless = find_yearless_dates(text, dates)
    assert issuance(doc, find_events(text, dates, []), dates, None, yearless).date == dt.date(2015, 12, 3)


def test_a_communique_of_a_roundtable_held_before_the_session_takes_its_date() -> None:
    found = issued(
        "Denarau Island, Fiji 5 - 9 December, 2016",
        "Submitted by an Observer WCPFC13-2016-OP15 7 th December 2016",
        "COMMUNIQUE ISSUED AT THE END OF A 2-DAY ROUNDTABLE WHICH WAS HELD ON 29TH-30TH NOVEMBER 2016 "
        "AT THE TANOA PLAZA HOTEL IN SUVA, FIJI.",
    )
    assert (found.date, found.place, found.country) == (dt.date(2016, 11, 30), "Suva", "FJI")
