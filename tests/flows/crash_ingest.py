"""Run `communiques ingest` and SIGKILL the process at a chosen point: the crash-safety test's driver.

usage: python tests/flows/crash_ingest.py PHASE:CALL:DATA_DIR [PHASE:CALL:DATA_DIR ...]

For each job, a child process runs `communiques ingest --no-progress` on DATA_DIR (as
COMMUNIQUES_DATA_DIR; the rest of the environment is this process's) and kills itself with
SIGKILL (no clean-up, no finally blocks) the CALL-th time it reaches PHASE. Everything is done by
wrapping functions from the outside before the real command line runs, so production code carries
no test hooks. The phases:

- `extract`: as a file is handed to an extraction worker process (`flows.pool.Worker.extract`);
- `quality`: in the quality gate, after Great Expectations validated the batch and before its
  verdicts are applied;
- `load`: inside the load transaction, after `insert_documents` wrote the documents and their
  child rows, before the quality results, ledger rows and the commit;
- `quarantine`: after the load committed, inside the quarantine move: the refused file has been
  copied to `<quarantine>/<name>.part`, not yet renamed into place nor removed from the inbox;
- `quarantine-record`: after the load committed, as the refused file's place in quarantine is
  about to be recorded with `record_quarantine_path` (which happens before the move).

The children are forked from this process once it has imported the pipeline and warmed its
lazy caches (Great Expectations, the extractors' lexicons), which saves each of them ~5 s of
start-up. Each child's output goes to `<DATA_DIR>/../killed.log`. Prints one JSON object per
job: phase, pid and status (the negative signal number when killed, like `subprocess`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import traceback
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import datetime as dt

    import duckdb

    from schemas.records import Communique

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
        import flows.pool

        flows.pool.Worker.extract = before(flows.pool.Worker.extract, countdown)  # type: ignore[method-assign]
    elif phase == "quality":
        flows.ingest.validate = after(flows.ingest.validate, countdown)
    elif phase == "load":
        real_insert = warehouse.ledger.insert_documents

        def insert_then_die(
            con: duckdb.DuckDBPyConnection, docs: Sequence[Communique], run_id: str, loaded_at: dt.datetime
        ) -> None:
            real_insert(con, docs, run_id, loaded_at)
            if docs and countdown.reached():  # documents and child rows written, not committed
                die()

        warehouse.ledger.insert_documents = insert_then_die
    elif phase == "quarantine":
        copy = after(shutil.copyfile, countdown)  # the copy to `<name>.part` is complete
        setattr(warehouse.quarantine_store, "shutil", types.SimpleNamespace(copyfile=copy))  # noqa: B010
    elif phase == "quarantine-record":
        flows.ingest.record_quarantine_path = before(flows.ingest.record_quarantine_path, countdown)


def warm_up() -> None:
    """Import the pipeline, Great Expectations and fill the extractors' lazy caches, starting no
    thread (a thread would not survive the fork, and any lock it held would stay held)."""
    import great_expectations.expectations  # noqa: F401

    import communiques.cli  # noqa: F401
    import flows.ingest  # noqa: F401
    from extractors.document import build_communique

    seed = Path(__file__).parent.parent / "fixtures" / "seeds" / "sco_cfm_press_release_2009-05-15.txt"
    build_communique(seed.read_bytes(), seed.name, "0" * 64)
    assert threading.active_count() == 1, "warm-up started a thread: forking would be unsafe"


def child(phase: str, at: int, data_dir: Path) -> NoReturn:
    """In the forked child: arm the kill, run the command line, exit with its status."""
    log = os.open(data_dir.parent / "killed.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ["COMMUNIQUES_DATA_DIR"] = str(data_dir)
    status = 0
    try:
        arm(phase, at)
        from communiques.cli import main as communiques

        sys.argv = ["communiques", "ingest", "--no-progress"]
        communiques()
    except SystemExit as done:
        status = (done.code or 0) if isinstance(done.code, int | None) else 1
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


def main() -> None:
    """Fork one child per job, wait for them all, print their pids and exit statuses."""
    jobs = [job.split(":", 2) for job in sys.argv[1:]]
    for phase, _, _ in jobs:
        if phase not in PHASES:
            raise SystemExit(f"unknown phase {phase!r}; one of {', '.join(PHASES)}")
    warm_up()
    sys.stdout.flush()
    pids = {}
    for phase, at, data_dir in jobs:
        pid = os.fork()
        if pid == 0:
            child(phase, int(at), Path(data_dir))
        pids[pid] = phase
    for pid, phase in pids.items():
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(json.dumps({"phase": phase, "pid": pid, "status": code}))


if __name__ == "__main__":
    main()
