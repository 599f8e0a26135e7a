"""What the HTML report shows, read from the `reporting.*` views through one read-only connection.

Every query of `communiques report` is here; `communiques.report` only turns the result into HTML.
Chart data comes back as pandas DataFrames (what Altair takes), table rows as plain dicts. Text
from documents is returned as stored: escaping is the renderer's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from schemas.errors import CommuniqueError
from warehouse.database import Warehouse
from warehouse.rows import fetch_dicts

TOP = 15  # bars in a "top countries" style chart
LATEST = 20  # rows in the latest documents table
RUNS = 20  # runs in the quality chart
EXCERPT_CHARS = 400  # first paragraph characters fetched per latest document


@dataclass(frozen=True)
class Summary:
    """Headline counts: what was loaded, refused and when."""

    documents: int = 0
    paragraphs: int = 0
    participants: int = 0
    countries: int = 0
    first_issued: dt.date | None = None
    last_issued: dt.date | None = None
    files: int = 0
    duplicates: int = 0
    quarantined: int = 0
    runs: int = 0
    last_run_at: dt.datetime | None = None


def _frame(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({name: [] for name in columns})


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows. Empty frames and lists for a warehouse with nothing in it yet."""

    warehouse: Path
    summary: Summary = field(default_factory=Summary)
    by_year_type: pd.DataFrame = field(default_factory=lambda: _frame("issued_year", "doc_type", "documents"))
    languages: pd.DataFrame = field(default_factory=lambda: _frame("language", "documents"))
    countries: pd.DataFrame = field(default_factory=lambda: _frame("country", "documents", "mentions"))
    topics_by_year: pd.DataFrame = field(default_factory=lambda: _frame("issued_year", "topic", "documents"))
    participant_countries: pd.DataFrame = field(
        default_factory=lambda: _frame("country", "participants", "documents")
    )
    instruments: pd.DataFrame = field(default_factory=lambda: _frame("name", "citing_documents"))
    longest: pd.DataFrame = field(
        default_factory=lambda: _frame("doc_id", "title", "source_file", "paragraph_count")
    )
    quality_by_run: pd.DataFrame = field(
        default_factory=lambda: _frame(
            "run_id", "started_at", "run_status", "passed", "warned", "quarantined", "duplicates", "failed"
        )
    )
    latest_documents: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when nothing was ever ingested: no documents, no refusals, no runs."""
        return not (self.summary.documents or self.summary.files or self.summary.runs)


_SUMMARY = """
SELECT
    (SELECT count(*) FROM reporting.documents) AS documents,
    (SELECT coalesce(sum(paragraph_count), 0) FROM reporting.documents) AS paragraphs,
    (SELECT count(*) FROM reporting.participants) AS participants,
    (SELECT count(DISTINCT country) FROM reporting.country_mentions) AS countries,
    (SELECT min(issued_date) FROM reporting.documents) AS first_issued,
    (SELECT max(issued_date) FROM reporting.documents) AS last_issued,
    (SELECT count(*) FROM main.files) AS files,
    (SELECT count(*) FROM main.files WHERE state = 'duplicate') AS duplicates,
    (SELECT count(*) FROM main.files WHERE state = 'quarantined') AS quarantined,
    (SELECT count(*) FROM reporting.runs) AS runs,
    (SELECT max(started_at) FROM reporting.runs) AS last_run_at
