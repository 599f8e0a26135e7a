"""`communiques report`: the HTML report from real documents, escaping, empty and missing warehouses."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from communiques.cli import cli
from communiques.report import check_svg
from schemas.records import RunSummary
from tests.conftest import FIXTURES, PROJECT
from warehouse.database import Warehouse
from warehouse.runs import finish_run, start_run

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>bold</b>"
CRAFTED_TITLE = f"Joint Statement {SCRIPT} {BOLD}"
# A plain text whose labelled header gives the title; the body repeats the markup.
CRAFTED = f"""[Title] {CRAFTED_TITLE}
[Place] Beijing
[Date] May 15, 2019

1. The Ministers {SCRIPT} of {BOLD} Foreign Affairs of the Republic of Kazakhstan and the People's
Republic of China met in Beijing and discussed regional security, trade and the fight against terrorism.

2. The sides agreed that cooperation in economy, energy and transport serves the interests of both
peoples and contributes to peace and stability in the region.

3. The sides will continue consultations on counter-terrorism and will meet again in Astana next year.
"""
HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"  # an empty file: quarantined under this name
DOCUMENTS = [
    FIXTURES / "seeds" / "sco_cfm_press_release_2009-05-15.txt",
    FIXTURES / "seeds" / "sco_heads_of_state_declaration_2003-05-29.txt",
    FIXTURES / "corpus" / "20190723_china_uae_joint_statement_zh.txt",
    FIXTURES / "corpus" / "2021-09-15-joint-leaders-statement-on-aukus.md",
    FIXTURES / "corpus" / "sco_en_2007-08-16_joint_communique.txt",
]
CHARTS = [
    "Documents per year and type",
    "Languages",
    "Countries mentioned",
    "Topics over time",
    "Participants' countries",
    "Instruments cited",
    "Longest documents",
    "Quality outcomes per run",
]


def write_crafted_inbox(inbox: Path) -> None:
    """The crafted document with markup in its title and text, and an empty file named like an HTML tag."""
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "crafted_statement.txt").write_text(CRAFTED, encoding="utf-8")
    (inbox / HOSTILE_NAME).write_bytes(b"")


def ingest(data_dir: Path, *paths: Path) -> None:
    """Run `communiques ingest PATHS` through the CLI into `data_dir`."""
    result = CliRunner().invoke(
        cli, ["ingest", *map(str, paths)], env={"COMMUNIQUES_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 0, result.output


def make_report(data_dir: Path, *options: str) -> tuple[int, str]:
    """Run `communiques report OPTIONS` on `data_dir`; its exit code and output."""
    result = CliRunner().invoke(cli, ["report", *options], env={"COMMUNIQUES_DATA_DIR": str(data_dir)})
    return result.exit_code, result.output


class Page(HTMLParser):
    """The tags, attributes and text of an HTML page, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def svgs(html: str) -> list[ET.Element]:
    """Every inline SVG of the page, parsed."""
    return [ET.fromstring(match) for match in re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)]


def svg_texts(svg: ET.Element) -> list[str]:
    """The text of every <text> element of an SVG."""
    return ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Iterator[Path]:
    """A data folder whose warehouse holds real fixture documents, the crafted one, a duplicate
    and a quarantined file, ingested through the CLI."""
    folder = tmp_path_factory.mktemp("report")
    inbox = folder / "inbox"
    inbox.mkdir()
    for path in DOCUMENTS:
        shutil.copy(path, inbox / path.name)
    shutil.copy(DOCUMENTS[0], inbox / "copy_of_press_release.txt")  # a duplicate
    write_crafted_inbox(inbox)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        ingest(folder / "data", inbox)
    yield folder / "data"


@pytest.fixture(scope="module")
def report_html(data_dir: Path) -> str:
    """The report made with the default output path."""
    code, output = make_report(data_dir)
    assert code == 0, output
    path = data_dir / "report.html"
    assert output.strip() == str(path)
    return path.read_text(encoding="utf-8")


def test_report_shows_counts_charts_documents_and_quarantine(report_html: str, data_dir: Path) -> None:
    page = Page(report_html)
    text = " ".join(page.text)
    assert str(data_dir / "warehouse.duckdb") in text and "Generated" in text
    for title in CHARTS:
        assert f"<h2>{title.replace(chr(39), '&#x27;')}</h2>" in report_html, title
    assert len(svgs(report_html)) == len(CHARTS)
    # counts: 6 documents loaded, 1 duplicate, 1 quarantined
    assert re.search(r'documents</div><div class="value">6<', report_html)
    assert re.search(r'quarantined</div><div class="value">1<', report_html)
    assert "Meeting of the Council of Ministers of Foreign Affairs" in text  # the press release's title
    assert "empty_document" in text and HOSTILE_NAME in text  # the quarantine list, with its reason
    assert "empty file" in text
    # the SVG labels name countries and languages, not codes
    labels = [label for svg in svgs(report_html) for label in svg_texts(svg)]
    assert "China" in labels and "English (en)" in labels and "Chinese (zh)" in labels


