"""Two kinds of catalog, and nothing creates one behind the officer's back (as a new user meets it):
``init`` makes an empty company catalog, ``init --demo`` the demo; read-only commands refuse a
missing path (exit 2, naming init) and create nothing; import / deals add make an empty company
catalog and say so, their dry runs make nothing; an empty, foreign or broken file is refused with
exit 3 and never touched; the kind is a write-once marker; the sample letter lives only in the demo."""

from __future__ import annotations

import sqlite3

import pytest

from tests.test_cli import write_csv
from workbench.cli import main
from workbench.services.catalog import create_catalog, is_demo_catalog, open_existing_catalog

H100 = "NVIDIA-H100-SXM5-80GB"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _no_env_catalog(monkeypatch):
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    monkeypatch.setenv("WORKBENCH_TODAY", "2026-06-15")


def test_init_makes_an_empty_company_catalog_and_refuses_an_existing_file(tmp_path, capsys):
    db = tmp_path / "new.db"
    code, out, _ = run(capsys, "init", "--db", db)
    assert code == 0 and "company catalog created" in out
    code, out, err = run(capsys, "classify", "--db", db)
    assert code == 0 and out.count("\n") == 2  # the header and its rule: zero products
    assert "the catalog has no products yet" in err
    conn = open_existing_catalog(db)
    try:
        assert not is_demo_catalog(conn)
        for table in ("products", "letters", "deals"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    finally:
        conn.close()
    before = db.read_bytes()
    code, _, err = run(capsys, "init", "--db", db)
    assert code == 2 and "a catalog is already there" in err and db.read_bytes() == before
    code, _, err = run(capsys, "init", "--demo", "--db", db)
    assert code == 2 and db.read_bytes() == before


def test_init_demo_makes_the_demo_with_the_sample_letter(tmp_path, capsys):
    db = tmp_path / "demo.db"
    code, out, _ = run(capsys, "init", "--demo", "--db", db)
    assert code == 0 and "demo catalog created" in out
    conn = open_existing_catalog(db)
    try:
        assert is_demo_catalog(conn)
        assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == 53
        assert [r[0] for r in conn.execute("SELECT ref FROM letters")] == ["SAMPLE-BIS-2025-04-09-H20"]
        assert conn.execute("SELECT count(*) FROM spec_provenance").fetchone()[0] > 0
    finally:
        conn.close()


def test_a_company_catalogs_memo_never_mentions_the_sample(tmp_path, capsys):
    pypdf = pytest.importorskip("pypdf")
    db = tmp_path / "acme.db"
    products = write_csv(tmp_path / "p.csv")
    code, _, err = run(capsys, "import", products, "--db", db)  # a new path: made, and said
    assert code == 0 and f"created an empty company catalog at {db}" in err
    out = tmp_path / "memo.pdf"
    assert run(capsys, "memo", "--product", "H20", "--regime", "us-h200-2026-01", "--destination", "CN",
               "--company", "Newcomer Test Co", "--db", db, "--out", out)[0] == 0
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(out)).pages)
    assert "H20" in text and "SAMPLE" not in text


@pytest.mark.parametrize("argv", [
    ["classify", "--db"], ["compare", "--from", "us-ear-2022-10", "--to", "us-ear-2023-10", "--db"],
    ["memo", "--product", H100, "--out", "{tmp}/m.pdf", "--db"], ["export", "--out", "{tmp}/x.xlsx", "--db"],
    ["letters", "list", "--db"], ["letters", "show", "SAMPLE", "--db"], ["letters", "dashboard", "--db"],
    ["audit", "verify", "--db"], ["audit", "replay", "--db"], ["deals", "list", "--db"],
    ["deals", "ledger", "--regime", "us-ai-diffusion-2025-01", "--db"], ["backup", "--out", "{tmp}/b.db", "--db"],
])
def test_reading_commands_refuse_a_missing_catalog_and_create_nothing(tmp_path, capsys, argv):
    missing = tmp_path / "nothing-here.db"
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv], missing)
    assert code == 2
    assert err.strip() == f"error: no catalog at {missing} (create one with: workbench init --db {missing})"
    assert list(tmp_path.iterdir()) == []


