"""PDF text layers read with PDFium (pypdfium2): the optional fast engine (`pdf_engine = "pdfium"`).

Bytes in, for every page the three things `extractors.pdf` reads with pdfplumber (the default
and the reference): the words, the page's plain text, and the share of the page under images.
PDFium parses in native code; the characters it finds are grouped into words by pdfplumber's
own `WordExtractor` with the same `WORD_OPTIONS` (a word ends at white space, at a horizontal
gap over 0.2 x the font size, at a change of line, of font size or of font name), so
`extractors.layout` gets equivalent input. Each character is made to look as pdfminer sees it:

* its box is PDFium's loose box in pdfplumber's coordinates (y down, the page's /Rotate
  applied, measured from pdfplumber's page origin: see `_Display`), cut to one font size
  tall from its bottom (pdfminer's box runs from the descent to descent + size, PDFium's up
  to the font's ascent: taller, and rows would merge);
* its size is ``FPDFText_GetFontSize`` times the vertical scale of the character's matrix:
  PDFium reports the ``Tf`` operand, which is 1 in files that scale text with the text matrix
  or ``cm``; pdfminer's size is the size drawn, and so is this one (for text turned across
  the page, pdfminer's size is its box's height, and so is this one);
* its font name is ``FPDFText_GetFontInfo``'s, a standard font's alias ("Arial",
  "TimesNewRoman") under the standard name as pdfminer gives it; a word is bold when its
  font name says so (`extractors.pdf.BOLD_FONT`) or the font's weight is 700 or more;
* PDFium drops some of a file's space characters and generates spaces of its own where it
  sees a word gap (``FPDFText_IsGenerated``): a generated space between two characters of one
  line ends the word there; the other generated characters (CR LF at a line end, a space
  before a character drawn elsewhere on the page) are left out;
* the line-end hyphen PDFium marks as U+0002 is the hyphen it stands for, a glyph PDFium
  maps to no character (U+0000) is U+FFFD, ligatures are expanded as pdfplumber does.

The plain text, which the garbage-layer check reads and `RawDocument.raw_text` keeps, is
PDFium's own text of the page (``FPDFText_GetText``), untouched: its line ends are CR LF, it
holds the spaces PDFium generates, and a line-end hyphen is U+FFFE with the line break after
it removed ("Coopera" U+FFFE "tion"). Glyphs without a Unicode mapping come out as their
character codes (shifted letters, control characters), which `extractors.textlayer` flags as
garbage as it flags pdfminer's ``(cid:N)``.

The image cover sums the bounds of the page's image objects, those inside Form XObjects
included (moved by each form's matrix), each clipped to the page, as `extractors.pdf` does
with pdfplumber's images.

PDFium is not thread-safe, not even across documents: a document is read under the
process-wide lock `extractors.scans` renders pages under. Every text page, page and document
is closed as soon as it is read (they hold native memory).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.fontmetrics import FONT_METRICS
from pdfplumber.utils.text import DEFAULT_Y_TOLERANCE, LIGATURES, WordExtractor
from pypdfium2.internal import ErrorToStr

from extractors.layout import PageWords, Word
from extractors.pdf import (
    BOLD_FONT,
    WORD_OPTIONS,
    PageLayer,
    corrupt_pdf,
    covered_share,
    encrypted_pdf,
    over_page_limit,
)
from extractors.scans import _PDFIUM  # the one PDFium lock of the process

_FONT_NAME = 256  # bytes for a font name; PDFium writes no longer one (it then counts as no name)
_BOLD_WEIGHT = 700
_HYPHEN_MARK = 0x02  # what PDFium reports for a hyphen it takes for a line-end hyphenation
_LINE_END = (0x0D, 0x0A)  # the CR LF PDFium generates at the end of a line
_FORM_DEPTH = 15  # Form XObjects nested deeper than this are not searched for images


@dataclass(frozen=True, slots=True)
class _Display:
    """PDF page space (y up) to pdfplumber's coordinates on the displayed page (y down, the page's
    clockwise /Rotate applied): X = xx*x + xy*y + xc, Y = yx*x + yy*y + yc.

    pdfplumber measures from its page bbox's corner, which keeps the MediaBox's offset: on a page
    whose MediaBox starts at (50, 60), x is the file's x and y is shifted by 60 points. That is
    reproduced as it is, so both engines put a word at the same place.
    """

    rotation: int
    width: float
    height: float
    xx: float
    xy: float
    xc: float
    yx: float
    yy: float
    yc: float

    @classmethod
    def of(cls, page: pypdfium2.PdfPage) -> _Display:
        x0, y0, x1, y1 = page.get_mediabox()
        left, bottom, right, top = min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
        rotation = page.get_rotation() % 360
        width, height = right - left, top - bottom
        if rotation == 90:
            return cls(rotation, height, width, 0, 1, 0, 1, 0, -2 * left)
        if rotation == 180:
            return cls(rotation, width, height, -1, 0, right + left, 0, 1, -2 * bottom)
        if rotation == 270:
            return cls(rotation, height, width, 0, -1, top + bottom, -1, 0, right - left)
        return cls(0, width, height, 1, 0, 0, 0, -1, top - bottom)

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """A page-space rectangle as (x0, top, x1, bottom) on the displayed page."""
        ax, bx = self.xx * left + self.xy * bottom + self.xc, self.xx * right + self.xy * top + self.xc
        ay, by = self.yx * left + self.yy * bottom + self.yc, self.yx * right + self.yy * top + self.yc
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def upright(self, a: float, b: float, c: float, d: float) -> bool:
        """pdfminer's test for horizontal text (``a*d > 0 and b*c <= 0``) on the displayed page."""
        if self.rotation in (90, 270):  # the page's quarter turn swaps the roles of the matrix entries
            return b * c < 0 and a * d >= 0
        return a * d > 0 and b * c <= 0


