"""An extractor that notes which process ran it, for tests of where extraction happens.

It is `extractors.document.process_file`, plus an empty file `<pid of the pool's parent>-<own pid>`
in the folder named by `$EXTRACTION_TRACE_DIR` (inherited by every worker process).
"""

from __future__ import annotations

import os
from pathlib import Path

from extractors.document import process_file
from schemas.records import BatchItem, ExtractOptions, SourceFile

TRACE_ENV = "EXTRACTION_TRACE_DIR"


def traced(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """Extract as usual; record (parent pid, own pid) of this extraction child."""
    (Path(os.environ[TRACE_ENV]) / f"{os.getppid()}-{os.getpid()}").touch()
    return process_file(source, options)


def traces(folder: Path) -> set[tuple[int, int]]:
    """The (parent pid, child pid) pairs recorded in `folder`."""
    pairs = (p.name.split("-") for p in folder.iterdir())
    return {(int(parent), int(child)) for parent, child in pairs}
