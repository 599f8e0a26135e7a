"""clean() and segment(): character normalisation, reflow, hyphenation, sections, headings, spans."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.cleaning import clean, segment
from schemas.records import CleanDocument, RawDocument


def _segment(*pages: str) -> CleanDocument:
    return segment(RawDocument(source_format="text", pages=list(pages), raw_text="\f".join(pages)))


def _assert_spans(doc: CleanDocument) -> None:
    for block in doc.blocks:
        assert doc.text[block.char_start : block.char_end] == block.text
    assert doc.text == "\n\n".join(block.text for block in doc.blocks)


# ---------------------------------------------------------------- clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﬁnal ﬂow ﬀ", "final flow ff"),
        (
            "\u201cShanghai spirit\u201d and the Organization\u2019s",
            '"Shanghai spirit" and the Organization\'s',
        ),
        (
            "June 15\u201316, Uzbekistan \u2014 having, \u2212 5, 2\u20123",
            "June 15-16, Uzbekistan - having, - 5, 2-3",
        ),
        ("non\u00a0breaking\u2009thin\u3000ideographic\tTab", "non breaking thin ideographic Tab"),
        ("Coopera\u00adtion zero\u200bwidth\ufeff", "Cooperation zerowidth"),
        ("many     spaces   \nline  \r\nwindows\rmac", "many spaces\nline\nwindows\nmac"),
        ("e\u0301te\u0301", "été"),  # NFC
        ("上海合作组织，成员国。", "上海合作组织，成员国。"),  # CJK punctuation is left alone
        ("می\u200cخواهم", "می\u200cخواهم"),  # ZWNJ is spelling in Persian: kept
    ],
)
def test_clean_normalises_characters(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@given(st.text())
@settings(max_examples=400, deadline=None)
def test_clean_never_raises_and_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


# ---------------------------------------------------------------- reflow and hyphenation


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("the Shanghai Coopera-\ntion Organization", "the Shanghai Cooperation Organization"),
        ("the Executive Commi-\nttee of the Structure", "the Executive Committee of the Structure"),
        ("the SCO Secretary-\nGeneral B. Nurgaliev", "the SCO Secretary-General B. Nurgaliev"),
        ("for 2010-\n2012, and", "for 2010-2012, and"),
        ('exercises "Norak-\nAntiterror-2009" conducted', 'exercises "Norak-Antiterror-2009" conducted'),
        ("the SCO Counter-\nTerrorism Convention", "the SCO Counter-Terrorism Convention"),
        ("strengthening its anti-\nterrorism potential", "strengthening its anti-terrorism potential"),
        ("the problem of non-\nproliferation", "the problem of non-proliferation"),
        ("pre- and post-\nconflict, in any conflict", "pre- and post-conflict, in any conflict"),
        ("of the Regional Anti-\nterrorist Structure", "of the Regional Anti-terrorist Structure"),
        (
            "the heads of the Regional Anti-\nterrorist Structure (antiterrorist)",
            "the heads of the Regional Antiterrorist Structure (antiterrorist)",
        ),
        ("both pre-\nand post-conflict work", "both pre- and post-conflict work"),
        ("global dimension -\nis particularly acute", "global dimension - is particularly acute"),
        (
            "modern inter-\nnational order and international law",
            "modern international order and international law",
        ),
        ("co-operation is good; co-\noperation again", "co-operation is good; co-operation again"),
        ("hard\n  wrapped   line\nwith odd spaces", "hard wrapped line with odd spaces"),
        ("上海合作组织成员国\n外交部长理事会", "上海合作组织成员国外交部长理事会"),
    ],
)
def test_segment_reflows_and_rejoins_hyphenated_words(lines: str, expected: str) -> None:
    assert _segment(lines).text == expected


@pytest.mark.parametrize("run", ["上海合作组织", "a", "Я", "7"])
def test_a_long_run_of_word_characters_is_segmented_in_linear_time(run: str) -> None:
    # found while fuzzing long lines (tests/extractors/test_properties.py): the vocabulary's
    # compound and split-word patterns were tried inside every run of word characters, each try
    # rescanning the rest of it; 40,000 unspaced Chinese characters took 22 s
    line = run * (60_000 // len(run))
    started = time.perf_counter()
    doc = _segment(f"{line}\n\nthe anti-\nterrorism Coopera-\ntion")
    assert time.perf_counter() - started < 2.0
    assert doc.text == f"{line}\n\nthe anti-terrorism Cooperation"


def test_paragraph_running_over_a_page_break_is_one_block() -> None:
    doc = _segment(
        "First paragraph.\n\nThe meeting was held in the Shanghai Coopera-", "tion Organization.\n"
    )
    assert [b.text for b in doc.blocks] == [
        "First paragraph.",
        "The meeting was held in the Shanghai Cooperation Organization.",
    ]
    assert (doc.blocks[1].page_start, doc.blocks[1].page_end) == (1, 2)


def test_page_break_after_a_finished_sentence_starts_a_new_paragraph() -> None:
    doc = _segment("It ends here.", "A new paragraph starts.", "continued in lower case.")
    assert [b.text for b in doc.blocks] == [
        "It ends here.",
        "A new paragraph starts. continued in lower case.",
    ]
    assert [(b.page_start, b.page_end) for b in doc.blocks] == [(1, 1), (2, 3)]


def test_pages_without_blank_lines_are_split_at_short_sentence_ends() -> None:
    page = (
        "The heads of state approved the draft regulations governing the operating\n"
        "procedures of the SCO bodies.\n"
        "The Organization budget formation and execution procedure has been agreed\n"
        "and signed by K.\n"
        "Sarbaev and the heads of state signed the respective agreement at the end.\n"
    )
    assert [b.text[:30] for b in _segment(page).blocks] == [
        "The heads of state approved th",
        "The Organization budget format",
    ]


def test_numbered_items_after_a_sentence_start_paragraphs() -> None:
    doc = _segment("Preamble.\n\nThe parties agreed:\n1. to meet;\n2. to report.\nNo new item on 2009.")
    assert [b.text for b in doc.blocks] == [
        "Preamble.",
        "The parties agreed:",
        "1. to meet;",
        "2. to report. No new item on 2009.",
    ]


# ---------------------------------------------------------------- sections and headings


def test_stray_roman_numerals_become_sections() -> None:
    doc = _segment("Before.\n\nv\n\nIn section five.\n\nStill five.", "VI\nIn section six.\n\nIV.\n\nFour.")
    assert [(b.text, b.section) for b in doc.blocks] == [
        ("Before.", None),
        ("In section five.", "V"),
        ("Still five.", "V"),
        ("In section six.", "VI"),
        ("Four.", "IV"),
    ]
    assert "\nv\n" not in doc.text and "VI" not in doc.text


def test_markdown_heading_lines_become_heading_blocks_and_merge_when_continued() -> None:
    doc = _segment("## PRESS RELEASE\n\n## Meeting of the Council of\n\n## the Organization\n\nBody text.")
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("PRESS RELEASE", True),
        ("Meeting of the Council of the Organization", True),
        ("Body text.", False),
    ]


def test_all_caps_title_lines_form_one_heading() -> None:
    doc = _segment(
        "DECLARATION\nBY THE HEADS OF THE MEMBER STATES\nOF THE ORGANIZATION\n\nThe heads of state met."
    )
    assert doc.blocks[0].text == "DECLARATION BY THE HEADS OF THE MEMBER STATES OF THE ORGANIZATION"
    assert doc.blocks[0].heading
    assert not doc.blocks[1].heading


def test_empty_pages_give_an_empty_document() -> None:
    assert _segment("", "  \n\n", "\f") == CleanDocument(text="", blocks=[])


# ---------------------------------------------------------------- properties

_PAGE_TEXT = st.lists(
    st.sampled_from(
        [*"abcXYZ ivxIVX-#.:;,\n\t  \u00ad\u2014\u201c\u200b上海ﬁ12", "## ", "\n\n", "1. ", "anti-"]
    ),
    max_size=80,
).map("".join)


@given(st.lists(_PAGE_TEXT, max_size=4))
@settings(max_examples=300, deadline=None)
def test_segment_never_raises_and_spans_index_the_text(pages: list[str]) -> None:
    doc = _segment(*pages)
    _assert_spans(doc)
    assert all(b.text and b.text == b.text.strip() and 1 <= b.page_start <= b.page_end for b in doc.blocks)


@given(st.lists(st.text(), max_size=3))
@settings(max_examples=200, deadline=None)
def test_segment_never_raises_on_any_unicode(pages: list[str]) -> None:
    _assert_spans(_segment(*pages))


@given(st.lists(_PAGE_TEXT, max_size=4))
@settings(max_examples=300, deadline=None)
def test_segment_of_clean_text_changes_nothing(pages: list[str]) -> None:
    text = _segment(*pages).text
    assert _segment(text).text == text


def test_a_page_never_hard_wrapped_has_a_paragraph_per_line() -> None:
    long_line = "The meeting was chaired by the Prime Minister of the Russian Federation. " * 4
    page = (
        f"Joint Communique of the Council of Heads of Government\nMoscow, November 18th\n{long_line}\nThe end"
    )
    doc = segment(RawDocument(source_format="text", pages=[page], raw_text=page))
    assert [b.text for b in doc.blocks] == [
        "Joint Communique of the Council of Heads of Government",
        "Moscow, November 18th",
        long_line.strip(),
        "The end",
    ]
