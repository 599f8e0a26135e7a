"""`communiques watch` as a process: sweeps at start, waits for files to settle, stops cleanly, resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES
from tests.servers import command_env, start_command, stop, wait_for

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
pytestmark = pytest.mark.timeout(240)


def variant(number: int) -> str:
    """A distinct communiqué: a seed's text with a closing paragraph of its own."""
    text = SEEDS[number % len(SEEDS)].read_text(encoding="utf-8")
    return text + f"\n\nThe ministers took note of the report on water resources, item {number * 7919}.\n"


def documents(data: Path) -> dict[str, str]:
    """source file name -> raw text of every loaded document."""
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT source_file, raw_text FROM documents").fetchall()
    return {name: text for name, text in rows}


def ledger(data: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT source_path, state FROM files ORDER BY source_path").fetchall()
    return [(Path(path).name, state) for path, state in rows]


def batches(log: Path) -> list[str]:
    return [line for line in log.read_text(errors="replace").splitlines() if "batch of" in line]


def watch(data: Path, api_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = command_env(data, api_url, watch__settle_seconds="1.0", watch__poll_seconds="0.1")
    return start_command(["watch"], env, log)


def test_watch_takes_settled_files_once_stops_cleanly_and_resumes(
    tmp_path: Path, prefect_server_url: str
) -> None:
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "first.txt").write_text(variant(1), encoding="utf-8")
    log = tmp_path / "watch-1.log"
    watcher = watch(data, prefect_server_url, log)
    try:
        wait_for(lambda: batches(log), 90, "the start sweep's batch")
        assert "loaded: 1" in batches(log)[0]

        # A slow writer: the file sits half-written for less than the settle interval, twice.
        text = variant(2)
        with (inbox / "slow.txt").open("w", encoding="utf-8") as handle:
            for piece in (text[:2000], text[2000:4000], text[4000:]):
                handle.write(piece)
                handle.flush()
                time.sleep(0.6)
        wait_for(lambda: len(batches(log)) >= 2, 60, "the slow file's batch")
        assert "loaded: 1" in batches(log)[1]
        assert stop(watcher, signal.SIGTERM) == 0
    finally:
        stop(watcher, signal.SIGKILL)
    output = log.read_text()
    assert "SIGTERM: finishing the current batch" in output and output.rstrip().endswith("stopped")
    assert "Traceback" not in output
    loaded = documents(data)
    assert set(loaded) == {"first.txt", "slow.txt"}
    assert loaded["slow.txt"].rstrip().endswith(f"item {2 * 7919}.")  # read whole, not half

    # Arrived while nothing watched: the next start's sweep takes it; the others stay as they were.
    (inbox / "while-down.txt").write_text(variant(3), encoding="utf-8")
    log = tmp_path / "watch-2.log"
    watcher = watch(data, prefect_server_url, log)
    try:
        wait_for(lambda: batches(log), 90, "the restart sweep's batch")
        assert stop(watcher, signal.SIGINT) == 0
    finally:
        stop(watcher, signal.SIGKILL)
    assert "loaded: 1" in batches(log)[0] and "unchanged: 2" in batches(log)[0]
    assert set(documents(data)) == {"first.txt", "slow.txt", "while-down.txt"}
    assert ledger(data) == [("first.txt", "loaded"), ("slow.txt", "loaded"), ("while-down.txt", "loaded")]


def test_stop_during_a_batch_completes_it_or_leaves_no_trace(tmp_path: Path, prefect_server_url: str) -> None:
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "warm.txt").write_text(variant(4), encoding="utf-8")
    log = tmp_path / "watch.log"
    watcher = watch(data, prefect_server_url, log)
    try:
        wait_for(lambda: batches(log), 90, "the warm-up batch")
        for number in range(5, 9):
            (inbox / f"late-{number}.txt").write_text(variant(number), encoding="utf-8")
        time.sleep(1.3)  # settled: the batch is starting or under way
        assert stop(watcher, signal.SIGTERM) == 0
    finally:
        stop(watcher, signal.SIGKILL)
    late = {name: state for name, state in ledger(data) if name.startswith("late-")}
    assert set(late.values()) <= {"loaded"}  # each batch either completed or left nothing
    assert set(documents(data)) == {"warm.txt", *late}

    log = tmp_path / "watch-again.log"
    watcher = watch(data, prefect_server_url, log)
    try:
        wait_for(lambda: batches(log), 90, "the restart sweep")
    finally:
        stop(watcher)
    assert len(documents(data)) == 5
    assert all(state == "loaded" for _, state in ledger(data)) and len(ledger(data)) == 5


def test_ctrl_c_at_a_terminal_lets_the_batch_in_flight_finish(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: Prefect's ephemeral API and the extraction workers too."""
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "warm.txt").write_text(variant(10), encoding="utf-8")
    log = tmp_path / "watch.log"
    env = command_env(data, None, watch__settle_seconds="0.5", watch__poll_seconds="0.1")
    watcher = start_command(["watch"], env, log, own_group=True)
    runs_begun = lambda: (data / "logs" / "communiques.log").read_text().count("Beginning flow run")  # noqa: E731
    try:
        wait_for(lambda: batches(log), 120, "the warm-up batch")
        for number in range(11, 19):
            (inbox / f"late-{number}.txt").write_text(variant(number), encoding="utf-8")
        wait_for(lambda: runs_begun() >= 2, 60, "the second batch to begin")
        os.killpg(watcher.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        assert watcher.wait(timeout=120) == 0
    finally:
        if watcher.poll() is None:  # the whole group: Prefect's API server must not outlive the test
            os.killpg(watcher.pid, signal.SIGKILL)
        stop(watcher, signal.SIGKILL)
    output = log.read_text()
    assert "SIGINT: finishing the current batch" in output and output.rstrip().endswith("stopped")
    assert "Traceback" not in output, output
    assert "batch of 8" in output and "loaded: 8" in output  # the batch in flight completed
    assert len(documents(data)) == 9
