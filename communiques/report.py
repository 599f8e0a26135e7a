"""The HTML report: `ReportData` in, one self-contained page out.

Charts are Vega-Lite specifications built with Altair and rendered to SVG by vl-convert (a bundled
JavaScript engine; no browser, no network: `allowed_base_urls=[]` refuses any data URL). The SVG is
inlined, so the page has no script at all and opens offline; styles are inline too, and a
Content-Security-Policy forbids scripts and every external load should anything slip in.

Every piece of text from the warehouse is HTML-escaped here. vl-convert escapes chart text itself
(labels become `&lt;script&gt;` in `<text>` and `aria-label`); each SVG is still parsed and refused
if it holds an active element (`script`, `foreignObject`) or an event-handler attribute.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from warehouse.report_data import ReportData

BAR_STEP = 18  # pixels per bar in horizontal bar charts
CHART_WIDTH = 380
LABEL_CHARS = 60  # longer labels (titles, instrument names) are cut with an ellipsis
EXCERPT_CHARS = 220
UNDATED = "undated"
# vl-convert measures text with its bundled Liberation Sans; Arial and Helvetica share its metrics,
# so labels the browser draws with any of them fit the space measured for them.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
OUTCOME_COLOURS = {
    "passed": "#4c9a5b",
    "warned": "#e0a526",
    "duplicates": "#9aa4ad",
    "quarantined": "#c8463b",
    "failed": "#6b1d17",
}
_UNSAFE_ELEMENTS = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"}
_ID = re.compile(r'\bid="([^"]+)"')
_ID_USE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


@dataclass(frozen=True)
class Figure:
    """A chart of the report: heading, what it shows, and its rendered SVG."""

    title: str
    caption: str
    svg: str


# ------------------------------------------------------------------ labels


@cache
def country_name(code: str) -> str:
    """A country's short English name from its ISO 3166 alpha-3 code (the code when unknown)."""
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@cache
def language_name(code: str) -> str:
    """A language's English name and ISO 639-1 code, e.g. "English (en)"."""
    import pycountry

    if code == "und":
        return "undetermined (und)"
    language = pycountry.languages.get(alpha_2=code)
    return f"{language.name} ({code})" if language is not None else code


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut at `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def unique(labels: Iterable[str]) -> list[str]:
    """The labels, a repeated one suffixed " (2)", " (3)"... so each names one bar."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def year_label(year: Any) -> str:
    """A year of issue as an axis label; missing years are "undated"."""
    return UNDATED if pd.isna(year) else str(int(year))


def year_order(labels: Iterable[str]) -> list[str]:
    """Years in order, "undated" last."""
    found = set(labels)
    return sorted(found - {UNDATED}) + ([UNDATED] if UNDATED in found else [])


def kind_label(value: str) -> str:
    """A vocabulary value as words: "joint_communique" -> "joint communique"."""
    return value.replace("_", " ")


# ------------------------------------------------------------------ charts


def count_axis(largest: int) -> alt.Axis:
    """An axis of whole numbers from 0 to `largest`, at most about six ticks."""
    step = max(1, -(-largest // 5))
    return alt.Axis(values=list(range(0, largest + step, step)), format="d")


def _bars(frame: pd.DataFrame, label: str, value: str, value_title: str, colour: str) -> alt.Chart:
    """Horizontal bars, largest first, one labelled row each."""
    return (
        alt.Chart(frame)
        .mark_bar(color=colour)
        .encode(
            x=alt.X(f"{value}:Q", title=value_title, axis=count_axis(int(frame[value].max()))),
            y=alt.Y(f"{label}:N", title=None, sort=list(frame[label]), axis=alt.Axis(labelLimit=340)),
        )
        .properties(width=CHART_WIDTH, height=alt.Step(BAR_STEP))
    )


def year_type_chart(data: ReportData) -> alt.Chart | None:
    """Documents per year of issue, stacked by type."""
    frame = data.by_year_type
    if frame.empty:
        return None
    frame = frame.assign(
        year=[year_label(y) for y in frame["issued_year"]], type=[kind_label(t) for t in frame["doc_type"]]
    )
    years = year_order(frame["year"])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "year:O",
                title="year of issue",
                sort=years,
                axis=alt.Axis(labelAngle=0 if len(years) < 12 else -90),
            ),
            y=alt.Y(
                "sum(documents):Q",
                title="documents",
                axis=count_axis(int(frame.groupby("year")["documents"].sum().max())),
            ),
            color=alt.Color("type:N", title="type", scale=alt.Scale(scheme="tableau10")),
            order=alt.Order("type:N"),
        )
        .properties(width=min(CHART_WIDTH, max(160, 36 * len(years))), height=220)
    )


def languages_chart(data: ReportData) -> alt.Chart | None:
    """Documents per language."""
    if data.languages.empty:
        return None
    frame = data.languages.assign(name=[language_name(c) for c in data.languages["language"]])
    return _bars(frame, "name", "documents", "documents", "#4c78a8")


def countries_chart(data: ReportData) -> alt.Chart | None:
    """The countries mentioned in the most documents."""
    if data.countries.empty:
        return None
    frame = data.countries.assign(name=unique(country_name(c) for c in data.countries["country"]))
    return _bars(frame, "name", "documents", "documents mentioning it", "#54a24b")


def topics_chart(data: ReportData) -> alt.Chart | None:
    """Topics per year of issue as a heat map, with the document count in each cell."""
    frame = data.topics_by_year
    if frame.empty:
        return None
    frame = frame.assign(
        year=[year_label(y) for y in frame["issued_year"]], name=[kind_label(t) for t in frame["topic"]]
    )
    topics = frame.groupby("name", sort=False)["documents"].sum().sort_values(ascending=False, kind="stable")
    base = alt.Chart(frame).encode(
        x=alt.X("year:O", title="year of issue", sort=year_order(frame["year"]), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("name:N", title=None, sort=list(topics.index)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("documents:Q", title="documents", scale=alt.Scale(scheme="blues"), legend=None)
    )
    counts = base.mark_text(fontSize=10).encode(
        text=alt.Text("documents:Q"),
        color=alt.condition(
            f"datum.documents > {frame['documents'].max() / 2}", alt.value("white"), alt.value("#222")
        ),
    )
    width = min(CHART_WIDTH, 40 * frame["year"].nunique())
    return (cells + counts).properties(width=width, height=alt.Step(BAR_STEP))


def participants_chart(data: ReportData) -> alt.Chart | None:
    """The countries participants represent, by number of participants."""
    if data.participant_countries.empty:
        return None
    frame = data.participant_countries
    frame = frame.assign(name=unique(country_name(c) for c in frame["country"]))
    return _bars(frame, "name", "participants", "participants", "#b279a2")


def instruments_chart(data: ReportData) -> alt.Chart | None:
    """The instruments (treaties, agreements, charters...) cited by the most documents."""
    if data.instruments.empty:
        return None
    frame = data.instruments
    frame = frame.assign(label=unique(shorten(n, LABEL_CHARS) for n in frame["name"]))
    return _bars(frame, "label", "citing_documents", "documents citing it", "#9d755d")


def longest_chart(data: ReportData) -> alt.Chart | None:
    """The documents with the most numbered paragraphs, by title."""
    if data.longest.empty:
        return None
    frame = data.longest
    titles = (
        t if isinstance(t, str) and t.strip() else f"[{f}]"
        for t, f in zip(frame["title"], frame["source_file"], strict=True)
    )
    frame = frame.assign(label=unique(shorten(t, LABEL_CHARS) for t in titles))
    return _bars(frame, "label", "paragraph_count", "paragraphs", "#72b7b2")


def quality_chart(data: ReportData) -> alt.Chart | None:
    """What each recent run decided for its files: loaded (passed, warned), duplicate, quarantined, failed."""
    frame = data.quality_by_run
    if frame.empty:
        return None
    runs = unique(f"{started:%Y-%m-%d %H:%M}" for started in frame["started_at"])
    long = frame.assign(run=runs).melt(
        id_vars=["run"], value_vars=list(OUTCOME_COLOURS), var_name="outcome", value_name="files"
    )
    long = long[long["files"] > 0]
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("run:N", title="run started (UTC)", sort=runs, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y(
                "sum(files):Q", title="files", axis=count_axis(int(long.groupby("run")["files"].sum().max()))
            ),
            color=alt.Color(
                "outcome:N",
                title="outcome",
                scale=alt.Scale(domain=list(OUTCOME_COLOURS), range=list(OUTCOME_COLOURS.values())),
            ),
            order=alt.Order("outcome:N"),
        )
        .properties(width=max(120, min(CHART_WIDTH, 40 * len(runs))), height=220)
    )


def figures(data: ReportData) -> list[Figure]:
    """Every chart that has data, rendered to SVG, in reading order."""
    specs = [
        (
            "Documents per year and type",
            "Loaded documents by year of issue, stacked by type.",
            year_type_chart,
        ),
        ("Languages", "Loaded documents by detected language.", languages_chart),
        ("Countries mentioned", "The countries named in the most documents.", countries_chart),
        (
            "Topics over time",
            "Documents on each of the most frequent topics, per year of issue.",
            topics_chart,
        ),
        (
            "Participants' countries",
            "Participants named in documents, by the country they represent.",
            participants_chart,
        ),
        (
            "Instruments cited",
            "Treaties, agreements and charters cited by the most documents.",
            instruments_chart,
        ),
        ("Longest documents", "Documents with the most numbered paragraphs.", longest_chart),
        (
            "Quality outcomes per run",
            "Files each run decided (runs that found nothing new are left out).",
            quality_chart,
        ),
    ]
    out = []
    for index, (title, caption, build) in enumerate(specs):
        chart = build(data)
        if chart is not None:
            out.append(Figure(title, caption, chart_svg(chart, prefix=f"chart{index}-")))
    return out


def chart_svg(chart: alt.TopLevelMixin, prefix: str = "") -> str:
    """Render a chart to SVG with vl-convert, offline, checked to hold nothing active.

    `prefix` is put before every id in the SVG (and the references to them), so several SVGs
    inlined in one page do not share gradient or clip ids.
    """
    import vl_convert

    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    vl_version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    svg = vl_convert.vegalite_to_svg(spec, vl_version=vl_version, allowed_base_urls=[])
    check_svg(svg)
    if prefix:
        ids = set(_ID.findall(svg))
        svg = _ID_USE.sub(lambda m: m[1] + prefix + m[2] if m[2] in ids else m[0], svg)
    return svg


def check_svg(svg: str) -> None:
    """Raise `ValueError` unless the SVG is well-formed and holds no script, foreign HTML or handler."""
    root = ET.fromstring(svg)
    if _local(root.tag) != "svg":
        raise ValueError(f"not an SVG document: <{root.tag}>")
    for element in root.iter():
        if _local(element.tag).lower() in _UNSAFE_ELEMENTS:
            raise ValueError(f"the chart SVG holds a <{_local(element.tag)}> element")
        for name, value in element.attrib.items():
            if _local(name).lower().startswith("on"):
                raise ValueError(f"the chart SVG holds an event handler attribute {_local(name)}")
            if _local(name) == "href" and not value.startswith("#"):
                raise ValueError(f"the chart SVG links outside itself: {value[:80]}")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# ------------------------------------------------------------------ HTML


def _text(value: object) -> str:
    """Any value as escaped HTML text; None as an empty string."""
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime):
        return escape(f"{value:%Y-%m-%d %H:%M}")
    return escape(str(value), quote=True)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str) -> str:
    """An HTML table; the cells are already HTML (escaped by the caller)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>'


def summary_html(data: ReportData) -> str:
    """The headline counts as a row of tiles."""
    s = data.summary
    if s.first_issued and s.last_issued:
        issued = (
            f"{s.first_issued.year}–{s.last_issued.year}"
            if s.first_issued != s.last_issued
            else str(s.first_issued)
        )
    else:
        issued = "–"
    last_run = f"last {s.last_run_at:%Y-%m-%d %H:%M}" if s.last_run_at else "none yet"
    tiles = [
        ("documents", f"{s.documents:,}", f"{s.paragraphs:,} paragraphs"),
        ("issued", issued, "years of issue"),
        ("participants", f"{s.participants:,}", "named in documents"),
        ("countries", f"{s.countries:,}", "mentioned"),
        ("files seen", f"{s.files:,}", f"{s.duplicates:,} duplicates"),
        ("quarantined", f"{s.quarantined:,}", "files refused"),
        ("runs", f"{s.runs:,}", last_run),
    ]
    return (
        '<section class="tiles">'
        + "".join(
            f'<div class="tile"><div class="label">{_text(label)}</div>'
            f'<div class="value">{_text(value)}</div><div class="note">{_text(note)}</div></div>'
            for label, value, note in tiles
        )
        + "</section>"
    )


def documents_html(data: ReportData) -> str:
    """The latest loaded documents with an excerpt of their first paragraph."""
    if not data.latest_documents:
        return '<p class="nothing">No documents loaded yet.</p>'
    rows = []
    for doc in data.latest_documents:
        title = _text(doc["title"]) if doc["title"] else '<span class="muted">untitled</span>'
        excerpt = shorten(doc["first_paragraph"] or "", EXCERPT_CHARS)
        quality = _text(doc["quality_status"])
        if doc["quality_failed_checks"]:
            quality += f'<div class="muted">{_text(doc["quality_failed_checks"])}</div>'
        place = ", ".join(p for p in (doc["issued_place"], doc["issued_country"]) if p)
        rows.append(
            [
                f'<span class="nowrap">{_text(doc["issued_date"])}</span>',
                f'<div class="title">{title}</div><div class="excerpt">{_text(excerpt)}</div>',
                _text(kind_label(doc["doc_type"] or "")),
                _text(place),
                _text(doc["language"]),
                f'<span class="num">{_text(doc["paragraph_count"])}</span>',
                quality,
                f'<span class="file">{_text(doc["source_file"])}</span>',
                f'<span class="nowrap">{_text(doc["loaded_at"])}</span>',
            ]
        )
    headers = ["issued", "title", "type", "place", "lang.", "¶", "quality", "file", "loaded (UTC)"]
    return _table(headers, rows, "documents")


def quarantine_html(data: ReportData) -> str:
    """Files currently in quarantine, with why and where they are kept."""
    if not data.quarantine:
        return '<p class="nothing">Nothing in quarantine.</p>'
    rows = [
        [
            f'<span class="file">{_text(item["source_file"])}</span>',
            f'<span class="category">{_text(item["category"])}</span>',
            _text(item["reason"]),
            f'<span class="nowrap">{_text(item["quarantined_at"])}</span>',
            f'<span class="file">{_text(item["quarantine_path"] or item["source_path"])}</span>',
        ]
        for item in data.quarantine
    ]
    return _table(["file", "category", "reason", "refused (UTC)", "kept at"], rows, "quarantine")


def render_report(data: ReportData, *, generated_at: dt.datetime | None = None) -> str:
    """The whole report as one HTML page: header, counts, charts, latest documents, quarantine."""
    when = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    header = (
        "<header><h1>Communiqués report</h1>"
        f'<p class="meta">Generated {when:%Y-%m-%d %H:%M} UTC from <code>{_text(data.warehouse)}</code>'
        "</p></header>"
    )
    if data.empty:
        body = (
            '<section class="empty"><h2>Nothing here yet</h2><p>The warehouse holds no documents, no '
            "refused files and no runs. Ingest some files (<code>communiques ingest PATH</code>) and make "
            "the report again.</p></section>"
        )
    else:
        charts = figures(data)
        figures_html = (
            "\n".join(
                f'<figure><h2>{_text(f.title)}</h2><p class="caption">{_text(f.caption)}</p>'
                f'<div class="chart">{f.svg}</div></figure>'
                for f in charts
            )
            or '<p class="nothing">No documents loaded yet, so no charts.</p>'
        )
        body = (
            summary_html(data)
            + f'<section class="charts">{figures_html}</section>'
            + f"<section><h2>Latest documents</h2>{documents_html(data)}</section>"
            + f"<section><h2>Quarantine</h2>{quarantine_html(data)}</section>"
        )
    return _PAGE.format(style=_STYLE, header=header, body=body)


def write_report(html: str, path: Path) -> Path:
    """Write the page atomically (a temporary file beside it, then a rename); returns the path."""
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="communiques report">
<title>Communiqués report</title>
<style>{style}</style>
</head>
<body>
{header}
<main>
{body}
</main>
<footer>Made by <code>communiques report</code>. Charts: Vega-Lite (Altair) rendered to SVG by
vl-convert; the page needs no script and no network.</footer>
</body>
</html>
"""

_STYLE = """
:root { color-scheme: light; --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --tile: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fff; }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.meta, .caption, .muted, .note, footer { color: var(--muted); }
.meta { margin: 0 0 14px; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: var(--tile); padding: 1px 4px;
       border-radius: 3px; word-break: break-all; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px;
         margin: 18px 0 4px; }
.tile { background: var(--tile); border-radius: 6px; padding: 10px 12px; }
.tile .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.tile .value { font-size: 22px; font-weight: 600; white-space: nowrap; }
.tile .note { font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 8px 28px; }
figure { margin: 0; min-width: 0; }
figure h2 { margin-bottom: 0; }
.caption { margin: 0 0 8px; font-size: 13px; }
.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
td .title { font-weight: 600; }
td .excerpt { color: var(--muted); font-size: 12px; }
.num { font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
.file { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.category { background: #fde8e6; color: #8a2a21; border-radius: 3px; padding: 1px 5px; white-space: nowrap; }
.nothing, .empty p { color: var(--muted); }
footer { border-top: 1px solid var(--line); margin-top: 32px; padding-top: 12px; padding-bottom: 24px;
         font-size: 12px; }
"""
