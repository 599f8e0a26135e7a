"""The PDFium engine (`extractors.pdfium`) against pdfplumber, the reference: the same clean text on
the fixture PDFs (or a known, explained difference), the same structure, the same refusals, and the
`pdf_engine` setting reaching `read_pdf`.
"""

from __future__ import annotations

import functools
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

import extractors.pdf
import extractors.pdfium
from communiques.settings import load_settings
from extractors.cleaning import segment
from extractors.document import read_document
from extractors.ocr import OcrResult, OcrWord
from extractors.pdf import EncryptedPdf, TooManyPages, read_pdf
from extractors.pdfium import read_pages
from extractors.structure import parse
from schemas.errors import ConfigurationError, EmptyDocument, TerminalError, UnreadableFile
from schemas.records import CleanDocument, PdfEngine, RawDocument
from tests.flows.badfiles import encrypted_pdf, many_pages_pdf, pdf_bytes
from tests.tools.text_wer import text_wer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RENDERED = sorted((FIXTURES / "rendered").glob("*.pdf"))
PDFS = RENDERED + sorted((FIXTURES / "corpus").glob("*.pdf"))
PRESS = FIXTURES / "rendered" / "sco_cfm_press_release_2009-05-15.pdf"

# Fixture PDFs whose clean text differs between the engines: the largest word error rate allowed
# (PDFium's text against pdfplumber's) and why. Both differ in white space only (the same
# characters in the same order); every other fixture PDF must read exactly alike.
KNOWN_DIFFERENCES: dict[str, tuple[float, str]] = {
    "WCPFC5-2008-OP03 [Indonesia-Statement].pdf": (
        0.015,
        "pdfminer's font sizes carry float noise (12.0, 12.000000000000014 and 11.999999999999972 in one "
        "paragraph) and pdfplumber makes words within runs of characters of one size: a line's first "
        "letter, drawn out of stream order, falls in another run and stands alone ('p arts', 'a nd', "
        "'s takeholders'); PDFium gives the whole text one size, so it joins them: 9 words fewer",
    ),
    "WCPFC12-2015-OP17 Liberia Opening_Statement_WCPFC12.pdf": (
        0.0,
        "glyph boxes hang from different descents (pdfminer: the standard font's metrics, PDFium: the "
        "font it renders with): on the letterhead, 'Suite 300' (6.5 pt) starts 2.32 pt below the "
        "14 pt name line with pdfplumber, 2.08 pt with PDFium, and rows join within 0.35 x 6.5 = "
        "2.27 pt, so PDFium puts it on the name's line: the same words, one line break elsewhere",
    ),
}


@functools.cache
def _raw(path: Path, engine: PdfEngine) -> RawDocument:
    """A fixture PDF read by `engine` (pure functions: read once per session)."""
    return read_pdf(path.read_bytes(), engine=engine)


@functools.cache
def _clean(path: Path, engine: PdfEngine) -> CleanDocument:
    return segment(_raw(path, engine))


def _refusal(data: bytes, engine: PdfEngine, **options: Any) -> TerminalError:
    with pytest.raises(TerminalError) as refused:
        read_pdf(data, engine=engine, **options)
    return refused.value


# ---------------------------------------------------------------- (a) the same clean text


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_both_engines_give_the_same_clean_text_or_a_known_difference(path: Path) -> None:
    reference, fast = _clean(path, "pdfplumber").text, _clean(path, "pdfium").text
    if path.name not in KNOWN_DIFFERENCES:
        assert fast == reference, f"a new difference between the engines: {path.name}"
        return
    bound, reason = KNOWN_DIFFERENCES[path.name]
    assert fast != reference, f"{path.name} now reads alike with both engines: drop it from KNOWN_DIFFERENCES"
    assert "".join(fast.split()) == "".join(reference.split()), reason  # white space only
    assert text_wer(reference, fast) <= bound, reason


def test_every_known_difference_is_a_fixture() -> None:
    assert set(KNOWN_DIFFERENCES) <= {p.name for p in PDFS}


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_both_engines_ocr_the_same_pages(path: Path) -> None:
    assert _raw(path, "pdfium").ocr_pages == _raw(path, "pdfplumber").ocr_pages


def test_raw_text_is_pdfiums_own_text_of_every_page() -> None:
    data = PRESS.read_bytes()
    document = pypdfium2.PdfDocument(data)
    try:
        expected = "\f".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    raw = read_pdf(data, engine="pdfium")
    assert raw.raw_text == expected
    assert "Coopera\ufffetion" in raw.raw_text and "\r\n" in raw.raw_text  # PDFium's conventions, kept
    assert raw.pages == read_pdf(data).pages


