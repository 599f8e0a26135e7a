"""The event a watcher emits for each complete file in server mode, and the trigger that answers it.

`communique.file.arrived`, resource `communique.file.<sha256>`, payload `{"path", "sha256",
"size_bytes"}`. The ingest deployment's trigger turns the payload's path into the flow's
`paths` parameter, so the Prefect UI shows each arrival next to the flow run it caused.
"""

from __future__ import annotations

from pathlib import Path

from prefect.events import emit_event
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
from prefect.events.worker import EventsWorker

from schemas.errors import ConfigurationError
from schemas.records import SourceFile

FILE_ARRIVED = "communique.file.arrived"
RESOURCE_PREFIX = "communique.file."


def resource_id(file_hash: str) -> str:
    """The event resource of a file: its content hash, so one file is one resource wherever it lies."""
    return RESOURCE_PREFIX + file_hash


def announce(source: SourceFile) -> None:
    """Emit `communique.file.arrived` for a complete file (sent in the background; see `flush`)."""
    event = emit_event(
        event=FILE_ARRIVED,
        resource={
            "prefect.resource.id": resource_id(source.file_hash),
            "prefect.resource.name": Path(source.path).name,
        },
        payload={"path": source.path, "sha256": source.file_hash, "size_bytes": source.size_bytes},
    )
    if event is None:
        raise ConfigurationError(
            "events could not be emitted: set PREFECT_API_URL to a Prefect server (`prefect server start`)"
        )


def flush() -> None:
    """Wait until every emitted event has been sent."""
    EventsWorker.drain_all()


def arrival_trigger() -> DeploymentEventTrigger:
    """Run the ingest deployment on each `communique.file.arrived`, with the file as `paths`."""
    return DeploymentEventTrigger(
        name="on communique.file.arrived",
        expect={FILE_ARRIVED},
        match={"prefect.resource.id": RESOURCE_PREFIX + "*"},
        parameters={"paths": ["{{ event.payload.path }}"]},
    )
