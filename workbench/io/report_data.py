"""What a memo and a workbook show, as plain data: services fill these in, io renders them.

The report flows downward: ``services.reports`` gathers the catalog, the engine's determinations
and the one licence position per product and regime (``services.classify``), then hands these
values to ``io.memo`` and ``io.workbook``, which import nothing from services or the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Optional

from workbench.engine import Determination, LoadedRegime, ProductSpec
from workbench.engine.metrics import Metrics


@dataclass(frozen=True)
class Provenance:
    part_number: str
    field: str
    value: object
    source: str
    confidence: Optional[str]
    note: Optional[str]


@dataclass(frozen=True)
class ProductReport:
    spec: ProductSpec
    metrics: Metrics
    determinations: tuple[Determination, ...]  # one per regime, in the order asked for
    provenance: tuple[Provenance, ...]
    # The one licence position per regime (services.classify.LicencePosition: letters applied),
    # aligned with ``determinations``; every licence statement of a report reads these.
    positions: tuple = ()


@dataclass(frozen=True)
class LetterHit:
    """One product under one regime that an is-informed letter binds (or may bind: a figure is missing)."""

    part_number: str
    regime: str
    result: str  # "binds" | "may bind"
    reason: str
    matched: tuple[str, ...]
    confidence: str
    # The same as data, so each language words it: the criteria met, whether the part number is listed,
    # and the figures a "may bind" is missing.
    met: tuple = ()
    listed: bool = False
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class LetterRef:
    """An is-informed letter as a memo or the workbook shows it, with the products it applies to."""

    ref: str
    addressee: str
    status: str
    received: str
    effective: str
    legal_basis: str
    summary: str
    destinations: str
    review_policy: str
    licence_required: bool
    hits: tuple[LetterHit, ...]

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


@dataclass(frozen=True)
class ReportContext:
    app_version: str
    generated_utc: datetime
    db_path: str
    audit_seq: int
    audit_head: str
    regimes: tuple[LoadedRegime, ...]
    countries_sha256: str
    destination: Optional[str]
    destination_name_en: Optional[str]
    destination_name_zh: Optional[str]
    end_user_hq: Optional[str]
    on: Optional[date]
    company: str = ""
    prepared_by: str = ""
    reviewed_by: str = ""
    memo_date: Optional[date] = None  # the date the memo speaks for (``on``, else the day it was written)
    enforced: tuple[str, ...] = ()  # ids of the regimes enforced on memo_date (engine.governance)
    history: tuple[tuple[str, str], ...] = ()  # (regime id, why it is history) for the appendix
    demo: bool = False  # the demo catalog: every page and sheet says DEMO DATA
    modified: tuple[str, ...] = ()  # regimes whose ruleset differs from the manifest
    letters_applied: bool = True
    rules_current_to: Optional[date] = None
    today: Optional[date] = None
    rules_in_use: str = ""  # "built-in rules" or "signed rule bundle N (SHA-256 ...)" (services.manifest.rules_in_use)
    # The party-screening list in the catalog when the data was read: (list date, file SHA-256,
    # entries), or None when no Consolidated Screening List snapshot has been loaded.
    screening_snapshot: Optional[tuple[date, str, int]] = None


@dataclass(frozen=True)
class MemoData:
    memo_id: str
    context: ReportContext
    products: tuple[ProductReport, ...]
    letters: tuple[LetterRef, ...]
    context_points: tuple[tuple[str, Optional[float], Optional[float]], ...]  # (part, tpp, pd) of the catalog
    # The history appendix (only on request): regimes not enforced on the memo date, and per
    # product (in ``products`` order) the licence position under each of them.
    history_regimes: tuple[LoadedRegime, ...] = ()
    history_positions: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class MemoResult:
    path: Path
    memo_id: str
    font: str  # which CJK font was used (or "none needed")
    font_embedded: bool
    pages: int


@dataclass
class ExportResult:
    path: Path
    products: int
    determinations: int
    flagged: list = field(default_factory=list)  # workbench.io.xlsx_safe.CellIssue


@dataclass(frozen=True)
class WorkbookData:
    context: ReportContext
    records: dict  # part -> template record, in part-number order
    products: tuple[ProductReport, ...]
    letters: tuple[LetterRef, ...]
    deals: Optional[tuple[str, tuple[str, ...], list[list[object]]]] = None  # (regime, headers, rows)


