"""Letter JSON under odd input: each refusal is one clear line with the JSON path, exit 2, and
nothing is recorded. Reproduces: unknown country codes (XX, UK) accepted although a UK letter
never binds GB; duplicate keys where the last one silently won; a letter added directly as
``granted`` with no application (a move ``letters status`` refuses); a 3,000-deep ``not``
(RecursionError) and a 5,001-digit number (ValueError), both exit 1 with a traceback."""

from __future__ import annotations

import json

import pytest

from tests.test_letters_engine import make_letter
from workbench.cli import main
from workbench.io.json_safety import MAX_DEPTH, check_json_text, JsonProblem
from workbench.services.letter_files import LetterInputError, parse_letter_json


def letter_json(**over) -> dict:
    data = make_letter().to_json()
    data.update(over)
    return data


def refused(text: str) -> str:
    with pytest.raises(LetterInputError) as info:
        parse_letter_json(text, "l.json")
    return str(info.value)


@pytest.mark.parametrize("code, hint", [("XX", ""), ("UK", "; did you mean GB?")])
def test_unknown_country_codes_are_refused_with_the_path(code, hint):
    data = letter_json()
    data["destinations"] = {"countries": ["CN", code]}
    assert refused(json.dumps(data)) == (
        f"l.json: destinations.countries[1]: unknown country code '{code}' (expected an ISO 3166-1 alpha-2 code "
        f"of the country table{hint})")


def test_unknown_codes_in_headquarters_and_exclusions_are_refused_too():
    data = letter_json()
    data["end_user_hq"] = {"groups_any": ["D5"], "countries_none": ["ZZ"]}
    assert refused(json.dumps(data)).startswith("l.json: end_user_hq.countries_none[0]: unknown country code 'ZZ'")
    data = letter_json()
    data["applications"] = [{"number": "A-1", "destination": "UK"}]
    assert refused(json.dumps(data)).startswith("l.json: applications[0].destination: unknown country code 'UK'")


def test_a_known_code_is_accepted():
    data = letter_json()
    data["destinations"] = {"countries": ["GB"]}
    (letter,) = parse_letter_json(json.dumps(data), "l.json")
    assert letter.destinations.countries == ["GB"]


def test_duplicate_keys_are_refused_not_last_one_wins():
    text = json.dumps(letter_json())
    text = text.replace('"summary":', '"summary": "first", "summary":', 1)
    assert refused(text) == "l.json: summary: the key 'summary' is given twice in one object (expected each key once)"


def test_duplicate_keys_deep_inside_are_named_by_path():
    data = letter_json()
    text = json.dumps(data).replace('"op": ">="', '"op": ">=", "op": "<"', 1)
    assert refused(text).startswith("l.json: covered.criteria[0].condition.op: the key 'op' is given twice")


@pytest.mark.parametrize("status", ["granted", "denied", "licence_applied"])
def test_a_letter_cannot_start_in_a_status_letters_status_would_refuse(status):
    text = json.dumps(letter_json(status=status, applications=[]))
    message = refused(text)
    assert message.startswith("l.json: status: ")
    assert "record the licence application first" in message or "no linked application is approved or denied" in message


def test_a_granted_letter_with_an_approved_application_is_accepted():
    data = letter_json(status="granted", applications=[{"number": "A-1", "status": "approved"}])
    (letter,) = parse_letter_json(json.dumps(data), "l.json")
    assert letter.status == "granted"


def _deep_not(depth: int) -> dict:
    condition: dict = {"metric": "tpp", "op": ">=", "value": 4800}
    for _ in range(depth):
        condition = {"not": condition}
    data = letter_json()
    data["covered"] = {"criteria": [{"id": "c", "description": "deep", "condition": condition}]}
    return data


def _dumps_deep(data: dict) -> str:
    import sys
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        return json.dumps(data)
    finally:
        sys.setrecursionlimit(limit)


def test_a_three_thousand_deep_not_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text(_dumps_deep(_deep_not(3000)), encoding="utf-8")
    assert main(["letters", "add", str(path), "--db", _company(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "deep.json: covered.criteria[0].condition.not.not" in err
    assert f"nested more than {MAX_DEPTH} levels deep (expected at most {MAX_DEPTH})" in err


def test_nesting_at_the_limit_is_read():
    check_json_text("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    with pytest.raises(JsonProblem):
        check_json_text("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_a_five_thousand_digit_number_is_a_clear_error(tmp_path, capsys):
    data = letter_json(applications=[{"number": "A-1", "quantity": 1}])
    text = json.dumps(data).replace('"quantity": 1', '"quantity": ' + "9" * 5001)
    path = tmp_path / "big.json"
    path.write_text(text, encoding="utf-8")
    assert main(["letters", "add", str(path), "--db", _company(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("error: " + str(path) + ": applications[0].quantity: a number of 5,001 characters "
                           "(expected at most 40)") or err.strip().endswith(
        "applications[0].quantity: a number of 5,001 characters (expected at most 40)")
    assert "Traceback" not in err


def _company(tmp_path) -> str:
    """An empty company catalog (letters are added only to a catalog that exists)."""
    from workbench.services.catalog import create_catalog

    path = tmp_path / "c.db"
    return str(path if path.exists() else create_catalog(path))
