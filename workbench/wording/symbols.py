"""Operator symbols, operator words and short metric names: defined once, for every language."""

from __future__ import annotations

from workbench.engine.words import METRIC_SHORT as METRIC_SHORT_EN
from workbench.engine.words import OP_SYMBOLS as OPS  # the engine's tables, defined once

OP_WORDS = {
    "en": {">=": "at or above", ">": "above", "<": "below", "<=": "at or below", "==": "equal to", "!=": "other than"},
    "zh": {">=": "达到或超过", ">": "超过", "<": "低于", "<=": "不超过", "==": "等于", "!=": "不等于"},
}

METRIC_SHORT = {
    "en": METRIC_SHORT_EN,
    "zh": {"tpp": "TPP", "performance_density": "性能密度", "memory_bandwidth_gbs": "显存带宽",
           "interconnect_bandwidth_gbs": "互联带宽", "hbm_bandwidth_density_gbs_mm2": "HBM 带宽密度",
           "transistors_billion": "晶体管数量", "process_node_nm": "工艺节点", "training_ops": "训练运算量",
           "die_area_mm2": "芯片面积"},
}


def op_symbol(op: str) -> str:
    return OPS.get(op, op)


def short_metric(metric: str, lang: str = "en") -> str:
    return METRIC_SHORT.get(lang, METRIC_SHORT["en"]).get(metric, metric)
