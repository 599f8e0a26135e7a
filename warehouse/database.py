"""The warehouse file, its short-lived connections, and the one-writer-at-a-time lock.

A `Warehouse` only holds a path: nothing is opened at import or construction time. Each
`connect()` opens DuckDB for one unit of work and closes it at the end, so another process
(a BI tool, `communiques status`) can open the file between loads.

Two locks keep concurrent processes from losing work:

- the writer lock, `<warehouse>.lock` beside the file (an advisory `flock`), held by every
  writable connection for its whole life: two ingest runs, a triggered one and a scheduled
  sweep say, take turns instead of failing on DuckDB's lock. It is re-entrant within a process.
- DuckDB's own file lock: one writing process, or any number of read-only ones. A connection
  refused because of it (a reader is in, or a writer) is retried with a short backoff.

Both waits end after `lock_timeout` seconds with `WarehouseBusy`, a transient error.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.errors import WarehouseBusy
from warehouse.migrations import Migration, apply_migrations

_LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")
_FIRST_BACKOFF, _MAX_BACKOFF = 0.02, 0.5


def is_lock_error(error: BaseException) -> bool:
    """True when DuckDB refused to open a file because another process holds its lock."""
    return isinstance(error, duckdb.IOException) and any(m in str(error) for m in _LOCK_MESSAGES)


class _WriterLock:
    """A process's hold on one warehouse's lock file: threads queue on an RLock, processes on flock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.threads = threading.RLock()
        self.depth = 0
        self.fd: int | None = None

    @contextmanager
    def hold(self, timeout: float, warehouse: Path) -> Iterator[None]:
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=max(timeout, 0.0)):
            raise WarehouseBusy(f"another writer in this process kept it for {timeout:g} s", str(warehouse))
        try:
            if self.depth == 0:
                self.fd = self._flock(deadline, warehouse)
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if self.depth == 0 and self.fd is not None:
                    os.close(self.fd)  # closing the descriptor releases the flock
                    self.fd = None
        finally:
            self.threads.release()

    def _flock(self, deadline: float, warehouse: Path) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        delay = _FIRST_BACKOFF
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise WarehouseBusy(
                        f"another process kept the writer lock {self.path.name} past the timeout",
                        str(warehouse),
                    ) from None
            time.sleep(delay)
            delay = min(delay * 2, _MAX_BACKOFF)


_WRITER_LOCKS: dict[Path, _WriterLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(lock_path: Path) -> _WriterLock:
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(lock_path, _WriterLock(lock_path))


@dataclass(frozen=True)
class Warehouse:
    """A DuckDB warehouse file. Cheap to build and to pass around (it is just the path).

    `lock_timeout`: how long a connection waits for the writer lock and for DuckDB's file lock
    (held by another process) before `WarehouseBusy` is raised.
    """

    path: Path
    lock_timeout: float = 120.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path).absolute())
        if self.lock_timeout < 0:
            raise ValueError("lock_timeout cannot be negative")

    @property
    def lock_path(self) -> Path:
        """The writer lock file beside the warehouse."""
        return self.path.with_name(self.path.name + ".lock")

    def exists(self) -> bool:
        """Whether the warehouse file has been created."""
        return self.path.is_file()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock (re-entrant in this process) for a unit of work that writes.

        Raises `WarehouseBusy` when another process keeps it past `lock_timeout`.
        """
        with _writer_lock(self.lock_path).hold(self.lock_timeout, self.path):
            yield

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one unit of work, closed on exit (an open transaction is rolled back).

        A writable connection holds the writer lock while open and creates the file and its
        parent folder when missing. A read-only connection takes no writer lock and never
        creates anything: it raises `FileNotFoundError` for a missing file.
        Raises `WarehouseBusy` when the locks stay taken past `lock_timeout`.
        """
        if read_only:
            if not self.exists():
                raise FileNotFoundError(f"{self.path}: the warehouse does not exist yet")
            with self._opened(read_only=True) as con:
                yield con
            return
        with self.writing(), self._opened(read_only=False) as con:
            yield con

    def migrate(self) -> list[Migration]:
        """Apply pending schema migrations (idempotent); returns the ones applied now.

        The writing entry points (`load_batch`, `start_run`, `finish_run`,
        `record_quarantine_path`) call this lazily on their own connection, so callers need not;
        the CLI may call it once to create an empty warehouse.
        """
        with self.connect() as con:
            return apply_migrations(con)

    @contextmanager
    def _opened(self, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open(read_only)
        try:
            yield con
        finally:
            con.close()

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        delay, attempts = _FIRST_BACKOFF, 0
        while True:
            attempts += 1
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as error:
                if not is_lock_error(error):
                    raise
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"locked by another process for {self.lock_timeout:g} s ({attempts} attempts); "
                        "a BI tool keeping the file open blocks loads: point it at the read-only "
                        f"snapshot instead ({error})",
                        str(self.path),
                    ) from error
            time.sleep(delay)
            delay = min(delay * 2, _MAX_BACKOFF)
