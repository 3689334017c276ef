"""Engine results in words, rendered from the structured determination (never by re-parsing English).

The engine returns classifications, criteria (metric, operator, threshold, id), licence reasons
with codes and arguments (``Determination.license_reason_codes``) and letter matches. This module
turns them into English or Chinese sentences for the memo, the GUI and the command line. ECCN
paragraphs, rule ids, citations and quoted rule text (a requirement's description) stay as written.
"""

from __future__ import annotations

from typing import Optional

from workbench.wording.labels import field_label, missing_words, policy_label
from workbench.wording.numbers import fmt_num
from workbench.wording.symbols import OP_WORDS, OPS, short_metric

INDETERMINATE_CLASS = "indeterminate"


def _zh(lang: Optional[str]) -> bool:
    return lang == "zh"


def value_text(v: object, lang: Optional[str] = "en") -> str:
    if v is None:
        return "未知" if _zh(lang) else "unknown"
    if isinstance(v, bool):
        return ("是" if v else "否") if _zh(lang) else ("yes" if v else "no")
    return fmt_num(v)


def candidate_text(paragraph: str, lang: Optional[str] = "en") -> str:
    """A candidate paragraph of an indeterminate result; the engine's "not 3A090/4A090" is worded."""
    if _zh(lang) and paragraph.startswith("not "):
        return f"不受 {paragraph[4:]} 管制"
    return paragraph


def classification_text(det, lang: Optional[str] = "en", short: bool = False) -> str:
    """'3A090.a.1', 'not 3A090/4A090 (not-3A090)', 'indeterminate (could be 3A090.a.1 or ...)'."""
    if det.classification == INDETERMINATE_CLASS:
        if short:
            return "无法判定" if _zh(lang) else "indeterminate"
        could = (" 或 " if _zh(lang) else " or ").join(candidate_text(c, lang) for c in det.candidates)
        return f"无法判定（可能为 {could}）" if _zh(lang) else f"indeterminate (could be {could})"
    if not det.classification.startswith("not-"):
        return det.paragraph or det.classification
    if short:
        shown = det.paragraph or det.classification
        if _zh(lang):
            return f"不受 {shown[4:]} 管制" if shown.startswith("not ") else "不受管制"
        return shown
    return f"不受 3A090/4A090 管制（{det.paragraph}）" if _zh(lang) else (det.paragraph or det.classification)


def nearest_text(criterion, lang: Optional[str] = "en") -> str:
    """A nearest criterion as data rendered: 'DRAM BW ≥ 4,000 (id)' / '显存带宽 ≥ 4,000 (id)'."""
    if criterion is None:
        return ""
    return f"{short_metric(criterion.metric, lang or 'en')} {OPS.get(criterion.op, criterion.op)} " \
           f"{fmt_num(criterion.threshold)} ({criterion.id})"


def criterion_phrase(c, lang: Optional[str] = "en", label: Optional[str] = None) -> str:
    """'TPP 15,832 ≥ 4,800' / '总处理性能 (TPP) 15,832 ≥ 4,800' (Chinese uses the glossary term)."""
    from workbench.wording.labels import metric_label

    name = label or (metric_label(c, "zh") if _zh(lang) else short_metric(c.metric, "en"))
    if c.op == "is":
        return f"{name} = {value_text(c.value, lang)}"
    return f"{name} {value_text(c.value, lang)} {OPS.get(c.op, c.op)} {fmt_num(c.threshold)}"


def met_phrases(det, lang: Optional[str] = "en") -> list[str]:
    """The criteria of the deciding rule, each 'its TPP of 15,832 is at or above 4,800 (+229.8%)'."""
    from workbench.wording.numbers import fmt_pct

    rule = next((r for r in det.rules if r.paragraph == det.paragraph and r.result == "met"), None)
    if rule is None:
        return []
    words = OP_WORDS["zh" if _zh(lang) else "en"]
    out = []
    for c in det.criteria:
        if c.id == rule.id and c.result == "met" and c.margin is not None:
            if _zh(lang):
                out.append(f"其{short_metric(c.metric, 'zh')}为 {fmt_num(c.value)}，{words.get(c.op, c.op)}阈值 "
                           f"{fmt_num(c.threshold)}（余量 {fmt_pct(c.margin_pct)}）")
            else:
                out.append(f"its {short_metric(c.metric)} of {fmt_num(c.value)} is {words.get(c.op, c.op)} "
                           f"{fmt_num(c.threshold)} ({fmt_pct(c.margin_pct)})")
    return out