def test_the_default_catalog_follows_the_same_rules(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, _, err = run(capsys, "letters", "list")
    assert code == 2 and "no catalog at" in err and "catalog.sqlite3 (create one with: workbench init" in err
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.sqlite3"))


def test_dry_runs_into_a_missing_path_create_nothing(tmp_path, capsys):
    missing = tmp_path / "nothing-here.db"
    products = write_csv(tmp_path / "p.csv")
    code, out, err = run(capsys, "import", products, "--dry-run", "--db", missing)
    assert code == 0 and "Dry run: nothing was written." in out and "creates nothing" in err
    deals = tmp_path / "deals.csv"
    deals.write_text("reference,deal_date,destination,part_number,quantity\nD-1,2026-06-01,MY,H20,10\n",
                     encoding="utf-8")
    run(capsys, "deals", "add", deals, "--dry-run", "--db", missing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deals.csv", "p.csv"]


def test_a_failed_first_import_leaves_no_catalog_behind(tmp_path, capsys):
    db = tmp_path / "acme.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("part_number,fp16_tflops\nA,fast\n", encoding="utf-8")
    code, _, err = run(capsys, "import", bad, "--db", db)
    assert code == 2 and "removed again" in err and not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def _broken_files(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    text = tmp_path / "notes.db"
    text.write_text("not a database at all\n" * 50, encoding="utf-8")
    foreign = tmp_path / "other-app.db"
    raw = sqlite3.connect(foreign)
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    # A catalog cut short, as a restore killed half way leaves one: the header and a few pages.
    whole = create_catalog(tmp_path / "whole.db", demo=True).read_bytes()
    (tmp_path / "whole.db").unlink()
    cut = tmp_path / "cut.db"
    cut.write_bytes(whole[:len(whole) // 3])
    return [empty, text, foreign, cut]


@pytest.mark.parametrize("argv", [["classify", "--db"], ["import", "{csv}", "--db"], ["init", "--db"],
                                  ["letters", "list", "--db"], ["deals", "add", "{csv}", "--db"],
                                  ["memo", "--product", H100, "--out", "{tmp}/m.pdf", "--db"]])
def test_empty_foreign_and_broken_files_are_refused_with_exit_3_and_never_touched(tmp_path, capsys, argv):
    products = write_csv(tmp_path / "p.csv")
    for path in _broken_files(tmp_path):
        before = path.read_bytes()
        args = [a.replace("{csv}", str(products)).replace("{tmp}", str(tmp_path)) for a in argv]
        code, _, err = run(capsys, *args, path)
        assert code == 3, (path.name, err)
        assert err.startswith(f"error: {path}: ") and "left as it is" in err, err
        assert path.read_bytes() == before, path.name
        assert not path.with_name(path.name + "-wal").exists()
    assert (tmp_path / "empty.db").stat().st_size == 0


def test_the_kind_is_a_write_once_marker(tmp_path):
    conn = open_existing_catalog(create_catalog(tmp_path / "acme.db"))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="write-once"):
            conn.execute("UPDATE catalog_meta SET value = 'demo' WHERE key = 'kind'")
        with pytest.raises(sqlite3.DatabaseError, match="write-once"):
            conn.execute("DELETE FROM catalog_meta")
        assert not is_demo_catalog(conn)
    finally:
        conn.close()


def test_a_catalog_made_before_the_marker_gets_its_kind_from_its_history(tmp_path):
    """Catalogs of schema 5 were all created with the demo (or, by the tests, without it)."""
    from workbench.services.catalog import load_demo
    from workbench.store import connect, migrate
    from workbench.store.schema import MIGRATIONS

    old = {k: v for k, v in MIGRATIONS.items() if k < 6}
    for name, on_create, demo in (("demo.db", load_demo, True), ("bare.db", None, False)):
        conn = connect(tmp_path / name)
        migrate(conn, tmp_path / name, on_create=on_create, migrations=old)
        assert is_demo_catalog(conn) is demo  # read from its history before migration 6 too
        conn.close()
        conn = open_existing_catalog(tmp_path / name)
        try:
            assert is_demo_catalog(conn) is demo
            assert conn.execute("SELECT value FROM catalog_meta WHERE key = 'kind'").fetchone()[0] == (
                "demo" if demo else "company")
        finally:
            conn.close()
