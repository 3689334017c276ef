"""Deals under odd input: every figure, date and authorization is bounded, and a refusal names the
cell and the allowed range or list (exit 2), never a traceback. Reproduces: a price of 40 nines
(InvalidOperation), a quantity of 1e23 with --allow-over-limit and ``us-shipments ... 99999999999999999999999``
(OverflowError), a deal dated 0001-01-01 counted in a year-1 ledger, a notice years before the
deal, ISO week dates and unknown authorization strings, all once accepted or crashing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from deals_helpers import H100, H200, make_deal
from test_deals_xlsx_cli import db, lpp_row, run, write_xlsx  # noqa: F401 - db is a fixture
from workbench.engine.deals import (AUTHORIZATION_EXCEPTIONS, DEAL_DATE_RANGE, MAX_UNIT_VALUE_USD, MAX_UNITS,
                                    NOTICE_WINDOW_DAYS, Deal)
from workbench.io.deals_xlsx import parse_deals


def errors_of(tmp_path, library, rows):
    path = write_xlsx(tmp_path / "d.xlsx", rows)
    return [str(e) for e in parse_deals(path, library.countries, {H100, H200}).errors]


def test_a_price_of_forty_nines_is_refused_at_its_cell(tmp_path, library):
    row = lpp_row("D-1", datetime(2025, 3, 3), 10)
    row[14] = "9" * 40
    assert errors_of(tmp_path, library, [row]) == [
        f"d.xlsx:Deals!O2: '{'9' * 40}' is over the limit (expected US dollars per unit, at most 2 decimals, "
        "from 0 to 1,000,000,000)"]


@pytest.mark.parametrize("price, ok", [(MAX_UNIT_VALUE_USD, True), (MAX_UNIT_VALUE_USD + Decimal("0.01"), False)])
def test_unit_value_edge(tmp_path, library, price, ok):
    row = lpp_row("D-1", datetime(2025, 3, 3), 10)
    row[14] = str(price)
    assert (errors_of(tmp_path, library, [row]) == []) is ok


@pytest.mark.parametrize("qty, ok", [(MAX_UNITS, True), (MAX_UNITS + 1, False), (1e23, False), (1, True)])
def test_quantity_is_bounded_at_its_cell(tmp_path, library, qty, ok):
    errors = errors_of(tmp_path, library, [lpp_row("D-1", datetime(2025, 3, 3), qty)])
    if ok:
        assert errors == []
    else:
        (line,) = errors
        assert line.startswith("d.xlsx:Deals!N2: ")
        assert line.endswith("(expected a whole number of units, from 1 to 1,000,000,000)")


def test_a_huge_quantity_with_allow_over_limit_exits_2_not_a_traceback(tmp_path, db, capsys):  # noqa: F811
    path = write_xlsx(tmp_path / "d.xlsx", [lpp_row("D-1", datetime(2025, 3, 3), 1e23)])
    code, out, err = run(capsys, "deals", "add", str(path), "--db", str(db), "--allow-over-limit")
    assert code == 2 and "Traceback" not in err
    assert "d.xlsx:Deals!N2: 1e+23 is over the limit (expected a whole number of units, from 1 to 1,000,000,000)" in err


@pytest.mark.parametrize("units, code", [("99999999999999999999999", 2), (f"{MAX_UNITS + 1}", 2), (f"{MAX_UNITS}", 0),
                                         ("²", 2)])
def test_us_shipments_units_are_bounded(db, capsys, units, code):  # noqa: F811
    got, _, err = run(capsys, "deals", "us-shipments", H200, units, "--db", str(db))
    assert got == code, err
    if code == 2:
        assert err.strip() == (f"error: US shipments '{units}' (expected a whole number of units, from 0 to "
                               "1,000,000,000, or 'none')")


@pytest.mark.parametrize("day", [date(1, 1, 1), DEAL_DATE_RANGE[0] - timedelta(days=1), DEAL_DATE_RANGE[1] + timedelta(days=1)])
def test_deal_dates_outside_the_range_are_refused_at_the_cell(tmp_path, library, day):
    (line,) = errors_of(tmp_path, library, [lpp_row("D-1", day.isoformat(), 10)])
    assert line == (f"d.xlsx:Deals!B2: '{day.isoformat()}' is outside the range of deal dates (expected a date "
                    "from 2000-01-01 to 2099-12-31)")


@pytest.mark.parametrize("day", DEAL_DATE_RANGE)
def test_deal_dates_at_the_edges_are_accepted(tmp_path, library, day):
    assert errors_of(tmp_path, library, [lpp_row("D-1", day.isoformat(), 1)]) == []


def test_the_model_refuses_a_year_one_deal():
    with pytest.raises(ValidationError, match="from 2000-01-01 to 2099-12-31"):
        make_deal("Y1", date(1, 1, 1))


@pytest.mark.parametrize("text", ["2025-W10-1", "2025W101", "20250303", "2025-063"])
def test_iso_week_basic_and_ordinal_dates_are_refused(tmp_path, library, text):
    (line,) = errors_of(tmp_path, library, [lpp_row("D-1", text, 10)])
    assert line == f"d.xlsx:Deals!B2: '{text}' is not a date (expected a date cell or text YYYY-MM-DD)"


def _notified(days_before: int):
    row = lpp_row("D-1", datetime(2025, 3, 3), 10)
    row[9], row[10] = "NAC", (date(2025, 3, 3) - timedelta(days=days_before)).isoformat()
    return row


def test_a_notice_years_before_the_deal_is_refused_at_its_cell(tmp_path, library):
    (line,) = errors_of(tmp_path, library, [_notified(3 * 365)])
    assert line.startswith("d.xlsx:Deals!K2: deal D-1: notified_on: ")
    assert "2022-03-04 is more than 365 days before the deal date 2025-03-03" in line


@pytest.mark.parametrize("days, ok", [(NOTICE_WINDOW_DAYS, True), (NOTICE_WINDOW_DAYS + 1, False), (0, True)])
def test_notice_window_edge(tmp_path, library, days, ok):
    assert (errors_of(tmp_path, library, [_notified(days)]) == []) is ok


@pytest.mark.parametrize("auth, ok", [("LPP", True), ("NAC", True), ("", True), ("D123456", True), ("NLR", True),
                                      ("L-1", True), ("FOO", False), ("lpp", False), ("LPP-5000", False),
                                      ("LPP; DROP TABLE", False)])
def test_authorization_is_a_known_exception_or_a_licence_number(tmp_path, library, auth, ok):
    row = lpp_row("D-1", datetime(2025, 3, 3), 10)
    row[9] = auth or None
    errors = errors_of(tmp_path, library, [row])
    if ok:
        assert errors == []
    else:
        (line,) = errors
        assert line.startswith(f"d.xlsx:Deals!J2: deal D-1: authorization: ")
        assert "expected empty, NLR, a BIS licence number such as D123456, or one of " in line
        assert ", ".join(AUTHORIZATION_EXCEPTIONS) in line


def test_every_authorization_the_rulesets_name_is_accepted(library):
    """A ruleset that gains a licence exception needs its id in AUTHORIZATION_EXCEPTIONS."""
    ids = {exc.id for loaded in library.regimes for exc in loaded.regime.licence_exceptions}
    assert ids <= set(AUTHORIZATION_EXCEPTIONS), f"add {sorted(ids - set(AUTHORIZATION_EXCEPTIONS))} to AUTHORIZATION_EXCEPTIONS"
    for name in ids:
        Deal.model_validate({**make_deal("A", date(2025, 3, 3)).model_dump(), "authorization": name})


def test_the_command_line_states_the_same_unit_bound():
    from workbench.cli.deals import MAX_UNITS as CLI_MAX_UNITS

    assert CLI_MAX_UNITS == MAX_UNITS


def test_a_stored_deal_recorded_before_the_bounds_is_one_clear_error(tmp_path, library):
    from catalog_helpers import fresh_catalog
    from workbench.store.deals import DealStoreError, all_deals
    from workbench.services.deals import DealService

    conn = fresh_catalog(tmp_path)
    DealService(conn, library).save_many([make_deal("OLD", date(2025, 3, 3))])
    conn.execute("UPDATE deals SET authorization = 'licence pending' WHERE reference = 'OLD'")  # an older version's data
    with pytest.raises(DealStoreError) as info:
        all_deals(conn)
    conn.close()
    assert str(info.value).startswith("stored deal OLD: authorization: Value error, 'licence pending' is not a known")
