"""The ingest flow end to end on real documents: load, idempotence, duplicates, quarantine."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from schemas.records import FileState
from tests.conftest import FIXTURES

pytestmark = pytest.mark.usefixtures("prefect_api")

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDFS = sorted((FIXTURES / "rendered").glob("*.pdf"))


def run(paths: list[Path], data: Path) -> tuple:
    """Run the flow with everything under `data`, the way the CLI does."""
    return ingest(
        paths=[str(p) for p in paths],
        warehouse=str(data / "warehouse.duckdb"),
        inbox=str(data / "inbox"),
        quarantine_dir=str(data / "quarantine"),
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
