"""Document types: heading first, then opening lines, then self-reference; several languages."""

from __future__ import annotations

import pytest

from extractors.doctypes import doc_type, type_named_in, type_only
from schemas.records import Block, DocType


def blocks(*paragraphs: str, headings: int = 0) -> list[Block]:
    out, pos = [], 0
    for index, text in enumerate(paragraphs):
        out.append(
            Block(
                text=text,
                heading=index < headings,
                page_start=1,
                page_end=1,
                char_start=pos,
                char_end=pos + len(text),
            )
        )
        pos += len(text) + 2
    return out


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
