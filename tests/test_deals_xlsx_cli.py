"""Deals from Excel (python-calamine) and the ``workbench deals`` commands: addressed errors,
all-or-nothing saves, over-limit refusal with the room left, ledgers with bars, and the Deals
sheet rows that read back through the import."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from deals_helpers import H100, H20, H200
from workbench.cli import main
from workbench.io.deals_xlsx import parse_deals
from workbench.services.catalog import open_catalog
from workbench.services.deals import DEALS_SHEET_HEADERS, DealService, deals_sheet
from workbench.services.regimes import bundled_library

HEADER = ["Deal reference", "deal_date", "exporter", "Consignee", "consignee_country", "end user", "end_user_country",
          "end_user_parent_hq", "destination", "authorization", "notified_on", "status", "Part number", "Qty",
          "Unit price", "colour"]


def lpp_row(ref, day, qty, part=H100, consignee="Consignee Sdn Bhd", status="shipped"):
    return [ref, day, "Acme Exports Inc", consignee, "MY", "End User Ltd", "MY", None, "MY", "LPP", None, status,
            part, qty, 25000.5, "blue"]


def write_xlsx(path, rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.db"
    open_catalog(path).close()
    return path


def test_parse_groups_lines_and_reads_exact_money(tmp_path, library):
    path = write_xlsx(tmp_path / "d.xlsx", [
        lpp_row("D-1", datetime(2025, 3, 3), 10),
        ["D-1", None, None, None, None, None, None, None, None, None, None, None, H200, 2, "$1,000.10", None],
        lpp_row("D-2", "2025-03-04", 1),
    ])
    parsed = parse_deals(path, library.countries, {H100, H200})
    assert parsed.errors == []
    d1, d2 = parsed.deals
    assert [(ln.part_number, ln.quantity, ln.unit_value_usd) for ln in d1.lines] == [
        (H100, 10, Decimal("25000.50")), (H200, 2, Decimal("1000.10"))]
    assert d1.deal_date == date(2025, 3, 3) and d2.deal_date == date(2025, 3, 4) and d1.status == "shipped"
    assert any("colour" in n for n in parsed.notes) and any("'$1,000.10' read as 1000.10" in n for n in parsed.notes)


def test_parse_reports_every_bad_cell_by_address(tmp_path, library):
    path = write_xlsx(tmp_path / "bad.xlsx", [
        lpp_row("D-1", 45000, 10),  # a date typed as a number
        ["D-1", None, None, None, "CN", None, None, None, None, None, None, None, H100, 1.5, 1.005, None],
        lpp_row("D-2", datetime(2025, 3, 3), 1, part="NOPE"),
        ["D-3", datetime(2025, 3, 3), "Acme", "C", "Narnia", "E", "MY", "ZZ", "MY", "", None, "approved", H100, 1, 1,
         None],
    ])
    parsed = parse_deals(path, library.countries, {H100, H200})
    messages = [str(e) for e in parsed.errors]
    expect = [
        "bad.xlsx:Deals!B2: 45000 is a number, not a date",
        "bad.xlsx:Deals!E3: consignee_country 'CN' differs from 'MY' at E2 for deal D-1",
        "bad.xlsx:Deals!N3: 1.5 is not a whole number (expected a whole number of units, from 1 to 1,000,000,000)",
        "bad.xlsx:Deals!O3: 1.005 has more than 2 decimals",
        "bad.xlsx:Deals!M4: part number 'NOPE' is not in the catalog",
        "bad.xlsx:Deals!E5: 'Narnia' is not a known country code (expected an ISO 3166-1 alpha-2 code",
        "bad.xlsx:Deals!H5: 'ZZ' is not a known country code",
        "bad.xlsx:Deals!L5: 'approved' is not a deal status (expected one of draft, screened",
    ]
    for needle in expect:
        assert any(m.startswith(needle) for m in messages), (needle, messages)
    assert parsed.deals == []


def test_missing_columns_named(tmp_path, library):
    path = write_xlsx(tmp_path / "m.xlsx", [["D-1", H100]], header=["deal_ref", "part_number"])
    (err,) = parse_deals(path, library.countries).errors
    assert "missing columns deal_date, exporter" in str(err) and str(err).startswith("m.xlsx:Deals!1:1:")


def test_cli_add_list_and_ledger(tmp_path, db, capsys):
    """1,699 H100 under LPP use 1,699 x 15,832 = 26,898,568 of 26,900,000 TPP: 1,432 left (99.99%)."""
    path = write_xlsx(tmp_path / "d.xlsx", [lpp_row("D-1", datetime(2025, 3, 3), 1000),
                                            lpp_row("D-2", datetime(2025, 9, 1), 699)])
    code, out, err = run(capsys, "deals", "add", str(path), "--db", str(db))
    assert code == 0, err
    assert "2 deals saved: D-1, D-2" in out
    code, out, _ = run(capsys, "deals", "list", "--db", str(db), "--regime", "us-ai-diffusion-2025-01")
    assert code == 0 and "D-1" in out and "15,832,000" in out and "licence required" in out
    code, out, _ = run(capsys, "deals", "ledger", "--regime", "us-ai-diffusion-2025-01", "--year", "2025", "--db", str(db))
    assert code == 0
    lpp = next(line for line in out.splitlines() if line.startswith("Licence Exception LPP"))
    assert "26,900,000" in lpp and "26,898,568" in lpp and "1,432" in lpp and "99.9%" in lpp and "primary" in lpp
    code, out, _ = run(capsys, "deals", "ledger", "--regime", "us-ai-diffusion-2025-01", "--year", "2026", "--db", str(db))
    assert "Licence Exception LPP" not in out
    code, out, _ = run(capsys, "deals", "ledger", "--regime", "us-enforced-2025-05", "--db", str(db))
    assert code == 0 and "no ledger has entries" in out


def test_cli_add_refuses_over_limit_and_saves_nothing(tmp_path, db, capsys):
    """1,700 H100 = 26,914,400 TPP: 14,400 over the 26,900,000 LPP limit."""
    path = write_xlsx(tmp_path / "d.xlsx", [lpp_row("D-1", datetime(2025, 3, 3), 1000),
                                            lpp_row("D-2", datetime(2025, 3, 4), 700)])
    code, out, err = run(capsys, "deals", "add", str(path), "--db", str(db))
    assert code == 4
    assert "deal D-2 would exceed a limit; nothing was saved" in err
    assert "exceeds the room left (11,068,000 of 26,900,000 TPP) by 14,400" in err
    code, out, _ = run(capsys, "deals", "list", "--db", str(db))
    assert "no deals" in out
    code, out, _ = run(capsys, "deals", "add", str(path), "--db", str(db), "--allow-over-limit")
    assert code == 0 and "flag: us-ai-diffusion-2025-01: Licence Exception LPP" in out


def test_cli_add_bad_file_exit_2(tmp_path, db, capsys):
    path = write_xlsx(tmp_path / "bad.xlsx", [lpp_row("D-1", "3 March", 10)])
    code, _, err = run(capsys, "deals", "add", str(path), "--db", str(db))
    assert code == 2 and "bad.xlsx:Deals!B2: '3 March' is not a date (expected a date cell or text YYYY-MM-DD)" in err
    assert "nothing was saved" in err
    code, _, err = run(capsys, "deals", "ledger", "--regime", "nope", "--db", str(db))
    assert code == 2 and "unknown regime 'nope'" in err


def test_deals_sheet_reads_back_through_the_import(tmp_path, library):
    conn = open_catalog(tmp_path / "c.db")
    service = DealService(conn, library)
    path = write_xlsx(tmp_path / "d.xlsx", [
        lpp_row("D-1", datetime(2025, 3, 3), 10),
        ["D-1", None, None, None, None, None, None, "CN", None, None, None, None, H20, 3, 12345.67, None]])
    parsed = parse_deals(path, library.countries, set(service.specs()))
    service.save_many(parsed.deals)
    headers, rows = deals_sheet(service, "us-ai-diffusion-2025-01")
    assert headers == DEALS_SHEET_HEADERS and len(rows) == 2
    assert rows[0][headers.index("line_tpp_total")] == "158320"  # 10 x 15,832
    assert rows[1][headers.index("classification")] == "not 3A090/4A090"
    out = write_xlsx(tmp_path / "export.xlsx", rows, header=list(headers))
    again = parse_deals(out, library.countries, set(service.specs()))
    assert again.errors == [] and [d.model_dump(exclude={"id"}) for d in again.deals] == [
        d.model_dump(exclude={"id"}) for d in service.deals()]
    conn.close()


def test_cli_us_shipments_and_g2g_change_the_limits(tmp_path, db, capsys):
    """H200: 1,001 US units -> cap 500. Tier 2 for MY doubles to 1,580,000,000 with an agreement."""
    code, out, _ = run(capsys, "deals", "us-shipments", H200, "1,001", "--source", "10-Q", "--db", str(db))
    assert code == 0 and "1,001 units" in out
    path = write_xlsx(tmp_path / "d.xlsx", [
        ["C-1", datetime(2026, 2, 2), "Acme", "Beijing Co", "CN", "BC", "CN", None, "CN", "L-1", None, "licensed",
         H200, 500, 30000, None],
        ["M-1", datetime(2025, 6, 2), "Acme", "KL DC", "MY", "KL", "MY", None, "MY", "", None, "licensed",
         H100, 10, 25000, None]])
    assert run(capsys, "deals", "add", str(path), "--db", str(db))[0] == 0
    code, out, _ = run(capsys, "deals", "ledger", "--regime", "us-h200-2026-01", "--db", str(db))
    share = next(line for line in out.splitlines() if line.startswith("H200 window"))
    assert "500" in share and "100.0%" in share and "50% of 1,001 units" in share
    assert run(capsys, "deals", "g2g", "my", "yes", "--db", str(db))[0] == 0
    code, out, _ = run(capsys, "deals", "ledger", "--regime", "us-ai-diffusion-2025-01", "--db", str(db))
    tier2 = next(line for line in out.splitlines() if line.startswith("Tier 2 allocation: MY"))
    assert "1,580,000,000" in tier2 and "doubled" in tier2
    assert run(capsys, "deals", "us-shipments", "NOPE", "5", "--db", str(db))[0] == 2
    assert run(capsys, "deals", "us-shipments", H200, "-5", "--db", str(db))[0] == 2
    assert run(capsys, "deals", "g2g", "XX", "yes", "--db", str(db))[0] == 2
    code, out, _ = run(capsys, "deals", "list", "--db", str(db), "--format", "json")
    import json
    rows = {r["reference"]: r for r in json.loads(out)}
    assert rows["C-1"]["tariff_usd"] == "3750000.00"  # 500 x $30,000 x 25%
    assert rows["C-1"]["tpp_total"] == "7916000" and rows["M-1"]["revenue_share_usd"] == "0.00"


def test_hazards_in_the_deals_sheet_are_errors(tmp_path, library):
    """A formula without a saved result and merged cells over the data would read as empty cells."""
    from xlsx_builder import Formula, Sheet, write_xlsx as build

    header = ["deal_ref", "deal_date", "exporter", "consignee_name", "consignee_country", "end_user_name",
              "end_user_country", "destination", "part_number", "quantity", "unit_value_usd"]
    row = ["D-1", "2025-03-03", "Acme", "C", "MY", "E", "MY", "MY", H100, Formula("5*2"), 1]
    path = build(tmp_path / "h.xlsx", [Sheet("Deals", [header, row, ["D-2", "2025-03-03", "Acme", "C", "MY", "E", "MY",
                                                                     "MY", H100, 1, 1]], merges=["C3:D3"])])
    messages = [str(e) for e in parse_deals(path, library.countries, {H100}).errors]
    assert any(m.startswith("h.xlsx:Deals!J2: formula =5*2 has no saved result") for m in messages), messages
    assert any(m.startswith("h.xlsx:Deals!C3: cells C3:D3 are merged") for m in messages), messages


def test_cli_dry_run_saves_nothing_but_shows_flags(tmp_path, db, capsys):
    path = write_xlsx(tmp_path / "d.xlsx", [lpp_row("D-1", datetime(2025, 3, 3), 1700)])
    code, out, _ = run(capsys, "deals", "add", str(path), "--dry-run", "--db", str(db))
    assert code == 0 and "1 deals read; dry run, nothing saved" in out and "by 14,400" in out
    assert "no deals" in run(capsys, "deals", "list", "--db", str(db))[1]
    assert run(capsys, "deals", "add", str(path), "--db", str(db), "--allow-over-limit")[0] == 0
    code, _, err = run(capsys, "deals", "add", str(path), "--db", str(db))
    assert code == 2 and "deal reference 'D-1' already exists" in err


def test_csv_deals_read_without_noise(tmp_path, library):
    path = tmp_path / "d.csv"
    path.write_text("deal_ref,deal_date,exporter,consignee_name,consignee_country,end_user_name,end_user_country,"
                    "destination,part_number,quantity,unit_value_usd\n"
                    "D-1,2025-03-03,Acme,C,Malaysia,E,MY,MY,NVIDIA-H100-SXM5-80GB,10,25000.50\n"
                    "D-1,,,,,,,,NVIDIA-H100-SXM5-80GB,\"1,000\",\"$1,000.00\"\n", encoding="utf-8")
    parsed = parse_deals(path, library.countries, {H100})
    assert parsed.errors == []
    (deal,) = parsed.deals
    assert [(ln.quantity, ln.unit_value_usd) for ln in deal.lines] == [(10, Decimal("25000.50")), (1000, Decimal("1000.00"))]
    assert deal.consignee.country == "MY"
    assert sorted(n.split("!")[1][:2] for n in parsed.notes) == ["E2", "J3", "K3"]  # name, "1,000", "$1,000.00"
