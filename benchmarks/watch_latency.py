"""Watch latency: from a file closed in the inbox to its document queryable in the BI snapshot.

usage: python benchmarks/watch_latency.py [--files 20] [--spacing 2] [--api-url URL] [--keep DIR]

Starts `python -m communiques watch` (embedded mode) on a scratch data folder, seeds one file and
waits for its batch line (the first flow run of a process pays Prefect's start-up), then drops
--files distinct communiqués one at a time, --spacing seconds apart (or as soon as the previous
one is visible, when that takes longer). Each is written to `<name>.part` and renamed into the
inbox; the clock starts right after the rename. For each file it prints:

- `snapshot`: until its row is visible through a read-only connection to `snapshot.duckdb`,
  the file BI tools open (polled every 50 ms; the writer never waits for these readers);
- `warehouse`: until its load transaction began in the main warehouse (`documents.loaded_at`,
  read afterwards from the snapshot: polling the warehouse itself would hold up the writer).

Then p50, p95 and max, and a one-line summary against the goal (p95 <= --goal seconds). Stops
the watcher with SIGTERM, which must exit 0. Exit status 0 when everything passed, else 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import duckdb

from communiques.runtime import QUIET_ENVIRONMENT

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = sorted((PROJECT / "tests" / "fixtures" / "seeds").glob("*.txt"))
QUIET = QUIET_ENVIRONMENT  # telemetry off, Prefect quiet: the CLI's own settings
POLL = 0.05
WORDS = ("trade", "energy", "transport", "culture", "health", "science", "tourism", "water", "customs")


def variant(number: int) -> bytes:
    """A seed communiqué with one added paragraph: a distinct document for each number."""
    extra = ", ".join(WORDS[(number + i) % len(WORDS)] for i in range(4))
    paragraph = (
        f"Paragraph added for variant {number}: the ministers agreed to deepen cooperation in {extra}."
    )
    return SEEDS[number % len(SEEDS)].read_bytes().rstrip() + f"\n\n{paragraph}\n".encode()


def drop(inbox: Path, name: str, data: bytes) -> float:
    """Write `data` under a temporary name, rename it into the inbox; the wall time after the rename."""
    partial = inbox / f"{name}.part"
    with partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(partial, inbox / name)
    return time.time()


def lines_of(stream: IO[str], into: queue.Queue[tuple[float, str]]) -> None:
    """Forward each line of the watcher's stdout with the time it was read."""
    for line in stream:
        into.put((time.time(), line.rstrip("\n")))


def wait_for_batch(lines: queue.Queue[tuple[float, str]], timeout: float) -> str | None:
    """The next batch line the watcher prints, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            _, line = lines.get(timeout=left)
        except queue.Empty:
            return None
        print(f"  watcher: {line}")
        if "batch of" in line:
            return line
    return None


def visible_in(snapshot: Path, doc_id: str) -> bool:
    """Whether the document is in the snapshot, through a fresh read-only connection."""
    if not snapshot.exists():
        return False
    try:
        with duckdb.connect(str(snapshot), read_only=True) as con:
            return con.execute("SELECT 1 FROM documents WHERE doc_id = ?", [doc_id]).fetchone() is not None
    except duckdb.Error:
        return False


def wait_visible(snapshot: Path, doc_id: str, timeout: float) -> float | None:
    """Poll the snapshot every POLL seconds; the wall time the document showed up, None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if visible_in(snapshot, doc_id):
            return time.time()
        time.sleep(POLL)
    return None


