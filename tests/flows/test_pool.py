"""Worker processes: per-document time and memory limits, deaths, transient errors, bugs, parallelism."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from extractors.document import process_file
from extractors.sources import discover
from flows.pool import close_pools, extract_isolated, launch_workers, pool_for
from schemas.records import BatchItem, Execution, ExtractOptions, FileFailure, SourceFile
from tests.conftest import FIXTURES
from tests.flows.badfiles import bomb_pdf

SEED = FIXTURES / "seeds" / "sco_cfm_press_release_2009-05-15.txt"
PDF = FIXTURES / "rendered" / "sco_heads_of_state_declaration_2003-05-29.pdf"
OPTIONS = ExtractOptions()
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
def fresh_pools() -> None:
    close_pools()


def files(tmp_path: Path, *names: str, source: Path = SEED) -> list[Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(source, inbox / name)
    return [inbox / n for n in names]


def run(paths: list[Path], **execution: object) -> list[BatchItem | FileFailure]:
    settings = Execution(workers=1, **execution)  # type: ignore[arg-type]
    return list(extract_isolated(discover(paths), OPTIONS, settings))


def category(result: BatchItem | FileFailure) -> str | None:
    assert isinstance(result, BatchItem)
    return result.rejection.category if result.rejection else None


def test_worker_results_equal_in_process_extraction(tmp_path: Path) -> None:
    paths = [*files(tmp_path, "a.txt"), PDF]
    isolated = run(paths)
    direct = [process_file(s, OPTIONS) for s in discover(paths)]
    assert isolated == direct


def test_a_looping_parser_is_killed_at_the_time_limit_and_the_next_file_still_loads(tmp_path: Path) -> None:
    paths = files(tmp_path, "loop.txt", "ok.txt")
    started = time.monotonic()
    looped, fine = run(paths, time_limit_seconds=5.0, extractor="tests.flows.faulty:loops")
    assert time.monotonic() - started < 60
    assert category(looped) == "time_limit" and "longer than 5 s" in looped.rejection.reason  # type: ignore[union-attr]
    assert category(fine) is None and fine.document is not None  # type: ignore[union-attr]


def test_a_memory_hog_is_refused_at_the_memory_limit(tmp_path: Path) -> None:
    bomb, fine = run(
        files(tmp_path, "bomb.txt", "ok.txt"),
        memory_limit_mb=1024,
        extractor="tests.flows.faulty:hogs_memory",
    )
    assert category(bomb) == "memory_limit" and "1024 MB" in bomb.rejection.reason  # type: ignore[union-attr]
    assert category(fine) is None


def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    crashed, fine = run(files(tmp_path, "crash.txt", "ok.txt"), extractor="tests.flows.faulty:crashes")
    assert category(crashed) == "worker_died" and "exit code -11" in crashed.rejection.reason  # type: ignore[union-attr]
    assert category(fine) is None


def test_transient_errors_are_retried_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("flows.pool.TRANSIENT_DELAY", 0.01)
    [flaky] = run(files(tmp_path, "a.txt"), extractor="tests.flows.faulty:flaky_once")
    assert isinstance(flaky, BatchItem) and flaky.document is not None
    assert (tmp_path / "a.txt.attempts").read_text() == "2"
    [locked] = run(files(tmp_path, "b.txt"), extractor="tests.flows.faulty:always_locked")
    assert isinstance(locked, FileFailure) and "file locked by another program" in locked.error
    assert (tmp_path / "b.txt.attempts").read_text() == "3"


def test_a_bug_is_a_failure_not_a_rejection_and_not_retried(tmp_path: Path) -> None:
    [failure] = run(files(tmp_path, "a.txt"), extractor="tests.flows.faulty:broken")
    assert isinstance(failure, FileFailure) and failure.error.startswith("KeyError: 'a bug in a parser'")
    assert (tmp_path / "a.txt.attempts").read_text() == "1"


def test_workers_are_reused_and_bounded(tmp_path: Path) -> None:
    execution = Execution(workers=2)
    pool = pool_for(execution)
    assert pool_for(execution) is pool
    held: list[int] = []
    release = threading.Event()

    def hold() -> None:
        with pool.worker() as worker:
            held.append(id(worker))
            release.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    assert len(held) == 2  # the third thread waits for a free worker
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(held) == 3 and len(pool.all) == 2


def test_two_workers_extract_at_the_same_time(tmp_path: Path) -> None:
    """Two threads drive two processes at once (timings on shared machines are for benchmarks)."""
    sources = discover(files(tmp_path, "a.txt", "b.txt"))
    pool = pool_for(Execution(workers=2, extractor="tests.flows.faulty:slow"))
    spans: list[tuple[float, float]] = []

    def work(source: SourceFile) -> None:
        with pool.worker() as worker:
            started = time.monotonic()
            assert isinstance(worker.extract(source, OPTIONS), BatchItem)
            spans.append((started, time.monotonic()))

    runners = [threading.Thread(target=work, args=(s,)) for s in sources]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(60)
    pids = {w.process.pid for w in pool.all if w.process is not None}
    assert len(pids) == 2
    (start_a, end_a), (start_b, end_b) = spans
    assert start_a < end_b and start_b < end_a  # the two extractions overlapped


def test_a_decompression_bomb_is_refused_at_the_memory_limit(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bomb = bomb_pdf(inbox / "bomb.pdf", expanded_mb=1536)
    assert bomb.stat().st_size < 4 * 1024 * 1024
    [result] = run([bomb], memory_limit_mb=768)
    assert category(result) == "memory_limit"


def test_launched_workers_warm_up_before_their_first_file_and_are_the_ones_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark = tmp_path / "warm.txt"
    monkeypatch.setenv("WARM_UP_MARK", str(mark))
    execution = Execution(workers=2, extractor="tests.flows.warming:extract")
    launch_workers(execution)
    pool = pool_for(execution)
    launched = sorted(w.process.pid for w in pool.all if w.process is not None)
    assert len(launched) == 2
    assert run_with(files(tmp_path, "a.txt", "b.txt"), execution) and all(
        isinstance(r, BatchItem) and r.document is not None
        for r in run_with(files(tmp_path, "c.txt"), execution)
    )
    assert sorted(w.process.pid for w in pool.all if w.process is not None) == launched  # no new ones
    assert sorted(int(pid) for pid in mark.read_text().split()) == launched  # each warmed up once


def run_with(paths: list[Path], execution: Execution) -> list[BatchItem | FileFailure]:
    return list(extract_isolated(discover(paths), OPTIONS, execution))