"""

_BY_YEAR_TYPE = """
SELECT issued_year, doc_type, count(*) AS documents
FROM reporting.documents
GROUP BY ALL
ORDER BY issued_year NULLS LAST, doc_type
"""

_LANGUAGES = """
SELECT language, count(*) AS documents
FROM reporting.documents
GROUP BY ALL
ORDER BY documents DESC, language
"""

_COUNTRIES = """
SELECT country, count(DISTINCT doc_id) AS documents, sum(mentions)::BIGINT AS mentions
FROM reporting.country_mentions
GROUP BY ALL
ORDER BY documents DESC, mentions DESC, country
LIMIT ?
"""

_TOPICS_BY_YEAR = """
SELECT issued_year, topic, documents
FROM reporting.topics_by_year
WHERE topic IN (
    SELECT topic FROM reporting.topics_by_year
    GROUP BY topic ORDER BY sum(documents) DESC, topic LIMIT ?
)
ORDER BY issued_year NULLS LAST, topic
"""

_PARTICIPANT_COUNTRIES = """
SELECT country, count(*) AS participants, count(DISTINCT doc_id) AS documents
FROM reporting.participants
WHERE country IS NOT NULL
GROUP BY ALL
ORDER BY participants DESC, documents DESC, country
LIMIT ?
"""

_INSTRUMENTS = """
SELECT name, count(DISTINCT doc_id) AS citing_documents
FROM reporting.instrument_citations
GROUP BY ALL
ORDER BY citing_documents DESC, name
LIMIT ?
"""

_LONGEST = """
SELECT doc_id, title, source_file, paragraph_count
FROM reporting.documents
WHERE paragraph_count > 0
ORDER BY paragraph_count DESC, doc_id
LIMIT ?
"""

# Runs that decided at least one file, the most recent `?`, oldest first.
_QUALITY_BY_RUN = """
SELECT * FROM (
    SELECT q.run_id, q.started_at, q.run_status, q.passed, q.warned, q.quarantined, q.duplicates, r.failed
    FROM reporting.quality_by_run q
    JOIN reporting.runs r USING (run_id)
    WHERE q.passed + q.warned + q.quarantined + q.duplicates + r.failed > 0
    ORDER BY q.started_at DESC, q.run_id
    LIMIT ?
)
ORDER BY started_at, run_id
"""

_LATEST_DOCUMENTS = """
SELECT
    d.doc_id, d.title, d.doc_type, d.issued_date, d.issued_place, d.issued_country, d.language,
    d.paragraph_count, d.quality_status, d.quality_failed_checks, d.source_file, d.loaded_at,
    (SELECT left(p.text, ?) FROM main.paragraphs p WHERE p.doc_id = d.doc_id
     ORDER BY p.ordinal LIMIT 1) AS first_paragraph
FROM reporting.documents d
ORDER BY d.loaded_at DESC, d.issued_date DESC NULLS LAST, d.doc_id
LIMIT ?
"""

# Files whose latest outcome is quarantine (one retried and loaded since is not listed).
_QUARANTINE = """
SELECT q.source_file, q.category, q.reason, q.quarantined_at, q.quarantine_path, q.source_path, q.file_hash
FROM reporting.quarantine q
WHERE EXISTS (
    SELECT 1 FROM main.files f
    WHERE f.file_hash = q.file_hash AND f.source_path = q.source_path AND f.state = 'quarantined'
)
ORDER BY q.quarantined_at DESC, q.source_path
"""


def _has_reporting_views(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'reporting' AND view_name = 'documents'"
    ).fetchone()
    return bool(row and row[0])


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'").fetchone()
    return bool(row and row[0])


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def read_report_data(wh: Warehouse, *, top: int = TOP, latest: int = LATEST, runs: int = RUNS) -> ReportData:
    """Read everything the report shows through one read-only connection (one consistent view).

    Raises `FileNotFoundError` when the warehouse file does not exist, and `CommuniqueError` when
    it has tables but predates the reporting views (any ingest upgrades it). A file that was never
    migrated gives an empty `ReportData`.
    """
    if not wh.exists():
        raise FileNotFoundError(f"no warehouse at {wh.path} yet: run `communiques ingest` first")
    with wh.connect(read_only=True) as con:
        if not _has_reporting_views(con):
            if _has_tables(con):
                raise CommuniqueError(
                    "predates the reporting views; run `communiques ingest` once to upgrade it", str(wh.path)
                )
            return ReportData(warehouse=wh.path)
        return ReportData(
            warehouse=wh.path,
            summary=Summary(**fetch_dicts(con, _SUMMARY)[0]),
            by_year_type=_df(con, _BY_YEAR_TYPE),
            languages=_df(con, _LANGUAGES),
            countries=_df(con, _COUNTRIES, [top]),
            topics_by_year=_df(con, _TOPICS_BY_YEAR, [top]),
            participant_countries=_df(con, _PARTICIPANT_COUNTRIES, [top]),
            instruments=_df(con, _INSTRUMENTS, [top]),
            longest=_df(con, _LONGEST, [top]),
            quality_by_run=_df(con, _QUALITY_BY_RUN, [runs]),
            latest_documents=fetch_dicts(con, _LATEST_DOCUMENTS, [EXCERPT_CHARS, latest]),
            quarantine=fetch_dicts(con, _QUARANTINE),
        )
