"""Schema V3: the project's cache of slow embeddings (bytes by model and text hash), on SQLite and PostgreSQL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from duocode.store import Project, cached_embedding_keys, cached_embeddings, count_embeddings, store_embeddings
from duocode.store.schema import MIGRATIONS, PG_MIGRATIONS, SCHEMA_VERSION

MINI_CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "mini_codebook.yaml"


def test_the_schema_is_at_version_3_on_both_backends():
    assert SCHEMA_VERSION == len(MIGRATIONS) == len(PG_MIGRATIONS) == 3
    assert "CREATE TABLE embeddings" in MIGRATIONS[2] and "BLOB" in MIGRATIONS[2]
    assert "BYTEA" in PG_MIGRATIONS[2] and "BLOB" not in PG_MIGRATIONS[2]


def test_vectors_go_in_and_come_out_as_the_same_bytes(any_project):
    a, b = bytes(range(256)) * 6, b"\x00\xff" * 768      # NUL and high bytes: a BLOB/BYTEA, not text
    keys = [f"{i:064x}" for i in range(6_000)]           # more keys than one chunk of parameters
    with any_project.transaction():
        assert store_embeddings(any_project, "m1", [("k1", a), ("k2", b)]) == 2
        store_embeddings(any_project, "m2", [("k1", b)])
        store_embeddings(any_project, "m1", [(k, a) for k in keys])
    with any_project.transaction():   # a key already stored keeps its vector
        store_embeddings(any_project, "m1", [("k1", b)])
    assert cached_embeddings(any_project, "m1", ["k1", "k2", "nope"]) == {"k1": a, "k2": b}
    assert cached_embeddings(any_project, "m2", ["k1", "k2"]) == {"k1": b}
    assert cached_embedding_keys(any_project, "m1", keys + ["nope"]) == set(keys)
    assert count_embeddings(any_project, "m1") == 6_002 and count_embeddings(any_project) == 6_003


def test_writing_the_cache_outside_a_transaction_is_refused(any_project):
    with pytest.raises(RuntimeError):
        store_embeddings(any_project, "m1", [("k1", b"x")])


def test_a_version_2_sqlite_project_gains_the_empty_cache(tmp_path):
    import sqlite3

    from duocode.codebook import load_codebook

    Project.create(tmp_path / "p", load_codebook(MINI_CODEBOOK)).close()
    conn = sqlite3.connect(tmp_path / "p" / "duocode.db")
    conn.execute("DROP TABLE embeddings")                 # back to what schema 2 wrote
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Project.open(tmp_path / "p") as p:
        assert p.schema_version == 3 and "embeddings" in p.tables()
        assert count_embeddings(p) == 0
        with p.transaction():
            store_embeddings(p, "m", [("k", b"\x01\x02")])
        assert cached_embeddings(p, "m", ["k"]) == {"k": b"\x01\x02"}


def test_a_version_2_postgresql_project_gains_the_cache_and_its_roles_may_read_it(tmp_path, pg_url):
    import psycopg

    from duocode.codebook import load_codebook
    from duocode.store import add_team_role
    from duocode.store._dialect import POSTGRES

    folder = tmp_path / "p"
    suffix = os.urandom(3).hex()
    coder, lead = f"cara_{suffix}", f"lena_{suffix}"
    with Project.create(folder, load_codebook(MINI_CODEBOOK), database=pg_url) as p:
        add_team_role(p, coder, coder="cara")
        add_team_role(p, lead, lead=True)
        # back to what schema 2 wrote, the roles already in the team
        p.conn.execute("DROP TABLE embeddings")
        POSTGRES.set_schema_version(p.conn, 2)
    with Project.open(folder) as p:
        assert p.schema_version == 3 and "embeddings" in p.tables()
        with p.transaction():
            store_embeddings(p, "m", [("k", b"\x00\x01")])
    with psycopg.connect(pg_url.replace("postgresql://postgres@", f"postgresql://{coder}@", 1)) as conn:
        assert conn.execute("SELECT vector FROM embeddings WHERE text_sha256 = 'k'").fetchone() == (b"\x00\x01",)
    with psycopg.connect(pg_url.replace("postgresql://postgres@", f"postgresql://{lead}@", 1)) as conn:
        conn.execute("INSERT INTO embeddings(model, text_sha256, vector) VALUES ('m', 'k2', '\\x02')")
        conn.commit()
    with Project.open(folder) as p:
        assert cached_embeddings(p, "m", ["k", "k2"]) == {"k": b"\x00\x01", "k2": b"\x02"}


def test_migrate_carries_the_cache_to_postgresql_and_back(tmp_path, pg_url):
    from duocode.codebook import load_codebook
    from duocode.store import move_project

    folder = tmp_path / "p"
    with Project.create(folder, load_codebook(MINI_CODEBOOK)) as p, p.transaction():
        store_embeddings(p, "m", [("k", b"\x00vector\xff")])
    result = move_project(Project.open(folder), pg_url)
    assert result.rows["embeddings"] == 1
    with Project.open(folder) as p:
        assert p.backend == "postgresql" and cached_embeddings(p, "m", ["k"]) == {"k": b"\x00vector\xff"}
        back = move_project(p, "sqlite")
    assert back.rows["embeddings"] == 1
    with Project.open(folder) as p:
        assert p.backend == "sqlite" and cached_embeddings(p, "m", ["k"]) == {"k": b"\x00vector\xff"}
