"""load_batch: round trip, idempotence, duplicates, quarantine, one transaction per batch."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.records import Communique, FileOutcome, FileState
from tests.warehouse.builders import (
    INJECTION,
    NASTY_TEXTS,
    communiques,
    document,
    known_item,
    loaded_item,
    rejected_item,
    sha,
)
from tests.warehouse.conftest import count, snapshot
from warehouse import documents as documents_module
from warehouse.database import Warehouse
from warehouse.ledger import DUPLICATE_CONTENT, DUPLICATE_FILE, load_batch, record_quarantine_path
from warehouse.read import list_quarantine, read_documents


def states(outcomes: list[FileOutcome]) -> list[str]:
    """The state of each outcome, as strings."""
    return [o.state.value for o in outcomes]


# ---------------------------------------------------------------- round trip


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty migrated warehouse file, copied by tests that need many fresh warehouses."""
    wh = Warehouse(tmp_path_factory.mktemp("template") / "template.duckdb")
    wh.migrate()
    return wh.path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(communiques, min_size=1, max_size=3, unique_by=(lambda d: d.doc_id, lambda d: d.content_hash))
)
def test_read_back_equals_what_was_loaded(migrated: Path, docs: list[Communique]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        wh = Warehouse(Path(folder) / "w.duckdb")
        shutil.copyfile(migrated, wh.path)
        outcomes = load_batch(wh, "run-1", [loaded_item(d, f"/inbox/{i}") for i, d in enumerate(docs)])
        assert states(outcomes) == ["loaded"] * len(docs)
        assert list(read_documents(wh, [d.doc_id for d in docs])) == docs
        assert sorted(read_documents(wh), key=lambda d: d.doc_id) == sorted(docs, key=lambda d: d.doc_id)


def test_hand_built_document_round_trips_with_lists_in_order(wh: Warehouse) -> None:
    doc = document("a")
    load_batch(wh, "run-1", [loaded_item(doc)])
    (back,) = read_documents(wh)
    assert back == doc
    assert [p.number for p in back.paragraphs] == [1, 2, 3]
    assert [c.country for c in back.country_mentions] == ["RUS", "CHN"]


@pytest.mark.parametrize("nasty", NASTY_TEXTS)
def test_sql_metacharacters_load_verbatim(wh: Warehouse, nasty: str) -> None:
    doc = document("a", text=nasty).model_copy(update={"title": nasty, "topics": [nasty, INJECTION]})
    load_batch(wh, nasty, [loaded_item(doc, path=f"/inbox/{nasty}")])
    (back,) = read_documents(wh)
    assert back == doc
    assert back.text == nasty and back.title == nasty
    with wh.connect(read_only=True) as con:
        assert con.execute("SELECT text, run_id FROM documents").fetchall() == [(nasty, nasty)]
    assert count(wh, "documents") == 1  # the table is still there


def test_quality_results_are_stored_for_loaded_and_quarantined_files(wh: Warehouse) -> None:
    load_batch(wh, "run-1", [loaded_item(document("a")), rejected_item("bad.pdf")])
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT file_hash, run_id, ordinal, check_name, severity, passed FROM quality_results"
        ).fetchall()
    assert sorted(rows) == sorted(
        [
            (sha("file:a"), "run-1", 0, "min_chars", "critical", True),
            (sha("file:a"), "run-1", 1, "has_date", "warning", False),
            (sha("file:bad.pdf"), "run-1", 0, "min_chars", "critical", False),
        ]
    )


# ---------------------------------------------------------------- idempotence and duplicates


def test_loading_the_same_batch_twice_changes_nothing(wh: Warehouse) -> None:
    batch = [loaded_item(document("a")), loaded_item(document("b")), rejected_item("bad.pdf")]
    first = load_batch(wh, "run-1", batch)
    before = snapshot(wh)
    assert load_batch(wh, "run-1", batch) == first
    assert load_batch(wh, "run-2", batch) == first
    assert snapshot(wh) == before
    assert states(first) == ["loaded", "loaded", "quarantined"]


