"""Security and privacy of a run: no outside network, telemetry off, no escape by a file's name.

The slow tests run `communiques` as a subprocess, the way a user does (about 15 s each: Prefect's
ephemeral API starts per process), with HOME and the working directory inside the test's folder.

The network guard is a `sitecustomize` module put first on PYTHONPATH, so every Python process
of the run imports it at start: the command, its extraction workers (`python -m flows.pool`,
given PYTHONPATH from the command's sys.path) and Prefect's ephemeral API server (uvicorn,
given the command's environment). It refuses any socket connection, datagram or name lookup
that is not loopback or a Unix socket, and logs each process it is loaded in and each attempt
it refuses, with a short stack saying who tried. Native code opening sockets itself (C
libraries) is not seen by it; HOME inside the test folder at least catches a download cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from communiques.cli import printable
from communiques.runtime import QUIET_ENVIRONMENT
from tests.conftest import FIXTURES
from tests.servers import command_env, start_command, stop
from warehouse.quarantine_store import SIDECAR_SUFFIX, quarantine_target

pytestmark = pytest.mark.timeout(240)

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDF = FIXTURES / "corpus" / "WCPFC12-2015-OP17 Liberia Opening_Statement_WCPFC12.pdf"
GUARD_LOG = "NETGUARD_LOG"  # not COMMUNIQUES_*: the settings refuse unknown names
CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD")
TELEMETRY = ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED", "GX_ANALYTICS_ENABLED")

GUARD = r'''
"""Test network guard (tests/flows/test_security.py): loopback and Unix sockets only."""

import errno
import ipaddress
import json
import os
import socket
import sys
import traceback

_LOG = os.environ.get("NETGUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_WATCHED = ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED", "GX_ANALYTICS_ENABLED")


def _argv():
    try:
        with open("/proc/self/cmdline", "rb") as handle:
            return [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
    except OSError:
        return list(sys.argv)


def _log(record):
    if _LOG:
        record["pid"] = os.getpid()
        fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(record) + "\n").encode())
        finally:
            os.close(fd)


def _is_local(host):
    if host is None:
        return True  # a passive lookup (bind to any address)
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").split("%")[0].rstrip(".").lower()
    if host == "" or host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name that needs DNS
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _refuse(what, target):
    stack = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_stack()[:-2]][-12:]
    _log({"event": "blocked", "call": what, "target": repr(target), "stack": stack})
    if what in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo"):
        raise socket.gaierror(socket.EAI_NONAME, f"test network guard: no lookup of {target!r}")
    raise OSError(errno.ENETUNREACH, f"test network guard: no connection to {target!r}")


def _check(family, address, what):
    if family == getattr(socket, "AF_UNIX", None) or address is None:
        return
    if family in (socket.AF_INET, socket.AF_INET6) and _is_local(address[0]):
        return
    _refuse(what, address)


_socket = socket.socket
_connect, _connect_ex = _socket.connect, _socket.connect_ex
_sendto, _sendmsg = _socket.sendto, _socket.sendmsg


def _guarded_connect(self, address):
    _check(self.family, address, "connect")
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    _check(self.family, address, "connect_ex")
    return _connect_ex(self, address)


def _guarded_sendto(self, data, *args):
    _check(self.family, args[-1], "sendto")
    return _sendto(self, data, *args)


def _guarded_sendmsg(self, buffers, *args):
    _check(self.family, args[2] if len(args) > 2 else None, "sendmsg")
    return _sendmsg(self, buffers, *args)


_socket.connect, _socket.connect_ex = _guarded_connect, _guarded_connect_ex
_socket.sendto, _socket.sendmsg = _guarded_sendto, _guarded_sendmsg


def _lookup(name, real):
    def guarded(host, *args, **kwargs):
        if not _is_local(host):
            _refuse(name, host)
        return real(host, *args, **kwargs)

    return guarded


for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    setattr(socket, _name, _lookup(_name, getattr(socket, _name)))

_getnameinfo = socket.getnameinfo


def _guarded_getnameinfo(address, flags):
    if not _is_local(address[0]):
        _refuse("getnameinfo", address)
    return _getnameinfo(address, flags)


socket.getnameinfo = _guarded_getnameinfo
_create_connection = socket.create_connection


def _guarded_create_connection(address, *args, **kwargs):
    if not _is_local(address[0]):
        _refuse("create_connection", address)
    return _create_connection(address, *args, **kwargs)


socket.create_connection = _guarded_create_connection


def _environment():
    return {name: os.environ.get(name) for name in _WATCHED}


class _ImportWatch:
    """Logs the telemetry settings in force when Prefect or GX is first imported (they act on import)."""

    pending = {"prefect", "great_expectations"}

    def find_spec(self, name, path=None, target=None):
        if name in self.pending:
            self.pending.discard(name)
            _log({"event": "import", "module": name, "environment": _environment()})
        return None


sys.meta_path.insert(0, _ImportWatch())
_log({"event": "loaded", "argv": _argv(), "environment": _environment()})
'''


@dataclass
class Run:
    """One `communiques` command: its exit code and output."""

    code: int
    output: str


def communiques(args: list[str], env: dict[str, str], log: Path, timeout: float = 150) -> Run:
    """Run `communiques ARGS` to the end (killed after `timeout` seconds)."""
    process = start_command(args, env, log)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    finally:
        code = stop(process)
    return Run(code, log.read_bytes().decode("utf-8", errors="replace"))  # "\r" kept as it is


def user_env(root: Path) -> dict[str, str]:
    """A `communiques` environment with everything under `root`: data folder, HOME, no CI, no opt-outs.

    The telemetry variables are removed, as for a user who never heard of them: the command must
    set them itself. CI variables are removed too, since Prefect turns its telemetry off in CI.
    One extraction worker: it is sure to be used (and the run's cost does not grow with the cores).
    """
    env = command_env(root / "data", None, workers="1")
    for name in (*QUIET_ENVIRONMENT, *CI_VARIABLES):
        env.pop(name, None)
    env["HOME"] = str(root / "home")
    (root / "home").mkdir(exist_ok=True)
    return env


def guarded(env: dict[str, str], hook: Path, log: Path) -> dict[str, str]:
    """`env` with the network guard loaded first by every Python process, logging to `log`."""
    hook.mkdir(parents=True, exist_ok=True)
    (hook / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    path = [str(hook), *filter(None, [env.get("PYTHONPATH")])]
    return {**env, "PYTHONPATH": os.pathsep.join(path), GUARD_LOG: str(log)}


def guard_events(log: Path) -> list[dict]:
    """The guard's log: a `loaded` record per process, a `blocked` record per refused attempt."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def query(data: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on the run's warehouse, opened read-only."""
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- the network guard itself ------------------------------------------------------------------


def test_the_guard_refuses_outside_hosts_and_lets_loopback_through(tmp_path: Path) -> None:
    """A guard that blocks nothing proves nothing: it refuses and logs, yet leaves loopback alone."""
    log = tmp_path / "guard.jsonl"
    env = guarded(user_env(tmp_path), tmp_path / "hook", log)
    probe = """
import socket
listener = socket.create_server(("127.0.0.1", 0))
with socket.create_connection(listener.getsockname(), timeout=5):
    print("loopback ok")
for attempt in (
    lambda: socket.getaddrinfo("pypi.org", 443),
    lambda: socket.create_connection(("192.0.2.1", 80), timeout=1),
    lambda: socket.socket().connect(("192.0.2.1", 80)),
    lambda: socket.socket(socket.AF_INET6).connect_ex(("2001:db8::1", 80, 0, 0)),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53)),
):
    try:
        attempt()
    except OSError as exc:
        print("refused", exc)
