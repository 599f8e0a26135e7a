"""`communiques search` as a user meets it: ingest real files, then search them from the command line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import duckdb
import pytest
from click.testing import CliRunner, Result

from communiques.cli import cli, marked_snippet
from extractors.document import process_file
from extractors.sources import discover
from schemas.records import SearchHit
from tests.conftest import FIXTURES
from warehouse.database import Warehouse
from warehouse.ledger import load_batch

FILES = [
    FIXTURES / "seeds" / "sco_heads_of_state_declaration_2003-05-29.txt",
    FIXTURES / "seeds" / "sco_cfm_press_release_2009-05-15.txt",
    FIXTURES / "corpus" / "sco_en_2014-09-12_declaration.txt",
    FIXTURES / "corpus" / "sco_ru_2021-09-17_declaration.txt",
    FIXTURES / "corpus" / "sco_zh_2007-08-16_joint_communique.txt",
]
HIT = re.compile(r"^ ?\d+\. \[\d+\.\d\d\] ", re.MULTILINE)  # first line of each hit block


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Path:
    """A data folder with the files ingested through `communiques ingest` (the real flow)."""
    data = tmp_path_factory.mktemp("search-cli") / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    for path in FILES:
        shutil.copy(path, inbox / path.name)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COMMUNIQUES_DATA_DIR", str(data))
        result = CliRunner().invoke(cli, ["ingest"])
    assert result.exit_code == 0 and f"loaded: {len(FILES)}" in result.output, result.output
    return data


def run(data: Path, monkeypatch: pytest.MonkeyPatch, *args: str, color: bool = False) -> Result:
    """`communiques search ARGS` against the data folder."""
    monkeypatch.setenv("COMMUNIQUES_DATA_DIR", str(data))
    return CliRunner().invoke(cli, ["search", *args], color=color)


def test_ingest_indexes_what_it_loads_and_search_shows_each_hit(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(data, monkeypatch, "drug trafficking")
    assert result.exit_code == 0, result.output
    assert "behind" not in result.output  # the flow refreshed the index after its load
    assert len(HIT.findall(result.stdout)) >= 3
    first = result.stdout.splitlines()[:3]
    assert re.match(r"^ 1\. \[\d+\.\d\d\] \S", first[0])
    assert re.match(r"^    \d{4}-\d\d-\d\d  doc [0-9a-f]{12}  paragraph \d+  page \d+  en$", first[1])
    assert re.search(r"(?i)\bdrugs?\b|\btrafficking\b", first[2])
    assert "Declaration by the Heads of the Member States" in result.stdout and "2003-05-29" in result.stdout


def test_matched_words_are_highlighted_on_a_terminal(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(data, monkeypatch, "Yekaterinburg", color=True)
    assert result.exit_code == 0, result.output
    assert re.search(r"\x1b\[[0-9;]*m(\x1b\[[0-9;]*m)*Yekaterinburg\x1b\[0m", result.stdout)
    assert "\x1b" not in run(data, monkeypatch, "Yekaterinburg").stdout  # plain when piped


def test_the_snapshot_carries_the_index(data: Path) -> None:
    with duckdb.connect(str(data / "snapshot.duckdb"), read_only=True) as con:
        indexed = con.execute("SELECT sum(paragraphs) FROM search.state").fetchone()
        paragraphs = con.execute("SELECT count(*) FROM paragraphs").fetchone()
    assert indexed == paragraphs and paragraphs and paragraphs[0] > 0


def test_filters(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    russian = run(data, monkeypatch, "терроризмом", "--lang", "RU")
    assert russian.exit_code == 0 and "терроризм" in russian.stdout.lower(), russian.output
    assert all(line.endswith("  ru") for line in russian.stdout.splitlines() if "  doc " in line)
    early = run(data, monkeypatch, "drug trafficking", "--from", "2003", "--to", "2010", "-n", "50")
    years = re.findall(r"^    (\d{4})-", early.stdout, re.MULTILINE)
    assert years and all(2003 <= int(y) <= 2010 for y in years)
    assert "2014-" not in early.stdout
    one = run(data, monkeypatch, "Shanghai Cooperation Organization", "--limit", "1")
    assert len(HIT.findall(one.stdout)) == 1
    chinese = run(data, monkeypatch, "上海合作组织")
    assert chinese.exit_code == 0 and "上海合作组织" in chinese.stdout and "  zh" in chinese.stdout


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("zzqxjv", "no matches"),
        ("'); DROP TABLE documents; --", None),
        ("?!...", "no matches: the query has no letters or digits to search for"),
    ],
)
def test_queries_that_find_nothing_exit_0(
    data: Path, monkeypatch: pytest.MonkeyPatch, query: str, message: str | None
) -> None:
    result = run(data, monkeypatch, query)
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    if message:
        assert result.stdout.strip() == message
    status = CliRunner().invoke(cli, ["status"])
    assert f"documents:   {len(FILES)}" in status.output


def test_bad_year_range_is_a_usage_error(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(data, monkeypatch, "drug", "--from", "2010", "--to", "2003")
    assert result.exit_code == 2 and "--from 2010 is after --to 2003" in result.output


def test_no_warehouse_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "drug trafficking"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: no warehouse at ") and len(result.output.splitlines()) == 1
    assert not (tmp_path / "data").exists()


def test_an_index_behind_the_warehouse_is_reported_and_reindex_catches_up(tmp_path: Path) -> None:
    """A warehouse loaded without the flow (or before search existed) has no index yet."""
    wh = Warehouse(tmp_path / "data" / "warehouse.duckdb")
    load_batch(wh, "run-1", [process_file(source) for source in discover(FILES[1:2])])
    runner = CliRunner()
    behind = runner.invoke(cli, ["search", "Yekaterinburg"])
    assert behind.exit_code == 0 and behind.stdout.strip() == "no matches"
    assert "search index is behind the warehouse" in behind.stderr and "--reindex" in behind.stderr
    caught_up = runner.invoke(cli, ["search", "Yekaterinburg", "--reindex"])
    assert caught_up.exit_code == 0 and "Yekaterinburg" in caught_up.stdout and not caught_up.stderr


def test_document_text_is_never_markup() -> None:
    hit = SearchHit(
        rank=1,
        score=1.0,
        doc_id="0" * 64,
        title="[bold]t[/bold]",
        issued_date=None,
        source_file="x.txt",
        ordinal=0,
        number=1,
        page_start=1,
        language="en",
        snippet="[red]x[/red] drug {0} %s",
        highlights=[(13, 17)],
    )
    assert click.unstyle(marked_snippet(hit)) == "[red]x[/red] drug {0} %s"
    assert click.style("drug", bold=True, fg="yellow") in marked_snippet(hit)
