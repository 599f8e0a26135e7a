"""A bounded fuzz run of the file entry point over mutated fixture files.

`build_communique` (which reads with `read_document`) is given fixture PDFs, texts and Markdown files
broken the ways files break: bit flips, bytes inserted or deleted, truncation, a chunk repeated, two
chunks swapped, a number of the PDF syntax (an offset, a length, a size, a coordinate) replaced.
The property: it returns a record whose spans hold, or raises a `TerminalError` with a reason (the
file goes to quarantine), never any other exception and never a hang. Long runs of one character
(a dotted rule, unspaced Chinese) must also be read in linear time.

Each example runs under a SIGALRM time limit (`LIMIT` seconds): the alarm raises inside pdfminer's
pure-Python loops, and a Tesseract run it interrupts is killed by `subprocess`. A failing input is
saved under test-artifacts/fuzz/ with its suffix, and a note of what went wrong next to it, so that
it can be replayed with `communiques` or `build_communique`. Hypothesis runs derandomized, without
its example database and without shrinking (a hang would make shrinking take minutes), so CI sees
the same inputs on every run; an example is a recipe of edits (`Edit`), short enough to read in
the report.
"""

from __future__ import annotations

import hashlib
import re
import signal
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from extractors.document import build_communique
from schemas.errors import TerminalError
from schemas.records import Communique
from tests.extractors.test_properties import check_structure

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = FIXTURES / "corpus"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz"
# Seconds per example. Each seed reads in well under a second; a mutation that garbles a text layer
# sends the page to OCR, and Tesseract takes 2-4 s a page on a busy 2-core machine (the two-page seed
# may send both), so the limit leaves room for that and still stops a parser caught in a loop.
LIMIT = 20.0


def plain_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with an uncompressed content stream, so that mutations reach its operators
    (font sizes, positions, strings), not only the file structure around compressed streams."""

    def literal(line: str) -> bytes:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("cp1252", errors="replace") + b")"

    body = [b"BT /F1 16 Tf 72 780 Td " + literal(lines[0]) + b" Tj ET", b"BT /F1 11 Tf 14 TL 72 750 Td"]
    body += [literal(line) + b" Tj T*" + (b" T*" if line.endswith(".") else b"") for line in lines[1:]]
    content = b"\n".join([*body, b"ET"])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def wrapped(path: Path, width: int = 85) -> list[str]:
    """The words of a text file set in lines of at most about `width` characters."""
    lines = [""]
    for word in path.read_text(encoding="utf-8").split():
        if lines[-1] and len(lines[-1]) + len(word) >= width:
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


_PRESS_RELEASE = FIXTURES / "seeds" / "sco_cfm_press_release_2009-05-15.txt"
PDF_SEEDS = {
    # a one-page letter: linearized, classic cross-reference table, compressed fonts
    "ecuador.pdf": next(CORPUS.glob("WCPFC4-2007-OP14 *.pdf")).read_bytes(),
    # PDF 1.7 with cross-reference and object streams
    "a_l632.pdf": (CORPUS / "1971-09-29_A_L.632-EN.pdf").read_bytes(),
    # two pages by ReportLab, ASCII85 + Flate content streams
    "press_release.pdf": (FIXTURES / "rendered" / "sco_cfm_press_release_2009-05-15.pdf").read_bytes(),
    "plain.pdf": plain_pdf(["PRESS RELEASE", *wrapped(_PRESS_RELEASE)[:30]]),
}
TEXT_SEEDS = {
    "press_release.txt": _PRESS_RELEASE.read_bytes(),
    "declaration_ru.txt": (CORPUS / "sco_ru_2019-06-14_declaration.txt").read_bytes(),
    "communique_zh.txt": (CORPUS / "sco_zh_2007-08-16_joint_communique.txt").read_bytes(),
    "trilateral.md": next(CORPUS.glob("2021-04-02-*.md")).read_bytes(),
    "aukus.md": (CORPUS / "2021-09-15-joint-leaders-statement-on-aukus.md").read_bytes(),
}
SEEDS = {**PDF_SEEDS, **TEXT_SEEDS}

# ---------------------------------------------------------------- mutations

_SYNTAX = [
    b"(",
    b")",
    b"<",
    b">",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"/",
    b"\\",
    b"%",
    b"\x00",
    b"\r",
    b"\n\n",
    b" R ",
    b" 0 obj ",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"%%EOF",
    b"xref",
    b"trailer",
    b"startxref",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"---\n",
    b"## ",
    b"\\u",
    b'"',
]
_NUMBERS = [
    b"0",
    b"-1",
    b"1",
    b"-0",
    b"0.0",
    b".",
    b"-",
    b"3.",
    b"-.5",
    b"007",
    b"65535",
    b"2147483647",
    b"2147483648",
    b"-2147483649",
    b"4294967296",
    b"99999999999999999999",
    b"1e10",
    b"NaN",
]
_NUMBER = re.compile(rb"(?<![\w.])[-+]?\d+(?:\.\d*)?(?![\w.])")
_PRINTABLE = re.compile(rb"[\t\n\r\x20-\x7e]*")


def syntax_numbers(data: bytes | bytearray) -> list[tuple[int, int]]:
    """Spans of the numbers written in the file's syntax, not inside binary (compressed) streams."""
    return [
        m.span()
        for m in _NUMBER.finditer(data)
        if _PRINTABLE.fullmatch(data, max(0, m.start() - 8), min(len(data), m.end() + 8))
    ]


