-- The reporting contract: views in schema `reporting` that BI dashboards are built on. Tables may
-- change; these views keep their names and columns (a test pins them). Every table, view and
-- column carries a comment, so `duckdb_columns()` (and any BI tool that reads comments) shows the
-- data dictionary; `communiques schema` prints it.

CREATE SCHEMA reporting;

CREATE VIEW reporting.documents AS
SELECT
    d.doc_id,
    d.title,
    d.doc_type,
    d.issuing_body,
    d.issued_date,
    year(d.issued_date) AS issued_year,
    d.issued_place,
    d.issued_country,
    d.language,
    d.document_symbol,
    d.pages,
    d.source_file,
    d.source_format,
    len(d.ocr_pages) > 0 AS ocr_used,
    d.quality_status,
    array_to_string(d.quality_failed_checks, ', ') AS quality_failed_checks,
    (SELECT count(*) FROM main.paragraphs p WHERE p.doc_id = d.doc_id) AS paragraph_count,
    (SELECT count(*) FROM main.participants p WHERE p.doc_id = d.doc_id) AS participant_count,
    len(d.countries) AS country_count,
    d.run_id,
    d.loaded_at
FROM main.documents d;

CREATE VIEW reporting.participants AS
SELECT
    p.doc_id,
    d.title,
    d.issued_date,
    year(d.issued_date) AS issued_year,
    p.ordinal,
    p.name,
    p.role,
    p.country,
    p.organization
FROM main.participants p
JOIN main.documents d USING (doc_id);

CREATE VIEW reporting.country_mentions AS
SELECT
    m.doc_id,
    d.title,
    d.issued_date,
    year(d.issued_date) AS issued_year,
    m.country,
    m.mentions
FROM main.country_mentions m
JOIN main.documents d USING (doc_id);

CREATE VIEW reporting.country_mentions_by_year AS
SELECT
    year(d.issued_date) AS issued_year,
    m.country,
    count(DISTINCT m.doc_id) AS documents,
    sum(m.mentions)::BIGINT AS mentions
FROM main.country_mentions m
JOIN main.documents d USING (doc_id)
GROUP BY ALL;

CREATE VIEW reporting.events_timeline AS
SELECT
    e.date_start,
    e.date_end,
    e.description,
    e.place,
    e.doc_id,
    d.title AS cited_in_title,
    d.issued_date AS cited_in_date
FROM main.referenced_events e
JOIN main.documents d USING (doc_id);

CREATE VIEW reporting.instrument_citations AS
SELECT
    i.name,
    i.kind,
    i.doc_id,
    d.title,
    d.issued_date,
    year(d.issued_date) AS issued_year
FROM main.instruments i
JOIN main.documents d USING (doc_id);

CREATE VIEW reporting.instruments AS
SELECT
    i.name,
    i.kind,
    count(DISTINCT i.doc_id) AS citing_documents,
    min(d.issued_date) AS first_cited,
    max(d.issued_date) AS last_cited
FROM main.instruments i
JOIN main.documents d USING (doc_id)
GROUP BY ALL;

CREATE VIEW reporting.topics_by_year AS
SELECT
    year(d.issued_date) AS issued_year,
    t.topic,
    count(DISTINCT t.doc_id) AS documents
FROM main.topics t
JOIN main.documents d USING (doc_id)
GROUP BY ALL;

CREATE VIEW reporting.quality_by_run AS
SELECT
    r.run_id,
    r.started_at,
    r.status AS run_status,
    count(*) FILTER (WHERE f.state = 'loaded' AND d.quality_status = 'pass') AS passed,
    count(*) FILTER (WHERE f.state = 'loaded' AND d.quality_status = 'warn') AS warned,
    count(*) FILTER (WHERE f.state = 'quarantined') AS quarantined,
    count(*) FILTER (WHERE f.state = 'duplicate') AS duplicates
FROM main.runs r
LEFT JOIN main.files f ON f.run_id = r.run_id
LEFT JOIN main.documents d ON d.doc_id = f.doc_id AND f.state = 'loaded'
GROUP BY r.run_id, r.started_at, r.status;

CREATE VIEW reporting.runs AS
SELECT
    run_id,
    started_at,
    finished_at,
    date_diff('millisecond', started_at, finished_at) / 1000.0 AS duration_seconds,
    status,
    files_seen,
    loaded,
    duplicates,
    quarantined,
    unchanged,
    failed,
    host
