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

_NonNeg = Field(default=None, ge=0)


class ProductSpec(BaseModel):
    """One product line as the engine sees it. Field names are the canonical template headers."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)

    part_number: str = Field(min_length=1, max_length=200)
    vendor: Optional[str] = None
    name: Optional[str] = None
    product_type: ProductType = "ic"
    datacenter: Optional[bool] = None

    fp64_tflops: Optional[float] = _NonNeg
    fp32_tflops: Optional[float] = _NonNeg
    tf32_tflops: Optional[float] = _NonNeg
    fp16_tflops: Optional[float] = _NonNeg
    bf16_tflops: Optional[float] = _NonNeg
    fp8_tflops: Optional[float] = _NonNeg
    int8_tops: Optional[float] = _NonNeg
    fp4_tflops: Optional[float] = _NonNeg
    int4_tops: Optional[float] = _NonNeg
    tpp: Optional[float] = _NonNeg

    die_area_mm2: Optional[float] = Field(default=None, gt=0)
    non_planar: Optional[bool] = None
    process_node_nm: Optional[float] = Field(default=None, gt=0)
    transistors_billion: Optional[float] = _NonNeg
    has_hbm: Optional[bool] = None
    memory_gb: Optional[float] = _NonNeg
    memory_bandwidth_gbs: Optional[float] = _NonNeg
    interconnect_bandwidth_gbs: Optional[float] = _NonNeg
    hbm_bandwidth_density_gbs_mm2: Optional[float] = _NonNeg
    training_ops: Optional[float] = _NonNeg
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
