"""Header recognition: normalisation, the unit (bracketed, trailing or inside), aliases in
English and Chinese, precision words, sparse columns, and units a field cannot take."""

from __future__ import annotations

import pytest

from workbench.io.headers import recognise

MAPPED = [
    ("FP16 算力 (TFLOPS)", "fp16_tflops", 1.0), ("FP16算力(TFLOPS)", "fp16_tflops", 1.0),
    ("ＦＰ１６　ＴＦＬＯＰＳ", "fp16_tflops", 1.0), ("【BF16】峰值算力（TFLOPS）", "bf16_tflops", 1.0),
    ("FP16 TFLOPS (dense)", "fp16_tflops", 1.0), ("FP32 稠密算力", "fp32_tflops", 1.0),
    ("INT8 算力 (TOPS)", "int8_tops", 1.0), ("FP8 Tensor (PFLOPS)", "fp8_tflops", 1000.0),
    ("芯片面积 (mm²)", "die_area_mm2", 1.0), ("裸片面积 mm2", "die_area_mm2", 1.0), ("Die size [mm^2]", "die_area_mm2", 1.0),
    ("显存带宽 (GB/s)", "memory_bandwidth_gbs", 1.0), ("Memory bandwidth (TB/s)", "memory_bandwidth_gbs", 1000.0),
    ("互联带宽 GB/s", "interconnect_bandwidth_gbs", 1.0), ("NVLink带宽 GB/s", "interconnect_bandwidth_gbs", 1.0),
    ("数据中心产品", "datacenter", 1.0), ("数据中心产品 (是/否)", "datacenter", 1.0),
    ("工艺 (nm)", "process_node_nm", 1.0), ("制程(nm)", "process_node_nm", 1.0),
    ("晶体管数量（亿）", "transistors_billion", 0.1), ("Transistors (B)", "transistors_billion", 1.0),
    ("显存 (GB)", "memory_gb", 1.0), ("内存 GB", "memory_gb", 1.0), ("显存容量 (TB)", "memory_gb", 1000.0),
    ("型号", "part_number", 1.0), ("Part No.", "part_number", 1.0), ("P/N", "part_number", 1.0),
    ("厂商", "vendor", 1.0), ("备注", "notes", 1.0), ("FinFET (Y/N)", "non_planar", 1.0),
]


@pytest.mark.parametrize("header,field,factor", MAPPED)
def test_officers_headers_map_with_their_unit(header, field, factor):
    m = recognise(header)
    assert (m.field, m.mapped, m.factor) == (field, True, factor)
    assert (m.note is not None) == (factor != 1.0)


@pytest.mark.parametrize("header", ["FP8 稀疏算力 (TFLOPS)", "FP8 TFLOPS with sparsity", "Sparse FP16", "FP16 TFLOPS（稀疏）"])
def test_a_sparse_column_is_only_proposed(header):
    m = recognise(header)
    assert m.sparse and not m.mapped and m.field in ("fp8_tflops", "fp16_tflops")


@pytest.mark.parametrize("header,field", [("FP16 TFLOP", "fp16_tflops"), ("Area (mm2)", "die_area_mm2"),
                                          ("Foo (TFLOPS)", None), ("FP16/BF16 TFLOPS", None)])
def test_near_matches_are_probable_not_mapped(header, field):
    m = recognise(header)
    assert m.confidence == "probable" and not m.mapped and m.field == field


@pytest.mark.parametrize("header", ["Price (USD)", "价格（美元）", "TDP (W)", "功耗(W)", "Owner", "序号"])
def test_foreign_columns_are_not_template_fields(header):
    m = recognise(header)
    assert m.field is None and m.confidence == "none"


def test_a_unit_the_field_cannot_take_is_a_problem_naming_the_header():
    m = recognise("显存 (W)")
    assert m.problem == "column '显存 (W)' is in W, which memory_gb cannot take (expected GB; map it to a field in W or ignore it)"
    assert recognise("FP16 (TOPS)").problem is not None  # TOPS is not TFLOPS for a floating-point field
