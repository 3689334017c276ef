"""Storage faults injected for real (targets 3-7, 22-23): full disk, read-only file system, byte-flipped
database, cloud/network folder, a second instance and a kill -9, scheduled backups and restore,
crash hooks.

Read-only: the tests run as root, and root ignores chmod. So the read-only case runs the app in a
child process inside a private mount namespace (``unshare -m``) where the test folder is bind-mounted
read-only: a real EROFS that root cannot write through either. A non-root run uses chmod instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from catalog_helpers import fresh_catalog, snapshot
from workbench.app import build_services
from workbench.cli import main
from workbench.services.catalog import open_catalog
from workbench.services.replay import record
from workbench.store import DiskFull, StoreError
from workbench.store import audit
from workbench.store.audit_verify import verify
from workbench.store.backup import integrity_check
from workbench.store.backup_schedule import BackupPolicy, run_scheduled_backup, scheduled_backups
from workbench.store.connection import write_transaction
from workbench.store.locking import CatalogLock, lock_path, read_lock
from workbench.store.products import load_specs
from workbench.store.recovery import (CorruptDatabase, open_for_app, open_read_only, preflight, quick_check,
                                      sync_folder_warning, writable)
from workbench.store.retention import record_event

REPO = Path(__file__).resolve().parents[1]

TODAY = date(2026, 6, 15)  # the evaluation day of determinations recorded without a date


def _python(code: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _closed_catalog(tmp_path: Path) -> Path:
    conn = fresh_catalog(tmp_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return tmp_path / "catalog.db"


# --- full disk (target 3) -----------------------------------------------------------------

def _cap_growth(conn, extra_pages: int) -> None:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}")


def test_full_disk_while_recording_determinations_keeps_prior_data(tmp_path, library):
    conn = fresh_catalog(tmp_path)
    specs = load_specs(conn)
    before, head = snapshot(conn), audit.head(conn)
    _cap_growth(conn, 2)
    with pytest.raises(DiskFull, match="the disk is full .* nothing was changed"):
        with write_transaction(conn, tmp_path / "catalog.db"):
            for spec in specs * 20:
                record(conn, library, spec, "us-ear-2023-10", destination="CN", rationale="x" * 2000, today=TODAY)
    assert conn.in_transaction is False
    assert snapshot(conn) == before and audit.head(conn) == head and integrity_check(conn) == []
    with pytest.raises(DiskFull):
        with write_transaction(conn):
            for i in range(400):
                record_event(conn, f"deal-{i}", "export", date(2030, 1, 1), note="n" * 500)
    assert conn.in_transaction is False and snapshot(conn) == before


# --- read-only (target 4) -----------------------------------------------------------------

def test_mode_ro_connection_is_detected_and_refuses_every_write(tmp_path):
    db = _closed_catalog(tmp_path)
    rw = sqlite3.connect(db, isolation_level=None)
    assert writable(rw) is True and rw.in_transaction is False
    rw.close()
    ro = open_read_only(db)
    assert writable(ro) is False and ro.in_transaction is False
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        with write_transaction(ro):
            ro.execute("INSERT INTO product_tags VALUES ('x', 'y')")
    assert verify(ro).ok  # reading still works


READ_ONLY_CHILD = """
    import sys
    from pathlib import Path
    from workbench.app import build_services
    from workbench.services.catalog_edits import update_figure
    services = build_services(sys.argv[1], data_dir=Path(sys.argv[2]), cache_dir=Path(sys.argv[2]))
    print("READONLY:", services.read_only_reason)
    part = services.conn.execute("SELECT part_number FROM products LIMIT 1").fetchone()[0]
    try:
        update_figure(services.conn, part, "notes", "edited while read-only")
    except Exception as exc:
        print("WRITE REFUSED:", type(exc).__name__, exc)
    print("PRODUCTS:", services.conn.execute("SELECT count(*) FROM products").fetchone()[0])
    services.close()
