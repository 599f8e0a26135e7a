"""read_text(): encodings, binary and empty input, Markdown, and the seed texts end to end.

Golden files live in tests/fixtures/golden/ (regenerate with UPDATE_GOLDEN=1, see tests/tools/golden.py).
"""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from extractors.cleaning import segment
from extractors.text import read_text
from schemas.errors import EmptyDocument, UnreadableFile
from tests.tools.golden import check_clean_golden
from tests.tools.text_wer import text_wer

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
RENDERED = Path(__file__).resolve().parent.parent / "fixtures" / "rendered"
SEED_NAMES = ["sco_cfm_press_release_2009-05-15", "sco_heads_of_state_declaration_2003-05-29"]

RUSSIAN = "Совет министров иностранных дел Шанхайской организации сотрудничества провёл заседание в Москве."
CHINESE = "上海合作组织成员国外交部长理事会例行会议于2009年5月15日在莫斯科举行。"
SMART_QUOTES = (
    "The \u201cShanghai spirit\u201d \u2014 the Organization\u2019s caf\u00e9, na\u00efve r\u00e9sum\u00e9."
)


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("sentence", "encoding"),
    [
        (RUSSIAN, "utf-8"),
        (RUSSIAN, "utf-8-sig"),
        (RUSSIAN, "utf-16"),  # with BOM, native order
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (RUSSIAN[:6], "cp1251"),  # "Совет " alone
        (CHINESE, "utf-8"),
        (CHINESE, "utf-8-sig"),
        (CHINESE, "utf-16"),
        (CHINESE, "gb18030"),
        (CHINESE[:2], "gb18030"),  # "上海" alone
        (SMART_QUOTES, "cp1252"),
        ("Erkl\u00e4rung \u00fcber die Zusammenarbeit", "latin-1"),
        ("Plain ASCII text.", "ascii"),
    ],
)
def test_common_encodings_decode(sentence: str, encoding: str) -> None:
    raw = read_text(sentence.encode(encoding))
    assert raw.raw_text == sentence
    assert raw.pages == [sentence]
    assert raw.source_format == "text"


@pytest.mark.parametrize(
    ("bom", "encoding"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_utf16_in_either_byte_order(bom: bytes, encoding: str) -> None:
    text = f"{RUSSIAN}\n{CHINESE}\n"
    assert read_text(bom + text.encode(encoding)).raw_text == text


def test_smart_quotes_become_straight_after_segment() -> None:
    assert segment(read_text(SMART_QUOTES.encode("cp1252"))).text == (
        'The "Shanghai spirit" - the Organization\'s caf\u00e9, na\u00efve r\u00e9sum\u00e9.'
    )


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t\r\n", codecs.BOM_UTF8 + b" \n", codecs.BOM_UTF16_LE + " ".encode("utf-16-le")]
)
def test_empty_or_whitespace_text_is_an_empty_document(data: bytes) -> None:
    with pytest.raises(EmptyDocument):
        read_text(data)


def test_binary_data_is_unreadable() -> None:
    noise = random.Random(7).randbytes(4000)
    with pytest.raises(UnreadableFile, match="binary data, not text"):
        read_text(noise)
    with pytest.raises(UnreadableFile, match="binary data, not text"):
        read_text(noise.replace(b"\x00", b""))
    with pytest.raises(UnreadableFile, match="binary data, not text"):
        read_text(bytes(range(1, 32)) * 40)


def test_a_pdf_named_txt_is_unreadable_as_text() -> None:
    data = (RENDERED / "sco_cfm_press_release_2009-05-15.pdf").read_bytes()
    with pytest.raises(UnreadableFile, match="binary data, not text"):
        read_text(data)


# ---------------------------------------------------------------- Markdown


def test_markdown_is_detected_and_reduced_to_page_conventions() -> None:
    data = (
        b'---\ntitle: "Joint Statement"\ndate: 2024-05-01\ntags:\n  - sco\n---\n'
        b"# The *Shanghai* Spirit\n\nSome **bold** text, a [link](https://sco.int/a) and snake_case_name,"
        b" \\*not emphasis\\*, 2 * 3 * 4, ![a map](map.png), `code`, _under_ and __dunder__ a\\. b\\-c.\n\n"
        b"Underlined title\n================\n\n- item one\n- item two\n"
    )
    raw = read_text(data)
    assert raw.source_format == "markdown"
    assert raw.front_matter == {"title": "Joint Statement", "date": "2024-05-01"}
    assert raw.raw_text == data.decode()
    doc = segment(raw)
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("The Shanghai Spirit", True),
        (
            "Some bold text, a link and snake_case_name, *not emphasis*, 2 * 3 * 4, a map, code, under and"
            " dunder a. b-c.",
            False,
        ),
        ("Underlined title", True),
        ("- item one", False),
        ("- item two", False),
    ]


