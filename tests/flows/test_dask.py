"""Extraction on a Dask cluster (`task_runner = "dask"`): same records as the default runner.

The chunk tasks must really run in the Dask worker processes (each with its own extraction
pool), report to the same Prefect API, keep every listener on 127.0.0.1, print nothing on the
console and leave no process behind.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from prefect.task_runners import TaskRunner

from flows.ingest import ingest
from flows.runners import task_runner
from schemas.records import Execution, FileState
from tests.conftest import FIXTURES
from tests.flows.tracing import TRACE_ENV, traces
from warehouse.database import Warehouse
from warehouse.read import read_documents

pytestmark = pytest.mark.usefixtures("prefect_api")

# Four different documents (no duplicates, so the load order cannot change which one is kept):
# two texts, a rendered PDF and a real PDF.
INPUTS = [
    FIXTURES / "seeds" / "sco_cfm_press_release_2009-05-15.txt",
    FIXTURES / "corpus" / "2021-09-15-joint-leaders-statement-on-aukus.md",
    FIXTURES / "rendered" / "sco_heads_of_state_declaration_2003-05-29.pdf",
    FIXTURES / "corpus" / "WCPFC4-2007-OP09 [Declaration by El Salvador].pdf",
]
TRACED = Execution(workers=2, extractor="tests.flows.tracing:traced")


def run_ingest(inbox: Path, data: Path, runner: TaskRunner[Any] | None = None) -> tuple:
    """The ingest flow on `inbox` into `data/`, on `runner` (None: the flow's default)."""
    flow = ingest if runner is None else ingest.with_options(task_runner=runner)
    return flow(
        paths=[str(inbox)],
        warehouse=str(data / "warehouse.duckdb"),
        inbox=str(inbox),
        quarantine_dir=str(data / "quarantine"),
        execution=TRACED,
    )


def documents(data: Path) -> list[dict]:
    """Every loaded record as exported, in doc_id order (load order depends on timing)."""
    records = read_documents(Warehouse(data / "warehouse.duckdb"))
    return sorted((d.model_dump(mode="json") for d in records), key=lambda d: d["doc_id"])


def listeners(pids: set[int]) -> set[str]:
    """`host:port` of every listening TCP socket the processes `pids` hold (Linux /proc)."""
    inodes: set[str] = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].split(":")
                found.add(f"{decode_ip(address)}:{int(port, 16)}")
    return found


def decode_ip(hex_address: str) -> str:
    """A /proc/net/tcp address as text (IPv4; IPv6 shown as its hex)."""
    if len(hex_address) == 8:
        return ".".join(str(b) for b in reversed(bytes.fromhex(hex_address)))
    return hex_address


def alive(pid: int) -> bool:
    """Whether `pid` is a live process (not gone, not a zombie)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


@pytest.mark.timeout(120)
def test_dask_local_cluster_loads_the_same_records_as_the_default_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from distributed import Client
    from prefect_dask import DaskTaskRunner

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for f in INPUTS:
        shutil.copy(f, inbox / f.name)
    here, there = tmp_path / "trace-default", tmp_path / "trace-dask"
    here.mkdir()
    there.mkdir()

    monkeypatch.setenv(TRACE_ENV, str(here))
    started = time.monotonic()
    default, default_outcomes, failures = run_ingest(inbox, tmp_path / "default")
    default_seconds = time.monotonic() - started
    assert failures == [] and default.loaded == len(INPUTS)
    assert {parent for parent, _ in traces(here)} == {os.getpid()}  # the flow's own pool

    monkeypatch.setenv(TRACE_ENV, str(there))  # before the cluster starts: its workers inherit it
    capfd.readouterr()
    before = listeners({os.getpid()})
    started = time.monotonic()
    with task_runner("dask", None, workers=2) as runner:
        assert isinstance(runner, DaskTaskRunner) and runner.address
        with Client(runner.address, set_as_default=False) as client:
            dask_workers = set(client.run(os.getpid).values())
        summary, outcomes, failures = run_ingest(inbox, tmp_path / "dask", runner)
        open_ports = listeners({os.getpid(), *dask_workers}) - before
    dask_seconds = time.monotonic() - started
    with capfd.disabled():
        print(f"\ndefault runner {default_seconds:.1f} s, dask (cluster included) {dask_seconds:.1f} s")

    assert failures == [] and summary.loaded == len(INPUTS)
    assert [o.state for o in outcomes] == [FileState.LOADED] * len(INPUTS)
    assert documents(tmp_path / "dask") == documents(tmp_path / "default")
    assert sorted(o.doc_id or "" for o in outcomes) == sorted(o.doc_id or "" for o in default_outcomes)

    # Chunk tasks ran in the Dask workers, each extracting in a child of its own pool.
    extracted = traces(there)
    parents = {parent for parent, _ in extracted}
    assert len(dask_workers) == 2 and os.getpid() not in dask_workers
    assert parents and parents <= dask_workers
    # Only loopback listeners, no dashboard on 8787; nothing from Dask on the console.
    assert open_ports and all(a.startswith("127.0.0.1:") for a in open_ports), open_ports
    assert not any(a.endswith(":8787") for a in open_ports)
    console = capfd.readouterr()
    assert "distributed" not in console.err + console.out and "dashboard" not in console.err.lower()
    # The cluster is shut down: workers and their extraction children are gone.
    deadline = time.monotonic() + 10
    remaining = {pid for pair in extracted for pid in pair} | dask_workers
    while remaining and time.monotonic() < deadline:
        remaining = {pid for pid in remaining if alive(pid)}
        time.sleep(0.1)
    assert not remaining
    assert extraction_states(summary.run_id) == ["COMPLETED"] * len(INPUTS)  # workers reached the API


def extraction_states(flow_run_id: str, wait: float = 20) -> list[str]:
    """States of the flow run's extraction task runs in the Prefect API (waits while they catch up)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + wait
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            states = sorted(
                str(r.state_type.value) for r in runs if r.name.startswith("extract ") and r.state_type
            )
            final = len(states) == len(INPUTS) and states.count("COMPLETED") == len(states)
            if final or time.monotonic() > deadline:
                return states
            time.sleep(0.2)
