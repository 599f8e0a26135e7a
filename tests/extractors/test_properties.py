"""Properties of the cleaners and parsers on any text, and on texts made of the fixtures' own lines.

The per-module tests (test_cleaning, test_dates, test_structure, test_language) hold the first
properties of each stage on small alphabets or plain `st.text()`. These complete them:

* every stage (`read_text`, `segment`, `parse`, `detect_language`, the date finders,
  `build_communique`) takes any Unicode or any bytes, including control characters, form feeds,
  right-to-left and combining marks, very long lines, broken YAML front matter, and raises at most a
  `TerminalError` (only the readers and `build_communique` may);
* cleaning is idempotent on those texts too: `clean` twice is `clean` once, and `segment` of a
  clean text gives the same text;
* every character span of a record points at the text it claims in `Communique.text` / the clean
  text: blocks and paragraphs at their text, participants at their name, events at their
  description, instruments at their name, dates inside the text (country mentions carry no
  offsets, only a count);
* every date is a valid `datetime.date` or None, whatever day, month or year the text writes;
* every record and front matter can be written out as UTF-8 JSON (no lone surrogates).

Texts are built from lines of the real fixture documents (seeds, corpus, golden clean texts) mixed
with odd characters and random Unicode, so the parsers' own paths (datelines, participants,
instruments, events, labelled headers, front matter) run, not only their rejection of garbage.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.cleaning import clean, segment
from extractors.dates import find_dates, find_yearless_dates, parse_date
from extractors.document import build_communique
from extractors.language import detect_language
from extractors.structure import parse
from extractors.text import read_text
from schemas.errors import TerminalError
from schemas.records import CleanDocument, Communique, RawDocument, Span, Structure

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_SOURCES = sorted(
    [
        *(FIXTURES / "seeds").glob("*.txt"),
        *(FIXTURES / "corpus").glob("*.txt"),
        *(FIXTURES / "corpus").glob("*.md"),
        *(FIXTURES / "golden").glob("*.clean.txt"),
    ]
)
_DOCUMENTS = [path.read_text(encoding="utf-8") for path in _SOURCES]
_LINES = sorted({line.strip() for text in _DOCUMENTS for line in text.splitlines() if line.strip()})


def _one_of(texts: list[str]) -> st.SearchStrategy[str]:
    """`sampled_from` by index: Hypothesis would otherwise print the whole corpus in its reports."""
    return st.integers(min_value=0, max_value=len(texts) - 1).map(lambda index: texts[index])


# Characters and pieces the cleaners and parsers treat specially, or that broke readers elsewhere.
_ODD_CHARACTERS = (
    "\x00\x01\x08\x0b\x0c\x0e\x1b\x1c\x1f\x7f\x80\x85\x9f\t\r\f\v"  # C0/C1 controls, form feed
    "\u00a0\u00ad\u1680\u2000\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u205f\u3000"
    "\u2060\ufeff\ufffd\ufffe\uffff"  # spaces, zero-width marks, BOM, noncharacters
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi embeddings, overrides, isolates
    "\u0301\u0308\u0327\u0336\u0483\u064b\u05b7\u20dd\u302a"  # combining marks (Latin, Cyrillic, RTL, CJK)
    "\u05d0\u05e9\u0627\u0644\u0639\u0631\u0628\u06cc\u0660\u0669\u06f1"  # Hebrew, Arabic, Persian digits
    "\u2010\u2011\u2013\u2014\u2212\u2018\u2019\u201c\u201d\u2032\ufb01\ufb02\ufb05"  # dashes, ligatures
    "\u0130\u0131\u00df\u1e9e\u01c5\u2126\u212b\u2160\u216b\u00bd\u00b2\uff10\uff21\u3007\u5341"
    "İ#*_~`[]()<>{}|\\/:;.,!?\"'-"
)
_ODD_PIECES = [
    "## ",
    "# ",
    "---\n",
    "```\n",
    "> ",
    "**",
    "1. ",
    "(a) ",
    "- ",
    "IV.",
    "xx",
    "\n\n",
    "\r\n",
    "\f",
    "Coopera-\ntion",
    "anti-\nterrorism",
    "[Title] ",
    "[Date] ",
    "[Place] ",
    "[Full text]",
    "Date: ",
    "Place: ",
    "Title: ",
    "发布时间:",
    "来源:",
    "Done at Minsk on ",
    "Moscow, ",
    "held on ",
    "signed on ",
    "not later than ",
    "in Astana",
    "President ",
    "Minister of Foreign Affairs of the Russian Federation ",
    "Secretary-General ",
    "SECRETARY GENERAL STOLTENBERG:",
    "Agreement on ",
    "《上海合作组织宪章》",
    "于北京",
    "哈萨克斯坦共和国外交部长",
    "в Бишкеке ",
    "Президент Республики Казахстан ",
    "\u0627\u0644\u0631\u064a\u0627\u0636\u060c ",  # "Riyadh, " in Arabic
    "\u202eDECLARATION\u202c",
]
# Dates no calendar has, or outside 1800-2200: never found as dates.
IMPOSSIBLE_DATES = [
    "31 February 2024",
    "29 February 2023",
    "0 May 0000",
    "00 May 2009",
    "May 0, 2009",
    "May 32, 2009",
    "June 31-32, 2009",
    "1 January 0001",
    "31 December 9999",
    "32 мая 2003 года",
    "31 июня 2016 г.",
    "2019年2月30日",
    "2019年13月1日",
    "0000年0月0日",
    "二〇一九年十三月一日",
    "二〇一九年二月三十日",
    "00.00.0000",
    "31.02.2021",
    "13/13/2021",
    "2021-13-01",
    "2021-02-30",
    "0000-00-00",
]
# ... and more odd ones: at the edge of what a calendar allows, ranges backwards, no year.
_ODD_DATES = [
    *IMPOSSIBLE_DATES,
    "29 February 2024",
    "June 16-15, 2009",
    "30 June – 1 May 2009",
    "May 15, 99999",
    "1 January 1799",
    "1 January 2201",
    "二〇一九年九十九月九十九日",
    "2019年6月13日至12日",
    "9999-12-31",
    "\u0663\u0661.\u0660\u0662.\u0662\u0660\u0662\u0661",  # 31.02.2021 in Arabic-Indic digits
    "\uff13\uff11 May \uff12\uff10\uff12\uff14",  # fullwidth digits
    "May 4 TH , 2007",
    "May 10-11",
    "on 31 February",
    "on 26 November",
    "10 мая",
]

_PIECE = st.one_of(
    _one_of(_LINES),
    st.sampled_from(_ODD_PIECES),
    st.sampled_from(_ODD_DATES),
    st.text(alphabet=_ODD_CHARACTERS, max_size=6),
    st.text(max_size=12),
)
_SEPARATOR = st.sampled_from(["\n", "\n", "\n\n", " ", "", "\f", "\r\n", "\u2029"])
_LONG_LINE = st.tuples(_one_of(_LINES), st.integers(min_value=5, max_value=40)).map(
    lambda line_times: " ".join([line_times[0]] * line_times[1])
)
MIXED_TEXT = st.lists(st.tuples(st.one_of(_PIECE, _LONG_LINE), _SEPARATOR), max_size=30).map(
    lambda parts: "".join(piece + separator for piece, separator in parts)
)


@st.composite
def spliced_document(draw: st.DrawFn) -> str:
    """A whole fixture document with a few odd pieces inserted, lines dropped or lines repeated."""
    text = draw(_one_of(_DOCUMENTS))
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["insert", "delete", "repeat"]))
        if action == "insert":
            text = text[:at] + draw(_PIECE) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=200)) :]
        else:
            text = text[:at] + text[at : at + 300] + text[at:]
    return text


ANY_TEXT = st.one_of(st.text(max_size=400), MIXED_TEXT, spliced_document())
PAGES = st.lists(ANY_TEXT, min_size=1, max_size=3)

_ESCAPES = [
    "\\u2019",
    "\\U0001F600",
    "\\uD83D\\uDE00",
    "\\uD800",
    "\\uDFFF",
    "\\U0010FFFF",
    "\\U00110000",
    "\\UFFFFFFFF",
    "\\x00",
    "\\N",
    "\\_",
    "\\L",
    "\\e",
    "\\",
    "\\\n",
    '\\"',
    "\\q",
]


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """A Markdown document opening with YAML front matter, its values quoted, plain, escaped or broken."""
    lines = []
    for key in draw(st.lists(st.sampled_from(["title", "date", "place", "source", "x"]), max_size=4)):
        value = "".join(draw(st.lists(st.one_of(st.sampled_from(_ESCAPES), _PIECE), max_size=4)))
        quote = draw(st.sampled_from(['"', "'", "", '"']))
        lines.append(f"{key}: {quote}{value}{quote}")
        if draw(st.booleans()):
            lines.append("  " + draw(_PIECE))  # a continued (folded) value
    end = draw(st.sampled_from(["---", "...", ""]))
    return "---\n" + "\n".join(lines) + f"\n{end}\n\n" + draw(MIXED_TEXT)


_ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "cp1251",
    "cp1252",
    "gb18030",
    "big5",
    "koi8_r",
]
ENCODED_TEXT = st.tuples(
    st.one_of(ANY_TEXT, front_matter()), st.sampled_from(_ENCODINGS), st.binary(max_size=4)
).map(lambda t: t[0].encode(t[1], errors="replace") + t[2])
ANY_BYTES = st.one_of(ENCODED_TEXT, st.binary(max_size=300))

_SOME = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _raw(pages: list[str]) -> RawDocument:
    return RawDocument(source_format="text", pages=pages, raw_text="\f".join(pages))


def _exportable(value: object) -> None:
    """The value survives the JSON export and the warehouse: no lone surrogates anywhere."""
    json.dumps(value, ensure_ascii=False).encode("utf-8")


def check_blocks(doc: CleanDocument) -> None:
    """Blocks index their own text in the clean text, which is nothing but the blocks."""
    for block in doc.blocks:
        assert 0 <= block.char_start <= block.char_end <= len(doc.text)
        assert doc.text[block.char_start : block.char_end] == block.text
        assert 1 <= block.page_start <= block.page_end
    assert doc.text == "\n\n".join(block.text for block in doc.blocks)


def _check_span(text: str, span: Span, value: str, pages: int) -> None:
    assert span.char_start is not None and span.char_end is not None
    assert 0 <= span.char_start <= span.char_end <= len(text)
    assert text[span.char_start : span.char_end] == value
    assert span.page is None or 1 <= span.page <= pages


def check_structure(text: str, structure: Structure | Communique, pages: int) -> None:
    """Every span of the record points at the value it claims; every date is a real date."""
    for participant in structure.participants:
        _check_span(text, participant, participant.name, pages)
    for event in structure.referenced_events:
        _check_span(text, event, event.description, pages)
        assert type(event.date_start) is dt.date and type(event.date_end) is dt.date
        assert event.date_start <= event.date_end
    for instrument in structure.instruments:
        _check_span(text, instrument, instrument.name, pages)
    assert structure.issued_date is None or type(structure.issued_date) is dt.date
    assert all(mention.mentions >= 1 for mention in structure.country_mentions)
    _exportable(structure.model_dump(mode="json"))


# ---------------------------------------------------------------- cleaning


@_SOME
@given(ANY_TEXT)
def test_clean_is_idempotent_on_fixture_lines_and_odd_characters(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


@_SOME
@given(PAGES)
def test_segment_spans_on_fixture_lines_and_odd_characters(pages: list[str]) -> None:
    check_blocks(segment(_raw(pages)))


@_SOME
@given(PAGES)
def test_segment_of_its_own_clean_text_changes_nothing(pages: list[str]) -> None:
    """The module's contract: the clean text is blocks joined by blank lines, so read again as one
    page it cuts into the same blocks and gives the same text (cleaning twice equals once)."""
    once = segment(_raw(pages))
    twice = segment(_raw([once.text]))
    assert twice.text == once.text
    assert [b.text for b in twice.blocks] == [b.text for b in once.blocks]


# ---------------------------------------------------------------- readers


@_SOME
@given(ANY_BYTES, st.sampled_from([None, True, False]))
def test_read_text_takes_any_bytes(data: bytes, markdown: bool | None) -> None:
    try:
        raw = read_text(data, markdown=markdown)
    except TerminalError as error:
        assert error.reason
        return
    assert len(raw.pages) == 1 and raw.pages[0].strip()
    _exportable(raw.front_matter)


@_SOME
@given(front_matter())
def test_front_matter_of_any_shape_is_read_or_refused(text: str) -> None:
    try:
        raw = read_text(text.encode("utf-8"))
    except TerminalError:
        return
    _exportable(raw.front_matter)
    assert all(key and value == " ".join(value.split()) for key, value in raw.front_matter.items())


# ---------------------------------------------------------------- parsers


@_SOME
@given(PAGES)
def test_parse_of_segmented_text_never_raises_and_spans_hold(pages: list[str]) -> None:
    doc = segment(_raw(pages))
    check_structure(doc.text, parse(doc), len(pages))


@_SOME
@given(ANY_TEXT, st.sampled_from([None, "en", "ru", "zh", "kk", "und"]))
def test_detect_language_never_raises(text: str, expected: str | None) -> None:
    code, probability = detect_language(text, expected=expected)
    assert isinstance(code, str) and code
    assert 0.0 <= probability <= 1.0


@_SOME
@given(st.one_of(ANY_TEXT, st.lists(st.sampled_from(_ODD_DATES + _ODD_PIECES), max_size=8).map(" ".join)))
def test_date_finders_give_real_dates_inside_the_text(text: str) -> None:
    dates = find_dates(text)
    for span in dates:
        assert 0 <= span.start < span.end <= len(text)
        assert type(span.first) is dt.date and type(span.last) is dt.date
        assert span.first <= span.last and 1800 <= span.first.year <= 2200
    assert all(a.end <= b.start for a, b in itertools.pairwise(dates))
    first = parse_date(text)
    assert first == (dates[0] if dates else None)
    for year in (None, 1, 2009, 9999):
        for span in find_yearless_dates(text, dates, year):
            assert 0 <= span.start < span.end <= len(text)
            assert type(span.first) is dt.date and span.first <= span.last
            assert not any(d.start <= span.start < d.end for d in dates)


@pytest.mark.parametrize("text", IMPOSSIBLE_DATES)
def test_impossible_dates_are_no_dates(text: str) -> None:
    assert find_dates(f"It was held on {text} in Moscow.") == []
    assert find_yearless_dates(f"on {text} in Moscow", [], 2009) == []


# ---------------------------------------------------------------- the whole text pipeline


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_BYTES, st.sampled_from(["doc.txt", "doc.md", "doc"]))
def test_build_communique_gives_a_record_or_a_terminal_error(data: bytes, name: str) -> None:
    try:
        record = build_communique(data, name, "property")
    except TerminalError as error:
        assert error.reason
        return
    text = record.text
    assert text.strip() and record.pages == 1
    assert [p.number for p in record.paragraphs] == list(range(1, len(record.paragraphs) + 1))
    for paragraph in record.paragraphs:
        assert 0 <= paragraph.char_start <= paragraph.char_end <= len(text)
        assert text[paragraph.char_start : paragraph.char_end] == paragraph.text
        assert 0.0 <= paragraph.language_confidence <= 1.0
    check_structure(text, record, record.pages)
    assert record.countries == sorted({m.country for m in record.country_mentions})
    _exportable(record.model_dump(mode="json"))