def test_same_text_in_one_batch_is_loaded_once(wh: Warehouse) -> None:
    a, b = document("a", content="same"), document("b", content="same")
    outcomes = load_batch(wh, "run-1", [loaded_item(a), loaded_item(b)])
    assert states(outcomes) == ["loaded", "duplicate"]
    assert outcomes[1].doc_id == a.doc_id and outcomes[1].category == DUPLICATE_CONTENT
    assert [d.doc_id for d in read_documents(wh)] == [a.doc_id]


def test_same_text_across_batches_is_a_duplicate_of_the_first(wh: Warehouse) -> None:
    a, b = document("a", content="same"), document("b", content="same")
    load_batch(wh, "run-1", [loaded_item(a)])
    (outcome,) = load_batch(wh, "run-2", [loaded_item(b)])
    assert (outcome.state, outcome.doc_id, outcome.category) == (
        FileState.DUPLICATE,
        a.doc_id,
        DUPLICATE_CONTENT,
    )
    assert count(wh, "documents") == 1 and count(wh, "paragraphs") == 3
    with wh.connect(read_only=True) as con:
        ledger = con.execute("SELECT file_hash, state, doc_id, run_id FROM files ORDER BY run_id").fetchall()
    assert ledger == [(a.doc_id, "loaded", a.doc_id, "run-1"), (b.doc_id, "duplicate", a.doc_id, "run-2")]


def test_known_file_under_a_new_path_is_recorded_as_duplicate(wh: Warehouse) -> None:
    load_batch(wh, "run-1", [loaded_item(document("a"), "/inbox/a.txt")])
    (outcome,) = load_batch(wh, "run-2", [known_item("a", "/inbox/copy of a.txt")])
    assert outcome == FileOutcome(
        source_path="/inbox/copy of a.txt",
        file_hash=sha("file:a"),
        state=FileState.DUPLICATE,
        doc_id=sha("file:a"),
        category=DUPLICATE_FILE,
        reason=f"same bytes as document {sha('file:a')}",
    )
    assert count(wh, "files") == 2 and count(wh, "documents") == 1


def test_known_copy_of_a_duplicate_points_at_the_loaded_document(wh: Warehouse) -> None:
    a, b = document("a", content="same"), document("b", content="same")
    load_batch(wh, "run-1", [loaded_item(a), loaded_item(b)])
    (outcome,) = load_batch(wh, "run-2", [known_item("b", "/elsewhere/b.txt")])
    assert (outcome.state, outcome.doc_id) == (FileState.DUPLICATE, a.doc_id)


def test_same_bytes_twice_in_one_batch(wh: Warehouse) -> None:
    doc = document("a")
    outcomes = load_batch(wh, "run-1", [loaded_item(doc, "/x/a.txt"), loaded_item(doc, "/y/a.txt")])
    assert states(outcomes) == ["loaded", "duplicate"]
    assert outcomes[1].category == DUPLICATE_FILE
    assert count(wh, "documents") == 1 and count(wh, "files") == 2


def test_same_file_twice_in_one_batch_is_decided_once(wh: Warehouse) -> None:
    item = loaded_item(document("a"))
    outcomes = load_batch(wh, "run-1", [item, item])
    assert outcomes[0] == outcomes[1] and outcomes[0].state is FileState.LOADED
    assert count(wh, "files") == 1


def test_item_without_document_needs_a_loaded_original(wh: Warehouse) -> None:
    with pytest.raises(ValueError, match="no document loaded from these bytes"):
        load_batch(wh, "run-1", [known_item("never-seen", "/inbox/x")])
    assert count(wh, "files") == 0


def test_document_must_belong_to_its_file(wh: Warehouse) -> None:
    item = loaded_item(document("a")).model_copy(update={"file_hash": sha("file:other")})
    with pytest.raises(ValueError, match="doc_id differs"):
        load_batch(wh, "run-1", [item])
    assert not wh.exists()


# ---------------------------------------------------------------- quarantine


def test_rejection_is_quarantined_with_its_reason(wh: Warehouse) -> None:
    (outcome,) = load_batch(wh, "run-1", [rejected_item("bad.pdf", "/inbox/bad.pdf")])
    assert (outcome.state, outcome.category, outcome.reason) == (
        FileState.QUARANTINED,
        "unreadable_file",
        "not a PDF",
    )
    assert outcome.doc_id is None
    record_quarantine_path(wh, outcome.file_hash, outcome.source_path, "/quarantine/abc-bad.pdf")
    (entry,) = list_quarantine(wh)
    assert (entry.source_path, entry.category, entry.reason, entry.quarantine_path) == (
        "/inbox/bad.pdf",
        "unreadable_file",
        "not a PDF",
        "/quarantine/abc-bad.pdf",
    )


