"""Connection recipe (target 2), migrations and refusal of newer/foreign files (target 8),
the audit log's append-only triggers and hash chain, backups (target 6)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from workbench.services.catalog import open_catalog
from workbench.store import APPLICATION_ID, LATEST_VERSION, NewerDatabase, NotAWorkbenchDatabase, StoreError, connect
from workbench.store import audit
from workbench.store.backup import backup_to, integrity_check
from workbench.store.connection import read_pragmas, resolve_db_path, write_transaction
from workbench.store.determinations import determinations_for, record_determination
from workbench.store.products import count_products, database_digest, load_specs
from workbench.store.schema import migrate


def _expect_recipe(conn):
    assert read_pragmas(conn) == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000,
                                  "synchronous": 2, "trusted_schema": 0}
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def test_every_connection_reads_back_the_recipe(tmp_path):
    db = tmp_path / "c.db"
    open_catalog(db).close()
    conn = connect(db)
    _expect_recipe(conn)
    conn.close()
    seen = {}

    def worker():  # connections made on worker threads get the same recipe
        c = connect(db)
        seen.update(read_pragmas(c))
        seen["application_id"] = c.execute("PRAGMA application_id").fetchone()[0]
        c.close()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 2,
                    "trusted_schema": 0, "application_id": APPLICATION_ID}


def test_first_start_creates_the_catalog_with_demo_and_provenance(tmp_path):
    conn = open_catalog(tmp_path / "new" / "catalog.sqlite3")
    _expect_recipe(conn)
    assert count_products(conn) == 53
    assert conn.execute("SELECT count(*) FROM spec_provenance").fetchone()[0] == 597
    assert conn.execute("SELECT count(*) FROM audit WHERE action = 'product.add'").fetchone()[0] == 53
    row = conn.execute("SELECT source, confidence FROM spec_provenance WHERE part_number = 'NVIDIA-A100-SXM4-80GB' "
                       "AND field = 'fp64_tflops'").fetchone()
    assert "glennklockwood.com" in row[0] and row[1] == "secondary"
    specs = {s.part_number: s for s in load_specs(conn)}
    assert specs["NVIDIA-A100-SXM4-80GB"].fp16_tflops == 312 and specs["NVIDIA-A100-SXM4-80GB"].datacenter is True
    digest = database_digest(conn)
    conn.close()
    conn = open_catalog(tmp_path / "new" / "catalog.sqlite3")  # second start: nothing reloaded
    assert database_digest(conn) == digest
    conn.close()


def test_db_location_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "env.db"))
    assert resolve_db_path() == tmp_path / "env.db"
    assert resolve_db_path(tmp_path / "flag.db") == tmp_path / "flag.db"
    monkeypatch.delenv("WORKBENCH_DB")
    assert resolve_db_path().name == "catalog.sqlite3"


@pytest.mark.parametrize("journal", ["DELETE", "WAL"])
def test_newer_database_is_refused_and_left_byte_for_byte(tmp_path, journal):
    db = tmp_path / "newer.db"
    open_catalog(db).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.execute(f"PRAGMA journal_mode = {journal}")
    raw.close()
    before = db.read_bytes()
    with pytest.raises(NewerDatabase, match=f"schema version {LATEST_VERSION + 1}.*not opened or changed"):
        open_catalog(db)
    assert db.read_bytes() == before
    assert not (tmp_path / "newer.db-wal").exists()


def test_foreign_sqlite_file_is_refused(tmp_path):
    db = tmp_path / "other.db"
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    before = db.read_bytes()
    with pytest.raises(NotAWorkbenchDatabase, match="not a workbench database"):
        connect(db)
    assert db.read_bytes() == before
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(NotAWorkbenchDatabase):
        connect(tmp_path / "junk.db")


def test_failed_migration_leaves_old_schema_and_data(tmp_path):
    db = tmp_path / "m.db"
    conn = open_catalog(db)
    digest = database_digest(conn)
    from workbench.store.schema import MIGRATIONS

    broken = {**MIGRATIONS, LATEST_VERSION + 1: ["CREATE TABLE extra (x INTEGER)", "INSERT INTO nowhere VALUES (1)"]}
    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        migrate(conn, db, migrations=broken)
    assert not conn.in_transaction
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert database_digest(conn) == digest  # no 'extra' table, same rows
    assert list(tmp_path.glob(f"m.db.v{LATEST_VERSION}-*.bak")), "a VACUUM INTO snapshot precedes the migration"
    ok = {**MIGRATIONS, LATEST_VERSION + 1: ["CREATE TABLE extra (x INTEGER)"]}
    assert migrate(conn, db, migrations=ok) == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1
    conn.close()


def test_audit_rows_are_append_only_and_chained(tmp_path):
    conn = open_catalog(tmp_path / "a.db")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE seq = 2")
    rows = conn.execute("SELECT seq, ts_utc, actor, action, entity, before_json, after_json, ruleset_sha256, "
                        "prev_hash, hash, state_sha256 FROM audit ORDER BY seq").fetchall()
    prev = audit.GENESIS
    for r in rows:
        row = dict(zip(("seq", "ts_utc", "actor", "action", "entity", "before_json", "after_json", "ruleset_sha256"), r))
        row["state_sha256"] = r[10]  # the catalog state the entry records (hashed when present)
        assert r[8] == prev and r[9] == audit.row_hash(prev, row)
        prev = r[9]
    assert rows[0][2] == audit.current_actor() and rows[0][1].endswith("Z")
    conn.close()


def test_audit_append_refuses_to_run_outside_a_transaction(tmp_path):
    conn = open_catalog(tmp_path / "a.db", with_demo=False)
    with pytest.raises(RuntimeError, match="transaction"):
        audit.append(conn, [audit.Change("x", None)])
    conn.close()


def test_determinations_are_recorded_with_their_context_and_never_edited(tmp_path):
    conn = open_catalog(tmp_path / "d.db")
    with write_transaction(conn):
        det_id = record_determination(conn, part_number="NVIDIA-A100-SXM4-80GB", regime="us-ear-2023-10",
                                      classification="3A090.a", result={"license_required": True},
                                      inputs={"fp16_tflops": 312.0}, ruleset_sha256="a" * 64)
    (row,) = determinations_for(conn, "NVIDIA-A100-SXM4-80GB")
    assert row["id"] == det_id and row["ruleset_sha256"] == "a" * 64 and row["app_version"]
    assert row["inputs_json"] == '{"fp16_tflops":312.0}' and row["actor"] == audit.current_actor()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE determinations SET classification = 'EAR99'")
    assert conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0] == "determination.record"
    conn.close()


def test_backup_is_a_checked_copy(tmp_path):
    conn = open_catalog(tmp_path / "b.db")
    out = backup_to(conn, tmp_path / "copies" / "b-backup.db")
    copy = sqlite3.connect(out)
    assert integrity_check(copy) == []
    assert copy.execute("SELECT count(*) FROM products").fetchone()[0] == 53
    copy.close()
    with pytest.raises(StoreError, match="already exists"):
        backup_to(conn, out)
    conn.close()


def test_write_transaction_rolls_back_on_error(tmp_path):
    conn = open_catalog(tmp_path / "w.db")
    digest = database_digest(conn)
    with pytest.raises(ZeroDivisionError):
        with write_transaction(conn):
            conn.execute("DELETE FROM spec_provenance")
            1 / 0
    assert not conn.in_transaction and database_digest(conn) == digest
    conn.close()


def test_memory_database_is_refused():
    with pytest.raises(StoreError, match="file path"):
        connect(":memory:")


def test_store_never_opens_files_itself():
    """howtocorrupt §2: closing any descriptor on the database drops SQLite's POSIX locks, so the
    store module never calls open() / read_bytes() / shutil copies; SQLite does all file I/O."""
    import ast
    from pathlib import Path

    import workbench.store

    banned = {"open", "read_bytes", "read_text", "write_bytes", "copy", "copyfile", "copy2"}
    for source in Path(workbench.store.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                assert name not in banned, f"{source.name}:{node.lineno} calls {name}()"
