"""Golden files: expected outputs kept under tests/fixtures/golden/.

To regenerate them after an intended change, run the tests with UPDATE_GOLDEN=1, e.g.
``UPDATE_GOLDEN=1 pytest tests/extractors``, then read the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from schemas.records import CleanDocument

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


def check_golden(name: str, actual: str) -> None:
    """Assert `actual` equals the golden file `name` (written instead when UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path} (UPDATE_GOLDEN=1 rewrites it if intended)"


def check_clean_golden(stem: str, clean: CleanDocument) -> None:
    """Compare a clean document with `<stem>.clean.txt` (its text) and `<stem>.blocks.json` (its blocks)."""
    check_golden(f"{stem}.clean.txt", clean.text + "\n")
    blocks = [block.model_dump() for block in clean.blocks]
    check_golden(f"{stem}.blocks.json", json.dumps(blocks, indent=1, ensure_ascii=False) + "\n")
