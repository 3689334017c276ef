"""The licence position in words: one phrase per position, the same in every output.

``licence_text`` is what the memo's summary and comparison, the workbook's Determinations sheet,
the catalog column and ``classify``/``compare`` print for a :class:`services.classify.LicencePosition`
(or anything with ``license_required``, ``binding``, ``maybe`` and ``det``), e.g.
"licence required (letter SAMPLE-BIS-2025-04-09-H20)" / "需要许可证（告知函 SAMPLE-BIS-2025-04-09-H20）".
"""

from __future__ import annotations

from typing import Optional

from workbench.wording.labels import policy_label

_EN = {"required": "licence required", "not_required": "no licence required", "undecided": "indeterminate",
       "not_evaluated": "not evaluated", "letter": "letter", "letters": "letters", "may": "may apply"}
_ZH = {"required": "需要许可证", "not_required": "无需许可证", "undecided": "无法判定",
       "not_evaluated": "未评估", "letter": "告知函", "letters": "告知函", "may": "可能适用"}


def _w(lang: Optional[str]) -> dict:
    return _ZH if lang == "zh" else _EN


def _evaluated(pos) -> bool:
    det = getattr(pos, "det", pos)
    return bool(det.destination or det.end_user_hq)


def licence_text(pos, lang: Optional[str] = "en") -> str:
    """'licence required (letter REF)', 'no licence required', 'indeterminate (letter REF may apply)', 'not evaluated'."""
    w = _w(lang)
    binding = tuple(getattr(pos, "binding", ()) or ())
    maybe = tuple(getattr(pos, "maybe", ()) or ())
    required = pos.license_required
    if not _evaluated(pos) and not binding:
        return w["not_evaluated"]
    if required is True:
        if binding:
            refs = ", ".join(binding) if lang != "zh" else "、".join(binding)
            word = w["letters"] if len(binding) > 1 else w["letter"]
            return f"{w['required']} ({word} {refs})" if lang != "zh" else f"{w['required']}（{word} {refs}）"
        return w["required"]
    if required is False:
        return w["not_required"]
    if maybe:
        refs = ", ".join(maybe) if lang != "zh" else "、".join(maybe)
        return (f"{w['undecided']} ({w['letter']} {refs} {w['may']})" if lang != "zh"
                else f"{w['undecided']}（{w['letter']} {refs} {w['may']}）")
    return w["undecided"]


def position_text(pos, lang: Optional[str] = "en", classification: Optional[str] = None) -> str:
    """Classification / licence (review policy) / exceptions: one comparison cell."""
    det = getattr(pos, "det", pos)
    if classification is None:
        from workbench.wording.engine_words import classification_text

        classification = classification_text(det, lang, short=True)
    parts = [classification]
    if _evaluated(pos) or getattr(pos, "binding", ()):
        text = licence_text(pos, lang)
        policy = getattr(pos, "review_policy", det.review_policy)
        if pos.license_required is True and policy:
            text += f" ({policy_label(policy, lang)})" if lang != "zh" else f"（{policy_label(policy, lang)}）"
        parts.append(text)
        if pos.license_required is True and det.license_exceptions:
            parts.append(", ".join(e.id for e in det.license_exceptions))
    return " / ".join(parts)
