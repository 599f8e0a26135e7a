"""The warehouse as BI users meet it: documented reporting views, SQLAlchemy/pandas access, Parquet export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy
from click.testing import CliRunner

from communiques.cli import cli
from extractors.document import apply_quality, process_file
from extractors.sources import discover
from schemas.quality import QualityRules, validate
from schemas.records import RunSummary
from tests.conftest import FIXTURES, PROJECT
from warehouse.database import Warehouse
from warehouse.dictionary import packaged_dictionary, read_dictionary
from warehouse.ledger import load_batch
from warehouse.parquet import export_parquet
from warehouse.runs import finish_run, start_run

# The contract BI dashboards are built on: changing a view's columns must be a deliberate act.
CONTRACT = {
    "reporting.documents": [
        "doc_id", "title", "doc_type", "issuing_body", "issued_date", "issued_year", "issued_place",
        "issued_country", "language", "document_symbol", "pages", "source_file", "source_format",
        "ocr_used", "quality_status", "quality_failed_checks", "paragraph_count", "participant_count",
        "country_count", "run_id", "loaded_at",
    ],
    "reporting.participants": [
        "doc_id", "title", "issued_date", "issued_year", "ordinal", "name", "role", "country", "organization",
    ],
    "reporting.country_mentions": ["doc_id", "title", "issued_date", "issued_year", "country", "mentions"],
    "reporting.country_mentions_by_year": ["issued_year", "country", "documents", "mentions"],
    "reporting.events_timeline": [
        "date_start", "date_end", "description", "place", "doc_id", "cited_in_title", "cited_in_date",
    ],
    "reporting.instrument_citations": ["name", "kind", "doc_id", "title", "issued_date", "issued_year"],
    "reporting.instruments": ["name", "kind", "citing_documents", "first_cited", "last_cited"],
    "reporting.topics_by_year": ["issued_year", "topic", "documents"],
    "reporting.quality_by_run": [
        "run_id", "started_at", "run_status", "passed", "warned", "quarantined", "duplicates",
    ],
    "reporting.runs": [
        "run_id", "started_at", "finished_at", "duration_seconds", "status", "files_seen", "loaded",
        "duplicates", "quarantined", "unchanged", "failed", "host", "skipped",
    ],
    "reporting.quarantine": [
        "source_file", "category", "reason", "quarantined_at", "quarantine_path", "source_path", "file_hash",
        "run_id",
    ],
    "reporting.file_states": [
        "source_path", "state", "category", "reason", "doc_id", "file_hash", "size_bytes", "run_id",
        "decided_at",
    ],
    "reporting.file_state_counts": ["state", "files"],
    "reporting.document_versions": [
        "doc_id", "title", "issued_date", "source_file", "loaded_at", "superseded_by", "superseded_at",
        "is_current",
    ],
}  # fmt: skip
DOCUMENTS = [
    FIXTURES / "seeds" / "sco_cfm_press_release_2009-05-15.txt",
    FIXTURES / "seeds" / "sco_heads_of_state_declaration_2003-05-29.txt",
    FIXTURES / "corpus" / "20190723_china_uae_joint_statement_zh.txt",
    FIXTURES / "corpus" / "2021-09-15-joint-leaders-statement-on-aukus.md",
    FIXTURES / "corpus" / "2022-03-24-g7-leaders-statement.md",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A warehouse loaded with real documents (and one refused file) through the pipeline's functions."""
    folder = tmp_path_factory.mktemp("reporting")
    junk = folder / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    wh = Warehouse(folder / "warehouse.duckdb")
    run = RunSummary(run_id="run-1", started_at=dt.datetime(2026, 11, 26, 9, 0))
    start_run(wh, run)
    items = [process_file(source) for source in discover([*DOCUMENTS, junk])]
    verdicts = validate([i.document for i in items if i.document is not None], QualityRules())
    load_batch(wh, run.run_id, apply_quality(items, verdicts))
    finish_run(
        wh, run.model_copy(update={"status": "completed", "finished_at": dt.datetime(2026, 11, 26, 9, 1)})
    )
    return wh


def test_every_table_view_and_column_carries_a_comment(warehouse: Warehouse) -> None:
    with warehouse.connect(read_only=True) as con:
        relations = read_dictionary(con)
    assert relations == packaged_dictionary()
    undocumented = [r.qualified_name for r in relations if not r.comment.strip()]
    undocumented += [
        f"{r.qualified_name}.{c.name}" for r in relations for c in r.columns if not c.comment.strip()
    ]
    assert undocumented == []
    assert {r.qualified_name for r in relations if r.kind == "view"} == set(CONTRACT)


def test_reporting_views_keep_their_columns(warehouse: Warehouse) -> None:
    with warehouse.connect(read_only=True) as con:
        found = {
            r.qualified_name: [c.name for c in r.columns] for r in read_dictionary(con) if r.kind == "view"
        }
    assert found == CONTRACT


