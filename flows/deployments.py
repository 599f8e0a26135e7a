"""Server mode: the deployments `communiques serve` runs against a Prefect server.

- `ingest-on-arrival`: triggered by each `communique.file.arrived` event, ingests that file;
- `sweep-inbox`: on a cron schedule, ingests whatever in the inbox was missed (files that came
  while the watcher was down, lost events), skipping files modified too recently to be complete.

Both run the same `ingest-communiques` flow with the same warehouse, inbox and quarantine.
Loads into one warehouse never overlap: every writer takes the warehouse's writer lock, and
the serve process runs at most `limit` flow runs at once.
"""

from __future__ import annotations

from typing import Any, cast

from prefect import serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.events import arrival_trigger
from flows.ingest import ingest

ARRIVAL_DEPLOYMENT = "ingest-on-arrival"
SWEEP_DEPLOYMENT = "sweep-inbox"


def build_deployments(
    parameters: dict[str, Any], *, inbox: str, sweep_cron: str, timezone: str, settle_seconds: float
) -> list[RunnerDeployment]:
    """The two deployments, with `parameters` (warehouse, quarantine, rules...) as their defaults."""
    shared = {**parameters, "inbox": inbox, "confine_to_inbox": True}  # event paths: never outside the inbox
    common: dict[str, Any] = {"entrypoint_type": EntrypointType.MODULE_PATH, "tags": ["communiques"]}
    on_arrival = ingest.to_deployment(
        name=ARRIVAL_DEPLOYMENT,
        triggers=[arrival_trigger()],
        parameters={**shared, "paths": []},
        description="Ingest one file when the watcher reports it complete (communique.file.arrived).",
        **common,
    )
    sweep = ingest.to_deployment(
        name=SWEEP_DEPLOYMENT,
        schedule=Cron(sweep_cron, timezone=timezone),
        parameters={**shared, "paths": [inbox], "settle_seconds": settle_seconds},
        description="Ingest anything in the inbox the events missed.",
        **common,
    )
    deployments = [on_arrival, sweep]
    assert all(isinstance(d, RunnerDeployment) for d in deployments)  # sync call: no coroutine
    return cast(list[RunnerDeployment], deployments)


def serve_deployments(deployments: list[RunnerDeployment], limit: int) -> None:
    """Register the deployments and run their flow runs here until interrupted."""
    serve(*deployments, limit=limit, print_starting_message=False)
