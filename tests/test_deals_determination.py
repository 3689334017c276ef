"""Per-deal determination: the headquarters rule reads both the end user's and its ultimate
parent's headquarters, TPP totals are exact, is-informed letters are layered over deals, and
the limits file is strict."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from deals_helpers import H100, H20, MI325X, make_deal
from workbench.engine import ProductSpec, RulesetError
from workbench.engine.deals import Deal, determine_deal, letters_overlay, strictness
from workbench.engine.ledgers import parse_limits
from workbench.paths import resources_dir
from workbench.services.catalog import demo_batch

SPECS = {r["part_number"]: ProductSpec(**{k: v for k, v in r.items() if v is not None}) for r in demo_batch().added}
ENFORCED = "us-enforced-2025-05"


def test_parent_headquarters_in_d5_makes_the_deal_stricter(library):
    """End user in Malaysia, headquartered in Malaysia: no licence as enforced in June 2025.
    Its ultimate parent is headquartered in China (D:5): the headquarters rule requires a licence
    (presumption of denial) and the deal says the parent's HQ decided."""
    loaded = library.get(ENFORCED)
    plain = determine_deal(make_deal(day=date(2025, 6, 2)), SPECS, loaded, library.countries)
    parent = determine_deal(make_deal(day=date(2025, 6, 2), parent_hq="CN"), SPECS, loaded, library.countries)
    assert plain.license_required is False and plain.lines[0].hq_used is None
    assert parent.license_required is True and parent.review_policy == "presumption_of_denial"
    assert parent.lines[0].hq_used == "CN"
    assert any("headquarters rule read with CN" in r for r in parent.reasons)
    assert parent.reasons[:3] == ("Destination MY: Tier 2", "End user headquartered in MY: Tier 2",
                                  "Ultimate parent headquartered in CN: D:1, D:3, D:4, D:5, Tier 3")


def test_end_user_hq_stricter_than_parent_also_wins(library):
    """The stricter reading wins whichever of the two it comes from."""
    loaded = library.get(ENFORCED)
    deal = make_deal(day=date(2025, 6, 2), end_user_hq="CN", parent_hq="MY")
    dd = determine_deal(deal, SPECS, loaded, library.countries)
    assert dd.license_required is True and dd.lines[0].hq_used == "CN"
    assert deal.hq_candidates == ("CN", "MY")


def test_strictness_order():
    class D:  # the three fields strictness reads
        def __init__(self, req, policy, n):
            self.license_required, self.review_policy, self.license_exceptions = req, policy, [0] * n
    assert strictness(D(True, "presumption_of_denial", 0)) > strictness(D(True, "case_by_case", 0))
    assert strictness(D(True, "presumption_of_approval", 0)) > strictness(D(None, None, 0)) > strictness(D(False, None, 0))
    assert strictness(D(True, "case_by_case", 0)) > strictness(D(True, "case_by_case", 1))


def test_tpp_total_is_exact_decimal(library):
    """MI325X TPP 2,614.9 x 8 = 20,919.2; 3 units = 62,757.6 exactly (float would give
    62757.600000000006); plus 7 H100 x 15,832 = 110,824: 173,581.6 TPP."""
    dd = determine_deal(make_deal(lines=((MI325X, 3, "1.00"), (H100, 7, "1.00"))), SPECS,
                        library.get("us-ai-diffusion-2025-01"), library.countries)
    assert dd.lines[0].tpp_total == Decimal("62757.6")
    assert dd.tpp_total == Decimal("173581.6")


def test_unknown_product_and_unknown_tpp(library):
    dd = determine_deal(make_deal(lines=(("NOT-IN-CATALOG", 1, "1.00"),)), SPECS, library.get(ENFORCED),
                        library.countries)
    assert dd.tpp_total is None and dd.license_required is None
    assert any("NOT-IN-CATALOG: not in the catalog" in r for r in dd.reasons)


def test_deal_model_is_strict():
    good = make_deal().model_dump()
    with pytest.raises(Exception, match="alpha-2"):
        Deal(**{**good, "destination": "Malaysia"})
    with pytest.raises(Exception):
        Deal(**{**good, "status": "approved"})
    with pytest.raises(Exception):
        make_deal(lines=((H100, 0, "1.00"),))
    with pytest.raises(Exception):
        make_deal(lines=((H100, 1, "1.005"),))  # more than cents


def test_deal_over_an_is_informed_letter(library):
    """The H20 is not 3A090, so as enforced in June 2025 a deal to China needs no licence from the
    regime; the April 2025 letter addressed to the exporter covers the H20 for China, so the deal
    needs a licence. The same letter does not bind another exporter."""
    from workbench.engine import letters
    from workbench.engine.ruleset import Places

    letter = letters.Letter(
        ref="BIS-TEST-1", addressee="Acme Exports Inc", received=date(2025, 4, 9), effective=date(2025, 4, 9),
        legal_basis="not stated", summary="H20 to China needs a licence",
        covered=letters.Coverage(part_numbers=["NVIDIA-H20-*"]),
        destinations=Places(countries=["CN", "HK", "MO"]))
    loaded = library.get(ENFORCED)
    overlay = letters_overlay([letter], SPECS, library.countries)
    assert overlay is not None
    deal = make_deal(day=date(2025, 6, 2), lines=((H20, 100, "12000.00"),), destination="CN", consignee_country="CN")
    assert determine_deal(deal, SPECS, loaded, library.countries).license_required is False
    with_letter = determine_deal(deal, SPECS, loaded, library.countries, overlay)
    assert with_letter.license_required is True and with_letter.overlay_applied
    assert any("letter BIS-TEST-1" in r for r in with_letter.reasons)
    other = make_deal(day=date(2025, 6, 2), lines=((H20, 1, "1.00"),), destination="CN", exporter="Someone Else")
    assert determine_deal(other, SPECS, loaded, library.countries, overlay).license_required is False
    assert letters_overlay([], SPECS, library.countries) is None


