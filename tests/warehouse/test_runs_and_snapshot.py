"""Runs of dead processes become 'interrupted'; the BI snapshot is a complete, atomically swapped copy."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import duckdb

from schemas.records import RunSummary
from tests.warehouse.builders import document, loaded_item
from warehouse.database import Warehouse
from warehouse.ledger import load_batch
from warehouse.read import status
from warehouse.runs import start_run
from warehouse.snapshot import publish_snapshot

T0 = dt.datetime(2026, 11, 26, 9, 0)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def run(run_id: str, minutes: int, host: str, pid: int) -> RunSummary:
    return RunSummary(run_id=run_id, started_at=T0 + dt.timedelta(minutes=minutes), host=host, pid=pid)


def test_runs_of_dead_processes_on_this_host_become_interrupted(wh: Warehouse) -> None:
    here = socket.gethostname()
    assert start_run(wh, run("killed", 0, here, dead_pid())) == []
    start_run(wh, run("elsewhere", 1, "another-machine", dead_pid()))  # cannot tell: left alone
    assert start_run(wh, run("alive", 2, here, os.getpid())) == ["killed"]
    assert start_run(wh, run("new", 3, here, os.getpid())) == []
    states = {r.run_id: r.status for r in status(wh).runs}
    assert states == {"killed": "interrupted", "alive": "running", "elsewhere": "running", "new": "running"}


def test_snapshot_is_a_complete_copy_swapped_in_atomically(wh: Warehouse, tmp_path: Path) -> None:
    target = tmp_path / "bi" / "snapshot.duckdb"
    assert publish_snapshot(wh, target) is None and not target.exists()  # nothing to copy yet
    load_batch(wh, "run-1", [loaded_item(document("a"))])
    load_batch(wh, "run-2", [loaded_item(document("b"))])
    assert publish_snapshot(wh, target) == target
    with duckdb.connect(str(target), read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        assert reader.execute("SELECT count(*) FROM paragraphs").fetchone() != (0,)
    assert sorted(p.name for p in target.parent.iterdir()) == ["snapshot.duckdb"]  # no partial, no WAL


HOLD_SNAPSHOT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
count = lambda: con.execute("SELECT count(*) FROM documents").fetchone()[0]
print(count(), flush=True)
sys.stdin.readline()
print(count(), flush=True)
"""


def test_a_reader_keeps_its_copy_while_the_next_one_is_swapped_in(wh: Warehouse, tmp_path: Path) -> None:
    target = tmp_path / "snapshot.duckdb"
    load_batch(wh, "run-1", [loaded_item(document("a"))])
    publish_snapshot(wh, target)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SNAPSHOT, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "1"
        load_batch(wh, "run-2", [loaded_item(document("b"))])
        publish_snapshot(wh, target)  # not blocked by the reader of the old copy
        with duckdb.connect(str(target), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "1"  # its consistent copy, until it reconnects
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
