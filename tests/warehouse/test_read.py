"""The read side: status, quarantine list, documents by id; all harmless on a missing warehouse."""

from __future__ import annotations

import datetime as dt

import pytest

from schemas.records import RunSummary
from tests.warehouse.builders import document, known_item, loaded_item, rejected_item, sha
from warehouse import read
from warehouse.database import Warehouse
from warehouse.ledger import load_batch
from warehouse.read import WarehouseStatus, list_quarantine, read_documents, status
from warehouse.runs import finish_run, start_run

T0 = dt.datetime(2026, 1, 1, 12, 0)


def test_missing_warehouse_reads_as_empty_and_is_not_created(wh: Warehouse) -> None:
    assert status(wh) == WarehouseStatus(path=str(wh.path), exists=False)
    assert status(wh).documents == 0 and status(wh).runs == []
    assert list_quarantine(wh) == []
    assert list(read_documents(wh)) == []
    assert not wh.path.parent.exists()


def test_unmigrated_file_reads_as_empty(wh: Warehouse) -> None:
    with wh.connect():
        pass
    assert status(wh) == WarehouseStatus(path=str(wh.path), exists=True)
    assert list_quarantine(wh) == [] and list(read_documents(wh)) == []


def test_status_counts_and_last_runs(wh: Warehouse) -> None:
    for n in range(3):
        start_run(wh, RunSummary(run_id=f"run-{n}", started_at=T0 + dt.timedelta(hours=n)))
    load_batch(
        wh,
        "run-0",
        [
            loaded_item(document("a", content="same")),
            loaded_item(document("b", content="same")),
            known_item("a", "/backup/a.txt"),
            rejected_item("bad.pdf"),
        ],
    )
    report = status(wh, runs=2)
    assert (report.documents, report.paragraphs, report.files) == (1, 3, 4)
    assert (report.loaded, report.duplicates, report.quarantined) == (1, 2, 1)
    assert report.exists and report.schema_version >= 1
    assert [r.run_id for r in report.runs] == ["run-2", "run-1"]


def test_quarantine_lists_only_files_still_refused(wh: Warehouse) -> None:
    load_batch(wh, "run-1", [rejected_item("bad.pdf"), rejected_item("fixed.txt")])
    load_batch(wh, "run-2", [loaded_item(document("fixed.txt"), "/inbox/fixed.txt")])
    (entry,) = list_quarantine(wh)
    assert (entry.file_hash, entry.source_file, entry.run_id) == (sha("file:bad.pdf"), "bad.pdf", "run-1")
    assert isinstance(entry.quarantined_at, dt.datetime)
    assert status(wh).quarantined == 1


def test_documents_by_id_in_the_order_asked(wh: Warehouse) -> None:
    docs = [document(name) for name in "abc"]
    load_batch(wh, "run-1", [loaded_item(d) for d in docs])
    wanted = [docs[2].doc_id, sha("unknown"), docs[0].doc_id, docs[2].doc_id]
    assert list(read_documents(wh, wanted)) == [docs[2], docs[0]]
    assert list(read_documents(wh, [])) == []


def test_documents_are_read_in_chunks_in_load_order(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "_CHUNK", 2)
    first = [document(f"first{i}") for i in range(3)]
    second = [document(f"second{i}") for i in range(2)]
    load_batch(wh, "run-1", [loaded_item(d) for d in first])
    load_batch(wh, "run-2", [loaded_item(d) for d in second])
    back = list(read_documents(wh))
    assert sorted(back[:3], key=lambda d: d.doc_id) == sorted(first, key=lambda d: d.doc_id)
    assert sorted(back[3:], key=lambda d: d.doc_id) == sorted(second, key=lambda d: d.doc_id)


def test_a_reader_does_not_hold_the_file_between_chunks(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "_CHUNK", 1)
    load_batch(wh, "run-1", [loaded_item(document(n)) for n in "ab"])
    reader = read_documents(wh)
    next(reader)
    load_batch(wh, "run-2", [loaded_item(document("c"))])  # a writable connection opens mid-iteration
    assert len(list(reader)) == 1


def test_runs_round_trip_and_upsert(wh: Warehouse) -> None:
    started = RunSummary(run_id="r", started_at=T0)
    start_run(wh, started)
    finished = started.model_copy(
        update={
            "finished_at": T0 + dt.timedelta(minutes=5),
            "status": "completed",
            "files_seen": 7,
            "loaded": 4,
        }
    )
    finish_run(wh, finished)
    assert status(wh).runs == [finished]


def test_aware_run_times_are_stored_in_utc(wh: Warehouse) -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    start_run(wh, RunSummary(run_id="r", started_at=dt.datetime(2026, 1, 1, 13, 0, tzinfo=paris)))
    assert status(wh).runs[0].started_at == T0
