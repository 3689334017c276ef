"""Ledger arithmetic against hand-worked examples: limits exactly reached and one unit over, year
and quarter boundaries, the same deals under two regimes, caps and fees to the cent.

A synthetic product TEST-10K (1,250 dense FP8 TFLOPS x 8 bits = TPP 10,000, datacenter, so
3A090.a.1) makes the LPP and Tier 2 limits land on whole units.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from deals_helpers import H100, H20, H200, MI325X, make_deal
from workbench.engine import ProductSpec
from workbench.engine.deals import determine_deal
from workbench.engine.ledgers import (LedgerBook, LedgerContext, LedgerSettings, check_deal, contributions, ledgers,
                                      nac_clock)
from workbench.services.catalog import demo_batch
from workbench.services.deals import load_limits

DIFFUSION, ENFORCED, H200_RULE, PROPOSED = ("us-ai-diffusion-2025-01", "us-enforced-2025-05", "us-h200-2026-01",
                                            "us-proposed-2025-04")
T10K = "TEST-10K"


def _specs() -> dict[str, ProductSpec]:
    specs = {r["part_number"]: ProductSpec(**{k: v for k, v in r.items() if v is not None}) for r in demo_batch().added}
    specs[T10K] = ProductSpec(part_number=T10K, product_type="board", datacenter=True, fp8_tflops=1250.0)
    specs["TEST-B1-EDGE"] = ProductSpec(part_number="TEST-B1-EDGE", product_type="board", datacenter=True,
                                        fp8_tflops=1750.0, memory_bandwidth_gbs=4800.0)  # TPP 14,000
    specs["TEST-B1-IN"] = ProductSpec(part_number="TEST-B1-IN", product_type="board", datacenter=True,
                                      fp8_tflops=1751.0, memory_bandwidth_gbs=4800.0)  # TPP 14,008
    specs["TEST-B2-EDGE"] = ProductSpec(part_number="TEST-B2-EDGE", product_type="board", datacenter=True,
                                        fp8_tflops=2600.0, memory_bandwidth_gbs=5800.0)  # TPP 20,800
    return specs


SPECS = _specs()


@pytest.fixture
def ctx(library):
    def make(regime_id: str, **settings) -> LedgerContext:
        return LedgerContext(library.get(regime_id), library.countries, load_limits(), LedgerSettings(**settings), SPECS)
    return make


def evaluate(ctx_, deal):
    return determine_deal(deal, SPECS, ctx_.regime, ctx_.countries)


def book_of(ctx_, deals) -> LedgerBook:
    ids = [d.model_copy(update={"id": i}) if d.id is None else d for i, d in enumerate(deals, start=1)]
    return LedgerBook.from_scratch((evaluate(ctx_, d) for d in ids), ctx_)


def flags_for(ctx_, existing, candidate):
    return check_deal(evaluate(ctx_, candidate), book_of(ctx_, existing), ctx_)


def lpp_deal(ref, units, day=date(2025, 3, 3), consignee="Consignee Sdn Bhd", part=T10K, auth="LPP"):
    return make_deal(ref, day, ((part, units, "1000.00"),), authorization=auth, consignee=consignee)


# --- LPP ----------------------------------------------------------------------------------------


def test_lpp_exactly_at_the_limit_passes_one_unit_over_is_flagged(ctx):
    """2,690 x 10,000 TPP = 26,900,000 TPP = the LPP limit (rulesets/us-ai-diffusion-2025-01.yaml):
    no flag, room left 0. 2,691 units = 26,910,000 TPP: over by 10,000 TPP, room before 26,900,000."""
    c = ctx(DIFFUSION)
    assert flags_for(c, [], lpp_deal("A", 2690)) == []
    book = book_of(c, [lpp_deal("A", 2690)])
    (lpp,) = [lg for lg in ledgers(book, c) if lg.kind == "lpp"]
    assert (lpp.meta.limit, lpp.used, lpp.remaining, lpp.over) == (Decimal(26_900_000), Decimal(26_900_000), 0, False)
    assert lpp.meta.confidence == "primary"  # 15 CFR 740.29 read in BIS's EAR text
    (flag,) = flags_for(c, [], lpp_deal("A", 2691))
    assert (flag.kind, flag.remaining_before, flag.deal_amount, flag.over_by) == (
        "lpp", Decimal(26_900_000), Decimal(26_910_000), Decimal(10_000))
    assert "exceeds the room left (26,900,000 of 26,900,000 TPP) by 10,000" in str(flag)


def test_lpp_room_is_shared_by_deals_of_the_same_consignee_and_year(ctx):
    """1,000 units (10,000,000 TPP) already used: room 16,900,000 = 1,690 units exactly; 1,691 is
    10,000 over. Consignee names are compared without case or extra spaces."""
    c = ctx(DIFFUSION)
    first = lpp_deal("A", 1000)
    assert flags_for(c, [first], lpp_deal("B", 1690, consignee="CONSIGNEE  sdn bhd")) == []
    (flag,) = flags_for(c, [first], lpp_deal("B", 1691, consignee="consignee sdn bhd"))
    assert (flag.used_before, flag.remaining_before, flag.over_by) == (10_000_000, 16_900_000, 10_000)
    assert flags_for(c, [first], lpp_deal("B", 2690, consignee="Another Consignee")) == []


def test_lpp_calendar_year_boundary(ctx):
    """2,690 units on 2025-12-31 and 2,690 on 2026-01-01: two ledgers (2025, 2026), each exactly
    full. The same second deal on 2025-12-30 instead lands in 2025 and is 26,900,000 over."""
    c = ctx(DIFFUSION)
    dec31 = lpp_deal("A", 2690, date(2025, 12, 31))
    assert flags_for(c, [dec31], lpp_deal("B", 2690, date(2026, 1, 1))) == []
    (flag,) = flags_for(c, [dec31], lpp_deal("B", 2690, date(2025, 12, 30)))
    assert flag.key.endswith("|2025") and flag.over_by == 26_900_000
    book = book_of(c, [dec31, lpp_deal("B", 2690, date(2026, 1, 1))])
    assert [lg.key[-4:] for lg in ledgers(book, c, year=2025) if lg.kind == "lpp"] == ["2025"]
    assert [lg.key[-4:] for lg in ledgers(book, c, year=2026) if lg.kind == "lpp"] == ["2026"]


def test_lpp_counts_only_the_lines_it_is_for(ctx):
    """An H20 line (TPP 2,368, not 3A090) on an LPP deal does not use LPP room:
    2,690 x 10,000 + 100 x 2,368 still counts 26,900,000."""
    c = ctx(DIFFUSION)
    deal = make_deal("A", date(2025, 3, 3), ((T10K, 2690, "1.00"), (H20, 100, "1.00")), authorization="LPP")
    assert flags_for(c, [], deal) == []


def test_proposed_lpp_500_limit_in_h100(ctx):
    """us-proposed-2025-04 LPP-500: 7,916,000 TPP = 500 x 15,832 (H100). 500 H100 fit exactly;
    501 are 15,832 TPP over."""
    c = ctx(PROPOSED)
    assert flags_for(c, [], lpp_deal("A", 500, date(2025, 6, 2), part=H100, auth="LPP-500")) == []
    (flag,) = flags_for(c, [], lpp_deal("A", 501, date(2025, 6, 2), part=H100, auth="LPP-500"))
    assert (flag.limit, flag.over_by) == (Decimal(7_916_000), Decimal(15_832))


# --- regime switch ------------------------------------------------------------------------------


def test_same_deals_as_codified_and_as_enforced(ctx):
    """100 H100 to Malaysia on 2025-06-02 under LPP. As codified (AI diffusion) a licence is
    required worldwide, LPP is eligible and 1,583,200 TPP (100 x 15,832) is used of the
    consignee's 26,900,000. As enforced (us-enforced-2025-05) Malaysia needs no licence and
    there are no LPP or Tier 2 ledgers at all."""
    deal = lpp_deal("A", 100, date(2025, 6, 2), part=H100)
    codified, enforced = ctx(DIFFUSION), ctx(ENFORCED)
    dd = evaluate(codified, deal)
    assert dd.license_required is True and "LPP" in [e.id for e in dd.exceptions]
    assert dd.tpp_total == Decimal(1_583_200)
    (lpp,) = ledgers(book_of(codified, [deal]), codified)
    assert (lpp.kind, lpp.used, lpp.remaining) == ("lpp", 1_583_200, 25_316_800)
    assert evaluate(enforced, deal).license_required is False
    assert ledgers(book_of(enforced, [deal]), enforced) == []


# --- Tier 2 -------------------------------------------------------------------------------------


def test_tier2_allocation_with_and_without_g2g(ctx):
    """Tier 2 allocation 790,000,000 TPP (2025-2027) = 79,000 x 10,000. Two deals of 39,500 units
    to Malaysia reach it exactly; one more unit is 10,000 over. With a government-to-government
    agreement the allocation doubles to 1,580,000,000 and the same unit leaves 789,990,000."""
    plain, g2g = ctx(DIFFUSION), ctx(DIFFUSION, g2g_countries=frozenset({"MY"}))
    half = [make_deal(f"T{i}", date(2025 + i, 6, 2), ((T10K, 39_500, "1.00"),)) for i in (0, 1)]
    one_more = make_deal("T3", date(2027, 12, 31), ((T10K, 1, "1.00"),))
    assert flags_for(plain, half[:1], half[1]) == []
    (flag,) = flags_for(plain, half, one_more)
    assert (flag.kind, flag.key, flag.limit, flag.over_by) == ("tier2", "MY", 790_000_000, 10_000)
    assert flags_for(g2g, half, one_more) == []
    (t2,) = ledgers(book_of(g2g, half + [one_more]), g2g)
    assert (t2.meta.limit, t2.remaining, t2.meta.confidence) == (1_580_000_000, 789_990_000, "unverified")
    assert "doubled" in t2.meta.note


def test_tier2_ignores_lpp_tier1_and_deals_outside_2025_2027(ctx):
    c = ctx(DIFFUSION)
    deals = [lpp_deal("L", 10), make_deal("DE", destination="DE", consignee_country="DE"),
             make_deal("2028", date(2028, 1, 1))]
    assert [lg.kind for lg in ledgers(book_of(c, deals), c)] == ["lpp"]


# --- H200 window: China volume at most 50% of US shipments ---------------------------------------


def test_h200_share_cap_floor_of_half_us_shipments(ctx):
    """US shipments of the H200: 1,001 units. Cap = floor(1,001 x 50 / 100) = floor(500.5) = 500
    units to China/Macau. 300 + 200 = 500 fits exactly; a further unit (501) is flagged one over.
    Without a US figure the cap cannot be checked and the deal is flagged for that."""
    c = ctx(H200_RULE, us_shipments={H200: 1001})
    cn = dict(destination="CN", consignee_country="CN")
    a = make_deal("A", date(2026, 2, 2), ((H200, 300, "30000.00"),), **cn)
    b = make_deal("B", date(2026, 3, 2), ((H200, 200, "30000.00"),), **cn)
    assert flags_for(c, [a], b) == []
    (flag,) = flags_for(c, [a, b], make_deal("C", date(2026, 4, 1), ((H200, 1, "30000.00"),), **cn))
    assert (flag.kind, flag.limit, flag.remaining_before, flag.over_by) == ("h200_share", 500, 0, 1)
    (unchecked,) = flags_for(ctx(H200_RULE), [], a)
    assert unchecked.limit is None and "cannot be checked" in str(unchecked)


def test_h200_share_counts_only_china_macau_inside_the_window(ctx):
    """A B200 (TPP ~36,000, outside the window: presumption of denial) and an H200 to Malaysia
    do not count; an H200 to Hong Kong does."""
    c = ctx(H200_RULE, us_shipments={H200: 10})
    deals = [make_deal("B200", date(2026, 2, 2), (("NVIDIA-B200-SXM-192GB", 5, "1.00"),), destination="CN"),
             make_deal("MY", date(2026, 2, 2), ((H200, 5, "1.00"),), destination="MY"),
             make_deal("HK", date(2026, 2, 2), ((H200, 4, "1.00"),), destination="HK")]
    (share,) = [lg for lg in ledgers(book_of(c, deals), c) if lg.kind == "h200_share"]
    assert (share.key, share.used, share.meta.limit) == (H200, 4, 5)


# --- fees ---------------------------------------------------------------------------------------


def test_revenue_share_to_the_cent_and_by_quarter(ctx):
    """H20 to China: 3 x $12,345.67 = $37,037.01; 15% = $5,555.5515, rounded half-up $5,555.55
    (2025-Q3, deal on 09-30). 1 x $10,000.05 on 10-01: 15% = $1,500.0075 -> $1,500.01 (2025-Q4).
    A deal on 2025-08-10 (before the reported arrangement) and an H200 line owe nothing."""
    c = ctx(ENFORCED)
    cn = dict(destination="CN", consignee_country="CN")
    deals = [make_deal("Q3", date(2025, 9, 30), ((H20, 3, "12345.67"),), **cn),
             make_deal("Q4", date(2025, 10, 1), ((H20, 1, "10000.05"), (H200, 1, "30000.00")), **cn),
             make_deal("EARLY", date(2025, 8, 10), ((H20, 100, "12000.00"),), **cn)]
    fees = {lg.key: lg for lg in ledgers(book_of(c, deals), c) if lg.kind == "revenue_share"}
    assert {k: v.used for k, v in fees.items()} == {"2025-Q3": Decimal("5555.55"), "2025-Q4": Decimal("1500.01")}
    assert fees["2025-Q3"].meta.limit is None and fees["2025-Q3"].meta.note == "never codified"


def test_tariff_bands_and_their_edges(ctx):
    """From 2026-01-15, 25% of the value of band lines. H200 (TPP 15,832, 4,800 GB/s, band 1):
    10 x $30,000 = $300,000 -> $75,000. MI325X (20,919.2, 6,000 GB/s, band 2): 2 x $20,000.10 =
    $40,000.20 -> $10,000.05. TPP exactly 14,000 is outside band 1 (strict >); 14,008 is inside:
    1 x $1,000.02 -> $250.005 -> $250.01. TPP 20,800 with 5,800 GB/s is outside band 2 (strict at
    both ends, CBP CSMS 67400472). H100 (3,350 GB/s) is in no band. Total 2026-Q1: $85,250.06.
    The same H200 line on 2026-01-14 owes nothing."""
    c = ctx(H200_RULE)
    deal = make_deal("T", date(2026, 3, 31), ((H200, 10, "30000.00"), (MI325X, 2, "20000.10"),
                                              ("TEST-B1-EDGE", 1, "999.00"), ("TEST-B1-IN", 1, "1000.02"),
                                              ("TEST-B2-EDGE", 1, "4.00"), (H100, 1, "25000.00")), destination="MY")
    early = make_deal("E", date(2026, 1, 14), ((H200, 10, "30000.00"),), destination="MY")
    (tariff,) = [lg for lg in ledgers(book_of(c, [deal, early]), c) if lg.kind == "tariff"]
    assert (tariff.key, tariff.used) == ("2026-Q1", Decimal("85250.06"))
    (entry,) = tariff.entries
    assert entry.reference == "T"
    assert tariff.meta.confidence == "primary"  # both bands read in CBP CSMS 67400472


# --- NAC clock ----------------------------------------------------------------------------------


def test_nac_25_day_clock(ctx):
    """RTX 4090 (not for datacenters) to China under NAC, notified 2025-06-02: the review period
    ends 2025-06-27 (02 + 25). Exporting on 06-26 is flagged one day early; 06-27 is clear. An
    unrecorded notice is flagged too."""
    c = ctx(ENFORCED)
    part = "NVIDIA-RTX4090-24GB"
    early = make_deal("N", date(2025, 6, 26), ((part, 10, "1600.00"),), destination="CN", consignee_country="CN",
                      authorization="NAC", notified_on=date(2025, 6, 2))
    assert "NAC" in [e.id for e in evaluate(c, early).exceptions]
    (flag,) = check_deal(evaluate(c, early), LedgerBook(), c)
    assert flag.kind == "nac" and "1 days before the review period ends (2025-06-27)" in str(flag)
    on_time = early.model_copy(update={"deal_date": date(2025, 6, 27)})
    assert check_deal(evaluate(c, on_time), LedgerBook(), c) == []
    clock = nac_clock(evaluate(c, early), c)
    assert clock.days_elapsed(date(2025, 6, 12)) == 10 and clock.state(date(2025, 6, 12)).startswith("waiting: 15 of 25")
    unnotified = early.model_copy(update={"notified_on": None})
    (flag,) = check_deal(evaluate(c, unnotified), LedgerBook(), c)
    assert "notification not recorded" in str(flag)


# --- book mechanics -----------------------------------------------------------------------------


def test_cancel_and_edit_give_room_back(ctx):
    c = ctx(DIFFUSION)
    book = LedgerBook()
    deal = lpp_deal("A", 2690).model_copy(update={"id": 7})
    book.put(7, contributions(evaluate(c, deal), c))
    assert check_deal(evaluate(c, lpp_deal("B", 1)), book, c) != []
    # Editing deal 7 itself is checked against the others only (its old entry is replaced).
    assert check_deal(evaluate(c, deal), book, c) == []
    book.put(7, [])  # cancelled
    assert book.keys() == [] and check_deal(evaluate(c, lpp_deal("B", 2690)), book, c) == []


# --- boundaries found by mutating the ledger code ------------------------------------------------

EDGE_SPECS = {
    "B1-TPP-17500": dict(fp8_tflops=2187.5, memory_bandwidth_gbs=4800.0),  # TPP 17,500: band 1 is < 17,500
    "B1-BW-5000": dict(fp8_tflops=1979.0, memory_bandwidth_gbs=5000.0),  # DRAM 5,000: band 1 is < 5,000
    "B1-BW-4500": dict(fp8_tflops=1979.0, memory_bandwidth_gbs=4500.0),  # DRAM 4,500: band 1 is > 4,500
    "B2-TOP": dict(fp8_tflops=2637.5, memory_bandwidth_gbs=6200.0),  # TPP 21,100, DRAM 6,200: band 2 is < both
    "B2-IN": dict(fp8_tflops=2637.0, memory_bandwidth_gbs=6199.0),  # TPP 21,096, DRAM 6,199: inside band 2
    "B2-OVER": dict(fp8_tflops=2637.625, memory_bandwidth_gbs=6200.0),  # TPP 21,101
    "UNKNOWN-PD": dict(fp8_tflops=300.0),  # TPP 2,400, no die area: classification indeterminate
}
for _part, _values in EDGE_SPECS.items():
    SPECS[_part] = ProductSpec(part_number=_part, product_type="board", datacenter=True, **_values)


def test_tariff_band_upper_ends(ctx):
    """Band 1 upper ends are strict (TPP 17,500 and DRAM 5,000 are out), so is its lower DRAM end
    (4,500 is out); band 2 is strict too: out at 21,100 TPP / 6,200 GB/s and at 21,101 TPP, in at
    21,096 TPP / 6,199 GB/s. Only B2-IN owes tariff: 1 x $4.00 x 25% = $1.00."""
    c = ctx(H200_RULE)
    deal = make_deal("T", date(2026, 1, 15), tuple((p, 1, "4.00") for p in EDGE_SPECS if p != "UNKNOWN-PD"))
    (tariff,) = [lg for lg in ledgers(book_of(c, [deal]), c) if lg.kind == "tariff"]
    assert tariff.used == Decimal("1.00") and "B2-IN" in tariff.entries[0].note


def test_first_days_count(ctx):
    """Each window's first day counts: Tier 2 from 2025-01-01, revenue share from 2025-08-11,
    tariff and the H200 share from 2026-01-15; the day before does not."""
    diffusion, enforced = ctx(DIFFUSION), ctx(ENFORCED)
    h200 = ctx(H200_RULE, us_shipments={H200: 1000})
    cn = dict(destination="CN", consignee_country="CN")

    def kinds(c, deal):
        return sorted({lg.kind for lg in ledgers(book_of(c, [deal]), c)})

    assert kinds(diffusion, make_deal("A", date(2025, 1, 1), ((T10K, 1, "1.00"),))) == ["tier2"]
    assert kinds(diffusion, make_deal("A", date(2024, 12, 31), ((T10K, 1, "1.00"),))) == []
    assert kinds(enforced, make_deal("R", date(2025, 8, 11), ((H20, 1, "100.00"),), **cn)) == ["revenue_share"]
    assert kinds(h200, make_deal("H", date(2026, 1, 15), ((H200, 1, "100.00"),), **cn)) == ["h200_share", "h200_share_tpp", "tariff"]
    assert kinds(h200, make_deal("H", date(2026, 1, 14), ((H200, 1, "100.00"),), **cn)) == []


def test_revenue_share_only_for_china_and_macau(ctx):
    c = ctx(ENFORCED)
    assert ledgers(book_of(c, [make_deal("MY", date(2025, 9, 1), ((H20, 10, "12000.00"),))]), c) == []
    (fee,) = ledgers(book_of(c, [make_deal("MO", date(2025, 9, 1), ((H20, 10, "12000.00"),), destination="MO")]), c)
    assert fee.used == Decimal("18000.00")  # 10 x $12,000 x 15%


def test_lpp_counts_lines_of_unknown_classification(ctx):
    """A line whose classification is indeterminate (TPP 2,400 known, PD unknown) is counted
    against LPP (conservative): 2,690 x 10,000 + 2,400 = 26,902,400, 2,400 over."""
    c = ctx(DIFFUSION)
    deal = make_deal("A", date(2025, 3, 3), ((T10K, 2690, "1.00"), ("UNKNOWN-PD", 1, "1.00")), authorization="LPP")
    assert evaluate(c, deal).lines[1].determination.classification == "indeterminate"
    (flag,) = flags_for(c, [], deal)
    assert flag.over_by == 2400


def test_tier2_ignores_veu_authorizations(ctx):
    c = ctx(DIFFUSION)
    assert ledgers(book_of(c, [make_deal("V", lines=((T10K, 5, "1.00"),), authorization="UVEU")]), c) == []


def test_nac_clock_stops_at_the_review_period(ctx):
    c = ctx(ENFORCED)
    deal = make_deal("N", date(2025, 7, 1), (("NVIDIA-RTX4090-24GB", 1, "1.00"),), destination="CN",
                     authorization="NAC", notified_on=date(2025, 6, 2))
    clock = nac_clock(evaluate(c, deal), c)
    assert clock.days_elapsed(date(2025, 12, 31)) == 25 and clock.days_elapsed(date(2025, 5, 1)) == 0
    assert clock.state(date(2025, 6, 27)) == "review period over on 2025-06-27"
