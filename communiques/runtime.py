"""Process set-up done once at the entry point, before Prefect or Great Expectations is imported."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

from communiques.settings import Settings

QUIET_ENVIRONMENT = {
    "GX_ANALYTICS_ENABLED": "False",  # Great Expectations usage statistics
    "DO_NOT_TRACK": "1",  # Prefect client analytics
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # Prefect server analytics
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",  # run logs go to the API and the log file
    "PREFECT_SERVER_UI_ENABLED": "false",
}


def prepare_environment(settings: Settings) -> None:
    """Turn telemetry off and keep Prefect's local state under the data folder unless told otherwise.

    Variables the user has set win. Without PREFECT_HOME and PREFECT_API_URL, Prefect's
    ephemeral API keeps its database in `settings.prefect_home`, so two working
    directories never share state.
    """
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if "PREFECT_HOME" not in os.environ and "PREFECT_API_URL" not in os.environ:
        assert settings.prefect_home is not None
        os.environ["PREFECT_HOME"] = str(settings.prefect_home)


def log_to_file(settings: Settings) -> None:
    """Send Prefect's run logs (INFO and up) to `<logs>/communiques.log`."""
    assert settings.logs is not None
    from prefect import flow  # noqa: F401 - Prefect configures its loggers on import, dropping earlier handlers

    settings.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(settings.logs / "communiques.log", encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger("prefect").addHandler(handler)


def run_until_stopped(work: Callable[[threading.Event], None], on_stop: Callable[[str], None]) -> None:
    """Run `work(stop)` in a worker thread; the first SIGINT/SIGTERM sets `stop`, the second aborts.

    `work` is expected to finish what it is doing and return once `stop` is set. The worker
    thread keeps Prefect's own SIGTERM handling (which crashes a flow run in the main thread)
    out of the way, so a stop request lets the batch in flight complete. A second signal exits
    at once with status 130: whatever load was in flight is rolled back by DuckDB, exactly as
    after a crash. An exception raised by `work` is re-raised here.
    """
    stop = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        # A terminal's Ctrl-C goes to the whole process group: Prefect's API server and the
        # extraction workers this thread starts inherit a blocked SIGINT, so they live on to
        # finish the batch while the main thread turns the signal into a stop request.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            work(stop)
        except BaseException as exc:
            failure.append(exc)

    def handle(signum: int, _frame: object) -> None:
        if stop.is_set():
            on_stop("stopping now; the batch in flight is abandoned and will be redone")
            os._exit(130)
        stop.set()
        on_stop(f"{signal.Signals(signum).name}: finishing the current batch, then stopping (again to abort)")

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    worker = threading.Thread(target=target, name="communiques-worker")
    try:
        worker.start()
        while worker.is_alive():
            worker.join(timeout=0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure:
        raise failure[0]
