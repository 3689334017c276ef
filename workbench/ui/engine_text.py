"""Engine output in the UI language.

The engine (workbench.engine) is language-neutral: it returns structured determinations, and its
own sentences (``Determination.explanation``, ``compare.position``) are English. In English the UI
shows those unchanged. In Chinese this module renders the same facts from the structured fields,
with the memo's Chinese wording (workbench.io.memo.strings_zh: metric, field, policy and result
names following the glossary), so the PDF memo and the screen read from one table and cannot drift.
ECCN paragraphs, rule ids, citations and letter references stay as written.
"""

from __future__ import annotations

import re
from typing import Optional

from workbench.engine.conditions import MET, format_value
from workbench.engine.determine import INDETERMINATE_CLASS
from workbench.engine.spec import THROUGHPUT_BIT_LENGTH
from workbench.io.memo.strings import OPS, strings_for
from workbench.ui.i18n import current_language

_THROUGHPUT = set(THROUGHPUT_BIT_LENGTH) | {"tpp"}
_NOTE = re.compile(r"^(\w+) unknown: treated as (\w+) \(conservative reading\)$")
_MISSING_NOTE = re.compile(r"^missing input: ([\w, ]+)$")
# The short metric names of classify.py's "nearest threshold" text ("DRAM BW ≥ 4,000 (id)").
_NEAREST_SHORT = {"TPP": "tpp", "PD": "performance_density", "DRAM BW": "memory_bandwidth_gbs",
                  "interconnect": "interconnect_bandwidth_gbs", "HBM density": "hbm_bandwidth_density_gbs_mm2",
                  "transistors": "transistors_billion", "node": "process_node_nm", "training ops": "training_ops",
                  "die area": "die_area_mm2"}


def _lang(lang: Optional[str]) -> str:
    return lang or current_language()


def _zh(lang: Optional[str]) -> bool:
    return _lang(lang) == "zh"


def words(lang: Optional[str] = None):
    """The memo's wording object for the UI language (strings_en.English / strings_zh.Chinese)."""
    return strings_for(_lang(lang))


# --- single terms -------------------------------------------------------------------------------
def classification(shown: str, lang: Optional[str] = None) -> str:
    """A classification as displayed: paragraphs stay; "indeterminate" and "not 3A090/4A090" are worded."""
    if not _zh(lang):
        return shown
    if shown == INDETERMINATE_CLASS:
        return "无法判定"
    if shown.startswith("not "):
        return f"不受 {shown[4:]} 管制"
    if shown.startswith("not-"):
        return "不受管制"
    return shown


def result(value: str, lang: Optional[str] = None) -> str:
    """met / not met / indeterminate."""
    return words(lang).result(value) if _zh(lang) else value


def policy(key: Optional[str], lang: Optional[str] = None) -> str:
    """A review policy key (presumption_of_denial ...); "indeterminate" when its inputs are missing."""
    if not key:
        return ""
    if not _zh(lang):
        return key.replace("_", " ")
    if key == "indeterminate":
        return "无法判定"
    return words(lang).POLICIES.get(key, key.replace("_", " "))


def metric(criterion, lang: Optional[str] = None) -> str:
    """A criterion's label: the ruleset's own label in English, the glossary term in Chinese."""
    if not _zh(lang):
        return criterion.label or criterion.metric
    return words(lang).metric(criterion)


def metric_name(key: str, english: str, lang: Optional[str] = None) -> str:
    """A metric by its key (tpp, memory_bandwidth_gbs ...): ``english`` in English, the memo's term in Chinese."""
    return words(lang).METRICS.get(key, english) if _zh(lang) else english


def field(name: str, lang: Optional[str] = None) -> str:
    """A template field (die_area_mm2 ...): its name in English, its memo label in Chinese."""
    return words(lang).field(name) if _zh(lang) else name


def status(key: str, lang: Optional[str] = None) -> str:
    """A regime's status (codified, enforced, rescinded ...)."""
    return words(lang).STATUS.get(key, key) if _zh(lang) else key


def confidence(key: Optional[str], lang: Optional[str] = None) -> str:
    """A confidence level of rule text or data (primary, secondary, unverified)."""
    return words(lang).CONFIDENCE.get(key, key or "") if _zh(lang) else (key or "")


def value(v: object, lang: Optional[str] = None) -> str:
    if v is None:
        return "未知" if _zh(lang) else "unknown"
    if isinstance(v, bool) and _zh(lang):
        return "是" if v else "否"
    return format_value(v)


def note(criterion, lang: Optional[str] = None) -> str:
    """A criterion's note (the conservative reading of an unknown flag)."""
    text = criterion.note or ""
    if not text or not _zh(lang):
        return text
    gone = _MISSING_NOTE.match(text)
    if gone is not None:
        return "缺少输入：" + missing([f.strip() for f in gone.group(1).split(",")], lang)
    m = _NOTE.match(text)
    if m is None:
        return "平面工艺的逻辑芯片没有适用芯片面积" if "planar" in text else text  # as the memo words it
    shown = {"yes": "是", "no": "否", "True": "是", "False": "否"}.get(m.group(2), m.group(2))
    return f"{field(m.group(1), lang)}未知：按“{shown}”处理（保守解读）"


