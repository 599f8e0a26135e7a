"""Page layout from word boxes: rows, columns, lines, paragraphs and headings, rendered as page text.

Pure geometry on `Word` boxes (PDF points, y growing downwards), so it is tested without
PDFs. `page_texts` turns the words of every page into the page texts of a `RawDocument`:

* running headers, footers and page numbers are dropped (see `extractors.furniture`);
  pages read by OCR (`PageWords.scanned`) take part, but their body size and line pitch
  are measured apart from those of text-layer pages;
* columns are found from a vertical band with (almost) no words that has text on both
  sides; rows crossing the band (titles) are read first, then each column top to bottom;
* a paragraph ends at a vertical gap clearly larger than the document's line pitch, at a
  first-line indent, at a change of font size or weight, and at a column break after a
  finished sentence: paragraphs are separated by a blank line;
* a paragraph of at most a few lines set larger or bolder than the body text, or centred,
  is a heading, written on one line as "## " + its text (the Markdown marker `segment`
  reads). Other lines are written as they are, hard wraps and hyphens included.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.furniture import band_candidates, furniture
from extractors.wrapping import Vocabulary, ends_paragraph, is_cjk, join_lines

_ROW_TOLERANCE = 0.35  # of the font size: words whose tops differ less share a row
_GUTTER_MIN_WIDTH = 0.5  # of the font size
_GUTTER_MAX_COVER = 0.25  # share of rows allowed to cross a gutter (titles, full-width lines)
_GUTTER_MIN_SIDE = 0.2  # share of rows needed on each side of a gutter
_GUTTER_MIN_ROWS = 6
_GUTTER_MAX_EXTENT = 20_000  # points; no real page is wider
_SPANNING_GAP = 0.5  # of the font size: a gap narrower than this at a cut is a word space
_PARAGRAPH_GAP = 1.3  # a line pitch this many times the usual one starts a paragraph
_LARGER = 1.15  # a font this many times the body size is a heading font
_HEADING_MAX_LINES = 3  # for a bold or centred heading
_LARGE_HEADING_MAX_LINES = 6  # for one set in a larger font
_INDENT = 1.0  # of the font size: a first-line indent


@dataclass(frozen=True, slots=True)
class Word:
    """A word box on a page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass(slots=True)
class PageWords:
    """The words of one page and the page size; `scanned` when the words were read by OCR."""

    words: list[Word]
    width: float
    height: float
    scanned: bool = False


@dataclass(slots=True)
class Line:
    """A line of text inside one column, with the box of that column."""

    words: list[Word]
    left: float  # the column's (or text area's) left edge
    right: float
    column_break: bool = False  # first line read after another column or region
    text: str = field(init=False)
    x0: float = field(init=False)
    x1: float = field(init=False)
    top: float = field(init=False)
    size: float = field(init=False)
    bold: bool = field(init=False)

    def __post_init__(self) -> None:
        self.words.sort(key=lambda w: w.x0)
        self.text = _join_words(self.words)
        self.x0, self.x1 = self.words[0].x0, max(w.x1 for w in self.words)
        self.top = statistics.median(w.top for w in self.words)  # a superscript does not move it
        chars = sum(len(w.text) for w in self.words)
        self.size = sum(w.size * len(w.text) for w in self.words) / chars
        self.bold = sum(len(w.text) for w in self.words if w.bold) >= 0.9 * chars


@dataclass(frozen=True, slots=True)
class _Style:
    body_size: float
    pitch: float
    bold_body: bool


def _join_words(words: Sequence[Word]) -> str:
    text = ""
    for word in words:
        text += word.text if text and is_cjk(text[-1]) and is_cjk(word.text[0]) else f" {word.text}"
    return text.strip()


def rows(words: Sequence[Word]) -> list[list[Word]]:
    """Group words whose tops are close into rows, top to bottom, each row left to right."""
    grouped: list[list[Word]] = []
    anchor = 0.0
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if grouped and word.top - anchor <= _ROW_TOLERANCE * word.size:
            grouped[-1].append(word)
        else:
            grouped.append([word])
            anchor = word.top
    for row in grouped:
        row.sort(key=lambda w: w.x0)
    return grouped


