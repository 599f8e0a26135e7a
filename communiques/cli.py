"""`communiques`: the command line. The only module that imports flows/ (lazily, to keep --help fast)."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from communiques.runtime import log_to_file, prepare_environment, run_until_stopped
from communiques.settings import CONFIG_ENV, Settings, load_settings
from schemas.errors import CommuniqueError
from schemas.records import FileState

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

    from communiques.watcher import InboxWatcher
    from schemas.quality import QualityRules
    from schemas.records import FileFailure, FileOutcome, RunSummary, SearchHit

err = Console(stderr=True)


def settings_from(ctx: click.Context) -> Settings:
    """The settings for this invocation, built once, with a clear error when invalid."""
    if ctx.obj is None:
        try:
            ctx.obj = load_settings()
        except CommuniqueError as exc:
            raise click.ClickException(str(exc)) from None
    settings: Settings = ctx.obj
    return settings


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn a domain error into one line and exit code 1, never a traceback."""
    try:
        yield
    except CommuniqueError as exc:
        raise click.ClickException(str(exc)) from None


class BarReporter:
    """Shows a progress bar on stderr while a flow works through files."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("ingesting", total=None)

    def start(self, total: int) -> None:
        """Set the number of files to work on."""
        self.progress.update(self.task, total=total)

    def advance(self, done: int = 1) -> None:
        """Mark `done` more files finished."""
        self.progress.advance(self.task, done)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"TOML settings file (default ./communiques.toml; same as ${CONFIG_ENV}).",
)
@click.version_option(package_name="communiques")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Ingest diplomatic communiqués (PDF, text, Markdown) into a DuckDB warehouse.

    Settings come from COMMUNIQUES_* environment variables and/or a TOML file; by default
    everything lives under ./data/ in the current folder.
    """
    if config is not None:
        import os

        os.environ[CONFIG_ENV] = str(config)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters written as escapes (\\n, \\x1b): a file name cannot break
    a line of output or send terminal escape sequences."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def print_summary(
    summary: RunSummary, outcomes: list[FileOutcome], failures: list[FileFailure], warehouse: Path | None
) -> None:
    """The run's counts, then each quarantined or failed file with its reason."""
    click.echo(
        f"files seen: {summary.files_seen}  loaded: {summary.loaded}  duplicates: {summary.duplicates}  "
        f"quarantined: {summary.quarantined}  skipped: {summary.skipped}  unchanged: {summary.unchanged}  "
        f"failed: {summary.failed}"
    )
    for outcome in outcomes:
        name = printable(PurePath(outcome.source_path).name)
        if outcome.state is FileState.QUARANTINED:
            click.echo(f"  quarantined {name}: {outcome.reason} [{outcome.category}]")
        elif outcome.state is FileState.DUPLICATE:
            click.echo(f"  duplicate   {name}: same content as document {(outcome.doc_id or '')[:12]}")
    for failure in failures:
        click.echo(f"  failed      {printable(str(failure))}")
    if warehouse is not None:
        click.echo(f"warehouse: {warehouse}")


def flow_parameters(settings: Settings) -> dict[str, Any]:
    """The ingest flow's parameters from the settings (JSON-ready, as deployments store them)."""
    assert settings.inbox and settings.warehouse and settings.quarantine
    snapshot = settings.snapshot_target()
    return {
        "warehouse": str(settings.warehouse),
        "inbox": str(settings.inbox),
        "quarantine_dir": str(settings.quarantine),
        "rules": settings.quality.model_dump(mode="json"),
        "options": settings.extract_options().model_dump(mode="json"),
        "batch_size": settings.batch_size,
        "snapshot": str(snapshot) if snapshot else None,
        "execution": settings.execution().model_dump(mode="json"),
        "refresh_seconds": settings.refresh_seconds,
    }


def start_flows(settings: Settings) -> None:
    """Quiet, file-logged Prefect for this process (before flows/ is imported)."""
    prepare_environment(settings)
    log_to_file(settings)


@contextmanager
def flow_task_runner(settings: Settings) -> Iterator[TaskRunner[Any] | None]:
    """The settings' task runner for the flow runs inside the block (None: Prefect's default).

    A Dask local cluster lives as long as the block; Dask is not imported for the local runner.
    A runner that cannot start (no scheduler at dask_address...) raises a ConfigurationError.
    """
    if settings.task_runner == "local":
        yield None
        return
    from flows.runners import task_runner

    with task_runner(settings.task_runner, settings.dask_address, settings.workers) as runner:
        yield runner