def missing(fields, lang: Optional[str] = None) -> str:
    """Missing inputs; the throughput columns and tpp read as one need (as the engine's sentence)."""
    names = list(dict.fromkeys(fields))
    if not _zh(lang):
        from workbench.engine.determine import describe_missing

        return describe_missing(names)
    s = words(lang)
    rest = [field(n, lang) for n in names if n not in _THROUGHPUT]
    if _THROUGHPUT & set(names):
        rest.insert(0, s.ANY_THROUGHPUT)
    return s.SEP.join(rest) or "输入数据"


def nearest(text: str, lang: Optional[str] = None) -> str:
    """classify.py's nearest-threshold text ("DRAM BW ≥ 4,000 (id)") with the metric in the UI language."""
    if not text or not _zh(lang):
        return text
    for short in sorted(_NEAREST_SHORT, key=len, reverse=True):
        if text.startswith(short + " "):
            name = words(lang).METRICS.get(_NEAREST_SHORT[short], short)
            return name + text[len(short):]
    return text


# --- sentences ----------------------------------------------------------------------------------
def _phrase(c, lang: str) -> str:
    if c.op == "is":
        return f"{metric(c, lang)} = {value(c.value, lang)}"
    return f"{metric(c, lang)} {value(c.value, lang)} {OPS.get(c.op, c.op)} {format_value(c.threshold)}"


def _head_zh(det) -> str:
    lang = "zh"
    if det.classification == INDETERMINATE_CLASS:
        could = " 或 ".join(classification(c, lang) for c in det.candidates)
        return f"无法判定（可能为 {could}）：缺少 {missing(det.missing, lang)}"
    if det.controlled:
        rule_id = next((r.id for r in det.rules if r.paragraph == det.paragraph and r.result == MET), None)
        met = [c for c in det.criteria if c.id == rule_id and c.result == MET and c.margin is not None]
        return f"{det.paragraph}，因为" + "，且".join(_phrase(c, lang) for c in met) if met else f"{det.paragraph}"
    head = f"{classification(det.paragraph or det.classification, lang)}：未满足任何管制条款"
    n = det.nearest
    if n is not None:
        side = "高于" if (n.margin or 0) >= 0 else "低于"
        head += (f"（最接近的红线：{metric(n, lang)} {value(n.value, lang)}，{side}阈值 {format_value(n.threshold)} "
                 f"达 {abs(n.margin_pct or 0):.1f}%，{n.id}）")
    return head


def _tail_zh(det, license_required) -> str:
    where = det.destination or det.end_user_hq
    if license_required is True:
        tail = f"；出口至 {where} 需要许可证"
        if det.review_policy:
            tail += f"，审查政策：{policy(det.review_policy, 'zh')}"
        if det.license_exceptions:
            tail += "；可适用的许可例外：" + "、".join(e.id for e in det.license_exceptions)
        return tail
    if license_required is False and det.destination:
        return f"；出口至 {det.destination} 无需许可证"
    return ""


def _letter_criteria(match) -> str:
    return "；".join(_phrase(c, "zh") for c in match.criteria if c.result == MET) or "；".join(match.brief)


def sentence(det, overlay=None, lang: Optional[str] = None) -> str:
    """The plain-language sentence of a determination (with open is-informed letters layered over it
    when ``overlay`` is given), e.g. '3A090.a.1 because TPP 15,832 ≥ 4,800; licence required for CN'."""
    if not _zh(lang):
        return overlay.explanation if overlay is not None else det.explanation
    head = _head_zh(det)
    binding = overlay.binding if overlay is not None else ()
    maybe = overlay.maybe if overlay is not None else ()
    if not binding and (not maybe or det.license_required is True):
        return head + _tail_zh(det, det.license_required)
    if not binding:
        return head + "；" + "；".join(f"告知函 {x.ref} 可能适用" for x in maybe)
    refs = "、".join(x.ref for x in binding)
    crit = "；".join(_letter_criteria(x) for x in binding)
    if det.license_required is True:
        return head + _tail_zh(det, True) + f"；另受告知函 {refs} 约束（{crit}）"
    where = " / ".join(filter(None, [det.destination, det.end_user_hq and f"总部位于 {det.end_user_hq} 的最终用户"]))
    return head + f"；依据告知函 {refs}，出口至 {where} 需要许可证（{crit}）"


def position(text: str, lang: Optional[str] = None) -> str:
    """A comparison cell (engine.compare.position: "3A090.a.1 / licence (case by case) / NAC",
    "not 3A090/4A090 / no licence", "indeterminate") in the UI language."""
    if not _zh(lang):
        return text
    parts = text.split(" / ")
    out = [classification(parts[0], lang)]
    for part in parts[1:]:
        if part == "no licence":
            out.append("无需许可证")
        elif part.startswith("licence"):
            inner = part[len("licence"):].strip()
            if inner.startswith("(") and inner.endswith(")"):
                out.append(f"需要许可证（{policy(inner[1:-1].replace(' ', '_'), lang)}）")
            else:
                out.append("需要许可证")
        else:
            out.append(part.replace(",", "、"))
    return " / ".join(out)