def test_recording_the_path_of_an_unknown_file_fails(wh: Warehouse) -> None:
    with pytest.raises(LookupError):
        record_quarantine_path(wh, sha("nothing"), "/inbox/nothing", "/quarantine/nothing")


def test_a_quarantined_file_that_now_parses_is_loaded(wh: Warehouse) -> None:
    doc = document("fixed")
    load_batch(wh, "run-1", [rejected_item("fixed", "/inbox/fixed.txt")])
    (outcome,) = load_batch(wh, "run-2", [loaded_item(doc, "/inbox/fixed.txt")])
    assert outcome.state is FileState.LOADED
    assert list(read_documents(wh)) == [doc]
    assert list_quarantine(wh) == []
    with wh.connect(read_only=True) as con:
        assert con.execute("SELECT state, run_id FROM files").fetchall() == [("loaded", "run-2")]


def test_a_file_refused_again_for_another_reason_is_updated(wh: Warehouse) -> None:
    load_batch(wh, "run-1", [rejected_item("bad.pdf")])
    record_quarantine_path(wh, sha("file:bad.pdf"), "/inbox/bad.pdf", "/quarantine/bad.pdf")
    (outcome,) = load_batch(wh, "run-2", [rejected_item("bad.pdf", reason="truncated")])
    assert outcome.reason == "truncated"
    (entry,) = list_quarantine(wh)
    assert (entry.reason, entry.run_id, entry.quarantine_path) == ("truncated", "run-2", None)
    assert count(wh, "quarantine") == 1 and count(wh, "files") == 1


# ---------------------------------------------------------------- one transaction


def test_a_failure_halfway_leaves_the_warehouse_as_before(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_batch(wh, "run-1", [loaded_item(document("first")), rejected_item("old.pdf")])
    before = snapshot(wh)
    real_insert = documents_module.insert_rows
    written: list[str] = []

    def fail_after_documents(con: duckdb.DuckDBPyConnection, table: str, rows: Any, **kwargs: Any) -> None:
        if written:
            raise RuntimeError("disk full")
        real_insert(con, table, rows, **kwargs)
        written.append(table)

    monkeypatch.setattr(documents_module, "insert_rows", fail_after_documents)
    batch = [loaded_item(document("second")), rejected_item("new.pdf"), known_item("first", "/inbox/copy")]
    with pytest.raises(RuntimeError, match="disk full"):
        load_batch(wh, "run-2", batch)
    assert written == ["documents"]
    assert snapshot(wh) == before


def test_a_failed_first_batch_leaves_no_rows(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(documents_module, "insert_rows", fail)
    with pytest.raises(RuntimeError):
        load_batch(wh, "run-1", [loaded_item(document("a"))])
    assert {table: rows for table, rows in snapshot(wh).items() if table != "schema_migrations"} == {
        table: []
        for table in [
            "country_mentions",
            "documents",
            "files",
            "instruments",
            "paragraphs",
            "participants",
            "quality_results",
            "quarantine",
            "referenced_events",
            "runs",
            "skipped_files",
            "supersessions",
            "topics",
        ]
    }


def test_statements_per_batch_do_not_grow_with_its_size(
    tmp_path: Path, migrated: Path, statements: list[str]
) -> None:
    def statements_to_load(docs: int) -> int:
        wh = Warehouse(tmp_path / f"{docs}.duckdb")
        shutil.copyfile(migrated, wh.path)
        statements.clear()
        batch = [loaded_item(document(f"d{i}")) for i in range(docs)] + [rejected_item(f"bad{docs}")]
        assert len(load_batch(wh, "run-1", batch)) == docs + 1
        return len(statements)

    assert statements_to_load(1) == statements_to_load(300)


def test_empty_batch_touches_nothing(wh: Warehouse) -> None:
    assert load_batch(wh, "run-1", []) == []
    assert not wh.exists()
