"""Random sequences of add / edit / cancel through the deals service (real SQLite store) keep
the service's incrementally updated ledger books equal to a recomputation from the stored deals.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from deals_helpers import H100, H20, H200, MI325X, make_deal
from workbench.engine.deals import STATUSES
from workbench.engine.ledgers import LedgerBook
from workbench.services.catalog import open_catalog
from workbench.services.deals import DealService
from workbench.services.regimes import bundled_library

REGIMES = ("us-ai-diffusion-2025-01", "us-proposed-2025-04", "us-h200-2026-01", "us-enforced-2025-05")
DAYS = [date(2025, 6, 2), date(2025, 8, 11), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 15),
        date(2026, 3, 31), date(2026, 4, 1)]
PARTS = [H100, H200, MI325X, H20, "NVIDIA-RTX4090-24GB"]

lines = st.lists(st.tuples(st.sampled_from(PARTS), st.integers(1, 3000),
                           st.sampled_from(["0.00", "1.01", "12345.67", "30000.00"])), min_size=1, max_size=3)
fields = st.fixed_dictionaries({
    "day": st.sampled_from(DAYS), "lines": lines, "destination": st.sampled_from(["MY", "CN", "HK", "DE"]),
    "consignee": st.sampled_from(["A Co", "a  co", "B Co"]), "authorization": st.sampled_from(["", "LPP", "LPP-500", "NAC"]),
    "status": st.sampled_from(STATUSES), "parent_hq": st.sampled_from([None, "CN"]),
})


def build(ref: str, f: dict, deal_id=None):
    return make_deal(ref, f["day"], tuple(f["lines"]), destination=f["destination"], consignee=f["consignee"],
                     authorization=f["authorization"], status=f["status"], parent_hq=f["parent_hq"], deal_id=deal_id)


class DealsMachine(RuleBasedStateMachine):
    deals = Bundle("deals")

    @initialize()
    def open(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="deals-sm-"))
        self.conn = open_catalog(self.tmp / "c.db")
        self.service = DealService(self.conn, bundled_library(), use_letters=False)
        # Built now (empty), then only updated one deal at a time: the invariant checks that the
        # very same book objects are kept (a rebuild would hide a bug in the incremental updates).
        self.books = {rid: self.service.book(rid) for rid in REGIMES}
        self.n = 0

    def teardown(self):
        if hasattr(self, "conn"):
            self.conn.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(target=deals, f=fields)
    def add(self, f):
        self.n += 1
        saved, _ = self.service.save(build(f"D{self.n}", f), allow_over_limit=True)
        return saved.id

    @rule(deal_id=deals, f=fields)
    def edit(self, deal_id, f):
        old = self.service.get(deal_id)
        self.service.save(build(old.reference, f, deal_id), allow_over_limit=True)

    @rule(deal_id=deals)
    def cancel(self, deal_id):
        self.service.cancel(deal_id)

    @invariant()
    def books_match_a_recomputation(self):
        if not hasattr(self, "service"):
            return
        for rid in REGIMES:
            kept = self.service.book(rid)
            assert kept is self.books[rid]
            fresh = LedgerBook.from_scratch((r.evaluation for r in self.service.evaluate_all(rid)),
                                            self.service.context(rid))
            assert kept.totals() == fresh.totals(), rid
            assert {k: kept.entries(k) for k in kept.keys()} == {k: fresh.entries(k) for k in fresh.keys()}, rid


DealsMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None, derandomize=True,
                                          suppress_health_check=[HealthCheck.too_slow])
test_ledgers_equal_a_recomputation = DealsMachine.TestCase
