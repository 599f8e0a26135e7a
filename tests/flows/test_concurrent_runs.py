"""Two ingest runs into one warehouse at once (a triggered run and a sweep, say) take turns at the
writer lock: both succeed, every file is decided once, nothing is loaded twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES
from tests.servers import command_env, start_command, stop

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


@pytest.mark.timeout(240)
def test_two_runs_at_once_lose_nothing_and_duplicate_nothing(tmp_path: Path, prefect_server_url: str) -> None:
    data = tmp_path / "data"
    first, second = tmp_path / "drop-a", tmp_path / "drop-b"
    for folder in (first, second):
        folder.mkdir()
    for number in range(12):
        text = SEEDS[number % 2].read_text(encoding="utf-8") + f"\n\nClosing remark {number * 31337}.\n"
        (first if number % 2 else second).joinpath(f"doc-{number}.txt").write_text(text, encoding="utf-8")
    shared = first / "doc-1.txt"
    shutil.copy(shared, second / "same-bytes.txt")  # one document reaching both runs
    (first / "junk.pdf").write_bytes(b"\x00not a pdf" * 50)
    env = command_env(data, prefect_server_url, batch_size="2")  # several loads per run, interleaved

    runs = [
        start_command(["ingest", str(folder)], env, tmp_path / f"ingest-{n}.log")
        for n, folder in enumerate((first, second))
    ]
    try:
        codes = [run.wait(timeout=200) for run in runs]
    finally:
        for run in runs:
            stop(run)
    logs = [(tmp_path / f"ingest-{n}.log").read_text() for n in range(2)]
    assert codes == [0, 0], logs
    assert not any("Traceback" in log or "busy" in log.lower() for log in logs), logs

    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        states = dict(
            con.execute("SELECT state, count(*) FROM files GROUP BY state ORDER BY state").fetchall()
        )
        documents = con.execute("SELECT count(*), count(DISTINCT content_hash) FROM documents").fetchone()
        runs_done = con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM paragraphs WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        ).fetchone()
    assert states == {"duplicate": 1, "loaded": 12, "quarantined": 1}
    assert documents == (12, 12)
    assert runs_done == [("completed", 2)]
    assert orphans == (0,)
