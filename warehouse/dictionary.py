"""The data dictionary: every table and reporting view with its columns, types and comments.

Read from DuckDB's own catalog (`duckdb_tables()`, `duckdb_views()`, `duckdb_columns()`), where
the migrations put a comment on every table, view and column. `packaged_dictionary()` reads it
from an in-memory database migrated to this release's schema, so it needs no warehouse file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from warehouse.migrations import apply_migrations

SCHEMAS = ("reporting", "main")  # the contract first, then the tables behind it


@dataclass(frozen=True)
class Column:
    """One column of a table or view."""

    name: str
    data_type: str
    comment: str


@dataclass(frozen=True)
class Relation:
    """A table or a view, with its comment and columns in order."""

    schema: str
    name: str
    kind: str  # "table" or "view"
    comment: str
    columns: list[Column] = field(default_factory=list)

    @property
    def qualified_name(self) -> str:
        """`reporting.documents`, or the bare name for tables in `main`."""
        return self.name if self.schema == "main" else f"{self.schema}.{self.name}"


def read_dictionary(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Tables and views of the warehouse schemas, the reporting views first, with their comments."""
    relations = con.execute(
        """
        SELECT schema_name, table_name, 'table', coalesce(comment, '') FROM duckdb_tables()
        WHERE NOT internal AND schema_name IN (SELECT unnest(?::VARCHAR[]))
        UNION ALL
        SELECT schema_name, view_name, 'view', coalesce(comment, '') FROM duckdb_views()
        WHERE NOT internal AND schema_name IN (SELECT unnest(?::VARCHAR[]))
        """,
        [list(SCHEMAS), list(SCHEMAS)],
    ).fetchall()
    columns: dict[tuple[str, str], list[Column]] = {}
    for schema, table, name, data_type, comment in con.execute(
        """
        SELECT schema_name, table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns()
        WHERE NOT internal AND schema_name IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY schema_name, table_name, column_index
        """,
        [list(SCHEMAS)],
    ).fetchall():
        columns.setdefault((schema, table), []).append(Column(name, data_type, comment))
    found = [
        Relation(schema, name, kind, comment, columns.get((schema, name), []))
        for schema, name, kind, comment in relations
    ]
    return sorted(found, key=lambda r: (SCHEMAS.index(r.schema), r.name))


def packaged_dictionary() -> list[Relation]:
    """The data dictionary of this release's schema (an in-memory database, every migration applied)."""
    with duckdb.connect(":memory:") as con:
        apply_migrations(con)
        return read_dictionary(con)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def dictionary_markdown(relations: list[Relation]) -> str:
    """The dictionary as Markdown: a section per table or view with a column table."""
    lines: list[str] = []
    for relation in relations:
        lines += [f"### `{relation.qualified_name}` ({relation.kind})", "", _cell(relation.comment), ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.data_type} | {_cell(c.comment)} |" for c in relation.columns]
        lines.append("")
    return "\n".join(lines)
