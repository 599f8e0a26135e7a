"""Clean text and cut it into blocks (paragraphs and headings) with page provenance.

`clean` normalises characters: ligatures expanded, curly quotes made straight, every dash
variant (hyphen, en/em dash, figure dash, minus) made "-", odd spaces and tabs made " ",
line breaks made "\n", soft hyphens, zero-width marks and control characters dropped
(ZWJ/ZWNJ are kept: Persian and Indic spelling needs them), NFC, runs of spaces collapsed,
trailing spaces stripped. It is idempotent and never raises.

`segment` reads the pages of a `RawDocument` with these conventions, shared by the readers:

* a blank line ends a paragraph; other line breaks are hard wraps and are reflowed;
* a line starting with "## " is a heading (the Markdown marker; `read_pdf` and `read_text`
  both emit it); consecutive heading lines merge when the next one continues the first
  (starts in lower case) or both are ALL CAPS with no blank line between;
* a short paragraph (up to 200 characters) made only of ALL-CAPS lines (a plain-text
  title) is a heading;
* a line holding only a roman numeral (I to XXXIX, any case, optional ".") is a section
  mark: it is dropped from the text and becomes `Block.section` of the following blocks;
* a page break without a blank line continues the paragraph unless the page ends a
  sentence and the next page does not start in lower case;
* a bulleted or numbered line ("- ", "1. ", "(a) ") after a finished sentence starts a paragraph;
* words hyphenated at a line end are rejoined unless the hyphen is real (see
  `extractors.wrapping`); CJK lines are joined without a space;
* pages without any blank line (plain extractions) fall back to a layout guess: a short
  line ending a sentence, followed by a capitalised line, ends a paragraph; on such a page
  with a line of 250 characters or more (never hard-wrapped) every line is a paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from extractors.wrapping import Vocabulary, ends_paragraph, ends_sentence, join_lines, starts_list_item
from schemas.records import Block, CleanDocument, RawDocument


def _char_map() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x3001):  # every space separator and control character is below U+3001
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Zs" and char != " ":
            table[code] = " "
        elif category == "Cc" and char != "\n":
            table[code] = None
    table.update({ord(c): "\n" for c in "\r\f\x85\u2028\u2029"})
    table.update({ord(c): " " for c in "\t\v"})
    table.update({ord(c): None for c in "\u00ad\u200b\u200e\u200f\u2060\ufeff"})
    table.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"})
    table.update({ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032"})
    table.update({ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033"})
    table.update({code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)})
    return table


_CHAR_MAP = _char_map()
_SPACES = re.compile(r" {2,}")
_TRAILING_SPACES = re.compile(r" +(?=\n)| +$")


def clean(text: str) -> str:
    """Normalise characters and spaces of `text` (see the module docstring); idempotent, never raises."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    text = unicodedata.normalize("NFC", text.translate(_CHAR_MAP))
    return _TRAILING_SPACES.sub("", _SPACES.sub(" ", text))


# ---------------------------------------------------------------- segmentation

_HEADING = re.compile(r"##(?:[ \t]+(?:#+(?:[ \t]+|$))*(.*))?")
_NUMERAL = re.compile(r"(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})\.?", re.IGNORECASE)
_SOFT_HYPHEN_WRAP = re.compile("\u00ad[^\\S\\n]*\\n[^\\S\\n]*(?=\\S)")
_UNWRAPPED_LINE = 200  # a line this long was not hard-wrapped: it is a whole paragraph
_SHORT_LINE = 0.8  # fraction of the page's longest line under which a line may end a paragraph
_TITLE_MAX = 200  # longest ALL-CAPS paragraph still taken for a title
_UNWRAPPED_PAGE = 250  # a page with a line this long was not hard-wrapped: each line is a paragraph


@dataclass
class _Line:
    text: str
    page: int
    kind: str  # "text", "heading", "numeral", "blank", "page_break"


@dataclass
class _Draft:
    lines: list[str]
    page_start: int
    page_end: int
    heading: bool
    section: str | None
    all_caps: list[bool] = field(default_factory=list)


def _is_all_caps(text: str) -> bool:
    cased = [c for c in text if c.isupper() or c.islower()]
    return len(cased) >= 2 and all(c.isupper() for c in cased)


def _starts_lower(text: str) -> bool:
    return text[:1].islower()


def _classify(doc: RawDocument) -> list[_Line]:
    lines: list[_Line] = []
    for number, page in enumerate(doc.pages, start=1):
        page = _SOFT_HYPHEN_WRAP.sub("", page).rstrip()
        if page.endswith("\u00ad"):
            page = page[:-1] + "-"
        for raw in clean(page).split("\n"):
            text = raw.strip()
            heading = _HEADING.fullmatch(text)
            if heading:
                text = (heading.group(1) or "").strip()
            if not text:
                lines.append(_Line("", number, "blank"))
            elif _NUMERAL.fullmatch(text):
                lines.append(_Line(text.rstrip(".").upper(), number, "numeral"))
            else:
                lines.append(_Line(text, number, "heading" if heading else "text"))
        lines.append(_Line("", number, "page_break"))
    return lines