def test_limits_file_is_strict():
    good = (resources_dir() / "ledger_limits.yaml").read_bytes()
    limits = parse_limits(good)
    assert limits.tariff.bands[0].confidence == "primary" and limits.tariff.bands[1].confidence == "primary"  # CBP CSMS 67400472
    assert limits.revenue_share.codified is False and limits.tier2_allocation.confidence == "unverified"
    for bad, needle in [
        (good.replace(b"rate_percent: 15", b"rate_percent: .nan"), "revenue_share.rate_percent"),
        (good.replace(b"rate_percent: 15", b'rate_percent: "15"'), "revenue_share.rate_percent"),
        (good.replace(b"  g2g_multiplier: 2", b"  g2g_multiplier: 2\n  g2g_multipler: 3"), "g2g_multipler"),
        (good.replace(b"tpp: {gt: 14000, lt: 17500}", b"tpp: {gt: 14000, ge: 14001, lt: 17500}"), "bands[0].tpp"),
        (good.replace(b"  limit_tpp: 790000000", b"  limit_tpp: 790000000\n  limit_tpp: 1"), "duplicate key"),
    ]:
        with pytest.raises(RulesetError, match=needle.replace("[", r"\[").replace("]", r"\]")):
            parse_limits(bad)


def test_service_picks_up_a_new_letter_for_saved_deals(tmp_path, library):
    """Evaluations are cached per deal; recording a letter (or changing the catalog) invalidates them."""
    from workbench.engine import letters
    from workbench.engine.ruleset import Places
    from workbench.store import letters as store_letters
    from workbench.services.catalog import open_catalog
    from workbench.services.deals import DealService
    from workbench.store.connection import write_transaction

    conn = open_catalog(tmp_path / "c.db")
    service = DealService(conn, library)
    deal, _ = service.save(make_deal(day=date(2025, 6, 2), lines=((H20, 100, "12000.00"),), destination="CN",
                                     consignee_country="CN"))
    assert service.evaluate_all(ENFORCED)[0].evaluation.license_required is False
    letter = letters.Letter(
        ref="BIS-TEST-2", addressee="Acme Exports Inc", received=date(2025, 4, 9), effective=date(2025, 4, 9),
        legal_basis="not stated", summary="H20 to China needs a licence",
        covered=letters.Coverage(part_numbers=["NVIDIA-H20-*"]), destinations=Places(countries=["CN"]))
    with write_transaction(conn):
        store_letters.insert_letter(conn, letter)
    (row,) = service.evaluate_all(ENFORCED)
    assert row.evaluation.license_required is True and row.evaluation.overlay_applied
    conn.close()


def test_default_regime_is_the_enforced_one_of_the_deal_date(tmp_path, library):
    from workbench.services.catalog import open_catalog
    from workbench.services.deals import DealService

    conn = open_catalog(tmp_path / "c.db")
    service = DealService(conn, library)
    assert service.enforced_on(date(2022, 1, 1)) is None
    # The foundry rule (in force from 2025-01-16) binds fabs and OSATs, not an exporter's deal.
    assert service.enforced_on(date(2025, 2, 1)) == "us-ear-2024-12-hbm"
    assert service.enforced_on(date(2025, 6, 2)) == "us-enforced-2025-05"
    assert service.enforced_on(date(2026, 1, 14)) == "us-enforced-2025-05"
    assert service.enforced_on(date(2026, 1, 15)) == "us-h200-2026-01"
    assert service.enforced_on(date(2026, 6, 1)) == "us-d5hq-guidance-2026-05"
    # Checked before saving: every codified/enforced/superseded regime in force on the date, not proposals.
    assert service.checked_regimes(make_deal(day=date(2025, 6, 2))) == [
        "us-ai-diffusion-2025-01", "us-foundry-2025-01", "us-enforced-2025-05"]
    conn.close()


def test_deal_exceptions_are_those_every_licensed_line_can_use(library):
    """RTX 4090 (not for datacenters) alone to China: NAC eligible. With an H100 line (datacenter
    3A090.a, no NAC) in the same deal, no exception covers the whole deal."""
    loaded = library.get(ENFORCED)
    cn = dict(destination="CN", consignee_country="CN", day=date(2025, 6, 2))
    alone = determine_deal(make_deal(lines=(("NVIDIA-RTX4090-24GB", 1, "1.00"),), **cn), SPECS, loaded, library.countries)
    mixed = determine_deal(make_deal(lines=(("NVIDIA-RTX4090-24GB", 1, "1.00"), (H100, 1, "1.00")), **cn), SPECS, loaded,
                           library.countries)
    assert [e.id for e in alone.exceptions] == ["NAC"] and mixed.exceptions == ()


def test_drafts_over_a_limit_are_saved_with_their_flags(tmp_path, library):
    """A draft is a what-if: saved (also from a file) with its flags; it uses no room."""
    from workbench.services.catalog import open_catalog
    from workbench.services.deals import DealService, OverLimit

    conn = open_catalog(tmp_path / "c.db")
    service = DealService(conn, library)
    over = make_deal("D", lines=((H100, 1700, "1.00"),), authorization="LPP", status="draft")
    saved, flags = service.save_many([over])
    assert [d.reference for d in saved] == ["D"] and [f.kind for f in flags] == ["lpp"]
    assert service.ledgers("us-ai-diffusion-2025-01") == []
    with pytest.raises(OverLimit):
        service.save_many([make_deal("S", lines=((H100, 1700, "1.00"),), authorization="LPP", status="shipped")])
    assert [d.reference for d in service.deals()] == ["D"]
    conn.close()
