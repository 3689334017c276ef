"""Ledgers: how much room each limit has left, per regime, computed from deals.

Modules: limits (the limits file's model, LimitFlag), contributions, book, nac, flags.

Each counted deal contributes amounts to keyed ledgers (LPP per consignee and calendar year,
Tier 2 allocation per country, the H200 window's share of US shipments per product, revenue
share and tariff per quarter). A :class:`LedgerBook` holds those contributions by deal, so an
add, edit or cancel changes only that deal's entries; :func:`LedgerBook.from_scratch` recomputes
everything and must always agree (the stateful test checks it). The NAC 25-day clock is per
deal, not a sum, and is computed by :func:`nac_clocks`.

Figures: LPP limits come from the regime's licence exceptions (``quantity_limit_tpp``); every
other figure comes from resources/ledger_limits.yaml through the strict :class:`LedgerLimits`
model, each with its citation and confidence. All arithmetic is Decimal or integer.
"""

from workbench.engine.ledgers.limits import (  # noqa: F401
    Bound, CENT, Cited, H200Share, LedgerLimits, LimitFlag, NacNotification, RevenueShare, Tariff, TariffBand, Tier2Allocation, parse_limits)
from workbench.engine.ledgers.contributions import (  # noqa: F401
    Contribution, Kind, LedgerContext, LedgerEntry, LedgerKey, LedgerSettings, contributions, deal_fees, limit_decimal, percent_of, quantity_exceptions, quarter, tariff_band)
from workbench.engine.ledgers.book import (  # noqa: F401
    LedgerBook)
from workbench.engine.ledgers.nac import (  # noqa: F401
    NacClock, nac_clock, nac_clocks, nac_flags)
from workbench.engine.ledgers.flags import (  # noqa: F401
    Ledger, LedgerMeta, check_deal, describe, ledgers)
