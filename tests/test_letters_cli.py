"""``workbench letters add|list|show|status|attach|dashboard|export`` and ``classify --letters``."""

from __future__ import annotations

import json
import zipfile

import openpyxl

from tests.test_cli import write_csv
from tests.test_letters_engine import REF, make_letter
from workbench.cli import main


def _demo(tmp_path) -> str:
    """The demo catalog, made as ``workbench init --demo`` makes it."""
    from workbench.services.catalog import create_catalog

    path = tmp_path / "c.db"
    if not path.exists():
        create_catalog(path, demo=True)
    return str(path)


def _letter_file(tmp_path, **over):
    data = make_letter(**over).to_json()
    data["notes"] = ["=HYPERLINK(\"http://example.invalid\",\"click\")", "plain note"]
    data["deadlines"] = [{"id": "resp", "label": "reply to BIS", "due": "2025-05-01"}]
    path = tmp_path / "letter.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_add_list_show_status_attach_export(tmp_path, capsys):
    db = _demo(tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned letter")
    assert main(["letters", "add", str(_letter_file(tmp_path)), "--attach", str(scan), "--db", db]) == 0
    assert f"added letter {REF}" in capsys.readouterr().out

    assert main(["letters", "list", "--db", db, "--format", "json"]) == 0
    refs = [x["ref"] for x in json.loads(capsys.readouterr().out)]
    assert REF in refs and any(r.startswith("SAMPLE") for r in refs)  # the demo catalog's sample too
    assert main(["letters", "list", "--db", db]) == 0
    table = capsys.readouterr().out
    assert REF in table and "2025-05-01" in table  # next deadline column

    assert main(["letters", "status", REF, "granted", "--db", db]) == 2
    assert "cannot go from received to granted" in capsys.readouterr().err
    assert main(["letters", "status", REF, "under_review", "--on", "2025-04-10", "--note", "opened", "--db", db]) == 0
    capsys.readouterr()

    assert main(["letters", "show", REF, "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "[under review]" in shown and "verified" in shown and "received -> under_review (opened)" in shown
    assert main(["letters", "show", REF, "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "under_review" and data["attachments"][0]["verified"] is True
    assert [a["action"] for a in data["audit"]] == ["letter.add", "letter.attach", "letter.status"]
    assert main(["letters", "show", "NOPE", "--db", db]) == 2
    assert "no letter NOPE" in capsys.readouterr().err

    out = tmp_path / "letters.xlsx"
    assert main(["letters", "export", "--out", str(out), "--db", db]) == 0
    capsys.readouterr()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Letters", "Criteria", "Deadlines", "Applications", "Attachments", "Affected",
                             "History"]
    affected = {(r[0], r[1]): r[2] for r in wb["Affected"].iter_rows(min_row=2, values_only=True)}
    assert affected[(REF, "NVIDIA-H20-HGX-96GB")] == "covered" and (REF, "NVIDIA-A100-SXM4-80GB") not in affected
    assert affected[(REF, "AMD-MI308X-192GB")] == "may be covered"  # its bandwidths are not in the catalog
    rows = list(wb["Letters"].iter_rows(values_only=True))
    ours = next(r for r in rows if r[0] == REF)
    assert ours[1] == "under_review" and ours[13].startswith("=HYPERLINK")  # the text, not a formula
    assert {r[1] for r in wb["Criteria"].iter_rows(min_row=2, values_only=True) if r[0] == REF} == {"mem", "icx", "combo"}
    assert next(r for r in wb["Attachments"].iter_rows(min_row=2, values_only=True) if r[0] == REF)[5] == "ok"
    with zipfile.ZipFile(out) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    note_cell = next(c for c in wb["Letters"]["N"] if c.value and str(c.value).startswith("=HYP"))
    assert note_cell.data_type == "s" and note_cell.quotePrefix


def test_dashboard_json_for_a_time_zone(tmp_path, capsys):
    db = _demo(tmp_path)
    assert main(["letters", "add", str(_letter_file(tmp_path)), "--db", db]) == 0
    capsys.readouterr()
    assert main(["letters", "dashboard", "--tz", "Asia/Shanghai", "--db", db]) == 0
    board = json.loads(capsys.readouterr().out)
    assert REF in board["by_status"]["received"]
    assert any(v["ref"] == REF for v in board["overdue"])  # due 2025-05-01, long past
    assert "NVIDIA-H20-HGX-96GB" in board["affected"][REF]
    assert main(["letters", "dashboard", "--tz", "Mars/Olympus", "--db", db]) == 2
    assert "unknown time zone" in capsys.readouterr().err


def test_bad_letter_file_exit_2_and_nothing_added(tmp_path, capsys):
    db = _demo(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"ref": "X", "received": "yesterday"}')
    assert main(["letters", "add", str(bad), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "bad.json: received:" in err and "bad.json: addressee: Field required" in err
    assert main(["letters", "list", "--db", db, "--format", "json"]) == 0
    assert [x["ref"] for x in json.loads(capsys.readouterr().out) if not x["ref"].startswith("SAMPLE")] == []


def test_classify_with_letters_file_and_database(tmp_path, capsys):
    products = write_csv(tmp_path / "p.csv")
    letters = _letter_file(tmp_path)
    args = ["classify", str(products), "--regime", "us-h200-2026-01", "--date", "2026-03-01", "--format", "json"]
    assert main(args + ["--destination", "CN", "--letters", str(letters)]) == 0
    dets = {d["part_number"]: d for d in json.loads(capsys.readouterr().out)}
    h20 = dets["H20"]
    assert h20["classification"].startswith("not-") and h20["regime_only"]["license_required"] is False
    assert h20["license_required"] is True and h20["letters"]["binding"] == [REF]
    assert f"under letter {REF}" in h20["explanation"]
    assert any("[mem]" in r for r in h20["license_reasons"])

    assert main(args + ["--destination", "DE", "--letters", str(letters)]) == 0
    h20_de = {d["part_number"]: d for d in json.loads(capsys.readouterr().out)}["H20"]
    assert h20_de["license_required"] is False and h20_de["letters"]["binding"] == []

    assert main(args + ["--destination", "CN"]) == 0  # without --letters: classify as before
    plain = {d["part_number"]: d for d in json.loads(capsys.readouterr().out)}["H20"]
    assert plain["license_required"] is False and "letters" not in plain

    db = _demo(tmp_path)  # letters recorded in a catalog: the demo's SAMPLE letter
    assert main(["letters", "list", "--db", db]) == 0
    capsys.readouterr()
    assert main(args[:-2] + ["--destination", "MO", "--letters", db]) == 0
    table = capsys.readouterr().out
    line = next(x for x in table.splitlines() if x.startswith("H20 "))
    assert "yes" in line and "SAMPLE-BIS-2025-04-09-H20" in line

    assert main(args + ["--letters", str(tmp_path / "missing.json")]) == 2
    assert "not found" in capsys.readouterr().err


def test_check_flags_products_newly_caught_by_an_import_file(tmp_path, capsys):
    db = _demo(tmp_path)  # demo catalog with the SAMPLE letter (>= 4,000 GB/s or >= 900 GB/s)
    sheet = write_csv(tmp_path / "new.csv", ["part_number", "memory_bandwidth_gbs", "interconnect_bandwidth_gbs"], [
        ["NVIDIA-A100-SXM4-80GB", 2039, 900],  # edited up to the H20's interconnect
        ["NVIDIA-H20-HGX-96GB", 4000, 900],  # already covered: not news
        ["NEW-1", 3999.99, 899.99],  # just below both lines
        ["NEW-2", 4000, 100],  # at the memory line
        ["NEW-3", 1400, ""]])  # interconnect unknown
    assert main(["letters", "check", str(sheet), "--db", db, "--format", "json"]) == 0
    got = {c["part_number"]: (c["result"], c["before"]) for c in json.loads(capsys.readouterr().out)}
    assert got == {"NVIDIA-A100-SXM4-80GB": ("met", "not covered"), "NEW-2": ("met", "new product"),
                   "NEW-3": ("indeterminate", "new product")}
    # a sheet without the interconnect column keeps the stored figure (as the import does)
    partial = write_csv(tmp_path / "partial.csv", ["part_number", "memory_bandwidth_gbs"],
                        [["NVIDIA-A100-SXM4-80GB", 2100], ["NVIDIA-A800-SXM4-80GB", 4000]])
    assert main(["letters", "check", str(partial), "--db", db]) == 0
    table = capsys.readouterr().out
    assert "NVIDIA-A800-SXM4-80GB" in table and "NVIDIA-A100-SXM4-80GB" not in table
