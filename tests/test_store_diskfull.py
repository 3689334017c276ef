"""A full disk during an import or a determination save (target 3): one clear error, prior data
intact, no transaction left open. PRAGMA max_page_count stands in for the full disk."""

from __future__ import annotations

import pytest

from catalog_helpers import HEADER, fresh_catalog, product_row, snapshot
from workbench.services.import_products import import_products
from workbench.store import DiskFull
from workbench.store.backup import integrity_check
from workbench.store.connection import write_transaction
from workbench.store.determinations import record_determination
from xlsx_builder import Sheet, write_xlsx


def _cap_growth(conn, extra_pages: int) -> None:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}").fetchone()[0] == pages + extra_pages


def test_full_disk_during_import_is_one_clear_error(tmp_path):
    conn = fresh_catalog(tmp_path)
    before = snapshot(conn)
    path = write_xlsx(tmp_path / "big.xlsx", [Sheet("Products", [HEADER] + [product_row(i) for i in range(5000)])])
    _cap_growth(conn, 20)
    with pytest.raises(DiskFull) as info:
        import_products(conn, path, db_label=tmp_path / "catalog.db")
    assert str(info.value) == (f"{tmp_path / 'catalog.db'}: the disk is full (SQLite: database or disk is full); "
                               "nothing was changed (expected free disk space: free some and try again)")
    assert conn.in_transaction is False
    assert snapshot(conn) == before and integrity_check(conn) == []
    conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: the same import now succeeds
    assert len(import_products(conn, path).added) == 5000
    conn.close()


def test_full_disk_while_saving_a_determination(tmp_path):
    conn = fresh_catalog(tmp_path)
    before = snapshot(conn)
    _cap_growth(conn, 0)
    with pytest.raises(DiskFull):
        with write_transaction(conn):
            for _ in range(50):
                record_determination(conn, part_number="NVIDIA-H100-SXM5-80GB", regime="us-ear-2023-10",
                                     classification="3A090.a", result={"pad": "x" * 4000}, inputs={},
                                     ruleset_sha256="b" * 64)
    assert conn.in_transaction is False and snapshot(conn) == before
    conn.close()


def test_cli_import_on_a_full_disk_exits_3_with_one_line_and_changes_nothing(tmp_path, capsys, monkeypatch):
    """The command line's side of target 3: exit code 3 (a database problem), one line on stderr, no
    traceback, and the catalog as it was. The full disk is max_page_count on the connection the
    command opens."""
    import workbench.services.catalog as catalog_service
    from workbench.cli import main

    db = tmp_path / "catalog.db"
    fresh_catalog(tmp_path).close()
    path = write_xlsx(tmp_path / "big.xlsx", [Sheet("Products", [HEADER] + [product_row(i) for i in range(5000)])])
    real_open = catalog_service.open_existing_catalog

    def open_on_a_full_disk(*args, **kwargs):
        conn = real_open(*args, **kwargs)
        _cap_growth(conn, 20)
        return conn

    monkeypatch.setattr(catalog_service, "open_existing_catalog", open_on_a_full_disk)
    check = fresh_catalog(tmp_path)
    before = snapshot(check)
    assert main(["import", str(path), "--db", str(db)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {db}: the disk is full (SQLite: database or disk is full); nothing was changed "
                   "(expected free disk space: free some and try again)"]
    assert snapshot(check) == before and not check.in_transaction
    check.close()
