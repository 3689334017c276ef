"""Recorded determinations and retention (targets 18-19, 8): what a determination row holds, replaying
it from its stored inputs, the retention migration on a populated catalog, and the five-year /
legal-hold purge rules with an injected clock."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_helpers import fresh_catalog
from workbench import __version__
from workbench.cli import main
from workbench.services.replay import record, replay
from workbench.store import audit
from workbench.store.audit_verify import verify
from workbench.store.connection import write_transaction
from workbench.store.products import load_specs
from workbench.store.retention import (RetentionError, add_years, purge_decision, purge_product, record_event,
                                       set_legal_hold)
from workbench.store.schema import MIGRATIONS, migrate, user_version

TODAY = date(2026, 6, 15)  # the evaluation day of determinations recorded without a date


def test_a_recorded_determination_holds_who_when_inputs_ruleset_and_version(tmp_path, library):
    conn = fresh_catalog(tmp_path)
    spec = load_specs(conn)[0]
    loaded = library.get("us-ear-2023-10")
    with write_transaction(conn):
        det_id = record(conn, library, spec, loaded.id, destination="CN", actor="alice", on=date(2024, 6, 1))
    row = dict(zip([d[0] for d in conn.execute("SELECT * FROM determinations").description],
                   conn.execute("SELECT * FROM determinations WHERE id = ?", (det_id,)).fetchone()))
    assert row["actor"] == "alice" and row["app_version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", row["ts_utc"])
    assert row["regime"] == loaded.id and row["ruleset_sha256"] == loaded.sha256
    inputs = json.loads(row["inputs_json"])
    assert inputs["spec"] == spec.model_dump(mode="json") and inputs["destination"] == "CN"
    assert inputs["date"] == "2024-06-01" and inputs["ruleset_sha256"] == loaded.sha256
    # ... and its audit row, in the same transaction, names the same actor and ruleset.
    last = conn.execute("SELECT action, actor, ruleset_sha256 FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert last == ("determination.record", "alice", loaded.sha256)
    assert verify(conn).ok


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_replaying_stored_inputs_gives_the_same_result(tmp_path_factory, library, data):
    conn = fresh_catalog(tmp_path_factory.mktemp("replay"))
    specs = load_specs(conn)
    regime_ids = [r.id for r in library.regimes]
    picks = data.draw(st.lists(st.tuples(st.sampled_from(specs), st.sampled_from(regime_ids),
                                         st.sampled_from([None, "CN", "AE", "DE", "MY"])), min_size=1, max_size=6))
    with write_transaction(conn):
        for spec, rid, dest in picks:
            record(conn, library, spec, rid, destination=dest, today=TODAY)
    rows = replay(conn, library)
    assert [r.status for r in rows] == ["same"] * len(picks)


def test_replay_reports_a_changed_result_and_a_changed_ruleset(tmp_path, library, capsys):
    conn = fresh_catalog(tmp_path)
    spec = load_specs(conn)[0]
    with write_transaction(conn):
        a = record(conn, library, spec, "us-ear-2023-10", destination="CN", today=TODAY)
        b = record(conn, library, spec, "us-ear-2022-10", destination="CN", today=TODAY)
    db = tmp_path / "catalog.db"
    assert main(["audit", "replay", "--db", str(db)]) == 0
    assert "replayed 2 determinations: 2 same" in capsys.readouterr().out
    conn.close()
    # Forge the stored result of one row and the ruleset hash of the other (triggers dropped).
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("DROP TRIGGER determinations_no_update")
    raw.execute("UPDATE determinations SET result_json = replace(result_json, '\"classification\":', "
                "'\"classification\":\"EAR99\",\"x\":') WHERE id = ?", (a,))
    raw.execute("UPDATE determinations SET ruleset_sha256 = ? WHERE id = ?", ("0" * 64, b))
    raw.close()
    assert main(["audit", "replay", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert f"determination {a} ({spec.part_number}, us-ear-2023-10): different" in out
    assert f"determination {b} ({spec.part_number}, us-ear-2022-10): ruleset changed" in out


def test_retention_migration_on_a_populated_catalog_snapshots_first(tmp_path):
    db = tmp_path / "catalog.db"
    conn = fresh_catalog(tmp_path)
    conn.close()
    # Build a version-3 catalog (before the retention tables), populated, then migrate it.
    old = {v: s for v, s in MIGRATIONS.items() if v <= 3}
    db3 = tmp_path / "v3.db"
    from workbench.services.catalog import load_demo
    from workbench.store import connect

    c3 = connect(db3, latest_version=3)
    migrate(c3, db3, on_create=load_demo, migrations=old)
    products = c3.execute("SELECT count(*) FROM products").fetchone()[0]
    head = audit.head(c3)
    c3.close()
    c4 = connect(db3)
    assert migrate(c4, db3) == max(MIGRATIONS) - 3  # numbers may leave gaps (a gap is a step with no SQL)
    assert user_version(c4) == max(MIGRATIONS)
    assert c4.execute("SELECT count(*) FROM products").fetchone()[0] == products
    # The log is kept as it was; the state-binding migration appends one entry recording the catalog.
    assert verify(c4, anchor=head[1]).ok and audit.head(c4)[0] == head[0] + 1
    assert c4.execute("SELECT action FROM audit WHERE seq = ?", (head[0] + 1,)).fetchone()[0] == "catalog.state.bind"
    assert {"record_events", "legal_holds"} <= {r[0] for r in c4.execute("SELECT name FROM sqlite_schema")}
    assert list(tmp_path.glob("v3.db.v3-*.bak")), "no VACUUM INTO snapshot before the migration"


def test_add_years_never_shortens_a_leap_day():
    assert add_years(date(2024, 2, 29), 5) == date(2029, 3, 1)
    assert add_years(date(2025, 7, 31), 5) == date(2030, 7, 31)


def test_purge_refused_until_five_years_after_the_last_event(tmp_path):
    conn = fresh_catalog(tmp_path)
    part = load_specs(conn)[0].part_number
    # Events dated after today's audit rows, so they are the latest event; the clock is injected.
    with write_transaction(conn):
        record_event(conn, part, "export", date(2030, 3, 10))
        record_event(conn, part, "reexport", date(2031, 6, 15))  # the later event restarts the clock
        record_event(conn, part, "export", date(2029, 1, 1))  # entered late, but earlier: no effect
    for today, allowed in [(date(2036, 6, 14), False), (date(2036, 6, 15), True), (date(2036, 6, 16), True),
                           (date(2035, 3, 10), False)]:
        decision = purge_decision(conn, part, today)
        assert decision.allowed is allowed and decision.earliest == date(2036, 6, 15), today
    with pytest.raises(RetentionError, match=r"must be kept until 2036-06-15 .*762\.6\(a\)"):
        with write_transaction(conn):
            purge_product(conn, part, date(2036, 6, 14))
    assert conn.execute("SELECT count(*) FROM products WHERE part_number = ?", (part,)).fetchone()[0] == 1
    with write_transaction(conn):
        purge_product(conn, part, date(2036, 6, 15))
    assert conn.execute("SELECT count(*) FROM products WHERE part_number = ?", (part,)).fetchone()[0] == 0
    assert conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0] == "record.purge"
    assert verify(conn).ok


def test_legal_hold_blocks_purge_even_after_five_years_until_released(tmp_path):
    conn = fresh_catalog(tmp_path)
    part = load_specs(conn)[1].part_number
    later = date(2045, 1, 1)
    with write_transaction(conn):
        record_event(conn, part, "export", date(2030, 1, 1))
        set_legal_hold(conn, part, True, "BIS Office of Export Enforcement letter 2030-17")
    decision = purge_decision(conn, part, later)
    assert not decision.allowed and "legal hold" in decision.reason and "762.6(b)" in decision.reason
    with pytest.raises(RetentionError, match="legal hold"):
        with write_transaction(conn):
            purge_product(conn, part, later)
    with write_transaction(conn):
        set_legal_hold(conn, part, False, "BIS written authorisation 2031-02")
    assert purge_decision(conn, part, later).allowed
    # Holds and events are append-only like the audit log.
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with write_transaction(conn):
            conn.execute("DELETE FROM legal_holds")


def test_a_record_with_no_event_is_never_purgeable(tmp_path):
    conn = fresh_catalog(tmp_path)
    assert not purge_decision(conn, "NO-SUCH-RECORD", date(2100, 1, 1)).allowed


def test_an_import_is_the_latest_event_of_every_product_it_touched(tmp_path, monkeypatch):
    """An import is one audit row naming its products in audit_subjects: retention must still see it
    as each product's latest change (else a product updated by an import could be purged early)."""
    from catalog_helpers import product_row
    from workbench.services.import_products import import_products
    from xlsx_builder import Sheet, write_xlsx

    monkeypatch.setattr(audit, "utc_now", lambda: "2020-01-02T00:00:00.000000Z")
    conn = fresh_catalog(tmp_path)  # the demo load, dated 2020-01-02
    part = load_specs(conn)[0].part_number
    assert purge_decision(conn, part, date(2030, 1, 1)).earliest == date(2025, 1, 2)
    monkeypatch.setattr(audit, "utc_now", lambda: "2026-11-20T09:00:00.000000Z")
    path = write_xlsx(tmp_path / "upd.xlsx", [Sheet("Products", [["part_number", "notes"], [part, "revised"],
                                                                 [*product_row(1)[:1], "new"]])])
    import_products(conn, path)
    assert conn.execute("SELECT count(*) FROM audit WHERE entity = ?", (part,)).fetchone()[0] == 1  # the demo add only
    for p in (part, product_row(1)[0]):
        decision = purge_decision(conn, p, date(2031, 11, 19))
        assert decision.earliest == date(2031, 11, 20) and not decision.allowed, p
    assert purge_decision(conn, part, date(2031, 11, 20)).allowed
