"""Helpers shared by the deals and ledgers tests (not a test module)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workbench.engine.deals import Deal, DealLine, Party

H100 = "NVIDIA-H100-SXM5-80GB"  # TPP 15,832 (1,979 FP8 x 8), DRAM 3,350 GB/s
H200 = "NVIDIA-H200-SXM-141GB"  # TPP 15,832, DRAM 4,800 GB/s: tariff band 1, inside the H200 window
MI325X = "AMD-MI325X-256GB"  # TPP 20,919.2 (2,614.9 FP8 x 8), DRAM 6,000 GB/s: band 2
H20 = "NVIDIA-H20-HGX-96GB"  # TPP 2,368: not 3A090 under the 2023 rule


def make_deal(ref: str = "D-1", day: date = date(2025, 3, 3), lines=((H100, 10, "25000.00"),), *,
              destination: str = "MY", consignee: str = "Consignee Sdn Bhd", consignee_country: str = "MY",
              end_user_hq: str | None = None, parent_hq: str | None = None, status: str = "screened",
              authorization: str = "", notified_on: date | None = None, deal_id: int | None = None,
              exporter: str = "Acme Exports Inc") -> Deal:
    return Deal(
        id=deal_id, reference=ref, deal_date=day, exporter=exporter,
        consignee=Party(name=consignee, country=consignee_country),
        end_user=Party(name="End User Ltd", country=destination, hq_country=end_user_hq, parent_hq_country=parent_hq),
        destination=destination, end_use="AI training cluster", authorization=authorization,
        notified_on=notified_on, status=status,
        lines=tuple(DealLine(part_number=p, quantity=q, unit_value_usd=Decimal(v)) for p, q, v in lines))
