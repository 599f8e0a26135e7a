-- The initial warehouse schema. Column names are the field names of the record types in
-- schemas/records.py (tests/warehouse/test_schema.py checks every field has its column).
-- Times are UTC, stored as TIMESTAMP. No foreign keys: DuckDB refuses ALTER/DROP on tables that
-- others reference, which would make later migrations rebuild half the schema.

-- One row per loaded document (Communique); doc_id is the SHA-256 of the source file's bytes.
CREATE TABLE documents (
    doc_id                VARCHAR   NOT NULL PRIMARY KEY,
    content_hash          VARCHAR   NOT NULL UNIQUE,
    source_file           VARCHAR   NOT NULL,
    source_format         VARCHAR   NOT NULL,
    pages                 INTEGER   NOT NULL,
    doc_type              VARCHAR   NOT NULL,
    title                 VARCHAR,
    issuing_body          VARCHAR,
    issued_date           DATE,
    issued_place          VARCHAR,
    issued_country        VARCHAR,
    language              VARCHAR   NOT NULL,
    language_confidence   DOUBLE    NOT NULL,
    countries             VARCHAR[] NOT NULL,
    quality_status        VARCHAR   NOT NULL,
    quality_failed_checks VARCHAR[] NOT NULL,
    text                  VARCHAR   NOT NULL,
    raw_text              VARCHAR   NOT NULL,
    run_id                VARCHAR   NOT NULL,
    loaded_at             TIMESTAMP NOT NULL
);

CREATE TABLE paragraphs (
    doc_id              VARCHAR NOT NULL,
    ordinal             INTEGER NOT NULL,
    number              INTEGER NOT NULL,
    section             VARCHAR,
    text                VARCHAR NOT NULL,
    language            VARCHAR NOT NULL,
    language_confidence DOUBLE  NOT NULL,
    page_start          INTEGER NOT NULL,
    page_end            INTEGER NOT NULL,
    char_start          INTEGER NOT NULL,
    char_end            INTEGER NOT NULL,
    PRIMARY KEY (doc_id, ordinal)
);

CREATE TABLE participants (
    doc_id       VARCHAR NOT NULL,
    ordinal      INTEGER NOT NULL,
    name         VARCHAR NOT NULL,
    role         VARCHAR,
    country      VARCHAR,
    organization VARCHAR,
    page         INTEGER,
    char_start   INTEGER,
    char_end     INTEGER,
    PRIMARY KEY (doc_id, ordinal)
);

CREATE TABLE country_mentions (
    doc_id   VARCHAR NOT NULL,
    ordinal  INTEGER NOT NULL,
    country  VARCHAR NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (doc_id, ordinal)
);

CREATE TABLE referenced_events (
    doc_id      VARCHAR NOT NULL,
    ordinal     INTEGER NOT NULL,
    description VARCHAR NOT NULL,
    date_start  DATE    NOT NULL,
    date_end    DATE    NOT NULL,
    place       VARCHAR,
    page        INTEGER,
    char_start  INTEGER,
    char_end    INTEGER,
    PRIMARY KEY (doc_id, ordinal)
);

CREATE TABLE instruments (
    doc_id     VARCHAR NOT NULL,
    ordinal    INTEGER NOT NULL,
    name       VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    page       INTEGER,
    char_start INTEGER,
    char_end   INTEGER,
    PRIMARY KEY (doc_id, ordinal)
);

CREATE TABLE topics (
    doc_id  VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    topic   VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, ordinal)
);

-- Quality checks of loaded documents (file_hash = doc_id, run_id = documents.run_id) and of
-- quarantined files (Rejection.checks), one row per check in the order the gate produced them.
CREATE TABLE quality_results (
    file_hash  VARCHAR NOT NULL,
    run_id     VARCHAR NOT NULL,
    ordinal    INTEGER NOT NULL,
    check_name VARCHAR NOT NULL,
    severity   VARCHAR NOT NULL,
    passed     BOOLEAN NOT NULL,
    detail     VARCHAR NOT NULL,
    PRIMARY KEY (file_hash, run_id, ordinal)
);

-- The latest refusal of each (file_hash, source_path); current only while files.state = 'quarantined'.
CREATE TABLE quarantine (
    file_hash       VARCHAR   NOT NULL,
    source_path     VARCHAR   NOT NULL,
    source_file     VARCHAR   NOT NULL,
    category        VARCHAR   NOT NULL,
    reason          VARCHAR   NOT NULL,
    run_id          VARCHAR   NOT NULL,
    quarantined_at  TIMESTAMP NOT NULL,
    quarantine_path VARCHAR,
    PRIMARY KEY (file_hash, source_path)
);

-- The ledger: where every file seen ended. doc_id is the document loaded, or the one it duplicates.
CREATE TABLE files (
    file_hash   VARCHAR   NOT NULL,
    source_path VARCHAR   NOT NULL,
    size_bytes  BIGINT    NOT NULL,
    state       VARCHAR   NOT NULL,
    doc_id      VARCHAR,
    category    VARCHAR,
    reason      VARCHAR,
    run_id      VARCHAR   NOT NULL,
    decided_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (file_hash, source_path)
);

CREATE TABLE runs (
    run_id      VARCHAR   NOT NULL PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR   NOT NULL,
    files_seen  INTEGER   NOT NULL,
    loaded      INTEGER   NOT NULL,
    duplicates  INTEGER   NOT NULL,
    quarantined INTEGER   NOT NULL,
    unchanged   INTEGER   NOT NULL,
    failed      INTEGER   NOT NULL
);
