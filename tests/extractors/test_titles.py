"""Titles: leading headings joined, type-only heading dropped, ALL CAPS in title case."""

from __future__ import annotations

from extractors.titles import is_all_caps, leading_headings, title, title_case, title_lines
from tests.extractors.builders import blocks


def test_type_word_alone_is_dropped_and_lines_are_joined() -> None:
    doc = blocks(
        "PRESS RELEASE",
        "Meeting of the Council of Ministers of Foreign Affairs of",
        "the Shanghai Cooperation Organization",
        "A regular meeting was held.",
        headings=3,
    )
    assert (
        title(doc)
        == "Meeting of the Council of Ministers of Foreign Affairs of the Shanghai Cooperation Organization"
    )


def test_all_caps_title_in_title_case() -> None:
    doc = blocks(
        "DECLARATION BY THE HEADS OF THE MEMBER STATES OF THE SHANGHAI COOPERATION ORGANIZATION",
        "Text.",
        headings=1,
    )
    assert (
        title(doc) == "Declaration by the Heads of the Member States of the Shanghai Cooperation Organization"
    )


def test_title_case_keeps_acronyms_numerals_and_hyphen_parts() -> None:
    assert (
        title_case("JOINT COMMUNIQUE OF THE SCO ANTI-TERRORIST STRUCTURE (RATS) FOR THE XXI CENTURY G20")
        == "Joint Communique of the SCO Anti-Terrorist Structure (RATS) for the XXI Century G20"
    )
    assert (
        title_case("MEETING OF HEADS OF GOVERNMENT (PRIME MINISTERS)")
        == "Meeting of Heads of Government (Prime Ministers)"
    )


def test_russian_all_caps_title_in_sentence_case() -> None:
    assert title_case("ДЕКЛАРАЦИЯ ГЛАВ ГОСУДАРСТВ-ЧЛЕНОВ ШОС") == "Декларация глав государств-членов ШОС"


def test_mixed_case_title_is_kept_as_printed() -> None:
    doc = blocks("DECLARATION by the Heads of the Member States", "Text.", headings=1)
    assert title(doc) == "DECLARATION by the Heads of the Member States"


def test_title_ends_at_the_type_line_and_a_dateline() -> None:
    doc = blocks(
        "上海合作組織成員國元首理事會會議", "新聞公報", "(2019年6月13日至14日,比什凱克)", "正文。", headings=3
    )
    assert title(doc) == "上海合作組織成員國元首理事會會議"


def test_no_heading_no_title() -> None:
    assert title(blocks("Just a paragraph.")) is None
    assert title([]) is None
    assert leading_headings(blocks("a", "b", "c", "d", "e")) == []


def test_title_lines_include_unmarked_short_opening_lines() -> None:
    doc = blocks(
        "[Title] BISHKEK DECLARATION By the Heads of the Member States",
        "The heads of state met and declared.",
    )
    assert [b.text for b in title_lines(doc)] == [doc[0].text]


def test_is_all_caps() -> None:
    assert is_all_caps("PRESS RELEASE")
    assert not is_all_caps("Press Release")
    assert not is_all_caps("12 3")
