"""The ledger limits: the strict model of resources/ledger_limits.yaml, each figure with its citation, and the flag raised when a deal would pass one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.engine.loader import parse_data_file
from workbench.engine.ruleset import Confidence


_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)
CENT = Decimal("0.01")


class Bound(BaseModel):
    """An interval: one lower end (gt or ge) and one upper end (lt or le)."""

    model_config = _STRICT
    gt: Optional[int] = None
    ge: Optional[int] = None
    lt: Optional[int] = None
    le: Optional[int] = None

    @model_validator(mode="after")
    def _one_each(self) -> "Bound":
        if (self.gt is None) == (self.ge is None) or (self.lt is None) == (self.le is None):
            raise ValueError("expected exactly one of gt/ge and exactly one of lt/le")
        return self

    def contains(self, x: Decimal) -> bool:
        low = x > self.gt if self.gt is not None else x >= self.ge
        high = x < self.lt if self.lt is not None else x <= self.le
        return low and high


class Cited(BaseModel):
    model_config = _STRICT
    citation: str = Field(min_length=1)
    confidence: Confidence


class Tier2Allocation(Cited):
    regimes: list[str]
    limit_tpp: int = Field(gt=0)
    g2g_multiplier: int = Field(ge=1)
    period_from: date
    period_to: date  # inclusive
    counted_classifications: list[str]
    excluded_authorizations: list[str]


class H200Share(Cited):
    regimes: list[str]
    max_percent_of_us_shipments: int = Field(gt=0, le=100)
    destinations: list[str]
    valid_from: date


class NacNotification(Cited):
    review_days: int = Field(gt=0)
    exception_ids: list[str]
    no_notice_exception_ids: list[str]


class RevenueShare(Cited):
    rate_percent: int = Field(gt=0, le=100)
    codified: bool
    products: list[str]  # part-number patterns (fnmatch, case-insensitive)
    destinations: list[str]
    valid_from: date


class TariffBand(Cited):
    id: str
    label: str
    tpp: Bound
    dram_bandwidth_gbs: Bound

    def contains(self, tpp: Optional[Decimal], bandwidth: Optional[Decimal]) -> Optional[bool]:
        if tpp is None or bandwidth is None:
            return None
        return self.tpp.contains(tpp) and self.dram_bandwidth_gbs.contains(bandwidth)


class Tariff(BaseModel):
    model_config = _STRICT
    rate_percent: int = Field(gt=0, le=100)
    valid_from: date
    citation: str
    bands: list[TariffBand] = Field(min_length=1)


class LedgerLimits(BaseModel):
    model_config = _STRICT
    schema_version: Literal[1]
    tier2_allocation: Tier2Allocation
    h200_us_share: H200Share
    nac_notification: NacNotification
    revenue_share: RevenueShare
    tariff: Tariff


def parse_limits(data: bytes, name: str = "ledger_limits.yaml") -> LedgerLimits:
    """Validate the data file; errors name the file, the key path and what was expected."""
    return parse_data_file(data, name, LedgerLimits)


@dataclass(frozen=True)
class LimitFlag:
    """A limit the deal would break (or could not be checked against), with the room left."""

    regime: str
    kind: str
    key: str
    title: str
    limit: Optional[Decimal]
    used_before: Decimal
    deal_amount: Decimal
    unit: str
    confidence: str

    @property
    def remaining_before(self) -> Optional[Decimal]:
        return None if self.limit is None else self.limit - self.used_before

    @property
    def over_by(self) -> Optional[Decimal]:
        return None if self.limit is None else self.used_before + self.deal_amount - self.limit

    def __str__(self) -> str:
        if self.kind == "nac":
            return f"{self.regime}: {self.title} [{self.confidence}]"
        if self.limit is None:
            return f"{self.regime}: {self.title}: cannot be checked ({self.deal_amount:,} {self.unit} in this deal)"
        return (f"{self.regime}: {self.title}: this deal's {self.deal_amount:,} {self.unit} exceeds the room left "
                f"({self.remaining_before:,} of {self.limit:,} {self.unit}) by {self.over_by:,} [{self.confidence}]")
