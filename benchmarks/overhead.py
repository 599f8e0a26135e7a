"""Overhead ratio: the full pipeline against a bare pdfplumber loop over the same PDFs, one worker.

usage: .venv/bin/python benchmarks/overhead.py [--documents 120] [--rounds 3] [--goal 1.15]
       [--profile-documents 40] [--top 15] [--no-profile] [--server | --api-url URL] [--keep DIR]

Generates --documents distinct communiqués as PDF (benchmarks/corpus.py: A4, 2-4 pages each),
then, in each of --rounds rounds (the order alternates, so drift from other load on the machine
hits both sides):

- bare loop: in this process, open each PDF with pdfplumber and call `extract_text()` on every page
  (and again with the extraction workers' garbage-collector settings, `gc.freeze()` and
  `flows.pool.GC_THRESHOLDS`: the like-for-like baseline, shown as flow/tuned);
- pipeline: `python -m communiques ingest` of the folder into a fresh data folder with
  COMMUNIQUES_WORKERS=1 (flow, worker process, cleaning, parsing, language, GX validation,
  DuckDB load, search index, snapshot). Timed twice: the process's wall time (start-up, imports,
  Prefect's ephemeral API start, about 10 s, included) and the flow run's duration as Prefect
  recorded it (those one-time costs left out).

Also shown per round: the wall time of the extraction tasks, and the CPU seconds of the bare loop
and of the pipeline's extraction worker, steadier than wall times when other work shares the
machine (check the load average printed with each round).

Prints both ratios per round and their medians, where the flow run's time went (wall time per
kind of Prefect task), then profiles the extraction path in this process, with the extractors
imported as in a worker: `process_file` against the bare loop on --profile-documents PDFs spread
over the corpus, unprofiled (with the time spent in Python's cyclic garbage collector, then again
after `gc.freeze()`: a big import set makes every full collection slower, and pdfminer triggers
many) and under cProfile, with the time of each extractor stage and the top --top functions by
cumulative time.

The goal (pipeline <= --goal x bare loop) is judged on the flow-run ratio: the one-time start-up
does not grow with the corpus. Exit status 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from common import (
    add_common_arguments,
    cores_between,
    cores_line,
    flow_record,
    load_average,
    prefect_api,
    run_ingest,
    stage_seconds,
    stage_table,
    verdict,
    window,
    workspace,
)
from corpus import generate

# (label, file suffix, function): extractor stages read from the profile of `process_file`; indented
# rows are part of the row above, and number_paragraphs includes the paragraphs' detect_language
STAGES = (
    ("read the file", "extractors/sources.py", "read_source"),
    ("read_pdf (all PDF work)", "extractors/pdf.py", "read_pdf"),
    ("  pdfplumber.open", "pdfplumber/pdf.py", "open"),
    ("  one pdfplumber pass per page (words + text)", "extractors/pdf.py", "_read_page"),
    ("    of which parsing the page (page.chars)", "pdfplumber/container.py", "chars"),
    ("  image cover", "extractors/pdf.py", "_image_cover"),
    ("  OCR check (render_pages)", "extractors/scans.py", "render_pages"),
    ("  layout: page_texts", "extractors/layout.py", "page_texts"),
    ("clean: segment", "extractors/cleaning.py", "segment"),
    ("parse (structure)", "extractors/structure.py", "parse"),
    ("number_paragraphs (with its languages)", "extractors/document.py", "number_paragraphs"),
    ("detect_language (document + paragraphs)", "extractors/language.py", "detect_language"),
    ("content_hash", "extractors/document.py", "content_hash"),
)


def bare_loop(paths: Sequence[Path]) -> int:
    """Open each PDF with pdfplumber and extract the text of every page; the number of pages."""
    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return pages


def tuned_bare_loop(paths: Sequence[Path]) -> int:
    """The bare loop with the extraction workers' garbage-collector settings (gc.freeze() and
    flows.pool.GC_THRESHOLDS): the like-for-like baseline, to see what the pipeline's own work costs."""
    from flows.pool import GC_THRESHOLDS

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return bare_loop(paths)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def profiled(work: Callable[[], object]) -> pstats.Stats:
    profile = cProfile.Profile()
    profile.runcall(work)
    return pstats.Stats(profile)


def cumulative(stats: pstats.Stats, suffix: str, function: str) -> float:
    """Cumulative seconds of the function(s) `function` defined in a file ending with `suffix`."""
    table = stats.stats
    return sum(row[3] for (file, _, name), row in table.items() if name == function and file.endswith(suffix))


def top(stats: pstats.Stats, count: int) -> str:
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(count)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    return "\n".join(line for line in lines[start:] if line.strip())