"""
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "loopback ok"
    assert done.stdout.count("refused") == 5 and "test network guard" in done.stdout
    events = guard_events(log)
    assert [e["event"] for e in events if e["event"] != "import"] == ["loaded", *["blocked"] * 5]
    blocked = [e for e in events if e["event"] == "blocked"]
    assert [e["call"] for e in blocked] == [
        "getaddrinfo",
        "create_connection",
        "connect",
        "connect_ex",
        "sendto",
    ]
    assert all(any("<string>" in frame for frame in e["stack"]) for e in blocked)  # says who tried


# --- a whole run offline -------------------------------------------------------------------------


@dataclass
class GuardedRun:
    """`communiques ingest` on a small mixed inbox, every process of it under the network guard."""

    root: Path
    run: Run
    events: list[dict]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def processes(self) -> dict[str, list[dict]]:
        """The guard's `loaded` records by role: the command, extraction workers, the API server."""
        loaded = [e for e in self.events if e["event"] == "loaded"]
        return {
            "command": [e for e in loaded if e["argv"][1:4] == ["-m", "communiques", "ingest"]],
            "worker": [e for e in loaded if e["argv"][1:3] == ["-m", "flows.pool"]],
            "api server": [
                e
                for e in loaded
                if "uvicorn" in e["argv"] and "prefect.server.api.server:create_app" in e["argv"]
            ],
        }


