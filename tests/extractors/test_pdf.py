"""read_pdf(): furniture, columns, headings, provenance, failures; the rendered fixtures end to end.

Golden files live in tests/fixtures/golden/ (regenerate with UPDATE_GOLDEN=1, see tests/tools/golden.py).
"""

from __future__ import annotations

import functools
import io
import random
import re
from pathlib import Path

import pdfplumber
import pytest

from extractors.cleaning import segment
from extractors.furniture import Candidate, furniture, is_page_number
from extractors.layout import Word, gutters, reading_order, rows
from extractors.pdf import WORD_OPTIONS, TooManyPages, read_pdf
from schemas.errors import EmptyDocument, UnreadableFile
from schemas.records import CleanDocument, RawDocument
from tests.tools.golden import check_clean_golden
from tests.tools.text_wer import text_wer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PRESS = "sco_cfm_press_release_2009-05-15"
DECLARATION = "sco_heads_of_state_declaration_2003-05-29"
TWO_COLUMN = f"{DECLARATION}_two_column"
RENDERED = {PRESS: PRESS, DECLARATION: DECLARATION, TWO_COLUMN: DECLARATION}  # PDF -> its seed text


def _rendered(name: str) -> bytes:
    return (FIXTURES / "rendered" / f"{name}.pdf").read_bytes()


@functools.cache
def _clean(name: str) -> CleanDocument:
    """The clean document of a rendered fixture (pure functions: read once per session)."""
    return segment(read_pdf(_rendered(name)))


