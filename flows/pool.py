"""Extraction in worker processes: a time and a memory limit per document, and real parallelism.

A PDF that sends the parser into a loop, a decompression bomb or a crash in native code must not
take the pipeline down or hold it up. Each document is read in a child process:

- past `Limits.seconds`, the child is killed and the document refused (`time_limit`);
- past `Limits.memory_mb` of address space (RLIMIT_AS), the allocation fails in the child and
  the document is refused (`memory_limit`);
- a child that dies (a signal, a native crash) has its document refused (`worker_died`) and is
  replaced; the next document gets a fresh one.

Children (`python -m flows.pool`, talking over a socket pair) are started once and reused:
start-up imports the extractors, about a second. A process may hold several children: each thread
doing extraction takes one for as long as it needs it (`WorkerPool.worker()`), so N threads
extract N documents at once on N cores; pdfminer is pure Python, threads alone would not.

Nothing here imports Prefect: the flow decides what runs where, this module only how.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import resource
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from extractors.document import process_file, rejected
from schemas.errors import ResourceLimit, TimeLimit, TransientError, WorkerDied
from schemas.records import BatchItem, ExtractOptions, SourceFile


@dataclass(frozen=True)
class Limits:
    """Per-document limits: seconds of extraction and megabytes of address space (None: no limit)."""

    seconds: float | None = 120.0
    memory_mb: int | None = 4096


def serve(fd: int, memory_mb: int | None) -> None:
    """Child process: extract each (source, options) received on socket `fd`, send back the outcome."""
    if memory_mb is not None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn = multiprocessing.connection.Connection(fd)
    while True:
        try:
            source, options = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("item", process_file(source, options))
        except MemoryError:
            reply = ("memory", None)
        except TransientError as exc:
            reply = ("transient", exc.reason)
        except BaseException as exc:  # a bug: reported, never hidden
            reply = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))


class Worker:
    """One child process (`python -m flows.pool`) and the socket to it; restarted after a kill or a death."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.process: subprocess.Popen[bytes] | None = None
        self.conn: multiprocessing.connection.Connection | None = None

    def _start(self) -> multiprocessing.connection.Connection:
        ours, theirs = socket.socketpair()
        memory = str(self.limits.memory_mb or 0)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flows.pool", str(theirs.fileno()), memory],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = multiprocessing.connection.Connection(ours.detach())
        return self.conn

    def _end(self, kill: bool) -> int | None:
        if self.conn is not None:
            self.conn.close()  # an idle child sees EOF and exits
            self.conn = None
        code = None
        if self.process is not None:
            if kill:
                self.process.kill()
            try:
                code = self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait(timeout=5)
            self.process = None
        return code

    def stop(self) -> None:
        """End the child."""
        self._end(kill=False)

    def extract(self, source: SourceFile, options: ExtractOptions) -> BatchItem:
        """Extract one file in the child, within the limits; a limit or a death becomes a rejection.

        Raises TransientError for transient trouble (the file stays for the next run) and
        RuntimeError for a bug in the extractors.
        """
        conn = self.conn or self._start()
        name = PurePath(source.path).name
        try:
            conn.send((source, options))
            ready = conn.poll(self.limits.seconds)
        except OSError:  # the child is gone: recv below finds out
            ready = True
        if not ready:
            self._end(kill=True)
            return rejected(source, TimeLimit(f"extraction took longer than {self.limits.seconds:g} s", name))
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            code = self._end(kill=True)
            return rejected(source, WorkerDied(f"the extraction process died (exit code {code})", name))
        if kind == "item":
            item: BatchItem = value
            return item
        if kind == "memory":
            self._end(kill=True)  # its heap may be in any state
            limit = self.limits.memory_mb
            return rejected(source, ResourceLimit(f"extraction needed more than {limit} MB of memory", name))
        if kind == "transient":
            raise TransientError(str(value), source.path)
        raise RuntimeError(f"{source.path}: {value}")


class WorkerPool:
    """Children for one process, handed to one thread at a time; grows to as many as threads ask."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.idle: list[Worker] = []
        self.all: list[Worker] = []
        self.lock = threading.Lock()

    @contextmanager
    def worker(self) -> Iterator[Worker]:
        """A worker for this thread's exclusive use until the block ends."""
        with self.lock:
            if self.idle:
                worker = self.idle.pop()
            else:
                worker = Worker(self.limits)
                self.all.append(worker)
        try:
            yield worker
        finally:
            with self.lock:
                self.idle.append(worker)

    def close(self) -> None:
        """Stop every child."""
        with self.lock:
            for worker in self.all:
                worker.stop()
            self.all.clear()
            self.idle.clear()


_POOLS: dict[tuple[int, Limits], WorkerPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(limits: Limits) -> WorkerPool:
    """This process's pool for these limits (children outlive a flow run: start-up is paid once)."""
    key = (os.getpid(), limits)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = WorkerPool(limits)
        return _POOLS[key]


def extract_isolated(
    sources: list[SourceFile], options: ExtractOptions, limits: Limits
) -> Iterator[BatchItem]:
    """Extract files one by one in a child process of this process's pool, within the limits."""
    with pool_for(limits).worker() as worker:
        for source in sources:
            yield worker.extract(source, options)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]) or None)