LINES = (
    "Joint Statement",
    "The ministers met in Moscow on 15 May 2009 and agreed",
    "to strengthen cooperation in the fight against terrorism,",
    "separatism and extremism in the region.",
)


def _turned_pdf(rotation: int, mediabox: tuple[float, float, float, float]) -> bytes:
    """A page with /Rotate `rotation` whose text reads left to right once the page is turned: a bold
    heading (Arial,Bold, an alias of Helvetica-Bold, ``1 Tf`` scaled to 16 pt by ``cm`` and the text
    matrix) over 11 pt body lines."""
    left, bottom, right, top = mediabox
    ops = b""
    for number, line in enumerate(LINES):
        down = 24 + 15 * number  # from the displayed page's top-left text corner
        place = {
            0: (1, 0, 0, 1, left + 72, top - 100 - down),
            90: (0, 1, -1, 0, left + 100 + down, bottom + 72),
            180: (-1, 0, 0, -1, right - 72, bottom + 100 + down),
            270: (0, -1, 1, 0, right - 100 - down, top - 72),
        }[rotation]
        text = b"(%s) Tj ET" % line.encode()
        if number == 0:  # 1 x 4 x 4 = 16 pt
            ops += b"q %g %g %g %g %g %g cm 4 0 0 4 0 0 cm BT /F2 1 Tf 4 0 0 4 0 0 Tm %s Q\n" % (*place, text)
        else:
            ops += b"BT /F1 11 Tf %g %g %g %g %g %g Tm %s\n" % (*place, text)
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [%g %g %g %g] /Rotate %d /Contents 4 0 R " % (
        *mediabox,
        rotation,
    )
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page + b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Arial,Bold >>",
        ]
    )


@pytest.mark.parametrize("mediabox", [(0, 0, 595, 842), (30, 40, 625, 882)], ids=["origin", "offset"])
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_turned_and_offset_pages_give_the_same_words_and_page_text(
    rotation: int, mediabox: tuple[float, float, float, float]
) -> None:
    data = _turned_pdf(rotation, mediabox)
    reference, fast = extractors.pdf._extract(data, 10)[0], read_pages(data, 10)[0]
    assert (fast.words.width, fast.words.height) == (reference.words.width, reference.words.height)
    assert [(w.text, w.bold) for w in fast.words.words] == [(w.text, w.bold) for w in reference.words.words]
    for ours, theirs in zip(fast.words.words, reference.words.words, strict=True):
        for edge in ("x0", "x1", "top", "bottom", "size"):
            assert getattr(ours, edge) == pytest.approx(getattr(theirs, edge), abs=0.5), (ours, edge)
    raw = read_pdf(data, engine="pdfium")
    assert raw.pages == read_pdf(data).pages
    assert raw.pages[0].startswith("## Joint Statement\n\nThe ministers met in Moscow")


def _fake_ocr(*args: Any, **kwargs: Any) -> OcrResult:
    words = tuple(
        OcrWord(w, 300 + 150 * i, 600, 430 + 150 * i, 640, 44, 88, 1, 1)
        for i, w in enumerate(["The", "ministers", "met"])
    )
    return OcrResult("The ministers met", 88.0, words, 2480, 3508, 300.0, ("eng",))


@pytest.mark.parametrize(
    ("name", "pages"),
    [
        ("wcpfc12_op03_wwf_factsheet_p12_cid_glyphs.pdf", [1]),  # a garbage text layer
        ("sco_cfm_press_release_2009-05-15_scanned.pdf", [1, 2]),  # page-sized scans
    ],
)
def test_pages_without_a_usable_text_layer_go_to_ocr_with_pdfium_too(
    name: str, pages: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extractors.pdf, "missing_ocr", lambda languages: None)
    monkeypatch.setattr(extractors.pdf, "ocr_page", _fake_ocr)
    data = (FIXTURES / "scans" / name).read_bytes()
    assert read_pdf(data, engine="pdfium", ocr_dpi=72).ocr_pages == pages
    assert read_pdf(data, ocr_dpi=72).ocr_pages == pages


# ---------------------------------------------------------------- (b) the same structure


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_title_date_and_type_are_the_same_with_both_engines(path: Path) -> None:
    reference, fast = parse(_clean(path, "pdfplumber")), parse(_clean(path, "pdfium"))
    assert (fast.title, fast.issued_date, fast.doc_type) == (
        reference.title,
        reference.issued_date,
        reference.doc_type,
    )
    if path in RENDERED:
        assert fast.title and fast.issued_date


# ---------------------------------------------------------------- (c) the same refusals


