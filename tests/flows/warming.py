"""An extractor module with a `warm_up` hook that leaves a mark (for the worker start-up test)."""

from __future__ import annotations

import os
from pathlib import Path

from extractors.document import process_file

extract = process_file


def warm_up() -> None:
    """Record this process's id in the file named by $WARM_UP_MARK."""
    with Path(os.environ["WARM_UP_MARK"]).open("a") as mark:
        mark.write(f"{os.getpid()}\n")
