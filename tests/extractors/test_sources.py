"""Discovery and reading of source files."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from extractors.sources import FileTooLarge, discover, is_ignored, read_source, survey


def test_discover_walks_folders_hashes_and_skips_temporary_names(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_bytes(b"alpha")
    (tmp_path / "sub" / "b.pdf").write_bytes(b"beta")
    for name in ("c.pdf.part", "d.tmp", ".hidden.txt", "~$lock.docx", "x.pdf.reason.txt"):
        (tmp_path / name).write_bytes(b"skip")
    found = discover([tmp_path])
    assert [Path(f.path).name for f in found] == ["a.txt", "b.pdf"]
    assert found[0].file_hash == hashlib.sha256(b"alpha").hexdigest()
    assert found[0].size_bytes == 5


def test_explicit_file_is_taken_once_even_if_named_twice(tmp_path: Path) -> None:
    path = tmp_path / "note.tmp"
    path.write_bytes(b"x")
    assert len(discover([path, path, tmp_path])) == 1


def test_symlinks_inside_folders_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "link.txt").symlink_to(outside)
    assert discover([inbox]) == []


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "nope"])


def test_read_source_refuses_files_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 100)
    with pytest.raises(FileTooLarge, match="over the 10-byte limit"):
        read_source(str(path), max_bytes=10)
    assert read_source(str(path), max_bytes=100) == b"x" * 100


@pytest.mark.parametrize(
    ("name", "ignored"),
    [("a.pdf", False), ("a.PDF.PART", True), (".DS_Store", True), ("~$doc.txt", True), ("report.tmp", True)],
)
def test_ignored_names(name: str, ignored: bool) -> None:
    assert is_ignored(Path(name)) is ignored


def test_discover_accepts_a_one_shot_iterable(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"alpha")
    assert len(discover(p for p in [tmp_path])) == 1


def test_settle_leaves_recently_modified_files_in_folders_for_later(tmp_path: Path) -> None:
    old, fresh = tmp_path / "old.txt", tmp_path / "fresh.txt"
    old.write_text("copied in an hour ago")
    fresh.write_text("still being copied")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert [Path(f.path).name for f in discover([tmp_path], settle_seconds=5)] == ["old.txt"]
    assert [Path(f.path).name for f in discover([fresh], settle_seconds=5)] == ["fresh.txt"]  # named: taken
    assert len(discover([tmp_path])) == 2


def test_a_file_named_explicitly_is_taken_even_when_its_folder_is_walked_first(tmp_path: Path) -> None:
    hidden = tmp_path / ".draft.txt"
    hidden.write_text("text")
    found = survey([tmp_path, hidden])
    assert [f.path for f in found.files] == [str(hidden)] and found.skipped == []


def test_symlinks_fifos_and_temporary_names_are_skipped_with_reasons_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "link.txt").symlink_to(outside)
    (inbox / "linked-folder").symlink_to(tmp_path)
    os.mkfifo(inbox / "sub" / "pipe.txt")
    (inbox / "x.pdf.crdownload").write_bytes(b"%PDF")
    (inbox / "~$draft.docx").write_bytes(b"lock")
    (inbox / "ok.txt").write_text("text")
    found = survey([inbox, inbox / "link.txt"])  # named explicitly: still not followed
    assert [f.path for f in found.files] == [str(inbox / "ok.txt")]
    rules = {Path(s.path).name: (s.rule, s.detail) for s in found.skipped}
    assert rules == {
        "link.txt": ("symlink", f"symbolic link to {outside}: not followed"),
        "linked-folder": ("symlink", f"symbolic link to {tmp_path}: not followed"),
        "pipe.txt": ("not_regular_file", "not a regular file (FIFO)"),
        "x.pdf.crdownload": ("temporary_name", "temporary name (.crdownload): taken once renamed"),
        "~$draft.docx": ("lock_file", "an office program's lock file"),
    }


def test_within_a_folder_nothing_outside_it_is_read(tmp_path: Path) -> None:
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("secret")
    (inbox / "ok.txt").write_text("text")
    (inbox / "door").symlink_to(elsewhere)  # a folder link inside the inbox leads out
    paths = [
        inbox / "ok.txt",
        elsewhere / "secret.txt",
        inbox / "door" / "secret.txt",
        inbox / ".." / "elsewhere",
    ]
    found = survey(paths, within=inbox)
    assert [f.path for f in found.files] == [str(inbox / "ok.txt")]
    assert {s.rule for s in found.skipped} == {"outside_inbox"} and len(found.skipped) == 3
