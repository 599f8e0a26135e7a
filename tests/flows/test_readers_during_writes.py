"""BI readers beside a running ingest: short read-only connections never fail and never see half a batch.

`python -m communiques ingest` loads 40 documents in batches of 5 (8 load transactions, a snapshot
published after each) while two `tests/flows/reader_loop.py` processes query in a loop: one on the
warehouse itself, which may have to wait for the writer's lock and retry, one on the snapshot,
which must never have to.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.servers import COMMUNIQUES, command_env, stop

READER = Path(__file__).with_name("reader_loop.py")
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
DOCUMENTS = 40


def variant(seed: Path, number: int) -> bytes:
    """A seed text with one added paragraph: a distinct document with the seed's structure."""
    words = ("trade", "energy", "transport", "culture", "health", "science", "tourism", "water")
    extra = ", ".join(words[(number + i) % len(words)] for i in range(4))
    paragraph = (
        f"Paragraph added for variant {number}: the ministers agreed to deepen cooperation in {extra}."
    )
    return seed.read_bytes().rstrip() + f"\n\n{paragraph}\n".encode()


def start_reader(database: Path, stop_file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(READER), str(database), str(stop_file), "--retry-budget", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_reader(reader: subprocess.Popen[str]) -> dict[str, Any]:
    try:
        out, err = reader.communicate(timeout=30)
    finally:
        stop(reader)
    assert reader.returncode == 0, err
    counts: dict[str, Any] = json.loads(out)
    return counts


def summary(counts: dict[str, Any], started: float, ended: float) -> str:
    during = sum(started <= t <= ended for t in counts["ok_at"])
    shown = {k: v for k, v in counts.items() if k not in ("ok_at", "doc_counts")}
    return f"{shown} during_ingest={during} document counts seen={counts['doc_counts']}"


@pytest.mark.timeout(180)
def test_readers_query_throughout_an_ingest_without_failures(tmp_path: Path, prefect_server_url: str) -> None:
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    for number in range(DOCUMENTS):
        (inbox / f"communique-{number:02d}.txt").write_bytes(variant(SEEDS[number % 2], number))
    stop_file = tmp_path / "stop-readers"
    readers = {
        "warehouse": start_reader(data / "warehouse.duckdb", stop_file),
        "snapshot": start_reader(data / "snapshot.duckdb", stop_file),
    }
    try:
        started = time.time()
        ingest = subprocess.run(
            [*COMMUNIQUES, "ingest", "--no-progress"],
            env=command_env(data, prefect_server_url, batch_size="5", refresh_seconds="0"),
            capture_output=True,
            text=True,
            timeout=150,
        )
        ended = time.time()
        time.sleep(0.5)  # a few rounds after the end, which must see everything
    finally:
        stop_file.touch()
        counts = {name: finish_reader(reader) for name, reader in readers.items()}

    print(f"\ningest took {ended - started:.1f} s")
    for name, result in counts.items():
        print(f"{name} reader: {summary(result, started, ended)}")
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert f"loaded: {DOCUMENTS}" in ingest.stdout and "failed: 0" in ingest.stdout, ingest.stdout
    for name, result in counts.items():
        assert result["failed"] == 0, f"{name}: {result['errors']}"
        assert result["partial"] == 0, f"{name} saw a half-loaded batch"
        assert result["ok"] > 0 and result["doc_counts"][-1] == DOCUMENTS, name
        assert any(started <= t <= ended for t in result["ok_at"]), f"{name} never read during the ingest"
    assert counts["snapshot"]["retries"] == 0, "the snapshot never waits for the writer"
    assert len(counts["snapshot"]["doc_counts"]) > 2, "the snapshot follows the batches as they load"
