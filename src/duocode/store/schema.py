"""The project database schema and its forward migrations.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[n]`` takes a database from version ``n`` to
``n + 1``; opening a project applies the missing ones in order, inside one transaction. Never edit a released
migration: add a new one.
"""
from __future__ import annotations

V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The project's codebook, exactly as loaded (one row; replaced only by an explicit command).
CREATE TABLE codebook (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    codebook_id TEXT NOT NULL,
    version     TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    source      TEXT NOT NULL,
    yaml        TEXT NOT NULL,
    loaded_at   TEXT NOT NULL
);

CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    text        TEXT NOT NULL,            -- exact decoded text; every offset indexes it (code points)
    sha256      TEXT NOT NULL,            -- of the stored text
    source_path TEXT NOT NULL,
    format      TEXT NOT NULL,            -- txt, md, docx, vtt, srt, ...
    encoding    TEXT,
    n_chars     INTEGER NOT NULL,
    n_words     INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);

CREATE TABLE turns (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    speaker     TEXT,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    media_start REAL,
    media_end   REAL,
    PRIMARY KEY (document_id, seq),
    CHECK (start >= 0 AND "end" >= start)
);

CREATE TABLE informants (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id),
    source_file TEXT
);

CREATE TABLE informant_attributes (
    informant_id TEXT NOT NULL REFERENCES informants(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    value        TEXT,
    PRIMARY KEY (informant_id, name)
);

CREATE TABLE cases (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id),
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('human', 'precoder')),
    -- 'case': a case to code; 'candidate': a pre-coder proposal not yet accepted; 'rejected': discarded
    status      TEXT NOT NULL DEFAULT 'case' CHECK (status IN ('case', 'candidate', 'rejected')),
    confidence  REAL,
    explanation TEXT,
    created_at  TEXT NOT NULL,
    source_file TEXT,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX cases_document ON cases(document_id, start);

-- Coders' own case proposals (double-coded case finding); `cases merge` links them to cases.
CREATE TABLE proposals (
    id          INTEGER PRIMARY KEY,
    coder       TEXT NOT NULL REFERENCES coders(name),
    document_id TEXT NOT NULL REFERENCES documents(id),
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    case_id     TEXT REFERENCES cases(id),
    source_file TEXT,
    created_at  TEXT NOT NULL,
    CHECK (start >= 0 AND "end" > start)
);

CREATE TABLE coders (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'precoder', 'consensus')),
    created_at TEXT NOT NULL
);

-- One current value per (case, variable, coder). Humans, `precoder` (with confidence and explanation) and
-- `consensus` (with reason and who decided) share the table; history lives in `events`.
CREATE TABLE codes (
    case_id     TEXT NOT NULL REFERENCES cases(id),
    variable    TEXT NOT NULL,
    coder       TEXT NOT NULL REFERENCES coders(name),
    value       TEXT NOT NULL,
    confidence  REAL,
    explanation TEXT,
    reason      TEXT,
    decided_by  TEXT,
    source_file TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (case_id, variable, coder)
);
CREATE INDEX codes_coder ON codes(coder, variable);

CREATE TABLE memos (
    case_id    TEXT NOT NULL REFERENCES cases(id),
    coder      TEXT NOT NULL REFERENCES coders(name),
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (case_id, coder)
);

-- Append-only log of every change: what, by whom, when (UTC), from which file.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    coder       TEXT,
    variable    TEXT,
    old_value   TEXT,
    new_value   TEXT,
    source_file TEXT,
    detail      TEXT
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"""

# Version 2: the page count of a transcript where its format has pages (PDF); NULL = not known.
V2 = """
ALTER TABLE documents ADD COLUMN pages INTEGER CHECK (pages IS NULL OR pages >= 0);
"""

MIGRATIONS: list[str] = [V1, V2]
SCHEMA_VERSION = len(MIGRATIONS)