@pytest.fixture(scope="module")
def guarded_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GuardedRun]:
    """One guarded ingest for the tests of this module that inspect it (it costs ~15 s)."""
    base = tmp_path_factory.mktemp("offline")
    root = base / "root"
    inbox = root / "data" / "inbox"
    inbox.mkdir(parents=True)
    for source in (*SEEDS, PDF):
        shutil.copy(source, inbox / source.name)
    (inbox / "junk.pdf").write_bytes(os.urandom(4096))
    log = base / "guard.jsonl"
    env = guarded(user_env(root), base / "hook", log)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        run = communiques(["ingest", "--no-progress"], env, base / "ingest.log")
    yield GuardedRun(root, run, guard_events(log))


def test_an_ingest_run_connects_to_nothing_outside_this_machine(guarded_run: GuardedRun) -> None:
    run, data = guarded_run.run, guarded_run.data
    assert run.code == 0, run.output
    assert "Traceback" not in run.output
    roles = guarded_run.processes()
    assert {role: len(found) >= 1 for role, found in roles.items()} == {
        "command": True,
        "worker": True,
        "api server": True,
    }, [e["argv"] for e in guarded_run.events if e["event"] == "loaded"]
    blocked = [e for e in guarded_run.events if e["event"] == "blocked"]
    assert blocked == [], json.dumps(blocked, indent=2)

    loaded = {name for (name,) in query(data, "SELECT source_file FROM documents")}
    assert loaded == {*(s.name for s in SEEDS), PDF.name}
    states = {Path(path).name: state for path, state in query(data, "SELECT source_path, state FROM files")}
    assert states["junk.pdf"] == "quarantined"
    [held] = (data / "quarantine").glob("*-junk.pdf")
    assert held.with_name(held.name + SIDECAR_SUFFIX).exists()
    assert not (data / "inbox" / "junk.pdf").exists()
    assert list((guarded_run.root / "home").iterdir()) == []  # no cache, no download in HOME


# --- telemetry ----------------------------------------------------------------------------------


