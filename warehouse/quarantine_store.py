"""The quarantine folder: refused files land here beside a sidecar that says why.

Files inside the inbox are moved (the inbox is ours to empty); files named from elsewhere are
copied, so the pipeline never deletes a user's file outside its inbox. Bytes are never changed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

SIDECAR_SUFFIX = ".reason.txt"


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder: no separators, no leading dots or dashes."""
    base = re.sub(r"[\x00-\x1f/\\]", "_", Path(name).name).lstrip(".-") or "unnamed"
    return base[:200]


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def quarantine_file(
    source_path: str, file_hash: str, category: str, reason: str, *, quarantine_dir: Path, inbox: Path
) -> Path:
    """Move (from the inbox) or copy (from elsewhere) a refused file into quarantine with its sidecar.

    The destination is `<quarantine>/<hash prefix>-<name>`, so two refused files with one name
    never overwrite each other and the same file quarantined twice lands in the same place.
    """
    source = Path(source_path)
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / f"{file_hash[:12]}-{safe_name(source.name)}"
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