FROM main.runs;

CREATE VIEW reporting.quarantine AS
SELECT
    source_file,
    category,
    reason,
    quarantined_at,
    quarantine_path,
    source_path,
    file_hash,
    run_id
FROM main.quarantine;

-- ------------------------------------------------------------------ data dictionary: tables

COMMENT ON TABLE documents IS 'One row per loaded document (a file whose text is not a duplicate of one already loaded).';
COMMENT ON COLUMN documents.doc_id IS 'Document id: SHA-256 of the file it was loaded from.';
COMMENT ON COLUMN documents.content_hash IS 'SHA-256 of the clean text; two files with the same clean text are one document.';
COMMENT ON COLUMN documents.source_file IS 'File name the document was loaded from.';
COMMENT ON COLUMN documents.source_format IS 'pdf, pdf+ocr (some pages read by OCR), text or markdown.';
COMMENT ON COLUMN documents.pages IS 'Number of pages (1 for text files).';
COMMENT ON COLUMN documents.doc_type IS 'Kind of document: joint_communique, declaration, press_release, statement, letter, ...';
COMMENT ON COLUMN documents.title IS 'Title as printed, or null when none was found.';
COMMENT ON COLUMN documents.issuing_body IS 'Body or office that issued the document (e.g. Council of Heads of State of the SCO).';
COMMENT ON COLUMN documents.issued_date IS 'Date of issue, or null when none was found.';
COMMENT ON COLUMN documents.issued_place IS 'City of issue, or null.';
COMMENT ON COLUMN documents.issued_country IS 'ISO 3166 alpha-3 code of the country of issue, or null.';
COMMENT ON COLUMN documents.language IS 'ISO 639-1 code of the document language (und when undetermined).';
COMMENT ON COLUMN documents.language_confidence IS 'Language detector probability for that language, 0 to 1.';
COMMENT ON COLUMN documents.countries IS 'ISO 3166 alpha-3 codes of every country mentioned, sorted.';
COMMENT ON COLUMN documents.quality_status IS 'Quality gate outcome: pass or warn (quarantined documents are not loaded).';
COMMENT ON COLUMN documents.quality_failed_checks IS 'Names of the quality checks that failed (warnings).';
COMMENT ON COLUMN documents.text IS 'Clean text; every character offset in the child tables points into it.';
COMMENT ON COLUMN documents.raw_text IS 'Text as extracted, before cleaning.';
COMMENT ON COLUMN documents.run_id IS 'Ingest run that loaded the document (runs.run_id).';
COMMENT ON COLUMN documents.loaded_at IS 'When the document was loaded (UTC).';
COMMENT ON COLUMN documents.ocr_pages IS 'Page numbers read by OCR (empty when the text layer was used throughout).';
COMMENT ON COLUMN documents.ocr_confidence IS 'Mean Tesseract word confidence on OCR pages, 0 to 100, or null.';
COMMENT ON COLUMN documents.document_symbol IS 'Code the document prints for itself (UN symbol, meeting-paper code), or null.';

COMMENT ON TABLE paragraphs IS 'Numbered paragraphs of each document, in order, with page and character provenance.';
COMMENT ON COLUMN paragraphs.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN paragraphs.ordinal IS 'Position in the document, from 0.';
COMMENT ON COLUMN paragraphs.number IS 'Paragraph number, from 1.';
COMMENT ON COLUMN paragraphs.section IS 'Heading or section numeral the paragraph sits under, or null.';
COMMENT ON COLUMN paragraphs.text IS 'Paragraph text (a slice of documents.text).';
COMMENT ON COLUMN paragraphs.language IS 'ISO 639-1 code of the paragraph language.';
COMMENT ON COLUMN paragraphs.language_confidence IS 'Language detector probability, 0 to 1.';
COMMENT ON COLUMN paragraphs.page_start IS 'Page the paragraph starts on (from 1).';
COMMENT ON COLUMN paragraphs.page_end IS 'Page the paragraph ends on.';
COMMENT ON COLUMN paragraphs.char_start IS 'Offset of the first character in documents.text.';
COMMENT ON COLUMN paragraphs.char_end IS 'Offset just past the last character in documents.text.';

