"""Ordered migrations: packaged, recorded in the warehouse, applied once, atomic."""

from __future__ import annotations

import pytest

from schemas.errors import ConfigurationError
from tests.warehouse.conftest import snapshot
from warehouse import migrations
from warehouse.database import Warehouse
from warehouse.migrations import Migration, available


def test_packaged_migrations_are_numbered_in_order() -> None:
    found = available()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert found[0].name == "initial" and "CREATE TABLE documents" in found[0].sql


def test_migrate_records_each_migration(wh: Warehouse) -> None:
    applied = wh.migrate()
    assert [m.version for m in applied] == [m.version for m in available()]
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        ).fetchall()
    assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in available()]
    assert all(applied_at is not None for _, _, applied_at in rows)


def test_migrate_twice_changes_nothing(wh: Warehouse) -> None:
    wh.migrate()
    before = snapshot(wh)
    assert wh.migrate() == []
    assert snapshot(wh) == before


def test_a_failing_migration_is_rolled_back_and_not_recorded(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh.migrate()
    broken = Migration(len(available()) + 1, "broken", "CREATE TABLE half_done (x INTEGER); SELEC nonsense;")
    real = available()
    monkeypatch.setattr(migrations, "available", lambda: [*real, broken])
    with pytest.raises(Exception, match="syntax error"):
        wh.migrate()
    with wh.connect(read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()]
    assert "half_done" not in tables
    assert broken.version not in versions


def test_a_warehouse_from_a_newer_release_is_refused(wh: Warehouse) -> None:
    wh.migrate()
    with wh.connect() as con:
        con.execute("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', now()::TIMESTAMP)")
    with pytest.raises(ConfigurationError, match="newer than this code"):
        wh.migrate()