def _unblanked_pages(lines: list[_Line]) -> dict[int, int]:
    """Pages whose text has no blank line (plain extractions), with their longest line length."""
    longest: dict[int, int] = {}
    blank_pages: set[int] = set()
    seen_text: set[int] = set()
    pending_blank: set[int] = set()
    for line in lines:
        if line.kind == "blank":
            if line.page in seen_text:
                pending_blank.add(line.page)
        elif line.kind in ("text", "heading", "numeral"):
            if line.page in pending_blank:
                blank_pages.add(line.page)
            seen_text.add(line.page)
            longest[line.page] = max(longest.get(line.page, 0), len(line.text))
    return {page: width for page, width in longest.items() if page not in blank_pages}


def _drafts(lines: list[_Line]) -> list[_Draft]:
    drafts: list[_Draft] = []
    unblanked = _unblanked_pages(lines)
    current: _Draft | None = None
    section: str | None = None
    after_blank = after_page_break = False
    last_kind = "blank"

    def flush() -> None:
        nonlocal current
        if current is not None:
            drafts.append(current)
            current = None

    for line in lines:
        if line.kind == "page_break":
            after_page_break = True
            continue
        if line.kind == "blank":
            flush()
            after_blank = True
            continue
        if line.kind == "numeral":
            flush()
            section = line.text
        elif line.kind == "heading":
            flush()
            previous = drafts[-1] if drafts and last_kind == "heading" else None
            caps = _is_all_caps(line.text)
            if previous and (
                _starts_lower(line.text) or (caps and all(previous.all_caps) and not after_blank)
            ):
                previous.lines.append(line.text)
                previous.all_caps.append(caps)
                previous.page_end = line.page
            else:
                drafts.append(_Draft([line.text], line.page, line.page, True, section, [caps]))
        else:
            if current is not None:
                head = current.lines[-1]
                width = unblanked.get(line.page)
                if (
                    (after_page_break and ends_paragraph(head, line.text))
                    or (starts_list_item(line.text) and ends_sentence(head))
                    or (width is not None and _breaks_unblanked(head, line.text, width))
                ):
                    flush()
            if current is None:
                current = _Draft([], line.page, line.page, False, section)
            current.lines.append(line.text)
            current.page_end = line.page
        last_kind = line.kind
        after_blank = after_page_break = False
    flush()
    return drafts


def _breaks_unblanked(head: str, tail: str, width: int) -> bool:
    """Paragraph end guessed from line lengths, for pages that carry no blank lines.

    On a page that was never hard-wrapped (a line of 250 characters or more) every line is a paragraph.
    """
    if width >= _UNWRAPPED_PAGE:
        return True
    if not ends_sentence(head) or _starts_lower(tail):
        return False
    return len(head) >= _UNWRAPPED_LINE or len(head) < _SHORT_LINE * width


def _block_text(draft: _Draft, vocab: Vocabulary) -> str:
    return clean(join_lines(draft.lines, vocab)).strip()


def segment(doc: RawDocument) -> CleanDocument:
    """Cut the pages of `doc` into clean paragraph and heading blocks (conventions in the module docstring).

    Hard-wrapped lines are reflowed, words hyphenated at line ends rejoined (real compounds
    keep their hyphen), paragraphs may span pages (`page_start` < `page_end`, 1-based), and
    every block's `char_start:char_end` indexes its text in `CleanDocument.text`, where the
    blocks are joined by blank lines. Never raises; an empty document gives no blocks.
    """
    lines = _classify(doc)
    vocab = Vocabulary.of("\n".join(line.text for line in lines if line.kind == "text"))
    blocks: list[Block] = []
    parts: list[str] = []
    position = 0
    for draft in _drafts(lines):
        heading = draft.heading or (
            all(_is_all_caps(line) for line in draft.lines) and sum(map(len, draft.lines)) <= _TITLE_MAX
        )
        text = _block_text(draft, vocab)
        if not text or _NUMERAL.fullmatch(text):
            continue
        if parts:
            position += 2
        blocks.append(
            Block(
                text=text,
                heading=heading,
                section=draft.section,
                page_start=draft.page_start,
                page_end=draft.page_end,
                char_start=position,
                char_end=position + len(text),
            )
        )
        parts.append(text)
        position += len(text)
    return CleanDocument(text="\n\n".join(parts), blocks=blocks, front_matter=doc.front_matter)
