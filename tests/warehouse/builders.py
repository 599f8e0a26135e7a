"""Records for warehouse tests: small hand-built documents and hypothesis strategies."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from hypothesis import strategies as st

from schemas.records import (
    BatchItem,
    CheckResult,
    Communique,
    CountryMention,
    DocType,
    Instrument,
    Paragraph,
    Participant,
    Quality,
    QualityStatus,
    ReferencedEvent,
    Rejection,
    Severity,
)

INJECTION = "'); DROP TABLE documents; --"
NASTY_TEXTS = [
    INJECTION,
    'O\'Brien said "no"; `tick` \\ backslash',
    "Шанхайская организация сотрудничества — 上海合作组织 — منظمة شنغهاي 🇨🇳",
    "line\nbreak\ttab\r\ncarriage",
    "nul\x00inside",
    "$1 ? %s :name {0}",
    "NULL",
    "",
]


def sha(label: str) -> str:
    """A SHA-256 hex digest standing in for a file or text hash."""
    return hashlib.sha256(label.encode()).hexdigest()


def document(name: str, *, content: str | None = None, text: str | None = None) -> Communique:
    """A small but complete document loaded from file `name`; `content` names its clean text."""
    text = text if text is not None else f"Joint communiqué {name}.\n\n1. The parties met in Moscow."
    return Communique(
        doc_id=sha("file:" + name),
        content_hash=sha("text:" + (content if content is not None else name)),
        source_file=f"{name}.txt",
        source_format="text",
        pages=1,
        doc_type=DocType.JOINT_COMMUNIQUE,
        title=f"Communiqué {name}",
        issuing_body="SCO",
        issued_date=dt.date(2009, 5, 15),
        issued_place="Moscow",
        issued_country="RUS",
        language="en",
        language_confidence=0.97,
        participants=[
            Participant(name="Yang Jiechi", role="Minister of Foreign Affairs", country="CHN", page=1),
            Participant(name="S. Lavrov", organization="SCO", char_start=3, char_end=12),
        ],
        countries=["CHN", "RUS"],
        country_mentions=[
            CountryMention(country="RUS", mentions=3),
            CountryMention(country="CHN", mentions=1),
        ],
        referenced_events=[
            ReferencedEvent(
                description="Yekaterinburg summit",
                date_start=dt.date(2009, 6, 15),
                date_end=dt.date(2009, 6, 16),
                place="Yekaterinburg",
                page=1,
                char_start=10,
                char_end=30,
            )
        ],
        instruments=[Instrument(name="Charter of the SCO", kind="charter")],
        topics=["security", "economy"],
        paragraphs=[
            Paragraph(
                number=n,
                section=None if n == 1 else "Security",
                text=f"Paragraph {n} of {name}.",
                language="en",
                language_confidence=0.9,
                page_start=1,
                page_end=1,
                char_start=n * 100,
                char_end=n * 100 + 50,
            )
            for n in (1, 2, 3)
        ],
        quality=Quality(
            status=QualityStatus.WARN,
            failed_checks=["has_date"],
            results=[
                CheckResult(check="min_chars", severity=Severity.CRITICAL, passed=True, detail="52 >= 10"),
                CheckResult(check="has_date", severity=Severity.WARNING, passed=False, detail="no date"),
            ],
        ),
        text=text,
        raw_text=text + "\n-- page 1 --",
    )


def loaded_item(doc: Communique, path: str | None = None) -> BatchItem:
    """The batch item of a parsed document found at `path`."""
    return BatchItem(
        source_path=path or f"/inbox/{doc.source_file}",
        file_hash=doc.doc_id,
        size_bytes=len(doc.raw_text.encode()),
        document=doc,
    )


def rejected_item(name: str, path: str | None = None, *, reason: str = "not a PDF") -> BatchItem:
    """The batch item of a file refused by the pipeline."""
    file_hash = sha("file:" + name)
    return BatchItem(
        source_path=path or f"/inbox/{name}",
        file_hash=file_hash,
        size_bytes=9,
        rejection=Rejection(
            file_hash=file_hash,
            source_file=name,
            category="unreadable_file",
            reason=reason,
            checks=[
                CheckResult(check="min_chars", severity=Severity.CRITICAL, passed=False, detail="0 < 10")
            ],
        ),
    )


def known_item(name: str, path: str) -> BatchItem:
    """A file with the same bytes as file `name`, found at another path (neither document nor rejection)."""
    return BatchItem(source_path=path, file_hash=sha("file:" + name), size_bytes=10)


# ---------------------------------------------------------------- hypothesis strategies

texts = st.text(max_size=40) | st.sampled_from(NASTY_TEXTS)
optional_texts = st.none() | texts
hashes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
int32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)
counts = st.integers(min_value=0, max_value=2**31 - 1)
optional_counts = st.none() | counts
confidences = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
dates = st.dates()
span: dict[str, Any] = {"page": optional_counts, "char_start": optional_counts, "char_end": optional_counts}

participants = st.builds(
    Participant, name=texts, role=optional_texts, country=optional_texts, organization=optional_texts, **span
)
country_mentions = st.builds(
    CountryMention, country=texts, mentions=st.integers(min_value=1, max_value=2**31 - 1)
)
events = st.builds(
    ReferencedEvent, description=texts, date_start=dates, date_end=dates, place=optional_texts, **span
)
instruments = st.builds(Instrument, name=texts, kind=texts, **span)
paragraphs = st.builds(
    Paragraph,
    number=int32,
    section=optional_texts,
    text=texts,
    language=texts,
    language_confidence=confidences,
    page_start=counts,
    page_end=counts,
    char_start=counts,
    char_end=counts,
)
check_results = st.builds(
    CheckResult, check=texts, severity=st.sampled_from(Severity), passed=st.booleans(), detail=texts
)
qualities = st.builds(
    Quality,
    status=st.sampled_from(QualityStatus),
    failed_checks=st.lists(texts, max_size=3),
    results=st.lists(check_results, max_size=3),
)


def small_lists(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """Lists short enough to keep a property test fast."""
    return st.lists(elements, max_size=3)


communiques = st.builds(
    Communique,
    doc_id=hashes,
    content_hash=hashes,
    source_file=texts,
    source_format=st.sampled_from(["pdf", "text", "markdown"]) | texts,
    pages=counts,
    doc_type=st.sampled_from(DocType),
    title=optional_texts,
    issuing_body=optional_texts,
    issued_date=st.none() | dates,
    issued_place=optional_texts,
    issued_country=optional_texts,
    language=texts,
    language_confidence=confidences,
    participants=small_lists(participants),
    countries=small_lists(texts),
    country_mentions=small_lists(country_mentions),
    referenced_events=small_lists(events),
    instruments=small_lists(instruments),
    topics=small_lists(texts),
    paragraphs=small_lists(paragraphs),
    quality=qualities,
    text=texts,
    raw_text=texts,
)
