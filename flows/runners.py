"""Where the ingest flow's extraction tasks run: threads of this process, or a Dask cluster.

With `"local"` the flow keeps its default task runner (Prefect's thread pool in this process).
With `"dask"` each chunk task runs in a Dask worker process, through `prefect-dask`: on a
`LocalCluster` started here, or on the cluster whose scheduler is at `address`. Either way a
task takes an extraction child from its own process's pool (`flows.pool`), so the per-document
time and memory limits hold on every worker.

Dask is imported only here and only for `"dask"` (about half a second of imports).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from schemas.errors import ConfigurationError

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

CONNECT_SECONDS = 10.0  # to reach a given scheduler at start


def api_url_for_workers() -> str:
    """The Prefect API the Dask workers report their task runs to.

    `PREFECT_API_URL` when one is set (a server, or the test harness); otherwise this process's
    ephemeral API, started now (the flow run uses the same one), so worker processes join it
    instead of each starting their own.
    """
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url:
        return str(url)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    return server.api_url


def local_cluster_options(workers: int, api_url: str) -> dict[str, Any]:
    """`LocalCluster` keyword arguments: `workers` single-threaded processes, quiet, on 127.0.0.1 only.

    The dashboard is off (`dashboard_address=None`); the scheduler's small HTTP endpoint
    (health, metrics) that Dask starts anyway takes a free port on 127.0.0.1 instead of 8787,
    so two clusters never clash (nor warn about it). Workers run `dask_setup` below (preload)
    and get the Prefect API in their environment.
    """
    import logging

    return {
        "n_workers": workers,
        "processes": True,
        "threads_per_worker": 1,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
        "silence_logs": logging.ERROR,
        "env": {"PREFECT_API_URL": api_url},
        "preload": [__name__],
    }


def dask_setup(worker: object) -> None:
    """Worker preload: ignore SIGINT, so a Ctrl-C at the terminal (sent to the whole process group)
    leaves stopping to the command, which finishes its batch and then closes the cluster."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def check_scheduler(address: str) -> None:
    """Fail with one clear line when no Dask scheduler answers at `address`."""
    from distributed import Client

    try:
        with Client(address, timeout=CONNECT_SECONDS, set_as_default=False):
            pass
    except (OSError, TimeoutError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigurationError(f"no Dask scheduler answers at {address} (dask_address): {reason}") from None


@contextmanager
def task_runner(
    kind: Literal["local", "dask"], address: str | None, workers: int
) -> Iterator[TaskRunner[Any] | None]:
    """The task runner for the flow runs made inside the block (None: the flow's own, threads here).

    `"dask"` without `address` starts a `LocalCluster` of `workers` processes for the whole block
    (a `watch` pays its start-up once) and shuts it down when the block ends. With `address`,
    each flow run connects to that scheduler; its workers must reach a Prefect server, so
    `PREFECT_API_URL` must be set (the ephemeral API lives in this process).
    """
    if kind == "local":
        yield None
        return
    from prefect.settings import PREFECT_API_URL
    from prefect_dask import DaskTaskRunner

    if address is not None:
        if not PREFECT_API_URL.value():
            raise ConfigurationError(
                "dask_address needs a Prefect server the Dask workers can reach: set PREFECT_API_URL"
            )
        check_scheduler(address)
        yield DaskTaskRunner(address=address)
        return
    from distributed import LocalCluster

    with LocalCluster(**local_cluster_options(workers, api_url_for_workers())) as cluster:
        yield DaskTaskRunner(address=cluster.scheduler_address)
