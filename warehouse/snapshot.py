"""The read-only snapshot: a copy of the warehouse for readers that keep their connection open.

DuckDB lets one process write a file or several read it, never both at once. A BI tool holding
a connection to the warehouse itself (Metabase, Superset and DBeaver keep pools) would block
every load. After each load the pipeline copies the warehouse to the snapshot file and swaps it
in with an atomic rename, so readers never see a half-written file: a new connection sees the
latest load, an open one keeps reading the copy it opened.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from warehouse.database import Warehouse


def publish_snapshot(wh: Warehouse, target: Path) -> Path | None:
    """Copy the warehouse to `target` atomically (checkpointed, under the writer lock).

    Returns `target`, or None when the warehouse does not exist yet.
    """
    if not wh.exists():
        return None
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    with wh.writing():
        with wh.connect() as con:
            con.execute("CHECKPOINT")  # everything in the main file; closing leaves no WAL behind
        try:
            shutil.copyfile(wh.path, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target
