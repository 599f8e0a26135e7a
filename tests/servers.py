"""Processes the slower tests start: a real Prefect server, and `communiques` commands beside it.

Everything started here is stopped by the same context manager, even when the test fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from communiques.runtime import QUIET_ENVIRONMENT

QUIET = QUIET_ENVIRONMENT  # telemetry off, Prefect quiet: the CLI's own settings
COMMUNIQUES = [sys.executable, "-m", "communiques"]


def free_port() -> int:
    """A TCP port nobody listens on right now (on 127.0.0.1)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[Any], sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Signal a process, wait for it, kill it when it does not exit in time; its exit code."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return int(process.returncode)


def wait_for(condition: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    """Poll `condition()` until it returns something truthy; AssertionError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@contextmanager
def prefect_server(home: Path, timeout: float = 120) -> Iterator[str]:
    """`prefect server start` on 127.0.0.1 with its own PREFECT_HOME; yields its API URL."""
    port = free_port()
    env = {**os.environ, **QUIET, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    home.mkdir(parents=True, exist_ok=True)
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:

        def healthy() -> bool:
            if process.poll() is not None:
                raise AssertionError("prefect server exited:\n" + (home / "server.log").read_text())
            try:
                return httpx.get(url + "/health", timeout=2).json() is True
            except httpx.HTTPError:
                return False

        wait_for(healthy, timeout, "the Prefect server to answer", interval=0.5)
        yield url
    finally:
        stop(process)
        log.close()


def command_env(data_dir: Path, api_url: str | None, **settings: str) -> dict[str, str]:
    """Environment for a `communiques` subprocess: its data folder, a Prefect API, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNIQUES_")}
    env.update(QUIET)
    env["COMMUNIQUES_DATA_DIR"] = str(data_dir)
    env["PREFECT_HOME"] = str(data_dir / "prefect-client")
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update({f"COMMUNIQUES_{k.upper()}": v for k, v in settings.items()})
    return env


def start_command(
    args: list[str], env: dict[str, str], log: Path, own_group: bool = False
) -> subprocess.Popen[bytes]:
    """Start `communiques ARGS` with stdout and stderr going to `log`.

    `own_group`: in a process group of its own, like a command started from a terminal, so
    `os.killpg` can play the terminal's Ctrl-C (which reaches every process of the group).
    """
    handle = log.open("wb")
    try:
        return subprocess.Popen(
            [*COMMUNIQUES, *args],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,
        )
    finally:
        handle.close()  # the child keeps its own descriptor


def api(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST (with a body) or GET one Prefect REST endpoint; the decoded JSON."""
    if body is None:
        response = httpx.get(url + path, timeout=10)
    else:
        response = httpx.post(url + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()
