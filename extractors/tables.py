"""The package's data tables (extractors/data/*.json), loaded once and cached."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def table(name: str) -> Any:
    """Return the parsed JSON table `extractors/data/<name>.json` (loaded on first use, then cached)."""
    source = resources.files("extractors").joinpath("data", f"{name}.json")
    return json.loads(source.read_text(encoding="utf-8"))
