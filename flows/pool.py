"""Extraction in worker processes: a time and a memory limit per document, and real parallelism.

A PDF that sends the parser into a loop, a decompression bomb or a crash in native code must not
take the pipeline down or hold it up. Each document is read in a child process:

- past `Execution.time_limit_seconds`, the child is killed and the document refused (`time_limit`);
- past `Execution.memory_limit_mb` of address space (RLIMIT_AS), allocations fail in the child
  and the document is refused (`memory_limit`);
- a child that dies (a signal, a native crash) has its document refused (`worker_died`) and is
  replaced; the next document gets a fresh one;
- a transient error is retried twice in place, then reported as a failure (the file stays for
  the next run); any other exception is a bug, reported as a failure, never hidden.

Children (`python -m flows.pool`, talking over a socket pair) are started once per process and
reused: start-up imports the extractors, about a second. A process holds at most
`Execution.workers` of them; each thread doing extraction takes one for as long as it needs it
(`WorkerPool.worker()`), waiting when all are busy. So N threads extract N documents at once on
N cores, which threads alone could not: pdfminer is pure Python.

Nothing here imports Prefect: the flow decides what runs where, this module only how.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing.connection
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any

from extractors.document import rejected
from schemas.errors import ResourceLimit, TimeLimit, TransientError, WorkerDied
from schemas.records import BatchItem, Execution, ExtractOptions, FileFailure, SourceFile

START_TIMEOUT = 120.0  # seconds for a worker to import the extractors
TRANSIENT_ATTEMPTS = 3
TRANSIENT_DELAY = 1.0
# pdfminer makes ~2,600 objects per page that live until the page closes; at Python's default
# (700, 10, 10) the cyclic collector rescans them over and over: 30% of a bare pdfplumber loop here.
# A young generation of 50,000 objects keeps garbage bounded (tens of MB); collections cost ~0 then.
GC_THRESHOLDS = (50_000, 20, 20)

Extracted = BatchItem | FileFailure


def load_extractor(spec: str) -> Callable[[SourceFile, ExtractOptions], BatchItem]:
    """The function named `module:function` (the extractor a worker runs on each file)."""
    module, _, name = spec.partition(":")
    function: Callable[[SourceFile, ExtractOptions], BatchItem] = getattr(
        importlib.import_module(module), name
    )
    return function


def serve(fd: int, memory_mb: int | None, extractor: str) -> None:
    """Child process: run the extractor on each (source, options) received on socket `fd`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to act on
    extract = load_extractor(extractor)
    warm_up = getattr(importlib.import_module(extractor.partition(":")[0]), "warm_up", None)
    if callable(warm_up):
        warm_up()  # lexicons and language profiles built before the first file's time limit starts
    gc.freeze()  # the extractors' modules and tables live as long as the process: never rescan them
    gc.set_threshold(*GC_THRESHOLDS)
    if memory_mb is not None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn = multiprocessing.connection.Connection(fd)
    conn.send(("ready", os.getpid()))  # imports done: the time limit starts with each file, not here
    while True:
        try:
            source, options = conn.recv()
        except (EOFError, OSError):  # the parent closed the socket (or exited with it unread)
            return
        try:
            reply: tuple[str, Any] = ("item", extract(source, options))
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
        except OSError:  # the parent is gone
            return


