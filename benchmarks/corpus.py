"""Benchmark corpus: N distinct communiqués rendered from the seed texts, as PDF and/or plain text.

usage: .venv/bin/python benchmarks/corpus.py COUNT DIR [--pdf-share 1.0] [--start 0] [--check]

Document `n` is a deterministic variation of a seed picked by `n` (tests/fixtures/seeds/*.txt
and samples/*.txt, the same text counted once): its title and opening paragraph stay; later body
paragraphs are dropped now and then and locally reordered; one or two generated paragraphs with
varying words, countries and numbers are inserted (one carries "decision No. <1000 + n>", so no two
documents are alike after cleaning, however the rest turns out); the meeting date and the closing
dateline vary. A share `--pdf-share` of the documents, spread evenly over the numbers, is written
as an A4 PDF the way a ministry publishes one (fpdf2, core Helvetica: a running header, centred
"- n -" page numbers, justified body, bold headings; text kept to Latin-1); the others as .txt.

`--check` ingests the first 50 documents (`communiques ingest`, scratch data folder) and fails
unless every one of them is loaded: documents the pipeline saw as duplicates would skip work and
flatter every benchmark that uses this corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

PROJECT = Path(__file__).resolve().parent.parent
SEED_FOLDERS = (PROJECT / "tests" / "fixtures" / "seeds", PROJECT / "samples")
HEADER = "Shanghai Cooperation Organisation"

CITIES = ("Moscow", "Beijing", "Astana", "Bishkek", "Dushanbe", "Tashkent", "Shanghai", "Yekaterinburg")
COUNTRIES = ("India", "Pakistan", "Iran", "Mongolia", "Belarus", "Sri Lanka", "Turkey", "Cambodia", "Nepal")
TOPICS = (
    "trade facilitation",
    "energy security",
    "transport corridors",
    "customs cooperation",
    "public health",
    "science and technology",
    "tourism",
    "water management",
    "food security",
    "digital connectivity",
    "disaster relief",
    "cultural exchange",
    "youth policy",
    "border security",
    "investment protection",
)
BODIES = ("working group", "expert commission", "task force", "joint committee", "consultative council")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SENTENCES = (
    "The ministers agreed to set up a {body} on {topic} and {topic2}, which is to report to the Council "
    "of National Coordinators by {month} {year} and to hold its first session in {city}.",
    "The sides welcomed the signing of {count} agreements on {topic}, worth {amount} million US dollars "
    "in all, and instructed the Secretariat to follow their implementation.",
    "It was decided to allocate {amount} thousand US dollars in {year} to the joint programme on {topic}, "
    "{topic2} and {topic3}, and to review its results at the meeting in {city}.",
    "The member states noted that mutual trade grew by {pct} per cent in {prev_year} to reach {amount} "
    "billion US dollars, and called for closer cooperation in {topic} and {topic2}.",
    "The delegation of {country}, attending as an observer, presented proposals on {topic}, which were "
    "referred to the {body} for study before {month} {year}.",
    "The heads of delegation took note of the {count} projects on {topic} under way in {city} and "
    "{city2}, and of the {pct} per cent increase in their funding since {prev_year}.",
)
_DATE = re.compile(r"\b(" + "|".join(MONTHS) + r") (\d{1,2}), (\d{4})")
_DATELINE = re.compile(r"^[A-Z][\w. -]+, (?:" + "|".join(MONTHS) + r") \d{1,2}, \d{4}$")
_NUMERAL = re.compile(r"^[ivxlcIVXLC]{1,6}$")
_LATIN1 = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."})


@dataclass(frozen=True)
class Seed:
    """A seed text cut into its title block, body paragraphs and section numerals."""

    name: str
    title: list[str]  # heading lines ("## " marks removed)
    marked: bool  # the seed marks its headings with "## " (the text rendering keeps that)
    body: list[str]  # paragraphs, reflowed to one line; section numerals ("v", "VI") kept as such
    year: int


@dataclass(frozen=True)
class Communique:
    """One generated document: what both renderings (PDF, text) print."""

    number: int
    seed: str
    title: list[str]
    marked: bool
    paragraphs: list[str]  # section numerals are one-word paragraphs

    @property
    def stem(self) -> str:
        return f"communique-{self.number:05d}-{self.seed}"


def _paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]


def _seed(path: Path) -> Seed:
    parts = _paragraphs(path.read_text(encoding="utf-8"))
    title: list[str] = []
    marked = bool(parts) and parts[0].startswith("## ")
    while parts and (parts[0].startswith("## ") or (parts[0].isupper() and not _NUMERAL.match(parts[0]))):
        title += [line.removeprefix("## ").strip() for line in parts.pop(0).splitlines()]
    body = [" ".join(line.strip() for line in p.splitlines()) for p in parts]
    year = int(match.group(1)) if (match := re.search(r"(\d{4})-\d\d-\d\d", path.name)) else 2005
    name = "_".join(path.stem.split("_")[:2])
    return Seed(name=name, title=title, marked=marked, body=body, year=year)


@cache
def seeds() -> tuple[Seed, ...]:
    """The seed texts, each distinct text once, in name order."""
    found: dict[str, Path] = {}
    for folder in SEED_FOLDERS:
        for path in sorted(folder.glob("*.txt")):
            found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    if not found:
        raise SystemExit(f"no seed texts in {', '.join(map(str, SEED_FOLDERS))}")
    return tuple(_seed(p) for p in sorted(found.values(), key=lambda p: p.name))


def _date(rng: random.Random, year: int) -> tuple[str, int]:
    month, day = rng.randrange(12), rng.randint(1, 28)
    return f"{MONTHS[month]} {day}, {year}", year


def _generated(rng: random.Random, number: int, year: int, decision: bool) -> str:
    topics = rng.sample(TOPICS, 3)
    cities = rng.sample(CITIES, 2)
    values = {
        "topic": topics[0],
        "topic2": topics[1],
        "topic3": topics[2],
        "city": cities[0],
        "city2": cities[1],
        "country": rng.choice(COUNTRIES),
        "body": rng.choice(BODIES),
        "month": rng.choice(MONTHS),
        "year": year + rng.randint(0, 2),
        "prev_year": year - 1,
        "count": rng.randint(2, 19),
        "amount": rng.randint(12, 980),
        "pct": rng.randint(3, 41),
    }
    sentences = [s.format(**values) for s in rng.sample(SENTENCES, rng.randint(2, 3))]
    if decision:
        sentences.append(f"These measures were recorded under decision No. {1000 + number}.")
    return " ".join(sentences)


def communique(number: int) -> Communique:
    """Document `number` (any non-negative int): a deterministic variation of one seed."""
    rng = random.Random(f"communique-{number}")
    seed = rng.choice(seeds())  # not number % seeds: PDFs are every k-th number
    year = seed.year + rng.randint(-3, 8)
    opening, *rest = seed.body
    dated, _ = _date(rng, year)
    opening = _DATE.sub(dated, opening, count=1)  # the meeting's date
    dateline = next((p for p in rest if _DATELINE.match(p)), None)
    rest = [p for p in rest if p is not dateline]
    sections: list[list[str]] = [[]]
    for paragraph in rest:  # a section numeral starts a new section; paragraphs only move within one
        if _NUMERAL.match(paragraph):
            sections.append([paragraph])
        else:
            sections[-1].append(paragraph)
    body: list[str] = []
    for section in sections:
        head = [p for p in section[:1] if _NUMERAL.match(p)]
        kept = [p for p in section[len(head) :] if rng.random() >= 0.12]
        for _ in range(len(kept) // 3):
            i = rng.randrange(max(1, len(kept) - 1))
            kept[i : i + 2] = kept[i : i + 2][::-1]
        body += head + kept
    extra = [_generated(rng, number, year, decision=True)]
    if rng.random() < 0.5:
        extra.append(_generated(rng, number, year, decision=False))
    for paragraph in extra:
        body.insert(rng.randint(0, len(body)), paragraph)
    place = rng.choice(CITIES)
    closing = f"{place}, {_date(rng, year)[0]}"
    paragraphs = [opening, *body, closing] if dateline or rng.random() < 0.5 else [opening, *body]
    return Communique(
        number=number, seed=seed.name, title=seed.title, marked=seed.marked, paragraphs=paragraphs
    )


def as_text(doc: Communique) -> str:
    """The plain-text rendering: title lines (as "## " headings when the seed had them), then
    paragraphs hard-wrapped at 84 columns."""
    if doc.marked:
        blocks = [f"## {line}" for line in doc.title]
    else:
        blocks = ["\n".join(doc.title)] if doc.title else []
    blocks += [textwrap.fill(p, width=84, break_long_words=False) for p in doc.paragraphs]
    return "\n\n".join(blocks) + "\n"


class _MinistryPDF(FPDF):
    """A4 with a running header and centred "- n -" page numbers."""

    def header(self) -> None:
        self.set_font("Helvetica", "I", 9)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, HEADER, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_text_color(0, 0, 0)
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-18)
        self.set_font("Helvetica", "", 9)
        self.cell(0, 8, f"- {self.page_no()} -", align="C")


def latin1(text: str) -> str:
    """Text the core PDF fonts can print: typographic dashes and quotes made plain, the rest dropped."""
    return text.translate(_LATIN1).encode("latin-1", "ignore").decode("latin-1")


def as_pdf(doc: Communique) -> bytes:
    """The PDF rendering (fixed creation date, so the same number always gives the same bytes)."""
    pdf = _MinistryPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    for line in doc.title:
        pdf.multi_cell(0, 7, latin1(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    for paragraph in doc.paragraphs:
        if _NUMERAL.match(paragraph):
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 6, paragraph, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.set_font("Helvetica", "", 10.5)
            pdf.multi_cell(0, 5.2, latin1(paragraph), align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    return bytes(pdf.output())


def is_pdf(number: int, pdf_share: float) -> bool:
    """Whether document `number` is a PDF: a share `pdf_share` of the numbers, evenly spread."""
    return int((number + 1) * pdf_share) > int(number * pdf_share)


def generate(count: int, folder: Path, pdf_share: float = 1.0, start: int = 0) -> list[Path]:
    """Write documents start .. start+count-1 into `folder`; their paths, in number order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        doc = communique(number)
        if is_pdf(number, pdf_share):
            path = folder / f"{doc.stem}.pdf"
            path.write_bytes(as_pdf(doc))
        else:
            path = folder / f"{doc.stem}.txt"
            path.write_text(as_text(doc), encoding="utf-8")
        paths.append(path)
    return paths


