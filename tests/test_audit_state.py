"""The catalog's state is bound to the audit log: a product, letter or deal changed outside the app
(sqlite3, a DB browser), or a log whose tail was cut, fails `audit verify`, and then memo and
export refuse too: exactly when verify fails, because they run the same check.

Tampering is done for real, on a separate plain sqlite3 connection (no app triggers)."""

from __future__ import annotations

import sqlite3
import pytest

from catalog_helpers import fresh_catalog
from report_helpers import H100
from workbench.cli import main
from workbench.services.reports import CatalogNotTrustworthy, export_workbook, write_memo
from workbench.store import audit, connect, migrate
from workbench.store.audit_verify import verify
from workbench.store.connection import write_transaction
from workbench.store.products import ProductWrite, get_product, write_products
from workbench.store.schema import LATEST_VERSION, MIGRATIONS, user_version


def _raw(db, *sql):
    raw = sqlite3.connect(db, isolation_level=None)
    for statement in sql:
        raw.execute(statement)
    raw.close()


def _edit_figure(conn, part: str, field: str, value) -> None:
    """An edit through the app: the products repository in a write transaction."""
    old = get_product(conn, part)
    new = {**old, field: value}
    with write_transaction(conn):
        write_products(conn, ProductWrite(updated=[(new, {field: old[field]}, {field: value})]))


def _memo_and_export_succeed(conn, library, tmp_path) -> bool:
    """True when both succeed, False when both refuse (a mix fails the test)."""
    outcomes = []
    for make in (lambda: write_memo(conn, library, [H100], ["us-ear-2023-10"], "CN", "en", tmp_path / "m.pdf"),
                 lambda: export_workbook(conn, library, tmp_path / "e.xlsx", regimes=["us-ear-2023-10"])):
        try:
            make()
            outcomes.append(True)
        except CatalogNotTrustworthy:
            outcomes.append(False)
    assert outcomes[0] == outcomes[1], outcomes
    return outcomes[0]


def test_a_direct_update_of_a_product_fails_verify_memo_and_export(tmp_path, library, capsys):
    # Before: verify said "intact" and the memo printed the forged figure under that head.
    conn = fresh_catalog(tmp_path)
    db = tmp_path / "catalog.db"
    assert verify(conn).ok
    _raw(db, f"UPDATE products SET fp16_tflops = 1.0 WHERE part_number = '{H100}'")
    report = verify(conn)
    assert not report.ok and report.catalog_differs
    assert "catalog does not match its audit log: the catalog's products are not what the log records" in report.message()
    assert main(["audit", "verify", "--db", str(db)]) == 1
    assert "products are not what the log records" in capsys.readouterr().out
    with pytest.raises(CatalogNotTrustworthy, match="products are not what the log records"):
        write_memo(conn, library, [H100], ["us-ear-2023-10"], "CN", "en", tmp_path / "m.pdf")
    with pytest.raises(CatalogNotTrustworthy, match="products are not what the log records"):
        export_workbook(conn, library, tmp_path / "e.xlsx")
    assert not (tmp_path / "m.pdf").exists() and not (tmp_path / "e.xlsx").exists()
    assert main(["memo", "--product", H100, "--db", str(db), "--out", str(tmp_path / "m.pdf")]) == 3


def test_a_later_change_through_the_app_does_not_launder_a_forged_row(tmp_path):
    conn = fresh_catalog(tmp_path)
    _raw(tmp_path / "catalog.db", f"UPDATE products SET fp16_tflops = 1.0 WHERE part_number = '{H100}'")
    _edit_figure(conn, "NVIDIA-A100-SXM4-80GB", "notes", "checked against the datasheet")
    assert verify(conn).catalog_differs


