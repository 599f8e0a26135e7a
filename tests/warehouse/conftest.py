"""Fixtures for warehouse tests: a fresh warehouse path and a snapshot of every table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from warehouse.database import Warehouse


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    """A warehouse that does not exist yet, in a folder that does not exist yet either."""
    return Warehouse(tmp_path / "data" / "warehouse.duckdb")


def snapshot(wh: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (any schema; `main` ones by bare name), sorted: equal snapshots, no change."""
    with wh.connect(read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
        rows = {}
        for schema, table in tables:
            sql = f'SELECT * FROM "{schema}"."{table}" ORDER BY ALL'  # noqa: S608
            rows[table if schema == "main" else f"{schema}.{table}"] = con.execute(sql).fetchall()
        return rows


def count(wh: Warehouse, table: str) -> int:
    """Rows in one table."""
    with wh.connect(read_only=True) as con:
        row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
    assert row is not None
    return int(row[0])


class CountingConnection:
    """A connection that records every statement it executes (DuckDB's own cannot be patched)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[str]) -> None:
        self._con = con
        self._log = log

    def execute(self, sql: str, params: object = None) -> duckdb.DuckDBPyConnection:
        """Record, then run the statement."""
        self._log.append(sql)
        return self._con.execute(sql, params) if params is not None else self._con.execute(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the warehouse code runs during the test, in order."""
    log: list[str] = []
    real_open = Warehouse._open
    monkeypatch.setattr(
        Warehouse, "_open", lambda self, read_only: CountingConnection(real_open(self, read_only), log)
    )
    return log