class Worker:
    """One child process (`python -m flows.pool`) and the socket to it; restarted after a kill or a death."""

    def __init__(self, execution: Execution) -> None:
        self.execution = execution
        self.process: subprocess.Popen[bytes] | None = None
        self.starting: multiprocessing.connection.Connection | None = None  # launched, not yet ready
        self.conn: multiprocessing.connection.Connection | None = None

    def launch(self) -> None:
        """Start the child without waiting for it: its imports overlap whatever the caller does next."""
        if self.process is not None:
            return
        ours, theirs = socket.socketpair()
        memory = str(self.execution.memory_limit_mb or 0)
        search_path = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))  # same modules as here
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flows.pool", str(theirs.fileno()), memory, self.execution.extractor],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": search_path},
            start_new_session=True,  # out of the terminal's process group: Ctrl-C is the parent's
        )
        theirs.close()
        self.starting = multiprocessing.connection.Connection(ours.detach())

    def _start(self) -> multiprocessing.connection.Connection:
        """The connection to a ready child, launching one if none is starting."""
        self.launch()
        assert self.starting is not None
        conn, self.starting = self.starting, None
        self.conn = conn
        try:
            if not conn.poll(START_TIMEOUT) or conn.recv()[0] != "ready":
                raise OSError("no ready message")
        except (OSError, EOFError) as exc:
            code = self._end(kill=True)
            raise RuntimeError(f"an extraction worker did not start (exit code {code}): {exc}") from None
        return conn

    def _end(self, kill: bool) -> int | None:
        for conn in (self.conn, self.starting):
            if conn is not None:
                conn.close()  # an idle child sees EOF and exits
        self.conn = self.starting = None
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

    def extract(self, source: SourceFile, options: ExtractOptions) -> Extracted:
        """Extract one file in the child, within the limits.

        A limit or a death becomes a rejection (the file is refused); a transient error that
        persists, or a bug, becomes a `FileFailure` (the file stays for the next run).
        """
        for attempt in range(1, TRANSIENT_ATTEMPTS + 1):
            kind, value = self._attempt(source, options)
            if kind != "transient":
                break
            if attempt < TRANSIENT_ATTEMPTS:
                time.sleep(TRANSIENT_DELAY)
        if kind in ("item", "refused"):
            item: BatchItem = value
            return item
        error = f"TransientError: {value}" if kind == "transient" else str(value)
        return FileFailure(source_path=source.path, error=error)

    def _attempt(self, source: SourceFile, options: ExtractOptions) -> tuple[str, Any]:
        conn = self.conn or self._start()
        name = PurePath(source.path).name
        seconds = self.execution.time_limit_seconds
        try:
            conn.send((source, options))
            ready = conn.poll(seconds)
        except OSError:  # the child is gone: recv below finds out
            ready = True
        if not ready:
            self._end(kill=True)
            return "refused", rejected(source, TimeLimit(f"extraction took longer than {seconds:g} s", name))
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            code = self._end(kill=True)
            return "refused", rejected(
                source, WorkerDied(f"the extraction process died (exit code {code})", name)
            )
        if kind == "memory":
            self._end(kill=True)  # its heap may be in any state
            limit = self.execution.memory_limit_mb
            return "refused", rejected(
                source, ResourceLimit(f"extraction needed more than {limit} MB of memory", name)
            )
        return kind, value


class WorkerPool:
    """At most `execution.workers` children for one process, each lent to one thread at a time."""

    def __init__(self, execution: Execution) -> None:
        self.execution = execution
        self.slots = threading.BoundedSemaphore(execution.workers)
        self.idle: list[Worker] = []
        self.all: list[Worker] = []
        self.lock = threading.Lock()

    @contextmanager
    def worker(self) -> Iterator[Worker]:
        """A worker for this thread's exclusive use until the block ends (waits while all are busy)."""
        self.slots.acquire()
        try:
            with self.lock:
                if self.idle:
                    worker = self.idle.pop()
                else:
                    worker = Worker(self.execution)
                    self.all.append(worker)
            try:
                yield worker
            finally:
                with self.lock:
                    self.idle.append(worker)
        finally:
            self.slots.release()

    def launch(self) -> None:
        """Start every child now, without waiting for them (see `launch_workers`)."""
        with self.lock:
            while len(self.all) < self.execution.workers:
                worker = Worker(self.execution)
                worker.launch()
                self.all.append(worker)
                self.idle.append(worker)

    def close(self) -> None:
        """Stop every child."""
        with self.lock:
            for worker in self.all:
                worker.stop()
            self.all.clear()
            self.idle.clear()


_POOLS: dict[tuple[int, Execution], WorkerPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(execution: Execution) -> WorkerPool:
    """This process's pool for these settings (children outlive a flow run: start-up is paid once)."""
    key = (os.getpid(), execution)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = WorkerPool(execution)
        return _POOLS[key]


def launch_workers(execution: Execution) -> None:
    """Start this process's workers for `execution` now, in the background.

    A worker takes a few seconds to import and warm the extractors; started before a flow run
    (while Prefect's API starts, say), they are ready when the first file arrives.
    """
    pool_for(execution).launch()


def close_pools() -> None:
    """Stop the children of every pool of this process (they also end with it)."""
    with _POOLS_LOCK:
        for pool in _POOLS.values():
            pool.close()
        _POOLS.clear()


def extract_isolated(
    sources: list[SourceFile], options: ExtractOptions, execution: Execution
) -> Iterator[Extracted]:
    """Extract files one by one in a worker process of this process's pool, within the limits."""
    with pool_for(execution).worker() as worker:
        for source in sources:
            yield worker.extract(source, options)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]) or None, sys.argv[3])
