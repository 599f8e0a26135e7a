"""SIGKILL in the middle of a batch, then a normal restart: every file ends loaded, duplicate or
quarantined exactly once, no half-written document survives, no byte is lost.

One inbox per phase: six files (three text variants, one copy of a variant, a rendered PDF, a junk
`.pdf`) loaded in batches of three. The killed processes are children of `tests/flows/crash_ingest.py`,
each wrapping one production function from the outside and killing itself there (see its
docstring for the phases); each restart is a plain `python -m communiques ingest`. All talk to
the session's Prefect server, and the phases run side by side.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES
from tests.servers import COMMUNIQUES, command_env

DRIVER = Path(__file__).with_name("crash_ingest.py")
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDF = FIXTURES / "rendered" / "sco_cfm_press_release_2009-05-15.pdf"
CHILD_TABLES = (
    "paragraphs",
    "participants",
    "country_mentions",
    "referenced_events",
    "instruments",
    "topics",
)
BATCH_SIZE = 3  # 6 files in two batches, so each kill lands after batch 1 committed
JUNK = "04-junk.pdf"
SAME_BYTES = ("01-press-v1.txt", "02-press-v1-copy.txt")
LOADED = ("03-declaration-v2.txt", "05-press-release.pdf", "06-declaration-v3.txt")

# phase -> (kill at the N-th call, documents committed when the process died).
# Batch 1 (v1, its copy, v2) loads 2 documents; batch 2 is the junk file, the PDF and v3.
PHASES = {
    "extract": (5, 2),  # second file of batch 2
    "quality": (2, 2),  # batch 2's quality gate
    "load": (2, 2),  # batch 2's load transaction, its documents inserted, not committed
    "quarantine": (1, 4),  # batch 2 committed; the junk file half-moved into quarantine
    "quarantine-record": (1, 4),  # batch 2 committed; the junk file's place not yet recorded nor moved
}


def variant(seed: Path, number: int) -> bytes:
    """A seed text with one added paragraph: a distinct document with the seed's structure."""
    words = ("trade", "energy", "transport", "culture", "health", "science", "tourism", "water")
    extra = ", ".join(words[(number + i) % len(words)] for i in range(4))
    paragraph = (
        f"Paragraph added for variant {number}: the ministers agreed to deepen cooperation in {extra}."
    )
    return seed.read_bytes().rstrip() + f"\n\n{paragraph}\n".encode()


def mixed_inbox(inbox: Path) -> dict[str, bytes]:
    """Six files (names sort into the batches PHASES expects); returns name -> original bytes."""
    files = {
        "01-press-v1.txt": variant(SEEDS[0], 1),
        "03-declaration-v2.txt": variant(SEEDS[1], 2),
        JUNK: random.Random(4).randbytes(6000),
        "05-press-release.pdf": PDF.read_bytes(),
        "06-declaration-v3.txt": variant(SEEDS[1], 3),
    }
    files["02-press-v1-copy.txt"] = files["01-press-v1.txt"]
    inbox.mkdir(parents=True)
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    return files


def run(args: list[str], env: dict[str, str]) -> tuple[int, int, str]:
    """Run a command to its end: its pid, exit status and output."""
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = process.communicate(timeout=150)
    return process.pid, process.returncode, output


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@dataclass
class Crash:
    """One phase's story: the killed run, what the warehouse showed after it, the restart."""

    phase: str
    data: Path
    originals: dict[str, bytes]
    killed: tuple[int, int, str]  # pid, exit status, output
    committed: int  # documents visible after the kill
    running: int  # runs still marked running after the kill
    restart: tuple[int, int, str]


def inspect_after_kill(data: Path) -> tuple[int, int]:
    """Documents visible and runs still marked running, read before anything restarts."""
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        documents = scalar(con, "SELECT count(*) FROM documents")
        running = scalar(con, "SELECT count(*) FROM runs WHERE status = 'running'")
    return documents, running


@pytest.fixture(scope="module")
def crashes(tmp_path_factory: pytest.TempPathFactory, prefect_server_url: str) -> dict[str, Crash]:
    """Every phase killed (children of one warm driver), then every inbox ingested again by a plain
    `python -m communiques ingest`, side by side: each run is mostly Python start-up."""
    root = tmp_path_factory.mktemp("crashes")
    data = {phase: root / phase / "data" for phase in PHASES}
    originals = {phase: mixed_inbox(data[phase] / "inbox") for phase in PHASES}
    env = command_env(root, prefect_server_url, batch_size=str(BATCH_SIZE))
    jobs = [f"{phase}:{at}:{data[phase]}" for phase, (at, _) in PHASES.items()]
    _, status, output = run([sys.executable, str(DRIVER), *jobs], env)
    assert status == 0, output
    reports = [json.loads(line) for line in output.splitlines() if line.startswith('{"phase"')]
    killed = {r["phase"]: r for r in reports}
    after_kill = {phase: inspect_after_kill(data[phase]) for phase in PHASES}

    def restart(phase: str) -> tuple[int, int, str]:
        return run([*COMMUNIQUES, "ingest", "--no-progress"], command_env(data[phase], prefect_server_url))

    with ThreadPoolExecutor(max_workers=len(PHASES)) as pool:
        restarts = dict(zip(PHASES, pool.map(restart, PHASES), strict=True))
    return {
        phase: Crash(
            phase=phase,
            data=data[phase],
            originals=originals[phase],
            killed=(
                killed[phase]["pid"],
                killed[phase]["status"],
                (root / phase / "killed.log").read_text(errors="replace"),
            ),
            committed=after_kill[phase][0],
            running=after_kill[phase][1],
            restart=restarts[phase],
        )
        for phase in PHASES
    }


