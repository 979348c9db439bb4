"""The project database schema and its forward migrations, for SQLite and for PostgreSQL.

The schema version is ``PRAGMA user_version`` in SQLite and the one row of ``duocode_schema`` in PostgreSQL.
``MIGRATIONS[n]`` (SQLite) and ``PG_MIGRATIONS[n]`` (PostgreSQL) take a database from version ``n`` to ``n + 1``;
opening a project applies the missing ones in order, inside one transaction. Never edit a released migration: add
a new one to both lists (tests check that both backends end with the same tables and columns, in the same order).
"""
from __future__ import annotations

import re

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


def _postgres_v1() -> str:
    """V1 for PostgreSQL: the same tables and columns, in PostgreSQL's types.

    Text compares byte-wise (``COLLATE "C"``, as SQLite does), so every ``ORDER BY`` sorts as it does in SQLite
    whatever the server's locale; ``REAL`` is 8 bytes in SQLite, so ``DOUBLE PRECISION``; the two rowid keys
    become identity columns; the append-only triggers are PostgreSQL's (``PG_V1_SECURITY``).
    """
    script = re.sub(r"CREATE TRIGGER .*?END;\n", "", V1, flags=re.S)
    # PostgreSQL resolves a REFERENCES when the table is created: coders must come before the tables naming it
    coders = re.search(r"CREATE TABLE coders \(.*?\);\n", script, flags=re.S).group(0)
    script = coders + script.replace(coders, "")
    script = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', script)
    script = re.sub(r"\bREAL\b", "DOUBLE PRECISION", script)
    script = re.sub(r"\bid(\s+)INTEGER PRIMARY KEY( AUTOINCREMENT)?", r"id\1BIGINT GENERATED BY DEFAULT AS IDENTITY "
                    "PRIMARY KEY", script)
    return script + PG_V1_SECURITY


# PostgreSQL only: the append-only log, and the team's roles with row-level security (see docs in README, "Team
# set-up on PostgreSQL"). A role listed in team_roles is either a coder's (``coder`` set) or a lead's
# (``lead``); the project's owner (who ran `duocode init`) is a lead and, as the tables' owner, is not subject to
# the policies at all. A coder's role reads and writes only its own codes, memos and case proposals; it reads the
# reserved coders' codes (``consensus``, ``precoder``) and, once a (case, variable) is reconciled -- it holds a
# consensus code -- every coder's code of that (case, variable). Case proposals become visible once merged into a
# case. The event log follows the same rule, and a coder's role can log a change only under its own coder name.
PG_V1_SECURITY = """
CREATE FUNCTION duocode_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION duocode_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION duocode_append_only();

CREATE TABLE team_roles (
    role  TEXT COLLATE "C" PRIMARY KEY,
    coder TEXT COLLATE "C" UNIQUE REFERENCES coders(name),
    lead  BOOLEAN NOT NULL DEFAULT false,
    added_at TEXT COLLATE "C" NOT NULL,
    CHECK (lead OR coder IS NOT NULL)
);

-- whether the session's role may write (and so read) the rows of coder p_coder
CREATE FUNCTION duocode_may_write(p_coder text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM team_roles WHERE role = current_user AND (lead OR coder = p_coder))
$$;

-- whether (case, variable) is reconciled; runs as the owner, so it sees the consensus code through the policies
CREATE FUNCTION duocode_reconciled(p_case text, p_variable text) RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM codes WHERE case_id = p_case AND variable = p_variable AND coder = 'consensus')
$$;

ALTER TABLE codes ENABLE ROW LEVEL SECURITY;
CREATE POLICY codes_read ON codes FOR SELECT USING (
    coder IN ('consensus', 'precoder') OR duocode_may_write(coder) OR duocode_reconciled(case_id, variable));
CREATE POLICY codes_add ON codes FOR INSERT WITH CHECK (duocode_may_write(coder));
CREATE POLICY codes_change ON codes FOR UPDATE USING (duocode_may_write(coder)) WITH CHECK (duocode_may_write(coder));
CREATE POLICY codes_remove ON codes FOR DELETE USING (duocode_may_write(coder));

ALTER TABLE memos ENABLE ROW LEVEL SECURITY;
CREATE POLICY memos_read ON memos FOR SELECT USING (coder = 'consensus' OR duocode_may_write(coder));
CREATE POLICY memos_add ON memos FOR INSERT WITH CHECK (duocode_may_write(coder));
CREATE POLICY memos_change ON memos FOR UPDATE USING (duocode_may_write(coder)) WITH CHECK (duocode_may_write(coder));
CREATE POLICY memos_remove ON memos FOR DELETE USING (duocode_may_write(coder));

ALTER TABLE proposals ENABLE ROW LEVEL SECURITY;
CREATE POLICY proposals_read ON proposals FOR SELECT USING (case_id IS NOT NULL OR duocode_may_write(coder));
CREATE POLICY proposals_add ON proposals FOR INSERT WITH CHECK (duocode_may_write(coder));
CREATE POLICY proposals_change ON proposals FOR UPDATE USING (duocode_may_write(coder))
    WITH CHECK (duocode_may_write(coder));

ALTER TABLE coders ENABLE ROW LEVEL SECURITY;
CREATE POLICY coders_read ON coders FOR SELECT USING (true);
CREATE POLICY coders_add ON coders FOR INSERT WITH CHECK (duocode_may_write(name));

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_read ON events FOR SELECT USING (
    coder IS NULL OR coder IN ('consensus', 'precoder') OR duocode_may_write(coder)
    OR entity NOT IN ('code', 'memo', 'proposal')
    OR (entity = 'code' AND duocode_reconciled(entity_id, variable)));
CREATE POLICY events_add ON events FOR INSERT WITH CHECK (coder IS NULL OR duocode_may_write(coder));
"""

# Version 2: the page count of a transcript where its format has pages (PDF); NULL = not known. The same
# statement on both backends.
V2 = """
ALTER TABLE documents ADD COLUMN pages INTEGER CHECK (pages IS NULL OR pages >= 0);
"""

# Version 3: a cache of passage embeddings that are slow to compute (the optional MiniLM model of the pre-coder),
# one row per model and text: the text's SHA-256 (hex) and its vector as little-endian float32 bytes. Text that
# is no longer in the project may stay cached; the rows hold no coder's data (no row-level security needed).
V3 = """
CREATE TABLE embeddings (
    model       TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    vector      BLOB NOT NULL,
    PRIMARY KEY (model, text_sha256)
);
"""


def _postgres_v3() -> str:
    """V3 for PostgreSQL: ``BYTEA`` for the vectors, byte-wise text; the roles already in the team read the new
    table as they read every other (a coder's role reads, a lead's role writes too)."""
    script = V3.replace("BLOB", "BYTEA")
    script = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', script)
    return script + """
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT role, lead FROM team_roles LOOP
        IF r.lead THEN
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON embeddings TO %I', r.role);
        ELSE
            EXECUTE format('GRANT SELECT ON embeddings TO %I', r.role);
        END IF;
    END LOOP;
END $$;
"""


MIGRATIONS: list[str] = [V1, V2, V3]
PG_MIGRATIONS: list[str] = [_postgres_v1(), V2, _postgres_v3()]
SCHEMA_VERSION = len(MIGRATIONS)