def test_the_command_turns_telemetry_off_for_prefect_and_gx(guarded_run: GuardedRun) -> None:
    """The settings that switch telemetry off, set by the command itself, reach every child process."""
    from prefect.analytics import is_telemetry_enabled
    from prefect.settings import Settings as PrefectSettings

    assert QUIET_ENVIRONMENT["DO_NOT_TRACK"] == "1"  # Prefect SDK telemetry (client)
    assert QUIET_ENVIRONMENT["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"  # Prefect server heartbeat
    assert QUIET_ENVIRONMENT["GX_ANALYTICS_ENABLED"] == "False"  # Great Expectations usage statistics

    with patch.dict(os.environ, QUIET_ENVIRONMENT):  # what Prefect makes of them, outside CI
        for name in CI_VARIABLES:
            os.environ.pop(name, None)
        assert PrefectSettings().server.analytics_enabled is False
        assert is_telemetry_enabled() is False

    # The run's environment had none of them; the command set them and its children inherited them.
    roles = guarded_run.processes()
    assert all(e["environment"] == dict.fromkeys(TELEMETRY) for e in roles["command"])
    off = {name: QUIET_ENVIRONMENT[name].lower() for name in TELEMETRY}
    for role in ("worker", "api server"):  # Prefect passes its settings on as "False"
        for event in roles[role]:
            assert {k: (v or "").lower() for k, v in event["environment"].items()} == off, role
    # Prefect's SDK decides on its telemetry when imported: it was off by then, in every process.
    imports = [e for e in guarded_run.events if e["event"] == "import"]
    assert {e["module"] for e in imports} == {"prefect", "great_expectations"}
    for event in imports:
        assert {k: (v or "").lower() for k, v in event["environment"].items()} == off, event
    lookups = [e for e in guarded_run.events if e["event"] == "blocked" and "get" in e["call"]]
    assert lookups == []  # no DNS lookup of a name other than localhost, in any process


# --- file names ---------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "..pdf",
    "...",
    ". . .",  # only dots and spaces
    " . .",
    "-rf.pdf",
    "--help.pdf",
    "..\\..\\evil.pdf",
    "..\\..\\..\\..\\tmp\\evil.pdf",
    "new\nline.pdf",
    "carriage\rreturn\ttab.pdf",
    "$(touch x).pdf",
    "`touch y`.pdf",
    ";rm -rf ~;.pdf",
    'quote\'s "double" <angle> |pipe| *star?.pdf',
    "\x1b[31mred\x1b[0m.pdf",
    "a" * 246 + ".pdf",  # 250 bytes, Latin
    "д" * 100 + ".pdf",  # 204 bytes, non-Latin
    "共同声明" * 5 + ".pdf",
    "بيان مشترك.pdf",
    "%2e%2e%2fescape.pdf",
    "~",
    # Long names in a script of 2 or 3 bytes a character: "<hash prefix>-<name>" went over the 255
    # bytes a file name may have when safe_name capped characters, not bytes (ENAMETOOLONG failed runs).
    "д" * 123 + ".pdf",  # 250 bytes
    "共同声明" * 20 + ".pdf",  # 244 bytes
]


