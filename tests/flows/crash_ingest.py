"""Run `communiques ingest` and SIGKILL the process at a chosen point: the crash-safety test's driver.

usage: python tests/flows/crash_ingest.py PHASE CALL [INGEST ARGS...]

PHASE is one of `PHASES`; the process kills itself (SIGKILL: no clean-up, no finally blocks)
the CALL-th time it reaches that point. Everything is done by wrapping functions from the
outside before the real command line runs, so production code carries no test hooks:

- `extract`: as `flows.ingest.process_file` starts reading a file;
- `quality`: in the quality gate, after Great Expectations validated the batch and before its
  verdicts are applied;
- `load`: inside the load transaction, after `insert_documents` wrote the documents and their
  child rows, before the quality results, ledger rows and the commit;
- `quarantine`: after the load committed, inside the quarantine move: the refused file has been
  copied to `<quarantine>/<name>.part`, not yet renamed into place nor removed from the inbox;
- `quarantine-record`: after the move (file in quarantine, gone from the inbox), before the
  move is recorded with `record_quarantine_path`.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

PHASES = ("extract", "quality", "load", "quarantine", "quarantine-record")


def die() -> None:
    """Kill this process the hard way, as a power cut or the OOM killer would."""
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class Countdown:
    """Counts calls across threads (extract tasks run in a thread pool); true on the `at`-th."""

    def __init__(self, at: int) -> None:
        self.at, self.calls = at, 0
        self.lock = threading.Lock()

    def reached(self) -> bool:
        with self.lock:
            self.calls += 1
            return self.calls == self.at


def before(original: Callable[..., Any], countdown: Countdown) -> Callable[..., Any]:
    """`original`, except that the countdown's call dies before doing anything."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if countdown.reached():
            die()
        return original(*args, **kwargs)

    return wrapper


def after(original: Callable[..., Any], countdown: Countdown) -> Callable[..., Any]:
    """`original`, except that the countdown's call dies right after it returned."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if countdown.reached():
            die()
        return result

    return wrapper


def arm(phase: str, at: int) -> None:
    """Wrap the function where `phase` dies, the `at`-th time it is called."""
    import flows.ingest
    import warehouse.ledger
    import warehouse.quarantine_store

    countdown = Countdown(at)
    if phase == "extract":
        flows.ingest.process_file = before(flows.ingest.process_file, countdown)
    elif phase == "quality":
        flows.ingest.validate = after(flows.ingest.validate, countdown)
    elif phase == "load":
        real_insert = warehouse.ledger.insert_documents

        def insert_then_die(con: Any, docs: Any, *args: Any) -> None:
            real_insert(con, docs, *args)
            if docs and countdown.reached():  # documents and child rows written, not committed
                die()

        warehouse.ledger.insert_documents = insert_then_die
    elif phase == "quarantine":
        copy = after(shutil.copyfile, countdown)  # the copy to `<name>.part` is complete
        setattr(warehouse.quarantine_store, "shutil", types.SimpleNamespace(copyfile=copy))  # noqa: B010
    elif phase == "quarantine-record":
        flows.ingest.record_quarantine_path = before(flows.ingest.record_quarantine_path, countdown)
    else:
        raise SystemExit(f"unknown phase {phase!r}; one of {', '.join(PHASES)}")


def main() -> None:
    """Arm the kill, then run `communiques ingest --no-progress ARGS` in this process."""
    phase, at, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    arm(phase, at)
    from communiques.cli import main as communiques

    sys.argv = ["communiques", "ingest", "--no-progress", *rest]
    communiques()


if __name__ == "__main__":
    main()
