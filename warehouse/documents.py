"""The `Communique` record as table rows, both ways: `documents` plus one child table per list.

Mapping (checked against the record types by tests/warehouse/test_schema.py):
- scalar fields -> `documents` columns of the same name; `countries` (a list of codes) -> a
  VARCHAR[] column; `quality.status` / `quality.failed_checks` -> `quality_status` /
  `quality_failed_checks`;
- lists of records -> child tables keyed by (doc_id, ordinal), the ordinal being the position
  in the list, so a document reads back with its lists in their original order;
- `topics` -> `topics(doc_id, ordinal, topic)`;
- `quality.results` -> `quality_results` rows of (file_hash = doc_id, run_id of the load).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb

from schemas.records import CheckResult, Communique
from warehouse.rows import fetch_dicts, insert_rows

# Communique list field -> child table with one row per element.
CHILD_TABLES: dict[str, str] = {
    "paragraphs": "paragraphs",
    "participants": "participants",
    "country_mentions": "country_mentions",
    "referenced_events": "referenced_events",
    "instruments": "instruments",
}
_NOT_IN_DOCUMENTS = {*CHILD_TABLES, "topics", "quality"}


def document_row(doc: Communique, run_id: str, loaded_at: dt.datetime) -> dict[str, Any]:
    """The `documents` row of a document."""
    row = doc.model_dump(exclude=_NOT_IN_DOCUMENTS)
    row["doc_type"] = doc.doc_type.value
    row["quality_status"] = doc.quality.status.value
    row["quality_failed_checks"] = list(doc.quality.failed_checks)
    row["run_id"] = run_id
    row["loaded_at"] = loaded_at
    return row


def check_rows(file_hash: str, run_id: str, checks: Sequence[CheckResult]) -> list[dict[str, Any]]:
    """The `quality_results` rows of one file's checks, in order."""
    return [
        {
            "file_hash": file_hash,
            "run_id": run_id,
            "ordinal": ordinal,
            "check_name": check.check,
            "severity": check.severity.value,
            "passed": check.passed,
            "detail": check.detail,
        }
        for ordinal, check in enumerate(checks)
    ]


def insert_documents(
    con: duckdb.DuckDBPyConnection, docs: Sequence[Communique], run_id: str, loaded_at: dt.datetime
) -> None:
    """Insert new documents with all their child rows and quality results: one statement per table.

    Runs inside the caller's transaction; the caller has made sure none of the doc_ids or
    content hashes is in the warehouse yet.
    """
    if not docs:
        return
    insert_rows(con, "documents", [document_row(d, run_id, loaded_at) for d in docs])
    for field, table in CHILD_TABLES.items():
        rows = [
            {"doc_id": d.doc_id, "ordinal": ordinal, **item.model_dump()}
            for d in docs
            for ordinal, item in enumerate(getattr(d, field))
        ]
        insert_rows(con, table, rows)
    topics = [
        {"doc_id": d.doc_id, "ordinal": ordinal, "topic": topic}
        for d in docs
        for ordinal, topic in enumerate(d.topics)
    ]
    insert_rows(con, "topics", topics)
    checks = [row for d in docs for row in check_rows(d.doc_id, run_id, d.quality.results)]
    insert_rows(con, "quality_results", checks)


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row.pop(key)].append(row)
    return groups


def fetch_documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, Communique]:
    """Rebuild the documents with these ids (missing ids are left out), keyed by doc_id."""
    ids = [list(doc_ids)]
    wanted = "doc_id IN (SELECT unnest(?::VARCHAR[]))"
    documents = fetch_dicts(con, f"SELECT * FROM documents WHERE {wanted}", ids)  # noqa: S608 (constant SQL)
    if not documents:
        return {}
    children: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for field, table in [*CHILD_TABLES.items(), ("topics", "topics")]:
        rows = fetch_dicts(
            con,
            f"SELECT * EXCLUDE (ordinal) FROM {table} WHERE {wanted} ORDER BY doc_id, ordinal",  # noqa: S608 (constant SQL)
            ids,
        )
        children[field] = _grouped(rows, "doc_id")
    checks = _grouped(
        fetch_dicts(
            con,
            "SELECT q.file_hash, q.check_name, q.severity, q.passed, q.detail FROM quality_results q "
            "JOIN documents d ON q.file_hash = d.doc_id AND q.run_id = d.run_id "
            "WHERE d.doc_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY q.file_hash, q.ordinal",
            ids,
        ),
        "file_hash",
    )
    rebuilt: dict[str, Communique] = {}
    for row in documents:
        doc_id = row["doc_id"]
        row.pop("run_id")
        row.pop("loaded_at")
        row["quality"] = {
            "status": row.pop("quality_status"),
            "failed_checks": row.pop("quality_failed_checks"),
            "results": [{"check": c.pop("check_name"), **c} for c in checks.get(doc_id, [])],
        }
        for field in CHILD_TABLES:
            row[field] = children[field].get(doc_id, [])
        row["topics"] = [t["topic"] for t in children["topics"].get(doc_id, [])]
        rebuilt[doc_id] = Communique.model_validate(row)
    return rebuilt