_WARMING = threading.Event()  # set once this process has started warming the quality gate


def warm_quality_gate(rules: QualityRules) -> None:
    """`schemas.quality.prepare` in a background thread, once per process (`watch` runs a flow per
    batch). A failure here is the flow's to report (its prepare-quality-gate task runs the same
    code and fails visibly), so it is not raised here."""
    if _WARMING.is_set():
        return
    _WARMING.set()

    def prepare_quietly() -> None:
        from schemas.quality import prepare

        with suppress(Exception):
            prepare(rules)

    threading.Thread(target=prepare_quietly, daemon=True).start()


def run_flow(
    settings: Settings, paths: list[Path], runner: TaskRunner[Any] | None = None
) -> tuple[RunSummary, list[FileOutcome], list[FileFailure]]:
    """One run of the ingest flow on `paths` (settings already applied with `start_flows`).

    `runner`: the task runner chunk tasks are submitted to (from `flow_task_runner`; None: threads here).
    """
    from flows.ingest import ingest as ingest_flow
    from flows.pool import launch_workers

    if runner is not None:
        ingest_flow = ingest_flow.with_options(task_runner=runner)
    else:
        launch_workers(settings.execution())  # they import while Prefect's API starts
    # One-time costs paid beside the API start too: Great Expectations' import and first validation
    # (~3 s; pandas with it, which DuckDB also imports on its first query with parameters).
    warm_quality_gate(settings.quality)
    parameters = {
        **flow_parameters(settings),
        "rules": settings.quality,
        "options": settings.extract_options(),
        "execution": settings.execution(),
    }
    return ingest_flow(paths=[str(p.absolute()) for p in paths], **parameters)


def run_ingest(settings: Settings, paths: list[Path], progress: bool | None) -> None:
    """Run the ingest flow on `paths`, print the summary, exit 1 when a file failed."""
    start_flows(settings)
    from flows.progress import set_reporter

    show = err.is_terminal if progress is None else progress
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with domain_errors(), Progress(*columns, console=err, disable=not show, transient=True) as bar:
        set_reporter(BarReporter(bar))
        try:
            with flow_task_runner(settings) as runner:
                summary, outcomes, failures = run_flow(settings, paths, runner)
        finally:
            set_reporter(None)
    assert settings.warehouse
    print_summary(summary, outcomes, failures, settings.warehouse)
    if failures:
        sys.exit(1)


PROGRESS = click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)."
)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@PROGRESS
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], progress: bool | None) -> None:
    """Ingest files and folders (default: the inbox) through the Prefect ingest flow.

    Runs against the Prefect API in PREFECT_API_URL when set, else an ephemeral local one.
    Exit code 0 when every file ended loaded, duplicate, unchanged or quarantined; 1 when a
    file failed for an internal or transient reason (it stays in place for the next run).
    Files quarantined only for want of OCR are retried once OCR is installed.
    """
    settings = settings_from(ctx)
    assert settings.inbox
    if not paths:
        settings.inbox.mkdir(parents=True, exist_ok=True)
        paths = (settings.inbox,)
    run_ingest(settings, list(paths), progress)