COMMENT ON TABLE participants IS 'People and delegations taking part, with their role and country.';
COMMENT ON COLUMN participants.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN participants.ordinal IS 'Position in the document''s list, from 0.';
COMMENT ON COLUMN participants.name IS 'Name as printed.';
COMMENT ON COLUMN participants.role IS 'Office or role (e.g. Minister of Foreign Affairs), or null.';
COMMENT ON COLUMN participants.country IS 'ISO 3166 alpha-3 code of the country represented, or null.';
COMMENT ON COLUMN participants.organization IS 'Organisation represented (e.g. SCO Secretariat), or null.';
COMMENT ON COLUMN participants.page IS 'Page where the participant is named.';
COMMENT ON COLUMN participants.char_start IS 'Offset of the name in documents.text.';
COMMENT ON COLUMN participants.char_end IS 'Offset just past the name.';

COMMENT ON TABLE country_mentions IS 'Countries mentioned in each document, with how often.';
COMMENT ON COLUMN country_mentions.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN country_mentions.ordinal IS 'Position in the list, from 0.';
COMMENT ON COLUMN country_mentions.country IS 'ISO 3166 alpha-3 code.';
COMMENT ON COLUMN country_mentions.mentions IS 'Number of mentions (names, demonyms, capitals standing for the country).';

COMMENT ON TABLE referenced_events IS 'Meetings and events a document refers to, with their dates and places.';
COMMENT ON COLUMN referenced_events.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN referenced_events.ordinal IS 'Position in the list, from 0.';
COMMENT ON COLUMN referenced_events.description IS 'The event as the document names it.';
COMMENT ON COLUMN referenced_events.date_start IS 'First day of the event.';
COMMENT ON COLUMN referenced_events.date_end IS 'Last day of the event (date_start for one-day events).';
COMMENT ON COLUMN referenced_events.place IS 'City, or null.';
COMMENT ON COLUMN referenced_events.page IS 'Page of the reference.';
COMMENT ON COLUMN referenced_events.char_start IS 'Offset of the reference in documents.text.';
COMMENT ON COLUMN referenced_events.char_end IS 'Offset just past the reference.';

COMMENT ON TABLE instruments IS 'Agreements, treaties, conventions and other instruments a document refers to.';
COMMENT ON COLUMN instruments.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN instruments.ordinal IS 'Position in the list, from 0.';
COMMENT ON COLUMN instruments.name IS 'Instrument name as printed.';
COMMENT ON COLUMN instruments.kind IS 'treaty, agreement, convention, charter, declaration, resolution, memorandum, ...';
COMMENT ON COLUMN instruments.page IS 'Page of the reference.';
COMMENT ON COLUMN instruments.char_start IS 'Offset of the name in documents.text.';
COMMENT ON COLUMN instruments.char_end IS 'Offset just past the name.';

COMMENT ON TABLE topics IS 'Topics of each document (security, economy, terrorism, ...), from a keyword lexicon.';
COMMENT ON COLUMN topics.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN topics.ordinal IS 'Position in the list, from 0.';
COMMENT ON COLUMN topics.topic IS 'Topic name.';

COMMENT ON TABLE quality_results IS 'Every quality check of every document checked (loaded or quarantined), per run.';
COMMENT ON COLUMN quality_results.file_hash IS 'File checked (SHA-256; equals documents.doc_id when loaded).';
COMMENT ON COLUMN quality_results.run_id IS 'Run that checked it (runs.run_id).';
COMMENT ON COLUMN quality_results.ordinal IS 'Position of the check, from 0.';
COMMENT ON COLUMN quality_results.check_name IS 'Check name (e.g. min_chars, allowed_language).';
COMMENT ON COLUMN quality_results.severity IS 'critical (failing quarantines the document) or warning.';
COMMENT ON COLUMN quality_results.passed IS 'Whether the check passed.';
COMMENT ON COLUMN quality_results.detail IS 'Observed value against the rule, readable.';