def test_report_is_self_contained_without_scripts(report_html: str) -> None:
    page = Page(report_html)
    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed", "foreignobject", "b"}
    assert not [a for a in page.attributes if a.startswith("on") or a in {"src", "srcset"}]
    # the only URLs are XML namespace names (not loaded by anything)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", report_html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "default-src 'none'" in report_html  # a CSP forbids scripts and loads, should any slip in
    for svg in re.findall(r"<svg\b.*?</svg>", report_html, flags=re.DOTALL):
        check_svg(svg)


def test_document_text_is_escaped_in_tables_and_chart_labels(report_html: str) -> None:
    assert "<script" not in report_html.lower()
    assert BOLD not in report_html and "<img" not in report_html
    page = Page(report_html)
    text = " ".join(page.text)
    # shown as text: the title and the excerpt of the first paragraph in the documents table ...
    assert CRAFTED_TITLE in text
    assert f"The Ministers {SCRIPT} of {BOLD} Foreign Affairs" in text
    assert HOSTILE_NAME in text  # ... and the quarantined file's name
    assert "Joint Statement &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in report_html
    # ... and as a label of the "Longest documents" chart, escaped by vl-convert
    labelled = [svg for svg in svgs(report_html) if CRAFTED_TITLE in svg_texts(svg)]
    assert len(labelled) == 1
    assert any(SCRIPT in (e.get("aria-label") or "") for e in labelled[0].iter())  # screen-reader text too


def test_output_option_writes_there_atomically(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "weekly.html"
    code, output = make_report(data_dir, "--output", str(target))
    assert code == 0, output
    assert output.strip() == str(target)
    assert [p.name for p in target.parent.iterdir()] == ["weekly.html"]  # no temporary file left
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")


@pytest.mark.parametrize("state", ["migrated", "bare file"])
def test_report_on_an_empty_warehouse_says_there_is_nothing_yet(tmp_path: Path, state: str) -> None:
    data = tmp_path / "data"
    wh = Warehouse(data / "warehouse.duckdb")
    if state == "migrated":
        wh.migrate()
    else:
        with wh.connect():
            pass  # DuckDB creates an empty file
    code, output = make_report(data)
    assert code == 0, output
    html = (data / "report.html").read_text(encoding="utf-8")
    assert "Nothing here yet" in html and "<svg" not in html


def test_report_with_runs_but_no_documents_shows_no_empty_charts(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "data" / "warehouse.duckdb")
    run = RunSummary(run_id="run-1", started_at=dt.datetime(2026, 11, 26, 9, 0))
    start_run(wh, run)
    finish_run(wh, run.model_copy(update={"status": "completed", "finished_at": run.started_at}))
    code, output = make_report(tmp_path / "data")
    assert code == 0, output
    html = (tmp_path / "data" / "report.html").read_text(encoding="utf-8")
    assert "<svg" not in html
    assert "No documents loaded yet" in html and "Nothing in quarantine" in html


def test_report_without_a_warehouse_is_one_clear_line(tmp_path: Path) -> None:
    code, output = make_report(tmp_path / "data")
    assert code == 1
    assert "Traceback" not in output
    assert output.strip() == (
        f"Error: no warehouse at {tmp_path / 'data' / 'warehouse.duckdb'} yet: run `communiques ingest` first"
    )
    assert not (tmp_path / "data").exists()


def test_report_on_a_warehouse_older_than_the_reporting_views_says_how_to_upgrade(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "data" / "warehouse.duckdb")
    with wh.connect() as con:
        con.execute("CREATE TABLE files (file_hash VARCHAR)")  # tables, but no reporting views
    code, output = make_report(tmp_path / "data")
    assert code == 1 and "Traceback" not in output
    assert "predates the reporting views; run `communiques ingest` once to upgrade it" in output


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<a x:href="javascript:alert(1)"/></svg>',
        "<svg><text>unclosed</svg>",
    ],
)
def test_chart_svg_with_anything_active_is_refused(svg: str) -> None:
    with pytest.raises((ValueError, ET.ParseError)):
        check_svg(svg)


RENDER = """
import sys
import altair as alt
import pandas as pd
from communiques.report import FONT, chart_svg
frame = pd.DataFrame({"label": ["<script>alert(1)</script>", "Россия 中国"], "n": [2, 1]})
sys.stdout.write(chart_svg(alt.Chart(frame).mark_bar().encode(x="n:Q", y="label:N")))
"""


def test_charts_render_the_same_with_no_network_at_all() -> None:
    """vl-convert fetches nothing (schemas, fonts, data): in a network namespace with no interface
    up, the SVG is byte for byte the one rendered here."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    command = [sys.executable, "-c", RENDER]
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    offline = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--map-root-user", "--net"]
    probe = subprocess.run([*offline, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"no network namespaces here: {probe.stderr.decode().strip()}")
    online = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=True)
    cut_off = subprocess.run(
        [*offline, *command], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cut_off.stdout
    assert cut_off.stdout == online.stdout
