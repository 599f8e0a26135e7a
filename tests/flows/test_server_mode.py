"""Server mode against a real Prefect server: `communiques serve` + `communiques watch --server`.

Files dropped into the inbox become `communique.file.arrived` events, each event a flow run of
the `ingest-on-arrival` deployment, each run rows in DuckDB; the `sweep-inbox` deployment (on a
cron schedule) takes a file that arrived while no watcher ran.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import FIXTURES
from tests.servers import api, command_env, start_command, stop, wait_for
from warehouse.database import is_lock_error

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
pytestmark = pytest.mark.timeout(300)


def variant(number: int) -> str:
    text = SEEDS[number % len(SEEDS)].read_text(encoding="utf-8")
    return text + f"\n\nThe parties agreed to meet again on item {number * 104729}.\n"


def loaded_files(warehouse: Path) -> set[str]:
    """Names of the loaded documents' files (empty while a writer holds the file)."""
    if not warehouse.exists():
        return set()
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return {row[0] for row in con.execute("SELECT source_file FROM documents").fetchall()}
    except duckdb.Error as error:
        if is_lock_error(error) or "does not exist" in str(error):
            return set()
        raise


def deployments(url: str) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in api(url, "/deployments/filter", {})}


def flow_runs(url: str, deployment_id: str) -> list[dict[str, Any]]:
    body = {"flow_runs": {"deployment_id": {"any_": [deployment_id]}}}
    return list(api(url, "/flow_runs/filter", body))


def completed(url: str, deployment_id: str) -> list[dict[str, Any]]:
    return [r for r in flow_runs(url, deployment_id) if r["state_type"] == "COMPLETED"]


def test_arrivals_trigger_flow_runs_and_the_sweep_catches_what_was_missed(
    tmp_path: Path, prefect_server_url: str
) -> None:
    url = prefect_server_url
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "missed.txt").write_text(variant(0), encoding="utf-8")  # before anything watches
    env = command_env(data, url, watch__settle_seconds="0.5")
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "1"
    server = start_command(["serve"], env, tmp_path / "serve.log")
    watcher = None
    try:
        found = wait_for(
            lambda: {"ingest-on-arrival", "sweep-inbox"} <= set(deployments(url)) and deployments(url),
            90,
            "the served deployments",
        )
        arrival, sweep = found["ingest-on-arrival"], found["sweep-inbox"]
        assert [s["schedule"]["cron"] for s in sweep["schedules"]] == ["*/15 * * * *"]
        assert sweep["parameters"]["paths"] == [str(inbox)]
        assert arrival["parameters"]["warehouse"] == str(data / "warehouse.duckdb")

        watcher = start_command(["watch", "--server"], env, tmp_path / "watch.log")
        wait_for(lambda: "watching" in (tmp_path / "watch.log").read_text(), 60, "the watcher")
        for number in (1, 2):
            partial = inbox / f"arrival-{number}.txt.part"
            partial.write_text(variant(number), encoding="utf-8")
            partial.rename(inbox / f"arrival-{number}.txt")
        warehouse = data / "warehouse.duckdb"
        wait_for(
            lambda: loaded_files(warehouse) >= {"arrival-1.txt", "arrival-2.txt"}, 120, "the arrivals loaded"
        )
        assert "missed.txt" not in loaded_files(warehouse)  # server-mode watchers do not sweep
        runs = wait_for(
            lambda: len(completed(url, arrival["id"])) >= 2 and completed(url, arrival["id"]), 60, "runs"
        )
        assert sorted(Path(r["parameters"]["paths"][0]).name for r in runs) == [
            "arrival-1.txt",
            "arrival-2.txt",
        ]

        events = api(url, "/events/filter", {"filter": {"event": {"name": ["communique.file.arrived"]}}})
        arrived = {e["payload"]["path"]: e["resource"]["prefect.resource.id"] for e in events["events"]}
        assert set(arrived) == {str(inbox / "arrival-1.txt"), str(inbox / "arrival-2.txt")}
        assert all(
            rid.startswith("communique.file.") and len(rid) == len("communique.file.") + 64
            for rid in arrived.values()
        )

        # The scheduled sweep, run now rather than at the next quarter hour.
        api(url, f"/deployments/{sweep['id']}/create_flow_run", {})
        wait_for(lambda: "missed.txt" in loaded_files(warehouse), 120, "the sweep to load the missed file")
        wait_for(lambda: completed(url, sweep["id"]), 60, "the sweep run to complete")
        assert loaded_files(warehouse) == {"missed.txt", "arrival-1.txt", "arrival-2.txt"}
    finally:
        codes = [stop(p, signal.SIGINT) for p in (watcher, server) if p is not None]
    assert codes == [0, 0]
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
    watch_log = (tmp_path / "watch.log").read_text()
    assert "Traceback" not in watch_log and watch_log.rstrip().endswith("stopped")