COMMENT ON TABLE quarantine IS 'Files refused by the pipeline, with the reason; the bytes are kept in the quarantine folder.';
COMMENT ON COLUMN quarantine.file_hash IS 'SHA-256 of the file.';
COMMENT ON COLUMN quarantine.source_path IS 'Where the file was when it was refused.';
COMMENT ON COLUMN quarantine.source_file IS 'File name.';
COMMENT ON COLUMN quarantine.category IS 'Reason category (e.g. empty, corrupt, unsupported_format, quality, ocr_unavailable).';
COMMENT ON COLUMN quarantine.reason IS 'Human-readable reason.';
COMMENT ON COLUMN quarantine.run_id IS 'Run that refused it (runs.run_id).';
COMMENT ON COLUMN quarantine.quarantined_at IS 'When it was refused (UTC).';
COMMENT ON COLUMN quarantine.quarantine_path IS 'Where the file is kept now, or null while it is still at source_path.';

COMMENT ON TABLE files IS 'File ledger: every file seen and the state it ended in (loaded, duplicate, quarantined).';
COMMENT ON COLUMN files.file_hash IS 'SHA-256 of the file.';
COMMENT ON COLUMN files.source_path IS 'Absolute path of the file when it was seen.';
COMMENT ON COLUMN files.size_bytes IS 'File size in bytes.';
COMMENT ON COLUMN files.state IS 'loaded, duplicate or quarantined.';
COMMENT ON COLUMN files.doc_id IS 'Document loaded from it, or the document it duplicates; null when quarantined.';
COMMENT ON COLUMN files.category IS 'duplicate_file / duplicate_content for duplicates, the quarantine category for refusals.';
COMMENT ON COLUMN files.reason IS 'Human-readable reason for duplicates and refusals.';
COMMENT ON COLUMN files.run_id IS 'Run that decided the state (runs.run_id).';
COMMENT ON COLUMN files.decided_at IS 'When the state was decided (UTC).';

COMMENT ON TABLE runs IS 'One row per ingest run, written when it starts and when it ends.';
COMMENT ON COLUMN runs.run_id IS 'Run id (the Prefect flow run id).';
COMMENT ON COLUMN runs.started_at IS 'Start (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'End (UTC), null while running.';
COMMENT ON COLUMN runs.status IS 'running, completed, failed (a file failed and was left for the next run) or interrupted (process died).';
COMMENT ON COLUMN runs.files_seen IS 'Files found.';
COMMENT ON COLUMN runs.loaded IS 'Files loaded as new documents.';
COMMENT ON COLUMN runs.duplicates IS 'Files recorded as duplicates.';
COMMENT ON COLUMN runs.quarantined IS 'Files quarantined.';
COMMENT ON COLUMN runs.unchanged IS 'Files already decided in an earlier run (nothing to do).';
COMMENT ON COLUMN runs.failed IS 'Files that failed for an internal or transient reason (left in place).';
COMMENT ON COLUMN runs.host IS 'Machine the run ran on.';
COMMENT ON COLUMN runs.pid IS 'Process id of the run.';

COMMENT ON TABLE schema_migrations IS 'Schema migrations applied to this warehouse, in order.';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number.';
COMMENT ON COLUMN schema_migrations.name IS 'Migration name.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (UTC).';

-- ------------------------------------------------------------------ data dictionary: views


COMMENT ON VIEW reporting.documents IS 'Documents with their metadata, quality status and counts of paragraphs and participants.';
COMMENT ON COLUMN reporting.documents.doc_id IS 'Document id (SHA-256 of its file).';
COMMENT ON COLUMN reporting.documents.title IS 'Title, or null.';
COMMENT ON COLUMN reporting.documents.doc_type IS 'Kind of document (joint_communique, declaration, press_release, ...).';
COMMENT ON COLUMN reporting.documents.issuing_body IS 'Issuing body, or null.';
COMMENT ON COLUMN reporting.documents.issued_date IS 'Date of issue, or null.';
COMMENT ON COLUMN reporting.documents.issued_year IS 'Year of issue, or null.';
COMMENT ON COLUMN reporting.documents.issued_place IS 'City of issue, or null.';
COMMENT ON COLUMN reporting.documents.issued_country IS 'ISO 3166 alpha-3 country of issue, or null.';
COMMENT ON COLUMN reporting.documents.language IS 'ISO 639-1 language code.';
COMMENT ON COLUMN reporting.documents.document_symbol IS 'Document symbol or code, or null.';
COMMENT ON COLUMN reporting.documents.pages IS 'Number of pages.';
COMMENT ON COLUMN reporting.documents.source_file IS 'File name it was loaded from.';
COMMENT ON COLUMN reporting.documents.source_format IS 'pdf, pdf+ocr, text or markdown.';
COMMENT ON COLUMN reporting.documents.ocr_used IS 'Whether any page was read by OCR.';
COMMENT ON COLUMN reporting.documents.quality_status IS 'pass or warn.';
COMMENT ON COLUMN reporting.documents.quality_failed_checks IS 'Failed (warning) checks, comma-separated; empty when none.';
COMMENT ON COLUMN reporting.documents.paragraph_count IS 'Number of numbered paragraphs.';
COMMENT ON COLUMN reporting.documents.participant_count IS 'Number of participants named.';
COMMENT ON COLUMN reporting.documents.country_count IS 'Number of distinct countries mentioned.';
COMMENT ON COLUMN reporting.documents.run_id IS 'Run that loaded it.';
COMMENT ON COLUMN reporting.documents.loaded_at IS 'When it was loaded (UTC).';

