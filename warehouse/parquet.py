"""Parquet export: one file per table and reporting view, for tools that do not read DuckDB files.

The files are written into a fresh folder beside the target, with a `manifest.json` of row
counts, then swapped in by rename, so a reader sees the previous complete export or the new one,
never a half-written mix. A folder that holds anything but a previous export is never replaced.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from warehouse.database import Warehouse
from warehouse.dictionary import read_dictionary
from warehouse.migrations import schema_version
from warehouse.rows import quote_identifier

MANIFEST = "manifest.json"


def _literal(path: Path) -> str:
    """A file path as an SQL string literal (COPY takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _write(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for relation in read_dictionary(con):
        source = f"{quote_identifier(relation.schema)}.{quote_identifier(relation.name)}"
        target = folder / f"{relation.qualified_name}.parquet"
        # Identifiers come from DuckDB's catalog and are quoted; COPY takes no parameters.
        con.execute(f"COPY (SELECT * FROM {source}) TO {_literal(target)} (FORMAT parquet)")  # noqa: S608
        row = con.execute(f"SELECT count(*) FROM {source}").fetchone()  # noqa: S608
        counts[relation.qualified_name] = int(row[0]) if row else 0
    return counts


def _is_previous_export(folder: Path) -> bool:
    return (folder / MANIFEST).is_file() and all(
        p.name == MANIFEST or p.suffix == ".parquet" for p in folder.iterdir()
    )


def export_parquet(wh: Warehouse, folder: Path) -> dict[str, int]:
    """Write every table and reporting view to `<folder>/<name>.parquet`; returns the row counts.

    Raises `FileExistsError` when `folder` exists and is not an empty folder or a previous export.
    """
    folder = Path(folder).absolute()
    reusable = folder.is_dir() and (not any(folder.iterdir()) or _is_previous_export(folder))
    if folder.exists() and not reusable:
        raise FileExistsError(f"{folder} exists and is not a previous Parquet export: choose another folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        with wh.connect(read_only=True) as con:
            counts = _write(con, staging)
            version = schema_version(con)
        manifest = {
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "warehouse": str(wh.path),
            "schema_version": version,
            "rows": counts,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        previous = None
        if folder.exists():
            previous = folder.with_name(f".{folder.name}.previous-{os.getpid()}")
            os.replace(folder, previous)
        os.replace(staging, folder)
        if previous is not None:
            shutil.rmtree(previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts
