"""Ledger benchmark: why the service keeps an incremental ledger book.

With N counted deals in the store, a pre-save check (determine the candidate deal, compare its
contributions with the book) is timed against rebuilding every ledger from scratch (determine
all N deals, sum their contributions), and one book update (an edit) against the same rebuild.
Then, through the service on a real database, a list refresh with every evaluation cached
against one from cold (what the deals list does after each save).
Both sides run in this process on the same deals, so the ratios are comparable across machines;
absolute times are printed only for context.

    .venv/bin/python bench/bench_ledgers.py [--deals 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.engine import ProductSpec  # noqa: E402
from workbench.engine.deals import Deal, DealLine, Party, determine_deal  # noqa: E402
from workbench.engine.ledgers import LedgerBook, LedgerContext, LedgerSettings, check_deal, contributions  # noqa: E402
from workbench.services.catalog import demo_batch  # noqa: E402
from workbench.services.deals import load_limits  # noqa: E402
from workbench.services.regimes import bundled_library  # noqa: E402

PARTS = ["NVIDIA-H100-SXM5-80GB", "NVIDIA-H200-SXM-141GB", "AMD-MI325X-256GB", "NVIDIA-H20-HGX-96GB",
         "NVIDIA-RTX4090-24GB", "NVIDIA-A100-SXM4-80GB"]


def make_deals(n: int, seed: int = 1) -> list[Deal]:
    rnd = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        dest = rnd.choice(["MY", "IN", "AE", "CN", "DE", "BR"])
        out.append(Deal(
            id=i, reference=f"B-{i}", deal_date=date(2025, 1, 20) + timedelta(days=rnd.randrange(700)),
            exporter="Acme", consignee=Party(name=f"Consignee {i % 97}", country=dest),
            end_user=Party(name=f"End user {i}", country=dest, parent_hq_country=rnd.choice([None, None, "CN"])),
            destination=dest, authorization=rnd.choice(["", "LPP", "NAC"]), status="shipped",
            lines=tuple(DealLine(part_number=rnd.choice(PARTS), quantity=rnd.randint(1, 500),
                                 unit_value_usd=Decimal(rnd.randint(100, 40000))) for _ in range(rnd.randint(1, 3)))))
    return out


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lib = bundled_library()
    specs = {r["part_number"]: ProductSpec(**{k: v for k, v in r.items() if v is not None}) for r in demo_batch().added}
    ctx = LedgerContext(lib.get("us-ai-diffusion-2025-01"), lib.countries, load_limits(), LedgerSettings(), specs)
    deals = make_deals(args.deals)
    candidate = make_deals(1, seed=99)[0].model_copy(update={"id": None})

    def rebuild():
        return LedgerBook.from_scratch((determine_deal(d, specs, ctx.regime, ctx.countries) for d in deals), ctx)

    book = rebuild()

    def check():
        return check_deal(determine_deal(candidate, specs, ctx.regime, ctx.countries), book, ctx)

    edited = deals[0].model_copy(update={"lines": candidate.lines})

    def update():
        book.put(edited.id, contributions(determine_deal(edited, specs, ctx.regime, ctx.countries), ctx))

    t_rebuild = timed(rebuild, args.repeat)
    t_check = timed(check, args.repeat * 20)
    t_update = timed(update, args.repeat * 20)
    print(f"deals: {args.deals}, ledgers: {len(book.keys())}")
    print(f"rebuild from scratch: {t_rebuild * 1000:9.2f} ms  (baseline, {args.deals / t_rebuild:,.0f} deals/s)")
    print(f"pre-save check:       {t_check * 1000:9.3f} ms  ratio {t_check / t_rebuild:.5f} of a rebuild "
          f"({t_rebuild / t_check:,.0f}x faster)")
    print(f"book update (edit):   {t_update * 1000:9.3f} ms  ratio {t_update / t_rebuild:.5f} of a rebuild "
          f"({t_rebuild / t_update:,.0f}x faster)")

    import tempfile

    from workbench.services.catalog import open_catalog
    from workbench.services.deals import DealService

    with tempfile.TemporaryDirectory() as tmp:
        conn = open_catalog(Path(tmp) / "bench.db")
        service = DealService(conn, lib)
        service.save_many([d.model_copy(update={"id": None}) for d in deals], allow_over_limit=True)
        rid = ctx.regime.id

        def cold():
            service.refresh()
            service.evaluate_all(rid)

        t_cold = timed(cold, args.repeat)
        service.evaluate_all(rid)
        t_warm = timed(lambda: service.evaluate_all(rid), args.repeat)
        conn.close()
    print(f"list refresh, cold:   {t_cold * 1000:9.2f} ms  (baseline)")
    print(f"list refresh, cached: {t_warm * 1000:9.2f} ms  ratio {t_warm / t_cold:.4f} ({t_cold / t_warm:,.0f}x faster)")


if __name__ == "__main__":
    main()