def server_api_url() -> str:
    """PREFECT_API_URL, which server mode needs; a clear error without it."""
    import os

    url = os.environ.get("PREFECT_API_URL")
    if not url:
        raise click.ClickException(
            "server mode needs a Prefect server: run `prefect server start`, then "
            "export PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    return url


def stamp() -> str:
    """The local time, for the lines long-running commands print."""
    import datetime as dt

    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


@cli.command()
@click.argument("inbox", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--server",
    is_flag=True,
    help="Server mode: emit a communique.file.arrived event per complete file for the deployments "
    "of `communiques serve`, instead of ingesting here.",
)
@click.pass_context
def watch(ctx: click.Context, inbox: Path | None, server: bool) -> None:
    """Watch INBOX (default: the settings' inbox) and ingest each file once it is complete.

    A file is taken once its size and modification time have held still for
    watch.settle_seconds; temporary names (*.part, *.tmp, ~$*, dotfiles) wait until renamed.
    The inbox is swept at start and every watch.sweep_seconds for files that came while
    nothing watched. Ctrl-C or SIGTERM finishes the batch in flight, then stops (press again
    to abort it: nothing half-loaded stays behind). Each batch prints one line.
    """
    settings = settings_from(ctx)
    if inbox is not None:
        settings = settings.model_copy(update={"inbox": inbox.absolute()})
    assert settings.inbox and settings.quarantine
    if server:
        server_api_url()
    from communiques.watcher import InboxWatcher

    watcher = InboxWatcher(settings.inbox, settings.watch, exclude=[settings.quarantine], sweep=not server)
    start_flows(settings)
    handle = announce_batch if server else ingest_batch
    mode = "emitting events to " + server_api_url() if server else "ingesting into " + str(settings.warehouse)
    click.echo(f"watching {settings.inbox}, {mode} (Ctrl-C to stop)", err=True)

    runners = nullcontext(None) if server else flow_task_runner(settings)  # a Dask cluster for the watch

    def work(stop: threading.Event) -> None:
        with runners as runner:
            for batch in watcher.batches(stop):
                handle(settings, watcher, batch, runner)

    with domain_errors():
        run_until_stopped(work, on_stop=lambda message: click.echo(message, err=True))
        if server:
            from flows.events import flush

            flush()  # every arrival announced before exiting
    click.echo("stopped", err=True)


def ingest_batch(
    settings: Settings, watcher: InboxWatcher, batch: list[Path], runner: TaskRunner[Any] | None = None
) -> None:
    """Embedded mode: run the flow on a batch; failed files are retried at the next sweep."""
    summary, outcomes, failures = run_flow(settings, batch, runner)
    watcher.retry(f.source_path for f in failures)
    click.echo(f"{stamp()}  batch of {len(batch)}  ", nl=False)
    print_summary(summary, outcomes, failures, None)


def announce_batch(
    settings: Settings, watcher: InboxWatcher, batch: list[Path], runner: TaskRunner[Any] | None = None
) -> None:
    """Server mode: one communique.file.arrived event per complete file (`runner` is unused)."""
    from extractors.sources import discover
    from flows.events import announce

    for source in discover(batch):
        announce(source)
        click.echo(f"{stamp()}  arrived {source.path}  (sha256 {source.file_hash[:12]})")


@cli.command()
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Server mode: serve the ingest deployments on the Prefect server in PREFECT_API_URL.

    `ingest-on-arrival` runs on each communique.file.arrived event (emitted by
    `communiques watch --server`); `sweep-inbox` runs on server.sweep_cron and ingests what the
    events missed. Flow runs execute here, at most server.limit at a time; loads into the
    warehouse never overlap. Stop with Ctrl-C (the deployments are paused).
    """
    settings = settings_from(ctx)
    assert settings.inbox
    url = server_api_url()
    if settings.task_runner != "local":
        click.echo(
            "note: task_runner applies to `ingest` and `watch`; serve extracts on this machine", err=True
        )
    start_flows(settings)
    from flows.deployments import ARRIVAL_DEPLOYMENT, SWEEP_DEPLOYMENT, build_deployments, serve_deployments

    deployments = build_deployments(
        flow_parameters(settings),
        inbox=str(settings.inbox),
        sweep_cron=settings.server.sweep_cron,
        timezone=settings.server.timezone,
        settle_seconds=settings.watch.settle_seconds,
    )
    click.echo(
        f"serving {ARRIVAL_DEPLOYMENT} (on communique.file.arrived) and {SWEEP_DEPLOYMENT} "
        f"({settings.server.sweep_cron} {settings.server.timezone}) on {url}; Ctrl-C to stop",
        err=True,
    )
    with domain_errors():
        serve_deployments(deployments, limit=settings.server.limit)


@cli.group()
def quarantine() -> None:
    """Files the pipeline refused: list them, retry them."""


@quarantine.command("list")
@click.pass_context
def quarantine_list(ctx: click.Context) -> None:
    """Quarantined files with their reason, when, and where the file is kept."""
    from warehouse.database import Warehouse
    from warehouse.read import list_quarantine

    settings = settings_from(ctx)
    assert settings.warehouse
    with domain_errors():
        held = list_quarantine(Warehouse(settings.warehouse))
    if not held:
        click.echo("quarantine is empty")
    for item in held:
        click.echo(
            f"{printable(item.source_file)}  [{item.category}]  {item.quarantined_at:%Y-%m-%d %H:%M:%S}"
        )
        click.echo(f"    {printable(item.reason)}")
        kept = printable(item.quarantine_path or item.source_path)
        click.echo(f"    kept at {kept}  (sha256 {item.file_hash[:12]})")


@quarantine.command("retry")
@click.argument("files", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Retry every quarantined file.")
@PROGRESS
@click.pass_context
def quarantine_retry(
    ctx: click.Context, files: tuple[str, ...], retry_all: bool, progress: bool | None
) -> None:
    """Re-ingest quarantined FILES (name, path or hash prefix), or --all, e.g. after raising a limit.

    Each file goes back where it came from and through the ingest flow again; its state is updated.
    """
    from warehouse.database import Warehouse
    from warehouse.quarantine_store import requeue

    if not files and not retry_all:
        raise click.UsageError("name the files to retry, or pass --all")
    settings = settings_from(ctx)
    assert settings.warehouse
    with domain_errors():
        paths = requeue(Warehouse(settings.warehouse), names=files)
    if not paths:
        raise click.ClickException("no quarantined file matches " + (", ".join(files) or "--all"))
    run_ingest(settings, paths, progress)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True)
@click.option("--output", "-o", help="jsonl: file (default stdout); parquet: folder (or give it as DIR).")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str | None, directory: Path | None) -> None:
    """Export the warehouse: JSON lines (the record contract) or one Parquet file per table and view.

    jsonl writes every loaded document as one JSON object per line. parquet writes
    DIR/<table>.parquet and DIR/reporting.<view>.parquet with a manifest.json of row counts,
    into a fresh folder swapped in by rename: readers never see a half-written export.
    """
    from warehouse.database import Warehouse

    settings = settings_from(ctx)
    assert settings.warehouse
    wh = Warehouse(settings.warehouse)
    if fmt == "parquet":
        target = directory or (Path(output) if output else None)
        if target is None:
            raise click.UsageError("--format parquet needs a folder: communiques export --format parquet DIR")
        from warehouse.parquet import export_parquet

        with domain_errors():
            try:
                counts = export_parquet(wh, target)
            except (FileExistsError, FileNotFoundError) as exc:
                raise click.ClickException(str(exc)) from None
        click.echo(f"exported {len(counts)} tables and views ({sum(counts.values())} rows) to {target}")
        return
    if directory is not None:
        raise click.UsageError("DIR is for --format parquet; use --output FILE for jsonl")
    from warehouse.read import read_documents

    count = 0
    with domain_errors(), click.open_file(output or "-", "w", encoding="utf-8", atomic=bool(output)) as out:
        for document in read_documents(wh):
            out.write(document.model_dump_json() + "\n")
            count += 1
    err.print(f"exported {count} documents", style="dim")


@cli.command()
@click.option("--markdown", is_flag=True, help="Markdown (a section per table/view), e.g. for the README.")
@click.option(
    "--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File (default stdout)."
)
def schema(markdown: bool, output: IO[str]) -> None:
    """The data dictionary: reporting views (the BI contract) and tables, every column explained.

    Taken from the comments the migrations put on every table, view and column, which BI tools
    and `duckdb_columns()` show too. Describes this release's schema; needs no warehouse.
    """
    from warehouse.dictionary import dictionary_markdown, packaged_dictionary

    relations = packaged_dictionary()
    if markdown:
        output.write(dictionary_markdown(relations))
        return
    for relation in relations:
        output.write(f"{relation.qualified_name} ({relation.kind}): {relation.comment}\n")
        width = max(len(c.name) for c in relation.columns)
        for column in relation.columns:
            output.write(f"  {column.name:<{width}}  {column.data_type:<10}  {column.comment}\n")
        output.write("\n")


@cli.command()
@click.option("--runs", default=5, show_default=True, help="How many recent runs to show.")
@click.pass_context
def status(ctx: click.Context, runs: int) -> None:
    """Documents, paragraphs, duplicates and quarantined files, and the last runs."""
    from warehouse.database import Warehouse
    from warehouse.read import status as warehouse_status

    settings = settings_from(ctx)
    assert settings.warehouse
    with domain_errors():
        report = warehouse_status(Warehouse(settings.warehouse), runs=runs)
    click.echo(f"warehouse:   {settings.warehouse}")
    click.echo(f"documents:   {report.documents}")
    click.echo(f"paragraphs:  {report.paragraphs}")
    click.echo(f"duplicates:  {report.duplicates}")
    click.echo(f"quarantined: {report.quarantined}")
    click.echo(f"skipped:     {report.skipped}  (by rule: temporary or hidden names, symbolic links...)")
    click.echo(f"superseded:  {report.superseded}  (documents replaced by a newer version of their file)")
    click.echo(
        f"files:       {report.files + report.skipped} paths = {report.loaded} loaded + {report.duplicates} "
        f"duplicates + {report.quarantined} quarantined + {report.skipped} skipped"
    )
    if not report.runs:
        click.echo("no runs yet")
        return
    click.echo("last runs:")
    for run in report.runs:
        click.echo(
            f"  {run.started_at:%Y-%m-%d %H:%M:%S}  {run.status:<9} seen {run.files_seen}  "
            f"loaded {run.loaded}  duplicates {run.duplicates}  quarantined {run.quarantined}  "
            f"skipped {run.skipped}  unchanged {run.unchanged}  failed {run.failed}  ({run.run_id})"
        )


@cli.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="HTML file to write (default: report.html in the data folder).",
)
@click.pass_context
def report(ctx: click.Context, output: Path | None) -> None:
    """Write a self-contained HTML report with charts and print its path.

    Documents per year and type, languages, countries mentioned, topics over time, participants'
    countries, instruments cited, quality outcomes per run, the latest documents and the
    quarantine with reasons. One file: no scripts, no network, opens offline in any browser.
    """
    from communiques.report import render_report, write_report
    from warehouse.database import Warehouse
    from warehouse.report_data import read_report_data

    settings = settings_from(ctx)
    assert settings.warehouse
    with domain_errors():
        try:
            data = read_report_data(Warehouse(settings.warehouse))
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from None
    path = write_report(render_report(data), output or settings.data_dir / "report.html")
    click.echo(str(path))


def marked_snippet(hit: SearchHit) -> str:
    """The hit's snippet with its matched words in bold (plain text when output is not a terminal)."""
    parts, done = [], 0
    for start, end in hit.highlights:
        parts += [hit.snippet[done:start], click.style(hit.snippet[start:end], bold=True, fg="yellow")]
        done = end
    return "".join([*parts, hit.snippet[done:]])


def shorten(text: str, width: int = 100) -> str:
    """Text on one line, whitespace collapsed, cut to `width` characters with "…"."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


@cli.command()
@click.argument("query")
@click.option("--lang", "language", metavar="CODE", help="Only paragraphs in this language (en, ru, zh...).")
@click.option("--from", "year_from", type=int, metavar="YEAR", help="Only documents issued in or after YEAR.")
@click.option("--to", "year_to", type=int, metavar="YEAR", help="Only documents issued in or before YEAR.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True, help="Hits shown.")
@click.option("--reindex", is_flag=True, help="Bring the search index up to date first (waits for loads).")
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    language: str | None,
    year_from: int | None,
    year_to: int | None,
    limit: int,
    reindex: bool,
) -> None:
    """Full-text search of the loaded paragraphs, best match first (BM25).

    Each hit shows its score, document title, date, document id, paragraph number and a snippet
    with the matched words highlighted. English, Russian, French and Spanish words match in
    any inflection (trafficking, traffic); other languages match whole words; Chinese matches
    the query as written (substring). The index is brought up to date by every ingest.
    """
    from warehouse.database import Warehouse
    from warehouse.search import index_is_current, one_line
    from warehouse.search import search as search_paragraphs

    settings = settings_from(ctx)
    assert settings.warehouse
    if year_from is not None and year_to is not None and year_from > year_to:
        raise click.UsageError(f"--from {year_from} is after --to {year_to}")
    wh = Warehouse(settings.warehouse)
    if not wh.exists():
        raise click.ClickException(f"no warehouse at {wh.path}: ingest documents first (communiques ingest)")
    with domain_errors():
        if reindex:
            from warehouse.search import refresh_search_index

            refresh_search_index(wh)
        hits = search_paragraphs(
            wh,
            query,
            language=language.strip().lower() if language else None,
            year_from=year_from,
            year_to=year_to,
            limit=limit,
        )
        current = index_is_current(wh)
    if not current:
        click.echo("note: the search index is behind the warehouse; add --reindex to update it", err=True)
    if not hits:
        words = any(c.isalnum() for c in query)
        click.echo("no matches" if words else "no matches: the query has no letters or digits to search for")
        return
    for hit in hits:
        title = shorten(one_line(hit.title or hit.source_file))
        date = f"{hit.issued_date:%Y-%m-%d}" if hit.issued_date else "undated"
        click.echo(f"{hit.rank:>2}. [{hit.score:.2f}] {title}")
        where = f"doc {hit.doc_id[:12]}  paragraph {hit.number}  page {hit.page_start}"
        click.echo(f"    {date}  {where}  {hit.language}")
        click.echo(f"    {marked_snippet(hit)}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="communiques")


if __name__ == "__main__":
    main()
