"""The quarantine folder: refused files land here beside a sidecar that says why.

Files inside the inbox are moved (the inbox is ours to empty); files named from elsewhere are
copied, so the pipeline never deletes a user's file outside its inbox. Bytes are never changed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Collection
from pathlib import Path

from schemas.errors import MissingFile
from schemas.records import SIDECAR_SUFFIX
from warehouse.database import Warehouse
from warehouse.read import list_quarantine

_NAME_BYTES = 200  # of the 255 a file name may have: room for the hash prefix and the sidecar suffix
_HASH = re.compile(r"[0-9a-f]{64}")


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder: no separators, no leading dots or dashes, at most
    200 bytes in UTF-8 (a long name is cut before its extension, which stays)."""
    base = re.sub(r"[\x00-\x1f/\\]", "_", Path(name).name).lstrip(".-") or "unnamed"
    if len(base.encode()) <= _NAME_BYTES:
        return base
    suffix = Path(base).suffix if len(Path(base).suffix.encode()) <= 16 else ""
    room = _NAME_BYTES - len(suffix.encode())
    stem = base[: len(base) - len(suffix)].encode()[:room].decode("utf-8", errors="ignore")
    return stem + suffix


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def quarantine_target(source_path: str, file_hash: str, quarantine_dir: Path) -> Path:
    """Where a refused file is kept: `<quarantine>/<hash prefix>-<safe name>` (the same every time).

    Raises ValueError when `file_hash` is not a SHA-256 in hex (it is part of the name).
    """
    if not _HASH.fullmatch(file_hash):
        raise ValueError(f"not a SHA-256 hex digest: {file_hash[:80]!r}")
    return quarantine_dir / f"{file_hash[:12]}-{safe_name(Path(source_path).name)}"


def quarantine_file(
    source_path: str, file_hash: str, category: str, reason: str, *, quarantine_dir: Path, inbox: Path
) -> Path:
    """Move (from the inbox) or copy (from elsewhere) a refused file into quarantine with its sidecar.

    The destination is `<quarantine>/<hash prefix>-<name>`, so two refused files with one name
    never overwrite each other and the same file quarantined twice lands in the same place.
    """
    source = Path(source_path)
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_target(source_path, file_hash, quarantine_dir)
    if not target.exists():
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    sidecar = target.with_name(target.name + SIDECAR_SUFFIX)
    sidecar.write_text(
        f"file: {source}\nsha256: {file_hash}\ncategory: {category}\nreason: {reason}\n"
        f"quarantined_at: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n",
        encoding="utf-8",
    )
    if _is_inside(source, inbox) and source.exists():
        source.unlink()
    return target


def restore(quarantine_path: str, source_path: str) -> Path:
    """Put a quarantined file back where it came from so it can be ingested again; returns that path.

    The file returns to its original path (atomically). When a file is already there (the
    quarantined one was a copy), the original is taken if it still has the same bytes and the
    copy is dropped; otherwise the copy is taken where it lies. The sidecar is removed.
    """
    held, original = Path(quarantine_path), Path(source_path)
    if not held.exists():
        if original.exists():
            return original
        raise MissingFile(f"quarantined file {held} is gone and {original} does not exist", source_path)
    if original.exists():
        if original.read_bytes() == held.read_bytes():
            held.unlink()
            target = original
        else:
            target = held
    else:
        original.parent.mkdir(parents=True, exist_ok=True)
        partial = original.with_name(original.name + ".part")
        shutil.copyfile(held, partial)
        os.replace(partial, original)
        held.unlink()
        target = original
    held.with_name(held.name + SIDECAR_SUFFIX).unlink(missing_ok=True)
    return target


def requeue(
    wh: Warehouse, *, categories: Collection[str] | None = None, names: Collection[str] = ()
) -> list[Path]:
    """Put quarantined files back for another ingest; returns the paths to ingest.

    Selects files still in quarantine whose category is in `categories` (None: any) and, when
    `names` is given, whose file name, original path, quarantine path or hash prefix is named.
    """
    chosen = []
    for held in list_quarantine(wh):
        if categories is not None and held.category not in categories:
            continue
        keys = {held.source_file, held.source_path, held.quarantine_path or ""}
        if names and not any(n in keys or (len(n) >= 8 and held.file_hash.startswith(n)) for n in names):
            continue
        chosen.append(restore(held.quarantine_path or held.source_path, held.source_path))
    return chosen