COMMENT ON VIEW reporting.participants IS 'Participants with their role and country, and the document they appear in.';
COMMENT ON COLUMN reporting.participants.doc_id IS 'Document id.';
COMMENT ON COLUMN reporting.participants.title IS 'Document title.';
COMMENT ON COLUMN reporting.participants.issued_date IS 'Document date of issue.';
COMMENT ON COLUMN reporting.participants.issued_year IS 'Document year of issue.';
COMMENT ON COLUMN reporting.participants.ordinal IS 'Position in the document''s list, from 0.';
COMMENT ON COLUMN reporting.participants.name IS 'Participant name as printed.';
COMMENT ON COLUMN reporting.participants.role IS 'Office or role, or null.';
COMMENT ON COLUMN reporting.participants.country IS 'ISO 3166 alpha-3 country represented, or null.';
COMMENT ON COLUMN reporting.participants.organization IS 'Organisation represented, or null.';

COMMENT ON VIEW reporting.country_mentions IS 'Countries mentioned, per document, with the document date.';
COMMENT ON COLUMN reporting.country_mentions.doc_id IS 'Document id.';
COMMENT ON COLUMN reporting.country_mentions.title IS 'Document title.';
COMMENT ON COLUMN reporting.country_mentions.issued_date IS 'Document date of issue.';
COMMENT ON COLUMN reporting.country_mentions.issued_year IS 'Document year of issue.';
COMMENT ON COLUMN reporting.country_mentions.country IS 'ISO 3166 alpha-3 code.';
COMMENT ON COLUMN reporting.country_mentions.mentions IS 'Mentions in that document.';

COMMENT ON VIEW reporting.country_mentions_by_year IS 'Countries mentioned per year of issue: in how many documents, how often.';
COMMENT ON COLUMN reporting.country_mentions_by_year.issued_year IS 'Year of issue (null: undated documents).';
COMMENT ON COLUMN reporting.country_mentions_by_year.country IS 'ISO 3166 alpha-3 code.';
COMMENT ON COLUMN reporting.country_mentions_by_year.documents IS 'Documents of that year mentioning the country.';
COMMENT ON COLUMN reporting.country_mentions_by_year.mentions IS 'Total mentions that year.';

COMMENT ON VIEW reporting.events_timeline IS 'Meetings and events referred to, with their dates and the document citing them.';
COMMENT ON COLUMN reporting.events_timeline.date_start IS 'First day of the event.';
COMMENT ON COLUMN reporting.events_timeline.date_end IS 'Last day of the event.';
COMMENT ON COLUMN reporting.events_timeline.description IS 'The event as the document names it.';
COMMENT ON COLUMN reporting.events_timeline.place IS 'City, or null.';
COMMENT ON COLUMN reporting.events_timeline.doc_id IS 'Citing document id.';
COMMENT ON COLUMN reporting.events_timeline.cited_in_title IS 'Citing document title.';
COMMENT ON COLUMN reporting.events_timeline.cited_in_date IS 'Citing document date of issue.';

COMMENT ON VIEW reporting.instrument_citations IS 'Each citation of an instrument (agreement, treaty, ...) by a document.';
COMMENT ON COLUMN reporting.instrument_citations.name IS 'Instrument name as printed.';
COMMENT ON COLUMN reporting.instrument_citations.kind IS 'treaty, agreement, convention, charter, ...';
COMMENT ON COLUMN reporting.instrument_citations.doc_id IS 'Citing document id.';
COMMENT ON COLUMN reporting.instrument_citations.title IS 'Citing document title.';
COMMENT ON COLUMN reporting.instrument_citations.issued_date IS 'Citing document date of issue.';
COMMENT ON COLUMN reporting.instrument_citations.issued_year IS 'Citing document year of issue.';

