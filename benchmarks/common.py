"""Helpers the benchmark scripts share: run `communiques ingest`, time it, sample its memory, read records.

Not a benchmark itself. What each helper measures:

- `run_ingest`: the real command line (`python -m communiques ingest --no-progress PATHS`) in a
  scratch data folder, with this environment's COMMUNIQUES_/PREFECT_ variables removed; wall time
  from start to exit, the counts of its summary line, and (with `sample_memory`) the peak memory
  of its process tree;
- `TreeSampler`: resident memory (RSS) of a process and all its descendants, sampled every
  `interval` seconds with psutil, summed at each sample; peaks for the whole tree, the main
  process, the extraction workers (`python -m flows.pool`) and the rest (Prefect's ephemeral
  API server, a subprocess of the command);
- `flow_record`: the flow run's own duration and its task runs, from Prefect's records (the
  ephemeral API's SQLite database in `<data>/prefect`, or the REST API of a server), which leave
  out process start-up, imports and the ephemeral API's start;
- `stage_table`: wall time per kind of task (overlapping task runs counted once) and the time
  between tasks (orchestration).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import httpx
import psutil

from communiques.runtime import QUIET_ENVIRONMENT

PROJECT = Path(__file__).resolve().parent.parent
QUIET = QUIET_ENVIRONMENT  # telemetry off, Prefect quiet: the CLI's own settings
_COUNT = re.compile(r"([a-z][a-z ]*?): (\d+)")
_MB = 1024 * 1024


def load_average() -> str:
    """The 1, 5 and 15 minute load averages and the number of cores, for judging noise."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def parse_summary(stdout: str) -> dict[str, int]:
    """The counts of the CLI's summary line "files seen: N  loaded: N ..." ({} when there is none)."""
    for line in stdout.splitlines():
        if line.startswith("files seen:"):
            return {name: int(value) for name, value in _COUNT.findall(line)}
    return {}


@dataclass
class TreePeak:
    """Peak resident memory of a process tree, in MiB (each a maximum over the samples)."""

    total: float = 0.0
    main: float = 0.0
    workers: float = 0.0
    other: float = 0.0
    processes: int = 0
    samples: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds (user + system) per kind
    machine_cpu: float = 0.0  # CPU seconds the whole machine was busy meanwhile (all processes)
    seconds: float = 0.0  # how long it was sampled
    # (time.time(), CPU seconds so far per kind, machine busy CPU seconds since boot) at each sample
    series: list[tuple[float, dict[str, float], float]] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        return (
            f"peak RSS {self.total:.0f} MiB (main {self.main:.0f}, workers {self.workers:.0f}, "
            f"other {self.other:.0f}; {self.processes} processes)"
        )

    @property
    def outside(self) -> float:
        """CPU seconds used by processes outside the tree meanwhile (other work on the machine)."""
        return max(0.0, self.machine_cpu - sum(self.cpu.values()))

    def cpu_line(self) -> str:
        """CPU seconds of each kind of process, and of everything else running on the machine."""
        kinds = ", ".join(f"{kind} {self.cpu.get(kind, 0.0):.1f}" for kind in ("main", "workers", "other"))
        capacity = self.seconds * (os.cpu_count() or 1)
        return (
            f"CPU s: {kinds}; processes outside the tree {self.outside:.1f} of the {capacity:.0f} available"
        )


