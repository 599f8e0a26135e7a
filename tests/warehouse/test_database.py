"""Short-lived connections, lock handling, and other processes reading between loads."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from schemas.errors import TransientError, WarehouseBusy
from tests.warehouse.builders import document, loaded_item
from warehouse import database
from warehouse.database import Warehouse, is_lock_error
from warehouse.ledger import load_batch

HOLD_LOCK = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.read()
"""
COUNT_DOCUMENTS = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM documents").fetchone()[0])
"""


@pytest.fixture
def locked(wh: Warehouse) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the warehouse open (DuckDB's file lock) until the test ends."""
    wh.migrate()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(wh.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield holder
    if holder.stdin is not None:
        holder.stdin.close()
    holder.wait(timeout=10)


def test_connect_creates_the_folder_and_closes_on_exit(wh: Warehouse) -> None:
    assert not wh.path.parent.exists()
    with wh.connect() as con:
        con.execute("SELECT 1")
    assert wh.exists()
    with pytest.raises(duckdb.ConnectionException):
        con.execute("SELECT 1")


def test_read_only_on_a_missing_file_creates_nothing(wh: Warehouse) -> None:
    with pytest.raises(FileNotFoundError), wh.connect(read_only=True):
        pass
    assert not wh.path.parent.exists()


def test_warehouse_is_only_a_path(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    assert not wh.exists() and list(tmp_path.iterdir()) == []
    assert Warehouse(str(tmp_path / "w.duckdb")).path == wh.path  # type: ignore[arg-type]


def test_locked_file_raises_warehouse_busy_after_the_timeout(
    wh: Warehouse, locked: subprocess.Popen[str]
) -> None:
    busy = Warehouse(wh.path, lock_timeout=0.3)
    for read_only in (False, True):
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as raised, busy.connect(read_only=read_only):
            pass
        assert time.monotonic() - started >= 0.3
        assert isinstance(raised.value, TransientError)
        assert raised.value.path == str(wh.path)
        assert "snapshot" in str(raised.value)  # tells the user what to point BI tools at
        assert is_lock_error(raised.value.__cause__ or Exception())


def test_lock_released_during_backoff_connects(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    wh.migrate()
    real_connect = duckdb.connect
    attempts: list[int] = []

    def flaky_connect(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        attempts.append(1)
        if len(attempts) < 3:
            raise duckdb.IOException('IO Error: Could not set lock on file "w": Conflicting lock is held')
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(database.duckdb, "connect", flaky_connect)
    monkeypatch.setattr(database.time, "sleep", lambda _: None)
    with wh.connect() as con:
        assert con.execute("SELECT 42").fetchone() == (42,)
    assert len(attempts) == 3


def test_other_io_errors_are_not_retried(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def broken(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        calls.append(1)
        raise duckdb.IOException("IO Error: disk on fire")

    monkeypatch.setattr(database.duckdb, "connect", broken)
    with pytest.raises(duckdb.IOException, match="disk on fire"), wh.connect():
        pass
    assert calls == [1]


def test_another_process_can_read_between_loads(wh: Warehouse) -> None:
    load_batch(wh, "run-1", [loaded_item(document("a"))])
    reader = subprocess.run(
        [sys.executable, "-c", COUNT_DOCUMENTS, str(wh.path)], capture_output=True, text=True, timeout=60
    )
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.strip() == "1"
    with wh.connect(read_only=True) as con:  # and this process, read-only
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    load_batch(wh, "run-2", [loaded_item(document("b"))])  # then the next load takes the lock again


HOLD_WRITER_LOCK = """
import sys
from warehouse.database import Warehouse
with Warehouse(sys.argv[1]).writing():
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_writers_in_two_processes_take_turns(wh: Warehouse) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER_LOCK, str(wh.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    with pytest.raises(WarehouseBusy, match="writer lock"), Warehouse(wh.path, lock_timeout=0.2).connect():
        pass
    assert not wh.exists()  # nothing was opened while the other writer held the lock
    threading.Timer(0.3, holder.stdin.close).start()  # type: ignore[union-attr]
    started = time.monotonic()
    load_batch(wh, "run-1", [loaded_item(document("a"))])  # waits for the lock, then loads
    assert time.monotonic() - started >= 0.2
    holder.wait(timeout=10)
    with wh.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_writer_lock_is_reentrant_and_serialises_threads(wh: Warehouse) -> None:
    order: list[str] = []

    def other_thread() -> None:
        with wh.writing():
            order.append("other")

    with wh.writing(), wh.connect() as con:  # connect() takes the lock again: no deadlock
        con.execute("CREATE TABLE t (a INTEGER)")
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(timeout=0.3)
        assert thread.is_alive()  # waits for this thread's hold to end
        order.append("first")
    thread.join(timeout=5)
    assert order == ["first", "other"]


def test_read_only_connections_do_not_take_the_writer_lock(wh: Warehouse) -> None:
    wh.migrate()
    read: list[object] = []

    def reader() -> None:
        with Warehouse(wh.path, lock_timeout=0).connect(read_only=True) as con:
            read.append(con.execute("SELECT 1").fetchone())

    with wh.writing():  # held by this thread while another one reads
        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(timeout=5)
    assert read == [(1,)]
