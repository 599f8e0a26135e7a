"""PDF engines: `read_pdf` with pdfplumber (the reference) against PDFium (`pdf_engine = "pdfium"`).

usage: .venv/bin/python benchmarks/engine.py [--documents 60] [--rounds 3] [--speedup 2.0]
       [--max-wer 0.005] [--keep DIR]

Reads --documents generated communiqués (benchmarks/corpus.py: A4 PDFs, 2-4 pages each) plus the
fixture PDFs with a text layer (tests/fixtures/rendered and tests/fixtures/corpus; the scans are
left out: OCR would take nearly all the time, the same for both engines) with
`extractors.pdf.read_pdf` in this process: text layers, OCR check, furniture and layout, what
each engine changes, and nothing of the pipeline around it. Each of --rounds rounds reads every
document with both engines, the order alternating from round to round (drift from other load on
the machine hits both sides); wall and CPU seconds per engine, medians over the rounds.

Then the clean text (`extractors.cleaning.segment`) of every document from both engines: the
share of documents whose clean text is identical, the mean word error rate of PDFium's text
against pdfplumber's (tests/tools/text_wer.py, the method of the shared text_wer tool), and the
documents that differ.

The issue sets no number. PASS here means the fast path is worth having and reads alike:
pdfplumber's median wall time >= --speedup x PDFium's, and mean WER <= --max-wer.
Exit status 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import PROJECT, load_average, verdict, workspace
from corpus import generate

from extractors.cleaning import segment
from extractors.pdf import read_pdf
from schemas.records import PdfEngine

ENGINES: tuple[PdfEngine, ...] = ("pdfplumber", "pdfium")
FIXTURES = PROJECT / "tests" / "fixtures"


@dataclass
class Document:
    """A PDF of the benchmark: its name, its set (generated or fixture) and its bytes."""

    name: str
    kind: str
    data: bytes


@dataclass
class Round:
    """One round: wall and CPU seconds per engine, and wall seconds per engine and set."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    by_kind: dict[tuple[str, str], float] = field(default_factory=dict)


def read_all(documents: Sequence[Document], engine: PdfEngine, into: Round) -> None:
    """Read every document with `engine`, timing each; totals go into `into`."""
    cpu = time.process_time()
    for document in documents:
        started = time.perf_counter()
        read_pdf(document.data, engine=engine)
        seconds = time.perf_counter() - started
        into.wall[engine] = into.wall.get(engine, 0.0) + seconds
        key = (engine, document.kind)
        into.by_kind[key] = into.by_kind.get(key, 0.0) + seconds
    into.cpu[engine] = time.process_time() - cpu


def measure(documents: Sequence[Document], rounds: int) -> list[Round]:
    """Both engines over all documents per round, order alternating; prints each round."""
    for engine in ENGINES:  # imports, font tables and caches warm before timing
        read_pdf(documents[0].data, engine=engine)
    print(f"\n{'round':>5} {'pdfplumber s':>12} {'pdfium s':>9} {'ratio':>6} {'CPU s':>15}  load")
    done: list[Round] = []
    for number in range(1, rounds + 1):
        got = Round()
        for engine in ENGINES if number % 2 else tuple(reversed(ENGINES)):
            read_all(documents, engine, got)
        done.append(got)
        plumber, pdfium = got.wall["pdfplumber"], got.wall["pdfium"]
        cpu = f"{got.cpu['pdfplumber']:.2f} / {got.cpu['pdfium']:.2f}"
        ratio = plumber / pdfium
        print(f"{number:>5} {plumber:>12.2f} {pdfium:>9.2f} {ratio:>6.2f} {cpu:>15}  {load_average()}")
    return done


@dataclass
class Agreement:
    """How alike the engines' clean texts are."""

    identical: int
    total: int
    mean_wer: float
    differing: list[tuple[str, float]]  # (document, WER) where the clean texts differ


def agreement(documents: Sequence[Document]) -> Agreement:
    """Clean text of every document from both engines; WER of PDFium's against pdfplumber's."""
    sys.path.insert(0, str(PROJECT))
    from tests.tools.text_wer import text_wer

    rates: list[float] = []
    differing: list[tuple[str, float]] = []
    for document in documents:
        reference, fast = (segment(read_pdf(document.data, engine=engine)).text for engine in ENGINES)
        rate = 0.0 if fast == reference else text_wer(reference, fast)
        rates.append(rate)
        if fast != reference:
            differing.append((document.name, rate))
    return Agreement(len(documents) - len(differing), len(documents), statistics.fmean(rates), differing)


def corpus(count: int, folder: Path) -> list[Document]:
    """`count` generated PDFs and the fixture PDFs with a text layer."""
    generated = [
        Document(p.name, "generated", p.read_bytes()) for p in generate(count, folder, pdf_share=1.0)
    ]
    fixtures = sorted((FIXTURES / "rendered").glob("*.pdf")) + sorted((FIXTURES / "corpus").glob("*.pdf"))
    return generated + [Document(p.name, "fixture", p.read_bytes()) for p in fixtures]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=60, help="generated PDFs (default 60)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, engine order alternating (3)")
    parser.add_argument("--speedup", type=float, default=2.0, help="pdfplumber/PDFium time goal (2.0)")
    parser.add_argument("--max-wer", type=float, default=0.005, help="mean WER goal (default 0.005)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    with workspace(args.keep, "communiques-engine-") as work:
        documents = corpus(args.documents, work / "corpus")
    kinds = {kind: sum(d.kind == kind for d in documents) for kind in ("generated", "fixture")}
    print(
        f"corpus: {kinds['generated']} generated PDFs and {kinds['fixture']} fixture PDFs, "
        f"{sum(len(d.data) for d in documents) / 1e6:.1f} MB; {load_average()}"
    )
    rounds = measure(documents, args.rounds)
    wall = {engine: statistics.median(r.wall[engine] for r in rounds) for engine in ENGINES}
    cpu = {engine: statistics.median(r.cpu[engine] for r in rounds) for engine in ENGINES}
    ratio = statistics.median(r.wall["pdfplumber"] / r.wall["pdfium"] for r in rounds)
    print(f"\nmedian of {len(rounds)} rounds ({load_average()}):")
    for engine in ENGINES:
        per_doc = {
            kind: statistics.median(r.by_kind[(engine, kind)] for r in rounds) / kinds[kind] for kind in kinds
        }
        sets = ", ".join(f"{kind} {seconds * 1000:.0f} ms/doc" for kind, seconds in per_doc.items())
        print(f"  {engine:<10} {wall[engine]:6.2f} s wall, {cpu[engine]:6.2f} s CPU ({sets})")
    cpu_ratio = cpu["pdfplumber"] / cpu["pdfium"]
    print(f"  speed ratio pdfplumber / PDFium: {ratio:.2f} x wall, {cpu_ratio:.2f} x CPU")
    found = agreement(documents)
    print(
        f"\nclean text: {found.identical} of {found.total} documents identical "
        f"({found.identical / found.total:.1%}), mean WER {found.mean_wer:.4f}"
    )
    for name, rate in found.differing:
        print(f"  differs: {name} (WER {rate:.4f})")
    passed = ratio >= args.speedup and found.mean_wer <= args.max_wer
    print(
        f"\nengine: PDFium {ratio:.2f} x faster than pdfplumber (read_pdf, {len(documents)} PDFs, median of "
        f"{len(rounds)}), clean text identical for {found.identical / found.total:.0%}, mean WER "
        f"{found.mean_wer:.4f} (goal >= {args.speedup:g} x, WER <= {args.max_wer:g}) {verdict(passed)}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