def check(paths: list[Path]) -> bool:
    """Ingest `paths` into a scratch data folder; True when every one was loaded (printed)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import run_ingest

    with tempfile.TemporaryDirectory(prefix="communiques-corpus-check-") as work:
        run = run_ingest(paths, Path(work) / "data", sample_memory=False)
    loaded = run.counts.get("loaded", -1)
    print(run.summary_line or run.stderr[-2000:])
    return loaded == len(paths)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many documents")
    parser.add_argument("folder", type=Path, help="where to write them")
    parser.add_argument("--pdf-share", type=float, default=1.0, help="share written as PDF (default 1)")
    parser.add_argument("--start", type=int, default=0, help="number of the first document (default 0)")
    parser.add_argument("--check", action="store_true", help="ingest the first 50 and require all loaded")
    args = parser.parse_args()
    if not 0.0 <= args.pdf_share <= 1.0:
        parser.error("--pdf-share must be between 0 and 1")
    paths = generate(args.count, args.folder, args.pdf_share, args.start)
    pdfs = sum(p.suffix == ".pdf" for p in paths)
    print(f"wrote {len(paths)} documents to {args.folder} ({pdfs} PDF, {len(paths) - pdfs} text)")
    if not args.check:
        return 0
    sample = paths[:50]
    passed = check(sample)
    print(f"corpus check: {len(sample)} documents ingested, all loaded: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