def loaded_at(snapshot: Path, doc_ids: list[str]) -> dict[str, float]:
    """doc_id -> when its load transaction began (documents.loaded_at, naive UTC) as a wall time."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        rows = con.execute(
            "SELECT doc_id, loaded_at FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids]
        ).fetchall()
    return {doc_id: at.replace(tzinfo=dt.UTC).timestamp() for doc_id, at in rows}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(label: str, values: list[float]) -> str:
    return (
        f"{label}: p50 {percentile(values, 0.5):.2f} s, p95 {percentile(values, 0.95):.2f} s, "
        f"max {max(values):.2f} s"
    )


def environment(data: Path, args: argparse.Namespace) -> dict[str, str]:
    """This environment without COMMUNIQUES_/PREFECT_ settings, plus the scratch data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMMUNIQUES_", "PREFECT_"))}
    env.update(QUIET)
    env["COMMUNIQUES_DATA_DIR"] = str(data)
    if args.settle is not None:
        env["COMMUNIQUES_WATCH__SETTLE_SECONDS"] = str(args.settle)
    if args.api_url:
        env["PREFECT_API_URL"] = args.api_url
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20, help="files to time (default 20)")
    parser.add_argument("--spacing", type=float, default=2.0, help="seconds between drops (default 2)")
    parser.add_argument("--api-url", help="a running Prefect server's API (default: ephemeral API)")
    parser.add_argument("--settle", type=float, help="watch.settle_seconds (default: the setting's, 1 s)")
    parser.add_argument("--goal", type=float, default=5.0, help="p95 goal in seconds (default 5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="give up on a file after this long")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="communiques-watch-latency-"))
    data = work / "data"
    if data.exists():
        print(f"{data} exists: give --keep a new folder", file=sys.stderr)
        return 2
    inbox, snapshot = data / "inbox", data / "snapshot.duckdb"
    inbox.mkdir(parents=True)
    log = (work / "watch.stderr.log").open("w")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "communiques", "watch"],
        env=environment(data, args),
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert watcher.stdout is not None
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    threading.Thread(target=lines_of, args=(watcher.stdout, lines), daemon=True).start()
    failure = None
    try:
        snapshot_latency, warehouse_latency, missing = measure(args, inbox, snapshot, lines)
    except RuntimeError as exc:
        failure, snapshot_latency, warehouse_latency, missing = str(exc), [], [], args.files
    finally:
        watcher.send_signal(signal.SIGTERM)
        try:
            status = watcher.wait(timeout=120)
        except subprocess.TimeoutExpired:
            watcher.kill()
            status = watcher.wait()
        log.close()
    stderr = (work / "watch.stderr.log").read_text(errors="replace")
    stopped = status == 0 and "stopped" in stderr
    print(f"watcher stopped by SIGTERM: exit {status}")
    if failure or not stopped:
        print(f"watcher's stderr (last 3000 characters):\n{stderr[-3000:]}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    if not snapshot_latency:
        print(f"watch latency: {failure or 'no file became visible'} FAIL")
        return 1
    print(figures("closed -> queryable in snapshot.duckdb", snapshot_latency))
    if warehouse_latency:
        print(figures("closed -> load began in warehouse.duckdb", warehouse_latency))
    p50, p95 = percentile(snapshot_latency, 0.5), percentile(snapshot_latency, 0.95)
    passed = p95 <= args.goal and not missing and stopped
    print(
        f"watch latency: p50 {p50:.1f} s, p95 {p95:.1f} s over {len(snapshot_latency)} files"
        + (f" ({missing} never visible)" if missing else "")
        + f" (goal p95 <= {args.goal:g} s) {'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


def measure(
    args: argparse.Namespace, inbox: Path, snapshot: Path, lines: queue.Queue[tuple[float, str]]
) -> tuple[list[float], list[float], int]:
    """Warm up, then drop and time each file; (snapshot latencies, warehouse latencies, files missing)."""
    print("warm-up: first file (the watcher's first flow run pays Prefect's start-up) ...")
    started = time.time()
    drop(inbox, "warm-up.txt", variant(0))
    if wait_for_batch(lines, timeout=180) is None:
        raise RuntimeError("the watcher printed no batch line for the warm-up file within 180 s")
    print(
        f"warm-up batch after {time.time() - started:.1f} s; now {args.files} files, {args.spacing:g} s apart"
    )
    names: dict[str, str] = {}
    closed: dict[str, float] = {}
    seen: dict[str, float] = {}
    for number in range(1, args.files + 1):
        data = variant(number)
        doc_id = hashlib.sha256(data).hexdigest()
        names[doc_id] = f"communique-{number:03d}.txt"
        closed[doc_id] = drop(inbox, names[doc_id], data)
        appeared = wait_visible(snapshot, doc_id, args.timeout)
        if appeared is not None:
            seen[doc_id] = appeared
        time.sleep(max(0.0, closed[doc_id] + args.spacing - time.time()))
    time.sleep(3)  # the last batch line comes once the flow run is wrapped up
    batches = 0
    while not lines.empty():
        batches += "batch of" in lines.get()[1]
    began = loaded_at(snapshot, list(seen)) if seen else {}

    print(f"\n{'file':<22} {'load began':>11} {'in snapshot':>12}")
    for doc_id, name in names.items():
        load = f"{began[doc_id] - closed[doc_id]:.2f} s" if doc_id in began else "-"
        visible = f"{seen[doc_id] - closed[doc_id]:.2f} s" if doc_id in seen else "never"
        print(f"{name:<22} {load:>11} {visible:>12}")
    print(f"({batches} batch lines from the watcher for {args.files} files)\n")
    warehouse = [began[d] - closed[d] for d in seen if d in began]
    return [seen[d] - closed[d] for d in seen], warehouse, args.files - len(seen)


if __name__ == "__main__":
    sys.exit(main())
