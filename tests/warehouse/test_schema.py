"""The DDL matches the record types: every field of every stored record has its column.

The mapping below is the contract between schemas/records.py and the migrations. Adding a
field to a record fails this test until a migration adds its column (STYLE 4 and 7).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing

import pytest
from pydantic import BaseModel

from schemas import records
from schemas.records import (
    BatchItem,
    Block,
    CheckResult,
    CleanDocument,
    Communique,
    CountryMention,
    Execution,
    ExtractOptions,
    FileFailure,
    FileOutcome,
    Instrument,
    Paragraph,
    Participant,
    Quality,
    RawDocument,
    ReferencedEvent,
    Rejection,
    RunSummary,
    SearchHit,
    SkippedFile,
    SourceFile,
    Span,
    Structure,
)
from warehouse.database import Warehouse

# Record type -> the table holding its scalar fields.
TABLE: dict[type[BaseModel], str] = {
    Communique: "documents",
    Quality: "documents",  # flattened into documents as quality_*
    Paragraph: "paragraphs",
    Participant: "participants",
    CountryMention: "country_mentions",
    ReferencedEvent: "referenced_events",
    Instrument: "instruments",
    CheckResult: "quality_results",
    Rejection: "quarantine",
    BatchItem: "files",
    FileOutcome: "files",
    SourceFile: "files",
    RunSummary: "runs",
    SkippedFile: "skipped_files",
}
# Intermediate extraction types, and Span which is stored through its subclasses.
NOT_STORED = {
    RawDocument,
    Block,
    CleanDocument,
    Structure,
    Span,
    ExtractOptions,
    Execution,
    FileFailure,
    SearchHit,
}
# Fields whose column is not named after the field.
COLUMN = {
    (Quality, "status"): "quality_status",
    (Quality, "failed_checks"): "quality_failed_checks",
    (CheckResult, "check"): "check_name",  # CHECK is an SQL keyword
    (SourceFile, "path"): "source_path",
    (SkippedFile, "path"): "source_path",
}
# Nested fields (records, lists of records, topics) -> the table that holds them.
ELSEWHERE = {
    (Communique, "paragraphs"): "paragraphs",
    (Communique, "participants"): "participants",
    (Communique, "country_mentions"): "country_mentions",
    (Communique, "referenced_events"): "referenced_events",
    (Communique, "instruments"): "instruments",
    (Communique, "topics"): "topics",
    (Communique, "quality"): "documents",
    (Quality, "results"): "quality_results",
    (Rejection, "checks"): "quality_results",
    (BatchItem, "document"): "documents",
    (BatchItem, "rejection"): "quarantine",
}
CHILD_TABLES = [
    "paragraphs",
    "participants",
    "country_mentions",
    "referenced_events",
    "instruments",
    "topics",
]
SQL_TYPES: dict[type, set[str]] = {
    str: {"VARCHAR"},
    int: {"INTEGER", "BIGINT"},
    float: {"DOUBLE"},
    bool: {"BOOLEAN"},
    dt.date: {"DATE"},
    dt.datetime: {"TIMESTAMP"},
}


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, tuple[str, bool]]]:
    """table -> column -> (DuckDB type, nullable), read from `duckdb_columns()` after migrating."""
    wh = Warehouse(tmp_path_factory.mktemp("schema") / "w.duckdb")
    wh.migrate()
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE schema_name = 'main'"
        ).fetchall()
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, column, data_type, nullable in rows:
        found.setdefault(table, {})[column] = (data_type, nullable)
    return found


def _unwrap(annotation: typing.Any) -> tuple[typing.Any, bool]:
    """(the annotation without `| None`, whether it allowed None)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        assert len(args) == 1, annotation
        return args[0], True
    return annotation, False


def _expected_types(annotation: typing.Any) -> set[str]:
    if typing.get_origin(annotation) is list:
        (element,) = typing.get_args(annotation)
        return {t + "[]" for t in _expected_types(element)}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {"VARCHAR"}
    return SQL_TYPES[annotation]


def _is_nested(annotation: typing.Any) -> bool:
    inner, _ = _unwrap(annotation)
    if typing.get_origin(inner) is list:
        inner = typing.get_args(inner)[0]
    return isinstance(inner, type) and issubclass(inner, BaseModel)


def _record_types() -> list[type[BaseModel]]:
    return [
        obj
        for name, obj in vars(records).items()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == records.__name__
        and not name.startswith("_")
    ]


def test_every_record_type_is_stored_or_declared_intermediate() -> None:
    unmapped = [t.__name__ for t in _record_types() if t not in TABLE and t not in NOT_STORED]
    assert unmapped == []


@pytest.mark.parametrize("record", list(TABLE), ids=lambda t: t.__name__)
def test_every_field_has_its_column(
    record: type[BaseModel], columns: dict[str, dict[str, tuple[str, bool]]]
) -> None:
    table = columns[TABLE[record]]
    for name, info in record.model_fields.items():
        if (record, name) in ELSEWHERE:
            assert ELSEWHERE[(record, name)] in columns
            continue
        assert not _is_nested(info.annotation), f"{record.__name__}.{name} is nested: map it in ELSEWHERE"
        column = COLUMN.get((record, name), name)
        assert column in table, f"{TABLE[record]} has no column {column} for {record.__name__}.{name}"
        annotation, optional = _unwrap(info.annotation)
        data_type, nullable = table[column]
        assert data_type in _expected_types(annotation), f"{TABLE[record]}.{column} is {data_type}"
        if TABLE[record] != "files":  # the ledger holds three record types; FileOutcome's optionals rule it
            assert nullable == optional, f"{TABLE[record]}.{column}: nullable={nullable}"


def test_files_nullability_follows_file_outcome(columns: dict[str, dict[str, tuple[str, bool]]]) -> None:
    for name, info in FileOutcome.model_fields.items():
        assert columns["files"][name][1] == _unwrap(info.annotation)[1], name


def test_child_tables_are_keyed_by_document_and_position(
    columns: dict[str, dict[str, tuple[str, bool]]],
) -> None:
    for table in CHILD_TABLES:
        assert columns[table]["doc_id"] == ("VARCHAR", False)
        assert columns[table]["ordinal"] == ("INTEGER", False)
    assert columns["topics"]["topic"] == ("VARCHAR", False)


def test_primary_keys(tmp_path_factory: pytest.TempPathFactory) -> None:
    wh = Warehouse(tmp_path_factory.mktemp("keys") / "w.duckdb")
    wh.migrate()
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    keys = {table: list(names) for table, names in rows}
    assert keys == {
        "schema_migrations": ["version"],
        "documents": ["doc_id"],
        **{table: ["doc_id", "ordinal"] for table in CHILD_TABLES},
        "quality_results": ["file_hash", "run_id", "ordinal"],
        "quarantine": ["file_hash", "source_path"],
        "skipped_files": ["source_path"],
        "supersessions": ["doc_id"],
        "files": ["file_hash", "source_path"],
        "runs": ["run_id"],
    }


def test_ledger_and_audit_columns(columns: dict[str, dict[str, tuple[str, bool]]]) -> None:
    assert columns["documents"]["run_id"] == ("VARCHAR", False)
    assert columns["documents"]["loaded_at"] == ("TIMESTAMP", False)
    assert columns["files"]["decided_at"] == ("TIMESTAMP", False)
    assert columns["files"]["state"] == ("VARCHAR", False)
    assert columns["quarantine"]["quarantined_at"] == ("TIMESTAMP", False)
    assert columns["quarantine"]["quarantine_path"] == ("VARCHAR", True)
    assert columns["quality_results"]["run_id"] == ("VARCHAR", False)