def test_markdown_flag_overrides_detection() -> None:
    assert read_text(b"# Title\n\ntext", markdown=False).pages == ["# Title\n\ntext"]
    assert read_text(b"# Title\n\ntext", markdown=False).source_format == "text"
    assert read_text(b"Just *text*.", markdown=True).pages == ["Just text."]
    assert read_text(b"Just *text*.").source_format == "text"


def test_front_matter_alone_is_an_empty_document() -> None:
    with pytest.raises(EmptyDocument):
        read_text(b"---\ntitle: x\n---\n\n")


# ---------------------------------------------------------------- labelled metadata header

BANNER = (
    "Example Archive of Treaties (Project Leader: A. Person)\n"
    "Database of Japanese Politics and International Relations\n"
    "Institute of Something, The University of Somewhere\n\n"
)
LABELLED = (
    "[Title] JOINT STATEMENT of the Ministers of Foreign Affairs\n\n"
    "[Place] Astana\n[Date] July 5, 2005\n[Source] The Secretariat\n[Notes]\n[Full text]\n\n"
)
BODY = "The ministers met on July 5, 2005 in Astana.\n\nThey agreed as follows.\n"


def test_labelled_header_goes_into_front_matter_and_the_banner_is_dropped() -> None:
    data = (BANNER + LABELLED + BODY).encode()
    raw = read_text(data)
    assert raw.source_format == "text"
    assert raw.front_matter == {
        "header": "labelled",
        "title": "JOINT STATEMENT of the Ministers of Foreign Affairs",
        "place": "Astana",
        "date": "July 5, 2005",
        "source": "The Secretariat",
    }
    assert raw.pages == [BODY.strip()]
    assert raw.raw_text == data.decode()  # the text as read is kept whole
    doc = segment(raw)
    assert [b.text for b in doc.blocks] == [
        "The ministers met on July 5, 2005 in Astana.",
        "They agreed as follows.",
    ]
    assert doc.front_matter == raw.front_matter


def test_labelled_header_on_the_first_line_without_a_blank_line_after_it() -> None:
    raw = read_text(b"[Title] DECLARATION OF THE HEADS OF STATE\nToday we, the heads of state, declare.\n")
    assert raw.front_matter == {"header": "labelled", "title": "DECLARATION OF THE HEADS OF STATE"}
    assert raw.pages[0].startswith("Today we")


def test_labelled_header_with_colons_in_other_languages() -> None:
    russian = (
        "Заголовок: Совместное заявление\nМесто: Москва\nДата: 5 мая 2023 года\n\n"
        "Министры встретились в Москве.\n"
    )
    assert read_text(russian.encode()).front_matter == {
        "header": "labelled",
        "title": "Совместное заявление",
        "place": "Москва",
        "date": "5 мая 2023 года",
    }
    chinese = "标题：联合公报\n地点：北京\n日期：2023年10月26日\n\n会议在北京举行。\n"
    raw = read_text(chinese.encode())
    assert raw.front_matter == {
        "header": "labelled",
        "title": "联合公报",
        "place": "北京",
        "date": "2023年10月26日",
    }
    assert raw.pages[0].startswith("会议在北京举行")


def test_labelled_header_without_a_title_keeps_what_stands_above_it() -> None:
    text = "上海合作组织联合公报\n\n发布时间:2024-11-06 00:53:13 来源: 新华社\n2023年10月26日,会议举行。\n"
    raw = read_text(text.encode())
    assert raw.front_matter == {"header": "labelled", "published": "2024-11-06 00:53:13", "source": "新华社"}
    assert raw.pages[0].split("\n")[0] == "上海合作组织联合公报"  # perhaps the document's own heading
    assert "发布时间" not in raw.pages[0]


def test_text_without_a_labelled_header_is_unchanged() -> None:
    text = "JOINT STATEMENT\n\nThe ministers met on July 5, 2005 in Astana.\n\nThey agreed as follows.\n"
    raw = read_text(text.encode())
    assert raw.front_matter == {}
    assert raw.pages == [text]


