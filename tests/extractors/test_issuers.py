"""Issuing body: defined acronym, title, opening sentence; None for bilateral texts."""

from __future__ import annotations

from extractors.issuers import issuing_body
from tests.extractors.builders import blocks


def test_acronym_defined_in_the_opening() -> None:
    opening = "The heads of the Shanghai Cooperation Organization (hereinafter referred to as the SCO) met."
    assert issuing_body(None, blocks(opening)) == "SCO"


def test_organisation_named_in_the_title() -> None:
    assert issuing_body("G7 Leaders’ Statement", blocks("We, the Leaders, met today.")) == "G7"


def test_organisation_named_in_the_first_sentence_in_russian() -> None:
    lead = (
        "Владимир Путин принял участие в заседании совета глав государств – членов Шанхайской организации "
        "сотрудничества."
    )
    assert issuing_body(None, blocks(lead)) == "SCO"


def test_bilateral_document_has_none() -> None:
    text = (
        "As leaders of Australia, the United Kingdom, and the United States, we resolve to deepen "
        "cooperation."
    )
    assert issuing_body("Joint Leaders Statement on AUKUS", blocks(text)) is None


def test_unmarked_title_line_and_first_paragraph_past_address_lines() -> None:
    opening = blocks("Uzbekistan", "16/08/2007", "Joint Communique of Council of heads of SCO member states")
    assert issuing_body(None, opening, ["Joint Communique of Council of heads of SCO member states"]) == "SCO"
    speech = blocks(
        "Panaji, 5 May 2023",
        "Foreign Ministers of the member states,",
        "It is a great honour for me to take part in a meeting of the Council of Ministers of the SCO.",
    )
    assert issuing_body(None, speech) == "SCO"
