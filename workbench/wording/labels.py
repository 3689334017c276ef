"""Human labels for every template field, metric, status and policy, in English and Chinese.

The memo, the workbook, the product view and the command line read these tables, so a field is
called the same thing everywhere and no raw column name (``hbm_bandwidth_density_gbs_mm2``) reaches
a reader. Chinese follows the project glossary.
"""

from __future__ import annotations

from typing import Optional

PRECISION = {"fp64_tflops": "FP64", "fp32_tflops": "FP32", "tf32_tflops": "TF32", "fp16_tflops": "FP16",
             "bf16_tflops": "BF16", "fp8_tflops": "FP8", "int8_tops": "INT8", "fp4_tflops": "FP4", "int4_tops": "INT4"}

THROUGHPUT = set(PRECISION) | {"tpp"}

FIELDS = {
    "en": {
        "part_number": "Part number", "vendor": "Vendor", "name": "Product name", "product_type": "Product type",
        "datacenter": "Designed or marketed for datacenters", "tpp": "Declared TPP",
        "die_area_mm2": "Applicable die area (mm²)", "non_planar": "Non-planar transistor node",
        "process_node_nm": "Process node (nm)", "transistors_billion": "Transistors (billion)",
        "has_hbm": "Contains HBM", "memory_gb": "Memory (GB)", "memory_bandwidth_gbs": "Memory bandwidth (GB/s)",
        "interconnect_bandwidth_gbs": "Interconnect bandwidth, aggregate bidirectional (GB/s)",
        "hbm_bandwidth_density_gbs_mm2": "HBM bandwidth density (GB/s/mm²)", "training_ops": "Training operations",
        "weights_published": "Model weights published", "source": "Source", "notes": "Notes", "tpp_basis": "TPP basis",
        "performance_density": "Performance density (TPP per mm²)",
        **{k: f"{v} dense ({'TOPS' if k.endswith('_tops') else 'TFLOPS'})" for k, v in PRECISION.items()},
    },
    "zh": {
        "part_number": "料号", "vendor": "厂商", "name": "产品名称", "product_type": "产品类型",
        "datacenter": "是否为数据中心设计或营销", "tpp": "厂商申报的 TPP",
        "die_area_mm2": "适用芯片面积 (mm²)", "non_planar": "是否采用非平面晶体管工艺",
        "process_node_nm": "工艺节点 (nm)", "transistors_billion": "晶体管数量（十亿个）",
        "has_hbm": "是否含高带宽存储器 (HBM)", "memory_gb": "显存容量 (GB)", "memory_bandwidth_gbs": "显存带宽 (GB/s)",
        "interconnect_bandwidth_gbs": "互联带宽（双向合计，GB/s）",
        "hbm_bandwidth_density_gbs_mm2": "HBM 带宽密度 (GB/s/mm²)", "training_ops": "训练运算量",
        "weights_published": "模型权重是否公开", "source": "来源", "notes": "备注", "tpp_basis": "TPP 取值依据",
        "performance_density": "性能密度（每 mm² 的 TPP）",
        **{k: f"{v} 稠密算力 ({'TOPS' if k.endswith('_tops') else 'TFLOPS'})" for k, v in PRECISION.items()},
    },
}

METRICS_ZH = {
    "tpp": "总处理性能 (TPP)", "performance_density": "性能密度", "interconnect_bandwidth_gbs": "互联带宽 (GB/s)",
    "memory_bandwidth_gbs": "显存带宽 (GB/s)", "hbm_bandwidth_density_gbs_mm2": "HBM 带宽密度 (GB/s/mm²)",
    "training_ops": "训练运算量", "transistors_billion": "晶体管数量（十亿个）", "process_node_nm": "工艺节点 (nm)",
    "die_area_mm2": "芯片面积 (mm²)", "datacenter": "为数据中心设计或营销", "non_planar": "非平面晶体管工艺",
    "has_hbm": "含高带宽存储器 (HBM)", "weights_published": "模型权重已公开", "product_type": "产品类型",
}

RESULTS = {"en": {"met": "met", "not met": "not met", "indeterminate": "indeterminate"},
           "zh": {"met": "满足", "not met": "不满足", "indeterminate": "无法判定"}}

CONFIDENCE = {"en": {"primary": "primary", "secondary": "secondary", "unverified": "unverified", None: "not stated"},
              "zh": {"primary": "一手", "secondary": "二手", "unverified": "未核实", None: "未注明"}}

