"""The ingest flow: discover -> skip known files -> extract -> quality gate -> load -> quarantine -> report.

After every batch (and at the end) the warehouse is copied to the read-only snapshot, when one
is asked for, so BI tools see each load without ever holding the writer back; the full-text
search index is refreshed just before, so searches (and the snapshot) never miss a loaded
paragraph once a run ends (and, during long runs, at most `refresh_seconds` behind).

Every step is a plain function from extractors/, schemas/ or warehouse/; this module only wires
them into Prefect tasks. Only transient errors are retried; terminal ones become rejections
inside `process_file` and end in quarantine.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.states import State
from prefect.utilities.annotations import quote

from extractors.document import apply_quality
from extractors.ocr import OcrUnavailable, missing_ocr
from extractors.sources import Survey, survey
from flows.pool import extract_isolated
from flows.progress import reporter
from schemas.errors import TransientError
from schemas.quality import QualityRules, prepare, validate
from schemas.records import (
    BatchItem,
    Execution,
    ExtractOptions,
    FileFailure,
    FileOutcome,
    FileState,
    RunSummary,
    SourceFile,
)
from warehouse.database import Warehouse
from warehouse.ledger import FilePlan, load_batch, plan_files, record_quarantine_path, record_skipped
from warehouse.quarantine_store import quarantine_file, quarantine_target, requeue
from warehouse.read import document_titles
from warehouse.reports import outcome_table, summary_markdown, tally
from warehouse.runs import finish_run, start_run, this_process
from warehouse.search import GroupBuild, refresh_search_index
from warehouse.snapshot import publish_snapshot


def only_transient(task: Any, task_run: TaskRun, state: State) -> bool:
    """Retry condition: retry a task only when it failed with a TransientError."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


def batched(items: list[SourceFile], size: int) -> list[list[SourceFile]]:
    """Consecutive slices of at most `size` items."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def unwalked(items: T) -> T:
    """A task argument Prefect passes as is instead of walking every nested field of it (`quote`).

    Without it, each call with a batch of documents cost ~3.4 ms per document (20% of a run).
    """
    return cast(T, quote(items))


class Every:
    """Says when `seconds` have passed since it last said so (or since it was made), and also
    keeps the work it times under `share` of the time: after a piece of work that took d seconds,
    the next is due no sooner than d / share later (work whose cost grows with the warehouse then
    costs a bounded share of a long run, not a growing one). With `seconds` 0 it is always due."""

    def __init__(self, seconds: float, share: float = 0.05) -> None:
        self.seconds, self.share, self.last, self.took = seconds, share, time.monotonic(), 0.0

    def due(self) -> bool:
        """True (and the clock restarts) when the interval has passed."""
        wait = max(self.seconds, self.took / self.share) if self.seconds > 0 else 0.0  # 0: always
        if time.monotonic() - self.last < wait:
            return False
        self.last = time.monotonic()
        return True

    def spent(self) -> None:
        """Record that the work done since `due` said so has just finished."""
        self.took = time.monotonic() - self.last


def chunks(batch: list[SourceFile], workers: int) -> list[list[SourceFile]]:
    """A batch cut into about four pieces per worker: each piece is one task, run by one worker."""
    return batched(batch, max(1, -(-len(batch) // (workers * 4))))


def collect(
    futures: list[PrefectFuture[list[BatchItem | FileFailure]]], pieces: list[list[SourceFile]]
) -> Iterator[tuple[list[BatchItem], list[FileFailure]]]:
    """Each piece's documents and failures as its task finishes (a task that failed: all failures)."""
    sources = {id(f): piece for f, piece in zip(futures, pieces, strict=True)}
    for future in as_completed(futures):
        try:
            results = future.result()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            results = [FileFailure(source_path=s.path, error=error) for s in sources[id(future)]]
        yield (
            [r for r in results if isinstance(r, BatchItem)],
            [r for r in results if isinstance(r, FileFailure)],
        )


T = TypeVar("T")

TASK_OPTIONS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}
RETRY_OPTIONS: dict[str, Any] = {"retries": 3, "retry_delay_seconds": 1, "retry_condition_fn": only_transient}


@task(name="begin-run", **TASK_OPTIONS, **RETRY_OPTIONS)
def begin_run(warehouse: str) -> RunSummary:
    """Migrate the warehouse and record the run as started."""
    run_id = flow_run.get_id() or str(uuid.uuid4())  # the Prefect flow run's id
    run = RunSummary(run_id=run_id, started_at=dt.datetime.now(dt.UTC).replace(tzinfo=None), **this_process())
    start_run(Warehouse(Path(warehouse)), run)
    return run