"""


def test_read_only_file_system_opens_read_only_and_refuses_writes_cleanly(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    _closed_catalog(folder)
    data = tmp_path / "data"
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(READ_ONLY_CHILD), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    args = [sys.executable, str(script), str(folder / "catalog.db"), str(data)]
    if os.geteuid() == 0:
        if not shutil.which("unshare"):
            pytest.skip("running as root without unshare: cannot make a read-only file system")
        inner = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && exec \"$@\""
        args = ["unshare", "-m", "sh", "-c", inner, "sh", *args]
    else:
        os.chmod(folder / "catalog.db", 0o444)
        os.chmod(folder, 0o555)
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 and "unshare" in proc.stderr:
        pytest.skip(f"no private mount namespace here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "READONLY: cannot be written" in out or "READONLY: is read-only" in out or \
        "READONLY: is on read-only storage" in out, out
    assert "WRITE REFUSED: ReadOnlyCatalog" in out and "attempt to write a readonly database" in out, out
    assert "PRODUCTS:" in out and not (folder / "catalog.db.lock").exists()


# --- corrupt (target 5) -------------------------------------------------------------------

def _flip(db: Path, offset: int, value: int) -> None:
    data = bytearray(db.read_bytes())
    data[offset] = value
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["magic", "page_size", "products_root_page_type", "audit_root_cell_pointer"])
def test_byte_flipped_catalog_is_moved_aside_never_recreated_and_backup_offered(tmp_path, where, capsys):
    db = _closed_catalog(tmp_path)
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_schema WHERE type = 'table'"))
    conn.close()
    conn = open_catalog(db)
    backup = run_scheduled_backup(conn, db, BackupPolicy(keep=3), force=True)
    conn.close()
    offset, value = {
        "magic": (0, ord("X")),
        "page_size": (16, 0x03),
        "products_root_page_type": ((roots["products"] - 1) * page_size, 0x07),
        "audit_root_cell_pointer": ((roots["audit"] - 1) * page_size + 8, 0xFF),
    }[where]
    _flip(db, offset, value)
    assert quick_check(db), "the flipped byte was not seen by quick_check"
    with pytest.raises(CorruptDatabase) as info:
        build_services(db, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    moved = info.value.moved_to
    assert not db.exists(), "a damaged catalog must not be recreated silently"
    assert moved.name.startswith("catalog.db.corrupt-") and moved.exists()
    assert info.value.backup == backup and f"workbench restore {backup}" in str(info.value)
    # Restoring the offered backup gives a sound catalog whose audit log records the restore.
    assert main(["restore", str(backup), "--db", str(db)]) == 0
    assert "restored from" in capsys.readouterr().out
    services = build_services(db, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    try:
        assert services.read_only_reason is None and verify(services.conn).ok
        assert services.conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0] == \
            "catalog.restore"
    finally:
        services.close()


def test_restore_refuses_a_damaged_backup_and_keeps_the_catalog(tmp_path, capsys):
    db = _closed_catalog(tmp_path)
    bad = tmp_path / "bad.sqlite3"
    shutil.copyfile(db, bad)  # a closed, checkpointed file: safe to copy for the fixture
    _flip(bad, 0, ord("X"))
    before = db.read_bytes()
    assert main(["restore", str(bad), "--db", str(db)]) == 2
    assert capsys.readouterr().err == f"error: {bad}: not a usable backup (file is not a database)\n"
    assert db.read_bytes() == before


# --- scheduled backups (target 6) ---------------------------------------------------------

def test_scheduled_backups_run_when_due_keep_n_and_pass_integrity_check(tmp_path):
    conn = fresh_catalog(tmp_path)
    db = tmp_path / "catalog.db"
    policy = BackupPolicy(keep=3, every=timedelta(hours=24))
    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
    assert run_scheduled_backup(conn, db, policy, now=t0) is not None
    assert run_scheduled_backup(conn, db, policy, now=t0 + timedelta(hours=23, minutes=59)) is None  # not due
    made = [run_scheduled_backup(conn, db, policy, now=t0 + timedelta(days=d)) for d in range(1, 6)]
    assert all(made)
    kept = scheduled_backups(db)
    assert kept == made[-3:]
    for path in kept:
        assert quick_check(path) == []
        check = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        assert integrity_check(check) == [] and audit.head(check) == audit.head(conn)
        check.close()


def test_backup_policy_is_configurable_from_the_environment(monkeypatch):
    monkeypatch.setenv("WORKBENCH_BACKUP_KEEP", "4")
    monkeypatch.setenv("WORKBENCH_BACKUP_HOURS", "6")
    assert BackupPolicy.from_env() == BackupPolicy(4, timedelta(hours=6))
    monkeypatch.setenv("WORKBENCH_BACKUP_KEEP", "0")
    with pytest.raises(StoreError):
        BackupPolicy.from_env()


# --- cloud-sync and network folders (target 7) --------------------------------------------

@pytest.mark.parametrize("path", ["/home/ann/Dropbox/compliance/catalog.db",
                                  "/home/ann/OneDrive - Contoso Ltd/catalog.db",
                                  "/Users/ann/Library/Mobile Documents/com~apple~CloudDocs/catalog.db",
                                  "/Users/ann/Google Drive/My Drive/catalog.db",
                                  "//fileserver/export/catalog.db"])
def test_sync_and_network_folders_are_warned_about(path):
    assert sync_folder_warning(Path(path), mounts_text="") is not None


MOUNTS = """/dev/nvme0n1p2 / ext4 rw,relatime 0 0
fs1:/exports/home /mnt/home nfs4 rw,relatime 0 0
//nas/share /mnt/nas cifs rw 0 0
/dev/sdb1 /mnt/usb vfat rw 0 0
"""


def test_network_mounts_from_proc_mounts():
    assert "nfs4" in sync_folder_warning(Path("/mnt/home/ann/catalog.db"), MOUNTS)
    assert "cifs" in sync_folder_warning(Path("/mnt/nas/catalog.db"), MOUNTS)
    assert sync_folder_warning(Path("/mnt/usb/catalog.db"), MOUNTS) is None
    assert sync_folder_warning(Path("/home/ann/work/catalog.db"), MOUNTS) is None
    assert sync_folder_warning(Path("/home/ann/dropbox-notes-archive/catalog.db"), MOUNTS) is not None


def test_sync_folder_warning_comes_before_the_first_write(tmp_path):
    folder = tmp_path / "Dropbox" / "compliance"
    db = folder / "catalog.db"
    asked = []

    def decline(message):
        asked.append((message, db.exists()))
        return False

    from workbench.services.catalog import NoCatalog, create_catalog

    with pytest.raises(NoCatalog):  # the app never creates a catalog (init or the first-start dialog does)
        build_services(db, data_dir=tmp_path / "d", cache_dir=tmp_path / "c", confirm_sync=decline)
    assert not asked and not db.exists() and not folder.exists()
    create_catalog(db, demo=True)
    services = build_services(db, data_dir=tmp_path / "d", cache_dir=tmp_path / "c", confirm_sync=lambda m: True)
    try:
        assert services.sync_warning and services.read_only_reason is None and db.exists()
        assert "cloud-sync folder (Dropbox)" in services.sync_warning
    finally:
        services.close()
    services = build_services(db, data_dir=tmp_path / "d", cache_dir=tmp_path / "c", confirm_sync=decline)
    try:
        assert "sync or network folder" in services.read_only_reason and writable(services.conn) is False
    finally:
        services.close()


# --- second instance and stale lock (target 23) -------------------------------------------

HOLDER = """
    import sys
    from pathlib import Path
    from workbench.app import build_services
    services = build_services(sys.argv[1], data_dir=Path(sys.argv[2]), cache_dir=Path(sys.argv[2]))
    print("ready", services.read_only_reason, flush=True)
    sys.stdin.readline()
