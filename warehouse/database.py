"""The warehouse file and its short-lived connections.

A `Warehouse` only holds a path: nothing is opened at import or construction time. Each
`connect()` opens DuckDB for one unit of work and closes it at the end, so another process
(a BI tool, `communiques status`) can open the file between loads. DuckDB allows one writing
process at a time and locks the file while any connection of a process is open; a connection
refused because of that lock is retried briefly and then reported as `WarehouseBusy`, a
transient error the flow may retry.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.errors import WarehouseBusy
from warehouse.migrations import Migration, apply_migrations

_LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")


def is_lock_error(error: BaseException) -> bool:
    """True when DuckDB refused to open a file because another process holds its lock."""
    return isinstance(error, duckdb.IOException) and any(m in str(error) for m in _LOCK_MESSAGES)


@dataclass(frozen=True)
class Warehouse:
    """A DuckDB warehouse file. Cheap to build and to pass around (it is just the path).

    `lock_attempts` connection attempts are made when the file is locked by another process,
    sleeping `lock_backoff` seconds before the second, doubling each time (0.1+0.2+0.4+0.8 s
    with the defaults), before `WarehouseBusy` is raised.
    """

    path: Path
    lock_attempts: int = 5
    lock_backoff: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        if self.lock_attempts < 1:
            raise ValueError("lock_attempts must be at least 1")

    def exists(self) -> bool:
        """Whether the warehouse file has been created."""
        return self.path.is_file()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one unit of work, closed on exit (an open transaction is rolled back).

        A writable connection creates the file and its parent folder when missing. A read-only
        connection never creates anything: it raises `FileNotFoundError` for a missing file.
        Raises `WarehouseBusy` when another process keeps the file locked.
        """
        if read_only and not self.exists():
            raise FileNotFoundError(f"{self.path}: the warehouse does not exist yet")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open(read_only)
        try:
            yield con
        finally:
            con.close()

    def migrate(self) -> list[Migration]:
        """Apply pending schema migrations (idempotent); returns the ones applied now.

        The writing entry points (`load_batch`, `start_run`, `finish_run`,
        `record_quarantine_path`) call this lazily on their own connection, so callers need not;
        the CLI may call it once to create an empty warehouse.
        """
        with self.connect() as con:
            return apply_migrations(con)

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        delay = self.lock_backoff
        for attempt in range(1, self.lock_attempts + 1):
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as error:
                if not is_lock_error(error):
                    raise
                if attempt == self.lock_attempts:
                    raise WarehouseBusy(
                        f"locked by another process after {attempt} attempts ({error})", str(self.path)
                    ) from error
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover
