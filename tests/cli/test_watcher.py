"""InboxWatcher: only settled files are handed over, each once; sweeps; real file-system events."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from communiques.settings import WatchSettings
from communiques.watcher import InboxWatcher


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def watcher_for(inbox: Path, clock: Clock, **kwargs: object) -> InboxWatcher:
    settings = WatchSettings(settle_seconds=1.0, sweep_seconds=60)
    return InboxWatcher(inbox, settings, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_a_file_is_handed_over_once_it_held_still_for_the_settle_interval(inbox: Path, clock: Clock) -> None:
    watcher = watcher_for(inbox, clock)
    (inbox / "a.txt").write_text("complete")
    watcher.sweep()
    assert watcher.settled() == []  # just seen
    clock.advance(0.5)
    assert watcher.settled() == []
    clock.advance(0.5)
    assert watcher.settled() == [inbox / "a.txt"]
    assert watcher.settled() == []  # handed over once


def test_a_growing_file_waits_until_it_stops_changing(inbox: Path, clock: Clock) -> None:
    watcher = watcher_for(inbox, clock)
    growing = inbox / "big.pdf"
    growing.write_bytes(b"%PDF-1.7 first half")
    watcher.offer(growing)
    for part in range(3):  # a slow copy: each check finds it bigger, so the wait starts over
        clock.advance(0.9)
        with growing.open("ab") as handle:
            handle.write(b" more %d" % part)
        assert watcher.settled() == []
    clock.advance(0.9)
    assert watcher.settled() == []  # unchanged, but not for a whole second yet
    clock.advance(0.2)
    assert watcher.settled() == [growing]


def test_a_touched_file_restarts_the_wait(inbox: Path, clock: Clock) -> None:
    watcher = watcher_for(inbox, clock)
    path = inbox / "a.txt"
    path.write_text("same size")
    watcher.offer(path)
    clock.advance(0.8)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))  # mtime moves, size does not
    assert watcher.settled() == []
    clock.advance(0.8)
    assert watcher.settled() == []
    clock.advance(0.3)
    assert watcher.settled() == [path]


@pytest.mark.parametrize("name", ["a.pdf.part", "a.tmp", "~$draft.docx", ".hidden.txt", "a.crdownload"])
def test_temporary_names_wait_until_renamed(inbox: Path, clock: Clock, name: str) -> None:
    watcher = watcher_for(inbox, clock)
    temporary = inbox / name
    temporary.write_text("being written")
    watcher.sweep()
    clock.advance(5)
    assert watcher.settled() == []
    final = inbox / "final.txt"
    temporary.rename(final)
    watcher.offer(final)
    clock.advance(1)
    assert watcher.settled() == [final]


def test_a_changed_file_is_handed_over_again_an_unchanged_one_is_not(inbox: Path, clock: Clock) -> None:
    watcher = watcher_for(inbox, clock)
    path = inbox / "a.txt"
    path.write_text("version 1")
    watcher.sweep()
    clock.advance(1)
    assert watcher.settled() == [path]
    watcher.sweep()
    clock.advance(1)
    assert watcher.settled() == []  # the next sweep does not offer it again
    path.write_text("version 2, longer")
    watcher.offer(path)
    clock.advance(1)
    assert watcher.settled() == [path]


def test_retry_gives_a_failed_file_back_to_the_next_sweep(inbox: Path, clock: Clock) -> None:
    watcher = watcher_for(inbox, clock)
    path = inbox / "a.txt"
    path.write_text("x")
    watcher.sweep()
    clock.advance(1)
    assert watcher.settled() == [path]
    watcher.retry([str(path)])
    watcher.sweep()
    clock.advance(1)
    assert watcher.settled() == [path]


def test_files_that_vanish_or_sit_outside_are_dropped(inbox: Path, clock: Clock, tmp_path: Path) -> None:
    held = inbox / "quarantine"
    held.mkdir()
    (held / "refused.pdf").write_text("kept aside")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not ours")
    (inbox / "gone.txt").write_text("soon deleted")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "nested.txt").write_text("in a subfolder")
    watcher = watcher_for(inbox, clock, exclude=[held])
    watcher.sweep()
    watcher.offer(outside)
    (inbox / "gone.txt").unlink()
    clock.advance(1)
    assert watcher.settled() == [inbox / "sub" / "nested.txt"]


def test_a_symlink_is_not_followed(inbox: Path, clock: Clock, tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("outside the inbox")
    (inbox / "link.txt").symlink_to(target)
    watcher = watcher_for(inbox, clock)
    watcher.sweep()
    clock.advance(1)
    assert watcher.settled() == []


def test_batches_sweep_at_start_then_follow_file_system_events(inbox: Path) -> None:
    (inbox / "before.txt").write_text("arrived while nothing watched")
    watcher = InboxWatcher(inbox, WatchSettings(settle_seconds=0.3, sweep_seconds=3600, poll_seconds=0.05))
    stop = threading.Event()
    timer = threading.Timer(30, stop.set)  # never hang the suite
    timer.start()
    seen: list[list[str]] = []
    try:
        for batch in watcher.batches(stop):
            seen.append([p.name for p in batch])
            if len(seen) == 1:
                partial = inbox / "after.txt.part"
                partial.write_text("dropped while watching")
                partial.rename(inbox / "after.txt")
            else:
                stop.set()
    finally:
        timer.cancel()
    assert seen == [["before.txt"], ["after.txt"]]  # the second only through an event: no sweep ran


def test_batches_stop_promptly_when_asked(inbox: Path) -> None:
    watcher = InboxWatcher(inbox, WatchSettings(poll_seconds=0.05))
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    assert list(watcher.batches(stop)) == []
    assert time.monotonic() - started < 5