def gutters(page_rows: Sequence[Sequence[Word]]) -> list[float]:
    """Where columns divide: x of vertical bands crossed by few rows, with text on both sides."""
    count = len(page_rows)
    if count < _GUTTER_MIN_ROWS:
        return []
    least_width = _GUTTER_MIN_WIDTH * statistics.median(w.size for row in page_rows for w in row)
    origin = math.floor(min(w.x0 for row in page_rows for w in row))
    size = math.ceil(max(w.x1 for row in page_rows for w in row)) - origin + 2
    if size > _GUTTER_MAX_EXTENT:
        return []  # absurd coordinates from a broken file: read in row order
    cover, left, right = [0] * (size + 1), [0] * (size + 1), [0] * (size + 1)
    for row in page_rows:
        covered = [0] * (size + 1)
        for word in row:
            covered[max(0, math.floor(word.x0) - origin)] += 1
            covered[min(size, math.ceil(word.x1) - origin + 1)] -= 1
        depth = 0
        for x in range(size):
            depth += covered[x]
            cover[x] += depth > 0
        left[min(size, math.floor(min(w.x1 for w in row)) - origin + 1)] += 1
        right[max(0, math.ceil(max(w.x0 for w in row)) - origin - 1)] += 1
    cuts: list[float] = []
    start: int | None = None
    lefts, rights = 0, sum(right)
    for x in range(size + 1):
        lefts += left[x]
        inside = (
            x < size
            and 0.15 * size <= x <= 0.85 * size
            and cover[x] <= _GUTTER_MAX_COVER * count
            and min(lefts, rights) >= _GUTTER_MIN_SIDE * count
        )
        rights -= right[x]
        if inside and start is None:
            start = x
        elif not inside and start is not None:
            if x - start >= least_width:
                cuts.append(origin + _emptiest(cover[start:x]) + start)
            start = None
    return cuts


def _emptiest(cover: Sequence[int]) -> float:
    """The middle of the longest run of least-covered positions in a band."""
    least = min(cover)
    best_start = best_length = run_start = 0
    for x, value in enumerate([*cover, least + 1]):
        if value != least:
            if x - run_start > best_length:
                best_start, best_length = run_start, x - run_start
            run_start = x + 1
    return best_start + (best_length - 1) / 2


def _spans(row: Sequence[Word], cuts: Sequence[float]) -> bool:
    """Whether a row runs across a column cut (a crossing word, or only a word space at the cut)."""
    space = _SPANNING_GAP * statistics.median(w.size for w in row)
    for cut in cuts:
        before = [w.x1 for w in row if w.x1 <= cut]
        after = [w.x0 for w in row if w.x0 >= cut]
        if len(before) + len(after) < len(row) or (before and after and min(after) - max(before) < space):
            return True
    return False


def reading_order(page_rows: Sequence[Sequence[Word]], cuts: Sequence[float]) -> list[Line]:
    """The lines of a page in reading order: full-width rows in place, column regions column by column."""
    if not page_rows:
        return []
    left = min(w.x0 for row in page_rows for w in row)
    right = max(w.x1 for row in page_rows for w in row)
    if not cuts:
        return [Line(list(row), left, right) for row in page_rows]
    lines: list[Line] = []
    region: list[Word] = []
    after_region = False

    def flush_region() -> None:
        nonlocal after_region
        columns: list[list[Word]] = [[] for _ in range(len(cuts) + 1)]
        for word in region:
            columns[sum((word.x0 + word.x1) / 2 > cut for cut in cuts)].append(word)
        for column in columns:
            if not column:
                continue
            c_left, c_right = min(w.x0 for w in column), max(w.x1 for w in column)
            for index, row in enumerate(rows(column)):
                lines.append(Line(row, c_left, c_right, column_break=index == 0 and bool(lines)))
                after_region = True
        region.clear()

    for row in page_rows:
        if _spans(row, cuts):
            flush_region()
            lines.append(Line(list(row), left, right, column_break=after_region))
            after_region = False
        else:
            region.extend(row)
    flush_region()
    return lines