class TreeSampler:
    """Samples the RSS of a process and its descendants in a thread until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = TreePeak()
        self.kinds: dict[int, str] = {pid: "main"}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _kind(self, process: psutil.Process) -> str:
        # "other" is looked at again each time: a child seen between fork and exec still shows
        # its parent's command line
        if self.kinds.get(process.pid, "other") == "other":
            try:
                command = " ".join(process.cmdline())
            except psutil.Error:
                command = ""
            self.kinds[process.pid] = "workers" if "flows.pool" in command else "other"
        return self.kinds[process.pid]

    def sample(self) -> None:
        """One sample of the whole tree."""
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        sums = {"main": 0.0, "workers": 0.0, "other": 0.0}
        for process in processes:
            try:
                with process.oneshot():
                    sums[self._kind(process)] += process.memory_info().rss / _MB
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
            except psutil.Error:
                continue
        peak = self.peak
        peak.total = max(peak.total, sum(sums.values()))
        peak.main, peak.workers = max(peak.main, sums["main"]), max(peak.workers, sums["workers"])
        peak.other = max(peak.other, sums["other"])
        peak.processes, peak.samples = len(self.kinds), peak.samples + 1
        peak.cpu = {}
        for pid, seconds in self.cpu.items():
            peak.cpu[self.kinds[pid]] = peak.cpu.get(self.kinds[pid], 0.0) + seconds
        peak.series.append((time.time(), dict(peak.cpu), _busy()))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._began = (time.perf_counter(), _busy())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak.seconds = time.perf_counter() - self._began[0]
        self.peak.machine_cpu = _busy() - self._began[1]


def cores_between(peak: TreePeak, start: dt.datetime, end: dt.datetime) -> dict[str, float] | None:
    """Cores each kind of process kept busy on average between two naive-UTC times, and "outside":
    the rest of the machine. None when fewer than two samples fall in between."""
    begin, finish = (t.replace(tzinfo=dt.UTC).timestamp() for t in (start, end))
    inside = [sample for sample in peak.series if begin <= sample[0] <= finish]
    if len(inside) < 2:
        return None
    (t0, cpu0, busy0), (t1, cpu1, busy1) = inside[0], inside[-1]
    elapsed = t1 - t0
    cores = {
        kind: (cpu1.get(kind, 0.0) - cpu0.get(kind, 0.0)) / elapsed for kind in ("main", "workers", "other")
    }
    cores["outside"] = max(0.0, (busy1 - busy0) / elapsed - sum(cores.values()))
    return cores


def cores_line(cores: dict[str, float] | None) -> str:
    """ "main 0.05, workers 1.80, other 0.10, outside 0.05 cores" (or a note when unknown)."""
    if cores is None:
        return "(too short to sample)"
    return ", ".join(f"{kind} {value:.2f}" for kind, value in cores.items()) + " cores"


def _busy() -> float:
    """CPU seconds the machine has been busy since boot, all cores together."""
    times = psutil.cpu_times()
    return float(
        sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq", "steal"))
    )


@dataclass
class CliRun:
    """One `communiques ingest` process: how it ended, how long it took, what it printed."""

    returncode: int
    wall: float
    stdout: str
    stderr: str
    counts: dict[str, int]
    peak: TreePeak | None
    data_dir: Path
    api_url: str | None

    @property
    def summary_line(self) -> str:
        return next((line for line in self.stdout.splitlines() if line.startswith("files seen:")), "")

    def require(self, **expected: int) -> None:
        """Stop the benchmark (SystemExit) unless the run succeeded with these counts."""
        wrong = {k: self.counts.get(k.replace("_", " ")) for k, v in expected.items()}
        wrong = {k: v for k, v in wrong.items() if v != expected[k]}
        if self.returncode != 0 or wrong:
            print(self.stdout[-3000:], file=sys.stderr)
            print(self.stderr[-3000:], file=sys.stderr)
            raise SystemExit(
                f"ingest in {self.data_dir} exited {self.returncode}; expected {expected}, got {self.counts}"
            )


def cli_env(data_dir: Path, api_url: str | None = None, **settings: object) -> dict[str, str]:
    """Environment for the command line: no COMMUNIQUES_/PREFECT_ from here, its data folder, settings.

    Without `api_url` the command starts Prefect's ephemeral API with PREFECT_HOME in
    `<data>/prefect` (the command's own default); with it, it talks to that server.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMMUNIQUES_", "PREFECT_"))}
    env.update(QUIET)
    env["COMMUNIQUES_DATA_DIR"] = str(data_dir)
    if api_url:
        env["PREFECT_API_URL"] = api_url
        env["PREFECT_HOME"] = str(data_dir / "prefect-client")
    env.update({f"COMMUNIQUES_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def run_ingest(
    paths: Sequence[Path],
    data_dir: Path,
    *,
    api_url: str | None = None,
    sample_memory: bool = True,
    interval: float = 0.1,
    **settings: object,
) -> CliRun:
    """Run `python -m communiques ingest --no-progress PATHS` with its data in `data_dir`.

    `settings` become COMMUNIQUES_<NAME> variables (e.g. workers=1). Runs in `data_dir`'s parent
    folder, so no communiques.toml of the caller's folder applies.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "communiques", "ingest", "--no-progress", *map(str, paths)]
    env = cli_env(data_dir, api_url, **settings)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=data_dir.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeSampler(process.pid, interval) if sample_memory else None
    if sampler is not None:
        with sampler:
            stdout, stderr = process.communicate()
    else:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    return CliRun(
        returncode=process.returncode,
        wall=wall,
        stdout=stdout,
        stderr=stderr,
        counts=parse_summary(stdout),
        peak=sampler.peak if sampler else None,
        data_dir=data_dir,
        api_url=api_url,
    )


# --- Prefect's records of a run -------------------------------------------------------------------


@dataclass
class TaskSpan:
    """One task run: its kind (task name without Prefect's suffix) and when it ran."""

    kind: str
    start: dt.datetime
    end: dt.datetime


@dataclass
class FlowRecord:
    """A flow run as Prefect recorded it: its duration and its task runs."""

    run_id: str
    start: dt.datetime
    end: dt.datetime
    tasks: list[TaskSpan] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def _kind(name: str) -> str:
    if name.startswith("extract "):  # task_run_name "extract N files from X"
        return "extract-files"
    return re.sub(r"-[0-9a-f]{3}$", "", name)


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def last_run_id(data_dir: Path) -> str | None:
    """The id of the latest run in the warehouse's `runs` table (the Prefect flow run's id)."""
    path = data_dir / "warehouse.duckdb"
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    return str(row[0]) if row else None


def _from_sqlite(database: Path, run_id: str) -> FlowRecord | None:
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        flow = con.execute("SELECT start_time, end_time FROM flow_run WHERE id = ?", [run_id]).fetchone()
        rows = con.execute(
            "SELECT name, start_time, end_time FROM task_run WHERE flow_run_id = ?", [run_id]
        ).fetchall()
    finally:
        con.close()
    start, end = (_time(flow[0]), _time(flow[1])) if flow else (None, None)
    if start is None or end is None:
        return None
    return FlowRecord(run_id, start, end, _spans(rows))


def _from_api(api_url: str, run_id: str) -> FlowRecord | None:
    with httpx.Client(base_url=api_url, timeout=30) as client:
        flow = client.get(f"/flow_runs/{run_id}").raise_for_status().json()
        rows, offset = [], 0
        while True:
            body = {"flow_runs": {"id": {"any_": [run_id]}}, "limit": 200, "offset": offset}
            page = client.post("/task_runs/filter", json=body).raise_for_status().json()
            rows += [(t["name"], t["start_time"], t["end_time"]) for t in page]
            if len(page) < 200:
                break
            offset += 200
    start, end = _time(flow.get("start_time")), _time(flow.get("end_time"))
    if start is None or end is None:
        return None
    return FlowRecord(run_id, start, end, _spans(rows))


def _spans(rows: Sequence[tuple[str, str | None, str | None]]) -> list[TaskSpan]:
    spans = []
    for name, start, end in rows:
        begun, ended = _time(start), _time(end)
        if begun is not None and ended is not None:
            spans.append(TaskSpan(_kind(name), begun, ended))
    return sorted(spans, key=lambda s: s.start)


def flow_record(run: CliRun) -> FlowRecord | None:
    """The latest flow run of `run`'s data folder as Prefect recorded it (None if not found)."""
    run_id = last_run_id(run.data_dir)
    if run_id is None:
        return None
    try:
        if run.api_url:
            return _from_api(run.api_url, run_id)
        database = run.data_dir / "prefect" / "prefect.db"
        return _from_sqlite(database, run_id) if database.exists() else None
    except (sqlite3.Error, httpx.HTTPError, KeyError) as exc:
        print(f"(no flow record: {type(exc).__name__}: {exc})", file=sys.stderr)
        return None


def covered(spans: Sequence[TaskSpan]) -> float:
    """Seconds during which at least one of the spans was running (overlaps counted once)."""
    total, reach = 0.0, None
    for span in sorted(spans, key=lambda s: s.start):
        if reach is None or span.start > reach:
            total += (span.end - span.start).total_seconds()
            reach = span.end
        elif span.end > reach:
            total += (span.end - reach).total_seconds()
            reach = span.end
    return total


def stage_table(record: FlowRecord, indent: str = "  ") -> str:
    """Wall seconds per kind of task, their share of the flow run, and the time between tasks."""
    kinds: dict[str, list[TaskSpan]] = {}
    for span in record.tasks:
        kinds.setdefault(span.kind, []).append(span)
    lines = [f"{indent}{'stage (Prefect task)':<22} {'runs':>5} {'wall s':>8} {'share':>6}"]
    for kind, spans in sorted(kinds.items(), key=lambda item: -covered(item[1])):
        seconds = covered(spans)
        lines.append(f"{indent}{kind:<22} {len(spans):>5} {seconds:>8.2f} {seconds / record.seconds:>6.1%}")
    between = record.seconds - covered(record.tasks)
    lines.append(f"{indent}{'(between tasks)':<22} {'':>5} {between:>8.2f} {between / record.seconds:>6.1%}")
    for (before, after), (count, seconds) in sorted(gaps(record).items(), key=lambda g: -g[1][1])[:4]:
        if seconds >= 0.05:
            lines.append(f"{indent}  {before} -> {after}: {count} x, {seconds:.2f} s")
    lines.append(f"{indent}{'flow run':<22} {'':>5} {record.seconds:>8.2f} {1:>6.1%}")
    return "\n".join(lines)


def window(record: FlowRecord, kind: str) -> tuple[dt.datetime, dt.datetime] | None:
    """From the first start to the last end of one kind of task in a flow run (None if none ran)."""
    spans = [s for s in record.tasks if s.kind == kind]
    if not spans:
        return None
    return min(s.start for s in spans), max(s.end for s in spans)


def gaps(record: FlowRecord) -> dict[tuple[str, str], tuple[int, float]]:
    """Time with no task running, by (kind of the task that ended last, kind of the next one)."""
    found: dict[tuple[str, str], tuple[int, float]] = {}

    def add(before: str, after: str, seconds: float) -> None:
        count, total = found.get((before, after), (0, 0.0))
        found[(before, after)] = (count + 1, total + seconds)

    reach, last = record.start, "(flow start)"
    for span in sorted(record.tasks, key=lambda s: s.start):
        if span.start > reach:
            add(last, span.kind, (span.start - reach).total_seconds())
        if span.end > reach:
            reach, last = span.end, span.kind
    if record.end > reach:
        add(last, "(flow end)", (record.end - reach).total_seconds())
    return found


def stage_seconds(record: FlowRecord, kind: str) -> float:
    """Wall seconds of one kind of task in a flow run."""
    return covered([s for s in record.tasks if s.kind == kind])


# --- Where the work happens -------------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """--keep, --api-url and --server, which every CLI-driven benchmark takes."""
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument(
        "--api-url", help="a running Prefect server's API for the ingest runs (default: ephemeral API)"
    )
    parser.add_argument(
        "--server",
        action="store_true",
        help="start a Prefect server once for all runs (leaves its start-up out of every run's wall time)",
    )


@contextmanager
def workspace(keep: Path | None, prefix: str) -> Iterator[Path]:
    """A scratch folder (removed afterwards), or `keep` (created, kept; must not hold data yet)."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        if any(keep.iterdir()):
            raise SystemExit(f"{keep} is not empty: give --keep a new folder")
        yield keep.resolve()
        return
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def prefect_api(api_url: str | None, server: bool, work: Path) -> Iterator[str | None]:
    """The Prefect API the ingest runs use: `api_url`, a server started here, or None (ephemeral)."""
    if api_url or not server:
        yield api_url
        return
    sys.path.insert(0, str(PROJECT))
    from tests.servers import prefect_server

    started = time.perf_counter()
    with prefect_server(work / "prefect-server") as url:
        print(f"Prefect server at {url} (started in {time.perf_counter() - started:.1f} s)")
        yield url


def deviation(value: float, base: float) -> str:
    """+12.3% style difference of `value` from `base`."""
    return f"{(value - base) / base:+.1%}" if base else "n/a"


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"
