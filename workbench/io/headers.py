"""Header mapping for the canonical product template: canonical names plus common aliases.

Canonical names always work. Aliases cover what officers' spreadsheets actually say, in English
and Chinese (glossary: shared/reference/glossary.md). Matching ignores case, spaces, underscores,
hyphens and brackets, so "FP16 TFLOPS", "fp16_tflops" and "FP16 (TFLOPS)" are one header.
"""

from __future__ import annotations

import re

from workbench.engine.spec import TEMPLATE_FIELDS

ALIASES: dict[str, tuple[str, ...]] = {
    "part_number": ("part number", "part no", "pn", "sku", "model", "型号", "料号", "产品型号", "型號", "料號"),
    "vendor": ("manufacturer", "maker", "厂商", "供应商", "制造商", "廠商"),
    "name": ("product name", "product", "名称", "产品名称"),
    "product_type": ("type", "item type", "产品类型"),
    "datacenter": ("data center", "datacenter product", "designed for datacenters", "数据中心", "为数据中心设计或营销"),
    "fp64_tflops": ("fp64", "fp64 tflops dense"),
    "fp32_tflops": ("fp32", "fp32 tflops dense"),
    "tf32_tflops": ("tf32", "tf32 tflops dense"),
    "fp16_tflops": ("fp16", "fp16 tflops dense", "fp16 tensor tflops"),
    "bf16_tflops": ("bf16", "bf16 tflops dense"),
    "fp8_tflops": ("fp8", "fp8 tflops dense", "fp8 tensor tflops"),
    "int8_tops": ("int8", "int8 tops dense"),
    "fp4_tflops": ("fp4", "fp4 tflops dense"),
    "int4_tops": ("int4", "int4 tops dense"),
    "tpp": ("total processing performance", "declared tpp", "总处理性能"),
    "die_area_mm2": ("die size mm²", "die size mm2", "die area", "die size", "芯片面积", "裸片面积", "适用芯片面积", "晶片面積"),
    "non_planar": ("finfet", "non planar transistors"),
    "process_node_nm": ("process node", "node nm", "process nm", "工艺节点", "制程"),
    "transistors_billion": ("transistors", "transistor count billion", "晶体管数量"),
    "has_hbm": ("hbm",),
    "memory_gb": ("memory", "memory size gb", "显存", "显存容量"),
    "memory_bandwidth_gbs": ("memory bandwidth", "memory bandwidth gb s", "dram bandwidth", "显存带宽", "内存带宽", "記憶體頻寬"),
    "interconnect_bandwidth_gbs": ("interconnect bandwidth", "nvlink", "interconnect", "互联带宽", "互連頻寬"),
    "hbm_bandwidth_density_gbs_mm2": ("hbm bandwidth density", "memory bandwidth density"),
    "training_ops": ("training operations", "training compute"),
    "weights_published": ("open weights", "weights public"),
    "source": ("sources", "reference", "来源"),
    "notes": ("note", "comments", "备注"),
    "tpp_basis": ("tpp source",),
}


def normalise(header: str) -> str:
    """Case- and punctuation-insensitive key: 'Die size (mm²)' -> 'diesizemm²'."""
    return re.sub(r"[\s_\-()\[\]/:：（）]+", "", header.strip().lower())


_LOOKUP: dict[str, str] = {}
for _field in TEMPLATE_FIELDS:
    _LOOKUP[normalise(_field)] = _field
    for _alias in ALIASES.get(_field, ()):
        _LOOKUP.setdefault(normalise(_alias), _field)


def map_header(header: str) -> str | None:
    """The template field a header stands for, or None when it is not recognised."""
    return _LOOKUP.get(normalise(header)) if header else None
