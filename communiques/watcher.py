"""Watching the inbox: file-system events and periodic sweeps become batches of complete files.

A file is handed over only once it is complete: its size and modification time stayed the same
for `settle_seconds` (a copy in progress keeps changing them), and its name is not a temporary
one (`*.part`, `*.tmp`, `~$x`, dotfiles: taken once renamed). Events come from watchfiles (OS
notifications, or polling on file systems without them); a sweep lists the whole inbox at start
and every `sweep_seconds`, catching files that arrived while nothing was watching or whose event
was lost. A file handed over once is not handed over again until its size or mtime changes, or
it is given back with `retry`; across restarts, the warehouse's file ledger is what keeps a file
from being processed twice.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from communiques.settings import WatchSettings
from extractors.sources import is_ignored

Stat = tuple[int, int]  # (size, mtime_ns)


@dataclass
class _Pending:
    stat: Stat
    since: float  # when this stat was first seen


def _stat(path: Path) -> Stat | None:
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return None
    if not path.is_file() or path.is_symlink():
        return None
    return (info.st_size, info.st_mtime_ns)


class InboxWatcher:
    """Batches of settled files from one inbox folder; see the module docstring.

    `exclude`: folders under the inbox that are never offered (e.g. a quarantine kept inside it).
    `sweep`: whether to sweep at start and every `sweep_seconds` (off in server mode, where a
    scheduled deployment sweeps). `clock` is injectable for tests.
    """

    def __init__(
        self,
        inbox: Path,
        settings: WatchSettings,
        *,
        exclude: Iterable[Path] = (),
        sweep: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inbox = inbox.absolute()
        self.settings = settings
        self.exclude = [p.absolute() for p in exclude]
        self.sweep_enabled = sweep
        self.clock = clock
        self.pending: dict[Path, _Pending] = {}
        self.handed: dict[Path, Stat] = {}
        self.events: queue.Queue[Path] = queue.Queue()
        self.listen_error: BaseException | None = None

    def wanted(self, path: Path) -> bool:
        """Whether a path is a candidate at all (inside the inbox, not temporary, not excluded)."""
        path = path.absolute()
        if is_ignored(path) or not path.is_relative_to(self.inbox):
            return False
        return not any(path.is_relative_to(folder) for folder in self.exclude)

    def offer(self, path: Path) -> None:
        """Note a file that may be new or changed; it is handed over once settled."""
        path = path.absolute()
        if path not in self.pending and self.wanted(path):
            stat = _stat(path)
            if stat is not None and self.handed.get(path) != stat:
                self.pending[path] = _Pending(stat, self.clock())

    def sweep(self) -> None:
        """Offer every file in the inbox (new or changed ones become pending)."""
        if self.inbox.is_dir():
            for path in sorted(self.inbox.rglob("*")):
                self.offer(path)

    def settled(self) -> list[Path]:
        """Pending files whose size and mtime held still for `settle_seconds`, now handed over."""
        now, ready = self.clock(), []
        for path, pending in list(self.pending.items()):
            stat = _stat(path)
            if stat is None:  # gone (moved, deleted) or turned into something else
                del self.pending[path]
            elif stat != pending.stat:
                self.pending[path] = _Pending(stat, now)
            elif now - pending.since >= self.settings.settle_seconds:
                del self.pending[path]
                self.handed[path] = stat
                ready.append(path)
        return sorted(ready)

    def retry(self, paths: Iterable[str | Path]) -> None:
        """Forget that these files were handed over (their processing failed): the next sweep retries."""
        for path in paths:
            self.handed.pop(Path(path).absolute(), None)

    def batches(self, stop: threading.Event) -> Iterator[list[Path]]:
        """Settled files, in batches, until `stop` is set. Starts with a sweep (when enabled).

        Events keep being collected by a background thread while the caller works on a batch.
        """
        self.inbox.mkdir(parents=True, exist_ok=True)
        listener = threading.Thread(target=self._listen, args=(stop,), name="inbox-events", daemon=True)
        listener.start()
        next_sweep = self.clock()
        try:
            while not stop.is_set():
                if self.sweep_enabled and self.clock() >= next_sweep:
                    self.sweep()
                    next_sweep = self.clock() + self.settings.sweep_seconds
                self._drain(timeout=self.settings.poll_seconds)
                if self.listen_error is not None:
                    raise RuntimeError(f"watching {self.inbox} failed: {self.listen_error}")
                ready = self.settled()
                if ready and not stop.is_set():
                    yield ready
        finally:
            stop.set()
            listener.join(timeout=5)

    def _drain(self, timeout: float) -> None:
        try:
            self.offer(self.events.get(timeout=timeout))
            while True:
                self.offer(self.events.get_nowait())
        except queue.Empty:
            return

    def _listen(self, stop: threading.Event) -> None:
        try:
            self._forward_events(stop)
        except BaseException as exc:  # reported by batches() in the caller's thread
            self.listen_error = exc

    def _forward_events(self, stop: threading.Event) -> None:
        for changes in watchfiles.watch(
            self.inbox,
            watch_filter=lambda change, _path: change != watchfiles.Change.deleted,
            stop_event=stop,
            debounce=200,
            step=20,
            rust_timeout=500,
            yield_on_timeout=True,
            raise_interrupt=False,
            force_polling=self.settings.force_polling or None,
            poll_delay_ms=int(self.settings.poll_seconds * 1000),
        ):
            for _change, name in changes:
                self.events.put(Path(name))