COMMENT ON VIEW reporting.instruments IS 'Instruments with how many documents cite them, first and last.';
COMMENT ON COLUMN reporting.instruments.name IS 'Instrument name as printed.';
COMMENT ON COLUMN reporting.instruments.kind IS 'treaty, agreement, convention, charter, ...';
COMMENT ON COLUMN reporting.instruments.citing_documents IS 'Documents citing it.';
COMMENT ON COLUMN reporting.instruments.first_cited IS 'Date of issue of the earliest citing document.';
COMMENT ON COLUMN reporting.instruments.last_cited IS 'Date of issue of the latest citing document.';

COMMENT ON VIEW reporting.topics_by_year IS 'Topics per year of issue: in how many documents.';
COMMENT ON COLUMN reporting.topics_by_year.issued_year IS 'Year of issue (null: undated documents).';
COMMENT ON COLUMN reporting.topics_by_year.topic IS 'Topic name.';
COMMENT ON COLUMN reporting.topics_by_year.documents IS 'Documents of that year on the topic.';

COMMENT ON VIEW reporting.quality_by_run IS 'Per run: files loaded with quality pass or warn, quarantined, duplicates.';
COMMENT ON COLUMN reporting.quality_by_run.run_id IS 'Run id.';
COMMENT ON COLUMN reporting.quality_by_run.started_at IS 'Run start (UTC).';
COMMENT ON COLUMN reporting.quality_by_run.run_status IS 'running, completed, failed or interrupted.';
COMMENT ON COLUMN reporting.quality_by_run.passed IS 'Files loaded that passed every check.';
COMMENT ON COLUMN reporting.quality_by_run.warned IS 'Files loaded with warnings.';
COMMENT ON COLUMN reporting.quality_by_run.quarantined IS 'Files quarantined.';
COMMENT ON COLUMN reporting.quality_by_run.duplicates IS 'Files recorded as duplicates.';

COMMENT ON VIEW reporting.runs IS 'Run history, most useful ordered by started_at.';
COMMENT ON COLUMN reporting.runs.run_id IS 'Run id (the Prefect flow run id).';
COMMENT ON COLUMN reporting.runs.started_at IS 'Start (UTC).';
COMMENT ON COLUMN reporting.runs.finished_at IS 'End (UTC), null while running.';
COMMENT ON COLUMN reporting.runs.duration_seconds IS 'Duration in seconds, null while running.';
COMMENT ON COLUMN reporting.runs.status IS 'running, completed, failed or interrupted.';
COMMENT ON COLUMN reporting.runs.files_seen IS 'Files found.';
COMMENT ON COLUMN reporting.runs.loaded IS 'Files loaded as new documents.';
COMMENT ON COLUMN reporting.runs.duplicates IS 'Files recorded as duplicates.';
COMMENT ON COLUMN reporting.runs.quarantined IS 'Files quarantined.';
COMMENT ON COLUMN reporting.runs.unchanged IS 'Files already decided earlier.';
COMMENT ON COLUMN reporting.runs.failed IS 'Files that failed and were left for the next run.';
COMMENT ON COLUMN reporting.runs.host IS 'Machine the run ran on.';

COMMENT ON VIEW reporting.quarantine IS 'Files refused by the pipeline, with the reason and where each is kept.';
COMMENT ON COLUMN reporting.quarantine.source_file IS 'File name.';
COMMENT ON COLUMN reporting.quarantine.category IS 'Reason category.';
COMMENT ON COLUMN reporting.quarantine.reason IS 'Human-readable reason.';
COMMENT ON COLUMN reporting.quarantine.quarantined_at IS 'When it was refused (UTC).';
COMMENT ON COLUMN reporting.quarantine.quarantine_path IS 'Where the file is kept now.';
COMMENT ON COLUMN reporting.quarantine.source_path IS 'Where the file was when refused.';
COMMENT ON COLUMN reporting.quarantine.file_hash IS 'SHA-256 of the file.';
COMMENT ON COLUMN reporting.quarantine.run_id IS 'Run that refused it.';
