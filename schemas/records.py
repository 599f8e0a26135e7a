"""The record types: declared once, everything else derives from or is checked against them.

`Communique` is the document record: the `export` JSON contract, the BI contract and
the shape the warehouse tables are built from (a test checks the DDL against it).
The intermediate types (`RawDocument`, `Block`, `CleanDocument`) carry text between
the extractor stages, with page provenance.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DocType(StrEnum):
    """Controlled vocabulary of document types (the words that name them live in extractors/data)."""

    PRESS_RELEASE = "press_release"
    DECLARATION = "declaration"
    JOINT_COMMUNIQUE = "joint_communique"
    JOINT_STATEMENT = "joint_statement"
    STATEMENT = "statement"
    COMMUNIQUE = "communique"
    READOUT = "readout"
    REMARKS = "remarks"
    LETTER = "letter"
    NOTE_VERBALE = "note_verbale"
    MEMORANDUM = "memorandum"
    RESOLUTION = "resolution"
    REPORT = "report"
    OTHER = "other"


class QualityStatus(StrEnum):
    """Outcome of the quality gate for one document."""

    PASS = "pass"
    WARN = "warn"
    QUARANTINE = "quarantine"


class Severity(StrEnum):
    """How a failed check is handled: critical quarantines, warning loads with a note."""

    CRITICAL = "critical"
    WARNING = "warning"


class FileState(StrEnum):
    """Where a file seen by an ingest run ended."""

    LOADED = "loaded"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    SKIPPED = "skipped"  # left alone by rule (temporary or hidden name, symbolic link...): never read


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- extraction stages


class RawDocument(_Record):
    """Text as it came out of a file, one string per page (a text file is one page)."""

    source_format: str = Field(description="pdf, text, markdown (pdf+ocr once OCR is used)")
    pages: list[str] = Field(description="raw text of each page, furniture already removed for PDFs")
    raw_text: str = Field(description="the text exactly as extracted, before any cleaning")
    front_matter: dict[str, str] = Field(default_factory=dict, description="Markdown YAML front matter")
    ocr_pages: list[int] = Field(default_factory=list, description="1-based pages read by OCR")
    ocr_confidence: float | None = Field(default=None, description="mean OCR word confidence (0-100)")


class Block(_Record):
    """One cleaned paragraph or heading with its provenance in the clean text."""

    text: str
    heading: bool = False
    section: str | None = None
    page_start: int
    page_end: int
    char_start: int
    char_end: int


class CleanDocument(_Record):
    """Clean text (blocks joined by blank lines) and the blocks it is made of."""

    text: str
    blocks: list[Block]
    front_matter: dict[str, str] = Field(default_factory=dict, description="Markdown YAML front matter")


# ---------------------------------------------------------------- the document record


class Span(_Record):
    """Where an extracted value was found: page and character offsets in `Communique.text`."""

    page: int | None = None
    char_start: int | None = None
    char_end: int | None = None


class Participant(Span):
    """A person acting in an official capacity in the document."""

    name: str
    role: str | None = None
    country: str | None = Field(default=None, description="ISO 3166 alpha-3 of the state represented")
    organization: str | None = Field(default=None, description="acronym of the organisation served")


class CountryMention(_Record):
    """A state mentioned in the document, with how often."""

    country: str = Field(description="ISO 3166 alpha-3")
    mentions: int = Field(ge=1)


class ReferencedEvent(Span):
    """A meeting, summit, exercise or signing referred to with an explicit date."""

    description: str
    date_start: dt.date
    date_end: dt.date
    place: str | None = None


class Instrument(Span):
    """A named agreement, convention, charter, programme, memorandum, regulation..."""

    name: str
    kind: str


class Paragraph(_Record):
    """A numbered body paragraph with its section, language and provenance."""

    number: int
    section: str | None = None
    text: str
    language: str
    language_confidence: float
    page_start: int
    page_end: int
    char_start: int
    char_end: int


class CheckResult(_Record):
    """The outcome of one quality check on one document."""

    check: str
    severity: Severity
    passed: bool
    detail: str


class Quality(_Record):
    """The quality gate's verdict on a document."""

    status: QualityStatus
    failed_checks: list[str] = Field(default_factory=list)
    results: list[CheckResult] = Field(default_factory=list)


class Communique(_Record):
    """A parsed document: the export and BI contract."""

    doc_id: str = Field(description="SHA-256 of the source file's bytes")
    content_hash: str = Field(description="SHA-256 of the clean text; equal hashes are duplicates")
    source_file: str
    source_format: str = Field(description="pdf, pdf+ocr (some or all pages OCR'd), text, markdown")
    pages: int
    ocr_pages: list[int] = Field(default_factory=list, description="1-based pages read by OCR")
    ocr_confidence: float | None = Field(default=None, description="mean OCR word confidence (0-100)")
    document_symbol: str | None = Field(default=None, description="document code, e.g. A/L.632")
    doc_type: DocType
    title: str | None
    issuing_body: str | None
    issued_date: dt.date | None
    issued_place: str | None
    issued_country: str | None
    language: str
    language_confidence: float
    participants: list[Participant]
    countries: list[str] = Field(description="sorted unique ISO3 codes of states mentioned")
    country_mentions: list[CountryMention]
    referenced_events: list[ReferencedEvent]
    instruments: list[Instrument]
    topics: list[str]
    paragraphs: list[Paragraph]
    quality: Quality
    text: str
    raw_text: str