@dataclass(frozen=True)
class Edit:
    """One mutation; positions are taken modulo the length of the data it is applied to.

    A recipe rather than the mutated bytes, so that Hypothesis reports a short, replayable example.
    """

    kind: str
    at: int
    size: int = 1
    to: int = 0
    payload: bytes = b""

    def apply(self, data: bytearray) -> None:
        """Apply the edit to `data` in place."""
        at = self.at % (len(data) + 1)
        if self.kind == "flip" and data:
            data[self.at % len(data)] ^= 1 << (self.size % 8)
        elif self.kind == "insert":
            data[at:at] = self.payload
        elif self.kind == "delete":
            del data[at : at + self.size]
        elif self.kind == "truncate":
            del data[at:]
        elif self.kind == "duplicate":
            to = self.to % (len(data) + 1)
            data[to:to] = data[at : at + self.size]
        elif self.kind == "swap":
            to = self.to % (len(data) + 1)
            (a, b), (c, d) = sorted([(at, at + self.size), (to, to + self.size)])
            b, d = min(b, len(data)), min(d, len(data))
            if b <= c:
                data[a:d] = data[c:d] + data[b:c] + data[a:b]
        elif self.kind == "number":
            numbers = syntax_numbers(data)
            if numbers:
                start, end = numbers[self.to % len(numbers)]
                data[start:end] = self.payload


_POSITION = st.integers(min_value=0, max_value=2**20)
_NUMBER_EDIT = st.builds(
    Edit,
    st.just("number"),
    st.just(0),
    to=_POSITION,
    payload=st.one_of(st.sampled_from(_NUMBERS), st.integers(-(10**6), 10**6).map(b"%d".__mod__)),
)
EDITS = st.lists(
    st.one_of(
        st.builds(Edit, st.just("flip"), _POSITION, st.integers(0, 7)),
        st.builds(
            Edit,
            st.just("insert"),
            _POSITION,
            payload=st.one_of(st.sampled_from(_SYNTAX), st.binary(min_size=1, max_size=16)),
        ),
        st.builds(Edit, st.just("delete"), _POSITION, st.integers(1, 64)),
        st.builds(Edit, st.just("truncate"), _POSITION),
        st.builds(Edit, st.just("duplicate"), _POSITION, st.integers(1, 512), _POSITION),
        st.builds(Edit, st.just("swap"), _POSITION, st.integers(1, 512), _POSITION),
        _NUMBER_EDIT,
        _NUMBER_EDIT,  # twice as likely: offsets, lengths, sizes and coordinates are what a PDF hangs on
    ),
    min_size=1,
    max_size=4,
)


