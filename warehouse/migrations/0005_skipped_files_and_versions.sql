-- Every path seen ends in one recorded state: files left alone by rule (temporary and hidden
-- names, symbolic links, FIFOs...) are recorded too, and a file replaced in place by a new
-- version says which document the new one supersedes.

-- Paths a run saw and left alone by rule: never read, never hashed (a symlink's target is not
-- followed), so they are keyed by path. The latest run that saw the path decided it.
CREATE TABLE skipped_files (
    source_path VARCHAR   NOT NULL PRIMARY KEY,
    rule        VARCHAR   NOT NULL,
    detail      VARCHAR   NOT NULL,
    run_id      VARCHAR   NOT NULL,
    decided_at  TIMESTAMP NOT NULL
);

-- A document replaced by a newer version: a file at the same path came back with other text.
-- The older document stays in `documents`; this row says it is no longer the current one.
CREATE TABLE supersessions (
    doc_id        VARCHAR   NOT NULL PRIMARY KEY,
    superseded_by VARCHAR   NOT NULL,
    source_path   VARCHAR   NOT NULL,
    run_id        VARCHAR   NOT NULL,
    decided_at    TIMESTAMP NOT NULL
);

ALTER TABLE runs ADD COLUMN skipped INTEGER DEFAULT 0;
ALTER TABLE runs ALTER COLUMN skipped SET NOT NULL;

-- Additive: the columns of 0004 keep their names and order, `skipped` comes last.
CREATE OR REPLACE VIEW reporting.runs AS
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
    host,
    skipped
FROM main.runs;

CREATE VIEW reporting.file_states AS
SELECT
    source_path,
    state,
    category,
    reason,
    doc_id,
    file_hash,
    size_bytes,
    run_id,
    decided_at
FROM main.files
UNION ALL
SELECT
    source_path,
    'skipped' AS state,
    rule AS category,
    detail AS reason,
    NULL AS doc_id,
    NULL AS file_hash,
    NULL AS size_bytes,
    run_id,
    decided_at
FROM main.skipped_files;

CREATE VIEW reporting.file_state_counts AS
SELECT state, count(*) AS files
FROM reporting.file_states
GROUP BY state;

CREATE VIEW reporting.document_versions AS
SELECT
    d.doc_id,
    d.title,
    d.issued_date,
    d.source_file,
    d.loaded_at,
    s.superseded_by,
    s.decided_at AS superseded_at,
    s.doc_id IS NULL AS is_current
FROM main.documents d
LEFT JOIN main.supersessions s USING (doc_id);

COMMENT ON TABLE skipped_files IS 'Paths seen and left alone by rule (temporary or hidden names, symbolic links, special files): never read.';
COMMENT ON COLUMN skipped_files.source_path IS 'Absolute path as seen (a symbolic link is not resolved).';
COMMENT ON COLUMN skipped_files.rule IS 'temporary_name, hidden_name, lock_file, sidecar, symlink, not_regular_file or outside_inbox (server mode: a path outside the inbox).';
COMMENT ON COLUMN skipped_files.detail IS 'Human-readable reason, e.g. the target of a symbolic link.';
COMMENT ON COLUMN skipped_files.run_id IS 'Latest run that saw the path (runs.run_id).';
COMMENT ON COLUMN skipped_files.decided_at IS 'When that run saw it (UTC).';

COMMENT ON TABLE supersessions IS 'Documents replaced by a newer version of the file at the same path; the older document stays loaded.';
COMMENT ON COLUMN supersessions.doc_id IS 'The older document (documents.doc_id).';
COMMENT ON COLUMN supersessions.superseded_by IS 'The document now at that path (documents.doc_id).';
COMMENT ON COLUMN supersessions.source_path IS 'Path both versions were read from.';
COMMENT ON COLUMN supersessions.run_id IS 'Run that loaded the newer version.';
COMMENT ON COLUMN supersessions.decided_at IS 'When (UTC).';

