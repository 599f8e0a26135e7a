"""Extractors that misbehave on purpose, run by the worker processes of tests (`Execution.extractor`).

Each behaves like `extractors.document.process_file` except for the trouble in its name. State
that must survive across processes (how many times a file was tried) lives in files beside it.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from extractors.document import process_file
from schemas.errors import TransientError
from schemas.records import BatchItem, ExtractOptions, SourceFile


def attempts(source: SourceFile) -> int:
    """Count this call in `<file>.attempts` (beside the file's folder) and return the count so far."""
    marker = Path(source.path).parent.parent / (Path(source.path).name + ".attempts")
    count = int(marker.read_text()) + 1 if marker.exists() else 1
    marker.write_text(str(count))
    return count


def flaky_once(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """A transient error on the first try of each file, then the real extraction."""
    if attempts(source) == 1:
        raise TransientError("file locked by another program", source.path)
    return process_file(source, options)


def always_locked(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """A transient error every time."""
    attempts(source)
    raise TransientError("file locked by another program", source.path)


def broken(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """A bug: an exception that is no domain error."""
    attempts(source)
    raise KeyError("a bug in a parser")


def loops(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """Never returns on files named `loop*`, like a parser caught in a cycle."""
    while Path(source.path).name.startswith("loop"):
        pass
    return process_file(source, options)


def hogs_memory(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """Needs far more memory than any limit on files named `bomb*`, like a decompression bomb."""
    if Path(source.path).name.startswith("bomb"):
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(1024)]  # 64 GiB
        del hoard
    return process_file(source, options)


def crashes(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """Dies of a segmentation fault on files named `crash*`, like a bug in native code."""
    if Path(source.path).name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return process_file(source, options)


def slow(source: SourceFile, options: ExtractOptions) -> BatchItem:
    """Takes a second longer than the real extraction (waiting, not computing)."""
    time.sleep(1.0)
    return process_file(source, options)
