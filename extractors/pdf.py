"""PDF reader: bytes in, `RawDocument` out, with page furniture removed and columns resolved.

Page text conventions (read by `extractors.cleaning.segment`):

* paragraphs are separated by a blank line; lines inside a paragraph keep their hard
  wraps and line-end hyphens (``segment`` reflows and rejoins them);
* a heading (a short paragraph set larger or bolder than the body text, or centred) is
  one line starting with ``"## "``, the Markdown heading marker;
* running headers, footers and page numbers are gone; two-column pages read title
  first, then the left column, then the right one (details in `extractors.layout`).

`RawDocument.raw_text` keeps pdfplumber's untouched ``extract_text()`` of every page,
pages joined with a form feed.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pdfplumber

from extractors.layout import PageWords, Word, page_texts
from schemas.errors import EmptyDocument, UnreadableFile
from schemas.records import RawDocument

_HEADER_WINDOW = 1024  # the PDF header may follow a little junk, as readers allow
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_WORD_OPTIONS = {"x_tolerance_ratio": 0.2, "keep_blank_chars": False, "extra_attrs": ["size", "fontname"]}


def _reason(error: Exception) -> str:
    detail = str(error).strip() or type(error).__name__
    if "password" in detail.lower() or "encrypt" in detail.lower():
        return f"encrypted PDF: {detail[:160]}"
    return f"corrupt or truncated PDF: {detail[:160]}"


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
                bold=bool(_BOLD.search(str(item.get("fontname") or ""))),
            )
        )
    return words


def _extract(data: bytes) -> tuple[list[PageWords], list[str]]:
    """Words and plain text of every page; pdfminer errors of any kind become `UnreadableFile`."""
    pages: list[PageWords] = []
    plain: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                try:
                    words = _words(page.extract_words(**_WORD_OPTIONS))
                    plain.append(page.extract_text() or "")
                    pages.append(PageWords(words, float(page.width), float(page.height)))
                finally:
                    page.close()
    except MemoryError:
        raise
    except Exception as error:  # pdfminer raises many unrelated types on bad input
        raise UnreadableFile(_reason(error)) from error
    return pages, plain


def read_pdf(data: bytes) -> RawDocument:
    """Read a PDF's text layer into a `RawDocument` (source_format "pdf"), one text per page.

    Raises `EmptyDocument` for empty bytes or a PDF without any text (scanned pages need
    OCR), and `UnreadableFile` when the bytes are not a PDF or it is corrupt or truncated.
    """
    if not data.strip():
        raise EmptyDocument("empty file: no bytes to read")
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise UnreadableFile("not a PDF: file does not start with %PDF")
    pages, plain = _extract(data)
    if not pages:
        raise EmptyDocument("PDF has no pages")
    if not any(page.words for page in pages):
        raise EmptyDocument(
            f"PDF has no text layer (scanned pages); OCR is needed to read its {len(pages)} page(s)"
        )
    return RawDocument(source_format="pdf", pages=page_texts(pages), raw_text="\f".join(plain))
