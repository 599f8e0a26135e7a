"""Ordered schema migrations, recorded in the warehouse's own `schema_migrations` table.

Migrations are the packaged files `warehouse/migrations/NNNN_name.sql`, applied in version order,
each in its own transaction together with its `schema_migrations` row, so a migration is either
fully applied and recorded or not at all. Applying is idempotent: recorded versions are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from schemas.errors import ConfigurationError

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER   NOT NULL PRIMARY KEY,
    name       VARCHAR   NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    """One schema change: its version (the file's number), name and SQL script."""

    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """Every packaged migration, in version order; fails loudly on a misnamed file or a repeated version."""
    folder = resources.files("warehouse").joinpath("migrations")
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise ValueError(f"migration file {entry.name!r} is not named NNNN_name.sql")
        version = int(match["version"])
        if version in found:
            raise ValueError(f"two migration files have version {version}")
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def applied(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Versions (and names) already recorded in the warehouse; empty when it was never migrated."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    return {int(version): str(name) for version, name in rows}


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Apply the pending migrations on a writable connection; returns those applied (none when current).

    Raises `ConfigurationError` when the warehouse records a version this code does not know
    (it was migrated by a newer release): writing to it could corrupt it.
    """
    known = available()
    done = applied(con)
    unknown = sorted(set(done) - {m.version for m in known})
    if unknown:
        raise ConfigurationError(
            f"the warehouse has schema version {unknown[-1]}, newer than this code knows "
            f"({known[-1].version if known else 0}); upgrade the pipeline"
        )
    pending = [m for m in known if m.version not in done]
    if pending:
        con.execute(_BOOTSTRAP)
    for migration in pending:
        con.begin()
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [migration.version, migration.name, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return pending


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration version (0 for a warehouse never migrated)."""
    return max(applied(con), default=0)