def _font_name(raw: bytes) -> str:
    """A font's name as pdfminer gives it: a standard font, or an alias of one ("Arial",
    "TimesNewRoman"), under its standard name ("Helvetica", "Times-Roman")."""
    name = raw.decode("latin-1")
    metrics = FONT_METRICS.get(name)
    return str(metrics[0]["FontName"]) if metrics else name


def _space(previous: dict[str, Any], char: dict[str, Any]) -> dict[str, Any] | None:
    """The word break a space PDFium generated between `previous` and `char` stands for: a
    zero-width space between them, in the font of `previous` (so no font group ends there);
    None unless `char` follows `previous` on the same line."""
    if not (previous["upright"] and char["upright"]):
        return None
    if abs(char["top"] - previous["top"]) > DEFAULT_Y_TOLERANCE or char["x0"] < previous["x0"]:
        return None  # the next character of the stream is drawn elsewhere: no word gap to mark
    x = min(previous["x1"], char["x0"])
    return {**previous, "text": " ", "x0": x, "x1": x}


def _chars(textpage: pypdfium2.PdfTextPage, display: _Display) -> list[dict[str, Any]]:
    """The page's characters as pdfplumber's char dicts (the keys `WordExtractor` reads), plus
    whether their font is bold; see the module docstring for how each is made to look as pdfminer
    sees it. Font name and weight are looked up once per font name."""
    raw = textpage.raw
    box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    name, flags = ctypes.create_string_buffer(_FONT_NAME), ctypes.c_int()
    fonts: dict[bytes, tuple[str, bool]] = {}  # PDFium's font name: pdfminer's name, bold
    straight = display.rotation == 0  # most pages: X = x, Y = yc - y
    chars: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    gap = False  # PDFium generated a space since the previous character
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if pdfium_c.FPDFText_IsGenerated(raw, index):
            gap = gap or (chr(code).isspace() and code not in _LINE_END)
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
        pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
        named = 0 < pdfium_c.FPDFText_GetFontInfo(raw, index, name, _FONT_NAME, flags) <= _FONT_NAME
        if straight:
            x0, x1 = box.left, box.right
            top, bottom = display.yc - box.top, display.yc - box.bottom
            upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
        else:
            x0, top, x1, bottom = display.box(box.left, box.bottom, box.right, box.top)
            upright = display.upright(matrix.a, matrix.b, matrix.c, matrix.d)
        if upright:
            size = pdfium_c.FPDFText_GetFontSize(raw, index) * math.hypot(matrix.c, matrix.d)
            top = bottom - size
        else:
            size = bottom - top  # pdfminer's size of turned text: its box's height (the advance)
        font = name.value if named else b""
        if font not in fonts:
            fontname = _font_name(font)
            weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
            fonts[font] = fontname, bool(BOLD_FONT.search(fontname)) or weight >= _BOLD_WEIGHT
        fontname, bold = fonts[font]
        text = "-" if code == _HYPHEN_MARK else "\ufffd" if code == 0 else chr(code)
        char = {
            "text": LIGATURES.get(text, text),
            "x0": x0,
            "x1": x1,
            "top": top,
            "doctop": top,
            "bottom": bottom,
            "upright": upright,
            "size": size,
            "fontname": fontname,
            "bold": bold,
        }
        space = _space(previous, char) if gap and previous is not None else None
        if space is not None:
            chars.append(space)
        chars.append(char)
        previous, gap = char, False
    return chars


