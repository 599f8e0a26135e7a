"""The ingest flow end to end on real documents: load, idempotence, duplicates, quarantine."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from flows.pool import close_pools
from schemas.records import Execution, FileState
from tests.conftest import FIXTURES

pytestmark = pytest.mark.usefixtures("prefect_api")

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDFS = sorted((FIXTURES / "rendered").glob("*.pdf"))


def run(paths: list[Path], data: Path, execution: Execution | None = None) -> tuple:
    """Run the flow with everything under `data`, the way the CLI does."""
    return ingest(
        paths=[str(p) for p in paths],
        warehouse=str(data / "warehouse.duckdb"),
        inbox=str(data / "inbox"),
        quarantine_dir=str(data / "quarantine"),
        execution=execution,
    )


def count(data: Path, table: str) -> int:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 (test-owned table names)
    assert row is not None
    return int(row[0])


def inbox_with(data: Path, files: list[Path]) -> Path:
    inbox = data / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, inbox / f.name)
    return inbox


def test_ingesting_the_same_inbox_twice_adds_nothing(tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path, [*SEEDS, *PDFS])
    first, _outcomes, failures = run([inbox], tmp_path)
    assert failures == []
    assert first.files_seen == 5 and first.failed == 0 and first.quarantined == 0
    assert first.loaded + first.duplicates == 5 and first.loaded >= 2
    tables = (
        "documents",
        "paragraphs",
        "participants",
        "country_mentions",
        "referenced_events",
        "instruments",
    )
    before = {t: count(tmp_path, t) for t in tables}
    assert before["paragraphs"] > 20 and before["participants"] >= 10

    second, outcomes2, _ = run([inbox], tmp_path)
    assert (second.loaded, second.duplicates, second.quarantined, second.unchanged) == (0, 0, 0, 5)
    assert outcomes2 == []
    assert {t: count(tmp_path, t) for t in tables} == before
    assert count(tmp_path, "runs") == 2


def test_same_document_under_a_second_name_is_a_duplicate(tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path, SEEDS[:1])
    run([inbox], tmp_path)
    shutil.copy(SEEDS[0], inbox / "copy of the press release.txt")
    summary, outcomes, _ = run([inbox], tmp_path)
    assert (summary.loaded, summary.duplicates, summary.unchanged) == (0, 1, 1)
    assert outcomes[0].state is FileState.DUPLICATE
    assert count(tmp_path, "documents") == 1


def test_bad_files_are_quarantined_with_reasons_while_the_rest_load(tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path, SEEDS)
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "fake.pdf").write_bytes(b"This is a Word document, honestly.\n" * 20)
    (inbox / "truncated.pdf").write_bytes(PDFS[0].read_bytes()[:3000])
    summary, outcomes, failures = run([inbox], tmp_path)
    assert failures == []
    assert (summary.loaded, summary.quarantined) == (2, 3)
    refused = {Path(o.source_path).name: o for o in outcomes if o.state is FileState.QUARANTINED}
    assert set(refused) == {"empty.txt", "fake.pdf", "truncated.pdf"}
    assert all(o.reason and len(o.reason) > 10 for o in refused.values())
    assert "PDF" in (refused["fake.pdf"].reason or "")
    quarantine = tmp_path / "quarantine"
    for name in refused:
        assert not (inbox / name).exists()
        [moved] = [p for p in quarantine.glob(f"*-{name}")]
        assert moved.with_name(moved.name + ".reason.txt").read_text().count("reason:") == 1
    assert count(tmp_path, "quarantine") == 3
    assert count(tmp_path, "documents") == 2


class Recorder:
    """A progress reporter that remembers what the flow told it."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, done: int = 1) -> None:
        self.done += done


def test_progress_is_reported_per_file(tmp_path: Path) -> None:
    from flows.progress import set_reporter

    recorder = Recorder()
    set_reporter(recorder)
    try:
        run([inbox_with(tmp_path, SEEDS)], tmp_path)
    finally:
        set_reporter(None)
    assert recorder.total == 2 and recorder.done == 2


def test_transient_errors_are_retried_then_the_file_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("flows.pool.TRANSIENT_DELAY", 0.01)
    flaky = Execution(workers=1, extractor="tests.flows.faulty:flaky_once")
    summary, _, failures = run([inbox_with(tmp_path, SEEDS[:1])], tmp_path, flaky)
    assert failures == [] and summary.loaded == 1
    assert (tmp_path / f"{SEEDS[0].name}.attempts").read_text() == "2"


