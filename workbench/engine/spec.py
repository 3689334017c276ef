"""The product specification: the canonical template's fields as a validated model.

Units live in the field names (as in the import template) and in ``FIELD_UNITS``, so every
validation error can say which unit was expected. Empty means unknown, never zero.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbench.errors import UserError

ProductType = Literal["ic", "board", "server", "hbm", "model_weights"]

# Dense throughput columns and the bit length each contributes to TPP (fact sheet section 12:
# TF32 counted as 32 bits, the conservative reading; recorded in every determination).
THROUGHPUT_BIT_LENGTH: dict[str, int] = {
    "fp64_tflops": 64,
    "fp32_tflops": 32,
    "tf32_tflops": 32,
    "fp16_tflops": 16,
    "bf16_tflops": 16,
    "fp8_tflops": 8,
    "int8_tops": 8,
    "fp4_tflops": 4,
    "int4_tops": 4,
}

FIELD_UNITS: dict[str, str] = {
    **{name: ("TOPS (dense)" if name.endswith("_tops") else "TFLOPS (dense)") for name in THROUGHPUT_BIT_LENGTH},
    "tpp": "TPP (bit length x TOPS, vendor-declared)",
    "die_area_mm2": "mm²",
    "process_node_nm": "nm",
    "transistors_billion": "billions of transistors",
    "memory_gb": "GB",
    "memory_bandwidth_gbs": "GB/s",
    "interconnect_bandwidth_gbs": "GB/s",
    "hbm_bandwidth_density_gbs_mm2": "GB/s per mm²",
    "training_ops": "operations (e.g. 1e26)",
    "datacenter": "yes or no",
    "non_planar": "yes or no",
    "has_hbm": "yes or no",
    "weights_published": "yes or no",
    "product_type": "one of ic, board, server, hbm, model_weights",
    "part_number": "text, required",
    "tpp_basis": "computed or declared",
}

# The stated range of every figure: (lowest, highest), both allowed. Physical sizes (die area,
# process node) must be greater than 0, so their lowest is a small positive number; counts and
# throughputs may be 0. The highest values are far beyond any product (a 72-GPU rack is about
# 1.4 million dense FP4 TFLOPS; the largest die, a wafer-scale engine, about 46,000 mm²) and keep
# every derived figure (TPP = bit length x TOPS, performance density = TPP / die area) finite.
MAX_THROUGHPUT = 1e9
FIELD_RANGES: dict[str, tuple[float, float]] = {
    **{name: (0.0, MAX_THROUGHPUT) for name in THROUGHPUT_BIT_LENGTH},
    "tpp": (0.0, 64 * MAX_THROUGHPUT),
    "die_area_mm2": (0.01, 1e6),
    "process_node_nm": (0.1, 1e5),
    "transistors_billion": (0.0, 1e7),
    "memory_gb": (0.0, 1e9),
    "memory_bandwidth_gbs": (0.0, 1e9),
    "interconnect_bandwidth_gbs": (0.0, 1e9),
    "hbm_bandwidth_density_gbs_mm2": (0.0, 1e6),
    "training_ops": (0.0, 1e40),
}


def range_text(field: str) -> str:
    """'from 0 to 1,000,000,000': the stated range of a figure, for error messages."""
    low, high = FIELD_RANGES[field]
    low_text = f"{low:g}" if low else "0"
    return f"from {low_text} to {high:,.0f}" if high < 1e16 else f"from {low_text} to {high:g}"


def _bounded(field: str):
    low, high = FIELD_RANGES[field]
    return Field(default=None, ge=low, le=high)


class ProductSpec(BaseModel):
    """One product line as the engine sees it. Field names are the canonical template headers."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)

    part_number: str = Field(min_length=1, max_length=200)
    vendor: Optional[str] = None
    name: Optional[str] = None
    product_type: ProductType = "ic"
    datacenter: Optional[bool] = None

    fp64_tflops: Optional[float] = _bounded("fp64_tflops")
    fp32_tflops: Optional[float] = _bounded("fp32_tflops")
    tf32_tflops: Optional[float] = _bounded("tf32_tflops")
    fp16_tflops: Optional[float] = _bounded("fp16_tflops")
    bf16_tflops: Optional[float] = _bounded("bf16_tflops")
    fp8_tflops: Optional[float] = _bounded("fp8_tflops")
    int8_tops: Optional[float] = _bounded("int8_tops")
    fp4_tflops: Optional[float] = _bounded("fp4_tflops")
    int4_tops: Optional[float] = _bounded("int4_tops")
    tpp: Optional[float] = _bounded("tpp")

    die_area_mm2: Optional[float] = _bounded("die_area_mm2")
    non_planar: Optional[bool] = None
    process_node_nm: Optional[float] = _bounded("process_node_nm")
    transistors_billion: Optional[float] = _bounded("transistors_billion")
    has_hbm: Optional[bool] = None
    memory_gb: Optional[float] = _bounded("memory_gb")
    memory_bandwidth_gbs: Optional[float] = _bounded("memory_bandwidth_gbs")
    interconnect_bandwidth_gbs: Optional[float] = _bounded("interconnect_bandwidth_gbs")
    hbm_bandwidth_density_gbs_mm2: Optional[float] = _bounded("hbm_bandwidth_density_gbs_mm2")
    training_ops: Optional[float] = _bounded("training_ops")
    weights_published: Optional[bool] = None

    source: Optional[str] = None
    notes: Optional[str] = None
    # Which TPP the user trusts when the vendor declares one that differs from the computed one.
    tpp_basis: Literal["computed", "declared"] = "computed"


TEMPLATE_FIELDS: tuple[str, ...] = tuple(ProductSpec.model_fields)


class SpecError(UserError, ValueError):
    """A spec that failed validation, with one readable line per problem."""

    def __init__(self, problems: list[tuple[str, object, str]]):
        self.problems = problems  # (field, value, what was expected)
        super().__init__("; ".join(f"{f}: {v!r} is not valid (expected {e})" for f, v, e in problems))


def expected_for(field: str, err: dict) -> str:
    """What a field expected, from one pydantic error: the unit, then pydantic's own words."""
    if err["type"] == "extra_forbidden":
        return "a field of the canonical template"
    unit = FIELD_UNITS.get(field)
    if field in FIELD_RANGES and err["type"] in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{unit}, {range_text(field)}"
    return f"{unit}; {err['msg'].lower()}" if unit else err["msg"].lower()


def spec_errors(exc: ValidationError) -> list[tuple[str, object, str]]:
    """Turn a pydantic error into (field, value, expected) triples that name the unit."""
    problems = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "?"
        problems.append((field, err.get("input"), expected_for(field, err)))
    return problems


def make_spec(**values: object) -> ProductSpec:
    """Build a spec, raising SpecError (not pydantic's error) with unit-naming messages."""
    try:
        return ProductSpec(**values)
    except ValidationError as exc:
        raise SpecError(spec_errors(exc)) from None