def _pdf(pages: list[list[tuple[float, float, str, float, bool]]]) -> bytes:
    """A minimal PDF: per page, (x, top, text, size, bold) items set in Helvetica on an A4 page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    ]
    kids = []
    for items in pages:
        stream = b"".join(
            b"BT /%s %.1f Tf 1 0 0 1 %.1f %.1f Tm (%s) Tj ET\n"
            % (b"F2" if bold else b"F1", size, x, 842 - top - 0.8 * size, text.encode("latin-1"))
            for x, top, text, size, bold in items
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % (len(objects))
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _body(first_top: float, lines: list[str]) -> list[tuple[float, float, str, float, bool]]:
    return [(72, first_top + 14 * index, line, 11, False) for index, line in enumerate(lines)]


# ---------------------------------------------------------------- the rendered fixtures


@pytest.mark.parametrize("name", RENDERED)
def test_rendered_pdf_matches_its_golden_clean_text(name: str) -> None:
    check_clean_golden(f"{name}.pdf", _clean(name))


@pytest.mark.parametrize("name", RENDERED)
def test_rendered_pdf_word_error_rate_against_its_seed(name: str) -> None:
    seed = (FIXTURES / "seeds" / f"{RENDERED[name]}.txt").read_text(encoding="utf-8")
    assert text_wer(seed, _clean(name).text) <= 0.005


@pytest.mark.parametrize("name", RENDERED)
def test_rendered_pdf_loses_headers_page_numbers_and_line_end_hyphens(name: str) -> None:
    text = _clean(name).text
    assert "Organisation" not in text  # the running header spells it so; the body never does
    assert not re.search(r"^\s*(?:- ?\d+ ?-|\d+|page \d+.*)\s*$", text, flags=re.MULTILINE | re.IGNORECASE)
    assert not re.search(r"\w- \w", text)  # "Coopera- tion", "Commi- ttee"
    for word in ("Cooperation Organization", "Committee", "Secretary-General", "anti-terrorism", "2010-2012"):
        assert word in text or name != PRESS


@pytest.mark.parametrize("name", RENDERED)
def test_segmenting_the_clean_text_again_changes_nothing(name: str) -> None:
    text = _clean(name).text
    assert segment(RawDocument(source_format="text", pages=[text], raw_text=text)).text == text


def test_two_column_pdf_reads_like_the_single_column_one() -> None:
    assert _clean(TWO_COLUMN).text == _clean(DECLARATION).text


def test_raw_text_is_the_untouched_extraction() -> None:
    data = _rendered(PRESS)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        plain = "\f".join(page.extract_text(**WORD_OPTIONS) for page in pdf.pages)
    raw = read_pdf(data)
    assert raw.source_format == "pdf"
    assert raw.raw_text == plain
    assert len(raw.pages) == 2
    assert "Shanghai Cooperation Organisation" in raw.raw_text
    assert "Shanghai Cooperation Organisation" not in "".join(raw.pages)


def test_rendered_pdf_headings_sections_and_pages() -> None:
    press = _clean(PRESS)
    assert [b.text for b in press.blocks if b.heading] == [
        "PRESS RELEASE",
        "Meeting of the Council of Ministers of Foreign Affairs of the Shanghai Cooperation Organization",
    ]
    spanning = [b for b in press.blocks if b.page_start < b.page_end]
    assert len(spanning) == 1 and spanning[0].text.endswith("and their precursors.")
    declaration = _clean(TWO_COLUMN)
    assert [b.text for b in declaration.blocks if b.heading] == [
        "DECLARATION BY THE HEADS OF THE MEMBER STATES OF THE SHANGHAI COOPERATION ORGANIZATION"
    ]
    assert {b.section for b in declaration.blocks} == {None, "V", "VI"}
    assert declaration.blocks[-1].text == "Moscow, May 29, 2003"
    assert declaration.blocks[-1].page_end == 4


# ---------------------------------------------------------------- failures


def test_empty_bytes_are_an_empty_document() -> None:
    with pytest.raises(EmptyDocument, match="empty file"):
        read_pdf(b"")


@pytest.mark.parametrize(
    "data",
    [
        random.Random(3).randbytes(3000),
        (FIXTURES / "seeds" / f"{PRESS}.txt").read_bytes(),  # a text file named .pdf
    ],
)
def test_bytes_that_are_not_a_pdf_are_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableFile, match="not a PDF: file does not start with %PDF"):
        read_pdf(data)


@pytest.mark.parametrize(
    "cut",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[: len(data) // 4],
        lambda data: data[:-200],
        lambda data: b"%PDF-1.4\n" + random.Random(5).randbytes(2000),
    ],
    ids=["half", "quarter", "tail", "garbage-after-header"],
)
def test_truncated_or_corrupt_pdf_is_unreadable(cut: object) -> None:
    assert callable(cut)
    with pytest.raises(UnreadableFile, match="corrupt or truncated PDF: ") as caught:
        read_pdf(cut(_rendered(PRESS)))
    assert len(caught.value.reason) < 200


def test_pdf_of_blank_pages_is_an_empty_document_without_running_ocr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract: a blank page never needs it
    with pytest.raises(EmptyDocument, match=r"^PDF has no text layer \(blank pages\)$"):
        read_pdf(_pdf([[], []]))


def test_pdf_without_pages_is_an_empty_document() -> None:
    with pytest.raises(EmptyDocument, match="no pages"):
        read_pdf(_pdf([]))


# ---------------------------------------------------------------- generic layout rules on synthetic PDFs


def test_one_page_pdf_loses_only_its_page_number() -> None:
    items = [(220, 80, "Joint Statement", 16, True), *_body(120, ["First line of text.", "Second line."])]
    raw = read_pdf(_pdf([[*items, (270, 800, "Page 1 of 1", 9, False)]]))
    assert raw.pages == ["## Joint Statement\n\nFirst line of text.\nSecond line."]


def test_repeated_headers_and_numbered_footers_go_whatever_their_wording() -> None:
    bodies = [["Introduction"], ["The second page goes on", "and on."], ["Third page.", "The end."]]
    pages = [
        [
            (400, 30, "Ministry of Foreign Affairs", 8, False),
            *_body(110, body),
            (280, 800, f"{number} / 3", 9, False),
            (72, 815, f"Printed 2024-05-0{number}", 6, False),
        ]
        for number, body in enumerate(bodies, start=1)
    ]
    raw = read_pdf(_pdf(pages))
    assert raw.pages == ["Introduction", "The second page goes on\nand on.", "Third page.\nThe end."]


def test_gaps_indents_and_sizes_make_paragraphs_and_headings() -> None:
    page = [
        (72, 60, "Larger heading", 15, False),
        *_body(100, ["A first paragraph line that runs", "to the end."]),
        *_body(150, ["A second paragraph after a gap."]),
    ]
    assert read_pdf(_pdf([page])).pages == [
        "## Larger heading\n\nA first paragraph line that runs\nto the end.\n\n"
        "A second paragraph after a gap."
    ]


def test_bold_line_at_body_size_is_a_heading() -> None:
    page = [(72, 60, "Article 1", 11, True), *_body(80, ["The parties agree to meet.", "Every year."])]
    assert read_pdf(_pdf([page])).pages == ["## Article 1\n\nThe parties agree to meet.\nEvery year."]


def test_every_page_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[int] = []
    original = pdfplumber.page.Page.close

    def close(page: pdfplumber.page.Page) -> None:
        closed.append(page.page_number)
        original(page)

    monkeypatch.setattr(pdfplumber.page.Page, "close", close)
    read_pdf(_rendered(DECLARATION))
    assert closed[:4] == [1, 2, 3, 4]  # each page closed as soon as it is read (then again by the PDF)


@pytest.mark.parametrize(
    "text", ["3", "- 3 -", "— 12 —", "Page 3", "page 3 of 14", "3/4", "p. 7", "стр. 5", "第3页"]
)
def test_page_number_forms(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["2003.", "Article 3", "3. The heads of state", "v", "May 29, 2003"])
def test_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


def test_alternating_running_headers_are_furniture_but_a_one_off_title_is_not() -> None:
    candidates = [
        Candidate(page, 0, "Joint Communique" if page % 2 else "Shanghai, 15 June 2009", "top", 30 + page % 3)
        for page in range(6)
    ]
    candidates.append(Candidate(0, 1, "JOINT COMMUNIQUE OF THE MEETING", "top", 80))
    candidates += [Candidate(page, 9, f"Page {page + 1}", "bottom", 20) for page in range(6)]
    dropped = furniture(candidates, pages=6)
    assert dropped == {(c.page, c.row) for c in candidates} - {(0, 1)}


def _column_words(x: float, count: int, top: float = 100, width: float = 200) -> list[Word]:
    """Rows of words of varied widths (so word spaces do not line up) filling `width` points from `x`."""
    widths = random.Random(x)
    found = []
    for row in range(count):
        left = x
        while left < x + width - 20:
            right = min(x + width, left + widths.uniform(12, 45))
            text = "w" * int((right - left) / 6 + 1)
            found.append(Word(text, left, right, top + 14 * row, top + 14 * row + 11, 11))
            left = right + 3.5
    return found


def test_gutter_found_between_two_columns_and_titles_read_first() -> None:
    title = [
        Word(w, 150 + 60 * i, 150 + 60 * i + 55, 60, 71, 11)
        for i, w in enumerate(["A", "TITLE", "OVER", "BOTH", "COLUMNS"])
    ]
    words_ = title + _column_words(72, 10) + _column_words(320, 10, top=107)
    page_rows = rows(words_)
    cuts = gutters(page_rows)
    assert len(cuts) == 1 and 72 + 155 < cuts[0] < 320
    lines = reading_order(page_rows, cuts)
    assert lines[0].text == "A TITLE OVER BOTH COLUMNS"
    assert [line.x0 for line in lines[1:11]] == [72] * 10
    assert [line.x0 for line in lines[11:]] == [320] * 10
    assert [line.column_break for line in lines] == [False, True] + [False] * 9 + [True] + [False] * 9


def test_no_gutter_in_single_column_text() -> None:
    assert gutters(rows(_column_words(72, 30, width=450))) == []


def test_a_pdf_over_the_page_limit_is_refused_before_it_is_read() -> None:
    data = _rendered("sco_heads_of_state_declaration_2003-05-29")
    pages = len(read_pdf(data).pages)
    assert pages > 1
    with pytest.raises(
        TooManyPages, match=f"PDF has {pages} pages, over the {pages - 1}-page limit"
    ) as refused:
        read_pdf(data, max_pages=pages - 1)
    assert refused.value.category == "too_many_pages"
    assert len(read_pdf(data, max_pages=pages).pages) == pages
