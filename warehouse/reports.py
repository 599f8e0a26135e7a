"""Run accounting and the run summary shown to people (CLI and Prefect artifact)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePath

from schemas.records import FileFailure, FileOutcome, FileState, RunSummary


def tally(
    run: RunSummary,
    outcomes: Sequence[FileOutcome],
    *,
    seen: int,
    unchanged: int,
    failed: int,
    skipped: int = 0,
) -> RunSummary:
    """The run's counts from the outcomes of its loads; status `failed` when any file failed.

    `seen` counts every path found: loaded + duplicates + quarantined + skipped + unchanged + failed.
    """
    states = Counter(o.state for o in outcomes)
    return run.model_copy(
        update={
            "finished_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "status": "failed" if failed else "completed",
            "files_seen": seen,
            "loaded": states[FileState.LOADED],
            "duplicates": states[FileState.DUPLICATE],
            "quarantined": states[FileState.QUARANTINED],
            "unchanged": unchanged,
            "failed": failed,
            "skipped": skipped,
        }
    )


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(
    summary: RunSummary, outcomes: Sequence[FileOutcome], failures: Sequence[FileFailure]
) -> str:
    """A Markdown report of one run: the counts, then every quarantined and failed file with its reason."""
    lines = [
        f"# Ingest run {summary.run_id}",
        "",
        "| seen | loaded | duplicates | quarantined | skipped | unchanged | failed |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {summary.files_seen} | {summary.loaded} | {summary.duplicates} | {summary.quarantined} "
        f"| {summary.skipped} | {summary.unchanged} | {summary.failed} |",
    ]
    refused = [o for o in outcomes if o.state is FileState.QUARANTINED]
    if refused:
        lines += ["", "## Quarantined", "", "| file | category | reason |", "|---|---|---|"]
        lines += [
            f"| {_escape(PurePath(o.source_path).name)} | {o.category} | {_escape(o.reason or '')} |"
            for o in refused
        ]
    if failures:
        lines += ["", "## Failed (left in place, retried next run)", ""]
        lines += [f"- {_escape(str(f))}" for f in failures]
    return "\n".join(lines) + "\n"


def outcome_table(outcomes: Sequence[FileOutcome], titles: Mapping[str, str | None]) -> list[dict[str, str]]:
    """One row per file a run decided (loaded, duplicate, quarantined), for a Prefect table artifact."""
    return [
        {
            "file": PurePath(o.source_path).name,
            "state": o.state.value,
            "document": (o.doc_id or "")[:12],
            "title": titles.get(o.doc_id or "") or "",
            "reason": f"{o.reason} [{o.category}]" if o.state is FileState.QUARANTINED else (o.reason or ""),
        }
        for o in outcomes
    ]