def reason_text(code: str, args: tuple, lang: Optional[str] = "en") -> str:
    """One licence reason from its code and arguments (engine.determine license_reason_codes)."""
    zh = _zh(lang)
    if code == "not_evaluated":
        return "未指定目的地：不评估许可证要求。" if zh else "No destination given: licence position not evaluated."
    if code == "indeterminate":
        could = (" 或 " if zh else " or ").join(candidate_text(c, lang) for c in args[0])
        return (f"分类无法判定（可能为 {could}）：补齐缺失数据之前无法判定许可证要求。" if zh else
                f"Classification indeterminate (could be {could}): the licence position cannot be decided "
                "until the missing figures are given.")
    if code == "domestic":
        return f"{args[0]} 属于美国（15 CFR 772.1）：不构成出口。" if zh else \
            f"{args[0]} is part of the United States (15 CFR 772.1): not an export."
    if code == "hq_not_given":
        return f"未提供最终用户总部所在地：未核查 {args[0]}。" if zh else \
            f"End user's headquarters not given: {args[0]} ({args[1]}) not checked."
    if code == "requirement":
        rid, description, citation = args
        return f"{rid}（法规原文）：“{description}” [{citation}]" if zh else f"{description} [{citation}]"
    if code == "flag":  # a product flag (GP10 guidance): its title and text are quoted as written
        title, description, citation = args
        return f"{title}（原文）：“{description}” [{citation}]" if zh else f"{title}: {description} [{citation}]"
    if code == "groups_unknown":
        ids = ("、" if zh else ", ").join(args[0])
        return f"以下条款的国家组数据标记为未知：{ids}" if zh else f"Country-group data marked unknown for: {ids}"
    if code == "no_requirement":
        regime, classification, dest, hq = args
        if zh:
            where = dest or f"总部位于 {hq} 的最终用户"
            return f"{regime} 的许可证要求均不涵盖出口至 {where} 的 {classification}。"
        where = dest or f"an end user headquartered in {hq}"
        return f"No licence requirement of {regime} covers {classification} for {where}."
    return code


def licence_reasons(pos, lang: Optional[str] = "en", letters_in_full: bool = True) -> list[str]:
    """The reasons behind a licence position, letters included, in ``lang``, each rendered from
    its code (engine.determine license_reason_codes). A binding letter replaces the regime's
    "no requirement covers ..." reason; letters are named with the criteria that caught the product."""
    det = getattr(pos, "det", pos)
    overlay = getattr(pos, "overlay", None)
    binding = overlay.binding if overlay is not None else ()
    maybe = overlay.maybe if overlay is not None else ()
    codes = det.license_reason_codes or ()
    if codes:
        out = [reason_text(code, args, lang) for code, args in codes
               if not (binding and det.license_required is not True and code == "no_requirement")]
    else:  # a determination from before reason codes: the engine's own (English) sentences
        out = list(det.license_reasons)
    for m in binding:
        if not letters_in_full:  # the letter's own section says what caught the product
            out.append(f"告知函 {m.ref} 要求申领许可证（见告知函一节）" if _zh(lang) else
                       f"Licence required under letter {m.ref} (see the letters section).")
            continue
        crit = ("；" if _zh(lang) else "; ").join(letter_criteria(m, lang))
        out.append(f"依据告知函 {m.ref}（收函方：{m.addressee}）需要许可证：{crit}" if _zh(lang) else
                   f"Licence required under letter {m.ref} (addressed to {m.addressee}): {crit}.")
    if not binding:
        out += [letter_may_text(m, lang) for m in maybe]
    return out


def letter_criteria(match, lang: Optional[str] = "en") -> list[str]:
    """What caught the product under a letter: its met criteria (or the part-number listing)."""
    met = [c for c in getattr(match, "criteria", ()) if c.result == "met"]
    if not _zh(lang):
        return list(match.brief) or list(match.matched)
    out = [criterion_phrase(c, lang) for c in met]
    cov = getattr(match, "cov", None)
    if cov is not None and getattr(cov, "listed", None) is not None:
        out.insert(0, "料号在告知函列出的范围内")
    return out or list(match.brief)


