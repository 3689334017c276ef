"""Deal and ledger text in the UI language: a deal's position and reasons, ledger titles and
notes, NAC clock states.

The engine words these in English (DealDetermination.summary/reasons, LedgerMeta.title/note,
NacClock.state; the CLI and the workbook use them). English shows them unchanged; Chinese is built
here from the structured fields (ledger kind and key, the clock's dates, the determinations via
workbench.ui.support.engine_text); a ledger note is worded from its known forms, else shown as written.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

from workbench.ui.support import engine_text as et
from workbench.ui.support.i18n import current_language, tr

_RATE = re.compile(r"\((\d+(?:\.\d+)?)%")
_H200_TPP_NOTE = re.compile(r"^second reading: (\d+)% of ([\d,.]+) TPP shipped to US customers$")
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
    if kind == "h200_share_tpp":
        return f"H200 逐案审查窗口，对中国/澳门出货占美国出货量的比例（按累计 TPP）：{key}"
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
    m = _H200_TPP_NOTE.match(text)
    if m:
        return f"第二种解读：向美国客户出货 {m.group(2)} TPP 的 {m.group(1)}%"
    if text.startswith("second reading (cumulative TPP"):
        return "第二种解读（所有窗口产品的累计 TPP）：未录入美国出货量"
    m = _H200_NOTE.match(text)
    if m:
        return f"向美国客户出货 {m.group(2)} 件的 {m.group(1)}%"
    m = _PERIOD_NOTE.match(text)
    if m:
        return f"期间“{m.group(1)}”：与 LPP 一样按日历年计算"
    return text


_NAC_UNRECORDED = re.compile(r"^(\S+) notification not recorded \(a (\d+)-day review clock applies\)$")
_NAC_EARLY = re.compile(r"^(\S+) notified (\d{4}-\d{2}-\d{2}): export on (\d{4}-\d{2}-\d{2}) is (-?\d+) days before the "
                        r"review period ends \((\d{4}-\d{2}-\d{2})\)$")


def _amount(value) -> str:
    return f"{value:,}"


def flag_text(flag) -> str:
    """A limit flag (LimitFlag) in the UI language; English is the engine's own sentence."""
    if current_language() != "zh":
        return str(flag)
    conf = et.confidence(flag.confidence)
    if flag.kind == "nac":
        m = _NAC_UNRECORDED.match(flag.title)
        if m:
            text = f"未记录 {m.group(1)} 通知（适用 {m.group(2)} 天审查期）"
        else:
            m = _NAC_EARLY.match(flag.title)
            text = (f"{m.group(1)} 已于 {m.group(2)} 通知：{m.group(3)} 出口比审查期结束（{m.group(5)}）早 {m.group(4)} 天"
                    if m else flag.title)
        return f"{flag.regime}：{text} [{conf}]"
    shim = SimpleNamespace(meta=SimpleNamespace(title=flag.title), kind=flag.kind, key=flag.key)
    head = f"{flag.regime}：{title(shim)}"
    if flag.limit is None:
        return f"{head}：无法核对（本交易 {_amount(flag.deal_amount)} {flag.unit}）"
    return (f"{head}：本交易的 {_amount(flag.deal_amount)} {flag.unit} 超出剩余额度（{_amount(flag.remaining_before)} / "
            f"{_amount(flag.limit)} {flag.unit}），超出 {_amount(flag.over_by)} [{conf}]")


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


_PLACE = re.compile(r"^(Destination|End user headquartered in|Ultimate parent headquartered in) (\S+): (.*)$")
_PLACE_ZH = {"Destination": "目的地", "End user headquartered in": "最终用户总部位于",
             "Ultimate parent headquartered in": "最终母公司总部位于"}
_GROUP_ZH = {"Tier 1": "第一级国家", "Tier 2": "第二级国家", "Tier 3": "第三级国家", "Macau": "澳门",
             "no listed group": "不属于所列国家组", "unknown country code": "未知国家代码"}


def place_text(line: str) -> str:
    """A deal's country-group line (DealDetermination.places) in Chinese (glossary terms)."""
    m = _PLACE.match(line)
    if m is None:
        return line
    groups = "、".join(_GROUP_ZH.get(g, g) for g in m.group(3).split(", "))
    return f"{_PLACE_ZH[m.group(1)]} {m.group(2)}：{groups}"


def deal_reasons(ev) -> list[str]:
    """Per line: the determination's sentence in the UI language; the licence reasons quote the
    ruleset (English, as the memo quotes them)."""
    if current_language() != "zh":
        return list(ev.reasons)
    out: list[str] = [place_text(p) for p in ev.places]
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
