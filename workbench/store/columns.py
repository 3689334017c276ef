"""The products table's columns: the canonical template fields, in template order.

The engine's ``ProductSpec`` defines these fields (``workbench.engine.spec.TEMPLATE_FIELDS``);
the store keeps its own copy so that opening, migrating and reading the catalog imports no
pydantic model (the catalog window is painted before the engine is imported). A test
keeps the two equal. The first migration's CREATE TABLE is built from this list, so it must
only ever grow through a new migration.
"""

from __future__ import annotations

PRODUCT_COLUMNS: tuple[str, ...] = (
    "part_number", "vendor", "name", "product_type", "datacenter", "fp64_tflops", "fp32_tflops", "tf32_tflops",
    "fp16_tflops", "bf16_tflops", "fp8_tflops", "int8_tops", "fp4_tflops", "int4_tops", "tpp", "die_area_mm2",
    "non_planar", "process_node_nm", "transistors_billion", "has_hbm", "memory_gb", "memory_bandwidth_gbs",
    "interconnect_bandwidth_gbs", "hbm_bandwidth_density_gbs_mm2", "training_ops", "weights_published", "source",
    "notes", "tpp_basis",
)
BOOL_COLUMNS = ("datacenter", "non_planar", "has_hbm", "weights_published")
TEXT_COLUMNS = ("part_number", "vendor", "name", "product_type", "source", "notes", "tpp_basis")