@pytest.mark.parametrize(
    "data",
    [
        random.Random(3).randbytes(3000),
        b"%PDF-1.4\n" + random.Random(5).randbytes(2000),
        PRESS.read_bytes()[: PRESS.stat().st_size // 2],
        PRESS.read_bytes()[: PRESS.stat().st_size // 4],
        PRESS.read_bytes()[:-200],
    ],
    ids=["random-bytes", "garbage-after-header", "half", "quarter", "tail"],
)
def test_unreadable_bytes_are_refused_alike(data: bytes) -> None:
    reference, fast = _refusal(data, "pdfplumber"), _refusal(data, "pdfium")
    assert type(fast) is type(reference) is UnreadableFile
    # "not a PDF: ..." or "corrupt or truncated PDF: <what the parser said>"
    assert fast.reason.split(":")[0] == reference.reason.split(":")[0]
    assert len(fast.reason) < 200


def test_a_password_protected_pdf_is_refused_alike(tmp_path: Path) -> None:
    data = encrypted_pdf(
        tmp_path / "locked.pdf", "The ministers met in Moscow.", user_password="s3cret"
    ).read_bytes()
    reference, fast = _refusal(data, "pdfplumber"), _refusal(data, "pdfium")
    assert type(fast) is type(reference) is EncryptedPdf
    assert fast.reason == reference.reason and fast.category == "encrypted_pdf"


def test_a_pdf_encrypted_without_a_user_password_reads_alike(tmp_path: Path) -> None:
    text = "The ministers of foreign affairs met in Moscow on 15 May 2009."
    data = encrypted_pdf(tmp_path / "open.pdf", text, user_password="").read_bytes()
    assert read_pdf(data, engine="pdfium").pages == read_pdf(data).pages == [text]


def test_too_many_pages_are_refused_alike_before_any_page_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = many_pages_pdf(tmp_path / "long.pdf", 12).read_bytes()
    reference = _refusal(data, "pdfplumber", max_pages=11)

    def unread(*args: Any) -> None:
        raise AssertionError("a page was read")

    monkeypatch.setattr(extractors.pdfium, "_read_page", unread)
    fast = _refusal(data, "pdfium", max_pages=11)
    assert type(fast) is type(reference) is TooManyPages
    assert fast.reason == reference.reason == "PDF has 12 pages, over the 11-page limit"


def test_pdfs_without_pages_or_text_are_empty_alike_even_after_a_password_error(tmp_path: Path) -> None:
    """PDFium reports its last error, not the file's: a page-less PDF read after a locked one is
    not "encrypted", as pypdfium2's own loader would say."""
    from tests.extractors.test_pdf import _pdf

    locked = encrypted_pdf(tmp_path / "locked.pdf", "Text.", user_password="s3cret").read_bytes()
    for data in (_pdf([]), _pdf([[], []])):
        assert isinstance(_refusal(locked, "pdfium"), EncryptedPdf)
        reference, fast = _refusal(data, "pdfplumber"), _refusal(data, "pdfium")
        assert type(fast) is type(reference) is EmptyDocument and fast.reason == reference.reason


# ---------------------------------------------------------------- native memory and threads


def test_every_page_text_page_and_document_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[str] = []
    for kind in (pypdfium2.PdfDocument, pypdfium2.PdfPage, pypdfium2.PdfTextPage):
        original = kind.close

        def close(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            closed.append(type(self).__name__)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(kind, "close", close)
    read_pages(PRESS.read_bytes(), 10)
    assert sorted(closed) == ["PdfDocument", "PdfPage", "PdfPage", "PdfTextPage", "PdfTextPage"]
    closed.clear()
    with pytest.raises(TooManyPages):
        read_pages(PRESS.read_bytes(), 1)
    assert closed == ["PdfDocument"]


def test_documents_read_in_threads_read_alike() -> None:
    data = PRESS.read_bytes()
    with ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(lambda _: read_pdf(data, engine="pdfium").pages, range(8)))
    assert all(found == pages[0] for found in pages)


# ---------------------------------------------------------------- (d) the setting


def test_the_pdf_engine_setting_reaches_read_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().extract_options().pdf_engine == "pdfplumber"
    monkeypatch.setenv("COMMUNIQUES_PDF_ENGINE", "pdfium")
    options = load_settings().extract_options()
    assert options.pdf_engine == "pdfium"
    calls: list[int] = []

    def reader(data: bytes, max_pages: int) -> list[extractors.pdf.PageLayer]:
        calls.append(max_pages)
        return read_pages(data, max_pages)

    monkeypatch.setattr(extractors.pdfium, "read_pages", reader)
    raw = read_document(PRESS.read_bytes(), "press.pdf", options)
    assert calls == [options.max_pages]
    assert raw.raw_text.count("\r\n") > 10  # PDFium's text, not pdfplumber's


def test_an_unknown_pdf_engine_stops_at_start() -> None:
    with pytest.raises(ConfigurationError, match="pdf_engine"):
        load_settings(pdf_engine="mupdf")