@task(name="discover-files", **TASK_OPTIONS)
def discover_files(paths: list[str], settle_seconds: float, within: str | None) -> Survey:
    """Every candidate file under the given paths, hashed (in folders, only files settled that
    long), and the paths left alone by rule (with `within`, every path outside that folder)."""
    return survey(
        (Path(p) for p in paths), settle_seconds=settle_seconds, within=Path(within) if within else None
    )


@task(name="record-skipped", **TASK_OPTIONS, **RETRY_OPTIONS)
def skip(warehouse: str, run_id: str, found: Survey) -> None:
    """Record the paths left alone by rule (temporary or hidden names, symbolic links...)."""
    record_skipped(Warehouse(Path(warehouse)), run_id, found.skipped)


@task(name="plan-files", **TASK_OPTIONS, **RETRY_OPTIONS)
def plan(warehouse: str, files: list[SourceFile]) -> FilePlan:
    """Split files into new, known under another name, and unchanged."""
    return plan_files(Warehouse(Path(warehouse)), files)


@task(name="requeue-ocr-waiting", **TASK_OPTIONS, **RETRY_OPTIONS)
def requeue_ocr_waiting(warehouse: str, options: ExtractOptions) -> list[str]:
    """Files quarantined only because OCR was missing, put back now that OCR is available."""
    if missing_ocr(options.ocr_languages) is not None:
        return []
    return [str(p) for p in requeue(Warehouse(Path(warehouse)), categories={OcrUnavailable.category})]


@task(name="extract-files", task_run_name="extract {label}", **TASK_OPTIONS)
def extract_files(
    sources: list[SourceFile], options: ExtractOptions, execution: Execution, label: str
) -> list[BatchItem | FileFailure]:
    """Read, clean and parse files in a worker process, each within the time and memory limits."""
    return list(extract_isolated(sources, options, execution))


@task(name="prepare-quality-gate", **TASK_OPTIONS)
def prepare_gate(rules: QualityRules) -> None:
    """Pay Great Expectations' one-time start (~4 s) while the first files are extracted."""
    prepare(rules)


@task(name="quality-gate", **TASK_OPTIONS)
def quality_gate(items: list[BatchItem], rules: QualityRules) -> list[BatchItem]:
    """Validate the batch's documents with Great Expectations and apply the verdicts."""
    verdicts = validate([i.document for i in items if i.document is not None], rules)
    return apply_quality(items, verdicts)


@task(name="load-batch", **TASK_OPTIONS, **RETRY_OPTIONS)
def load(warehouse: str, run_id: str, items: list[BatchItem]) -> list[FileOutcome]:
    """Load the batch into DuckDB in one transaction."""
    return load_batch(Warehouse(Path(warehouse)), run_id, items)


@task(name="quarantine-files", **TASK_OPTIONS)
def quarantine(warehouse: str, outcomes: list[FileOutcome], quarantine_dir: str, inbox: str) -> None:
    """Move (or copy) each quarantined file beside a sidecar with its reason.

    Where it goes is recorded first: a crash between the two leaves the file in the inbox,
    where the next run finds it and finishes the move; never a file nobody knows the place of.
    """
    for outcome in outcomes:
        if outcome.state is FileState.QUARANTINED and Path(outcome.source_path).exists():
            target = quarantine_target(outcome.source_path, outcome.file_hash, Path(quarantine_dir))
            record_quarantine_path(
                Warehouse(Path(warehouse)), outcome.file_hash, outcome.source_path, str(target)
            )
            quarantine_file(
                outcome.source_path,
                outcome.file_hash,
                outcome.category or "",
                outcome.reason or "",
                quarantine_dir=Path(quarantine_dir),
                inbox=Path(inbox),
            )


@task(name="refresh-search-index", **TASK_OPTIONS, **RETRY_OPTIONS)
def refresh_search(warehouse: str) -> list[GroupBuild]:
    """Rebuild the full-text search index of the language groups whose paragraphs changed."""
    return refresh_search_index(Warehouse(Path(warehouse)))


@task(name="publish-snapshot", **TASK_OPTIONS, **RETRY_OPTIONS)
def publish(warehouse: str, snapshot: str | None) -> None:
    """Copy the warehouse to the read-only snapshot BI tools open (when one is configured)."""
    if snapshot:
        publish_snapshot(Warehouse(Path(warehouse)), Path(snapshot))


