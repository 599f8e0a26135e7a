"""Test isolation: a private Prefect home and data folder, no telemetry, one Prefect API per session."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before Prefect or Great Expectations is imported anywhere in the test process.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="communiques-tests-"))
os.environ["PREFECT_HOME"] = str(_SESSION_HOME / "prefect")
os.environ["GX_ANALYTICS_ENABLED"] = "False"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "WARNING"
os.environ.pop("PREFECT_API_URL", None)

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test runs in its own working directory with no COMMUNIQUES_* settings leaking in."""
    for name in list(os.environ):
        if name.startswith("COMMUNIQUES_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect API (and database) for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def prefect_server_url() -> Iterator[str]:
    """A real `prefect server start` on 127.0.0.1 (own PREFECT_HOME) for tests of server mode and of
    `communiques` subprocesses, which then skip the ephemeral API's start-up. Stopped at the end."""
    from tests.servers import prefect_server

    with prefect_server(_SESSION_HOME / "prefect-server") as url:
        yield url
