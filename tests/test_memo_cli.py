"""``workbench memo`` and ``workbench export`` on the command line: files written, exit codes."""

from __future__ import annotations

import openpyxl
from pypdf import PdfReader

from report_helpers import H100
from workbench.cli import main


def _demo(tmp_path) -> str:
    """The demo catalog, made as ``workbench init --demo`` makes it."""
    from workbench.services.catalog import create_catalog

    path = tmp_path / "c.db"
    if not path.exists():
        create_catalog(path, demo=True)
    return str(path)


def test_memo_command_writes_a_pdf(tmp_path, capsys):
    db, out = _demo(tmp_path), tmp_path / "memos" / "h100.pdf"
    code = main(["memo", "--product", H100, "--regime", "us-ear-2023-10", "--destination", "cn", "--lang", "zh",
                 "--company", "Acme", "--db", str(db), "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    reader = PdfReader(str(out))
    assert printed.out.startswith("memo CM-") and f"({len(reader.pages)} pages" in printed.out
    assert "出口管制分类合规备忘录" in reader.pages[0].extract_text()


def test_memo_command_refuses_unknown_products_regimes_and_dates(tmp_path, capsys):
    db, out = _demo(tmp_path), tmp_path / "m.pdf"
    assert main(["memo", "--product", "NOPE", "--db", str(db), "--out", str(out)]) == 2
    assert "unknown part number 'NOPE'" in capsys.readouterr().err
    assert main(["memo", "--product", H100, "--regime", "us-ear-1999", "--db", str(db), "--out", str(out)]) == 2
    assert "unknown regime 'us-ear-1999'" in capsys.readouterr().err
    assert main(["memo", "--product", H100, "--date", "yesterday", "--db", str(db), "--out", str(out)]) == 2
    assert not out.exists()


def test_export_command_writes_the_workbook(tmp_path, capsys):
    db, out = _demo(tmp_path), tmp_path / "export.xlsx"
    code = main(["export", "--regime", "us-ear-2022-10", "--regime", "us-ear-2023-10", "--db", str(db),
                 "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "53 products, 106 determinations" in printed.out
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "Catalog"


def test_export_into_a_missing_or_unwritable_place_is_an_environment_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["export", "--db", str(_demo(tmp_path)), "--out", str(blocker / "x.xlsx")])
    assert code == 3 and "error:" in capsys.readouterr().err


def test_a_tampered_audit_log_stops_memo_and_export(tmp_path, capsys):
    from report_helpers import fresh_catalog

    db = _demo(tmp_path)
    conn = fresh_catalog(tmp_path, "c.db")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 7")
    conn.close()
    assert main(["memo", "--product", H100, "--db", str(db), "--out", str(tmp_path / "m.pdf")]) == 3
    assert "the audit log is broken at entry 7" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "e.xlsx")]) == 3
    assert "the audit log is broken at entry 7" in capsys.readouterr().err
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob("*.xlsx")) == []
