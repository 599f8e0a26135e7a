"""Finding and reading source files: the only place the extractors touch the file system.

`survey` walks the given files and folders, hashes each regular file in streaming fashion and
says which paths it left alone by rule, and why (`SkippedFile`): temporary names (`*.part`,
`*.tmp`, `*.crdownload`...), hidden names (`.x`), office lock files (`~$x`), quarantine
sidecars, symbolic links (never followed: a link may point anywhere) and anything that is not a
regular file (a FIFO would block a reader forever). `discover` is its list of files.
`read_source` reads one file's bytes with a size limit.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from schemas.errors import TerminalError, TransientError, UnreadableFile
from schemas.records import SIDECAR_SUFFIX, SkippedFile, SourceFile

CHUNK = 1024 * 1024
TEMPORARY_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


class FileTooLarge(TerminalError):
    """The file is larger than the configured limit."""

    category = "too_large"


def ignored_rule(path: Path) -> tuple[str, str] | None:
    """(rule, detail) when a name is one discovery leaves alone in folders, else None."""
    name = path.name
    if name.lower().endswith(SIDECAR_SUFFIX):
        return "sidecar", "a quarantine reason file, not a document"
    if name.lower().endswith(TEMPORARY_SUFFIXES):
        return "temporary_name", f"temporary name ({Path(name).suffix}): taken once renamed"
    if name.startswith("~$"):
        return "lock_file", "an office program's lock file"
    if name.startswith("."):
        return "hidden_name", "hidden file (name starts with a dot)"
    return None


def is_ignored(path: Path) -> bool:
    """Temporary and hidden files (`*.part`, `*.tmp`, `~$x`, dotfiles) and quarantine sidecars."""
    return ignored_rule(path) is not None


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
    ):
        if test(mode):
            return kind
    return "block device" if stat.S_ISBLK(mode) else "special file"


def _left_alone(path: Path, explicit: bool) -> SkippedFile | None:
    """Why discovery does not read this path (lstat: a symbolic link is never followed), or None."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        target = os.readlink(path)
        return SkippedFile(path=str(path), rule="symlink", detail=f"symbolic link to {target}: not followed")
    if stat.S_ISDIR(mode):
        return None
    if not stat.S_ISREG(mode):
        return SkippedFile(
            path=str(path), rule="not_regular_file", detail=f"not a regular file ({_kind(mode)})"
        )
    rule = None if explicit else ignored_rule(path)
    return None if rule is None else SkippedFile(path=str(path), rule=rule[0], detail=rule[1])


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _walk(paths: Iterable[Path]) -> Iterator[Path]:
    """Every path under the given ones (folders walked sorted, links not followed)."""
    for path in paths:
        if not os.path.lexists(path):
            raise FileNotFoundError(f"no such file or folder: {path}")
        if _is_folder(path):
            yield from (p for p in sorted(path.rglob("*")) if not _is_folder(p))
        else:
            yield path


def _outside(path: Path, folder: Path) -> SkippedFile | None:
    """A `SkippedFile` when `path` (its folders' links resolved, not its own) is not inside `folder`."""
    where = Path(os.path.realpath(path.parent)) / path.name
    if where.is_relative_to(folder.resolve()):
        return None
    return SkippedFile(
        path=str(path), rule="outside_inbox", detail=f"not inside the inbox {folder}: not read"
    )


@dataclass
class Survey:
    """What discovery found: the files to consider (hashed) and the paths it left alone."""

    files: list[SourceFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def survey(paths: Iterable[Path], settle_seconds: float = 0.0, within: Path | None = None) -> Survey:
    """Every file under the given files/folders (sorted, each once) with its hash and size, and
    every path left alone by rule with the reason (see the module docstring).

    Ignored names are skipped inside folders; a regular file named explicitly is always taken,
    a symbolic link never. With `settle_seconds`, a file found in a folder and modified less than
    that long ago is neither taken nor skipped: it may still be being written, a later sweep
    decides it. With `within`, paths not inside that folder are skipped unread (`outside_inbox`):
    a service ingesting paths it is told about must not read anything else the process can.
    Raises FileNotFoundError for a path that does not exist.
    """
    now = time.time()
    paths = list(paths)
    named = {p.absolute() for p in paths if not _is_folder(p)}
    found = Survey()
    seen: set[Path] = set()
    for path in _walk(paths):
        absolute = path.absolute()
        if absolute in seen:
            continue
        seen.add(absolute)
        explicit = absolute in named  # named explicitly, even if a folder walk met it first
        try:
            skipped = (_outside(absolute, within) if within is not None else None) or _left_alone(
                absolute, explicit
            )
            if skipped is not None:
                found.skipped.append(skipped)
                continue
            status = absolute.stat()
            if not explicit and now - status.st_mtime < settle_seconds:
                continue
            digest = file_hash(absolute)
        except FileNotFoundError:  # removed while we walked: it is simply not here any more
            continue
        found.files.append(SourceFile(path=str(absolute), file_hash=digest, size_bytes=status.st_size))
    return found


def discover(paths: Iterable[Path], settle_seconds: float = 0.0) -> list[SourceFile]:
    """The files `survey` finds under the given files/folders (the paths it left alone dropped)."""
    return survey(paths, settle_seconds).files


def read_source(path: str, max_bytes: int) -> bytes:
    """A file's bytes; refuses files over `max_bytes` and reports I/O trouble as a domain error."""
    source = Path(path)
    try:
        size = source.stat().st_size
        if size > max_bytes:
            raise FileTooLarge(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit", path)
        return source.read_bytes()
    except PermissionError as exc:
        raise UnreadableFile(f"permission denied: {exc.strerror}", path) from None
    except FileNotFoundError:
        raise TransientError("file disappeared before it could be read", path) from None
    except IsADirectoryError:
        raise UnreadableFile("is a folder, not a file", path) from None
