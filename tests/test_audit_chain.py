"""The audit hash chain (targets 16-17): tampering is found and named, truncation is found against an
anchor printed earlier, and the app itself cannot UPDATE or DELETE audit rows.

Tampering is done for real: the append-only triggers are dropped on a second connection and the
rows edited with SQL, as someone with the file and the sqlite3 shell would."""

from __future__ import annotations

import sqlite3

import pytest

from catalog_helpers import fresh_catalog
from workbench.cli import main
from workbench.store import audit
from workbench.store.audit_verify import parse_anchor, triggers_present, verify
from workbench.store.connection import write_transaction


def _catalog_with_changes(tmp_path, n: int = 6):
    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        audit.append(conn, [audit.Change("test.change", f"P-{i}", {"v": i}, {"v": i + 1}) for i in range(n)])
    return conn, tmp_path / "catalog.db"


def _tamper(db, *sql, table="audit"):
    """Drop the table's triggers and run ``sql`` on a separate plain connection (not the app's)."""
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute(f"DROP TRIGGER {table}_no_update")
    raw.execute(f"DROP TRIGGER {table}_no_delete")
    for statement in sql:
        raw.execute(statement)
    raw.close()


def _swap_contents(db, a: int) -> None:
    """Swap everything but seq between entries a and a + 1 (seq stays in order, the data does not)."""
    cols = "ts_utc, actor, action, entity, before_json, after_json, ruleset_sha256, prev_hash, hash"
    _tamper(db, f"CREATE TEMP TABLE t AS SELECT seq, {cols} FROM audit WHERE seq IN ({a}, {a + 1})",
            f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM t WHERE t.seq = {a + 1}) WHERE seq = {a}",
            f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM t WHERE t.seq = {a}) WHERE seq = {a + 1}")


