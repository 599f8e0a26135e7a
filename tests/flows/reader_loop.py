"""A BI-style reader: short read-only DuckDB connections in a loop; prints what happened as JSON.

usage: python tests/flows/reader_loop.py DATABASE STOP_FILE [--retry-budget 10] [--pause 0.02]

Waits for DATABASE to exist (with some bytes in it: a file just created by DuckDB is empty for an
instant and is no database yet), then until STOP_FILE exists: connect read-only, run a few queries a
dashboard would run, close, pause. A connection refused because a writer holds DuckDB's lock is
retried (every 10 ms) for up to --retry-budget seconds. Prints one JSON object on stdout:

- `ok`: rounds (connect, queries, close) that succeeded; `ok_at`: their end times (time.time());
- `needed_retry`: rounds whose connection was refused at least once; `retries`: refusals in all;
  `max_wait_s`: the longest wait for a connection;
- `failed`: rounds that still failed after the retry budget or raised anything else; `errors`:
  the first few of those messages;
- `partial`: rounds that saw a document without paragraphs or a paragraph without its document
  (a half-loaded batch, which must never be visible);
- `doc_counts`: the distinct numbers of documents seen, in order.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import duckdb

LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")
RETRY_EVERY = 0.01

QUERIES = {
    "documents": "SELECT count(*) FROM documents",
    "by_type": (
        "SELECT doc_type, count(*) AS documents FROM documents GROUP BY doc_type ORDER BY documents DESC"
    ),
    "longest": (
        "SELECT d.doc_id, d.title, d.issued_date, count(*) AS paragraphs, sum(length(p.text)) AS chars "
        "FROM documents d JOIN paragraphs p USING (doc_id) "
        "GROUP BY d.doc_id, d.title, d.issued_date ORDER BY paragraphs DESC, chars DESC LIMIT 10"
    ),
    "partial": (
        "SELECT (SELECT count(*) FROM documents d "
        "        WHERE NOT EXISTS (SELECT 1 FROM paragraphs p WHERE p.doc_id = d.doc_id)) "
        "     + (SELECT count(*) FROM paragraphs p "
        "        WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = p.doc_id))"
    ),
}


def is_lock_error(error: BaseException) -> bool:
    """DuckDB refused the file because another process holds a conflicting lock."""
    return isinstance(error, duckdb.IOException) and any(m in str(error) for m in LOCK_MESSAGES)


def connect(database: Path, budget: float) -> tuple[duckdb.DuckDBPyConnection, int, float]:
    """A read-only connection, retrying lock refusals for `budget` seconds; (connection, refusals, wait)."""
    start = time.monotonic()
    refusals = 0
    while True:
        try:
            return duckdb.connect(str(database), read_only=True), refusals, time.monotonic() - start
        except duckdb.IOException as error:
            if not is_lock_error(error) or time.monotonic() - start >= budget:
                raise
            refusals += 1
        time.sleep(RETRY_EVERY)


def one_round(database: Path, budget: float, counts: dict[str, Any]) -> None:
    """Connect, run the queries, close; the outcome goes into `counts`."""
    try:
        con, refusals, waited = connect(database, budget)
        try:
            results = {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}
        finally:
            con.close()
    except Exception as error:
        counts["failed"] += 1
        if len(counts["errors"]) < 5:
            counts["errors"].append(f"{type(error).__name__}: {error}")
        return
    counts["ok"] += 1
    counts["ok_at"].append(round(time.time(), 3))
    counts["needed_retry"] += refusals > 0
    counts["retries"] += refusals
    counts["max_wait_s"] = round(max(counts["max_wait_s"], waited), 3)
    counts["partial"] += results["partial"][0][0] > 0
    documents = results["documents"][0][0]
    if not counts["doc_counts"] or counts["doc_counts"][-1] != documents:
        counts["doc_counts"].append(documents)


def created(database: Path) -> bool:
    """The file exists and is not empty: DuckDB has created it (and locked it while it writes)."""
    try:
        return database.stat().st_size > 0
    except FileNotFoundError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("stop_file", type=Path)
    parser.add_argument("--retry-budget", type=float, default=10.0, help="seconds to retry a lock refusal")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between rounds")
    args = parser.parse_args()
    counts: dict[str, Any] = {
        "database": args.database.name,
        "ok": 0,
        "needed_retry": 0,
        "retries": 0,
        "max_wait_s": 0.0,
        "failed": 0,
        "partial": 0,
        "errors": [],
        "doc_counts": [],
        "ok_at": [],
    }
    while not created(args.database) and not args.stop_file.exists():
        time.sleep(RETRY_EVERY)
    while not args.stop_file.exists():
        one_round(args.database, args.retry_budget, counts)
        time.sleep(args.pause)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
