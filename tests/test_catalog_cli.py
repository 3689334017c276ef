"""The catalog commands as a user runs them: import (preview, dry run, errors), backup, --db and
WORKBENCH_DB, and classify/compare reading the catalog instead of a file."""

from __future__ import annotations

import json
import sqlite3

import pytest

from catalog_helpers import export_catalog_xlsx, snapshot
from workbench.cli import main
from workbench.services.catalog import open_catalog
from workbench.store import LATEST_VERSION
from xlsx_builder import Formula, Sheet, write_xlsx

H100 = "NVIDIA-H100-SXM5-80GB"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A demo catalog made the way a user makes one (workbench init --demo)."""
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    path = tmp_path / "catalog.db"
    assert main(["init", "--demo", "--db", str(path)]) == 0
    return path


def test_import_dry_run_previews_and_writes_nothing_then_import_writes(db, tmp_path, capsys):
    path = write_xlsx(tmp_path / "upd.xlsx", [Sheet("Products", [["型号", "FP16 TFLOPS", "Shelf"],
                                                                 [H100, 1000, "A3"], ["NEW-1", 5, "B1"]])])
    code, out, err = run(capsys, "import", path, "--dry-run", "--db", db)
    assert code == 0
    assert out.startswith("Import upd.xlsx:Products: 2 template columns (part_number, fp16_tflops)")
    assert "columns not in the template (ignored): Shelf" in out
    assert "    + NEW-1" in out and f"    ~ {H100}\n        fp16_tflops: 989.4 -> 1000" in out
    assert "and 52 catalog products not in it" in out and out.rstrip().endswith("Dry run: nothing was written.")
    assert "note: upd.xlsx:Products: columns not in the template, ignored: Shelf" in err
    conn = open_catalog(db)
    before = snapshot(conn)
    conn.close()
    assert before[0] == 53
    code, out, _ = run(capsys, "import", path, "--db", db)
    assert code == 0 and out.rstrip().endswith("Written: 1 added, 1 changed, 1 audit row.")
    conn = open_catalog(db)
    assert snapshot(conn)[0] == 54
    conn.close()


def test_import_errors_exit_2_with_cells_and_write_nothing(db, tmp_path, capsys):
    conn = open_catalog(db)
    before = snapshot(conn)
    conn.close()
    path = write_xlsx(tmp_path / "bad.xlsx", [Sheet("Products", [["part_number", "fp16_tflops"],
                                                                 ["A", Formula("B9*2")], ["B", "fast"]])])
    code, out, err = run(capsys, "import", path, "--db", db)
    assert code == 2 and out == ""
    assert "bad.xlsx:Products!B2: formula =B9*2 has no saved result" in err
    assert "bad.xlsx:Products!B3: 'fast' is not a number (expected a number in TFLOPS (dense))" in err
    assert err.rstrip().endswith("error: " + str(path) + ": 2 problems; nothing was imported")
    conn = open_catalog(db)
    assert snapshot(conn) == before
    conn.close()


def test_newer_database_exits_3_untouched(db, capsys, tmp_path):
    open_catalog(db).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.close()
    data = db.read_bytes()
    path = write_xlsx(tmp_path / "x.xlsx", [Sheet("P", [["part_number"], ["A"]])])
    for argv in (["import", path, "--db", db], ["backup", "--out", tmp_path / "b.db", "--db", db],
                 ["classify", "--db", db]):
        code, _, err = run(capsys, *argv)
        assert code == 3 and "written by a newer version of the workbench" in err, argv
    assert db.read_bytes() == data


def test_backup_writes_a_checked_copy(db, tmp_path, capsys):
    out_file = tmp_path / "backups" / "copy.db"
    code, out, _ = run(capsys, "backup", "--out", out_file, "--db", db)
    assert code == 0 and out.strip() == f"backup written to {out_file} (integrity_check ok)"
    copy = sqlite3.connect(out_file)
    assert copy.execute("SELECT count(*) FROM products").fetchone()[0] == 53
    copy.close()
    code, _, err = run(capsys, "backup", "--out", out_file, "--db", db)
    assert code == 3 and "already exists" in err


def test_classify_and_compare_read_the_catalog(db, tmp_path, capsys):
    code, out, _ = run(capsys, "classify", "--db", db, "--regime", "us-ear-2023-10", "--format", "json")
    items = json.loads(out)
    assert code == 0 and len(items) == 53 and {i["regime"] for i in items} == {"us-ear-2023-10"}
    code, out, _ = run(capsys, "compare", "--db", db, "--from", "us-ear-2022-10", "--to", "us-ear-2023-10",
                       "--destination", "CN", "--format", "json")
    assert code == 0 and json.loads(out)["products"] == 53
    code, _, err = run(capsys, "classify", tmp_path / "x.csv", "--db", db)
    assert code == 2 and "either INPUT, --demo or --db" in err


def test_workbench_db_environment_variable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "env.db"))
    conn = open_catalog(tmp_path / "env.db")
    path = export_catalog_xlsx(conn, tmp_path / "same.xlsx")
    conn.close()
    code, out, _ = run(capsys, "import", path)
    assert code == 0 and "leave alone 53 unchanged products in the file" in out
    assert not (tmp_path / "catalog.db").exists()
