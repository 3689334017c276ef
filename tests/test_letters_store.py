"""Letters in the catalog database: audited writes, refused changes leave nothing behind,
attachments copied with their SHA-256 (tampering detected), the demo's SAMPLE letter, and the
migration from a version-1 catalog."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date, datetime, timezone

import pytest

from tests.test_letters_engine import REF, make_letter
from workbench.engine.letters import TransitionRefused
from workbench.services.catalog import open_catalog
from workbench.services.letters import (LetterInputError, LetterService, ensure_sample_letter, open_letter_service,
                                        sample_letter)
from workbench.store import connect, migrate
from workbench.store.letters import attachments_dir
from workbench.store.products import database_digest


@pytest.fixture
def service(tmp_path, countries):
    svc = open_letter_service(tmp_path / "c.db", with_demo=False, countries=countries, actor="tester")
    yield svc
    svc.conn.close()


def _audit(conn, ref=REF):
    return [(a, json.loads(b) if b else None, json.loads(c) if c else None) for a, b, c in conn.execute(
        "SELECT action, before_json, after_json FROM audit WHERE entity = ? ORDER BY seq", (f"letter:{ref}",))]


def _chain_ok(conn) -> bool:
    from workbench.store.audit_verify import verify

    return verify(conn).ok  # the chain, and the letters bound to it


def test_every_change_is_audited_in_its_transaction(service):
    events = []
    service.subscribe(lambda action, ref: events.append((action, ref)))
    service.add(make_letter())
    service.set_status(REF, "under_review", date(2025, 4, 10), "opened")
    service.add_note(REF, "asked counsel")
    service.set_deadline(REF, {"id": "resp", "label": "reply to BIS", "due": "2025-05-01"})
    service.set_application(REF, {"number": "D100", "status": "submitted", "submitted": "2025-04-20",
                                  "items": ["H20"], "quantity": 10, "value_usd": 250000.0})
    service.set_status(REF, "licence_applied", date(2025, 4, 20))
    rows = _audit(service.conn)
    assert [r[0] for r in rows] == ["letter.add", "letter.status", "letter.note", "letter.deadline",
                                    "letter.application", "letter.status"]
    assert rows[1][1]["status"] == "received" and rows[1][2]["status"] == "under_review"
    assert rows[1][2]["reason"] == "opened"
    assert rows[4][2]["applications"][0]["number"] == "D100"
    assert {a for (a,) in service.conn.execute("SELECT actor FROM audit WHERE entity LIKE 'letter:%'")} == {"tester"}
    assert events == [(r[0], REF) for r in rows]
    assert service.revision(REF) == 6
    assert _chain_ok(service.conn)
    assert [e.action for e in service.history(REF)] == [r[0] for r in rows]


def test_refused_changes_write_nothing(service):
    service.add(make_letter())
    digest = database_digest(service.conn)
    with pytest.raises(TransitionRefused, match="cannot go from received to granted"):
        service.set_status(REF, "granted", date(2025, 5, 1))
    with pytest.raises(LetterInputError, match="already exists"):
        service.add(make_letter())
    with pytest.raises(LetterInputError, match="changed by someone else"):
        service.edit(REF, summary="new", expected_revision=7)
    with pytest.raises(LetterInputError, match="cannot be edited directly"):
        service.edit(REF, status="closed")
    with pytest.raises(LetterInputError):
        service.edit(REF, destinations={"countries": ["China"]})
    assert database_digest(service.conn) == digest
    assert not service.conn.in_transaction
    service.edit(REF, summary="clarified", expected_revision=1, reason="BIS phone call")
    assert service.get(REF).summary == "clarified" and _audit(service.conn)[-1][2] == {
        "summary": "clarified", "reason": "BIS phone call"}


def test_attachment_copied_with_hash_and_tampering_detected(service, tmp_path):
    service.add(make_letter())
    scan = tmp_path / "incoming" / "letter scan.pdf"
    scan.parent.mkdir()
    scan.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 100)
    expected = hashlib.sha256(scan.read_bytes()).hexdigest()
    att = service.attach(REF, scan)
    stored = attachments_dir(service.conn) / att.stored_name
    assert att.sha256 == expected and stored.read_bytes() == scan.read_bytes() and stored != scan
    assert stored.parent == (tmp_path / "attachments")
    # the original is not trusted later: changing or deleting it does not matter
    scan.write_bytes(b"something else")
    assert service.verify_attachments(REF)[0].ok
    assert service.attachment_path(att) == stored
    with pytest.raises(LetterInputError, match="already attached"):
        service.attach(REF, _copy(tmp_path, stored))
    # a tampered stored copy is detected and refused
    stored.write_bytes(stored.read_bytes().replace(b"%PDF-1.4", b"%PDF-1.5"))
    check = service.verify_attachments(REF)[0]
    assert not check.ok and "hash mismatch" in check.problem and check.actual_sha256 != expected
    with pytest.raises(LetterInputError, match="hash mismatch"):
        service.attachment_path(att)
    stored.unlink()
    assert "missing" in service.verify_attachments(REF)[0].problem
    assert _audit(service.conn)[-1][2]["sha256"] == expected


def _copy(tmp_path, src):
    dst = tmp_path / "again.pdf"
    dst.write_bytes(src.read_bytes())
    return dst


def test_sample_letter_in_new_demo_databases_only_once(tmp_path, countries):
    svc = open_letter_service(tmp_path / "demo.db", countries=countries)
    letters = svc.list()
    assert [x.ref for x in letters] == [sample_letter().ref]
    sample = letters[0]
    assert sample.summary.startswith("SAMPLE") and sample.is_sample
    assert {c.confidence for c in sample.covered.criteria} == {"unverified"}
    assert {(c.condition.metric, c.condition.op, c.condition.value) for c in sample.covered.criteria} == {
        ("memory_bandwidth_gbs", ">=", 4000.0), ("interconnect_bandwidth_gbs", ">=", 900.0)}
    assert sample.destinations.countries == ["CN", "HK", "MO"] and sample.destinations.groups_any == ["D5"]
    assert sample.end_user_hq is not None and "D5" in sample.end_user_hq.groups_any
    assert any("OR interconnect bandwidth" in n and "unverified" in n for n in sample.notes)
    assert _audit(svc.conn, sample.ref)[0][0] == "letter.sample"
    # the sample catches the demo H20 and names it on the dashboard
    board = svc.dashboard(now=datetime(2026, 11, 22, tzinfo=timezone.utc))
    assert "NVIDIA-H20-HGX-96GB" in board.affected[sample.ref]
    svc.conn.close()
    # reopening does not seed again, even after the user closed it
    again = open_letter_service(tmp_path / "demo.db", countries=countries)
    assert len(again.list()) == 1 and not ensure_sample_letter(again.conn)
    again.conn.close()
    # a catalog created without the demo gets no sample
    bare = open_letter_service(tmp_path / "bare.db", with_demo=False, countries=countries)
    assert bare.list() == [] and not ensure_sample_letter(bare.conn)
    bare.conn.close()


def test_migration_adds_letter_tables_to_a_version_1_catalog(tmp_path, countries):
    from workbench.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    conn = connect(path, latest_version=1)
    from workbench.services.catalog import load_demo

    migrate(conn, path, on_create=load_demo, migrations={1: MIGRATIONS[1]})
    products = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    conn.close()
    conn = open_catalog(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 2
    assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == products
    assert list(tmp_path.glob("old.db.v1-*.bak")), "snapshot before migrating"
    svc = LetterService(conn, countries)
    svc.add(make_letter())
    with pytest.raises(sqlite3.IntegrityError):  # status is constrained in the schema too
        conn.execute("UPDATE letters SET status = 'lost' WHERE ref = ?", (REF,))
    conn.close()


def test_add_file_is_all_or_nothing(service, tmp_path):
    good, bad = make_letter().to_json(), make_letter(ref="B-2").to_json()
    bad["destinations"] = {"countries": ["ZZZ"]}
    f = tmp_path / "two.json"
    f.write_text(json.dumps([good, bad]))
    with pytest.raises(LetterInputError, match=r"two.json\[1\]: destinations.countries"):
        service.add_file(f)
    assert service.list() == []
    f.write_text(json.dumps([good, make_letter(ref="B-2").to_json()]))
    assert [x.ref for x in service.add_file(f)] == [REF, "B-2"]
    f.write_text(json.dumps([make_letter(ref="C-3").to_json(), good]))  # second one exists: neither is added
    with pytest.raises(LetterInputError, match="already exists"):
        service.add_file(f)
    assert sorted(x.ref for x in service.list()) == ["B-2", REF]


def test_service_questions_on_the_demo_catalog(tmp_path, countries, regime):
    from workbench.engine import determine
    from workbench.engine.spec import make_spec
    from workbench.store.products import load_specs

    svc = open_letter_service(tmp_path / "demo.db", countries=countries)
    ref = sample_letter().ref
    specs = {s.part_number: s for s in load_specs(svc.conn)}
    h20 = specs["NVIDIA-H20-HGX-96GB"]
    det = determine(h20, regime("us-h200-2026-01"), countries, "CN", None, date(2026, 3, 1))
    assert svc.overlay(det, h20).license_required is True
    assert [(c.ref, c.result) for c in svc.covering(h20)] == [(ref, "met")]
    assert svc.covering(specs["NVIDIA-A100-SXM4-80GB"]) == []
    # an import that edits the A100 up to the H20's interconnect, and adds a new small SKU
    a100 = specs["NVIDIA-A100-SXM4-80GB"]
    edited = a100.model_copy(update={"interconnect_bandwidth_gbs": 900.0})
    new = make_spec(part_number="NEW-SMALL", memory_bandwidth_gbs=300.0, interconnect_bandwidth_gbs=64.0)
    caught = svc.newly_caught([edited, new, h20])  # "before" = the catalog as stored
    assert [(c.part_number, c.ref, c.before) for c in caught] == [("NVIDIA-A100-SXM4-80GB", ref, "not covered")]
    assert "interconnect bandwidth 900 ≥ 900" in caught[0].matched[0]
    events = []
    stop = svc.subscribe(lambda a, r: events.append(a))
    for step in ("response_due", "licence_applied"):
        if step == "licence_applied":
            svc.set_application(ref, {"number": "D-1", "status": "submitted", "submitted": "2026-01-05"})
        svc.set_status(ref, step, date(2026, 1, 5))
    stop()
    svc.set_application(ref, {"number": "D-1", "status": "denied", "submitted": "2026-01-05", "decided": "2026-02-01"})
    svc.set_status(ref, "denied", date(2026, 2, 1))
    svc.close(ref, date(2026, 2, 2), "superseded")
    assert events == ["letter.status", "letter.application", "letter.status"]
    assert svc.overlay(det, h20).license_required is False  # closed: no overlay
    assert svc.newly_caught([edited]) == []  # closed letters catch nothing
    board = svc.dashboard(now=datetime(2026, 2, 3, tzinfo=timezone.utc))
    assert board.by_status["closed"] == (ref,) and board.affected == {}
    svc.conn.close()


def test_every_new_demo_catalog_holds_the_sample_letter(tmp_path):
    """Whichever entry point creates the demo catalog (the GUI uses open_catalog directly)."""
    from workbench.services.catalog import open_catalog
    from workbench.store import letters as letter_repo

    conn = open_catalog(tmp_path / "gui.sqlite3")
    refs = [letter.ref for letter in letter_repo.all_letters(conn)]
    conn.close()
    assert refs == ["SAMPLE-BIS-2025-04-09-H20"]
    empty = open_catalog(tmp_path / "no-demo.sqlite3", with_demo=False)
    assert letter_repo.all_letters(empty) == []
    empty.close()
