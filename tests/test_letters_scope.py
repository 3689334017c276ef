"""Letters name what they restrict: activities (export, reexport, in-country transfer, release to
foreign persons, remote or API access) and item kinds (hardware, model weights, model access). A
letter binds exactly what it says; older letters keep their meaning (export, reexport, transfer
of hardware). The model-access letters of June 2026 are the case in point [secondary, no primary
text found: an is-informed letter of 2026-06-12 required a licence for any export, reexport or
in-country transfer of two named models, including to foreign persons in the US, and access by
API (Mayer Brown, The Substrate); a letter of 2026-06-26 exempted certain trusted partners
(Mayer Brown); Chatham House (2026-07-02) reports the restrictions lifted on 2026-06-30]. The
names below are placeholders."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from tests.conftest import spec
from test_letters_engine import H20, make_letter
from workbench.engine import determine
from workbench.engine.letters import ACTIVITIES, Letter, apply_letters, scope_result

MODEL_LETTER = {
    "ref": "DOC-2026-06-12-MODELS", "addressee": "Frontier Lab Inc.", "received": "2026-06-12",
    "effective": "2026-06-12", "legal_basis": "ECRA; is-informed letter (as reported)",
    "summary": "Licence required before any export, reexport or transfer (in-country) of two named models, "
               "including release to any foreign person worldwide, also in the United States, and remote access",
    "covered": {"part_numbers": ["Model-A 5", "Model-B 5"]},
    "destinations": {"everywhere": True, "label": "any destination, including foreign persons in the US"},
    "activities": ["export", "reexport", "in_country_transfer", "deemed_export", "remote_access"],
    "item_kinds": ["model_weights", "model_access"],
    "exemptions": [{"description": "certain trusted partners and their foreign-national employees, and the "
                                   "addressee's own foreign-national employees",
                    "parties": ["Trusted Partner Corp"], "effective": "2026-06-26",
                    "source": "second letter of 2026-06-26 (reported)"}],
}


def model_letter(**over) -> Letter:
    data = dict(MODEL_LETTER, **over)
    return Letter.model_validate_json(json.dumps(data))


def test_a_model_access_letter_can_be_recorded_and_round_trips():
    letter = model_letter()
    assert Letter.model_validate_json(json.dumps(letter.to_json())) == letter
    assert set(letter.activities) == set(ACTIVITIES)


@pytest.mark.parametrize("activity, kind, binds", [
    ("remote_access", "model_access", True), ("deemed_export", "model_weights", True),
    ("export", "model_weights", True), ("export", "hardware", False),
])
def test_it_binds_exactly_the_activities_and_item_kinds_it_names(activity, kind, binds):
    ok, why = scope_result(model_letter(), activity, kind, day=date(2026, 6, 20))
    assert ok is binds and (binds or "not export of hardware" in why)


def test_an_exemption_takes_effect_on_its_date_and_only_for_the_named_party():
    letter = model_letter()
    assert scope_result(letter, "remote_access", "model_access", "trusted partner corp", date(2026, 6, 25))[0] is True
    ok, why = scope_result(letter, "remote_access", "model_access", "Trusted  Partner Corp", date(2026, 6, 26))
    assert ok is False and "exempted" in why
    assert scope_result(letter, "remote_access", "model_access", "Someone Else", date(2026, 6, 26))[0] is True


def test_a_model_letter_does_not_bind_a_chip_export(countries, regime):
    s = spec(**H20)
    det = determine(s, regime("us-h200-2026-01"), countries, "CN", None, date(2026, 7, 1))
    letter = model_letter(covered={"part_numbers": ["H20-TEST"]})
    overlay = apply_letters(det, s, [letter], countries)
    assert overlay.binding == () and "not export of hardware" in overlay.letters[0].reason


def test_an_older_letter_keeps_its_meaning():
    old = make_letter()
    assert old.activities == ["export", "reexport", "in_country_transfer"] and old.item_kinds == ["hardware"]
    assert scope_result(old, "export", "hardware")[0] is True
    assert scope_result(old, "remote_access", "model_access")[0] is False


@pytest.mark.parametrize("over, needle", [
    ({"activities": ["export", "export"]}, "duplicate activity"),
    ({"activities": ["download"]}, "activities"),
    ({"activities": []}, "activities"),
    ({"item_kinds": ["software"]}, "item_kinds"),
    ({"exemptions": [{"description": "x", "parties": [" "]}]}, "empty names"),
    ({"exemptions": [{"description": "x", "colour": "red"}]}, "colour"),
])
def test_scope_fields_are_validated(over, needle):
    with pytest.raises(ValidationError, match=needle):
        model_letter(**over)


def test_the_cli_records_a_model_access_letter_and_shows_what_it_binds(tmp_path, capsys):
    from workbench.cli import main

    path = tmp_path / "model-letter.json"
    path.write_text(json.dumps(model_letter().to_json()), encoding="utf-8")
    from workbench.services.catalog import create_catalog

    db = str(create_catalog(tmp_path / "c.db", demo=True))  # the letter covers demo products
    assert main(["letters", "add", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert main(["letters", "show", MODEL_LETTER["ref"], "--db", db]) == 0
    shown = capsys.readouterr().out
    assert ("binds:         export, reexport, transfer (in-country), release to foreign persons (deemed export or "
            "reexport), remote or API access of model weights, access to a model") in shown
    assert "exemption:     certain trusted partners" in shown and "(from 2026-06-26): Trusted Partner Corp" in shown
    assert main(["letters", "show", MODEL_LETTER["ref"], "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["item_kinds"] == ["model_weights", "model_access"] and data["exemptions"][0]["parties"]