@task(name="end-run", **TASK_OPTIONS, **RETRY_OPTIONS)
def end_run(
    warehouse: str,
    run: RunSummary,
    outcomes: list[FileOutcome],
    failures: list[FileFailure],
    seen: int,
    unchanged: int,
    skipped: int = 0,
) -> RunSummary:
    """Record the run's counts; publish its summary and a table of the files it decided as artifacts."""
    summary = tally(run, outcomes, seen=seen, unchanged=unchanged, failed=len(failures), skipped=skipped)
    wh = Warehouse(Path(warehouse))
    finish_run(wh, summary)
    create_markdown_artifact(
        markdown=summary_markdown(summary, outcomes, failures),
        key="ingest-summary",
        description="Files seen, loaded, duplicates, quarantined (with reasons) and failed",
    )
    titles = document_titles(wh, [o.doc_id for o in outcomes if o.doc_id])
    create_table_artifact(
        table=outcome_table(outcomes, titles),
        key="ingest-files",
        description="Documents loaded and files quarantined or recorded as duplicates by this run",
    )
    return summary


@flow(name="ingest-communiques")
def ingest(
    paths: list[str],
    warehouse: str,
    inbox: str,
    quarantine_dir: str,
    rules: QualityRules | None = None,
    options: ExtractOptions | None = None,
    batch_size: int = 200,
    snapshot: str | None = None,
    settle_seconds: float = 0.0,
    execution: Execution | None = None,
    refresh_seconds: float = 30.0,
    confine_to_inbox: bool = False,
) -> tuple[RunSummary, list[FileOutcome], list[FileFailure]]:
    """Ingest the files under `paths` into the warehouse; returns the run, every outcome and failures.

    `snapshot`: file the warehouse is copied to after each batch, for BI tools (None: no copy).
    `settle_seconds`: files found in folders and modified more recently are left for a later run
    (a scheduled sweep must not read a file still being copied in).
    `execution`: worker processes and per-document limits of extraction.
    `refresh_seconds`: during a long run, the search index and the snapshot are brought up to
    date after a batch when this long has passed since they last were, and no more often than
    keeps them under 5% of the run's time (0: after every batch, whatever it costs); both always
    are at the end.
    Each costs time proportional to the warehouse, not the batch.
    `confine_to_inbox`: paths outside `inbox` are recorded as skipped, never read (the deployments
    set it: their paths come from events anyone with access to the Prefect API can post).
    """
    rules, options, execution = rules or QualityRules(), options or ExtractOptions(), execution or Execution()
    run = begin_run(warehouse)
    within = inbox if confine_to_inbox else None
    found = discover_files([*paths, *requeue_ocr_waiting(warehouse, options)], settle_seconds, within)
    files = found.files
    if found.skipped:
        skip(warehouse, run.run_id, unwalked(found))
    todo = plan(warehouse, files)
    progress = reporter()
    progress.start(len(todo.new) + len(todo.known))
    outcomes = load(warehouse, run.run_id, todo.known_items()) if todo.known else []
    progress.advance(len(todo.known))
    failures: list[FileFailure] = []
    batches = batched(todo.new, batch_size)
    gate_ready = prepare_gate.submit(rules) if batches else None
    clock = Every(refresh_seconds)
    for number, batch in enumerate(batches, start=1):
        pieces = chunks(batch, execution.workers)
        futures = [
            extract_files.submit(
                piece, options, execution, label=f"{len(piece)} files from {Path(piece[0].path).name}"
            )
            for piece in pieces
        ]
        items: list[BatchItem] = []
        for documents, failed in collect(futures, pieces):
            items += documents
            failures += failed
            progress.advance(len(documents) + len(failed))
        if gate_ready is not None:
            gate_ready.result()  # raises if GX cannot start: the batch is not loaded unchecked
            gate_ready = None
        checked = quality_gate(unwalked(items), rules)
        batch_outcomes = load(warehouse, run.run_id, unwalked(checked))
        quarantine(warehouse, batch_outcomes, quarantine_dir, inbox)
        outcomes += batch_outcomes
        if number < len(batches) and clock.due():  # the last batch is published with the run's end
            refresh_search(warehouse)
            publish(warehouse, snapshot)
            clock.spent()
    summary = end_run(
        warehouse,
        run,
        outcomes,
        failures,
        seen=len(files) + len(found.skipped),
        unchanged=len(todo.unchanged),
        skipped=len(found.skipped),
    )
    refresh_search(warehouse)
    publish(warehouse, snapshot)
    return summary, outcomes, failures