COMMENT ON COLUMN runs.skipped IS 'Paths the run left alone by rule (see skipped_files).';
COMMENT ON COLUMN files.state IS 'loaded, duplicate or quarantined (paths skipped by rule are in skipped_files).';

COMMENT ON VIEW reporting.runs IS 'Run history, most useful ordered by started_at. files_seen = loaded + duplicates + quarantined + skipped + unchanged + failed.';
COMMENT ON COLUMN reporting.runs.run_id IS 'Run id (the Prefect flow run id).';
COMMENT ON COLUMN reporting.runs.started_at IS 'Start (UTC).';
COMMENT ON COLUMN reporting.runs.finished_at IS 'End (UTC), null while running.';
COMMENT ON COLUMN reporting.runs.duration_seconds IS 'Duration in seconds, null while running.';
COMMENT ON COLUMN reporting.runs.status IS 'running, completed, failed or interrupted.';
COMMENT ON COLUMN reporting.runs.files_seen IS 'Files found (skipped paths included).';
COMMENT ON COLUMN reporting.runs.loaded IS 'Files loaded as new documents.';
COMMENT ON COLUMN reporting.runs.duplicates IS 'Files recorded as duplicates.';
COMMENT ON COLUMN reporting.runs.quarantined IS 'Files quarantined.';
COMMENT ON COLUMN reporting.runs.unchanged IS 'Files already decided earlier.';
COMMENT ON COLUMN reporting.runs.failed IS 'Files that failed and were left for the next run.';
COMMENT ON COLUMN reporting.runs.host IS 'Machine the run ran on.';
COMMENT ON COLUMN reporting.runs.skipped IS 'Paths left alone by rule (temporary or hidden names, symbolic links...).';

COMMENT ON VIEW reporting.file_states IS 'Every path ever seen and the state it ended in: loaded, duplicate, quarantined or skipped.';
COMMENT ON COLUMN reporting.file_states.source_path IS 'Absolute path when seen.';
COMMENT ON COLUMN reporting.file_states.state IS 'loaded, duplicate, quarantined or skipped.';
COMMENT ON COLUMN reporting.file_states.category IS 'Duplicate kind, quarantine category, or the rule a path was skipped by.';
COMMENT ON COLUMN reporting.file_states.reason IS 'Human-readable reason (null for loaded files).';
COMMENT ON COLUMN reporting.file_states.doc_id IS 'Document loaded, or the one duplicated; null otherwise.';
COMMENT ON COLUMN reporting.file_states.file_hash IS 'SHA-256 of the file; null for skipped paths (never read).';
COMMENT ON COLUMN reporting.file_states.size_bytes IS 'Size in bytes; null for skipped paths.';
COMMENT ON COLUMN reporting.file_states.run_id IS 'Run that decided the state.';
COMMENT ON COLUMN reporting.file_states.decided_at IS 'When (UTC).';

COMMENT ON VIEW reporting.file_state_counts IS 'How many paths are in each state.';
COMMENT ON COLUMN reporting.file_state_counts.state IS 'loaded, duplicate, quarantined or skipped.';
COMMENT ON COLUMN reporting.file_state_counts.files IS 'Number of paths in that state.';

COMMENT ON VIEW reporting.document_versions IS 'Every loaded document and whether a newer version of its file replaced it.';
COMMENT ON COLUMN reporting.document_versions.doc_id IS 'Document id.';
COMMENT ON COLUMN reporting.document_versions.title IS 'Title.';
COMMENT ON COLUMN reporting.document_versions.issued_date IS 'Date of issue.';
COMMENT ON COLUMN reporting.document_versions.source_file IS 'File name it was loaded from.';
COMMENT ON COLUMN reporting.document_versions.loaded_at IS 'When it was loaded (UTC).';
COMMENT ON COLUMN reporting.document_versions.superseded_by IS 'Newer document from the same path; null while current.';
COMMENT ON COLUMN reporting.document_versions.superseded_at IS 'When the newer version was loaded (UTC).';
COMMENT ON COLUMN reporting.document_versions.is_current IS 'True unless a newer version replaced it.';
