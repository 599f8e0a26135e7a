"""The command line as a user meets it: help everywhere, ingest/export/status, gold accuracy, clean errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from communiques.cli import cli
from tests.conftest import FIXTURES, PROJECT
from tests.tools.score_gold import score

GOLD = FIXTURES / "gold"


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command and sub-command path, the root included."""
    found = [list(prefix)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += commands(command, (*prefix, name))
        else:
            found.append([*prefix, name])
    return found


@pytest.mark.parametrize("command", commands(), ids=lambda c: " ".join(c) or "communiques")
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_every_flow_module_imports() -> None:
    import flows.ingest

    assert flows.ingest.ingest.name == "ingest-communiques"


def test_status_on_a_fresh_folder_reports_nothing_and_creates_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 0, result.output
    assert "documents:   0" in result.output and "no runs yet" in result.output
    assert not (tmp_path / "data").exists()


def test_invalid_setting_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUES_BATCH_SIZE", "-3")
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "batch_size" in result.output


def test_ingest_of_a_missing_path_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["ingest", "no/such/folder"])
    assert result.exit_code == 2 and "does not exist" in result.output


GOLD_SETS = {
    "text": sorted((FIXTURES / "seeds").glob("*.txt")),
    "pdf": [p for p in sorted((FIXTURES / "rendered").glob("*.pdf")) if "two_column" not in p.name],
    "two_column": sorted((FIXTURES / "rendered").glob("*two_column.pdf")),
}


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize("variant", sorted(GOLD_SETS))
def test_seeds_match_gold_exactly(variant: str, tmp_path: Path) -> None:
    """Every gold field right for the seeds ingested from text, rendered PDF and two-column PDF."""
    inbox = tmp_path / "drop"
    inbox.mkdir()
    gold = tmp_path / "gold"
    gold.mkdir()
    for path in GOLD_SETS[variant]:
        shutil.copy(path, inbox / path.name)
        stem = path.stem.removesuffix("_two_column")
        shutil.copy(GOLD / f"{stem}.json", gold / f"{stem}.json")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(inbox)])
    assert result.exit_code == 0, result.output
    assert f"loaded: {len(GOLD_SETS[variant])}" in result.output
    exported = runner.invoke(cli, ["export", "--format", "jsonl", "--output", "export.jsonl"])
    assert exported.exit_code == 0, exported.output
    records = [json.loads(line) for line in Path("export.jsonl").read_text().splitlines()]
    assert {r["source_file"] for r in records} == {p.name for p in GOLD_SETS[variant]}
    report = score(records, gold)
    assert report["missing"] == []
    assert all(not misses for misses in report["per_document"].values()), report["per_document"]
    values = [v for v in report["scalars"].values() if v is not None] + [
        v["f1"] for v in report["lists"].values()
    ]
    assert min(values) == 1.0


def test_installed_command_ingests_samples_with_clean_output(tmp_path: Path) -> None:
    """The README's first command path: a fresh folder, the real entry point, no stray tracebacks."""
    executable = Path(sys.executable).parent / "communiques"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "COMMUNIQUES_"))}
    done = subprocess.run(
        [str(executable), "ingest", str(PROJECT / "samples")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    assert "files seen: 5" in done.stdout and "quarantined: 0" in done.stdout and "failed: 0" in done.stdout
    assert (tmp_path / "data" / "warehouse.duckdb").is_file()
    assert (tmp_path / "data" / "prefect").is_dir()  # Prefect's state stays in this folder
    status = subprocess.run(
        [str(executable), "status"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert status.returncode == 0 and "completed" in status.stdout


@pytest.mark.usefixtures("prefect_api")
def test_quarantine_list_and_retry_after_raising_a_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    inbox = tmp_path / "data" / "inbox"
    inbox.mkdir(parents=True)
    seed = sorted((FIXTURES / "seeds").glob("*.txt"))[0]
    shutil.copy(seed, inbox / seed.name)
    runner = CliRunner()
    monkeypatch.setenv("COMMUNIQUES_MAX_FILE_BYTES", "1000")
    first = runner.invoke(cli, ["ingest"])
    assert first.exit_code == 0 and "quarantined: 1" in first.output, first.output
    assert not (inbox / seed.name).exists()
    listed = runner.invoke(cli, ["quarantine", "list"])
    assert seed.name in listed.output and "too_large" in listed.output and "1,000-byte limit" in listed.output
    assert runner.invoke(cli, ["quarantine", "retry"]).exit_code == 2
    assert runner.invoke(cli, ["quarantine", "retry", "nothing-like-this"]).exit_code == 1
    monkeypatch.delenv("COMMUNIQUES_MAX_FILE_BYTES")
    retried = runner.invoke(cli, ["quarantine", "retry", seed.name])
    assert retried.exit_code == 0 and "loaded: 1" in retried.output, retried.output
    assert (inbox / seed.name).exists()
    assert "quarantine is empty" in runner.invoke(cli, ["quarantine", "list"]).output
    status = runner.invoke(cli, ["status"]).output
    assert "documents:   1" in status and "quarantined: 0" in status
