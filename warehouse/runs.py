"""The `runs` table: one row per ingest run, written when it starts and again when it ends."""

from __future__ import annotations

import duckdb

from schemas.records import RunSummary
from warehouse.database import Warehouse
from warehouse.migrations import apply_migrations
from warehouse.rows import as_utc, fetch_dicts, insert_rows


def _upsert(wh: Warehouse, summary: RunSummary) -> None:
    row = summary.model_dump()
    row["started_at"] = as_utc(summary.started_at)
    row["finished_at"] = as_utc(summary.finished_at)
    with wh.connect() as con:
        apply_migrations(con)
        insert_rows(con, "runs", [row], conflict=("run_id",), update=True)


def start_run(wh: Warehouse, summary: RunSummary) -> None:
    """Record a run as started (an upsert on run_id). Migrates the warehouse first when needed.

    Times are stored in UTC: aware datetimes are converted, naive ones are taken as UTC.
    """
    _upsert(wh, summary)


def finish_run(wh: Warehouse, summary: RunSummary) -> None:
    """Record a run's final counts and status (an upsert on run_id, so a run never started is added)."""
    _upsert(wh, summary)


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int) -> list[RunSummary]:
    """The last `limit` runs, most recent start first (times as naive UTC datetimes)."""
    rows = fetch_dicts(con, "SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?", [limit])
    return [RunSummary.model_validate(r) for r in rows]
