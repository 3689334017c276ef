"""A letter recorded by mistake is withdrawn as "withdrawn (recorded in error)": from any status,
only with a reason, audited, and from then on it binds nothing (engine, CLI and Letters tab)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.test_cli import write_csv
from tests.test_letters_engine import REF, make_letter
from workbench.cli import main
from workbench.engine.letters import (RECORDED_IN_ERROR, STATUS_LABELS, STATUSES, TRANSITIONS, TransitionRefused,
                                      revalidate, transition)

SAMPLE = "SAMPLE-BIS-2025-04-09-H20"


def test_the_existing_withdrawn_status_is_the_licence_applications_and_stays_so():
    """'withdrawn' already meant the application was withdrawn (after licence applied), and the
    letter still binds until closed; the new status is a different one."""
    assert TRANSITIONS["licence_applied"][:3] == ("granted", "denied", "withdrawn")
    assert make_letter(status="withdrawn").is_open
    assert STATUS_LABELS[RECORDED_IN_ERROR] == "withdrawn (recorded in error)"


@pytest.mark.parametrize("current", [s for s in STATUSES if s != RECORDED_IN_ERROR])
def test_every_status_may_be_withdrawn_as_recorded_in_error_with_a_reason(current):
    letter = make_letter(status=current)
    with pytest.raises(TransitionRefused, match="needs a reason"):
        transition(letter, RECORDED_IN_ERROR, date(2025, 7, 1))
    with pytest.raises(TransitionRefused, match="needs a reason"):
        transition(letter, RECORDED_IN_ERROR, date(2025, 7, 1), "   ")
    moved = transition(letter, RECORDED_IN_ERROR, date(2025, 7, 1), "addressed to another company")
    assert moved.status == RECORDED_IN_ERROR and not moved.is_open
    assert moved.history[-1].note == "addressed to another company"


def test_a_withdrawn_letter_changes_no_more():
    gone = revalidate(make_letter(), status=RECORDED_IN_ERROR)
    for target in STATUSES:
        with pytest.raises(TransitionRefused):
            transition(gone, target, date(2025, 7, 1), "again")


def _demo(tmp_path):
    from workbench.services.catalog import create_catalog

    return str(create_catalog(tmp_path / "demo.db", demo=True))


def _binding(capsys, products, db):
    args = ["classify", str(products), "--regime", "us-h200-2026-01", "--date", "2026-03-01", "--format", "json",
            "--destination", "CN", "--letters", db]
    assert main(args) == 0
    return {d["part_number"]: d for d in json.loads(capsys.readouterr().out)}["H20"]["letters"]["binding"]


def test_cli_withdraws_the_sample_letter_with_a_reason_and_it_binds_nothing(tmp_path, capsys):
    db = _demo(tmp_path)
    products = write_csv(tmp_path / "p.csv")
    assert _binding(capsys, products, db) == [SAMPLE]
    assert main(["letters", "status", SAMPLE, "closed", "--db", db]) == 2  # the life cycle still holds
    assert "cannot go from under review to closed" in capsys.readouterr().err
    assert main(["letters", "status", SAMPLE, RECORDED_IN_ERROR, "--db", db]) == 2
    assert "needs a reason" in capsys.readouterr().err
    assert main(["letters", "status", SAMPLE, RECORDED_IN_ERROR, "--reason", "not our letter: the demo's sample",
                 "--on", "2026-06-15", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "is now withdrawn (recorded in error); it binds nothing" in out
    assert _binding(capsys, products, db) == []
    assert main(["letters", "show", SAMPLE, "--format", "json", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == RECORDED_IN_ERROR
    last = shown["audit"][-1]
    assert last["action"] == "letter.status" and last["after"]["reason"] == "not our letter: the demo's sample"
    assert last["before"]["status"] == "under_review" and last["after"]["status"] == RECORDED_IN_ERROR
    assert main(["letters", "dashboard", "--db", db]) == 0
    board = json.loads(capsys.readouterr().out)
    assert not any(SAMPLE in json.dumps(board.get(k)) for k in ("due_soon", "overdue", "affected"))


def test_letters_added_to_a_company_catalog_can_be_withdrawn_from_any_status(tmp_path, capsys):
    from workbench.services.catalog import create_catalog

    db = str(create_catalog(tmp_path / "company.db"))
    path = tmp_path / "letter.json"
    path.write_text(json.dumps(make_letter().to_json()), encoding="utf-8")
    assert main(["letters", "add", str(path), "--db", db]) == 0
    assert main(["letters", "status", REF, "under_review", "--on", "2025-04-10", "--db", db]) == 0
    assert main(["letters", "status", REF, RECORDED_IN_ERROR, "--on", "2025-04-11", "--reason", "typo", "--db", db]) == 0
    capsys.readouterr()
    assert main(["letters", "list", "--db", db, "--format", "json"]) == 0
    assert [x["status"] for x in json.loads(capsys.readouterr().out)] == [RECORDED_IN_ERROR]
