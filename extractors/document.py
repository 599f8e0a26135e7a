"""From a file's bytes to a `Communique`: the extractor stages put together.

`build_communique` is pure (bytes in, record out); `process_file` adds the one file read
and turns terminal errors into a `Rejection` so a bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from extractors.cleaning import segment
from extractors.contents import is_contents
from extractors.language import detect_language
from extractors.pdf import read_pdf
from extractors.sources import read_source
from extractors.structure import parse
from extractors.text import read_text
from schemas.errors import EmptyDocument, TerminalError, UnsupportedFormat
from schemas.records import (
    BatchItem,
    Block,
    CleanDocument,
    Communique,
    ExtractOptions,
    Paragraph,
    Quality,
    QualityStatus,
    RawDocument,
    Rejection,
    Severity,
    SourceFile,
    Structure,
)

DEFAULTS = ExtractOptions()
TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}


def read_document(data: bytes, source_file: str, options: ExtractOptions = DEFAULTS) -> RawDocument:
    """Pick the reader by file suffix (sniffing the bytes when there is none)."""
    suffix = PurePath(source_file).suffix.lower()
    if suffix == ".pdf" or (not suffix and data.startswith(b"%PDF")):
        return read_pdf(
            data,
            ocr_languages=options.ocr_languages,
            ocr_dpi=options.ocr_dpi,
            max_pages=options.max_pages,
            engine=options.pdf_engine,
        )
    if suffix in MARKDOWN_SUFFIXES:
        return read_text(data, markdown=True)
    if suffix in TEXT_SUFFIXES or not suffix:
        return read_text(data)
    raise UnsupportedFormat(f"unsupported file type {suffix!r}: expected .pdf, .txt or .md")


def number_paragraphs(blocks: list[Block], language: str | None = None) -> list[Paragraph]:
    """Body blocks (headings and tables of contents excluded) numbered from 1, each with its language.

    `language`, the document's, is what each paragraph is first checked against (see detect_language).
    """
    paragraphs: list[Paragraph] = []
    for block in (b for b in blocks if not b.heading and not is_contents(b.text)):
        language_found, confidence = detect_language(block.text, expected=language)
        paragraphs.append(
            Paragraph(
                number=len(paragraphs) + 1,
                section=block.section,
                text=block.text,
                language=language_found,
                language_confidence=round(confidence, 4),
                page_start=block.page_start,
                page_end=block.page_end,
                char_start=block.char_start,
                char_end=block.char_end,
            )
        )
    return paragraphs


def content_hash(clean: CleanDocument) -> str:
    """Identity of the clean content: two files with equal hashes are the same document."""
    return hashlib.sha256(" ".join(clean.text.split()).encode("utf-8")).hexdigest()


def build_communique(
    data: bytes, source_file: str, doc_id: str, options: ExtractOptions = DEFAULTS
) -> Communique:
    """Extract, clean and parse one document; raises TerminalError when it cannot be read."""
    raw = read_document(data, source_file, options)
    clean = segment(raw)
    if not clean.text.strip():
        raise EmptyDocument("no text left after cleaning", source_file)
    structure = parse(clean)
    language, confidence = detect_language(clean.text)
    return Communique(
        doc_id=doc_id,
        content_hash=content_hash(clean),
        source_file=PurePath(source_file).name,
        source_format=raw.source_format,
        pages=len(raw.pages),
        ocr_pages=raw.ocr_pages,
        ocr_confidence=raw.ocr_confidence,
        **{name: getattr(structure, name) for name in Structure.model_fields},
        countries=sorted({m.country for m in structure.country_mentions}),
        language=language,
        language_confidence=round(confidence, 4),
        paragraphs=number_paragraphs(clean.blocks, language),
        quality=Quality(status=QualityStatus.PASS),
        text=clean.text,
        raw_text=raw.raw_text,
    )


_WARM_UP = (
    "Joint Communiqué\n\nBeijing, 15 June 2024\n\n1. The Ministers of Foreign Affairs of the Republic of "
    "Kazakhstan and the Russian Federation met in Astana and signed the Agreement on Cooperation.\n"
)


def warm_up() -> None:
    """Build what the extractors make on first use (lexicons, language profiles: ~1.5 s) now.

    A worker process calls it before taking its first file.
    """
    build_communique(_WARM_UP.encode(), "warm-up.txt", "warm-up")


def rejected(source: SourceFile, error: TerminalError) -> BatchItem:
    """The batch item of a file refused for `error` (its category and reason)."""
    rejection = Rejection(
        file_hash=source.file_hash,
        source_file=PurePath(source.path).name,
        category=error.category,
        reason=error.reason,
    )
    return BatchItem(
        source_path=source.path, file_hash=source.file_hash, size_bytes=source.size_bytes, rejection=rejection
    )


def process_file(source: SourceFile, options: ExtractOptions = DEFAULTS) -> BatchItem:
    """Read and build one file; a terminal error becomes a rejection, a transient one propagates."""
    try:
        document = build_communique(
            read_source(source.path, options.max_file_bytes), source.path, source.file_hash, options
        )
    except TerminalError as exc:
        return rejected(source, exc)
    return BatchItem(
        source_path=source.path, file_hash=source.file_hash, size_bytes=source.size_bytes, document=document
    )


def apply_quality(items: list[BatchItem], verdicts: dict[str, Quality]) -> list[BatchItem]:
    """Attach each document's quality verdict; a document that failed a critical check becomes a rejection."""
    gated = []
    for item in items:
        document = item.document
        if document is None or document.doc_id not in verdicts:
            gated.append(item)
            continue
        quality = verdicts[document.doc_id]
        if quality.status is QualityStatus.QUARANTINE:
            failed = [r for r in quality.results if not r.passed and r.severity is Severity.CRITICAL]
            rejection = Rejection(
                file_hash=item.file_hash,
                source_file=document.source_file,
                category="quality:" + ",".join(r.check for r in failed),
                reason="; ".join(r.detail for r in failed),
                checks=quality.results,
            )
            gated.append(item.model_copy(update={"document": None, "rejection": rejection}))
        else:
            gated.append(
                item.model_copy(update={"document": document.model_copy(update={"quality": quality})})
            )
    return gated
