"""Discovery and reading of source files."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from extractors.sources import FileTooLarge, discover, is_ignored, read_source


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
