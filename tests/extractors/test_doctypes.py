"""Document types: heading first, then opening lines, then self-reference; several languages."""

from __future__ import annotations

import pytest

from extractors.doctypes import doc_type, type_named_in, type_only
from schemas.records import DocType
from tests.extractors.builders import blocks


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("PRESS RELEASE", DocType.PRESS_RELEASE),
        ("DECLARATION BY THE HEADS OF THE MEMBER STATES", DocType.DECLARATION),
        ("Joint Communiqué of the Meeting of the Council", DocType.JOINT_COMMUNIQUE),
        ("Statement by the Press Secretary on the Joint Declaration", DocType.STATEMENT),
        ("Quad Leaders’ Joint Statement", DocType.JOINT_STATEMENT),
        ("Readout of National Security Advisor Jake Sullivan’s Meeting", DocType.READOUT),
        ("Remarks by President Biden", DocType.REMARKS),
        ("Note verbale dated 4 March 2022", DocType.NOTE_VERBALE),
        ("СОВМЕСТНОЕ КОММЮНИКЕ", DocType.JOINT_COMMUNIQUE),
        ("ДЕКЛАРАЦИЯ глав государств", DocType.DECLARATION),
        ("ИНФОРМАЦИОННОЕ СООБЩЕНИЕ", DocType.PRESS_RELEASE),
        ("ЗАЯВЛЕНИЕ глав правительств", DocType.STATEMENT),
        ("上海合作组织成员国元首理事会会议联合公报", DocType.JOINT_COMMUNIQUE),
        ("中华人民共和国和阿拉伯联合酋长国关于加强全面战略伙伴关系的联合声明", DocType.JOINT_STATEMENT),
        ("新聞公報", DocType.PRESS_RELEASE),
        ("Comunicado conjunto", DocType.JOINT_COMMUNIQUE),
        ("Communiqué de presse", DocType.PRESS_RELEASE),
    ],
)
def test_type_named_in_a_heading(heading: str, expected: DocType) -> None:
    assert type_named_in(heading) is expected
    assert doc_type(blocks(heading, headings=1), blocks(heading, headings=1), heading) is expected


def test_type_only_heading() -> None:
    assert type_only("PRESS RELEASE") is DocType.PRESS_RELEASE
    assert type_only("Meeting of the Council of Ministers") is None


def test_heading_wins_over_the_body() -> None:
    doc = blocks("PRESS RELEASE", "The Declaration adopted today ...", headings=1)
    assert (
        doc_type(doc[:1], doc, "PRESS RELEASE\n\nThe Declaration adopted today ...") is DocType.PRESS_RELEASE
    )


def test_unmarked_title_line_in_the_opening() -> None:
    doc = blocks(
        "Uzbekistan 16/08/2007 Joint Communique of Council of heads of SCO member states A regular meeting"
    )
    assert doc_type([], doc, doc[0].text) is DocType.JOINT_COMMUNIQUE


def test_lowercase_type_word_in_the_opening_does_not_count() -> None:
    doc = blocks("The leaders issued a statement of support and discussed trade.")
    assert doc_type([], doc, doc[0].text) is DocType.OTHER


def test_self_reference_in_the_body() -> None:
    text = "The parties agree as follows. ... This Declaration shall enter into force."
    doc = blocks("The parties agree as follows.", "... This Declaration shall enter into force.")
    assert doc_type([], doc, text) is DocType.DECLARATION


def judge(*paragraphs: str) -> DocType:
    doc = blocks(*paragraphs)
    return doc_type([], doc, "\n\n".join(paragraphs))


def test_a_sentence_case_title_line_names_the_type() -> None:
    assert judge("Душанбинская декларация двадцатилетия ШОС", "В двадцатую годовщину ...") == "declaration"


def test_a_summary_record_is_a_report() -> None:
    assert type_named_in("FIRST SESSION OF THE COMMISSION SUMMARY RECORD") == DocType.REPORT


def test_letter_form() -> None:
    assert judge("Dear Executive Director:", "The Philippines requests ...", "Very truly yours,") == "letter"


def test_speech_form_by_its_address_lines() -> None:
    assert (
        judge(
            "Panaji, 5 May 2023",
            "Minister of External Affairs of India, Mr Subrahmanyam Jaishankar,",
            "Foreign Ministers of the SCO member states,",
            "It is a great honour for me to take part in a meeting of the Council.",
        )
        == "remarks"
    )
    assert judge("Ladies and gentlemen,", "Thank you for coming.") == "remarks"


def test_resolution_form() -> None:
    assert judge("The General Assembly,", "Recalling the provisions of the Charter,", "Decides ...") == (
        "resolution"
    )


def test_form_of_a_document_without_type_words() -> None:
    preamble = [
        "the Member States,",
        "guided by the Shanghai Spirit;",
        "respecting openness;",
        "seeking peace;",
    ]
    assert judge(*preamble, "hereby state the following:") == "declaration"
    assert judge("Мы рассматриваем эти варварские акции как вызов фундаментальным устоям цивилизации.") == (
        "statement"
    )
    assert (
        judge(
            "On 22 May 2019, Bishkek hosted a meeting of the Council of Foreign Ministers of member states."
        )
        == "press_release"
    )
    assert judge("The fishery produced 40 tonnes in the year under review, up from 30 tonnes.") == "other"


@pytest.mark.parametrize(
    "opening",
    [
        "The Office of Legal Affairs of the United Nations presents its compliments to the Permanent Mission "
        "of Ukraine and has the honour to refer to its note.",
        "Министерство иностранных дел свидетельствует свое уважение Посольству и имеет честь сообщить.",
        "La Mission permanente présente ses compliments au Secrétariat et a l'honneur de transmettre.",
    ],
)
def test_courtesy_formula_makes_a_note_verbale(opening: str) -> None:
    doc = blocks("UNITED NATIONS", opening, "The Office avails itself of this opportunity.")
    assert doc_type(doc, doc, "\n\n".join(b.text for b in doc)) is DocType.NOTE_VERBALE


def test_resolution_opening_without_an_article() -> None:
    doc = blocks(
        "2752 (XXVI). Прием Бахрейна в члены Организации Объединенных Наций",
        "Генеральная Ассамблея,",
        "получив рекомендацию Совета Безопасности о приеме Бахрейна в члены Организации,",
        "постановляет принять Бахрейн в члены Организации Объединенных Наций.",
    )
    assert doc_type(doc, doc, "\n\n".join(b.text for b in doc)) is DocType.RESOLUTION
