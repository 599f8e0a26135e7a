"""The `runs` table: one row per ingest run, written when it starts and again when it ends."""

from __future__ import annotations

import os
import socket

import duckdb

from schemas.records import RunSummary
from warehouse.database import Warehouse
from warehouse.migrations import apply_migrations
from warehouse.rows import as_utc, fetch_dicts, insert_rows, utc_now

INTERRUPTED = "interrupted"


def this_process() -> dict[str, str | int]:
    """The host and pid recorded with a run started here."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def mark_interrupted(con: duckdb.DuckDBPyConnection, host: str) -> list[str]:
    """Runs still 'running' on `host` whose process is gone become 'interrupted'; returns their ids."""
    rows = con.execute(
        "SELECT run_id, pid FROM runs WHERE status = 'running' AND host = ? AND pid IS NOT NULL", [host]
    ).fetchall()
    dead = [run_id for run_id, pid in rows if not _alive(pid)]
    if dead:
        con.execute(
            "UPDATE runs SET status = ?, finished_at = ? WHERE run_id IN (SELECT unnest(?::VARCHAR[]))",
            [INTERRUPTED, utc_now(), dead],
        )
    return dead


def _upsert(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    row = summary.model_dump()
    row["started_at"] = as_utc(summary.started_at)
    row["finished_at"] = as_utc(summary.finished_at)
    insert_rows(con, "runs", [row], conflict=("run_id",), update=True)


def start_run(wh: Warehouse, summary: RunSummary) -> list[str]:
    """Record a run as started (an upsert on run_id). Migrates the warehouse first when needed.

    Runs of this host left 'running' by a process that no longer exists are marked
    'interrupted' first; returns their ids. Times are stored in UTC: aware datetimes are
    converted, naive ones are taken as UTC.
    """
    with wh.connect() as con:
        apply_migrations(con)
        interrupted = mark_interrupted(con, summary.host or socket.gethostname())
        _upsert(con, summary)
    return interrupted


def finish_run(wh: Warehouse, summary: RunSummary) -> None:
    """Record a run's final counts and status (an upsert on run_id, so a run never started is added)."""
    with wh.connect() as con:
        apply_migrations(con)
        _upsert(con, summary)


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int) -> list[RunSummary]:
    """The last `limit` runs, most recent start first (times as naive UTC datetimes)."""
    rows = fetch_dicts(con, "SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?", [limit])
    return [RunSummary.model_validate(r) for r in rows]