"""


def test_second_instance_is_told_who_holds_the_catalog_and_a_killed_holder_is_recovered(tmp_path):
    db = _closed_catalog(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLDER), str(db), str(tmp_path / "d")], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready None"
        services = build_services(db, data_dir=tmp_path / "d2", cache_dir=tmp_path / "c2")
        try:
            assert f"pid {child.pid}" in services.read_only_reason and "already open by" in services.read_only_reason
            assert writable(services.conn) is False
        finally:
            services.close()
        assert read_lock(lock_path(db)).pid == child.pid  # closing the read-only instance left the lock alone
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
        child.stdin.close()
    assert lock_path(db).exists(), "kill -9 leaves the lock behind"
    services = build_services(db, data_dir=tmp_path / "d2", cache_dir=tmp_path / "c2")
    try:
        assert services.read_only_reason is None and services.lock.recovered_from.pid == child.pid
        assert writable(services.conn) is True
    finally:
        services.close()
    assert not lock_path(db).exists()


def test_lock_in_the_same_process_is_refused_and_released_on_close(tmp_path):
    db = tmp_path / "x.db"
    with CatalogLock(db):
        other = CatalogLock(db)
        with pytest.raises(Exception, match="already open by"):
            other.acquire()
    assert not lock_path(db).exists()


def test_preflight_on_a_healthy_local_catalog_reports_nothing(tmp_path):
    db = _closed_catalog(tmp_path)
    result = preflight(db, "")
    assert result.read_only_reason is None and result.sync_warning is None and db.exists()


# --- crash handling (target 22) -----------------------------------------------------------

CRASHER = """
    import sqlite3, sys, threading
    from workbench import crash
    from workbench.store import connect
    log, open_conns = sys.argv[2], []
    conn = connect(sys.argv[1])
    open_conns.append(conn)
    crash.install(log, connections=lambda: list(open_conns))
    if sys.argv[3] == "segv":
        import faulthandler
        faulthandler._sigsegv()

    def worker():  # a worker thread with its own connection (connections are per thread)
        mine = connect(sys.argv[1])
        open_conns.append(mine)
        mine.execute("BEGIN IMMEDIATE")
        mine.execute("CREATE TABLE half_done_in_thread (x)")
        1 / 0

    t = threading.Thread(target=worker, name="worker-1")
    t.start(); t.join()
    conn.execute("PRAGMA busy_timeout = 0")
    conn.execute("BEGIN IMMEDIATE")  # fails with 'database is locked' if the worker's transaction were open
    conn.execute("CREATE TABLE half_done_in_main (x)")
    print("main could write after the thread failed", flush=True)
    raise RuntimeError("boom in main")
