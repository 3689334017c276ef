"""Corrections found by a review against primary text: the LPP section number, the Section 232
band 2 bounds (strict, CBP CSMS 67400472), the foundry presumption's non-planar branch, and the
two readings of the H200 window's "at most 50 % of US shipments"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from deals_helpers import H100, H200, make_deal
from workbench.engine import ProductSpec, determine
from workbench.engine.deals import determine_deal
from workbench.engine.ledgers import LedgerBook, LedgerContext, LedgerSettings, check_deal, ledgers
from workbench.services.deals import load_limits

H200_RULE = "us-h200-2026-01"


# --- LPP is 15 CFR 740.29 ------------------------------------------------------------------------


def test_lpp_cites_740_29_with_primary_confidence(library):
    regime = library.get("us-ai-diffusion-2025-01").regime
    (lpp,) = [e for e in regime.licence_exceptions if e.id == "LPP"]
    assert "740.29" in lpp.citation and "740.28 is ACM" in lpp.citation
    assert lpp.confidence == "primary" and lpp.quantity_limit_tpp == 26_900_000
    assert "740.29 (LPP" in regime.sources[0].cfr


# --- Section 232 band 2: strict at all four ends --------------------------------------------------


def _band2():
    (band,) = [b for b in load_limits().tariff.bands if b.id == "band-2"]
    return band


@pytest.mark.parametrize("tpp, bw, inside", [
    ("20800", "6000", False), ("20800.001", "6000", True),   # TPP lower end: > 20,800
    ("21100", "6000", False), ("21099.999", "6000", True),   # TPP upper end: < 21,100
    ("20900", "5800", False), ("20900", "5800.001", True),   # DRAM lower end: > 5,800 GB/s
    ("20900", "6200", False), ("20900", "6199.999", True),   # DRAM upper end: < 6,200 GB/s
    ("20799", "6000", False), ("21101", "6000", False), ("20900", "5799", False), ("20900", "6201", False),
])
def test_band_2_bounds_are_strict(tpp, bw, inside):
    assert _band2().contains(Decimal(tpp), Decimal(bw)) is inside


def test_band_2_cites_cbp_with_primary_confidence():
    band = _band2()
    assert band.confidence == "primary" and "67400472" in band.citation
    assert (band.tpp.gt, band.tpp.lt, band.dram_bandwidth_gbs.gt, band.dram_bandwidth_gbs.lt) == (20800, 21100, 5800, 6200)


# --- foundry-worldwide-a: 16/14 nm or below, OR non-planar ---------------------------------------


def _foundry_chip(**values) -> ProductSpec:
    base = dict(part_number="FAB-TEST", product_type="ic", datacenter=True, fp8_tflops=1979.0, die_area_mm2=814.0)
    base.update(values)
    return ProductSpec(**base)


@pytest.mark.parametrize("node, non_planar, required", [
    (16.0, True, True),     # at the 16 nm edge
    (16.0, False, True),    # node branch alone
    (22.0, True, True),     # non-planar branch alone (e.g. a 22 nm FinFET): was "no licence" before the fix
    (16.5, False, False),   # just above the edge, planar: neither branch
    (28.0, False, False),
])
def test_foundry_worldwide_requirement_has_both_branches(library, countries, node, non_planar, required):
    """To Germany (not D:1/D:4/D:5): only the foundry presumption's worldwide requirement can bind."""
    loaded = library.get("us-foundry-2025-01")
    det = determine(_foundry_chip(process_node_nm=node, non_planar=non_planar), loaded, countries,
                    destination="DE", on=date(2026, 12, 6))
    assert det.classification == "3A090.a"
    assert det.license_required is required


def test_foundry_worldwide_requirement_unknown_node_and_planarity_is_not_a_no(library, countries):
    loaded = library.get("us-foundry-2025-01")
    spec = ProductSpec(part_number="FAB-UNKNOWN", product_type="ic", datacenter=True, fp8_tflops=1979.0)
    det = determine(spec, loaded, countries, destination="DE", on=date(2026, 12, 6))
    assert det.license_required is not False


# --- H200 window: units and cumulative TPP, side by side -----------------------------------------


@pytest.fixture
def h200_ctx(library):
    from test_ledgers_arithmetic import SPECS

    def make(**settings) -> LedgerContext:
        return LedgerContext(library.get(H200_RULE), library.countries, load_limits(), LedgerSettings(**settings), SPECS)
    return make, SPECS


def test_h200_share_ledger_shows_both_readings(h200_ctx):
    """US shipments: 1,000 H200 (TPP 15,832 each) = 15,832,000 TPP; 50 % = 500 units or
    7,916,000 TPP. 300 H200 to China: 300 of 500 units and 4,749,600 of 7,916,000 TPP. The TPP
    reading is informational: only the units reading raises flags."""
    make, specs = h200_ctx
    c = make(us_shipments={H200: 1000})
    deal = make_deal("A", date(2026, 2, 2), ((H200, 300, "30000.00"),), destination="CN", consignee_country="CN")
    book = LedgerBook.from_scratch([determine_deal(deal.model_copy(update={"id": 1}), specs, c.regime, c.countries)], c)
    by_kind = {lg.kind: lg for lg in ledgers(book, c)}
    units, tpp = by_kind["h200_share"], by_kind["h200_share_tpp"]
    assert (units.used, units.meta.limit) == (300, 500)
    assert (tpp.used, tpp.meta.limit, tpp.meta.unit) == (Decimal(4_749_600), Decimal(7_916_000), "TPP")
    assert "second reading" in tpp.meta.note
    over = make_deal("B", date(2026, 2, 3), ((H200, 501, "1.00"),), destination="CN", consignee_country="CN")
    flags = check_deal(determine_deal(over, specs, c.regime, c.countries), LedgerBook(), c)
    assert [f.kind for f in flags] == ["h200_share"]


def test_h200_tpp_reading_differs_from_units_when_products_mix(h200_ctx):
    """US: 1,000 H200 (15,832,000 TPP) and 1,000 H100 (15,832,000 TPP) entered; the TPP reading's
    cap is 50 % of both together (15,832,000 TPP), while the units reading caps each product."""
    make, _ = h200_ctx
    c = make(us_shipments={H200: 1000, H100: 1000})
    from workbench.engine.ledgers import describe

    meta = describe(("h200_share_tpp", "all window products"), c)
    assert meta.limit == Decimal(15_832_000)
    assert describe(("h200_share_tpp", "all window products"), make()).limit is None