class GcClock:
    """Time spent in Python's cyclic garbage collector while registered (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0  # generation-2 collections, which traverse every tracked object
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        self.full += info["generation"] == 2


def timed_gc(work: Callable[[], object]) -> tuple[float, GcClock]:
    """Wall seconds of `work` and the garbage collector's share of them."""
    clock = GcClock()
    gc.callbacks.append(clock)
    try:
        return timed(work), clock
    finally:
        gc.callbacks.remove(clock)


def parameter_cost(items: list[object]) -> None:
    """What Prefect spends on a task's parameters when they are these batch items: it walks every
    nested object to find futures (task inputs) and to resolve them, for each task called with them."""
    try:
        from prefect.utilities.engine import collect_task_run_inputs_sync, resolve_inputs_sync
    except ImportError as exc:  # internal helpers: they may move in another Prefect version
        print(f"  (Prefect's parameter handling not measured: {exc})")
        return
    walk = timed(lambda: collect_task_run_inputs_sync({"items": items}))
    resolve = timed(lambda: resolve_inputs_sync({"items": items}))
    per_doc = (walk + resolve) / len(items) * 1000
    print(
        f"  Prefect walking these {len(items)} documents as one task's parameters: task inputs {walk:.2f} s, "
        f"resolving {resolve:.2f} s = {per_doc:.1f} ms per document per task call (the flow passes "
        f"each batch to quality-gate and load-batch), in the main process, between tasks"
    )