def test_changes_through_the_app_keep_verify_green_and_a_rollback_leaves_no_trace(tmp_path):
    conn = fresh_catalog(tmp_path)
    _edit_figure(conn, H100, "fp16_tflops", 990.0)
    with pytest.raises(RuntimeError):
        with write_transaction(conn):
            conn.execute("UPDATE products SET fp16_tflops = 2.0 WHERE part_number = ?", (H100,))
            raise RuntimeError("the write failed half-way")
    _edit_figure(conn, H100, "notes", "second edit")
    assert verify(conn).ok, verify(conn).message()
    # A second connection (another process) writing through the app is bound too.
    other = connect(tmp_path / "catalog.db")
    _edit_figure(other, H100, "notes", "third edit")
    assert verify(conn).ok and verify(other).ok


@pytest.mark.parametrize("statement, label", [
    ("UPDATE letters SET status = 'closed'", "is-informed letters"),
    ("DELETE FROM products WHERE part_number = 'NVIDIA-A100-SXM4-80GB'", "products"),
    ("INSERT INTO products (part_number, created_utc, updated_utc) VALUES ('GHOST-1', 'x', 'x')", "products"),
    ("UPDATE deal_lines SET quantity = 1", "deal lines"),
    ("UPDATE deals SET destination = 'US'", "deals"),
    ("UPDATE us_shipments SET units = 0", "US shipment figures"),
])
def test_letters_deals_and_ledger_figures_are_bound_too(tmp_path, library, statement, label):
    from deals_helpers import make_deal
    from workbench.store.deals import insert_deal, set_us_shipments

    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        insert_deal(conn, make_deal())
        set_us_shipments(conn, H100, 5000, "10-K")
    assert verify(conn).ok
    _raw(tmp_path / "catalog.db", "PRAGMA foreign_keys = OFF", statement)
    report = verify(conn)
    assert report.catalog_differs and f"the catalog's {label} are not" in report.message()
    assert not _memo_and_export_succeed(conn, library, tmp_path)


def test_a_cut_tail_with_its_subjects_left_in_place_stops_memo_and_export(tmp_path, library):
    # Before: verify failed, but memo and export went through (they only checked the chain).
    from workbench.store.products import IMPORT_COLUMNS

    conn = fresh_catalog(tmp_path)
    record = {f: None for f in IMPORT_COLUMNS[1:]} | {"part_number": "CUT-1", "product_type": "ic",
                                                      "tpp_basis": "computed", "fp16_tflops": 100.0}
    with write_transaction(conn):
        write_products(conn, ProductWrite(added=[record], origin={"file": "new.xlsx"}, as_import=True))
    seq, _ = audit.head(conn)
    assert verify(conn).ok and _memo_and_export_succeed(conn, library, tmp_path)
    _raw(tmp_path / "catalog.db", "DROP TRIGGER audit_no_delete", f"DELETE FROM audit WHERE seq = {seq}")
    assert not verify(conn).ok
    assert not _memo_and_export_succeed(conn, library, tmp_path)


@pytest.mark.parametrize("tamper", [
    None,
    f"UPDATE products SET fp16_tflops = 1.0 WHERE part_number = '{H100}'",
    "UPDATE products SET notes = 'x'",
    "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 3",
])
def test_memo_and_export_refuse_exactly_when_verify_fails(tmp_path, library, tamper):
    conn = fresh_catalog(tmp_path)
    _edit_figure(conn, H100, "notes", "reviewed")
    assert _memo_and_export_succeed(conn, library, tmp_path)  # warms the memo's cache of verified heads
    if tamper:
        _raw(tmp_path / "catalog.db", *tamper.split("; "))
    assert _memo_and_export_succeed(conn, library, tmp_path) == verify(conn).ok == (tamper is None)


