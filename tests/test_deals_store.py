"""Deals repository and migration 3: writes are audited, deals are never deleted, and a
database made before the deals tables existed is migrated with its data intact."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from catalog_helpers import fresh_catalog
from deals_helpers import H100, H200, make_deal
from workbench.store import connect
from workbench.store.connection import write_transaction
from workbench.store.deals import (DealStoreError, all_deals, g2g_countries, get_deal, insert_deal, set_g2g,
                                   set_us_shipments, update_deal, us_shipments)
from workbench.store.schema import LATEST_VERSION, MIGRATIONS, migrate, user_version
from workbench.store.products import count_products


def test_insert_read_back_exactly_and_audit(tmp_path):
    conn = fresh_catalog(tmp_path)
    deal = make_deal(lines=((H100, 3, "12345.67"), (H200, 1, "0.10")), parent_hq="CN", notified_on=date(2025, 2, 1))
    with write_transaction(conn):
        saved = insert_deal(conn, deal, actor="officer")
    assert saved.id is not None
    assert get_deal(conn, saved.id) == saved
    assert str(get_deal(conn, saved.id).lines[0].unit_value_usd) == "12345.67"
    row = conn.execute("SELECT action, entity, actor FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert row == ("deal.add", f"deal:{saved.id}", "officer")


def test_edit_and_cancel_keep_before_and_after(tmp_path):
    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        saved = insert_deal(conn, make_deal())
    edited = saved.model_copy(update={"lines": make_deal(lines=((H200, 2, "30000.00"),)).lines})
    with write_transaction(conn):
        update_deal(conn, edited)
    assert [(ln.part_number, ln.quantity) for ln in get_deal(conn, saved.id).lines] == [(H200, 2)]
    before, after = conn.execute("SELECT before_json, after_json FROM audit WHERE action = 'deal.update'").fetchone()
    assert H100 in before and H200 in after and H100 not in after
    assert conn.execute("SELECT revision FROM deals WHERE id = ?", (saved.id,)).fetchone()[0] == 2


def test_unknown_part_and_duplicate_reference_write_nothing(tmp_path):
    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        insert_deal(conn, make_deal("D-1"))
    seq = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
    with pytest.raises(DealStoreError, match="unknown part numbers NOPE"):
        with write_transaction(conn):
            insert_deal(conn, make_deal("D-2", lines=(("NOPE", 1, "1.00"),)))
    with pytest.raises(DealStoreError, match="'D-1' already exists"):
        with write_transaction(conn):
            insert_deal(conn, make_deal("D-1"))
    assert [d.reference for d in all_deals(conn)] == ["D-1"]
    assert conn.execute("SELECT max(seq) FROM audit").fetchone()[0] == seq


def test_products_in_deals_cannot_be_deleted(tmp_path):
    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        insert_deal(conn, make_deal())
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM products WHERE part_number = ?", (H100,))


def test_ledger_settings_are_audited(tmp_path):
    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        set_us_shipments(conn, H200, 1000, "10-Q")
        set_g2g(conn, "MY", True, "MoU 2025")
    assert us_shipments(conn) == {H200: 1000} and g2g_countries(conn) == {"MY"}
    with write_transaction(conn):
        set_us_shipments(conn, H200, None)
        set_g2g(conn, "MY", False)
    assert us_shipments(conn) == {} and g2g_countries(conn) == frozenset()
    actions = [r[0] for r in conn.execute("SELECT action FROM audit WHERE action LIKE 'ledger.%' ORDER BY seq")]
    assert actions == ["ledger.us_shipments", "ledger.g2g", "ledger.us_shipments", "ledger.g2g"]
    with pytest.raises(DealStoreError, match="whole number"):
        with write_transaction(conn):
            set_us_shipments(conn, H200, -1)


def test_migration_to_deals_keeps_a_populated_older_catalog(tmp_path):
    """A catalog at the version before the deals tables gets them; products and audit intact."""
    path = tmp_path / "old.db"
    deals_version = next(v for v, steps in MIGRATIONS.items() if any("CREATE TABLE deals" in s for s in steps))
    older = {v: s for v, s in MIGRATIONS.items() if v < deals_version}
    conn = connect(path)
    from workbench.services.catalog import load_demo

    migrate(conn, path, on_create=load_demo, migrations=older)
    products, audit_rows = count_products(conn), conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert user_version(conn) == deals_version - 1
    conn.close()
    conn = connect(path)
    migrate(conn, path)
    assert user_version(conn) == LATEST_VERSION
    assert count_products(conn) == products and products > 0
    # Every entry is kept; the state-binding migration appends one recording the catalog as it is.
    assert conn.execute("SELECT count(*) FROM audit WHERE action != 'catalog.state.bind'").fetchone()[0] == audit_rows
    with write_transaction(conn):
        insert_deal(conn, make_deal())
    assert len(all_deals(conn)) == 1
    assert len(list(tmp_path.glob(f"old.db.v{deals_version - 1}-*.bak"))) == 1  # VACUUM INTO snapshot first
