"""Every figure is finite and within a stated range, at the model, so nothing downstream can
overflow: ``fp16_tflops = 1e308`` once made TPP infinite, broke every memo of the catalog and put
``Infinity`` (invalid JSON) into ``classify --format json``. Each bound is tested on both sides
and at its exact edge."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from tests.conftest import spec
from workbench.cli import main
from workbench.cli.common import json_text
from workbench.engine.conditions import MAX_THRESHOLD
from workbench.engine.letters.model import MAX_UNITS, MAX_VALUE_USD, LicenceApplication
from workbench.engine.loader import RulesetError, parse_regime
from workbench.engine.metrics import compute_metrics
from workbench.engine.spec import FIELD_RANGES, SpecError, make_spec
from workbench.paths import rulesets_dir


def below(x: float) -> float:
    return math.nextafter(x, -math.inf)


def above(x: float) -> float:
    return math.nextafter(x, math.inf)


@pytest.mark.parametrize("field", sorted(FIELD_RANGES))
def test_every_spec_figure_is_bounded_on_both_sides_and_exactly_at_the_edges(field):
    low, high = FIELD_RANGES[field]
    make_spec(part_number="X", **{field: low})
    make_spec(part_number="X", **{field: high})
    for bad in (below(low), above(high), math.inf, -math.inf, math.nan):
        with pytest.raises(SpecError) as info:
            make_spec(part_number="X", **{field: bad})
        assert str(info.value).startswith(f"{field}: ")


def test_the_reported_figure_is_refused_with_its_range():
    with pytest.raises(SpecError) as info:
        make_spec(part_number="X", fp16_tflops=1e308)
    assert str(info.value) == "fp16_tflops: 1e+308 is not valid (expected TFLOPS (dense), from 0 to 1,000,000,000)"


def test_physical_sizes_must_be_greater_than_zero():
    for field in ("die_area_mm2", "process_node_nm"):
        assert FIELD_RANGES[field][0] > 0
        with pytest.raises(SpecError):
            make_spec(part_number="X", **{field: 0.0})


def test_every_metric_stays_finite_at_the_extremes():
    worst = {name: FIELD_RANGES[name][1] for name in FIELD_RANGES if name != "die_area_mm2"}
    worst["die_area_mm2"] = FIELD_RANGES["die_area_mm2"][0]
    m = compute_metrics(spec(**worst))
    numbers = [v for v in m.values.values() if isinstance(v, float)]
    assert numbers and all(math.isfinite(v) for v in numbers)
    m = compute_metrics(spec(fp4_tflops=5e-324, tpp=FIELD_RANGES["tpp"][1], die_area_mm2=1.0))  # ratio overflows
    assert all(math.isfinite(v) for v in m.values.values() if isinstance(v, float))
    assert m.tpp_discrepancy_pct is None and all("inf" not in note for note in m.notes)


def test_classify_refuses_the_huge_figure_and_never_prints_infinity(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("part_number,fp16_tflops,die_area_mm2,non_planar,datacenter\nBIG,1e308,800,yes,yes\n", encoding="utf-8")
    code = main(["classify", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == ("error: p.csv:csv!B2: 1e+308 is not valid for fp16_tflops (expected TFLOPS (dense), "
                   "from 0 to 1,000,000,000)\n")


def test_json_output_refuses_nan_and_infinity():
    assert json.loads(json_text({"x": 1.5})) == {"x": 1.5}
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError):
            json_text({"x": bad})


def _regime_with_threshold(value) -> bytes:
    data = yaml.safe_load((rulesets_dir() / "us-ear-2022-10.yaml").read_text(encoding="utf-8"))
    data["rules"][0]["condition"] = {"metric": "tpp", "op": ">=", "value": value}
    return yaml.safe_dump(data).encode()


@pytest.mark.parametrize("value, ok", [(0.0, True), (-1.0, False), (below(0.0), False), (MAX_THRESHOLD, True),
                                       (above(MAX_THRESHOLD), False)])
def test_ruleset_thresholds_are_non_negative_and_bounded(value, ok):
    data = _regime_with_threshold(value)
    if ok:
        parse_regime(data, "r.yaml")
    else:
        with pytest.raises(RulesetError) as info:
            parse_regime(data, "r.yaml")
        assert str(info.value).startswith("r.yaml: rules[0].condition.value: Input should be")


@pytest.mark.parametrize("field, high", [("quantity", MAX_UNITS), ("value_usd", MAX_VALUE_USD)])
def test_letter_application_figures_are_bounded(field, high):
    good = {"number": "A-1", field: high}
    LicenceApplication.model_validate_json(json.dumps(good))
    for bad in (high + 1 if field == "quantity" else above(high), -1):
        with pytest.raises(ValueError):
            LicenceApplication.model_validate_json(json.dumps({"number": "A-1", field: bad}))


def test_a_stored_product_recorded_before_the_bounds_is_one_clear_error(tmp_path):
    from catalog_helpers import fresh_catalog
    from workbench.store.products import load_specs

    conn = fresh_catalog(tmp_path)
    part = conn.execute("SELECT part_number FROM products LIMIT 1").fetchone()[0]
    conn.execute("UPDATE products SET fp16_tflops = 1e308 WHERE part_number = ?", (part,))  # an older version's data
    with pytest.raises(SpecError) as info:
        load_specs(conn)
    conn.close()
    assert str(info.value).startswith(f"stored product {part}: fp16_tflops: 1e+308 is not valid (expected TFLOPS")
