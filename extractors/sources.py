"""Finding and reading source files: the only place the extractors touch the file system.

`discover` walks the given files and folders and hashes each file in streaming fashion;
`read_source` reads one file's bytes with a size limit.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from schemas.errors import TerminalError, TransientError, UnreadableFile
from schemas.records import SourceFile

CHUNK = 1024 * 1024
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".reason.txt")


class FileTooLarge(TerminalError):
    """The file is larger than the configured limit."""

    category = "too_large"


def is_ignored(path: Path) -> bool:
    """Temporary and hidden files (`*.part`, `*.tmp`, `~$x`, dotfiles) and quarantine sidecars."""
    name = path.name
    return name.startswith((".", "~$")) or name.lower().endswith(IGNORED_SUFFIXES)


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")


def discover(paths: Iterable[Path], settle_seconds: float = 0.0) -> list[SourceFile]:
    """Every file under the given files/folders (sorted, each once), with its hash and size.

    Ignored names are skipped inside folders; a file named explicitly is always taken. With
    `settle_seconds`, a file found in a folder and modified less than that long ago is left for
    a later sweep: it may still be being written.
    Raises FileNotFoundError for a path that does not exist.
    """
    now = time.time()
    paths = list(paths)
    explicit = {p.absolute() for p in paths if p.is_file()}
    seen: set[Path] = set()
    found: list[SourceFile] = []
    for path in _walk(paths):
        absolute = path.absolute()
        if absolute in seen or (absolute not in explicit and is_ignored(path)):
            continue
        seen.add(absolute)
        try:
            stat = absolute.stat()
            if absolute not in explicit and now - stat.st_mtime < settle_seconds:
                continue
            digest = file_hash(absolute)
        except FileNotFoundError:  # removed while we walked: it is simply not here any more
            continue
        found.append(SourceFile(path=str(absolute), file_hash=digest, size_bytes=stat.st_size))
    return found


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
