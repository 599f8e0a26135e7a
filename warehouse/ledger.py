"""The file ledger: which files need extracting, and where each file of a batch ended.

Identity (STYLE 8): a file is (file_hash, source_path), its hash being the SHA-256 of its bytes;
a loaded document's doc_id is the hash of the file it was loaded from. The `files` table holds
one row per (file_hash, source_path) with its state:

- `loaded`: this file's document is in `documents` (doc_id = file_hash);
- `duplicate`: its bytes (`duplicate_file`) or its clean text (`duplicate_content`) are those
  of document `doc_id`, so nothing was loaded;
- `quarantined`: refused, with category and reason (details in `quarantine`).

Paths discovery left alone by rule (temporary or hidden names, symbolic links...) are never
read, so they have no hash: `record_skipped` keeps them in `skipped_files`, by path.

A file that comes back at a path with other bytes is a new file; when its text is a document
other than the one the path held, that older document is kept and marked superseded by the
new one (`supersessions`): never overwritten, never silently two current versions.

`loaded` and `duplicate` are final: the same file seen again changes nothing. A quarantined
file is tried again when it comes back (it was fixed, or the pipeline was); a refusal for the
same reason changes nothing, a different outcome replaces the previous one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import duckdb

from schemas.records import BatchItem, Communique, FileOutcome, FileState, Rejection, SkippedFile, SourceFile
from warehouse.database import Warehouse
from warehouse.documents import check_rows, insert_documents
from warehouse.migrations import apply_migrations
from warehouse.rows import fetch_dicts, has_table, insert_rows, utc_now

DUPLICATE_FILE = "duplicate_file"
DUPLICATE_CONTENT = "duplicate_content"
_FINAL = (FileState.LOADED, FileState.DUPLICATE)

Key = tuple[str, str]  # (file_hash, source_path)


@dataclass(frozen=True)
class FilePlan:
    """What to do with the files found by discovery.

    - `new`: extract them (never seen, or quarantined before and now tried again). Two files
      with the same bytes in one call are both `new`: the second becomes a duplicate when the
      batch is loaded; checking the warehouse alone could not tell that the first will load.
    - `known`: same bytes as a file already loaded or duplicate, under a new path: a duplicate
      of that document without extracting; `known_items()` turns them into the `BatchItem`s
      (no document, no rejection) that `load_batch` records in the ledger.
    - `unchanged`: this exact file (hash and path) was already decided: nothing to do.
    """

    new: list[SourceFile] = field(default_factory=list)
    known: list[FileOutcome] = field(default_factory=list)
    unchanged: list[SourceFile] = field(default_factory=list)
    known_sources: list[SourceFile] = field(default_factory=list)  # the SourceFile of each `known`

    def known_items(self) -> list[BatchItem]:
        """The known files as batch items for `load_batch` (which records them as duplicates)."""
        return [
            BatchItem(source_path=s.path, file_hash=s.file_hash, size_bytes=s.size_bytes)
            for s in self.known_sources
        ]


_DUPLICATE_REASONS = {
    DUPLICATE_FILE: "same bytes as document {}",
    DUPLICATE_CONTENT: "same text as document {}",
}


def _duplicate(category: str, source_path: str, file_hash: str, doc_id: str) -> FileOutcome:
    """A duplicate outcome of `doc_id`: the same bytes (DUPLICATE_FILE) or the same clean text."""
    return FileOutcome(
        source_path=source_path,
        file_hash=file_hash,
        state=FileState.DUPLICATE,
        doc_id=doc_id,
        category=category,
        reason=_DUPLICATE_REASONS[category].format(doc_id),
    )


def _ledger(con: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> dict[Key, FileOutcome]:
    """Ledger rows of every file with one of these hashes (any path), in one query."""
    rows = fetch_dicts(
        con,
        "SELECT source_path, file_hash, state, doc_id, category, reason FROM files "
        "WHERE file_hash IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(set(hashes))],
    )
    return {(r["file_hash"], r["source_path"]): FileOutcome.model_validate(r) for r in rows}


def _documents_of_hashes(ledger: dict[Key, FileOutcome]) -> dict[str, str]:
    """file_hash -> the document those bytes were loaded as or duplicate (final ledger rows only)."""
    return {h: o.doc_id for (h, _), o in ledger.items() if o.state in _FINAL and o.doc_id is not None}


def plan_files(wh: Warehouse, files: Sequence[SourceFile]) -> FilePlan:
    """Split discovered files into new, known (same bytes, new path) and unchanged: one query.

    Reads through a read-only connection and creates nothing: with no warehouse yet, every
    file is new.
    """
    ledger: dict[Key, FileOutcome] = {}
    if files and wh.exists():
        with wh.connect(read_only=True) as con:
            if has_table(con, "files"):
                ledger = _ledger(con, [f.file_hash for f in files])
    documents = _documents_of_hashes(ledger)
    plan = FilePlan()
    for source in files:
        decided = ledger.get((source.file_hash, source.path))
        if decided is not None and decided.state in _FINAL:
            plan.unchanged.append(source)
        elif source.file_hash in documents:
            plan.known.append(
                _duplicate(DUPLICATE_FILE, source.path, source.file_hash, documents[source.file_hash])
            )
            plan.known_sources.append(source)
        else:
            plan.new.append(source)
    return plan


def _check_items(items: Sequence[BatchItem]) -> None:
    for item in items:
        if item.document is not None and item.rejection is not None:
            raise ValueError(f"{item.source_path}: a batch item has a document or a rejection, not both")
        if item.document is not None and item.document.doc_id != item.file_hash:
            raise ValueError(f"{item.source_path}: document doc_id differs from the file's hash")
        if item.rejection is not None and item.rejection.file_hash != item.file_hash:
            raise ValueError(f"{item.source_path}: rejection file_hash differs from the file's hash")


@dataclass
class _Batch:
    """The decisions of one batch and the rows they add, before anything is written."""

    run_id: str
    now: dt.datetime
    documents: list[Communique] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    supersessions: dict[str, dict[str, Any]] = field(default_factory=dict)  # by the older doc_id

    def supersede(self, older: str, newer: str, source_path: str) -> None:
        """Record that `newer`, now at `source_path`, replaces document `older` (the first time only)."""
        if older != newer and older not in self.supersessions:
            self.supersessions[older] = {
                "doc_id": older,
                "superseded_by": newer,
                "source_path": source_path,
                "run_id": self.run_id,
                "decided_at": self.now,
            }

    def record(self, item: BatchItem, outcome: FileOutcome) -> FileOutcome:
        self.files.append(
            {
                "file_hash": item.file_hash,
                "source_path": item.source_path,
                "size_bytes": item.size_bytes,
                "state": outcome.state.value,
                "doc_id": outcome.doc_id,
                "category": outcome.category,
                "reason": outcome.reason,
                "run_id": self.run_id,
                "decided_at": self.now,
            }
        )
        return outcome

    def refuse(self, item: BatchItem, rejection: Rejection) -> FileOutcome:
        self.quarantine.append(
            {
                "file_hash": item.file_hash,
                "source_path": item.source_path,
                "source_file": rejection.source_file,
                "category": rejection.category,
                "reason": rejection.reason,
                "run_id": self.run_id,
                "quarantined_at": self.now,
                "quarantine_path": None,
            }
        )
        if item.file_hash not in self.checked:  # same bytes under two paths: one set of checks
            self.checked.add(item.file_hash)
            self.checks.extend(check_rows(item.file_hash, self.run_id, rejection.checks))
        outcome = FileOutcome(
            source_path=item.source_path,
            file_hash=item.file_hash,
            state=FileState.QUARANTINED,
            category=rejection.category,
            reason=rejection.reason,
        )
        return self.record(item, outcome)


def _refused_alike(before: FileOutcome | None, rejection: Rejection) -> TypeGuard[FileOutcome]:
    return before is not None and (before.category, before.reason) == (rejection.category, rejection.reason)


def _decide(con: duckdb.DuckDBPyConnection, batch: _Batch, items: Sequence[BatchItem]) -> list[FileOutcome]:
    """One outcome per item, from the warehouse's state and the batch's earlier items."""
    ledger = _ledger(con, [i.file_hash for i in items])
    by_hash = _documents_of_hashes(ledger)
    contents = [i.document.content_hash for i in items if i.document is not None]
    rows = con.execute(
        "SELECT doc_id, content_hash FROM documents "
        "WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) OR content_hash IN (SELECT unnest(?::VARCHAR[]))",
        [sorted({i.file_hash for i in items}), sorted(set(contents))],
    ).fetchall()
    by_content: dict[str, str] = {}
    for doc_id, content_hash in rows:
        by_hash.setdefault(doc_id, doc_id)
        by_content[content_hash] = doc_id

    held = _documents_at(con, [i.source_path for i in items])
    decided: dict[Key, FileOutcome] = {}
    outcomes: list[FileOutcome] = []
    for item in items:
        key = (item.file_hash, item.source_path)
        if key in decided:  # the same file twice in one batch
            outcomes.append(decided[key])
            continue
        before = ledger.get(key)
        document, rejection = item.document, item.rejection
        if before is not None and before.state in _FINAL:
            outcome = before
        elif rejection is not None:
            # refused again for the same reason: nothing new to record
            outcome = before if _refused_alike(before, rejection) else batch.refuse(item, rejection)
        elif item.file_hash in by_hash:
            same_file = _duplicate(DUPLICATE_FILE, item.source_path, item.file_hash, by_hash[item.file_hash])
            outcome = batch.record(item, same_file)
        elif document is None:
            raise ValueError(
                f"{item.source_path}: no document, no rejection, and no document loaded from these bytes"
            )
        elif document.content_hash in by_content:
            doc_id = by_content[document.content_hash]
            by_hash[item.file_hash] = doc_id
            outcome = batch.record(
                item, _duplicate(DUPLICATE_CONTENT, item.source_path, item.file_hash, doc_id)
            )
        else:
            batch.documents.append(document)
            by_hash[item.file_hash] = by_content[document.content_hash] = document.doc_id
            loaded = FileOutcome(
                source_path=item.source_path,
                file_hash=item.file_hash,
                state=FileState.LOADED,
                doc_id=document.doc_id,
            )
            outcome = batch.record(item, loaded)
        decided[key] = outcome
        outcomes.append(outcome)
        if outcome is not before and outcome.doc_id is not None:  # newly loaded or duplicate here
            for older in held.get(item.source_path, ()):
                batch.supersede(older, outcome.doc_id, item.source_path)
            held[item.source_path] = [outcome.doc_id]
    return outcomes


def _documents_at(con: duckdb.DuckDBPyConnection, paths: Sequence[str]) -> dict[str, list[str]]:
    """source_path -> the documents (not yet superseded) that files at that path loaded as or duplicate."""
    rows = con.execute(
        "SELECT DISTINCT f.source_path, f.doc_id FROM files f "
        "WHERE f.source_path IN (SELECT unnest(?::VARCHAR[])) AND f.doc_id IS NOT NULL "
        "AND f.doc_id NOT IN (SELECT doc_id FROM supersessions) ORDER BY ALL",
        [sorted(set(paths))],
    ).fetchall()
    held: dict[str, list[str]] = {}
    for path, doc_id in rows:
        held.setdefault(path, []).append(doc_id)
    return held


def _write(con: duckdb.DuckDBPyConnection, batch: _Batch) -> None:
    insert_documents(con, batch.documents, batch.run_id, batch.now)
    insert_rows(con, "quality_results", batch.checks, conflict=("file_hash", "run_id", "ordinal"))
    insert_rows(con, "quarantine", batch.quarantine, conflict=("file_hash", "source_path"), update=True)
    insert_rows(con, "files", batch.files, conflict=("file_hash", "source_path"), update=True)
    insert_rows(con, "supersessions", list(batch.supersessions.values()), conflict=("doc_id",))


def load_batch(wh: Warehouse, run_id: str, items: Sequence[BatchItem]) -> list[FileOutcome]:
    """Load a batch in one transaction and return one `FileOutcome` per item, in order.

    - a document is a duplicate when its bytes (doc_id) or its clean text (content_hash) are
      those of a document already loaded, in the warehouse or earlier in this batch; otherwise
      it is inserted with all its child rows and quality results, ledger state `loaded`;
    - a rejection is quarantined: ledger row, `quarantine` row and its quality checks;
    - an item with neither (a `FilePlan.known` file) is a duplicate of the document loaded
      from the same bytes (`ValueError` if there is none);
    - a file already `loaded`/`duplicate` keeps its state, and a file quarantined for the same
      category and reason stays as it was: loading the same batch again changes nothing and
      returns the recorded outcomes.

    Any error, including one halfway through the writes, rolls the whole batch back.
    Migrates the warehouse first when needed.
    """
    _check_items(items)
    if not items:
        return []
    batch = _Batch(run_id=run_id, now=utc_now())
    with wh.connect() as con:
        apply_migrations(con)
        con.begin()
        try:
            outcomes = _decide(con, batch, items)
            _write(con, batch)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return outcomes


def record_skipped(wh: Warehouse, run_id: str, skipped: Sequence[SkippedFile]) -> None:
    """Record the paths a run left alone by rule (an upsert by path: the latest run decides)."""
    if not skipped:
        return
    now = utc_now()
    rows = {
        s.path: {
            "source_path": s.path,
            "rule": s.rule,
            "detail": s.detail,
            "run_id": run_id,
            "decided_at": now,
        }
        for s in skipped
    }
    with wh.connect() as con:
        apply_migrations(con)
        insert_rows(con, "skipped_files", list(rows.values()), conflict=("source_path",), update=True)


def record_quarantine_path(wh: Warehouse, file_hash: str, source_path: str, quarantine_path: str) -> None:
    """Record where a quarantined file is kept (called just before it is moved there).

    Raises `LookupError` when the file has no quarantine record.
    """
    with wh.connect() as con:
        apply_migrations(con)
        row = con.execute(
            "UPDATE quarantine SET quarantine_path = ? WHERE file_hash = ? AND source_path = ? RETURNING 1",
            [quarantine_path, file_hash, source_path],
        ).fetchall()
    if not row:
        raise LookupError(f"{source_path}: no quarantine record for file {file_hash}")
