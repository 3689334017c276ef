"""The command line as a user runs it: output shapes, exit codes and addressed errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from workbench.cli import main

HEADER = ["part_number", "vendor", "fp8_tflops", "die_area_mm2", "non_planar", "datacenter",
          "interconnect_bandwidth_gbs", "memory_bandwidth_gbs"]
ROWS = [["H100-SXM", "NVIDIA", 1979, 814, "yes", "yes", 900, 3350],
        ["H20", "NVIDIA", 296, 814, "yes", "yes", 900, 4000],
        ["H800", "NVIDIA", 1979, 814, "yes", "yes", 400, 3350]]


def write_csv(path: Path, header=HEADER, rows=ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header, rows, title="Products") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_regimes_json_has_the_documented_fields(capsys):
    code, out, _ = run(capsys, "regimes", "--format", "json")
    items = json.loads(out)
    assert code == 0 and len(items) == 9
    for item in items:
        assert {"id", "title", "status", "effective_from", "effective_to", "sources"} <= item.keys()
        assert item["sources"] and item["sources"][0]["citation"]


def test_classify_json_fields_and_values(tmp_path, capsys):
    code, out, _ = run(capsys, "classify", str(write_csv(tmp_path / "p.csv")), "--regime", "us-ear-2023-10",
                       "--destination", "CN", "--format", "json")
    items = json.loads(out)
    assert code == 0 and len(items) == 3
    required = {"part_number", "regime", "classification", "paragraph", "tpp", "performance_density",
                "license_required", "license_exceptions", "review_policy", "criteria", "missing", "ruleset_sha256"}
    assert required <= items[0].keys()
    h100 = items[0]
    assert h100["classification"] == "3A090.a" and h100["paragraph"] == "3A090.a.1"
    assert h100["tpp"] == pytest.approx(15832) and h100["license_required"] is True
    assert {"id", "metric", "op", "threshold", "value", "result", "margin"} <= h100["criteria"][0].keys()
    assert items[1]["classification"] == "not-3A090" and items[1]["license_required"] is False


def test_classify_without_regime_uses_all(tmp_path, capsys):
    code, out, _ = run(capsys, "classify", str(write_csv(tmp_path / "p.csv")), "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert code == 0 and len(rows) == 3 * 9


def test_classify_reads_xlsx_with_aliases(tmp_path, capsys):
    path = write_xlsx(tmp_path / "p.xlsx", ["型号", "FP8 (TFLOPS)", "Die size (mm²)", "non_planar", "数据中心"],
                      [["L4", "242.5", 294, "yes", "是"]])
    code, out, err = run(capsys, "classify", str(path), "--regime", "us-ear-2023-10", "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["paragraph"] == "3A090.a.2"
    assert "p.xlsx:Products!B2" in err  # the text number is reported as a note with its cell


def test_compare_shows_only_changes_with_counts(tmp_path, capsys):
    code, out, _ = run(capsys, "compare", str(write_csv(tmp_path / "p.csv")), "--from", "us-ear-2022-10",
                       "--to", "us-ear-2023-10", "--destination", "CN", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["products"] == 3
    assert [c["part_number"] for c in data["changed"]] == ["H100-SXM", "H800"]
    assert data["unchanged"] == 1
    assert {"from": "not 3A090/4A090 / no licence required", "to": "3A090.a.1 / licence required (presumption of denial)",
            "count": 1} in data["counts"]


def test_bad_cell_exits_2_with_file_sheet_cell(tmp_path, capsys):
    path = write_xlsx(tmp_path / "bad.xlsx", HEADER, [["X1", "V", "fast", 814, "yes", "yes", 900, 3350],
                                                      ["X2", "V", 100, "12 inches", "maybe", "yes", 900, 3350]])
    code, _, err = run(capsys, "classify", str(path))
    assert code == 2
    assert "bad.xlsx:Products!C2: 'fast' is not a number (expected a number in TFLOPS (dense))" in err
    assert "bad.xlsx:Products!D3: '12 inches' has unit 'inches' (expected a number in mm²)" in err
    assert "bad.xlsx:Products!E3: 'maybe' is not yes or no (expected yes or no)" in err


def test_duplicate_part_numbers_are_refused(tmp_path, capsys):
    path = write_csv(tmp_path / "d.csv", rows=[ROWS[0], ROWS[0]])
    code, _, err = run(capsys, "classify", str(path))
    assert code == 2 and "d.csv:csv!A3: duplicate part number 'H100-SXM', first given at A2" in err


@pytest.mark.parametrize("argv,message", [
    (["--regime", "us-ear-2099"], "unknown regime 'us-ear-2099'"),
    (["--destination", "XX"], "unknown country code 'XX'"),
    (["--date", "2025-13-01"], "'2025-13-01' is not a date"),
])
def test_bad_options_exit_2(tmp_path, capsys, argv, message):
    code, _, err = run(capsys, "classify", str(write_csv(tmp_path / "p.csv")), *argv)
    assert code == 2 and message in err


def test_missing_file_and_missing_part_number_column(tmp_path, capsys):
    code, _, err = run(capsys, "classify", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "classify", str(write_csv(tmp_path / "x.csv", header=["vendor"], rows=[["V"]])))
    assert code == 2 and "no part_number column" in err


def test_demo_catalog_classifies_cleanly(capsys):
    code, out, err = run(capsys, "classify", "--demo", "--regime", "us-h200-2026-01", "--format", "json")
    items = json.loads(out)
    assert code == 0 and len(items) >= 40
    by_part = {i["part_number"]: i for i in items}
    assert by_part["NVIDIA-H100-SXM5-80GB"]["paragraph"] == "3A090.a.1"
    assert by_part["NVIDIA-H20-HGX-96GB"]["classification"] == "not-3A090"


def test_python_dash_m_entry_point():
    result = subprocess.run([sys.executable, "-m", "workbench", "regimes"], capture_output=True, text=True)
    assert result.returncode == 0 and "us-h200-2026-01" in result.stdout


def test_installed_package_finds_its_data(tmp_path):
    """From outside the checkout, an installed (non-editable) workbench finds rulesets in the wheel."""
    code = "import workbench, workbench.paths as p; print(workbench.__file__); print(p.rulesets_dir()); print(p.resources_dir())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={"PATH": "/usr/bin:/bin"})
    if result.returncode != 0 and "No module named 'workbench'" in result.stderr:
        pytest.skip("workbench is not installed in this interpreter (source-tree run)")
    package, rules, resources = result.stdout.split()
    assert Path(rules) == Path(package).parent / "_data" / "rulesets"
    assert Path(resources) == Path(package).parent / "_data" / "resources"
    assert (Path(rules) / "us-ear-2023-10.yaml").is_file() and (Path(resources) / "demo" / "catalog.csv").is_file()


def test_regimes_marks_a_ruleset_that_no_longer_matches_the_manifest(tmp_path):
    import shutil

    from workbench.paths import rulesets_dir

    copy = tmp_path / "rulesets"
    shutil.copytree(rulesets_dir(), copy)
    path = copy / "us-ear-2023-10.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited by hand\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "WORKBENCH_RULESETS": str(copy), "PYTHONPATH": str(Path(__file__).parents[1])}
    result = subprocess.run([sys.executable, "-m", "workbench", "regimes", "--format", "json"],
                            capture_output=True, text=True, env=env)
    items = {i["id"]: i for i in json.loads(result.stdout)}
    assert items["us-ear-2023-10"]["modified"] is True
    assert items["us-ear-2022-10"]["modified"] is False
    assert items["us-foundry-2025-01"]["audience"] == "foundries"


def test_unexpected_error_in_a_real_process_goes_to_the_crash_log(tmp_path):
    """An unhandled exception is logged with its traceback and summarised in one line on stderr."""
    code = ("import sys, workbench.cli as c, workbench.cli.classify as k\n"
            "def boom(args): raise RuntimeError('simulated bug')\n"
            "k.cmd_regimes = boom\n"
            "sys.argv = ['workbench', 'regimes']\n"
            "sys.exit(c.main())\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "PYTHONPATH": str(Path(__file__).parents[1])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "unexpected error (RuntimeError: simulated bug)" in result.stderr
    logs = list(tmp_path.rglob("crash.log"))
    assert logs and "simulated bug" in logs[0].read_text(encoding="utf-8")


def test_classify_csv_quotes_only_formula_text_never_numbers(tmp_path, capsys):
    """Numbers (TPP, PD, margins, negative ones too) stay numbers; margins carry no '+'; only text
    starting with = + - @ tab or CR is quote-prefixed."""
    path = write_csv(tmp_path / "p.csv", header=["part_number", "vendor", "fp8_tflops", "die_area_mm2", "non_planar",
                                                 "datacenter"],
                     rows=[["=HYPERLINK(1)", "-Evil", "100", "800", "yes", "yes"], ["SAFE-1", "Acme", "1979", "814",
                                                                                       "yes", "yes"]])
    code, out, _ = run(capsys, "classify", str(path), "--regime", "us-ear-2023-10", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(out.splitlines()))
    evil = next(r for r in rows if r["part_number"].startswith("'="))
    assert evil["part_number"] == "'=HYPERLINK(1)"
    for row in rows:
        for column in ("tpp", "performance_density", "nearest_margin_pct"):
            value = row[column]
            assert not value.startswith(("'", "+")), (column, value)
            if value:
                float(value)  # a plain number
        assert row["license_required"] in ("yes", "no", "")
    assert float(evil["nearest_margin_pct"]) < 0  # below the line: negative, and still a number