def test_views_add_up(warehouse: Warehouse) -> None:
    with warehouse.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reporting.documents").fetchone() == (5,)
        assert con.execute(
            "SELECT sum(paragraph_count) = (SELECT count(*) FROM paragraphs) FROM reporting.documents"
        ).fetchone() == (True,)
        assert con.execute(
            "SELECT passed + warned, quarantined, run_status FROM reporting.quality_by_run"
        ).fetchall() == [(5, 1, "completed")]
        assert con.execute("SELECT duration_seconds FROM reporting.runs").fetchone() == (60.0,)
        languages = {r[0] for r in con.execute("SELECT language FROM reporting.documents").fetchall()}
        assert {"en", "zh"} <= languages
        chn = con.execute(
            "SELECT sum(documents) FROM reporting.country_mentions_by_year WHERE country = 'CHN'"
        ).fetchone()
        assert chn is not None and chn[0] >= 2
        assert con.execute("SELECT count(*) FROM reporting.quarantine").fetchone() == (1,)


def test_superset_style_read_only_sqlalchemy_connection_queries_every_view(warehouse: Warehouse) -> None:
    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse.path}", connect_args={"read_only": True})
    try:
        with engine.connect() as connection:
            views = sqlalchemy.inspect(connection).get_view_names(schema="reporting")
            assert {f"reporting.{v}" for v in views} == set(CONTRACT)
            for view in CONTRACT:
                result = connection.execute(sqlalchemy.text(f"SELECT * FROM {view} LIMIT 5"))  # noqa: S608
                assert list(result.keys()) == CONTRACT[view]
            with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
                connection.execute(sqlalchemy.text("DELETE FROM documents"))
    finally:
        engine.dispose()


def test_pandas_reads_every_view(warehouse: Warehouse) -> None:
    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse.path}", connect_args={"read_only": True})
    try:
        for view in CONTRACT:
            frame = pd.read_sql(f"SELECT * FROM {view}", engine)  # noqa: S608
            assert list(frame.columns) == CONTRACT[view]
        frame = pd.read_sql("SELECT * FROM reporting.documents ORDER BY doc_id", engine)
        assert len(frame) == 5 and frame["paragraph_count"].min() > 0
    finally:
        engine.dispose()


def test_parquet_export_round_trips_row_counts_and_values(warehouse: Warehouse, tmp_path: Path) -> None:
    target = tmp_path / "export"
    counts = export_parquet(warehouse, target)
    assert set(counts) == {r.qualified_name for r in packaged_dictionary()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]  # no staging folder left
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["rows"] == counts
    with warehouse.connect(read_only=True) as con:
        for name, rows in counts.items():
            parquet = str(target / f"{name}.parquet")
            assert con.execute("SELECT count(*) FROM read_parquet(?)", [parquet]).fetchone() == (rows,)
        expected = con.execute(
            "SELECT doc_id, title, issued_date, countries FROM documents ORDER BY doc_id"
        ).fetchall()
        exported = con.execute(
            "SELECT doc_id, title, issued_date, countries FROM read_parquet(?) ORDER BY doc_id",
            [str(target / "documents.parquet")],
        ).fetchall()
        assert exported == expected
        view = con.execute("SELECT * FROM reporting.documents ORDER BY doc_id").fetchall()
        assert (
            con.execute(
                "SELECT * FROM read_parquet(?) ORDER BY doc_id", [str(target / "reporting.documents.parquet")]
            ).fetchall()
            == view
        )


def test_parquet_export_replaces_a_previous_export_but_never_a_foreign_folder(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    target = tmp_path / "export"
    export_parquet(warehouse, target)
    (target / "documents.parquet").write_bytes(b"stale")
    export_parquet(warehouse, target)  # a previous export is swapped for the new one
    with duckdb.connect() as con:
        assert con.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(target / "documents.parquet")]
        ).fetchone() == (5,)
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a previous Parquet export"):
        export_parquet(warehouse, precious)
    assert [p.name for p in precious.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export", "mine"]


def test_cli_schema_and_parquet_export(warehouse: Warehouse, tmp_path: Path) -> None:
    runner = CliRunner()
    markdown = runner.invoke(cli, ["schema", "--markdown"])
    assert markdown.exit_code == 0, markdown.output
    for view in CONTRACT:
        assert f"### `{view}` (view)" in markdown.output
    plain = runner.invoke(cli, ["schema"])
    assert plain.exit_code == 0 and "reporting.documents (view):" in plain.output

    env = {"COMMUNIQUES_WAREHOUSE": str(warehouse.path)}
    exported = runner.invoke(cli, ["export", "--format", "parquet", str(tmp_path / "out")], env=env)
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "out" / "reporting.documents.parquet").is_file()
    missing = runner.invoke(cli, ["export", "--format", "parquet"], env=env)
    assert missing.exit_code == 2 and "needs a folder" in missing.output
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.txt").write_text("x")
    refused = runner.invoke(cli, ["export", "--format", "parquet", str(tmp_path / "taken")], env=env)
    assert refused.exit_code == 1 and "not a previous Parquet export" in refused.output
    assert "Traceback" not in refused.output


def test_the_committed_data_dictionary_is_current() -> None:
    committed = (PROJECT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    generated = CliRunner().invoke(cli, ["schema", "--markdown"]).output
    assert committed.endswith(generated), "regenerate docs/data-dictionary.md (see its first lines)"
