"""File modes and read-only storage on the command line: one line and exit 3 for a write that cannot
happen, read-only commands working read-only, and recovery never offering an unverified backup.

The tests run as root, which ignores file modes. So each command runs in a child process that
keeps uid 0 but drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER from its capability
bounding set before exec (prctl PR_CAPBSET_DROP): the child then obeys file modes like an ordinary
user. (Dropping to ``nobody`` is not possible here: the interpreter lives under /root, mode 700.)
The read-only mount case uses a private mount namespace (unshare -m) with a read-only bind mount."""

from __future__ import annotations

import ctypes
import gc
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from catalog_helpers import fresh_catalog
from report_helpers import H100
from workbench.store.products import database_digest

ROOT = Path(__file__).resolve().parents[1]
PR_CAPBSET_DROP = 24
FILE_MODE_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _drop_file_mode_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in FILE_MODE_CAPS:
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_user(tmp_path, *argv, prefix=()):
    """Run ``workbench argv`` obeying file modes; returns (exit code, stdout, stderr)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT), "WORKBENCH_LOCK_WAIT": "0.2"}
    proc = subprocess.run([*prefix, sys.executable, "-m", "workbench", *argv], env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=_drop_file_mode_override, cwd=str(tmp_path))
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def catalog(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("an ordinary user: covered by the OS itself; these tests drop root's override of file modes")
    try:
        subprocess.run(["true"], preexec_fn=_drop_file_mode_override, check=True)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot drop capabilities here")
    folder = tmp_path / "cat"
    folder.mkdir()
    fresh_catalog(folder).close()
    db = folder / "catalog.db"
    gc.collect()  # no connection of this process may keep the WAL index alive: as after a real exit
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    yield db
    os.chmod(folder, 0o755)
    if db.exists():
        os.chmod(db, 0o644)


def _digest(db: Path) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True)  # creates no side file
    try:
        return database_digest(conn)
    finally:
        conn.close()


def test_a_read_only_catalog_file_refuses_writes_in_one_line_exit_3(tmp_path, catalog):
    # Before: "unexpected error (OperationalError: attempt to write a readonly database)", exit 1.
    before = _digest(catalog)
    os.chmod(catalog, 0o444)
    code, _, err = _as_user(tmp_path, "deals", "g2g", "AE", "yes", "--db", str(catalog))
    assert code == 3 and err.count("\n") == 1, err
    assert err.startswith(f"error: {catalog}: the catalog is read-only for this user") and "nothing was changed" in err
    code, out, err = _as_user(tmp_path, "letters", "list", "--db", str(catalog))
    assert code == 0 and "SAMPLE" in out, err
    assert _digest(catalog) == before


def test_an_unwritable_folder_serves_read_only_commands(tmp_path, catalog):
    # Before: every command was refused as "not a workbench database (attempt to write a readonly database)".
    before, files = _digest(catalog), sorted(p.name for p in catalog.parent.iterdir())
    os.chmod(catalog.parent, 0o555)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for argv in (["letters", "list"], ["audit", "verify"], ["deals", "list"],
                 ["memo", "--product", H100, "--out", str(out_dir / "m.pdf")],
                 ["export", "--regime", "us-ear-2023-10", "--out", str(out_dir / "e.xlsx")]):
        code, out, err = _as_user(tmp_path, *argv, "--db", str(catalog))
        assert code == 0, (argv, err)
    assert (out_dir / "m.pdf").stat().st_size > 0 and (out_dir / "e.xlsx").stat().st_size > 0
    code, _, err = _as_user(tmp_path, "letters", "status", "SAMPLE-BIS-2025-04-09-H20", "response_due", "--db", str(catalog))
    assert code == 3 and err.count("\n") == 1 and "writer lock" in err, err
    assert _digest(catalog) == before and sorted(p.name for p in catalog.parent.iterdir()) == files


def test_a_folder_with_mode_000_is_exit_3_in_one_line(tmp_path, catalog):
    # Before: "unexpected error (OperationalError: unable to open database file)", exit 1.
    os.chmod(catalog.parent, 0o000)
    for argv in (["letters", "list"], ["deals", "g2g", "AE", "yes"], ["memo", "--product", H100, "--out",
                                                                     str(tmp_path / "m.pdf")]):
        code, _, err = _as_user(tmp_path, *argv, "--db", str(catalog))
        assert code == 3 and err.count("\n") == 1 and err.startswith(f"error: {catalog}: "), (argv, err)
        assert "Traceback" not in err and "unexpected error" not in err


def test_a_read_only_mount_serves_read_only_commands(tmp_path, catalog):
    if not shutil.which("unshare"):
        pytest.skip("no unshare: cannot make a read-only mount")
    folder = catalog.parent
    inner = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && exec \"$@\""
    prefix = ("unshare", "-m", "sh", "-c", inner, "sh")
    code, out, err = _as_user(tmp_path, "audit", "verify", "--db", str(catalog), prefix=prefix)
    if code != 0 and "unshare" in err:
        pytest.skip(f"no private mount namespace here: {err.strip()}")
    assert code == 0 and "audit log intact" in out, err
    code, _, err = _as_user(tmp_path, "deals", "g2g", "AE", "yes", "--db", str(catalog), prefix=prefix)
    assert code == 3 and err.count("\n") == 1, err


def test_recovery_never_offers_an_empty_or_tampered_backup(tmp_path):
    # Before: a 0-byte file (a valid empty SQLite database to quick_check) was "the newest verified backup".
    from workbench.store.backup_schedule import BackupPolicy, backup_dir, run_scheduled_backup
    from workbench.store.recovery import last_good_backup

    conn = fresh_catalog(tmp_path)
    db = tmp_path / "catalog.db"
    good = run_scheduled_backup(conn, db, BackupPolicy(keep=5), force=True)
    conn.close()
    tampered = backup_dir(db) / "catalog-20991231T000000000000Z.sqlite3"
    shutil.copyfile(good, tampered)
    raw = sqlite3.connect(tampered)
    raw.execute(f"UPDATE products SET fp16_tflops = 1.0 WHERE part_number = '{H100}'")
    raw.commit()
    raw.close()
    empty = backup_dir(db) / "catalog-21001231T000000000000Z.sqlite3"
    empty.touch()
    os.utime(tampered, (4102444800, 4102444800))
    os.utime(empty, (4133980800, 4133980800))  # the newest of all
    assert last_good_backup(db) == good