def letter_may_text(match, lang: Optional[str] = "en") -> str:
    if not _zh(lang):
        return match.reason
    if match.missing:
        return f"告知函 {match.ref} 可能适用（缺少 {missing_words(match.missing, 'zh')}）"
    return f"告知函 {match.ref} 可能适用"


def sentence(pos, lang: Optional[str] = "en") -> str:
    """The plain-language sentence of a licence position (letters included), in ``lang``."""
    det = getattr(pos, "det", pos)
    overlay = getattr(pos, "overlay", None)
    if not _zh(lang):
        return overlay.explanation if overlay is not None else det.explanation
    head = _head_zh(det)
    binding = overlay.binding if overlay is not None else ()
    maybe = overlay.maybe if overlay is not None else ()
    if not binding and (not maybe or det.license_required is True):
        return head + _tail_zh(det, det.license_required)
    if not binding:
        return head + "；" + "；".join(letter_may_text(x, "zh") for x in maybe)
    refs = "、".join(x.ref for x in binding)
    crit = "；".join(s for x in binding for s in letter_criteria(x, "zh"))
    if det.license_required is True:
        return head + _tail_zh(det, True) + f"；另受告知函 {refs} 约束（{crit}）"
    where = " / ".join(filter(None, [det.destination, det.end_user_hq and f"总部位于 {det.end_user_hq} 的最终用户"]))
    return head + f"；依据告知函 {refs}，出口至 {where} 需要许可证（{crit}）"


def _head_zh(det) -> str:
    if det.classification == INDETERMINATE_CLASS:
        could = " 或 ".join(candidate_text(c, "zh") for c in det.candidates)
        return f"无法判定（可能为 {could}）：缺少 {missing_words(det.missing, 'zh') or '输入数据'}"
    if det.controlled:
        rule_id = next((r.id for r in det.rules if r.paragraph == det.paragraph and r.result == "met"), None)
        met = [c for c in det.criteria if c.id == rule_id and c.result == "met" and c.margin is not None]
        return f"{det.paragraph}，因为" + "，且".join(criterion_phrase(c, "zh") for c in met) if met else f"{det.paragraph}"
    head = f"{classification_text(det, 'zh', short=True)}：未满足任何管制条款"
    n = det.nearest
    if n is not None:
        side = "高于" if (n.margin or 0) >= 0 else "低于"
        from workbench.wording.labels import metric_label

        head += (f"（最接近的红线：{metric_label(n, 'zh')} {value_text(n.value, 'zh')}，{side}阈值 "
                 f"{fmt_num(n.threshold)} 达 {abs(n.margin_pct or 0):.1f}%，{n.id}）")
    return head


def _tail_zh(det, license_required) -> str:
    where = det.destination or det.end_user_hq
    if license_required is True:
        tail = f"；出口至 {where} 需要许可证"
        if det.review_policy:
            tail += f"，审查政策：{policy_label(det.review_policy, 'zh')}"
        if det.license_exceptions:
            tail += "；可适用的许可例外：" + "、".join(e.id for e in det.license_exceptions)
        return tail
    if license_required is False and det.destination:
        return f"；出口至 {det.destination} 无需许可证"
    return ""


def note_text(criterion, lang: Optional[str] = "en") -> str:
    """A criterion's note, from the criterion's data where it says everything: an unknown flag read
    conservatively (value unknown, result known), a missing input (the fields, by their labels)."""
    c = criterion
    text = c.note or ""
    if not text:
        return ""
    if c.op == "is" and c.value is None and c.result in ("met", "not met") and isinstance(c.threshold, bool):
        used = c.threshold if c.result == "met" else not c.threshold  # the conservative reading applied
        if _zh(lang):
            return f"{field_label(c.metric, 'zh')}未知：按“{'是' if used else '否'}”处理（保守解读）"
        return f"{field_label(c.metric, 'en')} unknown: read as {'yes' if used else 'no'} (the conservative reading)"
    prefix = "missing input: "
    if text.startswith(prefix):
        names = [f.strip() for f in text[len(prefix):].split(",")]
        return ("缺少输入：" if _zh(lang) else "missing input: ") + missing_words(names, lang)
    if _zh(lang) and c.result == "not met" and c.value is None:  # a quantity that does not apply (planar: no PD)
        return "平面工艺的逻辑芯片没有适用芯片面积" if "planar" in text else text
    return text