POLICIES = {
    "en": {"presumption_of_denial": "presumption of denial", "presumption_of_approval": "presumption of approval",
           "case_by_case": "case-by-case review", "license_free": "licence-free", "not_stated": "policy not stated",
           "indeterminate": "indeterminate"},
    "zh": {"presumption_of_denial": "推定拒绝", "presumption_of_approval": "推定批准", "case_by_case": "逐案审查",
           "license_free": "无需许可证", "not_stated": "未明确", "indeterminate": "无法判定"},
}

REGIME_STATUS = {
    "en": {"proposed": "proposed", "announced": "announced", "codified": "codified", "enforced": "in force",
           "suspended": "suspended", "rescinded": "rescinded", "superseded": "superseded"},
    "zh": {"proposed": "拟议", "announced": "已公布", "codified": "已编入法规", "enforced": "现行有效",
           "suspended": "暂停", "rescinded": "已撤销", "superseded": "已被取代"},
}

LETTER_STATUS = {
    "en": {"received": "received", "under_review": "under review", "response_due": "response due",
           "licence_applied": "licence applied", "granted": "granted", "denied": "denied",
           "withdrawn": "withdrawn", "closed": "closed"},
    "zh": {"received": "已收到", "under_review": "审查中", "response_due": "待答复", "licence_applied": "已申请许可证",
           "granted": "已批准", "denied": "已拒绝", "withdrawn": "已撤回", "closed": "已关闭"},
}

# Why a regime is history rather than law on the memo date (engine.governance.history_kind).
HISTORY_KIND = {
    "en": {"draft": "what-if draft", "proposed": "proposed", "not enforced": "codified, not enforced",
           "superseded": "superseded", "not yet in force": "not yet in force", "rescinded": "rescinded",
           "suspended": "suspended"},
    "zh": {"draft": "假设草案", "proposed": "拟议", "not enforced": "已编入法规但未执行", "superseded": "已被取代",
           "not yet in force": "尚未生效", "rescinded": "已撤销", "suspended": "暂停"},
}


def _lang(lang: Optional[str]) -> str:
    return "zh" if lang == "zh" else "en"


def field_label(name: str, lang: Optional[str] = "en") -> str:
    """A template field's human label ('Applicable die area (mm²)' / '适用芯片面积 (mm²)')."""
    return FIELDS[_lang(lang)].get(name, name.replace("_", " "))


def policy_label(key: Optional[str], lang: Optional[str] = "en") -> str:
    if not key:
        return "—"
    return POLICIES[_lang(lang)].get(key, key.replace("_", " "))


def regime_status_label(key: str, lang: Optional[str] = "en") -> str:
    return REGIME_STATUS[_lang(lang)].get(key, key)


def letter_status_label(key: str, lang: Optional[str] = "en") -> str:
    return LETTER_STATUS[_lang(lang)].get(key, key.replace("_", " "))


def history_label(kind: str, lang: Optional[str] = "en") -> str:
    return HISTORY_KIND[_lang(lang)].get(kind, kind)


def missing_words(fields, lang: Optional[str] = "en") -> str:
    """Missing template fields in words; the nine throughput columns plus tpp read as one need."""
    names = list(dict.fromkeys(fields))
    any_throughput = ("a dense throughput figure (any precision) or a declared TPP" if _lang(lang) == "en"
                      else "任一精度的稠密算力或厂商申报的 TPP")
    rest = [field_label(n, lang) for n in names if n not in THROUGHPUT]
    if THROUGHPUT & set(names):
        rest.insert(0, any_throughput)
    sep = ", " if _lang(lang) == "en" else "、"
    return sep.join(rest)


def metric_label(criterion, lang: Optional[str] = "en") -> str:
    """A criterion's metric: the ruleset's own label in English, the glossary term in Chinese."""
    if _lang(lang) == "zh":
        return METRICS_ZH.get(criterion.metric, criterion.label or criterion.metric)
    return criterion.label or criterion.metric


def result_label(value: str, lang: Optional[str] = "en") -> str:
    return RESULTS[_lang(lang)].get(value, value)


def confidence_label(key: Optional[str], lang: Optional[str] = "en") -> str:
    return CONFIDENCE[_lang(lang)].get(key, key or "")
