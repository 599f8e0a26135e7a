"""The task_runner and dask_address settings: defaults, overrides, loud failures at start."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from prefect.settings import PREFECT_API_URL, temporary_settings

from communiques.cli import cli
from communiques.settings import load_settings
from schemas.errors import ConfigurationError
from tests.conftest import FIXTURES


def test_local_runner_is_the_default() -> None:
    settings = load_settings()
    assert settings.task_runner == "local" and settings.dask_address is None


def test_dask_runner_and_scheduler_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUES_TASK_RUNNER", "dask")
    monkeypatch.setenv("COMMUNIQUES_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    settings = load_settings()
    assert settings.task_runner == "dask" and settings.dask_address == "tcp://10.0.0.5:8786"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"COMMUNIQUES_TASK_RUNNER": "threads"}, "task_runner"),
        ({"COMMUNIQUES_DASK_ADDRESS": "tcp://scheduler:8786"}, "dask_address is set but task_runner"),
        ({"COMMUNIQUES_TASK_RUNNER": "dask", "COMMUNIQUES_DASK_ADDRESS": "scheduler"}, "dask_address"),
    ],
    ids=["unknown-runner", "address-without-dask", "address-without-port"],
)
def test_invalid_runner_settings_are_one_line(
    variables: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=named) as caught:
        load_settings()
    assert "\n" not in str(caught.value)
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and named.split()[0] in result.output


def test_remote_scheduler_needs_a_prefect_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUES_TASK_RUNNER", "dask")
    monkeypatch.setenv("COMMUNIQUES_DASK_ADDRESS", "tcp://127.0.0.1:9")
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        result = CliRunner().invoke(cli, ["ingest", "--no-progress", str(FIXTURES / "seeds")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        "Error: dask_address needs a Prefect server the Dask workers can reach: set PREFECT_API_URL"
    ]


@pytest.mark.timeout(60)
def test_unreachable_scheduler_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("flows.runners.CONNECT_SECONDS", 1.0)
    monkeypatch.setenv("COMMUNIQUES_TASK_RUNNER", "dask")
    monkeypatch.setenv("COMMUNIQUES_DASK_ADDRESS", "tcp://127.0.0.1:9")  # discard port: nothing listens
    started = time.monotonic()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        result = CliRunner().invoke(cli, ["ingest", "--no-progress", str(FIXTURES / "seeds")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: no Dask scheduler answers at tcp://127.0.0.1:9 (dask_address)")
    assert time.monotonic() - started < 30


def test_the_local_runner_never_imports_dask() -> None:
    """Dask costs imports: the default path (CLI, flow, runner choice) must not load it."""
    script = (
        "import sys\n"
        "from communiques.cli import flow_task_runner\n"
        "from communiques.settings import load_settings\n"
        "import flows.ingest, flows.runners\n"
        "with flow_task_runner(load_settings()) as runner:\n"
        "    assert runner is None\n"
        "dask = {'dask', 'distributed', 'prefect_dask'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in dask))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