def profile_extraction(paths: list[Path], count: int, listed: int, lean_bare: float) -> None:
    """`process_file` against the bare loop in this process: unprofiled (with and without
    gc.freeze()), then under cProfile. `lean_bare`: seconds per PDF of the rounds' bare loop."""
    from extractors.document import process_file
    from extractors.sources import discover

    sample = paths[:: max(1, len(paths) // count)][:count]  # spread over the corpus
    sources = discover(sample)
    process_file(sources[0])  # imports, langdetect profiles, pdfplumber warm
    print(
        f"\nextraction path in this process, {len(sample)} PDFs, extractors imported as in a worker "
        f"({len(gc.get_objects())} objects tracked by the GC; {load_average()}):"
    )
    lean = lean_bare * len(sample)
    for frozen in (False, True):
        if frozen:
            gc.freeze()  # what a worker could do once its imports are done
        bare, bare_gc = timed_gc(lambda: bare_loop(sample))
        extraction, extraction_gc = timed_gc(lambda: [process_file(s) for s in sources])
        if frozen:
            gc.unfreeze()
        label = "after gc.freeze()" if frozen else "as a worker runs"
        print(
            f"  {label:<17}: bare loop {bare:.2f} s ({bare_gc.seconds:.2f} s GC, {bare_gc.full} full), "
            f"process_file {extraction:.2f} s ({extraction_gc.seconds:.2f} s GC, {extraction_gc.full} full): "
            f"{extraction / bare:.2f} x this bare loop, {extraction / lean:.2f} x the rounds' bare loop"
        )
    parameter_cost([process_file(s) for s in sources])
    bare_stats = profiled(lambda: bare_loop(sample))
    stats = profiled(lambda: [process_file(s) for s in sources])
    total = cumulative(stats, "extractors/document.py", "process_file")
    bare_total = cumulative(bare_stats, "pdfplumber/page.py", "extract_text") + cumulative(
        bare_stats, "pdfplumber/pdf.py", "open"
    )
    ratio = total / bare_total
    print(f"\nunder cProfile: process_file {total:.2f} s, bare loop {bare_total:.2f} s ({ratio:.2f} x)")
    print(f"  {'stage of process_file':<40} {'cum s':>8} {'share':>6}")
    for label, suffix, function in STAGES:
        seconds = cumulative(stats, suffix, function)
        print(f"  {label:<40} {seconds:>8.2f} {seconds / total:>6.1%}")
    print(f"  {'bare loop (open + extract_text)':<40} {bare_total:>8.2f} {bare_total / total:>6.1%}")
    print(f"\ntop {listed} by cumulative time, process_file:")
    print(top(stats, listed))
    print(f"\ntop {listed} by cumulative time, bare loop:")
    print(top(bare_stats, listed))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=120, help="PDFs in the corpus (default 120)")
    parser.add_argument("--rounds", type=int, default=3, help="bare/pipeline rounds, order alternating (3)")
    parser.add_argument("--goal", type=float, default=1.15, help="pipeline/bare goal (default 1.15)")
    parser.add_argument("--profile-documents", type=int, default=40, help="PDFs to profile (default 40)")
    parser.add_argument("--top", type=int, default=15, help="functions listed from each profile")
    parser.add_argument("--no-profile", action="store_true", help="skip the profile of the extraction path")
    add_common_arguments(parser)
    args = parser.parse_args()
    with workspace(args.keep, "communiques-overhead-") as work:
        paths = generate(args.documents, work / "corpus", pdf_share=1.0)
        print(f"corpus: {len(paths)} PDFs in {work / 'corpus'}; {load_average()}")
        with prefect_api(args.api_url, args.server, work) as api_url:
            rounds = measure(args, work, paths, api_url)
        if not args.no_profile:
            lean = statistics.median(r.bare for r in rounds) / len(paths)
            profile_extraction(paths, args.profile_documents, args.top, lean)
    flow_ratio = statistics.median(r.flow / r.bare for r in rounds)
    wall_ratio = statistics.median(r.wall / r.bare for r in rounds)
    tuned_ratio = statistics.median(r.flow / r.tuned for r in rounds)
    passed = flow_ratio <= args.goal
    print(
        f"\noverhead: pipeline {flow_ratio:.2f} x bare loop (flow run; {wall_ratio:.2f} x with process and "
        f"Prefect start-up; {tuned_ratio:.2f} x a bare loop given the workers' GC settings), "
        f"{args.documents} PDFs, 1 worker, median of {len(rounds)} "
        f"(goal <= {args.goal:g} x) {verdict(passed)}"
    )
    return 0 if passed else 1


@dataclass
class Round:
    """One bare loop and one pipeline run on the same PDFs."""

    bare: float  # wall seconds of the bare loop
    bare_cpu: float  # its CPU seconds (this process)
    tuned: float  # wall seconds of the bare loop with the workers' GC settings
    wall: float  # wall seconds of the ingest process
    flow: float  # the flow run's seconds (Prefect's record)
    extract: float  # wall seconds of its extraction tasks
    worker_cpu: float  # CPU seconds of its extraction worker


def measure(args: argparse.Namespace, work: Path, paths: list[Path], api_url: str | None) -> list[Round]:
    """Bare loop and pipeline per round, order alternating; prints each round and the last run's stages."""
    bare_loop(paths[:1])  # import and warm pdfplumber: the pipeline's workers have it imported too
    rounds: list[Round] = []
    print(
        f"\n{'round':>5} {'bare s':>7} {'tuned s':>7} {'wall s':>7} {'flow s':>7} {'extract s':>9} "
        f"{'wall/bare':>9} {'flow/bare':>9} {'flow/tuned':>10} {'bare CPU s':>10} {'worker CPU s':>12}  load"
    )
    record = pipeline = None
    for number in range(1, args.rounds + 1):
        bare = bare_cpu = tuned = 0.0
        for step in ("bare", "pipeline") if number % 2 else ("pipeline", "bare"):
            if step == "bare":
                cpu = time.process_time()
                bare = timed(lambda: bare_loop(paths))
                bare_cpu = time.process_time() - cpu
                tuned = timed(lambda: tuned_bare_loop(paths))
                continue
            pipeline = run_ingest([work / "corpus"], work / f"data-{number}", api_url=api_url, workers=1)
            pipeline.require(loaded=len(paths), failed=0)
            record = flow_record(pipeline)
            if record is None:
                raise SystemExit(f"no Prefect record of the flow run in {pipeline.data_dir}")
        assert record is not None and pipeline is not None and pipeline.peak is not None
        got = Round(
            bare,
            bare_cpu,
            tuned,
            pipeline.wall,
            record.seconds,
            stage_seconds(record, "extract-files"),
            pipeline.peak.cpu.get("workers", 0.0),
        )
        rounds.append(got)
        print(
            f"{number:>5} {got.bare:>7.2f} {got.tuned:>7.2f} {got.wall:>7.2f} {got.flow:>7.2f} "
            f"{got.extract:>9.2f} {got.wall / got.bare:>9.2f} {got.flow / got.bare:>9.2f} "
            f"{got.flow / got.tuned:>10.2f} {got.bare_cpu:>10.2f} {got.worker_cpu:>12.2f}  {load_average()}"
        )
    bare_doc = statistics.median(r.bare for r in rounds) / len(paths)
    flow_doc = statistics.median(r.flow for r in rounds) / len(paths)
    extract = statistics.median(r.extract / r.bare for r in rounds)
    cpu = statistics.median(r.worker_cpu / r.bare_cpu for r in rounds)
    print(
        f"per document: bare loop {bare_doc * 1000:.0f} ms, pipeline flow run {flow_doc * 1000:.0f} ms; "
        f"extraction tasks alone {extract:.2f} x bare (wall), worker CPU {cpu:.2f} x bare CPU (includes "
        f"the worker's start-up imports, about 1 s)"
    )
    if record is not None and pipeline is not None and pipeline.peak is not None:
        print(f"\nwhere the last flow run's {record.seconds:.1f} s went (1 worker):")
        print(stage_table(record))
        print(f"  whole process: {pipeline.peak.cpu_line()}; {pipeline.peak}")
        extraction = window(record, "extract-files")
        if extraction is not None:
            print(f"  during extraction: {cores_line(cores_between(pipeline.peak, *extraction))}")
    return rounds


if __name__ == "__main__":
    sys.exit(main())