def test_an_older_catalog_is_bound_when_it_migrates(tmp_path):
    from workbench.services.catalog import load_demo

    db = tmp_path / "old.db"
    old = connect(db, latest_version=5)
    migrate(old, db, on_create=load_demo, migrations={v: s for v, s in MIGRATIONS.items() if v <= 5})
    head = audit.head(old)
    old.close()
    conn = connect(db)
    migrate(conn, db)
    assert user_version(conn) == LATEST_VERSION
    bind = conn.execute("SELECT seq, action, state_sha256 FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert bind[0] == head[0] + 1 and bind[1] == "catalog.state.bind" and bind[2]
    assert verify(conn, anchor=head[1]).ok
    _raw(db, f"UPDATE products SET fp16_tflops = 1.0 WHERE part_number = '{H100}'")
    assert verify(conn).catalog_differs


def test_a_new_empty_catalog_starts_with_an_empty_log_and_is_still_bound(tmp_path):
    conn = fresh_catalog(tmp_path, with_demo=False)
    assert audit.head(conn)[0] == 0 and verify(conn).ok
    _raw(tmp_path / "catalog.db", "INSERT INTO products (part_number, created_utc, updated_utc) VALUES ('X', 'x', 'x')")
    assert verify(conn).catalog_differs


def test_g2g_note_changes_are_audited(tmp_path):
    from workbench.store.deals import set_g2g

    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        set_g2g(conn, "AE", True, "first")
    with write_transaction(conn):
        set_g2g(conn, "AE", True, "second note")
    assert verify(conn).ok, verify(conn).message()


def test_a_memo_skips_the_check_only_while_nothing_was_written(tmp_path, library, monkeypatch):
    from workbench.store import audit_verify

    calls = []
    real = audit_verify.verify
    monkeypatch.setattr(audit_verify, "verify", lambda *a, **k: calls.append(1) or real(*a, **k))
    conn = fresh_catalog(tmp_path)
    memo = lambda: write_memo(conn, library, [H100], ["us-ear-2023-10"], "CN", "en", tmp_path / "m.pdf")  # noqa: E731
    memo()
    memo()
    assert len(calls) == 1  # nothing written in between: the passing check stands
    _edit_figure(conn, H100, "notes", "an edit through the app")
    memo()
    assert len(calls) == 2
    conn.execute("UPDATE products SET notes = 'raw SQL on the memo connection itself'")
    with pytest.raises(CatalogNotTrustworthy, match="products are not what the log records"):
        memo()
    other = connect(tmp_path / "catalog.db")
    other.execute("UPDATE products SET notes = 'reviewed' WHERE part_number = ?", (H100,))
    other.close()
    with pytest.raises(CatalogNotTrustworthy):
        memo()


def test_any_sequence_of_changes_in_one_write_is_bound_exactly(tmp_path):
    """Insert-then-update, delete-then-reinsert (a reused rowid), REPLACE, update-then-delete: the
    state recorded at append equals the tables, whatever happened in between."""
    import random

    conn = fresh_catalog(tmp_path)
    rng = random.Random(7)
    statements = [
        "INSERT INTO g2g_agreements (country, note) VALUES ('{c}', 'n{i}')",
        "INSERT OR REPLACE INTO g2g_agreements (country, note) VALUES ('{c}', 'r{i}')",
        "UPDATE g2g_agreements SET note = 'u{i}' WHERE country = '{c}'",
        "DELETE FROM g2g_agreements WHERE country = '{c}'",
        "DELETE FROM g2g_agreements WHERE rowid = (SELECT max(rowid) FROM g2g_agreements)",
        "UPDATE products SET notes = 'p{i}' WHERE part_number = '" + H100 + "'",
        "INSERT INTO us_shipments (part_number, units, source) VALUES ('" + H100 + "', {i}, 's') "
        "ON CONFLICT(part_number) DO UPDATE SET units = excluded.units",
        "DELETE FROM us_shipments",
    ]
    for round_ in range(40):
        with write_transaction(conn):
            for i in range(rng.randint(1, 6)):
                sql = rng.choice(statements).format(c=rng.choice(["AE", "SA", "QA"]), i=round_ * 10 + i)
                try:
                    conn.execute(sql)
                except sqlite3.IntegrityError:
                    pass  # a duplicate insert: the statement changed nothing
            audit.append(conn, [audit.Change("test.mixed", None, None, {"round": round_})])
        report = verify(conn)
        assert report.ok, (round_, report.message())
