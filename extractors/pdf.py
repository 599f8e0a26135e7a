"""PDF reader: bytes in, `RawDocument` out, with page furniture removed and columns resolved.

Page text conventions (read by `extractors.cleaning.segment`):

* paragraphs are separated by a blank line; lines inside a paragraph keep their hard
  wraps and line-end hyphens (``segment`` reflows and rejoins them);
* a heading (a short paragraph set larger or bolder than the body text, or centred) is
  one line starting with ``"## "``, the Markdown heading marker;
* running headers, footers and page numbers are gone; two-column pages read title
  first, then the left column, then the right one (details in `extractors.layout`).

Pages are judged one by one: a page without a text layer, with a garbage one (glyph codes,
symbol soup, letters that make no words: `extractors.textlayer`), or a page-sized scan
carrying only a stamped number, is rendered and OCR'd (`extractors.scans`,
`extractors.ocr`); its words then follow the same layout and furniture rules, so a typed
cover page and a scanned letter in one file read alike. This happens before any language
detection, so nothing downstream ever sees a garbage text layer.

Two engines read text layers (`read_pdf(engine=...)`, the `pdf_engine` setting): pdfplumber, the
default and the reference, and PDFium (`extractors.pdfium`), faster, which hands over the same
words, plain text and image cover per page; from there on (OCR, furniture, layout) one path serves both.

`RawDocument.raw_text` keeps the engine's untouched text of every page, pages joined with a form feed:
with pdfplumber its ``extract_text()`` with the word options the layout uses, with PDFium its
``FPDFText_GetText`` (see `extractors.pdfium`); for an OCR'd page, Tesseract's text.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.text import TEXTMAP_KWARGS, WordExtractor

from extractors.layout import PageWords, Word, page_texts
from extractors.ocr import DEFAULT_LANGUAGES, DEFAULT_TIMEOUT, OcrUnavailable, is_blank, missing_ocr, ocr_page
from extractors.scans import render_pages, scanned_page
from extractors.textlayer import looks_like_garbage
from schemas.errors import EmptyDocument, TerminalError, UnreadableFile
from schemas.records import PdfEngine, RawDocument

_HEADER_WINDOW = 1024  # the PDF header may follow a little junk, as readers allow
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# pdfplumber's word options: font size and name split words (headings), spacing relative to size
WORD_OPTIONS: dict[str, Any] = {
    "x_tolerance_ratio": 0.2,
    "keep_blank_chars": False,
    "extra_attrs": ["size", "fontname"],
}
# the word options that also shape the text map (extract_text passes them on the same way)
_TEXTMAP_OPTIONS: dict[str, Any] = {k: v for k, v in WORD_OPTIONS.items() if k in TEXTMAP_KWARGS}
_SCAN_COVER = 0.5  # share of a page under images that makes it a scan ...
_STAMPED_WORDS = 10  # ... when its text layer has fewer words than this (a stamped symbol or number)


def _words(raw: list[dict[str, Any]]) -> list[Word]:
    words = []
    for item in raw:
        text = str(item["text"])
        if not text.strip():
            continue
        words.append(
            Word(
                text=text,
                x0=float(item["x0"]),
                x1=float(item["x1"]),
                top=float(item["top"]),
                bottom=float(item["bottom"]),
                size=float(item.get("size") or 10.0),
                bold=bool(BOLD_FONT.search(str(item.get("fontname") or ""))),
            )
        )
    return words


def needs_ocr(words: int, text: str, image_cover: float) -> bool:
    """Whether a page must be OCR'd: it has no text layer, a garbage one, or is a scan with a stamp.

    `words` and `text` are what the text layer yields, `image_cover` the share of the page
    under images; a page-sized image with fewer than a few words on it is a scan whose text
    layer holds only a stamped symbol or page number.
    """
    if not words or looks_like_garbage(text):
        return True
    return image_cover >= _SCAN_COVER and words < _STAMPED_WORDS


@dataclass(slots=True)
class PageLayer:
    """One page's text layer as an engine reads it: words, plain text, share of its area under images."""

    words: PageWords
    plain: str
    image_cover: float