"""


def test_unhandled_errors_are_logged_and_leave_no_open_transaction(tmp_path):
    db, log = tmp_path / "c.db", tmp_path / "logs" / "workbench.log"
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(CRASHER), str(db), str(log), "raise"],
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "main could write after the thread failed" in proc.stdout  # the worker's transaction was rolled back
    text = log.read_text(encoding="utf-8")
    assert "unhandled error in thread worker-1" in text and "ZeroDivisionError" in text
    assert "unhandled error in the main thread" in text and "RuntimeError: boom in main" in text
    assert f"details in {log}" in proc.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'half_done%'").fetchone()[0] == 0


def test_c_level_crash_is_written_by_faulthandler(tmp_path):
    db, log = tmp_path / "c.db", tmp_path / "logs" / "workbench.log"
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(CRASHER), str(db), str(log), "segv"],
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGSEGV
    faults = (log.parent / "crash-faults.log").read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in faults and "<module>" in faults


# --- start-up: audit chain check and scheduled backup -------------------------------------

def test_start_up_verifies_the_audit_chain_and_takes_the_due_backup(tmp_path):
    db = _closed_catalog(tmp_path)
    services = build_services(db, data_dir=tmp_path / "d", cache_dir=tmp_path / "c")
    try:
        assert services.audit_problem is None
        assert len(scheduled_backups(db)) == 1  # none existed: one is due
    finally:
        services.close()
    services = build_services(db, data_dir=tmp_path / "d", cache_dir=tmp_path / "c")
    services.close()
    assert len(scheduled_backups(db)) == 1  # not due again within the interval
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 1")
    raw.close()
    services = build_services(db, data_dir=tmp_path / "d", cache_dir=tmp_path / "c")
    try:
        assert services.audit_problem.startswith("audit log broken at entry 1: its contents do not match")
    finally:
        services.close()
