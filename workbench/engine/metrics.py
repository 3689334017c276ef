"""Derived metrics: Total Processing Performance and performance density.

TPP = max over supported precisions of (dense throughput x bit length). Datasheet TOPS already
count a multiply-accumulate as two operations, so nothing is doubled again (fact sheet §12).
Performance density = TPP / applicable die area, and only for non-planar (FinFET/GAA) logic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

from workbench.engine.spec import THROUGHPUT_BIT_LENGTH, ProductSpec

# A declared vendor TPP further than this from the computed one is flagged for the user.
DECLARED_TPP_TOLERANCE_PCT = 3.0

NUMERIC_METRICS: dict[str, str] = {
    "tpp": "Total processing performance (TPP)",
    "performance_density": "Performance density (TPP per mm² of applicable die area)",
    "interconnect_bandwidth_gbs": "Aggregate bidirectional interconnect bandwidth (GB/s)",
    "memory_bandwidth_gbs": "Total DRAM bandwidth (GB/s)",
    "hbm_bandwidth_density_gbs_mm2": "HBM memory bandwidth density (GB/s/mm²)",
    "training_ops": "Training operations of the model",
    "transistors_billion": "Transistor count (billions)",
    "process_node_nm": "Process node (nm)",
    "die_area_mm2": "Applicable die area (mm²)",
}
FLAG_METRICS: dict[str, str] = {
    "datacenter": "Designed or marketed for datacenters",
    "non_planar": "Logic made on a non-planar transistor node",
    "has_hbm": "Contains high-bandwidth memory",
    "weights_published": "Model weights published",
}
CATEGORY_METRICS: dict[str, str] = {"product_type": "Product type"}


@dataclass(frozen=True)
class Metrics:
    """Metric values for one spec; ``None`` means unknown (see ``missing``) or not applicable."""

    values: dict[str, object]
    missing: dict[str, tuple[str, ...]]  # metric -> template fields the user must fill in
    not_applicable: dict[str, str]  # metric -> why it does not exist for this device
    tpp_computed: Optional[float]
    tpp_declared: Optional[float]
    tpp_basis: str  # "computed" | "declared"
    tpp_precision: Optional[str]  # the template column that gave the maximum
    tpp_discrepancy_pct: Optional[float]
    notes: tuple[str, ...] = field(default=())

    @property
    def tpp(self) -> Optional[float]:
        return self.values["tpp"]  # type: ignore[return-value]

    @property
    def performance_density(self) -> Optional[float]:
        return self.values["performance_density"]  # type: ignore[return-value]


def computed_tpp(spec: ProductSpec) -> tuple[Optional[float], Optional[str]]:
    """Highest dense throughput x bit length over the precisions the spec gives."""
    best: Optional[float] = None
    best_field: Optional[str] = None
    for name, bits in THROUGHPUT_BIT_LENGTH.items():
        figure = getattr(spec, name)
        if figure is None:
            continue
        candidate = figure * bits
        if best is None or candidate > best:
            best, best_field = candidate, name
    return best, best_field


def compute_metrics(spec: ProductSpec) -> Metrics:
    notes: list[str] = []
    missing: dict[str, tuple[str, ...]] = {}
    not_applicable: dict[str, str] = {}

    tpp_calc, precision = computed_tpp(spec)
    declared = spec.tpp
    discrepancy = None
    if tpp_calc is not None and declared is not None and tpp_calc > 0:
        discrepancy = (declared - tpp_calc) / tpp_calc * 100.0
        if not math.isfinite(discrepancy):  # a computed TPP next to zero: no percentage to give
            discrepancy = None
            notes.append(f"Declared TPP {declared:,.0f} differs from computed TPP {tpp_calc:.3g}; "
                         f"using the {spec.tpp_basis} figure.")
        elif abs(discrepancy) > DECLARED_TPP_TOLERANCE_PCT:
            notes.append(
                f"Declared TPP {declared:,.0f} differs from computed TPP {tpp_calc:,.0f} by "
                f"{discrepancy:+.1f}% (more than {DECLARED_TPP_TOLERANCE_PCT:g}%); "
                f"using the {spec.tpp_basis} figure."
            )
    if spec.tpp_basis == "declared" and declared is not None:
        tpp, basis = declared, "declared"
    elif tpp_calc is not None:
        tpp, basis = tpp_calc, "computed"
    elif declared is not None:
        tpp, basis = declared, "declared"
        notes.append("No throughput figures given; using the vendor-declared TPP.")
    else:
        tpp, basis = None, "computed"
        missing["tpp"] = tuple(THROUGHPUT_BIT_LENGTH) + ("tpp",)

    density: Optional[float] = None
    if spec.non_planar is False:
        not_applicable["performance_density"] = "planar-node logic has no applicable die area"
    else:
        needed = []
        if spec.non_planar is None:
            needed.append("non_planar")
        if spec.die_area_mm2 is None:
            needed.append("die_area_mm2")
        if tpp is None:
            needed.extend(missing["tpp"])
        if needed:
            missing["performance_density"] = tuple(needed)
        else:
            density = tpp / spec.die_area_mm2  # type: ignore[operator]

    values: dict[str, object] = {"tpp": tpp, "performance_density": density}
    for name in NUMERIC_METRICS:
        if name not in values:
            values[name] = getattr(spec, name)
            if values[name] is None:
                missing[name] = (name,)
    for name in FLAG_METRICS:
        values[name] = getattr(spec, name)
        if values[name] is None:
            missing[name] = (name,)
    values["product_type"] = spec.product_type

    return Metrics(
        values=values,
        missing=missing,
        not_applicable=not_applicable,
        tpp_computed=tpp_calc,
        tpp_declared=declared,
        tpp_basis=basis,
        tpp_precision=precision if basis == "computed" else None,
        tpp_discrepancy_pct=discrepancy,
        notes=tuple(notes),
    )