def _style(pages: Sequence[Sequence[Line]]) -> _Style:
    sizes: Counter[float] = Counter()
    bold = chars = 0
    for line in (line for page in pages for line in page):
        for word in line.words:
            sizes[round(word.size * 2) / 2] += len(word.text)
            chars += len(word.text)
            bold += len(word.text) if word.bold else 0
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    pitches: Counter[float] = Counter()
    for page in pages:
        for prev, line in itertools.pairwise(page):
            step = line.top - prev.top
            if not line.column_break and abs(line.size - body) < 0.5 and 0 < step < 3 * body:
                pitches[round(step * 2) / 2] += 1
    pitch = pitches.most_common(1)[0][0] if pitches else 1.2 * body
    return _Style(body, pitch, bold > chars / 2)


def _centred(line: Line) -> bool:
    indent, outdent = line.x0 - line.left, line.right - line.x1
    least = max(1.5 * line.size, 0.05 * (line.right - line.left))
    return min(indent, outdent) >= least and abs(indent - outdent) <= max(line.size, 0.1 * indent)


def _indented(line: Line) -> bool:
    return line.x0 - line.left > _INDENT * line.size


def _starts_paragraph(lines: Sequence[Line], index: int, style: _Style) -> bool:
    line, prev = lines[index], lines[index - 1]
    if line.column_break and line.top <= prev.top:  # back up to the top of the next column
        return ends_paragraph(prev.text, line.text)
    if abs(line.size - prev.size) > 0.1 * style.body_size or line.bold != prev.bold:
        return True
    expected = style.pitch * max(line.size, prev.size) / style.body_size
    if line.top - prev.top > _PARAGRAPH_GAP * expected or line.top < prev.top:
        return True
    nxt = lines[index + 1] if index + 1 < len(lines) and not lines[index + 1].column_break else None
    first_line_indent = _indented(line) and not _indented(prev)
    return first_line_indent and nxt is not None and not _indented(nxt)


def _is_heading(group: Sequence[Line], style: _Style) -> bool:
    if len(group) <= _LARGE_HEADING_MAX_LINES and all(
        line.size >= _LARGER * style.body_size for line in group
    ):
        return True
    if len(group) > _HEADING_MAX_LINES:
        return False
    bolder = not style.bold_body and all(line.bold for line in group)
    return bolder or all(_centred(line) for line in group)


def _render(lines: Sequence[Line], style: _Style) -> str:
    groups: list[list[Line]] = []
    for index, line in enumerate(lines):
        if index == 0 or _starts_paragraph(lines, index, style):
            groups.append([])
        groups[-1].append(line)
    out: list[str] = []
    for group in groups:
        if out:
            out.append("")
        if _is_heading(group, style):
            out.append("## " + join_lines([line.text for line in group], Vocabulary()))
        else:
            out.extend(line.text for line in group)
    return "\n".join(out)


def page_texts(pages: Sequence[PageWords]) -> list[str]:
    """The text of every page, furniture removed, columns and paragraphs resolved (module docstring)."""
    page_rows = [rows(page.words) for page in pages]
    candidates = [
        candidate
        for number, (page, grouped) in enumerate(zip(pages, page_rows, strict=True))
        for candidate in band_candidates(
            number, [(_join_words(r), r[0].top, max(w.bottom for w in r)) for r in grouped], page.height
        )
    ]
    dropped = furniture(candidates, sum(1 for page in pages if page.words))
    ordered: list[list[Line]] = []
    for number, grouped in enumerate(page_rows):
        body = [row for index, row in enumerate(grouped) if (number, index) not in dropped]
        ordered.append(reading_order(body, gutters(body)))
    kinds = [page.scanned for page in pages]  # OCR'd pages have sizes and pitches of their own
    styles = {
        kind: _style([lines for lines, k in zip(ordered, kinds, strict=True) if k == kind]) for kind in kinds
    }
    return [_render(lines, styles[kind]) for lines, kind in zip(ordered, kinds, strict=True)]
