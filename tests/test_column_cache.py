"""The compiled catalog column (services.column_cache, engine.compiled) says what the full path says.

The desktop app fills the selected regime's column from a compiled regime kept in the user's
cache before the engine is imported. These tests hold it to the full path (services.classify:
the engine, then the catalog's letters; the column's words from wording.position_text): on
every product of the demo catalog under every regime and several places, and on random specs
(one answer per signature, and each product's own nearest threshold, TPP and PD). A stale,
damaged or edited cache, a new signature or another day is never used: the answer is then None
(ask the engine), never a wrong one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.engine.compiled import MET, NOT_MET, ColumnPlan, from_data
from workbench.engine.conditions import MET as ENGINE_MET, NOT_MET as ENGINE_NOT_MET
from workbench.engine.fastpath import Plan, column_plan
from workbench.engine.letters import compile_letters
from workbench.services import column_cache as cc
from workbench.services.classify import Classifier, classify_catalog
from workbench.services.letter_files import parse_letter_json
from workbench.services.letters import open_letter_service
from workbench.services.regimes import bundled_library
from workbench.wording import position_text

from test_fastpath_equality import CODES, specs

LIB = bundled_library()
TODAY = date(2026, 12, 1)
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "resources" / "demo" / "letters" / "sample-h20-letter-2025-04.json").read_text()


def _extra_letter() -> str:
    """A second letter: part-number patterns (look-alikes included), a TPP criterion, model weights too."""
    data = json.loads(SAMPLE)
    data["ref"] = "TEST-LETTER-2"
    data["covered"] = {"part_numbers": ["HUAWEI ASCEND*", "h20"], "criteria": [
        {"id": "tpp", "description": "TPP at or above 4,800", "confidence": "primary",
         "condition": {"all": [{"metric": "tpp", "op": ">=", "value": 4800}, {"flag": "datacenter", "is": True}]}}]}
    data["item_kinds"] = ["hardware", "model_weights"]
    data["status"] = "received"
    data["history"] = []
    return json.dumps(data)


LETTERS = parse_letter_json(SAMPLE) + parse_letter_json(_extra_letter())


def full_row(pos, destination):
    """What the catalog column shows of one licence position (as workbench.ui classify keeps it)."""
    det = pos.det
    licence = (pos.license_required, pos.binding, pos.maybe) if (pos.binding or pos.maybe or destination) else None
    return (det.classification, det.paragraph or det.classification, position_text(pos), licence, det.nearest,
            det.tpp, det.performance_density)


def early_row(row):
    a = row.answer
    return (a.classification, a.shown, a.position, a.licence, row.nearest, row.tpp, row.pd)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    service = open_letter_service(db)  # the demo catalog with its sample letter
    yield service.conn
    service.conn.close()


def full_column(conn, regime, destination):
    out = {}
    classify_catalog(conn, regime, LIB.countries, destination, today=TODAY,
                     each=lambda pos: out.__setitem__(pos.part_number, full_row(pos, destination)))
    return out


def test_constants_are_the_engines():
    assert (MET, NOT_MET) == (ENGINE_MET, ENGINE_NOT_MET)


@pytest.mark.parametrize("regime_id", LIB.ids)
def test_every_demo_product_under_every_regime_equals_the_full_path(demo, tmp_path, regime_id):
    regime = LIB.get(regime_id)
    letters = set()
    for destination in ("CN", None, "AE", "MO", "US"):
        full = full_column(demo, regime, destination)
        letters |= {x for r in full.values() if r[3] for x in (*r[3][1], *r[3][2])}
        assert cc.early_column(demo, LIB, tmp_path, regime_id, destination, TODAY) is None  # nothing stored yet
        assert cc.remember(demo, LIB, tmp_path, regime, LIB.countries, destination, TODAY, full.get)
        early = cc.early_column(demo, LIB, tmp_path, regime_id, destination, TODAY)
        assert early is not None and early.ruleset_sha256 == regime.sha256
        assert early.parts == sorted(full)
        assert {p: early_row(r) for p, r in zip(early.parts, early.rows)} == full, (regime_id, destination)
    if regime_id == "us-h200-2026-01":
        assert "SAMPLE-BIS-2025-04-09-H20" in letters  # the company's letter is part of what was compared


def test_the_column_with_an_end_user_headquarters(demo, tmp_path):
    regime = LIB.get("us-enforced-2025-05")
    full = {}
    classifier = Classifier(LIB.countries, "AE", "CN", letters=LETTERS[:1], today=TODAY)
    from workbench.store.products import iter_specs

    for spec in iter_specs(demo):
        full[spec.part_number] = full_row(classifier.position(spec, regime), "AE")
    plan_data = column_plan(Plan(regime, LIB.countries, "AE", "CN", None, True, TODAY), compile_letters(LETTERS[:1]))
    plan = ColumnPlan(plan_data, {})
    from workbench.store.column_inputs import product_records

    seen = {}
    for rec in product_records(demo, 10_000):
        signature, decided, nearest, tpp, pd = plan.measure(rec)
        want = full[rec["part_number"]]
        assert decided and (nearest, tpp, pd) == want[4:]
        assert seen.setdefault(signature, want[:4]) == want[:4]


# --- random specs: one answer per signature, every regime, letters included -------------------

_PLANS: dict[tuple, tuple] = {}
places = st.one_of(st.none(), st.sampled_from(CODES))


def _shared(regime, destination, end_user_hq):
    key = (regime.id, destination, end_user_hq)
    if key not in _PLANS:
        data = column_plan(Plan(regime, LIB.countries, destination, end_user_hq, None, True, TODAY),
                           compile_letters(LETTERS))
        assert data is not None
        _PLANS[key] = (ColumnPlan(data, {}), Classifier(LIB.countries, destination, end_user_hq, letters=LETTERS,
                                                        today=TODAY), {})
    return _PLANS[key]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=specs(), pick=st.data(), destination=places, end_user_hq=places)
def test_random_specs_one_answer_per_signature(s, pick, destination, end_user_hq):
    regime = pick.draw(st.sampled_from(LIB.regimes))
    plan, classifier, answers = _shared(regime, destination, end_user_hq)
    want = full_row(classifier.position(s, regime), destination)
    signature, decided, nearest, tpp, pd = plan.measure(s.model_dump())
    assert (tpp, pd) == want[5:]
    if decided:
        assert nearest == want[4]
    assert answers.setdefault(signature, want[:4]) == want[:4], (regime.id, destination, end_user_hq)


# --- what is never used ------------------------------------------------------------------------

@pytest.fixture
def stored(demo, tmp_path):
    regime = LIB.get("us-h200-2026-01")
    full = full_column(demo, regime, "CN")
    assert cc.remember(demo, LIB, tmp_path, regime, LIB.countries, "CN", TODAY, full.get)
    (path,) = (tmp_path / cc.FOLDER).glob("*.json")
    assert cc.early_column(demo, LIB, tmp_path, regime.id, "CN", TODAY) is not None
    return path


def _rewrite(path: Path, change) -> None:
    data = json.loads(path.read_text())
    data.pop("checksum")
    change(data)
    path.write_text(json.dumps({**data, "checksum": cc._checksum(data)}))


def test_damaged_or_edited_cache_is_not_used(demo, tmp_path, stored):
    text = stored.read_text()
    stored.write_text(text[: len(text) // 2])
    assert cc.early_column(demo, LIB, tmp_path, "us-h200-2026-01", "CN", TODAY) is None
    data = json.loads(text)
    first = next(iter(data["answers"]))
    data["answers"][first][0] = "not-3A090"  # an edited answer, its checksum left as it was
    stored.write_text(json.dumps(data))
    assert cc.early_column(demo, LIB, tmp_path, "us-h200-2026-01", "CN", TODAY) is None
    stored.write_text("[]")
    assert cc.early_column(demo, LIB, tmp_path, "us-h200-2026-01", "CN", TODAY) is None


@pytest.mark.parametrize("change", [
    lambda d: d["answers"].update({"0|||": ["a", "b", "c", None]}),  # a signature of the wrong width
    lambda d: d["leaves"].append(["cmp", "tpp", ">=", "4800"]),  # a threshold that is not a number
    lambda d: d["leaves"].append(["exec", "tpp", ">=", 1]),
    lambda d: d["pairs"].append(["x", "no_such_field", ">=", 1, 100.0, None]),
    lambda d: d.update(format=0),
    lambda d: d["key"].update(today="2026-11-30"),
    lambda d: d["answers"].update({k: [1, 2, 3, None] for k in list(d["answers"])[:1]}),
    lambda d: d["answers"].update({k: ["a", "b", "c", [True, "REF", []]] for k in list(d["answers"])[:1]}),
])
def test_a_well_formed_file_with_unexpected_content_is_not_used(demo, tmp_path, stored, change):
    _rewrite(stored, change)
    assert cc.early_column(demo, LIB, tmp_path, "us-h200-2026-01", "CN", TODAY) is None


def test_another_day_place_code_or_catalog_is_not_answered(demo, tmp_path, stored, monkeypatch):
    assert cc.early_column(demo, LIB, tmp_path, "us-h200-2026-01", "CN", date(2026, 12, 2)) is None
    assert cc.early_column(demo, LIB, tmp_path, "us-h200-2026-01", "AE", TODAY) is None
    assert cc.early_column(demo, LIB, tmp_path, "us-ear-2023-10", "CN", TODAY) is None
    monkeypatch.setattr(cc, "code_version", lambda: "another version")
    assert cc.early_column(demo, LIB, tmp_path, "us-h200-2026-01", "CN", TODAY) is None


def test_a_new_letter_or_a_new_signature_falls_back(tmp_path):
    db = tmp_path / "c.db"
    service = open_letter_service(db)
    conn = service.conn
    try:
        regime = LIB.get("us-h200-2026-01")
        full = full_column(conn, regime, "CN")
        assert cc.remember(conn, LIB, tmp_path, regime, LIB.countries, "CN", TODAY, full.get)
        assert cc.early_column(conn, LIB, tmp_path, regime.id, "CN", TODAY) is not None
        from workbench.store.connection import write_transaction
        from workbench.store.columns import PRODUCT_COLUMNS as TEMPLATE_FIELDS
        from workbench.store.products import ProductWrite, write_products

        with write_transaction(conn, db):  # a product no stored signature covers (model weights, huge figures)
            new = {"part_number": "ZZ-NEW", "product_type": "model_weights", "training_ops": 1e27,
                   "weights_published": False, "tpp_basis": "computed"}
            write_products(conn, ProductWrite(added=[{f: new.get(f) for f in TEMPLATE_FIELDS}]))
        assert cc.early_column(conn, LIB, tmp_path, regime.id, "CN", TODAY) is None
        full = full_column(conn, regime, "CN")
        assert cc.remember(conn, LIB, tmp_path, regime, LIB.countries, "CN", TODAY, full.get)
        assert cc.early_column(conn, LIB, tmp_path, regime.id, "CN", TODAY) is not None
        service.add(parse_letter_json(_extra_letter())[0])
        assert cc.early_column(conn, LIB, tmp_path, regime.id, "CN", TODAY) is None  # the letters changed
    finally:
        conn.close()


def test_a_stored_answer_the_full_path_contradicts_is_dropped(demo, tmp_path, stored):
    regime = LIB.get("us-h200-2026-01")
    _rewrite(stored, lambda d: d["answers"].update({k: ["forged", "forged", "forged", None]
                                                    for k in list(d["answers"])[:1]}))
    early = cc.early_column(demo, LIB, tmp_path, regime.id, "CN", TODAY)
    assert early is not None and any(r.answer.classification == "forged" for r in early.rows)  # checksum recomputed
    full = full_column(demo, regime, "CN")
    assert cc.remember(demo, LIB, tmp_path, regime, LIB.countries, "CN", TODAY, full.get)
    early = cc.early_column(demo, LIB, tmp_path, regime.id, "CN", TODAY)
    assert {p: early_row(r) for p, r in zip(early.parts, early.rows)} == full


def test_remember_refuses_when_the_full_path_disagrees_with_the_plain_arithmetic(demo, tmp_path):
    regime = LIB.get("us-h200-2026-01")
    full = full_column(demo, regime, "CN")
    part = next(iter(full))
    wrong = dict(full)
    wrong[part] = (*full[part][:5], 1.0, full[part][6])  # another TPP than the compiled form computes
    assert not cc.remember(demo, LIB, tmp_path, regime, LIB.countries, "CN", TODAY, wrong.get)
    assert not list((tmp_path / cc.FOLDER).glob("*.json")) if (tmp_path / cc.FOLDER).exists() else True


def test_from_data_needs_the_same_key():
    assert from_data({"format": 1, "key": {"a": 1}}, {"a": 2}) is None
    assert from_data("not a dict", {}) is None


def test_the_early_column_imports_no_pydantic_yaml_or_engine_model(demo, tmp_path):
    regime = LIB.get("us-h200-2026-01")
    full = full_column(demo, regime, "CN")
    assert cc.remember(demo, LIB, tmp_path, regime, LIB.countries, "CN", TODAY, full.get)
    db = demo.execute("PRAGMA database_list").fetchone()[2]
    code = (
        "import json, sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from workbench.services.catalog import open_existing_catalog\n"
        "from workbench.services.column_cache import early_column\n"
        "from workbench.services.regimes import bundled_library\n"
        f"conn = open_existing_catalog({db!r})\n"
        f"e = early_column(conn, bundled_library(), Path({str(tmp_path)!r}), 'us-h200-2026-01', 'CN', date(2026, 12, 1))\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml') or m.startswith('workbench.engine')"
        " and m not in ('workbench.engine', 'workbench.engine.compiled', 'workbench.engine.identity',"
        " 'workbench.engine.words'))\n"
        "print(json.dumps({'rows': len(e.rows) if e else None, 'heavy': heavy}))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(ROOT),
                         timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.splitlines()[-1])
    assert result == {"rows": len(full), "heavy": []}


def test_consistent_reads_see_one_state_and_nest(tmp_path):
    """The classification and what is kept of it read one state of the catalog, even while a writer
    commits in between; inside an open transaction the helper adds nothing."""
    from workbench.store.connection import connect, write_transaction

    db = tmp_path / "c.db"
    service = open_letter_service(db)
    writer = service.conn
    reader = connect(db)
    try:
        first = "SELECT memory_bandwidth_gbs FROM products ORDER BY part_number LIMIT 1"
        with cc.consistent_reads(reader):
            before = reader.execute(first).fetchone()[0]
            with write_transaction(writer, db):
                writer.execute("UPDATE products SET memory_bandwidth_gbs = memory_bandwidth_gbs + 1 "
                               "WHERE part_number = (SELECT min(part_number) FROM products)")
            assert reader.execute(first).fetchone()[0] == before
            with cc.consistent_reads(reader):  # nested: the outer transaction stays open
                assert reader.execute(first).fetchone()[0] == before
            assert reader.in_transaction
        assert not reader.in_transaction and reader.execute(first).fetchone()[0] == before + 1
    finally:
        reader.close()
        writer.close()


def test_every_source_the_column_depends_on_exists():
    """code_version skips a missing source (a frozen app has none): in the source tree, a moved or
    renamed module would silently stop invalidating stored columns."""
    import workbench

    root = Path(workbench.__file__).resolve().parent
    assert [s for s in cc._SOURCES if not (root / s).exists()] == []