def _words(chars: list[dict[str, Any]]) -> list[Word]:
    """The characters grouped into layout words as pdfplumber groups them (`WORD_OPTIONS`)."""
    words = []
    for word, members in WordExtractor(**WORD_OPTIONS).extract_wordmap(chars).tuples:
        text = str(word["text"])
        if not text.strip():
            continue
        bold = members[0]["bold"]
        words.append(Word(text, word["x0"], word["x1"], word["top"], word["bottom"], word["size"], bold))
    return words


def _transform(matrix: pdfium_c.FS_MATRIX, x: float, y: float) -> tuple[float, float]:
    return matrix.a * x + matrix.c * y + matrix.e, matrix.b * x + matrix.d * y + matrix.f


def _image_bounds(container: Any, forms: tuple[pdfium_c.FS_MATRIX, ...]) -> Iterator[tuple[float, ...]]:
    """Page-space bounds (left, bottom, right, top) of the image objects of a page or Form XObject.

    `forms` are the matrices of the forms around `container` (none: it is the page), innermost
    first: PDFium gives the bounds of an object inside a form in the form's space.
    """
    count = pdfium_c.FPDFFormObj_CountObjects if forms else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if forms else pdfium_c.FPDFPage_GetObject
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(max(count(container), 0)):
        obj = get(container, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and len(forms) < _FORM_DEPTH:
            matrix = pdfium_c.FS_MATRIX()
            if pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
                yield from _image_bounds(obj, (matrix, *forms))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE and pdfium_c.FPDFPageObj_GetBounds(
            obj, left, bottom, right, top
        ):
            corners = [(x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)]
            for matrix in forms:
                corners = [_transform(matrix, x, y) for x, y in corners]
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            yield min(xs), min(ys), max(xs), max(ys)


def _read_page(document: pypdfium2.PdfDocument, index: int) -> PageLayer:
    """One page's words, plain text and image cover; the page and its text page closed after."""
    page = document[index]
    try:
        display = _Display.of(page)
        textpage = page.get_textpage()
        try:
            chars = _chars(textpage, display)
            plain = textpage.get_text_range()
        finally:
            textpage.close()
        width, height = display.width, display.height
        boxes = (display.box(*bounds) for bounds in _image_bounds(page.raw, ()))
        return PageLayer(PageWords(_words(chars), width, height), plain, covered_share(boxes, width, height))
    finally:
        page.close()


def _open(data: bytes) -> pypdfium2.PdfDocument:
    """`data` loaded by PDFium, which needs it kept alive until the document is closed.

    PDFium's own loader, not pypdfium2's: that one refuses a PDF without pages (which pdfplumber
    reads as an empty document), with whatever error PDFium reported last (a password error of
    an earlier file, say).
    """
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        code = pdfium_c.FPDF_GetLastError()
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise encrypted_pdf()
        raise corrupt_pdf(f"PDFium cannot load it ({ErrorToStr.get(code, f'error {code}')})")
    return pypdfium2.PdfDocument(raw)


def read_pages(data: bytes, max_pages: int) -> list[PageLayer]:
    """Words, plain text and image cover of every page of a PDF, read with PDFium.

    Raises `TooManyPages` past `max_pages` (counted before any page is read), `EncryptedPdf`
    when the file opens only with a password, and `UnreadableFile` when PDFium cannot load the
    file or one of its pages.
    """
    with _PDFIUM:
        document = _open(data)
        try:
            count = len(document)
            if count > max_pages:
                raise over_page_limit(count, max_pages)
            pages = []
            for index in range(count):
                try:
                    pages.append(_read_page(document, index))
                except pypdfium2.PdfiumError as error:
                    raise corrupt_pdf(f"page {index + 1}: {error}") from error
            return pages
        finally:
            document.close()