def mutate(seed: str, edits: list[Edit]) -> bytes:
    """The seed file's bytes with `edits` applied in order."""
    data = bytearray(SEEDS[seed])
    for edit in edits:
        edit.apply(data)
    return bytes(data)


# ---------------------------------------------------------------- the property


class Overtime(BaseException):
    """Raised by the alarm. A BaseException, so that no reader's `except Exception` swallows it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `Overtime` in the main thread after `seconds`; pytest-timeout's own alarm is put back."""

    def alarm(signum: int, frame: object) -> None:
        raise Overtime(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    outer, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001), interval)


def save_failure(data: bytes, source_file: str, what: str) -> Path:
    """Keep a failing input (with its suffix, for replay) and what went wrong, under test-artifacts/fuzz/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{hashlib.sha256(data).hexdigest()[:16]}-{Path(source_file).name}"
    path.write_bytes(data)
    path.with_name(path.name + ".txt").write_text(what, encoding="utf-8")
    return path


def check_entry_point(data: bytes, source_file: str, limit: float | None = None) -> None:
    """`build_communique` returns a sound record or raises a TerminalError with a reason, in time
    (`limit` seconds, `LIMIT` by default)."""
    try:
        with time_limit(limit or LIMIT):
            record = build_communique(data, source_file, "fuzz")
    except TerminalError as error:
        assert error.reason, f"{type(error).__name__} without a reason"
        return
    except Overtime as error:
        path = save_failure(data, source_file, f"{error}\n{traceback.format_exc()}")
        pytest.fail(f"{source_file}: {error}; input saved to {path}")
    except Exception as error:
        path = save_failure(data, source_file, traceback.format_exc())
        pytest.fail(f"{source_file}: {type(error).__name__}: {error}; input saved to {path}")
    try:
        assert isinstance(record, Communique) and record.text.strip()
        for paragraph in record.paragraphs:
            assert record.text[paragraph.char_start : paragraph.char_end] == paragraph.text
        check_structure(record.text, record, record.pages)
    except Exception as error:
        path = save_failure(data, source_file, traceback.format_exc())
        pytest.fail(f"{source_file}: unsound record ({type(error).__name__}: {error}); input saved to {path}")


FUZZ = settings(
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(FUZZ, max_examples=250)
@given(st.sampled_from(sorted(PDF_SEEDS)), EDITS, st.sampled_from(["doc.pdf", "DOC.PDF", "doc"]))
def test_mutated_pdfs_give_a_record_or_a_terminal_error(seed: str, edits: list[Edit], name: str) -> None:
    check_entry_point(mutate(seed, edits), f"{Path(seed).stem}-{name}")


@settings(FUZZ, max_examples=300)
@given(
    st.sampled_from(sorted(TEXT_SEEDS)), EDITS, st.sampled_from(["doc.txt", "doc.md", "doc.markdown", "doc"])
)
def test_mutated_texts_give_a_record_or_a_terminal_error(seed: str, edits: list[Edit], name: str) -> None:
    check_entry_point(mutate(seed, edits), f"{Path(seed).stem}-{name}")


@settings(FUZZ, max_examples=60)
@given(st.sampled_from(sorted(SEEDS)), EDITS, st.sampled_from(["doc.txt", "doc.md", "doc.pdf"]))
def test_files_under_another_suffix_are_refused_or_read(seed: str, edits: list[Edit], name: str) -> None:
    check_entry_point(mutate(seed, edits), f"{Path(seed).stem}-{name}")


# Runs of one character or pair, as a dotted rule, a line of underscores or unspaced Chinese give them.
# Plain text only: Markdown's inline patterns (extractors.text._INLINE) still backtrack over a line full
# of unmatched openers ("[", "*a ", "<!--"), seconds for 40,000 characters; the worker's time limit
# refuses such a file.
_RUN_UNITS = sorted({*b"".join(TEXT_SEEDS.values()).decode("utf-8"), *".…·_-*#[]()<>\\/|~`'\"\t\f"})
_RUN_UNITS += ["a-", "a.", ". ", "M. ", "(a) ", "1. ", "上，", "Coopera-", "_ ", "… "]
RUN_LIMIT = 5.0  # 40,000 characters read in a few tenths of a second; quadratic work takes a minute


@settings(FUZZ, max_examples=30)
@given(st.sampled_from(_RUN_UNITS), st.integers(min_value=20_000, max_value=60_000))
def test_a_long_run_of_one_character_is_read_in_bounded_time(unit: str, length: int) -> None:
    check_entry_point((unit * (length // len(unit))).encode(), "run.txt", RUN_LIMIT)


def test_every_seed_gives_a_record_unmutated() -> None:
    for name, data in SEEDS.items():
        with time_limit(LIMIT):
            record = build_communique(data, name, "seed")
        assert record.paragraphs, name


def test_edits_do_what_they_say() -> None:
    data = b"0123456789"
    assert mutate_bytes(data, Edit("flip", 0, 0)) == b"1123456789"
    assert mutate_bytes(data, Edit("insert", 13, payload=b"ab")) == b"01ab23456789"
    assert mutate_bytes(data, Edit("delete", 2, 3)) == b"0156789"
    assert mutate_bytes(data, Edit("truncate", 4)) == b"0123"
    assert mutate_bytes(data, Edit("duplicate", 0, 2, to=10)) == b"012345678901"
    assert mutate_bytes(data, Edit("swap", 0, 2, to=5)) == b"5623401789"
    assert mutate_bytes(data, Edit("swap", 5, 2, to=0)) == b"5623401789"
    assert mutate_bytes(b"/Length 12 >>", Edit("number", 0, to=0, payload=b"-1")) == b"/Length -1 >>"
    stream = b"<< /W 3 >>stream\n\x9c 12 endstream"
    assert [stream[start:end] for start, end in syntax_numbers(stream)] == [b"3"]


def mutate_bytes(data: bytes, edit: Edit) -> bytes:
    buffer = bytearray(data)
    edit.apply(buffer)
    return bytes(buffer)


def test_the_alarm_stops_a_pure_python_loop_and_puts_the_outer_alarm_back() -> None:
    outer = signal.getsignal(signal.SIGALRM)
    with pytest.raises(Overtime), time_limit(0.05):
        while True:
            pass
    assert signal.getsignal(signal.SIGALRM) is outer


def test_an_unexpected_error_or_a_hang_fails_and_keeps_the_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(f"{__name__}.ARTIFACTS", tmp_path / "fuzz")
    monkeypatch.setattr(f"{__name__}.LIMIT", 0.05)

    def broken(data: bytes, source_file: str, doc_id: str) -> Communique:
        raise KeyError("boom")

    def stuck(data: bytes, source_file: str, doc_id: str) -> Communique:
        while True:
            pass

    for reader, data, message in [(broken, b"one", "KeyError: 'boom'"), (stuck, b"two", "no answer within")]:
        monkeypatch.setattr(f"{__name__}.build_communique", reader)
        with pytest.raises(pytest.fail.Exception, match=f"{message}.*input saved to"):
            check_entry_point(data, "x.txt")
    saved = sorted((tmp_path / "fuzz").glob("*-x.txt"))
    assert sorted(path.read_bytes() for path in saved) == [b"one", b"two"]
    assert all(path.with_name(path.name + ".txt").read_text() for path in saved)