def _read_page(page: pdfplumber.page.Page) -> tuple[list[dict[str, Any]], str]:
    """A page's words and its plain text, from one pass of pdfplumber's word extraction.

    The text is exactly ``page.extract_text(**WORD_OPTIONS)``; calling `extract_words` and
    `extract_text` instead would group the page's characters into words twice (6% of the time).
    """
    wordmap = WordExtractor(**WORD_OPTIONS).extract_wordmap(page.chars)
    text = wordmap.to_textmap(
        presorted=True,
        layout_bbox=page.bbox,
        layout_width=page.width,
        layout_height=page.height,
        **_TEXTMAP_OPTIONS,
    )
    return [word for word, _ in wordmap.tuples], text.as_string


def covered_share(boxes: Iterable[tuple[float, float, float, float]], width: float, height: float) -> float:
    """The share of a `width` x `height` page under image boxes (x0, top, x1, bottom), each clipped."""
    area = width * height or 1.0
    covered = 0.0
    for x0, top, x1, bottom in boxes:
        covered += max(min(x1, width) - max(x0, 0.0), 0.0) * max(min(bottom, height) - max(top, 0.0), 0.0)
    return min(covered / area, 1.0)


def _image_cover(page: pdfplumber.page.Page) -> float:
    boxes = ((float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"])) for i in page.images)
    return covered_share(boxes, float(page.width), float(page.height))


class TooManyPages(TerminalError):
    """The PDF has more pages than the configured limit."""

    category = "too_many_pages"


class EncryptedPdf(TerminalError):
    """The PDF is encrypted with a password needed to open it."""

    category = "encrypted_pdf"


def _found(error: BaseException, kinds: tuple[type[BaseException], ...]) -> BaseException | None:
    """The first exception of one of `kinds` in `error`, its arguments, cause or context (pdfplumber
    wraps pdfminer's errors in a PdfminerException whose argument is the original)."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, kinds):
            return current
        seen.add(id(current))
        pending += [*current.args, current.__cause__, current.__context__]
    return None


def encrypted_pdf() -> EncryptedPdf:
    """The refusal of a PDF that opens only with a password (whichever engine found it)."""
    return EncryptedPdf(
        "encrypted PDF: it opens only with a password; save a copy without the password and put it back"
    )


def corrupt_pdf(detail: str) -> UnreadableFile:
    """The refusal of a PDF the engine could not parse; `detail` is what the parser said."""
    return UnreadableFile(f"corrupt or truncated PDF: {detail[:160]}")


def over_page_limit(pages: int, max_pages: int) -> TooManyPages:
    """The refusal of a PDF of `pages` pages, over `max_pages`."""
    return TooManyPages(f"PDF has {pages:,} pages, over the {max_pages:,}-page limit")


def _refusal(error: Exception) -> TerminalError:
    """The domain error for a PDF pdfminer could not read: encrypted, or corrupt/truncated."""
    if _found(error, (PDFPasswordIncorrect, PDFEncryptionError)) is not None:
        return encrypted_pdf()
    inner = _found(error, (PSException,)) or error
    return corrupt_pdf(str(inner).strip() or type(inner).__name__)


def _extract(data: bytes, max_pages: int) -> list[PageLayer]:
    """Words, plain text and image cover of every page; pdfminer errors become `UnreadableFile`."""
    pages: list[PageLayer] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > max_pages:
                raise over_page_limit(len(pdf.pages), max_pages)
            for page in pdf.pages:
                try:
                    found, plain = _read_page(page)
                    words = PageWords(_words(found), float(page.width), float(page.height))
                    pages.append(PageLayer(words, plain, _image_cover(page)))
                finally:
                    page.close()
    except (MemoryError, TooManyPages):
        raise
    except Exception as error:  # pdfminer raises many unrelated types on bad input
        if _found(error, (MemoryError,)):  # pdfplumber wraps it: the worker's memory limit must still see it
            raise MemoryError(str(error)) from error
        raise _refusal(error) from error
    return pages


def _page_reader(engine: PdfEngine) -> Callable[[bytes, int], list[PageLayer]]:
    """The text-layer reader of `engine`: (bytes, max_pages) -> one `PageLayer` per page."""
    if engine == "pdfium":
        from extractors.pdfium import read_pages  # builds on this module's page type and refusals

        return read_pages
    return _extract


def _pages_phrase(numbers: list[int], total: int) -> str:
    """ "page 2 of 3 has", "pages 1-3, 5 of 9 have"."""
    if len(numbers) == 1:
        return f"page {numbers[0]} of {total} has"
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    listed = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
    return f"pages {listed} of {total} have"


def read_pdf(
    data: bytes,
    *,
    ocr_languages: Sequence[str] = DEFAULT_LANGUAGES,
    ocr_dpi: int = 300,
    ocr_timeout: float = DEFAULT_TIMEOUT,
    max_pages: int = 2000,
    engine: PdfEngine = "pdfplumber",
) -> RawDocument:
    """Read a PDF into a `RawDocument`, one text per page, OCR'ing the pages that need it.

    A page without a text layer, with a garbage one (`extractors.textlayer`), or a page-sized
    scan with only a few stamped words, is rendered at `ocr_dpi` and read by Tesseract with
    `ocr_languages` (see `extractors.ocr`); its words then go through the same layout and
    furniture rules as text-layer words. Other pages keep their text layer. OCR'd pages are
    listed in `ocr_pages` with their mean word confidence, and source_format is "pdf+ocr".
    `engine` reads the text layers: "pdfplumber" (the reference) or "pdfium" (faster; its own
    plain text goes to `raw_text`, see the module docstring).

    Raises `EmptyDocument` for empty bytes or a PDF without any text even after OCR,
    `OcrUnavailable` when a page needs OCR and Tesseract or a model is not installed, and
    `UnreadableFile` when the bytes are not a PDF, it is corrupt or truncated, or OCR of a
    page fails or takes longer than `ocr_timeout` seconds, and `TooManyPages` past `max_pages`.
    """
    if not data.strip():
        raise EmptyDocument("empty file: no bytes to read")
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise UnreadableFile("not a PDF: file does not start with %PDF")
    pages = _page_reader(engine)(data, max_pages)
    if not pages:
        raise EmptyDocument("PDF has no pages")
    plain = [page.plain for page in pages]
    needs = [
        number
        for number, page in enumerate(pages, start=1)
        if needs_ocr(len(page.words.words), page.plain, page.image_cover)
    ]
    ocr_pages: list[int] = []
    confidences: list[float] = []
    with contextlib.closing(render_pages(data, needs, ocr_dpi)) as rendered:  # PDFium closes the file
        for number, image in rendered:
            if is_blank(image.image):
                pages[number - 1].words.words = []  # nothing on the page: nothing to read
                continue
            reason = missing_ocr(ocr_languages)
            if reason is not None:
                which = _pages_phrase(needs, len(pages))
                raise OcrUnavailable(f"{which} no usable text layer and OCR is not available: {reason}")
            result = ocr_page(image.image, ocr_languages, dpi=image.dpi, timeout=ocr_timeout, page=number)
            pages[number - 1].words = scanned_page(result)
            plain[number - 1] = result.text
            ocr_pages.append(number)
            confidences.extend(word.confidence for word in result.words)
    if not any(page.words.words for page in pages):
        found = f"; OCR found no text on its {len(pages)} page(s)" if ocr_pages else " (blank pages)"
        raise EmptyDocument(f"PDF has no text layer{found}")
    return RawDocument(
        source_format="pdf+ocr" if ocr_pages else "pdf",
        pages=page_texts([page.words for page in pages]),
        raw_text="\f".join(plain),
        ocr_pages=ocr_pages,
        ocr_confidence=round(sum(confidences) / len(confidences), 2) if confidences else None,
    )
