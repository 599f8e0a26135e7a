"""The error hierarchy: one base, transient (worth a retry) or terminal (quarantine)."""

from __future__ import annotations


class CommuniqueError(Exception):
    """Base of every domain error; carries the file it concerns and what was wrong."""

    category = "error"

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class TransientError(CommuniqueError):
    """Worth a retry: a locked file, a busy database."""

    category = "transient"


class TerminalError(CommuniqueError):
    """Retrying will not help: the input itself is bad. The file goes to quarantine."""

    category = "terminal"


class EmptyDocument(TerminalError):
    """The file is empty or yields (almost) no text."""

    category = "empty_document"


class UnreadableFile(TerminalError):
    """The bytes are not what the file name claims (e.g. not a PDF), or are corrupt/truncated."""

    category = "unreadable_file"


class UnsupportedFormat(TerminalError):
    """No extractor handles this kind of file."""

    category = "unsupported_format"


class TimeLimit(TerminalError):
    """Extraction ran past the per-document time limit (the parser loops, or the file is huge)."""

    category = "time_limit"


class ResourceLimit(TerminalError):
    """Extraction needed more memory than the per-document limit (e.g. a decompression bomb)."""

    category = "memory_limit"


class WorkerDied(TerminalError):
    """The process extracting the file died (a crash in native code, a signal)."""

    category = "worker_died"


class WarehouseBusy(TransientError):
    """The DuckDB file is locked by another writer."""

    category = "warehouse_busy"


class MissingFile(CommuniqueError):
    """A file the warehouse records is no longer where it should be (moved or deleted by hand)."""

    category = "missing_file"


class ConfigurationError(CommuniqueError):
    """A setting is missing or invalid; reported at start-up."""

    category = "configuration"
