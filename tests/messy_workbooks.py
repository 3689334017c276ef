"""Officers' own product-line workbooks, generated (not one fixture): a merged title row above the
header, Chinese or English headers with units in brackets or trailing, a hidden sheet, a duplicate
part number, a text number with a thousands separator, a unit typed into a cell, a formula with
no saved value, a sparse column beside the dense one and a foreign price column. Two spelling
families, so no test is tuned to one file. Figures are the demo catalog's (resources/demo)."""

from __future__ import annotations

import csv
from pathlib import Path

from workbench.paths import resources_dir
from xlsx_builder import Formula, Sheet, write_xlsx

PARTS = ["NVIDIA-A100-SXM4-80GB", "NVIDIA-A800-PCIE-80GB", "NVIDIA-H100-SXM5-80GB", "NVIDIA-H100-PCIE-80GB",
         "NVIDIA-H800-SXM5-80GB", "NVIDIA-H20-HGX-96GB", "NVIDIA-H200-SXM-141GB", "NVIDIA-B200-SXM-192GB",
         "NVIDIA-L4-24GB", "NVIDIA-L20-48GB", "NVIDIA-L40S-48GB", "NVIDIA-RTX4090-24GB", "AMD-MI250X-128GB",
         "AMD-MI300X-192GB", "AMD-MI355X-288GB", "HUAWEI-ASCEND-910B"]

# (field, Chinese-style header, English-style header, scale written in the sheet)
COLUMNS = [
    ("part_number", "型号", "Part No.", 1),
    ("vendor", "厂商", "Manufacturer", 1),
    ("fp16_tflops", "FP16 算力 (TFLOPS)", "ＦＰ１６ Tensor Core [TFLOPS]", 1),
    ("fp8_tflops", "FP8 稠密算力（TFLOPS）", "FP8 dense TFLOPS", 1),
    ("fp8_sparse", "FP8 稀疏算力 (TFLOPS)", "FP8 TFLOPS with sparsity", 1),
    ("int8_tops", "INT8 峰值算力 TOPS", "INT8 (TOPS)", 1),
    ("die_area_mm2", "芯片面积 (mm²)", "Die size (mm2)", 1),
    ("non_planar", "非平面晶体管 (是/否)", "FinFET (Y/N)", 1),
    ("memory_bandwidth_gbs", "显存带宽 (GB/s)", "Memory bandwidth (TB/s)", 1000),
    ("interconnect_bandwidth_gbs", "互联带宽 GB/s", "Interconnect bandwidth GB/s", 1),
    ("datacenter", "数据中心产品", "Data center product (yes/no)", 1),
    ("process_node_nm", "工艺制程 (nm)", "Process node nm", 1),
    ("transistors_billion", "晶体管数量（亿）", "Transistors (B)", 1),
    ("price", "价格 (USD)", "List price (USD)", 1),
    ("notes", "备注", "Remarks", 1),
]


def demo_records() -> dict[str, dict]:
    with open(resources_dir() / "demo" / "catalog.csv", encoding="utf-8") as fh:
        return {r["part_number"]: r for r in csv.DictReader(fh)}


def available_parts() -> list[str]:
    demo = demo_records()
    return [p for p in PARTS if p in demo] or list(demo)[:16]


def _cell(field: str, rec: dict, style: str, scale: int):
    if field == "price":
        return 25000
    if field == "fp8_sparse":
        return float(rec["fp8_tflops"]) * 2 if rec.get("fp8_tflops") else None
    value = rec.get(field) or None
    if value is None:
        return None
    if field in ("non_planar", "datacenter"):
        return ("是" if value == "yes" else "否") if style == "zh" else ("Y" if value == "yes" else "N")
    if field in ("part_number", "vendor", "notes"):
        return value[:40]
    if field == "transistors_billion" and style == "zh":
        return round(float(value) * 10, 6)  # written in 亿 (1e8)
    return float(value) / (scale if style == "en" else 1)


def messy_workbook(path: Path, style: str = "zh", *, duplicate: bool = True, formula_gap: bool = True) -> Path:
    demo = demo_records()
    parts = available_parts()
    headers = [zh if style == "zh" else en for _, zh, en, _ in COLUMNS]
    rows: list[list] = [["2026 产品线 — 出口管制复核" if style == "zh" else "Product line 2026 (internal)"] + [None] * 14,
                        headers]
    for part in parts:
        rows.append([_cell(f, demo[part], style, scale) for f, _, _, scale in COLUMNS])
    fp16 = [f for f, *_ in COLUMNS].index("fp16_tflops")
    # A text number with a thousands separator, and a unit typed into a cell (same figures).
    big = next(i for i, r in enumerate(rows[2:], start=2) if isinstance(r[fp16], float) and r[fp16] >= 1000)
    rows[big][fp16] = f"{rows[big][fp16]:,.0f}" if rows[big][fp16] == int(rows[big][fp16]) else f"{rows[big][fp16]:,}"
    rows[3][fp16] = f"{rows[3][fp16]:g} TFLOPS"
    if formula_gap:
        rows[5][fp16] = Formula("C3*2")
    if duplicate:
        rows.append(list(rows[7]))
    hidden = Sheet("旧数据" if style == "zh" else "old", [["型号", "FP16"], ["X-1", 1]], state="hidden")
    return write_xlsx(path, [hidden, Sheet("产品线" if style == "zh" else "Products", rows, merges=["A1:O1"])])
