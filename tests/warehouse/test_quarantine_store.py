"""The quarantine folder: moved from the inbox, copied from elsewhere, never escaped by a name."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from warehouse.quarantine_store import quarantine_file, safe_name


def test_file_in_inbox_is_moved_with_sidecar(tmp_path: Path) -> None:
    inbox, quarantine = tmp_path / "inbox", tmp_path / "q"
    inbox.mkdir()
    bad = inbox / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    target = quarantine_file(
        str(bad), "ab" * 32, "unreadable_file", "not a PDF", quarantine_dir=quarantine, inbox=inbox
    )
    assert not bad.exists()
    assert target.read_bytes() == b"not a pdf"
    sidecar = target.with_name(target.name + ".reason.txt").read_text()
    assert "category: unreadable_file" in sidecar and "reason: not a PDF" in sidecar


def test_file_outside_inbox_is_copied_not_deleted(tmp_path: Path) -> None:
    elsewhere = tmp_path / "mine.txt"
    elsewhere.write_bytes(b"")
    target = quarantine_file(
        str(elsewhere),
        "cd" * 32,
        "empty_document",
        "empty",
        quarantine_dir=tmp_path / "q",
        inbox=tmp_path / "inbox",
    )
    assert elsewhere.exists() and target.exists()


def test_same_name_different_files_do_not_overwrite(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "x.pdf", tmp_path / "b" / "x.pdf"
    for path, data in ((a, b"one"), (b, b"two")):
        path.parent.mkdir()
        path.write_bytes(data)
    ta = quarantine_file(str(a), "11" * 32, "c", "r", quarantine_dir=tmp_path / "q", inbox=tmp_path)
    tb = quarantine_file(str(b), "22" * 32, "c", "r", quarantine_dir=tmp_path / "q", inbox=tmp_path)
    assert ta != tb and ta.read_bytes() == b"one" and tb.read_bytes() == b"two"


@given(st.text(min_size=0, max_size=80))
def test_safe_name_never_leaves_its_folder(name: str) -> None:
    cleaned = safe_name(name)
    assert cleaned and "/" not in cleaned and "\\" not in cleaned
    assert not cleaned.startswith((".", "-"))
    assert (Path("/q") / cleaned).parent == Path("/q")


def test_restore_puts_a_moved_file_back_and_drops_the_sidecar(tmp_path: Path) -> None:
    from warehouse.quarantine_store import restore

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    scan = inbox / "scan.pdf"
    scan.write_bytes(b"%PDF-scan")
    held = quarantine_file(
        str(scan), "ef" * 32, "ocr_unavailable", "install", quarantine_dir=tmp_path / "q", inbox=inbox
    )
    assert restore(str(held), str(scan)) == scan
    assert scan.read_bytes() == b"%PDF-scan"
    assert list((tmp_path / "q").iterdir()) == []


def test_restore_of_a_copied_file_takes_the_original(tmp_path: Path) -> None:
    from warehouse.quarantine_store import restore

    mine = tmp_path / "mine.pdf"
    mine.write_bytes(b"x")
    held = quarantine_file(
        str(mine), "12" * 32, "c", "r", quarantine_dir=tmp_path / "q", inbox=tmp_path / "inbox"
    )
    assert restore(str(held), str(mine)) == mine
    assert mine.exists() and not held.exists()
    assert not held.with_name(held.name + ".reason.txt").exists()
