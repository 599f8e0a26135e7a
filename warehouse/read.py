"""The read side: documents, status and quarantine, through read-only connections.

Nothing here creates or changes the warehouse: on a file that does not exist yet (or was never
migrated) every function answers empty. Connections are opened per small unit of work, never
held while the caller iterates, so a loader in another process is not locked out by a slow reader.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

import duckdb
from pydantic import BaseModel, ConfigDict, Field

from schemas.records import Communique, RunSummary
from warehouse.database import Warehouse
from warehouse.documents import fetch_documents
from warehouse.migrations import schema_version
from warehouse.rows import fetch_dicts, has_table
from warehouse.runs import recent_runs

_CHUNK = 200  # documents rebuilt per connection


class WarehouseStatus(BaseModel):
    """What the warehouse holds: counts from the tables and the most recent runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    exists: bool
    schema_version: int = 0
    documents: int = 0
    paragraphs: int = 0
    files: int = Field(default=0, description="files in the ledger, whatever their state")
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = Field(default=0, description="files whose latest outcome is quarantine")
    skipped: int = Field(default=0, description="paths left alone by rule (skipped_files)")
    superseded: int = Field(default=0, description="documents replaced by a newer version at the same path")
    runs: list[RunSummary] = Field(default_factory=list, description="most recent first")


class QuarantinedFile(BaseModel):
    """A file currently in quarantine: what it was, why it was refused, when, and where it went."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file_hash: str
    source_path: str
    source_file: str
    category: str
    reason: str
    run_id: str
    quarantined_at: dt.datetime
    quarantine_path: str | None


def _document_ids(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str] | None) -> list[str]:
    if not has_table(con, "documents"):
        return []
    if doc_ids is None:
        rows = con.execute("SELECT doc_id FROM documents ORDER BY loaded_at, doc_id").fetchall()
        return [r[0] for r in rows]
    wanted = list(dict.fromkeys(doc_ids))
    rows = con.execute(
        "SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [wanted]
    ).fetchall()
    found = {r[0] for r in rows}
    return [d for d in wanted if d in found]


def read_documents(wh: Warehouse, doc_ids: Sequence[str] | None = None) -> Iterator[Communique]:
    """The loaded documents rebuilt as `Communique` records, equal to those that were loaded.

    All documents in load order when `doc_ids` is None; otherwise those ids in the order given
    (unknown ids are skipped, repeated ones yielded once). Documents are rebuilt in chunks,
    each through its own short read-only connection that is closed before the chunk is yielded.
    """
    if not wh.exists():
        return
    ids: list[str] = []
    for start in itertools.count(0, _CHUNK):
        with wh.connect(read_only=True) as con:
            if start == 0:
                ids = _document_ids(con, doc_ids)
            chunk = ids[start : start + _CHUNK]
            documents = fetch_documents(con, chunk) if chunk else {}
        for doc_id in chunk:
            if doc_id in documents:
                yield documents[doc_id]
        if start + _CHUNK >= len(ids):
            return


def status(wh: Warehouse, runs: int = 10) -> WarehouseStatus:
    """Counts of documents, paragraphs and files by state, and the last `runs` runs.

    Zeros (and `exists=False`) for a warehouse that does not exist; never creates the file.
    """
    if not wh.exists():
        return WarehouseStatus(path=str(wh.path), exists=False)
    with wh.connect(read_only=True) as con:
        if not has_table(con, "files"):
            return WarehouseStatus(path=str(wh.path), exists=True, schema_version=schema_version(con))
        counts = fetch_dicts(
            con,
            """
            SELECT
                (SELECT count(*) FROM documents) AS documents,
                (SELECT count(*) FROM paragraphs) AS paragraphs,
                (SELECT count(*) FROM files) AS files,
                (SELECT count(*) FROM files WHERE state = 'loaded') AS loaded,
                (SELECT count(*) FROM files WHERE state = 'duplicate') AS duplicates,
                (SELECT count(*) FROM files WHERE state = 'quarantined') AS quarantined
            """,
        )[0]
        for table, name in (("skipped_files", "skipped"), ("supersessions", "superseded")):
            if has_table(con, table):  # a warehouse not migrated to 0005 yet (read-only: not migrated here)
                counts[name] = fetch_dicts(con, f"SELECT count(*) AS n FROM {table}")[0]["n"]  # noqa: S608
        return WarehouseStatus(
            path=str(wh.path),
            exists=True,
            schema_version=schema_version(con),
            runs=recent_runs(con, runs),
            **counts,
        )


def list_quarantine(wh: Warehouse) -> list[QuarantinedFile]:
    """Files whose latest outcome is quarantine, oldest first, with category, reason, time and path."""
    if not wh.exists():
        return []
    with wh.connect(read_only=True) as con:
        if not has_table(con, "quarantine"):
            return []
        rows = fetch_dicts(
            con,
            "SELECT q.file_hash, q.source_path, q.source_file, q.category, q.reason, q.run_id, "
            "q.quarantined_at, q.quarantine_path FROM quarantine q "
            "JOIN files f ON f.file_hash = q.file_hash AND f.source_path = q.source_path "
            "WHERE f.state = 'quarantined' ORDER BY q.quarantined_at, q.source_path",
        )
    return [QuarantinedFile.model_validate(r) for r in rows]


def document_titles(wh: Warehouse, doc_ids: Sequence[str]) -> dict[str, str | None]:
    """doc_id -> title (None when untitled) of these loaded documents; missing ids are left out."""
    if not doc_ids or not wh.exists():
        return {}
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT doc_id, title FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(set(doc_ids))],
        ).fetchall()
    return {doc_id: title for doc_id, title in rows}