class Structure(_Record):
    """What the structure parser finds in a clean text (the record fields that come from the text)."""

    document_symbol: str | None = None
    doc_type: DocType
    title: str | None
    issuing_body: str | None
    issued_date: dt.date | None
    issued_place: str | None
    issued_country: str | None
    participants: list[Participant]
    country_mentions: list[CountryMention]
    referenced_events: list[ReferencedEvent]
    instruments: list[Instrument]
    topics: list[str]


class Rejection(_Record):
    """A file the pipeline refused, with the reason a person can act on."""

    file_hash: str
    source_file: str
    category: str = Field(description="short machine-readable reason, e.g. empty_document, unreadable_file")
    reason: str = Field(description="one readable sentence")
    checks: list[CheckResult] = Field(
        default_factory=list, description="quality checks, when the gate refused it"
    )


class BatchItem(_Record):
    """One file of a batch on its way to the warehouse: a document or a rejection."""

    source_path: str
    file_hash: str
    size_bytes: int
    document: Communique | None = None
    rejection: Rejection | None = None


class FileOutcome(_Record):
    """Where one file ended after a load."""

    source_path: str
    file_hash: str
    state: FileState
    doc_id: str | None = Field(default=None, description="the document loaded, or the one it duplicates")
    category: str | None = None
    reason: str | None = None


class FileFailure(_Record):
    """A file whose extraction failed for an internal or transient reason: left in place for next time."""

    source_path: str
    error: str = Field(description="the exception's type and message")

    def __str__(self) -> str:
        return f"{self.source_path}: {self.error}"


class Execution(_Record):
    """How files are extracted: in how many worker processes, within which per-document limits."""

    workers: int = Field(default=2, ge=1, le=64, description="documents extracted at once, one process each")
    time_limit_seconds: float | None = Field(
        default=120.0, gt=0, description="a document taking longer is refused (its process is killed)"
    )
    memory_limit_mb: int | None = Field(
        default=2048,
        ge=256,
        description="address space of a worker process; beyond it the document is refused",
    )
    extractor: str = Field(
        default="extractors.document:process_file", description="module:function run on each file"
    )


PdfEngine = Literal["pdfplumber", "pdfium"]  # what reads PDF text layers (see extractors.pdf)


class ExtractOptions(_Record):
    """Limits, PDF engine and OCR settings the extractors apply to each file."""

    max_file_bytes: int = Field(default=200 * 1024 * 1024, gt=0, description="larger files are refused")
    ocr_languages: tuple[str, ...] = Field(
        default=("eng", "rus", "chi_sim"), description="Tesseract language models for scanned pages"
    )
    ocr_dpi: int = Field(default=300, ge=72, le=600, description="resolution scanned pages are rendered at")
    max_pages: int = Field(default=2000, gt=0, description="PDFs with more pages are refused")
    pdf_engine: PdfEngine = Field(
        default="pdfplumber",
        description="reads PDF text layers: pdfplumber (the reference) or pdfium (faster, its own raw text)",
    )


class SourceFile(_Record):
    """A file found by discovery: where it is, its SHA-256 and size."""

    path: str
    file_hash: str
    size_bytes: int


SIDECAR_SUFFIX = ".reason.txt"  # a quarantined file's reason, beside it: `<file><SIDECAR_SUFFIX>`


class SkippedFile(_Record):
    """A path discovery left alone by rule, without reading it: why, in a category and in words."""

    path: str
    rule: str = Field(
        description="temporary_name, hidden_name, lock_file, sidecar, symlink or not_regular_file"
    )
    detail: str


class RunSummary(_Record):
    """One ingest run, as recorded in the `runs` table and printed by the CLI."""

    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    status: str = "running"
    files_seen: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = Field(default=0, description="paths left alone by rule (see SkippedFile)")
    host: str | None = Field(default=None, description="machine the run ran on")
    pid: int | None = Field(default=None, description="process that ran it (to spot interrupted runs)")


class SearchHit(_Record):
    """One paragraph found by full-text search: its document, how well it matched, a snippet."""

    rank: int = Field(description="1 for the best match")
    score: float = Field(description="BM25 score; for Chinese (substring) matches, the query's occurrences")
    doc_id: str
    title: str | None
    issued_date: dt.date | None
    source_file: str
    ordinal: int = Field(description="the paragraph's position in the document")
    number: int = Field(description="the paragraph's number")
    page_start: int
    language: str = Field(description="the language the paragraph was searched in")
    snippet: str = Field(description="the paragraph, cut around its first match, on one line")
    highlights: list[tuple[int, int]] = Field(
        default_factory=list, description="(start, end) of each matched word in `snippet`"
    )
