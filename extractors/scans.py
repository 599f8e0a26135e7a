"""Scanned PDF pages: rendered to images for OCR, and the words read turned into layout words.

PDFium (through pypdfium2) renders the pages. It is not thread-safe, not even across
documents, so every call into it holds one process-wide lock (OCR itself runs outside it).
A page is rendered in grayscale at the requested resolution, lowered for huge pages so
that no image exceeds `MAX_PIXELS`.

OCR words become `extractors.layout.Word` boxes in PDF points; all words of one line read
share the line's median top and bottom (a scan is rarely straight, and a slanted line must
stay one row) and the line's letter height as font size. Tesseract's letter heights vary
by some 10% between lines of one font (more on typewritten pages), so a height within 20%
of the page's median is taken to be the body size. The layout rules (rows, columns,
paragraphs, headings, furniture) then apply to OCR'd pages as they are.
"""

from __future__ import annotations

import statistics
import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from itertools import groupby

import pypdfium2
from PIL import Image

from extractors.layout import PageWords, Word
from extractors.ocr import OcrResult
from schemas.errors import UnreadableFile

MAX_PIXELS = 60_000_000  # an A2 page at 300 dpi; larger pages are rendered at a lower resolution
_POINTS_PER_INCH = 72.0
_SAME_SIZE = 0.2  # OCR letter heights within this share of the page's usual one are that size
_PDFIUM = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageImage:
    """A rendered page and the resolution it was rendered at."""

    image: Image.Image
    dpi: float


def render_pages(
    data: bytes, numbers: Sequence[int], dpi: float
) -> Generator[tuple[int, PageImage], None, None]:
    """Render the 1-based pages `numbers` of a PDF in grayscale, one at a time, at `dpi` (or less).

    Raises `UnreadableFile` when PDFium cannot open the file or render a page.
    """
    if not numbers:
        return
    try:
        with _PDFIUM:
            document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise UnreadableFile(f"corrupt PDF: cannot render its pages ({error})") from error
    try:
        for number in numbers:
            with _PDFIUM:
                try:
                    page = document[number - 1]
                    width, height = page.get_size()
                    scale = min(dpi / _POINTS_PER_INCH, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
                    image = page.render(scale=scale, grayscale=True).to_pil()
                    page.close()
                except pypdfium2.PdfiumError as error:
                    raise UnreadableFile(f"corrupt PDF: cannot render page {number} ({error})") from error
            yield number, PageImage(image, scale * _POINTS_PER_INCH)
    finally:
        with _PDFIUM:
            document.close()


def scanned_page(result: OcrResult) -> PageWords:
    """The words of an OCR'd page as layout words in PDF points (see the module docstring)."""
    points = _POINTS_PER_INCH / result.dpi
    body = statistics.median(w.size for w in result.words) if result.words else 0.0
    words: list[Word] = []
    for _, group in groupby(result.words, key=lambda w: w.line):
        line = list(group)
        top = statistics.median(w.top for w in line) * points
        bottom = statistics.median(w.bottom for w in line) * points
        size = line[0].size if abs(line[0].size - body) >= _SAME_SIZE * body else body
        words += [Word(w.text, w.left * points, w.right * points, top, bottom, size * points) for w in line]
    return PageWords(words, result.width * points, result.height * points, scanned=True)