def test_intact_chain_verifies_and_cli_exits_zero(tmp_path, capsys):
    conn, db = _catalog_with_changes(tmp_path)
    seq, head = audit.head(conn)
    report = verify(conn)
    assert report.ok and report.entries == seq and report.head_hash == head
    assert main(["audit", "verify", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"intact: {seq} entries, head #{seq} {head}" in out


def test_app_connection_cannot_update_or_delete_audit_rows(tmp_path):
    conn, _ = _catalog_with_changes(tmp_path)
    assert triggers_present(conn) == ["audit_no_delete", "audit_no_update"]
    for statement in ("UPDATE audit SET actor = 'mallory' WHERE seq = 2", "DELETE FROM audit WHERE seq = 2"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            with write_transaction(conn):
                conn.execute(statement)
    assert verify(conn).ok


def test_edited_entry_is_named(tmp_path, capsys):
    conn, db = _catalog_with_changes(tmp_path)
    conn.close()
    _tamper(db, "UPDATE audit SET after_json = '{\"v\":99}' WHERE seq = (SELECT max(seq) - 2 FROM audit)")
    conn = sqlite3.connect(db)
    last = audit.head(conn)[0]
    report = verify(conn)
    assert not report.ok and report.broken_seq == last - 2 and "edited" in report.reason
    assert main(["audit", "verify", "--db", str(db)]) == 1
    assert f"broken at entry {last - 2}: its contents do not match its hash" in capsys.readouterr().out


def test_edit_with_recomputed_own_hash_still_breaks_the_next_link(tmp_path):
    # A careful forger recomputes the edited row's hash; the next row's prev_hash then disagrees.
    conn, db = _catalog_with_changes(tmp_path)
    target = audit.head(conn)[0] - 3
    row = dict(zip(("seq", "ts_utc", "actor", "action", "entity", "before_json", "after_json", "ruleset_sha256",
                    "prev_hash"), conn.execute("SELECT seq, ts_utc, actor, action, entity, before_json, after_json, "
                                               "ruleset_sha256, prev_hash FROM audit WHERE seq = ?", (target,)).fetchone()))
    conn.close()
    row["actor"] = "mallory"
    forged = audit.row_hash(row["prev_hash"], row)
    _tamper(db, f"UPDATE audit SET actor = 'mallory', hash = '{forged}' WHERE seq = {target}")
    report = verify(sqlite3.connect(db))
    assert report.broken_seq == target + 1 and "prev_hash" in report.reason


def test_deleted_entry_is_named(tmp_path):
    conn, db = _catalog_with_changes(tmp_path)
    target = audit.head(conn)[0] - 4
    conn.close()
    _tamper(db, f"DELETE FROM audit WHERE seq = {target}")
    report = verify(sqlite3.connect(db))
    assert report.broken_seq == target and "missing" in report.reason and "deleted" in report.reason


def test_reordered_entries_are_found(tmp_path):
    # Swap the contents of two neighbouring rows (seq stays in order, the data does not).
    conn, db = _catalog_with_changes(tmp_path)
    a = audit.head(conn)[0] - 3
    conn.close()
    _swap_contents(db, a)
    report = verify(sqlite3.connect(db))
    assert report.broken_seq == a and not report.ok


def test_truncation_is_found_only_against_an_anchor(tmp_path, capsys):
    conn, db = _catalog_with_changes(tmp_path)
    seq, anchor = audit.head(conn)
    conn.close()
    _tamper(db, f"DELETE FROM audit WHERE seq > {seq - 2}")
    # Without the anchor the shorter chain is valid: the limit reliability.md §3 describes.
    assert verify(sqlite3.connect(db)).ok
    report = verify(sqlite3.connect(db), anchor)
    assert report.broken_seq == seq - 1 and "truncated" in report.reason
    # The CLI takes the anchor in the form the memo footer prints it ("#<seq> <hash>").
    assert main(["audit", "verify", "--db", str(db), "--head", f"#{seq} {anchor}"]) == 1
    assert f"broken at entry {seq - 1}" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", str(db), "--head", "not-a-hash"]) == 2


def test_anchor_from_an_intact_log_passes(tmp_path):
    conn, db = _catalog_with_changes(tmp_path)
    seq, anchor = audit.head(conn)
    with write_transaction(conn):  # later entries after the anchor are fine
        audit.append(conn, [audit.Change("test.later", "P-x")])
    assert verify(conn, anchor).ok
    assert verify(conn, "f" * 64).broken_seq == seq + 2


def test_parse_anchor_accepts_memo_and_export_forms():
    h = "ab" * 32
    assert parse_anchor(h) == h
    assert parse_anchor(f"#17 {h}") == h
    assert parse_anchor(f"audit head seq 17 sha256 {h.upper()}") == h
    with pytest.raises(ValueError):
        parse_anchor("#17")


def test_verify_reads_the_file_read_only(tmp_path):
    # `audit verify` must not write: the file's bytes and its audit head are unchanged afterwards.
    conn, db = _catalog_with_changes(tmp_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db.read_bytes()
    assert main(["audit", "verify", "--db", str(db)]) == 0
    assert db.read_bytes() == before


def test_head_printed_in_an_export_detects_a_later_truncation(tmp_path, library):
    import openpyxl

    from workbench.services.reports import export_workbook

    conn, db = _catalog_with_changes(tmp_path)
    out = export_workbook(conn, library, tmp_path / "export.xlsx", regimes=["us-ear-2023-10"]).path
    conn.close()
    about = {row[0]: row[1] for row in openpyxl.load_workbook(out)["About"].iter_rows(values_only=True) if len(row) > 1}
    anchor, seq = about["audit_head_sha256"], about["audit_head_seq"]
    assert verify(sqlite3.connect(db), anchor).ok
    _tamper(db, f"DELETE FROM audit WHERE seq = {seq}")
    assert verify(sqlite3.connect(db), anchor).broken_seq == seq


def test_row_hash_follows_the_documented_encoding():
    # A fixed vector computed independently from the module docstring's definition:
    # SHA-256(prev_hash | each field as <length>:<text>, NULL as ~), fields in column order.
    import hashlib

    row = {"seq": 7, "ts_utc": "2026-11-22T08:00:00.000000Z", "actor": "ann", "action": "product.update",
           "entity": "H100", "before_json": '{"tpp":1}', "after_json": None, "ruleset_sha256": None}
    text = ("0" * 64 + "|1:7|27:2026-11-22T08:00:00.000000Z|3:ann|14:product.update|4:H100|9:{\"tpp\":1}|~|~")
    assert audit.row_hash("0" * 64, row) == hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("json_chars", [audit._FED_FROM - 1, audit._FED_FROM, 3 * audit._FED_FROM])
def test_an_entry_hashed_piece_by_piece_has_the_documented_hash(tmp_path, json_chars):
    # From _FED_FROM characters of JSON an entry is fed to SHA-256 piece by piece: just below, at
    # and above that edge the stored hash is row_hash's, with non-ASCII text, a state and a NULL.
    conn = fresh_catalog(tmp_path)
    before = {"changed": {}}  # 14 characters; the "after" below adds 17 around its two strings
    half = (json_chars - 31) // 2
    after = {"added": ["é" * half, "x" * (json_chars - 31 - half)]}
    assert len(audit.canonical_json(before)) + len(audit.canonical_json(after)) == json_chars
    with write_transaction(conn):
        audit.append(conn, [audit.Change("test.large", "产品.xlsx", before, after)], actor="ann",
                     ts="2026-01-01T00:00:00.000000Z")
    cursor = conn.execute("SELECT * FROM audit ORDER BY seq DESC LIMIT 1")
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    assert row["ruleset_sha256"] is None and row["state_sha256"]
    assert row["hash"] == audit.row_hash(row["prev_hash"], row)
    assert verify(conn).ok


def test_appended_rows_store_canonical_before_and_after(tmp_path):
    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        audit.append(conn, [audit.Change("t.x", "E", {"b": 2, "a": "é"}, {"z": [1, 2]})], actor="ann",
                     ts="2026-01-01T00:00:00.000000Z", ruleset_sha256="f" * 64)
    row = conn.execute("SELECT actor, ts_utc, action, entity, before_json, after_json, ruleset_sha256 FROM audit "
                       "ORDER BY seq DESC LIMIT 1").fetchone()
    assert row == ("ann", "2026-01-01T00:00:00.000000Z", "t.x", "E", '{"a":"é","b":2}', '{"z":[1,2]}', "f" * 64)
    assert verify(conn).ok
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        audit.append(conn, [audit.Change("t.y", None)])


def test_a_broken_report_says_how_far_the_chain_held(tmp_path):
    conn, db = _catalog_with_changes(tmp_path)
    target = audit.head(conn)[0] - 2
    good_prev = conn.execute("SELECT hash FROM audit WHERE seq = ?", (target - 1,)).fetchone()[0]
    conn.close()
    _tamper(db, f"UPDATE audit SET actor = 'mallory' WHERE seq = {target}")
    report = verify(sqlite3.connect(db))
    assert (report.entries, report.head_seq, report.head_hash, report.broken_seq) == (
        target - 1, target - 1, good_prev, target)
    assert report.message() == f"audit log broken at entry {target}: its contents do not match its hash (the entry was edited)"


def test_deletion_and_truncation_reports_say_how_far_the_chain_held(tmp_path):
    conn, db = _catalog_with_changes(tmp_path)
    last, anchor = audit.head(conn)
    hashes = dict(conn.execute("SELECT seq, hash FROM audit"))
    conn.close()
    _tamper(db, f"DELETE FROM audit WHERE seq = {last - 3}", f"DELETE FROM audit WHERE seq > {last - 1}")
    report = verify(sqlite3.connect(db))
    assert (report.entries, report.head_seq, report.head_hash, report.broken_seq) == (
        last - 4, last - 4, hashes[last - 4], last - 3)
    assert report.reason == f"entry {last - 3} is missing (the next entry is {last - 2}): rows were deleted"
    # Truncation only (restore the middle row's absence aside): a fresh catalog cut after its head.
    conn2, db2 = _catalog_with_changes(tmp_path / "b")
    seq2, anchor2 = audit.head(conn2)
    hashes2 = dict(conn2.execute("SELECT seq, hash FROM audit"))
    conn2.close()
    _tamper(db2, f"DELETE FROM audit WHERE seq > {seq2 - 3}")
    report = verify(sqlite3.connect(db2), anchor2)
    assert (report.entries, report.head_seq, report.head_hash, report.broken_seq) == (
        seq2 - 3, seq2 - 3, hashes2[seq2 - 3], seq2 - 2)
    assert f"which ends at entry {seq2 - 3}: entries after it were cut off (truncated)" in report.reason


def test_reordered_rows_report_names_prev_hash(tmp_path):
    conn, db = _catalog_with_changes(tmp_path)
    a = audit.head(conn)[0] - 3
    prev = conn.execute("SELECT hash FROM audit WHERE seq = ?", (a - 1,)).fetchone()[0]
    conn.close()
    _swap_contents(db, a)
    report = verify(sqlite3.connect(db))
    assert (report.entries, report.head_seq, report.head_hash) == (a - 1, a - 1, prev)
    assert report.reason == ("its prev_hash does not match the entry before it (rows were reordered, deleted or "
                             "replaced)")


def test_missing_triggers_are_warned_about(tmp_path, capsys):
    conn, db = _catalog_with_changes(tmp_path)
    conn.close()
    _tamper(db)
    assert triggers_present(sqlite3.connect(db)) == []
    assert main(["audit", "verify", "--db", str(db)]) == 0  # the chain itself is still intact
    assert "append-only triggers are missing (found: none)" in capsys.readouterr().err


def test_timestamps_are_utc_whatever_the_laptop_time_zone(monkeypatch):
    import time
    from datetime import datetime, timezone

    monkeypatch.setenv("TZ", "Asia/Shanghai")  # UTC+8, no daylight saving
    time.tzset()
    try:
        fmt = "%Y-%m-%dT%H:%M:%S.%fZ"
        before = datetime.now(timezone.utc).strftime(fmt)
        stamp = audit.utc_now()
        after = datetime.now(timezone.utc).strftime(fmt)
        assert before <= stamp <= after
    finally:
        monkeypatch.undo()
        time.tzset()


def test_append_returns_the_number_of_rows_written(tmp_path):
    conn = fresh_catalog(tmp_path)
    with write_transaction(conn):
        assert audit.append(conn, [audit.Change("t.x", str(i)) for i in range(3)]) == 3
        assert audit.append(conn, []) == 0


def _catalog_with_an_import(tmp_path):
    from catalog_helpers import HEADER, product_row
    from workbench.services.import_products import import_products
    from xlsx_builder import Sheet, write_xlsx

    conn = fresh_catalog(tmp_path)
    import_products(conn, write_xlsx(tmp_path / "new.xlsx", [Sheet("Products", [HEADER, product_row(1), product_row(2)])]))
    seq = conn.execute("SELECT seq FROM audit WHERE action = 'products.import'").fetchone()[0]
    conn.close()
    return tmp_path / "catalog.db", seq, [product_row(1)[0], product_row(2)[0]]


def test_an_import_is_one_entry_and_its_subjects_index_verifies(tmp_path):
    db, seq, parts = _catalog_with_an_import(tmp_path)
    conn = sqlite3.connect(db)
    assert sorted(r[0] for r in conn.execute("SELECT entity FROM audit_subjects WHERE seq = ?", (seq,))) == sorted(parts)
    assert verify(conn).ok
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_subjects")


@pytest.mark.parametrize("statement, broken", [
    ("DELETE FROM audit_subjects WHERE entity = '{part}'", "import"),  # hides the import from a product's history
    ("INSERT INTO audit_subjects VALUES ('{part}', 1)", "first"),  # names an entry that is not an import
    ("UPDATE audit_subjects SET entity = 'OTHER' WHERE entity = '{part}'", "import"),
])
def test_an_edited_subjects_index_is_found(tmp_path, statement, broken):
    db, seq, parts = _catalog_with_an_import(tmp_path)
    _tamper(db, statement.format(part=parts[0]), table="audit_subjects")
    report = verify(sqlite3.connect(db))
    assert not report.ok and report.broken_seq == (seq if broken == "import" else 1)
    assert "subjects index was edited" in report.reason
