"""Restore verifies the backup in full before touching anything and swaps atomically under the
writer lock; every command-line writer takes that lock (or waits briefly and refuses, naming the
holder); a GUI undo never overwrites a value someone else wrote since.

The lock holder is simulated in-process (CatalogLock held by the test: the same rules apply to
another process, see test_storage_faults for a real second process)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from catalog_helpers import export_catalog_xlsx, fresh_catalog
from report_helpers import H100
from workbench.cli import main
from workbench.store.audit_verify import triggers_present, verify
from workbench.store.backup import backup_to
from workbench.store.locking import CatalogLock
from workbench.store.products import database_digest
from workbench.store.schema import LATEST_VERSION

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def short_lock_wait(monkeypatch):
    monkeypatch.setenv("WORKBENCH_LOCK_WAIT", "0.3")


def _catalog_and_backup(tmp_path):
    conn = fresh_catalog(tmp_path)
    backup = backup_to(conn, tmp_path / "good-backup.sqlite3")
    conn.close()
    return tmp_path / "catalog.db", backup


def _state(db: Path) -> tuple:
    """What is at the catalog path: its content digest, and the files beside it."""
    conn = sqlite3.connect(db)
    try:
        digest = database_digest(conn)
    finally:
        conn.close()
    return digest, sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name + "."))


def _tampered_backup(tmp_path, *sql) -> Path:
    (tmp_path / "src").mkdir()
    _, backup = _catalog_and_backup(tmp_path / "src")
    raw = sqlite3.connect(backup, isolation_level=None)
    for statement in sql:
        raw.execute(statement)
    raw.close()
    return backup


@pytest.mark.parametrize("sql, says", [
    (["DROP TRIGGER audit_no_update", "UPDATE audit SET actor = 'mallory' WHERE seq = 5"], "audit log broken at entry 5"),
    (["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"], "append-only triggers audit_no_delete, "
                                                                        "audit_no_update were removed"),
    ([f"UPDATE products SET fp16_tflops = 1.0 WHERE part_number = '{H100}'"], "products are not what the log records"),
    ([f"PRAGMA user_version = {LATEST_VERSION + 1}"], "written by a newer version of the workbench"),
])
def test_restore_refuses_a_tampered_or_newer_backup_before_touching_anything(tmp_path, capsys, sql, says):
    # Before: a broken chain or dropped triggers were accepted; a newer schema moved the catalog
    # aside and then failed, leaving no usable catalog.
    db, _ = _catalog_and_backup(tmp_path)
    bad = _tampered_backup(tmp_path, *sql)
    before = _state(db)
    assert main(["restore", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}: ") and says in err and "not restored" in err
    assert _state(db) == before


def test_restore_swaps_in_a_verified_backup_keeps_the_old_one_and_the_triggers(tmp_path, capsys):
    db, backup = _catalog_and_backup(tmp_path)
    conn = fresh_catalog(tmp_path)  # reopen: a change made after the backup
    conn.execute("BEGIN IMMEDIATE")
    from workbench.store.products import ProductWrite, get_product, write_products

    old = get_product(conn, H100)
    write_products(conn, ProductWrite(updated=[({**old, "notes": "after the backup"}, {"notes": old["notes"]},
                                                 {"notes": "after the backup"})]))
    conn.execute("COMMIT")
    conn.close()
    assert main(["restore", str(backup), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    kept = Path(out.rsplit("kept as ", 1)[1].strip())
    restored = sqlite3.connect(db)
    assert verify(restored).ok and triggers_present(restored) == ["audit_no_delete", "audit_no_update"]
    assert restored.execute("SELECT notes FROM products WHERE part_number = ?", (H100,)).fetchone()[0] != \
        "after the backup"
    assert restored.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0] == "catalog.restore"
    restored.close()
    previous = sqlite3.connect(kept)
    assert previous.execute("SELECT notes FROM products WHERE part_number = ?", (H100,)).fetchone()[0] == \
        "after the backup"
    previous.close()
    assert not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]


def test_restore_waits_for_and_refuses_while_another_writer_holds_the_catalog(tmp_path, capsys):
    # Before: a restore during a CLI import moved the catalog aside under the import, whose rows
    # then landed in the *.replaced-* file while it reported success.
    db, backup = _catalog_and_backup(tmp_path)
    before = _state(db)
    with CatalogLock(db):  # an import (or the desktop app) is writing
        assert main(["restore", str(backup), "--db", str(db)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "in use by" in err and f"pid {os.getpid()}" in err and "changed nothing" in err
    assert _state(db) == before


def _import_file(tmp_path) -> Path:
    (tmp_path / "other").mkdir()
    conn = fresh_catalog(tmp_path / "other")
    path = export_catalog_xlsx(conn, tmp_path / "import.xlsx")
    conn.close()
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value == H100:
            row[list(r.value for r in ws[1]).index("notes")].value = "changed by the import"
    wb.save(path)
    return path


def _letter_json(tmp_path) -> Path:
    from tests.test_letters_engine import make_letter

    path = tmp_path / "letter.json"
    path.write_text(json.dumps(make_letter().to_json()), encoding="utf-8")
    return path


def _deals_xlsx(tmp_path) -> Path:
    from tests.test_deals_xlsx_cli import lpp_row, write_xlsx

    return write_xlsx(tmp_path / "deals.xlsx", [lpp_row("D-LOCK", "2025-03-03", 10)])


@pytest.mark.parametrize("command", [
    lambda t: ["import", str(_import_file(t))],
    lambda t: ["deals", "add", str(_deals_xlsx(t))],
    lambda t: ["deals", "us-shipments", H100, "5000"],
    lambda t: ["deals", "g2g", "AE", "yes"],
    lambda t: ["letters", "add", str(_letter_json(t))],
    lambda t: ["letters", "status", "SAMPLE-IS-INFORMED-0001", "closed"],
], ids=["import", "deals add", "us-shipments", "g2g", "letters add", "letters status"])
def test_every_cli_writer_refuses_while_the_catalog_is_held_and_changes_nothing(tmp_path, capsys, command):
    # Before: none of these took the lock; with the desktop app open they wrote anyway.
    db = tmp_path / "catalog.db"
    fresh_catalog(tmp_path).close()
    argv = command(tmp_path) + ["--db", str(db)]
    before = _state(db)
    with CatalogLock(db):  # the desktop app holds the catalog
        assert main(argv) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {db}: in use by ") and "waited 0.3 s" in err
    assert _state(db) == before


def test_a_cli_writer_waits_briefly_for_the_lock(tmp_path, capsys, monkeypatch):
    import threading

    monkeypatch.setenv("WORKBENCH_LOCK_WAIT", "10")
    db = tmp_path / "catalog.db"
    fresh_catalog(tmp_path).close()
    lock = CatalogLock(db)
    lock.acquire()
    threading.Timer(0.5, lock.release).start()
    assert main(["deals", "g2g", "AE", "yes", "--db", str(db)]) == 0


def test_restore_survives_kill_9_at_any_moment(tmp_path):
    """A restore killed at varied moments leaves a sound workbench catalog at the path (the old or
    the restored one), never a missing or partial file."""
    db, backup = _catalog_and_backup(tmp_path)
    from bench_reports import synthetic  # noqa: E402  (a big backup makes the restore take a while)
    from workbench.store.connection import connect, write_transaction  # noqa: F811
    from workbench.store.products import ProductWrite, write_products

    (tmp_path / "big").mkdir()
    big = fresh_catalog(tmp_path / "big")
    with write_transaction(big):
        write_products(big, ProductWrite(added=synthetic(20_000)))
    big_backup = backup_to(big, tmp_path / "big-backup.sqlite3")
    big.close()
    old_digest = _state(db)[0]
    script = textwrap.dedent(f"""
        import sys
        from workbench.store.backup_schedule import restore
        restore({str(big_backup)!r}, {str(db)!r})
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outcomes = set()
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.6, 2.2, 3.0):
        proc = subprocess.Popen([sys.executable, "-c", script], env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = connect(db)  # opens only a sound workbench database of a version it knows
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert verify(conn).ok, verify(conn).message()
        count = conn.execute("SELECT count(*) FROM products").fetchone()[0]
        conn.close()
        outcomes.add("restored" if count > 20_000 else "old")
        if count > 20_000:  # put the old one back for the next round
            assert main(["restore", str(backup), "--db", str(db)]) == 0
    print("kill -9 outcomes:", outcomes)
    assert old_digest and outcomes  # (which moments hit which state varies with the machine's speed)


sys.path.insert(0, str(ROOT / "bench"))
