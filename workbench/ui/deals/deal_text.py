"""Deal and ledger text in the UI language: a deal's position and reasons, ledger titles and
notes, NAC clock states.

The engine words these in English (DealDetermination.summary/reasons, LedgerMeta.title/note,
NacClock.state; the CLI and the workbook use them). English shows them unchanged; Chinese is built
here from the structured fields (ledger kind and key, the clock's dates, the determinations via
workbench.ui.engine_text); a ledger note is worded from its known forms, else shown as written.
"""

from __future__ import annotations

import re

from datetime import date

from workbench.ui import engine_text as et
from workbench.ui.i18n import current_language, tr

_RATE = re.compile(r"\((\d+(?:\.\d+)?)%")
_H200_NOTE = re.compile(r"^(\d+(?:\.\d+)?)% of ([\d,]+) units shipped to US customers$")
_TIER2_NOTE = re.compile(r"^(\d{4})-(\d{4}), (doubled: government-to-government agreement|no government-to-government agreement)$")
_PERIOD_NOTE = re.compile(r"^period '(.*)': counted per calendar year like LPP$")
_FIXED_NOTES = {
    "US shipments not entered: the cap cannot be checked": "未录入美国出货量：无法核对上限",
    "never codified": "未编入法规",
    "unless imported to support the US technology supply chain": "为支持美国技术供应链而进口的除外",
}


def title(ledger) -> str:
    meta = ledger.meta
    if current_language() != "zh":
        return meta.title
    kind, key = ledger.kind, ledger.key
    rate = _RATE.search(meta.title)
    pct = f"{rate.group(1)}%" if rate else ""
    if kind == "lpp":
        parts = key.split("|")
        exc, year = parts[0], parts[-1]
        name, _, country = "|".join(parts[1:-1]).rpartition("|")
        return f"许可例外 {exc}，收货人“{name}”（{country}），{year} 年"
    if kind == "tier2":
        return f"第二级国家配额：{key}"
    if kind == "h200_share":
        return f"H200 逐案审查窗口，对中国/澳门出货占美国出货量的比例：{key}"
    if kind == "revenue_share":
        return f"营收分成（{pct}，2025 年安排）：{key}"
    if kind == "tariff":
        return f"第 232 条关税敞口（{pct}）：{key}"
    return meta.title


def note(ledger) -> str:
    text = ledger.meta.note
    if current_language() != "zh" or not text:
        return text
    if text in _FIXED_NOTES:
        return _FIXED_NOTES[text]
    m = _TIER2_NOTE.match(text)
    if m:
        return f"{m.group(1)}-{m.group(2)}，" + ("有政府间协议，额度翻倍" if m.group(3).startswith("doubled") else "无政府间协议")
    m = _H200_NOTE.match(text)
    if m:
        return f"向美国客户出货 {m.group(2)} 件的 {m.group(1)}%"
    m = _PERIOD_NOTE.match(text)
    if m:
        return f"期间“{m.group(1)}”：与 LPP 一样按日历年计算"
    return text


def deal_summary(ev) -> str:
    """The deal-level position (licence, review policy, eligible exceptions) in the UI language."""
    lic = {True: tr("licence required"), False: tr("no licence required"),
           None: tr("licence position unknown")}[ev.license_required]
    parts = [lic]
    if ev.review_policy:
        parts.append(et.policy(ev.review_policy))
    if ev.exceptions:
        parts.append(tr("eligible: %1").replace("%1", ", ".join(e.id for e in ev.exceptions)))
    return tr("; ").join(parts)


def deal_reasons(ev) -> list[str]:
    """Per line: the determination's sentence in the UI language; the licence reasons quote the
    ruleset (English, as the memo quotes them)."""
    if current_language() != "zh":
        return list(ev.reasons)
    out: list[str] = list(ev.places)
    for r in ev.lines:
        d = r.determination
        if d is None:
            if r.problem:
                out.append(r.problem)
            continue
        hq = tr(" (headquarters rule read with %1)").replace("%1", r.hq_used) if r.hq_used else ""
        out.append(f"{d.part_number}: {et.sentence(d)}{hq}")
        out.extend("  " + tr("Legal basis (quoted): %1").replace("%1", reason) for reason in d.license_reasons)
    return out


def clock_state(clock, today: date) -> str:
    """NacClock.state in the UI language (built from the clock's dates, as the engine builds it)."""
    if clock.review_days == 0:
        return tr("no notification required")
    if clock.notified_on is None:
        return tr("not notified")
    if today >= clock.clear_from:
        return tr("review period over on %1").replace("%1", clock.clear_from.isoformat())
    return (tr("waiting: %1 of %2 days left").replace("%1", str((clock.clear_from - today).days))
            .replace("%2", str(clock.review_days)))
