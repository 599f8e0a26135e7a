"""plan_files: new, known under another path, unchanged; quarantined files are tried again."""

from __future__ import annotations

import pytest

from schemas.records import BatchItem, FileState, SourceFile
from tests.warehouse.builders import document, loaded_item, rejected_item, sha
from warehouse.database import Warehouse
from warehouse.ledger import DUPLICATE_FILE, FilePlan, load_batch, plan_files


def source(name: str, path: str) -> SourceFile:
    """A discovered file with the bytes of file `name`."""
    return SourceFile(path=path, file_hash=sha("file:" + name), size_bytes=123)


@pytest.fixture
def decided(wh: Warehouse) -> Warehouse:
    """A warehouse with a loaded file, a duplicate of it by content, and a quarantined file."""
    load_batch(
        wh,
        "run-1",
        [
            loaded_item(document("a", content="same"), "/inbox/a.txt"),
            loaded_item(document("b", content="same"), "/inbox/b.txt"),
            rejected_item("bad.pdf", "/inbox/bad.pdf"),
        ],
    )
    return wh


def test_everything_is_new_without_a_warehouse(wh: Warehouse) -> None:
    files = [source("a", "/inbox/a.txt"), source("a", "/inbox/same-bytes.txt")]
    assert plan_files(wh, files) == FilePlan(new=files)
    assert not wh.exists()


def test_plan_partitions_files(decided: Warehouse) -> None:
    a, b = source("a", "/inbox/a.txt"), source("b", "/inbox/b.txt")
    a_copy, b_copy = source("a", "/backup/a.txt"), source("b", "/backup/b.txt")
    bad, fresh = source("bad.pdf", "/inbox/bad.pdf"), source("fresh", "/inbox/fresh.txt")

    plan = plan_files(decided, [a, b, a_copy, b_copy, bad, fresh])

    assert plan.unchanged == [a, b]
    assert plan.new == [bad, fresh]  # quarantined before: tried again
    assert [(o.source_path, o.state, o.doc_id, o.category) for o in plan.known] == [
        ("/backup/a.txt", FileState.DUPLICATE, sha("file:a"), DUPLICATE_FILE),
        ("/backup/b.txt", FileState.DUPLICATE, sha("file:a"), DUPLICATE_FILE),  # b duplicated a's text
    ]
    assert plan.known_items() == [
        BatchItem(source_path="/backup/a.txt", file_hash=sha("file:a"), size_bytes=123),
        BatchItem(source_path="/backup/b.txt", file_hash=sha("file:b"), size_bytes=123),
    ]


def test_known_items_load_as_the_planned_outcomes(decided: Warehouse) -> None:
    plan = plan_files(decided, [source("a", "/backup/a.txt"), source("b", "/backup/b.txt")])
    assert load_batch(decided, "run-2", plan.known_items()) == plan.known
    again = plan_files(decided, [source("a", "/backup/a.txt"), source("b", "/backup/b.txt")])
    assert again.unchanged == [source("a", "/backup/a.txt"), source("b", "/backup/b.txt")]


def test_same_bytes_twice_in_one_plan_are_both_new(decided: Warehouse) -> None:
    files = [source("c", "/inbox/c.txt"), source("c", "/inbox/c copy.txt")]
    assert plan_files(decided, files).new == files


def test_plan_of_thousands_of_files_is_one_query(decided: Warehouse, statements: list[str]) -> None:
    files = [source(f"f{i}", f"/inbox/f{i}.txt") for i in range(5000)] + [source("a", "/inbox/a.txt")]
    plan = plan_files(decided, files)
    assert len(plan.new) == 5000 and plan.unchanged == [source("a", "/inbox/a.txt")]
    assert len([s for s in statements if "FROM files" in s]) == 1
