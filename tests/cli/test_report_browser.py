"""The report in a real browser: headless Chromium shows every chart, runs nothing, logs no error.

Screenshots go to $TEST_ARTIFACTS (default: test-artifacts/ at the project root, git-ignored).
With UPDATE_DOCS_SCREENSHOT=1 the report of the bundled samples also replaces docs/report.png.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import Page, find_chromium, open_browser
from tests.cli.test_report import (
    BOLD,
    CRAFTED_TITLE,
    HOSTILE_NAME,
    SCRIPT,
    ingest,
    make_report,
    write_crafted_inbox,
)
from tests.conftest import PROJECT

pytestmark = pytest.mark.skipif(
    find_chromium() is None, reason="Chromium is not installed (apt-get install chromium)"
)

CHARTS = 8  # every chart has data in the samples' report

# The top of the page for the README: header, counts and the first two rows of charts.
README_SHOT = (
    "({x: 0, y: 0, scale: 1, width: document.documentElement.clientWidth, height: Math.ceil(16 + Math.max("
    "...[...document.querySelectorAll('figure')].slice(0, 4).map(f => f.getBoundingClientRect().bottom)))})"
)
# Each inline SVG's rendered size, and whatever the page could run or load.
SVG_SIZES = "[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().toJSON())"
ACTIVE = (
    "({scripts: document.scripts.length,"
    " active: document.querySelectorAll('script, b, img, iframe, object, embed, foreignObject').length,"
    " resources: performance.getEntriesByType('resource').map(r => r.name)})"
)


def artifacts() -> Path:
    """Where screenshots are kept for people to look at."""
    return Path(os.environ.get("TEST_ARTIFACTS") or PROJECT / "test-artifacts")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Iterator[dict[str, Path]]:
    """The report of the bundled samples, then of the samples plus the crafted documents."""
    folder = tmp_path_factory.mktemp("browser")
    data = folder / "data"
    made: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        ingest(data, PROJECT / "samples")
        made["samples"] = folder / "samples.html"
        assert make_report(data, "-o", str(made["samples"]))[0] == 0
        write_crafted_inbox(folder / "crafted")
        ingest(data, folder / "crafted")
        made["crafted"] = folder / "crafted.html"
        assert make_report(data, "-o", str(made["crafted"]))[0] == 0
    yield made


@pytest.fixture(scope="module")
def browser() -> Iterator[Page]:
    """One headless Chromium for the module, network cut off, killed at the end."""
    with open_browser(width=1280, height=900) as page:
        yield page


def open_report(page: Page, path: Path) -> None:
    """Load the report and let late console messages arrive."""
    page.errors.clear()
    page.navigate(path.as_uri())
    page.settle(0.3)


def test_samples_report_renders_every_chart_without_errors(browser: Page, reports: dict[str, Path]) -> None:
    open_report(browser, reports["samples"])
    sizes = browser.evaluate(SVG_SIZES)
    found = browser.evaluate(ACTIVE)
    shots = artifacts()
    browser.screenshot(shots / "report-samples.png", full_page=True)
    readme = browser.screenshot(shots / "report-samples-top.png", clip=browser.evaluate(README_SHOT))
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copy(readme, PROJECT / "docs" / "report.png")
    assert browser.errors == []
    assert len(sizes) == CHARTS
    assert all(s["width"] > 50 and s["height"] > 30 for s in sizes), json.dumps(sizes)
    assert found == {"scripts": 0, "active": 0, "resources": []}
    heading = browser.evaluate("document.querySelector('h1').textContent")
    assert heading == "Communiqués report"


def test_crafted_markup_shows_as_text_and_runs_nothing(browser: Page, reports: dict[str, Path]) -> None:
    open_report(browser, reports["crafted"])
    browser.screenshot(artifacts() / "report-crafted.png", full_page=True)
    assert browser.errors == []  # an alert() would be reported as a dialog
    assert browser.evaluate(ACTIVE) == {"scripts": 0, "active": 0, "resources": []}
    text = browser.evaluate("document.body.innerText")
    assert CRAFTED_TITLE in text and f"The Ministers {SCRIPT} of {BOLD}" in text and HOSTILE_NAME in text
    labels = browser.evaluate("[...document.querySelectorAll('svg text')].map(t => t.textContent)")
    assert CRAFTED_TITLE in labels


def test_a_page_loading_from_the_network_would_be_caught(browser: Page, tmp_path: Path) -> None:
    """The check above means something: a CDN script in the page shows up as an error."""
    page = tmp_path / "cdn.html"
    page.write_text('<!doctype html><script src="https://cdn.jsdelivr.net/npm/vega@5"></script>')
    open_report(browser, page)
    assert any("cdn.jsdelivr.net" in e for e in browser.errors), browser.errors