def check_warehouse(crash: Crash) -> None:
    """The ledger, the documents, the quality results and the runs after the restart."""
    inbox = crash.data / "inbox"
    with duckdb.connect(str(crash.data / "warehouse.duckdb"), read_only=True) as con:
        ledger = con.execute("SELECT source_path, file_hash, state, doc_id FROM files").fetchall()
        paths = [Path(path).name for path, *_ in ledger]
        assert sorted(paths) == sorted(crash.originals), "every input once in the ledger, nothing else"
        assert all(Path(path).parent == inbox for path, *_ in ledger)
        state = {Path(path).name: s for path, _, s, _ in ledger}
        assert state[JUNK] == "quarantined"
        assert all(state[name] == "loaded" for name in LOADED), state
        assert sorted(state[name] for name in SAME_BYTES) == ["duplicate", "loaded"], state
        loaded = {h for _, h, s, _ in ledger if s == "loaded"}
        assert all(doc_id == h for _, h, s, doc_id in ledger if s == "loaded")
        assert {d for _, _, s, d in ledger if s == "duplicate"} <= loaded

        documents = con.execute("SELECT doc_id FROM documents").fetchall()
        assert sorted(d for (d,) in documents) == sorted(loaded), "one document per loaded file"
        assert scalar(con, "SELECT count(DISTINCT content_hash) FROM documents") == len(loaded)
        for table in CHILD_TABLES:
            orphans = f"SELECT count(*) FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM documents)"  # noqa: S608
            assert scalar(con, orphans) == 0, f"{table} rows without a document"
            dupes = f"SELECT count(*) - count(DISTINCT (doc_id, ordinal)) FROM {table}"  # noqa: S608
            assert scalar(con, dupes) == 0, f"{table} rows twice"
        bare = (
            "SELECT count(*) FROM documents d "
            "WHERE NOT EXISTS (SELECT 1 FROM paragraphs p WHERE p.doc_id = d.doc_id)"
        )
        assert scalar(con, bare) == 0, "a document without its paragraphs"
        checks = con.execute(
            "SELECT file_hash, count(DISTINCT run_id), count(*) - count(DISTINCT ordinal) "
            "FROM quality_results GROUP BY file_hash"
        ).fetchall()
        checked = {h for h, *_ in checks}  # a file refused before the gate (unreadable) has none
        assert loaded <= checked <= loaded | {h for _, h, s, _ in ledger if s == "quarantined"}
        assert all(runs == 1 and repeated == 0 for _, runs, repeated in checks), "quality results twice"

        runs = dict(con.execute("SELECT pid, status FROM runs").fetchall())
        assert runs == {crash.killed[0]: "interrupted", crash.restart[0]: "completed"}

    with duckdb.connect(str(crash.data / "snapshot.duckdb"), read_only=True) as snap:
        assert scalar(snap, "SELECT count(*) FROM documents") == len(loaded)


def check_files(crash: Crash) -> Path:
    """Inbox plus quarantine still hold every original byte, no temporary file is left behind;
    returns where the junk file is kept."""
    originals, inbox, quarantine = crash.originals, crash.data / "inbox", crash.data / "quarantine"
    assert {p.name for p in inbox.iterdir()} == set(originals) - {JUNK}
    for path in inbox.iterdir():
        assert path.read_bytes() == originals[path.name]
    held = sorted(p.name for p in quarantine.iterdir())
    [moved] = [name for name in held if name.endswith(JUNK)]
    assert held == [moved, moved + ".reason.txt"], f"quarantine holds {held}"
    assert (quarantine / moved).read_bytes() == originals[JUNK]
    leftovers = [p for p in crash.data.rglob("*") if p.name.endswith((".part", ".wal"))]
    assert leftovers == []
    return quarantine / moved


def check_quarantine_record(crash: Crash, kept_at: Path) -> None:
    """The quarantine row says where the refused file is kept (what `quarantine list`/`retry` use)."""
    with duckdb.connect(str(crash.data / "warehouse.duckdb"), read_only=True) as con:
        [(source_path, category, recorded)] = con.execute(
            "SELECT source_path, category, quarantine_path FROM quarantine"
        ).fetchall()
    assert Path(source_path).name == JUNK and category == "unreadable_file"
    assert recorded == str(kept_at), "the quarantine record says where the file is kept"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("phase", PHASES)
def test_killed_mid_batch_then_restarted_ends_consistent(phase: str, crashes: dict[str, Crash]) -> None:
    crash = crashes[phase]
    _, status, output = crash.killed
    assert status == -signal.SIGKILL, f"never reached the kill point (exit {status}):\n{output}"
    assert crash.committed == PHASES[phase][1], "only the committed batch is visible after the kill"
    assert crash.running == 1, "the killed run still shows as running until the next start"
    _, status, output = crash.restart
    assert status == 0 and "failed: 0" in output, output

    check_warehouse(crash)
    kept_at = check_files(crash)
    check_quarantine_record(crash, kept_at)