def tree(root: Path) -> dict[str, tuple[bool, int, int]]:
    """Every path under `root` (relative) -> (is a folder, size, modification time)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            stat = path.lstat()
            found[str(path.relative_to(root))] = (path.is_dir(), stat.st_size, stat.st_mtime_ns)
    return found


def changed_outside(before: dict, after: dict, inside: str) -> list[str]:
    """Paths created, changed or removed between two `tree`s that are not under the folder `inside`."""
    paths = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    return sorted(p for p in paths if p != inside and not p.startswith(inside + os.sep))


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda name: ascii(name)[1:40])
def test_the_quarantine_target_of_a_hostile_name_is_a_file_in_the_quarantine(
    name: str, tmp_path: Path
) -> None:
    quarantine = tmp_path / "quarantine"
    target = quarantine_target(str(tmp_path / "inbox" / name), "ab" * 32, quarantine)
    assert target.parent == quarantine
    assert target.resolve().parent == quarantine.resolve()
    assert len(os.fsencode(target.name + SIDECAR_SUFFIX)) <= 255  # the sidecar's name can be made too
    if name.endswith(".pdf") and len(name.encode()) > 200:
        assert target.name.endswith(".pdf")  # a long name is cut before its extension


SHA256 = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@given(source_path=st.text(), file_hash=SHA256)
def test_any_file_is_quarantined_directly_in_the_quarantine(source_path: str, file_hash: str) -> None:
    quarantine = Path("/srv/q")
    target = quarantine_target(source_path, file_hash, quarantine)
    assert target.parent == quarantine
    assert target.name.startswith(file_hash[:12] + "-")
    assert not target.name[13:].startswith((".", "-"))  # safe without the prefix too


@given(source_path=st.text(), file_hash=st.text())
def test_anything_but_a_sha256_is_refused_as_the_hash_part_of_the_name(
    source_path: str, file_hash: str
) -> None:
    """Callers pass a SHA-256 from discovery; anything else (`../../etc`, "") is refused, not used."""
    quarantine = Path("/srv/q")
    if re.fullmatch(r"[0-9a-f]{64}", file_hash):
        assert quarantine_target(source_path, file_hash, quarantine).parent == quarantine
    else:
        with pytest.raises(ValueError, match="not a SHA-256"):
            quarantine_target(source_path, file_hash, quarantine)


def test_hostile_names_are_quarantined_listed_and_retried_without_leaving_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_server_url: str
) -> None:
    root = tmp_path / "root"  # cwd and HOME of the commands; their logs are kept outside it
    data, inbox = root / "data", root / "data" / "inbox"
    inbox.mkdir(parents=True)
    content = {name: b"\x00\xff junk " + os.urandom(2048) for name in HOSTILE_NAMES}  # never a document
    for name, data_bytes in content.items():
        (inbox / name).write_bytes(data_bytes)
    env = {**user_env(root), "PREFECT_API_URL": prefect_server_url}  # 3 commands, no API start each
    monkeypatch.chdir(root)
    before = tree(root)

    # Dotfiles are skipped in a folder walk, so they are named too (a file named explicitly is
    # taken whatever its name). Absolute paths: "-rf.pdf" must not be taken for an option.
    hidden = [str(inbox / n) for n in HOSTILE_NAMES if n.startswith(".")]
    ingest = communiques(["ingest", "--no-progress", *hidden, str(inbox)], env, tmp_path / "ingest.log")
    assert ingest.code == 0, ingest.output
    assert f"quarantined: {len(HOSTILE_NAMES)}" in ingest.output, ingest.output
    after = tree(root)
    assert changed_outside(before, after, "data") == [], "written outside the data folder"
    assert not any(Path(p).name in ("x", "y") for p in after)  # no name ran as a shell command

    quarantine = data / "quarantine"
    held = sorted(quarantine.iterdir())
    assert all(p.parent == quarantine and p.is_file() for p in held)
    assert len(held) == 2 * len(HOSTILE_NAMES)  # each file and its sidecar
    kept = [p for p in held if not p.name.endswith(SIDECAR_SUFFIX)]
    assert sorted(p.read_bytes() for p in kept) == sorted(content.values())  # bytes never changed
    assert list(inbox.iterdir()) == []
    recorded = query(data, "SELECT quarantine_path FROM quarantine")
    assert {Path(p) for (p,) in recorded} == set(kept)

    listed = communiques(["quarantine", "list"], env, tmp_path / "list.log")
    assert listed.code == 0, listed.output
    # click drops ANSI escape sequences when its output is no terminal (on a terminal they pass)
    assert all(printable(name) in listed.output for name in HOSTILE_NAMES), listed.output
    assert "\x1b" not in listed.output and "new\nline" not in listed.output  # no raw control characters
    assert [p.name for p in kept if str(p) not in listed.output] == []

    before = tree(root)
    retry = communiques(["quarantine", "retry", "--all", "--no-progress"], env, tmp_path / "retry.log")
    assert retry.code == 0, retry.output
    # Each went back to its own place in the inbox (else it would be copied, not moved, to quarantine),
    # was refused again and moved back to the same place in quarantine.
    assert (
        f"files seen: {len(HOSTILE_NAMES)}" in retry.output
        and f"quarantined: {len(HOSTILE_NAMES)}" in retry.output
    )
    assert list(inbox.iterdir()) == []
    assert sorted(quarantine.iterdir()) == held
    assert changed_outside(before, tree(root), "data") == [], "written outside the data folder"
    states = query(data, "SELECT state, count(*) FROM files GROUP BY state")
    assert states == [("quarantined", len(HOSTILE_NAMES))]