@pytest.mark.parametrize(
    "text",
    [
        # a body line that merely starts with "Date:" deep in the document
        "JOINT STATEMENT\n\n"
        + "".join(f"Paragraph {n} of the statement.\n\n" for n in range(20))
        + "Date: 5 July 2005\nPlace: Astana\n\nThe end.\n",
        # a single "Label: value" line is not enough to make a header
        "New Delhi Declaration\n\nRelease time: Apr 14, 2024 01:45 AM\n\nOn July 4, 2023, leaders met.\n",
        # a memorandum's own heading lines: "Date:" does not start a paragraph
        "MEMORANDUM\n\nTo: The Secretary-General\nFrom: The Legal Counsel\nDate: 19 December 1991\n"
        "Source: file\n\nI have the honour to report.\n",
        # a header and nothing after it is not taken away
        "[Title] A title\n[Date] July 5, 2005\n",
    ],
)
def test_label_lines_that_are_no_header_are_left_in_the_text(text: str) -> None:
    raw = read_text(text.encode())
    assert raw.front_matter == {}
    assert raw.pages == [text]


def test_markdown_is_not_read_for_a_labelled_header() -> None:
    raw = read_text(b"# Title\n\nDate: 2024-05-01\nPlace: Moscow\n\nText.\n")
    assert raw.source_format == "markdown"
    assert raw.front_matter == {}


# ---------------------------------------------------------------- the seed texts


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_text_matches_its_golden_clean_text(name: str) -> None:
    check_clean_golden(f"{name}.txt", segment(read_text((SEEDS / f"{name}.txt").read_bytes())))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_text_word_error_rate_is_about_zero(name: str) -> None:
    seed = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    # only the stray section numerals ("v", "VI") leave the text
    assert text_wer(seed, segment(read_text(seed.encode())).text) <= 0.002


def test_seed_headings_and_sections() -> None:
    press = segment(read_text((SEEDS / f"{SEED_NAMES[0]}.txt").read_bytes()))
    assert [b.text for b in press.blocks if b.heading] == [
        "PRESS RELEASE",
        "Meeting of the Council of Ministers of Foreign Affairs of the Shanghai Cooperation Organization",
    ]
    declaration = segment(read_text((SEEDS / f"{SEED_NAMES[1]}.txt").read_bytes()))
    assert [b.text for b in declaration.blocks if b.heading] == [
        "DECLARATION BY THE HEADS OF THE MEMBER STATES OF THE SHANGHAI COOPERATION ORGANIZATION"
    ]
    assert [b.section for b in declaration.blocks].count("V") == 10
    assert [b.section for b in declaration.blocks].count("VI") == 5


def test_front_matter_values_are_yaml_scalars() -> None:
    data = (
        b"---\n"
        b'title: "ASEAN-U.S. Leaders\\u2019 Statement on the\\\n  \\ Comprehensive Strategic\\_Partnership"\n'
        b"date: '2022-11-12'\n"
        b"summary: a plain value\n  folded on two lines\n"
        b"quote: 'it''s'\n"
        b"tags:\n  - sco\n"
        b"---\nText.\n"
    )
    assert read_text(data).front_matter == {
        "title": "ASEAN-U.S. Leaders\u2019 Statement on the Comprehensive Strategic Partnership",
        "date": "2022-11-12",
        "summary": "a plain value folded on two lines",
        "quote": "it's",
    }


def test_front_matter_escapes_that_name_no_character_become_replacement_characters() -> None:
    # found by tests/extractors/test_properties.py: "\\UFFFFFFFF" raised OverflowError, a lone
    # "\\uD800" gave a title that cannot be written as UTF-8 (JSON export, DuckDB)
    data = (
        b'---\ntitle: "past \\UFFFFFFFF and \\U00110000, lone \\uD800 \\uDFFF, pair \\uD83D\\uDE00"\n---\n'
        b"The Ministers met.\n"
    )
    title = read_text(data).front_matter["title"]
    assert title == "past \ufffd and \ufffd, lone \ufffd \ufffd, pair \U0001f600"
    title.encode("utf-8")


def test_markdown_html_empty_emphasis_and_end_marks_are_dropped() -> None:
    data = (
        b"**1 WE,** the Member States met; ****\n\n<!-- -->\n\n*<u>  \nPartnering for Peace</u>*\n\n"
        b"1.  We, the Leaders, met today.\n\n\\###\n"
    )
    doc = segment(read_text(data, markdown=True))
    assert [b.text for b in doc.blocks] == [
        "1 WE, the Member States met;",
        "Partnering for Peace",
        "1. We, the Leaders, met today.",
    ]
