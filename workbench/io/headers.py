"""Recognising an officer's column headers: which template field a header stands for, in which
unit, and how sure we are.

A header is normalised (NFKC, so full-width letters and ``²`` become ASCII; case; brackets
「」（）()[]【】 and punctuation become spaces), its unit is separated (bracketed or trailing:
TFLOPS, TOPS, GB/s, TB/s, mm², GB, nm, W ...) and checked against the field's unit (converted
with a note, or refused naming the header), and the remaining words are matched against English
and Chinese aliases (glossary: shared/reference/glossary.md). Precision words (FP16, BF16, INT8 ...)
decide which throughput field a figure belongs to. A column marked sparse is never mapped to a
dense field on its own: TPP is computed from dense figures.

The outcome is a ``HeaderMatch``: ``exact`` and ``alias`` matches are mapped; ``probable`` ones
are offered ("probably fp16_tflops: map it?") and block the command line until the user maps or
ignores them; ``none`` is a foreign column (price, owner ...), listed but not blocking.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from workbench.engine.spec import TEMPLATE_FIELDS, THROUGHPUT_BIT_LENGTH

# Aliases as officers write them (after normalisation a header must equal one of these, with or
# without its unit). Chinese terms follow the glossary; traditional forms are included.
ALIASES: dict[str, tuple[str, ...]] = {
    "part_number": ("part number", "part no", "part #", "pn", "p n", "p/n", "sku", "model", "model number", "型号", "料号",
                    "产品型号", "型號", "料號", "产品料号", "芯片型号", "部件号", "型号/料号", "料号/型号", "型号 料号"),
    "vendor": ("manufacturer", "maker", "brand", "vendor name", "厂商", "供应商", "制造商", "廠商", "厂家", "品牌"),
    "name": ("product name", "product", "description", "名称", "产品名称", "名稱", "产品"),
    "product_type": ("type", "item type", "product type", "产品类型", "类型", "類型"),
    "datacenter": ("data center", "datacenter product", "data center product", "designed for datacenters",
                   "数据中心", "数据中心产品", "为数据中心设计或营销", "資料中心", "資料中心產品", "数据中心用"),
    "tpp": ("total processing performance", "declared tpp", "总处理性能", "總處理性能", "总处理性能tpp", "tpp总处理性能", "声明tpp"),
    "die_area_mm2": ("die size", "die area", "applicable die area", "芯片面积", "裸片面积", "适用芯片面积",
                     "晶片面積", "適用晶片面積", "die", "die size area", "芯片尺寸", "die面积"),
    "non_planar": ("finfet", "non planar transistors", "non planar", "gaafet", "3d transistors", "非平面晶体管",
                   "非平面", "非平面工艺", "是否finfet", "finfet工艺"),
    "process_node_nm": ("process node", "node", "process", "工艺节点", "工艺", "制程", "製程", "制程节点", "工艺制程", "制程工艺", "工艺节点nm", "节点", "制造工艺"),
    "transistors_billion": ("transistors", "transistor count", "晶体管数量", "晶体管", "晶体管数", "電晶體數量", "晶体管个数", "晶体管规模"),
    "has_hbm": ("hbm", "has hbm", "uses hbm", "高带宽存储器", "是否hbm", "使用hbm", "是否使用hbm", "是否采用hbm", "采用hbm"),
    "memory_gb": ("memory", "memory size", "memory capacity", "显存", "显存容量", "内存", "内存容量", "記憶體"),
    "memory_bandwidth_gbs": ("memory bandwidth", "dram bandwidth", "hbm bandwidth", "显存带宽", "内存带宽",
                             "記憶體頻寬", "存储带宽", "hbm带宽", "显存频宽", "内存频宽", "存储器带宽"),
    "interconnect_bandwidth_gbs": ("interconnect bandwidth", "nvlink", "nvlink bandwidth", "interconnect",
                                   "chip to chip bandwidth", "互联带宽", "互连带宽", "互連頻寬", "片间互联带宽", "互联", "片间互联", "nvlink带宽", "卡间互联带宽", "卡间互联", "互联速率", "i/o bandwidth", "io bandwidth"),
    "hbm_bandwidth_density_gbs_mm2": ("hbm bandwidth density", "memory bandwidth density", "带宽密度"),
    "training_ops": ("training operations", "training compute", "训练算力"),
    "weights_published": ("open weights", "weights public", "weights published", "权重公开"),
    "source": ("sources", "reference", "来源", "出处", "資料來源"),
    "notes": ("note", "comments", "comment", "remarks", "备注", "說明", "说明", "备注说明", "註記", "附注"),
    "tpp_basis": ("tpp source", "tpp basis"),
}

# Precision words (after normalisation) -> the dense throughput field they decide.
PRECISION_WORDS: dict[str, str] = {
    "fp64": "fp64_tflops", "双精度": "fp64_tflops",
    "fp32": "fp32_tflops", "单精度": "fp32_tflops",
    "tf32": "tf32_tflops",
    "fp16": "fp16_tflops", "半精度": "fp16_tflops",
    "bf16": "bf16_tflops",
    "fp8": "fp8_tflops",
    "int8": "int8_tops",
    "fp4": "fp4_tflops",
    "int4": "int4_tops",
}
# Words that say "a throughput figure" and nothing else (consumed next to a precision word).
_COMPUTE_WORDS = ("算力", "峰值", "稠密", "理论", "性能", "计算", "浮点", "张量", "dense", "peak", "tensor", "core",
                  "cores", "performance", "perf", "compute", "throughput", "theoretical", "flops", "ops", "max",
                  "matrix", "non sparse", "without sparsity", "无稀疏", "非稀疏")
_SPARSE_WORDS = ("with sparsity", "sparsity", "sparse", "稀疏")
# Filler a header may carry without changing its meaning.
_FILLER = ("per chip", "per gpu", "per device", "total", "value", "spec", "nominal", "stated", "(yes no)",
           "yes no", "yes/no", "y/n", "y n", "是/否", "是 否", "是否", "单卡", "每芯片", "标称", "数值",
           "hbm3e", "hbm3", "hbm2e", "hbm2", "gddr6x", "gddr6", "gddr7", "lpddr5x", "lpddr5", "ddr5")

# Units: normalised spelling -> (family, factor to the family's base unit).
UNITS: dict[str, tuple[str, float]] = {
    "tflops": ("flops", 1.0), "tflop/s": ("flops", 1.0), "tops": ("iops", 1.0), "pflops": ("flops", 1000.0),
    "pops": ("iops", 1000.0), "gflops": ("flops", 0.001),
    "gb/s": ("bw", 1.0), "gbps": ("bw", 1.0), "gbyte/s": ("bw", 1.0), "tb/s": ("bw", 1000.0), "tbps": ("bw", 1000.0),
    "mb/s": ("bw", 0.001),
    "mm2": ("area", 1.0), "mm^2": ("area", 1.0), "cm2": ("area", 100.0),
    "nm": ("length", 1.0),
    "gb": ("bytes", 1.0), "gib": ("bytes", 1.0), "tb": ("bytes", 1000.0), "mb": ("bytes", 0.001),
    "w": ("power", 1.0), "kw": ("power", 1000.0), "watts": ("power", 1.0),
    "gb/s/mm2": ("bwd", 1.0), "gb/s mm2": ("bwd", 1.0),
    "billion": ("count", 1.0), "bn": ("count", 1.0), "b": ("count", 1.0), "亿": ("count", 0.1), "亿个": ("count", 0.1),
    "十亿": ("count", 1.0), "十亿个": ("count", 1.0),
    "million": ("count", 0.001), "百万": ("count", 0.001),
    "usd": ("money", 1.0), "$": ("money", 1.0), "元": ("money", 1.0), "美元": ("money", 1.0), "人民币": ("money", 1.0), "rmb": ("money", 1.0), "cny": ("money", 1.0),
}
FIELD_FAMILY: dict[str, str] = {
    **{f: ("iops" if f.endswith("_tops") else "flops") for f in THROUGHPUT_BIT_LENGTH},
    "memory_bandwidth_gbs": "bw", "interconnect_bandwidth_gbs": "bw", "die_area_mm2": "area",
    "process_node_nm": "length", "memory_gb": "bytes", "hbm_bandwidth_density_gbs_mm2": "bwd",
    "transistors_billion": "count",
}
BASE_UNIT = {"flops": "TFLOPS", "iops": "TOPS", "bw": "GB/s", "area": "mm²", "length": "nm", "bytes": "GB", "bwd": "GB/s per mm²",
             "count": "billion"}
# Fields a numbers-with-a-unit column probably is, per unit family (first = most likely).
FAMILY_FIELDS: dict[str, tuple[str, ...]] = {
    "flops": tuple(f for f in THROUGHPUT_BIT_LENGTH if not f.endswith("_tops")),
    "iops": tuple(f for f in THROUGHPUT_BIT_LENGTH if f.endswith("_tops")), "bw": ("memory_bandwidth_gbs", "interconnect_bandwidth_gbs"),
    "area": ("die_area_mm2",), "length": ("process_node_nm",), "bytes": ("memory_gb",),
    "bwd": ("hbm_bandwidth_density_gbs_mm2",), "count": ("transistors_billion",),
}

_BRACKETS = str.maketrans({c: " " for c in "「」『』（）()[]【】{}<>《》:：,，;；|.#?？、"})
_DISPLAY = {"tflops": "TFLOPS", "tflop/s": "TFLOP/s", "tops": "TOPS", "pflops": "PFLOPS", "pops": "POPS",
            "gflops": "GFLOPS", "gb/s": "GB/s", "gbps": "GBps", "tb/s": "TB/s", "tbps": "TBps", "mb/s": "MB/s",
            "mm2": "mm²", "mm^2": "mm²", "cm2": "cm²", "gb": "GB", "gib": "GiB", "tb": "TB", "mb": "MB", "w": "W",
            "kw": "kW", "gb/s/mm2": "GB/s/mm²"}


def show_unit(unit: str) -> str:
    """A normalised unit as people write it: 'tb/s' -> 'TB/s'."""
    return _DISPLAY.get(unit, unit)
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_TRAILING_UNIT = re.compile(rf"(?:^|(?<=[\s\u4e00-\u9fff])|(?<=\d))({_UNIT_ALTERNATION})\s*$")
_INNER_UNIT = re.compile(r"(?:(?<=\s)|(?<=[\u4e00-\u9fff]))(tflops|tflop/s|tops|pflops|gb/s|tb/s|mm2|gbps|tbps)"
                         r"(?=\s|[\u4e00-\u9fff])")
_BRACKETED = re.compile(r"[(（\[【「]([^()（）\[\]【】「」]*)[)）\]】」]")

EXACT, ALIAS, PROBABLE, NONE = "exact", "alias", "probable", "none"


@dataclass(frozen=True)
class HeaderMatch:
    """What a header was recognised as. ``field`` is the proposed field (None: foreign column);
    ``confidence`` one of exact, alias, probable, none; ``factor`` multiplies the column's plain
    numbers (TB/s -> GB/s: 1000); ``note`` is said once for the column; ``problem`` refuses it."""
    header: str
    field: Optional[str]
    confidence: str
    unit: Optional[str] = None
    factor: float = 1.0
    note: Optional[str] = None
    problem: Optional[str] = None
    sparse: bool = False
    reason: str = ""

    @property
    def mapped(self) -> bool:
        return self.field is not None and self.confidence in (EXACT, ALIAS) and self.problem is None


def clean(text: str) -> str:
    """NFKC, lower case, brackets and separators to single spaces: 'ＦＰ16 算力（TFLOPS）' -> 'fp16 算力 tflops'."""
    text = unicodedata.normalize("NFKC", text).lower().replace("²", "2").replace("_", " ").replace("-", " ")
    text = text.replace("\u00a0", " ").replace("/ ", "/").replace(" /", "/")
    return re.sub(r"\s+", " ", text.translate(_BRACKETS)).strip()


def normalise(header: str) -> str:
    """Key with every space removed: 'Die size (mm²)' -> 'diesizemm2'."""
    return clean(header).replace(" ", "")


def split_unit(header: str) -> tuple[str, Optional[str]]:
    """(words, unit): the unit in brackets anywhere, else a trailing unit; normalised."""
    text = unicodedata.normalize("NFKC", header).replace("²", "2")
    for m in _BRACKETED.finditer(text):
        inner = clean(m.group(1))
        for candidate in (inner, inner.replace(" ", "")):
            if candidate in UNITS:
                return clean(text[:m.start()] + " " + text[m.end():]), candidate
    words = clean(text)
    m = _TRAILING_UNIT.search(words)
    if m and m.start(1) > 0:
        return words[:m.start(1)].strip(), m.group(1)
    m = _INNER_UNIT.search(words)  # "FP16 TFLOPS (dense)": a unit word inside the header
    if m and m.start(1) > 0:
        return re.sub(r"\s+", " ", words[:m.start(1)] + " " + words[m.end(1):]).strip(), m.group(1)
    return words, None


@lru_cache(maxsize=None)
def _alias_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for f in TEMPLATE_FIELDS:
        keys[normalise(f)] = f
    for f, aliases in ALIASES.items():
        for a in aliases:
            keys.setdefault(normalise(a), f)
    for word, f in PRECISION_WORDS.items():
        keys.setdefault(word, f)
    return keys


@lru_cache(maxsize=None)
def _template_keys() -> dict[str, str]:
    return {normalise(f): f for f in TEMPLATE_FIELDS}


def _strip_words(text: str, words: tuple[str, ...]) -> tuple[str, bool]:
    found = False
    for w in sorted(words, key=len, reverse=True):
        pattern = re.escape(w) if not w.isascii() else rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])"
        text, n = re.subn(pattern, " ", text)
        found = found or n > 0
    return re.sub(r"\s+", " ", text).strip(), found


def _check_unit(header: str, field: str, unit: Optional[str]) -> tuple[float, Optional[str], Optional[str]]:
    """(factor, note, problem) for a header's unit against the field's."""
    family = FIELD_FAMILY.get(field)
    if unit is None or family is None:
        if unit is not None and UNITS[unit][0] not in ("money",) and family is None:
            return 1.0, None, (f"column '{header}' is in {show_unit(unit)} but {field} takes no unit "
                               f"(expected a column for {field} without a unit, or --map it to another field)")
        return 1.0, None, None
    unit_family, factor = UNITS[unit]
    if unit_family != family:
        return 1.0, None, (f"column '{header}' is in {show_unit(unit)}, which {field} cannot take (expected "
                           f"{BASE_UNIT[family]}; map it to a field in {show_unit(unit)} or ignore it)")
    if factor != 1.0:
        return factor, f"column '{header}': values converted from {show_unit(unit)} to {BASE_UNIT[family]} (x{factor:g})", None
    return 1.0, None, None


@lru_cache(maxsize=4096)
def recognise(header: str) -> HeaderMatch:
    """Recognise one header (see the module's docstring)."""
    if header is None or not str(header).strip():
        return HeaderMatch("", None, NONE)
    header = str(header)
    keys = _alias_keys()
    whole = normalise(header)
    if whole in _template_keys():
        field = _template_keys()[whole]
        return HeaderMatch(header, field, EXACT if header.strip() == field else ALIAS, reason="template name")
    words, unit = split_unit(header)
    words, sparse = _strip_words(words, _SPARSE_WORDS)
    words, _ = _strip_words(words, _FILLER)
    key = words.replace(" ", "")
    field: Optional[str] = keys.get(key) if key else None
    confidence, reason = (ALIAS, "alias") if field else (NONE, "")
    if field is None and whole in keys:
        field, confidence, reason = keys[whole], ALIAS, "alias"
    if field is None:
        precision = [f for w, f in PRECISION_WORDS.items()
                     if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![0-9])" if w.isascii() else re.escape(w), words)]
        if len(set(precision)) == 1:
            rest = words
            for w in PRECISION_WORDS:
                rest = re.sub(rf"(?<![a-z0-9]){re.escape(w)}(?![0-9])" if w.isascii() else re.escape(w), " ", rest)
            rest, _ = _strip_words(rest, _COMPUTE_WORDS)
            field = precision[0]
            confidence, reason = (ALIAS, "precision word") if not rest.strip() else (PROBABLE, f"precision word, "
                                                                                         f"other words '{rest.strip()}'")
        elif len(set(precision)) > 1:
            return HeaderMatch(header, None, PROBABLE, unit, problem=None, sparse=sparse,
                               reason="names several precisions; map it to one field")
    if field is None and key:
        close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.82)
        if close:
            field, confidence, reason = keys[close[0]], PROBABLE, f"near '{close[0]}'"
    if field is None and unit is not None and UNITS[unit][0] in FAMILY_FIELDS:
        candidates = FAMILY_FIELDS[UNITS[unit][0]]
        if len(candidates) > 1:
            return HeaderMatch(header, None, PROBABLE, unit, sparse=sparse,
                               reason=f"figures in {show_unit(unit)}: one of {', '.join(candidates)}")
        field, confidence, reason = candidates[0], PROBABLE, f"figures in {show_unit(unit)}"
    if field is None:
        return HeaderMatch(header, None, NONE, unit, sparse=sparse)
    factor, note, problem = _check_unit(header, field, unit)
    if problem and confidence != ALIAS:
        return HeaderMatch(header, None, NONE, unit, sparse=sparse, reason=reason)
    if sparse and field in THROUGHPUT_BIT_LENGTH:
        return HeaderMatch(header, field, PROBABLE, unit, factor, note, None, True,
                           "marked sparse; TPP uses dense figures")
    return HeaderMatch(header, field, confidence, unit, factor, note, problem, sparse, reason)


def map_header(header: str) -> Optional[str]:
    """The template field a header surely stands for, or None (not recognised, or only probably)."""
    if not header:
        return None
    m = recognise(str(header))
    return m.field if m.mapped else None

