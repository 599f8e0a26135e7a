"""A progress hook the command line installs; flows report to it, and to nothing when none is set."""

from __future__ import annotations

from typing import Protocol


class ProgressReporter(Protocol):
    """What the flow tells whoever is watching."""

    def start(self, total: int) -> None:
        """The number of files that will be worked on."""

    def advance(self, done: int = 1) -> None:
        """`done` more files finished."""


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, done: int = 1) -> None:
        pass


_reporter: ProgressReporter = _Silent()


def set_reporter(reporter: ProgressReporter | None) -> None:
    """Install a reporter for flows run in this process (None restores silence)."""
    global _reporter
    _reporter = reporter if reporter is not None else _Silent()


def reporter() -> ProgressReporter:
    """The reporter in force."""
    return _reporter
