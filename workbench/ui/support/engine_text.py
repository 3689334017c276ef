"""Engine output in the UI language.

A thin layer over workbench.wording (the one vocabulary of the GUI, the memo and the command
line) that picks the UI language. Sentences are rendered from the structured results (codes,
criteria as data); ECCN paragraphs, rule ids, citations and letter references stay as written.
"""

from __future__ import annotations

from typing import Optional

from workbench import wording as wd
from workbench.engine.words import INDETERMINATE_CLASS, format_value  # no pydantic: the column is worded before the engine loads
from workbench.ui.support.i18n import current_language

def _lang(lang: Optional[str]) -> str:
    return lang or current_language()


def _zh(lang: Optional[str]) -> bool:
    return _lang(lang) == "zh"


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
    return wd.result_label(value, _lang(lang))


def policy(key: Optional[str], lang: Optional[str] = None) -> str:
    """A review policy key (presumption_of_denial ...); "indeterminate" when its inputs are missing."""
    return wd.policy_label(key, _lang(lang)) if key else ""


def metric(criterion, lang: Optional[str] = None) -> str:
    """A criterion's label: the ruleset's own label in English, the glossary term in Chinese."""
    return wd.metric_label(criterion, _lang(lang))


def metric_name(key: str, english: str, lang: Optional[str] = None) -> str:
    """A metric by its key (tpp, memory_bandwidth_gbs ...): ``english`` in English, the glossary term in Chinese."""
    from workbench.wording.labels import METRICS_ZH

    return METRICS_ZH.get(key, english) if _zh(lang) else english


def field(name: str, lang: Optional[str] = None) -> str:
    """A template field (die_area_mm2 ...) by its human label, in the UI language."""
    return wd.field_label(name, _lang(lang))


def status(key: str, lang: Optional[str] = None) -> str:
    """A regime's status (codified, enforced, rescinded ...)."""
    return wd.regime_status_label(key, _lang(lang)) if _zh(lang) else key


def confidence(key: Optional[str], lang: Optional[str] = None) -> str:
    """A confidence level of rule text or data (primary, secondary, unverified)."""
    return wd.confidence_label(key, _lang(lang))


def value(v: object, lang: Optional[str] = None) -> str:
    if v is None:
        return "未知" if _zh(lang) else "unknown"
    if isinstance(v, bool) and _zh(lang):
        return "是" if v else "否"
    return format_value(v)


def note(criterion, lang: Optional[str] = None) -> str:
    """A criterion's note (a missing input, or the conservative reading of an unknown flag)."""
    from workbench.wording import note_text

    return note_text(criterion, _lang(lang))


def missing(fields, lang: Optional[str] = None) -> str:
    """Missing inputs by their labels; the throughput columns and tpp read as one need."""
    return wd.missing_words(fields, _lang(lang)) or ("输入数据" if _zh(lang) else "inputs")


def nearest(criterion, lang: Optional[str] = None) -> str:
    """A nearest criterion (data: metric, operator, threshold, id) in the UI language: 'DRAM BW ≥ 4,000 (id)'."""
    from workbench.wording import nearest_text

    return nearest_text(criterion, _lang(lang)) if criterion is not None else ""


# --- sentences ----------------------------------------------------------------------------------
def sentence(det, overlay=None, lang: Optional[str] = None) -> str:
    """The plain-language sentence of a determination, or of a licence position (services.classify)
    with the letters layered over it, e.g. '3A090.a.1 because TPP 15,832 ≥ 4,800; licence required for CN'."""
    from workbench.wording import sentence as render

    if overlay is not None:
        from types import SimpleNamespace

        det = SimpleNamespace(det=det, overlay=overlay)
    return render(det, _lang(lang))


def position(text: str, lang: Optional[str] = None) -> str:
    """A comparison cell (wording.position_text: "3A090.a.1 / licence required (case-by-case review) / NAC",
    "not 3A090/4A090 / no licence required", "... / licence required (letter REF) (policy not stated)")
    in the UI language."""
    if not _zh(lang):
        return text
    from workbench.wording.labels import POLICIES

    policy_keys = {v: k for k, v in POLICIES["en"].items()}
    parts = text.split(" / ")
    out = [classification(parts[0], lang)]
    for part in parts[1:]:
        if part.startswith(("licence", "indeterminate", "no licence", "not evaluated")):
            head, _, rest = part.partition(" (")
            word = {"licence required": "需要许可证", "no licence required": "无需许可证", "indeterminate": "无法判定",
                    "not evaluated": "未评估", "licence": "需要许可证", "no licence": "无需许可证"}.get(head, head)
            groups = [g.strip("()") for g in ("(" + rest).split(" (")] if rest else []
            extra = []
            for g in groups:
                if g.startswith(("letter ", "letters ")):
                    refs = g.split(" ", 1)[1]
                    may = refs.endswith(" may apply")
                    refs = refs[: -len(" may apply")] if may else refs
                    extra.append(f"告知函 {refs.replace(', ', '、')}" + (" 可能适用" if may else ""))
                else:
                    extra.append(policy(policy_keys.get(g, g.replace(" ", "_")), lang))
            out.append(word + "".join(f"（{x}）" for x in extra))
        else:
            out.append(part.replace(",", "、"))
    return " / ".join(out)


def op(symbol: str) -> str:
    """An operator as a symbol (≥, ≤, ≠ ...): the one table, workbench.wording."""
    return wd.op_symbol(symbol)


def licence(pos, lang: Optional[str] = None) -> str:
    """A licence position in words: 'licence required (letter REF)' / '需要许可证（告知函 REF）'."""
    return wd.licence_text(pos, _lang(lang))