def test_persistent_failure_is_reported_and_the_file_is_left_for_next_run(tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path, SEEDS[:1])
    broken = Execution(workers=1, extractor="tests.flows.faulty:broken")
    summary, outcomes, failures = run([inbox], tmp_path, broken)
    assert (tmp_path / f"{SEEDS[0].name}.attempts").read_text() == "1"  # a bug is not transient: no retry
    assert summary.failed == 1 and summary.status == "failed" and outcomes == []
    assert "KeyError" in failures[0].error and failures[0].source_path.endswith(".txt")
    assert (inbox / SEEDS[0].name).exists()
    again, _, failures = run([inbox], tmp_path)
    assert failures == [] and again.loaded == 1


def test_limits_refuse_a_looping_file_and_the_rest_of_the_batch_loads(tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path, SEEDS)
    shutil.copy(SEEDS[0], inbox / "loop.txt")
    looping = Execution(workers=2, time_limit_seconds=5, extractor="tests.flows.faulty:loops")
    summary, outcomes, failures = run([inbox], tmp_path, looping)
    assert failures == [] and summary.loaded == 2 and summary.quarantined == 1
    [refused] = [o for o in outcomes if o.state is FileState.QUARANTINED]
    assert refused.category == "time_limit" and refused.source_path.endswith("loop.txt")
    assert list((tmp_path / "quarantine").glob("*-loop.txt"))


def test_run_summary_is_published_as_an_artifact(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    inbox = inbox_with(tmp_path, SEEDS[:1])
    (inbox / "empty.txt").write_bytes(b"")
    summary, _, _ = run([inbox], tmp_path)
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-summary"]))
        )
    [mine] = [a for a in artifacts if summary.run_id in str(a.data)]
    assert "empty.txt" in str(mine.data) and "| 2 | 1 | 0 | 1 |" in str(mine.data)

    with get_client(sync_client=True) as client:
        tables = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-files"]))
        )
    [table] = [t for t in tables if str(t.flow_run_id) == summary.run_id]
    assert table.type == "table"
    rows = {row["file"]: row for row in json.loads(str(table.data))}
    assert rows[SEEDS[0].name]["state"] == "loaded" and "Shanghai" in rows[SEEDS[0].name]["title"]
    assert rows["empty.txt"]["state"] == "quarantined" and "[empty_document]" in rows["empty.txt"]["reason"]


SCAN = FIXTURES / "scans" / "sco_cfm_press_release_2009-05-15_scanned.pdf"


@pytest.mark.skipif(not SCAN.exists(), reason="scan fixture not present")
def test_scan_waits_in_quarantine_without_ocr_and_loads_once_ocr_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = inbox_with(tmp_path, [SCAN])
    empty_path = tmp_path / "no-tools"
    empty_path.mkdir()
    real_path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(empty_path))  # no tesseract to be found
    close_pools()
    summary, outcomes, _ = run([inbox], tmp_path)
    assert summary.quarantined == 1
    assert outcomes[0].category == "ocr_unavailable"
    assert "apt-get install tesseract-ocr" in (outcomes[0].reason or "")
    assert not (inbox / SCAN.name).exists()

    monkeypatch.setenv("PATH", real_path)
    close_pools()  # worker processes keep the environment they started with
    nothing_new = tmp_path / "nothing-new"
    nothing_new.mkdir()
    again, outcomes, failures = run([nothing_new], tmp_path)
    assert failures == [] and again.loaded == 1, outcomes
    assert (inbox / SCAN.name).exists()  # back where it came from
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute("SELECT source_format, ocr_pages, ocr_confidence FROM documents").fetchone()
        states = con.execute("SELECT state FROM files").fetchall()
    assert row is not None and row[0] == "pdf+ocr" and row[1] == [1, 2] and row[2] > 50
    assert states == [("loaded",)]
    assert list((tmp_path / "quarantine").iterdir()) == []


def test_refreshes_are_due_every_interval_and_keep_under_their_share_of_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows import ingest as ingest_module

    now = [0.0]
    monkeypatch.setattr(ingest_module.time, "monotonic", lambda: now[0])
    clock = ingest_module.Every(30.0, share=0.05)
    now[0] = 29.0
    assert not clock.due()
    now[0] = 30.0
    assert clock.due()
    now[0] = 32.0  # that refresh took 2 s: the next no sooner than 2 / 0.05 = 40 s after it began
    clock.spent()
    now[0] = 65.0
    assert not clock.due()
    now[0] = 70.0
    assert clock.due()
    clock.spent()  # instant this time: back to every 30 s
    now[0] = 100.0
    assert clock.due()
    always = ingest_module.Every(0.0)
    assert always.due()
    now[0] = 150.0  # a refresh of 50 s: with 0 asked for, still due after every batch
    always.spent()
    assert always.due()
