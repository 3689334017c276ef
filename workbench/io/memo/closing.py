"""The memo's closing sections: regime comparison, is-informed letters, the chart, citations, caveats,
sign-off and the memo's own provenance. Data reaches reportlab only through Kit (escaped).
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from workbench.engine.determine import INDETERMINATE_CLASS
from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.io.memo.chart import Point, tpp_pd_chart
from workbench.io.memo.layout import CHANGED_BG, WIDTH, Kit
from workbench.io.memo.sections import _SPEC_SKIP, _dest, _position
from workbench.io.memo.strings_en import English
from workbench.wording import (criterion_phrase, history_label, letter_status_label, missing_words, position_text,
                               tidy)

# A memo whose rules are older than this (days past services.manifest.rules_current_to) warns.
STALE_AFTER_DAYS = 90


def comparison(data, kit: Kit, s: English, number: int) -> list:
    ctx = data.context
    story = [CondPageBreak(90), Paragraph(kit.t(f"{number}  {s.L['s_comparison']}"), kit.styles["h2"])]
    if len(ctx.regimes) < 2:
        return story + [kit.p(s.L["comparison_single"])]
    story.append(kit.p(s.L["comparison_intro"]))
    first = 86.0
    each = (WIDTH - first) / len(ctx.regimes)
    rows = [[kit.p(s.L["c_product"], "tiny", bold=True)] + [kit.id_cell(r.id, each) for r in ctx.regimes]]
    extra = []
    for prod in data.products:
        row = [kit.p(kit.u(prod.spec.part_number, 60), "tiny")]
        previous = None
        for j, det in enumerate(prod.determinations, start=1):
            cell = _short_position(_position(prod, j - 1), det, s)
            row.append(kit.p(cell, "tiny"))
            if previous is not None and cell != previous:
                extra.append(("BACKGROUND", (j, len(rows)), (j, len(rows)), CHANGED_BG))
            previous = cell
        rows.append(row)
    story.append(kit.table(rows, [first] + [each] * len(ctx.regimes), style="tiny", extra=extra))
    return [KeepTogether(story)] if len(data.products) <= 12 else story  # a short table stays with its heading


def _short_position(pos, det, s: English) -> str:
    """Classification / licence (review policy) / exceptions, from the one licence position."""
    text = s.classification(det) if det.classification == INDETERMINATE_CLASS else (det.paragraph or det.classification)
    shown = position_text(pos, s.lang, classification=text)
    return shown[:1].upper() + shown[1:] if shown.startswith(("licence", "no licence")) else \
        shown.replace(" / licence", " / Licence").replace(" / no licence", " / No licence")


def letters(data, kit: Kit, s: English, number: int) -> list:
    story = [CondPageBreak(90), Paragraph(kit.t(f"{number}  {s.L['s_letters']}"), kit.styles["h2"])]
    dest = _dest(data, s)
    if not data.letters:
        where = ("" if not dest else (f" or to {dest}" if s.lang == "en" else f"或{dest}"))
        return story + [kit.p(s.L["no_letters"].format(where=where))]
    story.append(kit.p(s.L["letters_intro"]))
    for letter in data.letters:
        story.append(kit.p(f"{letter.ref} — {s.L['c_status']}: {letter_status_label(letter.status, s.lang)}; "
                           f"{s.L['c_received']}: {s.day(date.fromisoformat(letter.received))}; "
                           f"{s.L['effective']}: {s.day(date.fromisoformat(letter.effective))}; "
                           f"{s.L['addressee']}: {letter.addressee}", "small", bold=True))
        story.append(kit.p(f"{s.L['c_summary']}: {kit.u(letter.summary, 600)}", "small"))
        story.append(kit.p(f"{s.L['c_destinations']}: {letter.destinations}. {s.L['legal_basis']}: {letter.legal_basis}. "
                           f"{s.L['c_review']}: {s.policy(letter.review_policy)}", "small"))
        rows = [[s.L["c_product"], s.L["c_regime"], s.L["c_result"], s.L["letter_reason"]]]
        grouped: dict[tuple, list[str]] = {}
        for hit in letter.hits:
            grouped.setdefault((hit.part_number, hit.result, _letter_why(hit, s.lang)), []).append(hit.regime)
        for (part, result, why), regimes in grouped.items():
            rows.append([part, ", ".join(regimes), s.letter_result(result), why])
        story += [Spacer(1, 2), kit.table(rows, [110, 100, 50, WIDTH - 260]), Spacer(1, 6)]
    return story


def _letter_why(hit, lang: str) -> str:
    """What caught the product, from the hit's data (Chinese) or the engine's brief (English)."""
    if lang != "zh":
        return "; ".join(hit.matched) or hit.reason
    parts = (["料号在告知函列出的范围内"] if hit.listed else []) + [criterion_phrase(c, "zh") for c in hit.met]
    if hit.result != "binds" and hit.missing:
        parts.append("缺少 " + missing_words(hit.missing, "zh"))
    return "；".join(parts) or "；".join(hit.matched)


def chart(data, kit: Kit, s: English, number: int) -> list:
    tpp_lines, pd_lines = set(), set()
    for prod in data.products:
        for det in prod.determinations:
            for c in det.criteria:
                if isinstance(c.threshold, (int, float)) and not isinstance(c.threshold, bool):
                    if c.metric == "tpp":
                        tpp_lines.add(float(c.threshold))
                    elif c.metric == "performance_density":
                        pd_lines.add(float(c.threshold))
    numbered = len(data.products) > 1
    marked = [Point(p.spec.part_number, p.metrics.tpp, p.metrics.performance_density) for p in data.products]
    context = [Point(part, tpp, pd) for part, tpp, pd in data.context_points]
    font = kit.base if kit.lang == "zh" else "Helvetica"
    drawing = tpp_pd_chart(WIDTH, marked, context, sorted(tpp_lines), sorted(pd_lines), font,
                           s.L["chart_x"], s.L["chart_y"], s.L["chart_pd_na"], numbered)
    intro = s.L["chart_intro"].format(numbered=s.L["chart_numbered"] if numbered else "")
    key_height = ((len(data.products) + 1) // 2) * 10 + 20 if numbered else 0
    story = [CondPageBreak(WIDTH * 0.36 + 60 + key_height), Paragraph(kit.t(f"{number}  {s.L['s_chart']}"), kit.styles["h2"]),
             kit.p(intro, "small"), Spacer(1, 4), drawing]
    if numbered:
        half = (len(data.products) + 1) // 2
        items = [f"{i}  {p.spec.part_number}" for i, p in enumerate(data.products, start=1)]
        rows = [[items[i], items[i + half] if i + half < len(items) else ""] for i in range(half)]
        story += [Spacer(1, 4), kit.p(s.L["key"], "small", bold=True),
                  kit.table(rows, [WIDTH / 2, WIDTH / 2], style="tiny", header=False)]
    return story


def citations(data, kit: Kit, s: English, number: int) -> list:
    seen: dict[str, None] = {}
    for loaded in data.context.regimes:
        for src in loaded.regime.sources:
            text = src.citation + (f"; {src.cfr}" if src.cfr else "") + (f"; {src.url}" if src.url else "")
            seen.setdefault(text, None)
    for prod in data.products:
        for det in prod.determinations:
            for cite in det.citations:
                if not any(cite in known for known in seen):
                    seen.setdefault(cite, None)
    story = [Paragraph(kit.t(f"{number}  {s.L['s_citations']}"), kit.styles["h2"])]
    for i, text in enumerate(seen, start=1):
        story.append(Paragraph(kit.t(text), kit.styles["bullet"], bulletText=f"[{i}]"))
    return story


def caveats(data, kit: Kit, s: English, number: int) -> list:
    lines: list[str] = []
    for prod in data.products:
        part = prod.spec.part_number
        by_level: dict[str, list[str]] = {}
        sourced = set()
        for p in prod.provenance:
            sourced.add(p.field)
            if p.confidence in ("secondary", "unverified") or p.confidence is None:
                by_level.setdefault(p.confidence or "unverified", []).append(s.field(p.field))
        for level in ("secondary", "unverified"):
            if by_level.get(level):
                lines.append(s.L["caveat_prov_count"].format(part=kit.u(part, 60), level=s.CONFIDENCE[level],
                                                              n=len(by_level[level])))
        unsourced = [s.field(f) for f in TEMPLATE_FIELDS  # identity fields need no source
                     if f not in _SPEC_SKIP and f not in ("tpp_basis", "vendor", "name", "product_type")
                     and getattr(prod.spec, f) is not None and f not in sourced]
        if unsourced:
            lines.append(s.L["caveat_unsourced"].format(part=part, fields=", ".join(unsourced)))
    by_status: dict[tuple[str, bool], list[str]] = {}
    for loaded in data.context.regimes:
        r = loaded.regime
        if loaded.draft:
            lines.append(s.L["caveat_draft"].format(regime=loaded.id))
        if r.status in ("proposed", "superseded", "rescinded", "suspended") or not r.enforced:
            by_status.setdefault((r.status, r.enforced), []).append(loaded.id)
    for (status, enforced), ids in by_status.items():
        lines.append(s.L["caveat_status"].format(regime=", ".join(ids), status=s.STATUS.get(status, status),
                                                 enforced="" if enforced else s.L["not_enforced"]))
    by_level: dict[str, tuple[list[str], set[str]]] = {}
    for j, loaded in enumerate(data.context.regimes):
        for prod in data.products:
            det = prod.determinations[j]
            rules = [r for r in det.rules if r.paragraph == det.paragraph and r.result == "met"]
            for rule in rules:
                if rule.confidence != "primary":
                    ids, paras = by_level.setdefault(rule.confidence, ([], set()))
                    if loaded.id not in ids:
                        ids.append(loaded.id)
                    paras.add(rule.paragraph)
    for level, (ids, paras) in by_level.items():
        lines.append(s.L["caveat_rule"].format(regime=", ".join(ids), level=s.CONFIDENCE.get(level, level),
                                               rules=", ".join(sorted(paras))))
    notes: dict[str, dict[str, list[str]]] = {}  # note -> part -> regimes: each note said once
    for prod in data.products:
        for det in prod.determinations:
            if det.classification == INDETERMINATE_CLASS:
                lines.append(s.L["caveat_missing"].format(part=prod.spec.part_number, regime=det.regime,
                                                          missing=s.missing(det.missing)))
            for note in det.notes:
                regimes = notes.setdefault(note, {}).setdefault(prod.spec.part_number, [])
                if det.regime not in regimes:
                    regimes.append(det.regime)
    sep = "、" if s.lang == "zh" else ", "
    for note, by_part in notes.items():
        who = "; ".join(f"{part} ({sep.join(regimes)})" for part, regimes in by_part.items())
        lines.append(s.L["caveat_note_group"].format(who=who, note=note))
    story = [Paragraph(kit.t(f"{number}  {s.L['s_caveats']}"), kit.styles["h2"]), kit.p(s.L["caveat_general"])]
    for line in dict.fromkeys(lines):
        story.append(Paragraph(kit.t(tidy(line)), kit.styles["bullet"], bulletText="•"))
    # The engine's standing interpretations are the same for every memo: listed with the history
    # appendix (on request), so a default memo stays short.
    interpretations = list(dict.fromkeys(i for r in data.context.regimes for i in r.regime.interpretations)) \
        if data.history_regimes else []
    if interpretations:
        story.append(kit.p(s.L["caveat_interpretations"], "small", bold=True))
        for text in interpretations:
            story.append(Paragraph(kit.t(text), kit.styles["bullet"], bulletText="–"))
    return story


def signoff(data, kit: Kit, s: English, number: int) -> list:
    ctx = data.context
    rows = [["", s.L["sign_name"], s.L["sign_signature"], s.L["sign_date"]],
            [s.L["prepared_by"], ctx.prepared_by or "", "", ""],
            [s.L["reviewed_by"], ctx.reviewed_by or "", "", ""]]
    table = kit.table(rows, [90, 150, 170, WIDTH - 410], style="small",
                      extra=[("TOPPADDING", (0, 1), (-1, -1), 16), ("LINEBELOW", (1, 1), (-1, -1), 0.6, colors.black)])
    return [KeepTogether([Paragraph(kit.t(f"{number}  {s.L['s_signoff']}"), kit.styles["h2"]),
                          kit.p(s.L["sign_intro"]), Spacer(1, 4), table])]


def integrity(data, kit: Kit, s: English, number: int, font_note: Callable[[], str]) -> list:
    """Everything that pins the memo to its data and rules, in one place (the footer points here)."""
    ctx = data.context
    story = [CondPageBreak(70), Paragraph(kit.t(f"{number}  {s.L['s_integrity']}"), kit.styles["h2"]),
             kit.p(s.L["integrity_intro"] + " " + s.L["about_app"].format(
                 version=ctx.app_version, ts=ctx.generated_utc.strftime("%Y-%m-%d %H:%M:%S")) + " "
                 + s.L["about_db"].format(path=kit.u(ctx.db_path or "—", 200)), "small"),
             kit.p(s.L["about_audit"].format(seq=ctx.audit_seq, hash=ctx.audit_head), "small")]
    if ctx.rules_current_to is not None:
        story.append(kit.p(s.L["rules_current_to"].format(day=s.day(ctx.rules_current_to)), "small"))
        today = ctx.today or ctx.generated_utc.date()
        late = (today - ctx.rules_current_to).days if isinstance(today, date) else 0
        if late > STALE_AFTER_DAYS:
            story.append(kit.p(s.L["rules_stale"].format(today=s.day(today), days=late), "small", bold=True))
    else:
        story.append(kit.p(s.L["rules_current_unknown"], "small"))
    if ctx.rules_in_use:
        story.append(kit.p(s.L["about_rules_in_use"].format(rules=kit.u(ctx.rules_in_use, 300)), "small"))
    if ctx.screening_snapshot is not None:
        day, sha, entries = ctx.screening_snapshot
        story.append(kit.p(s.L["about_screening"].format(day=s.day(day), sha=sha, entries=entries), "small"))
    else:
        story.append(kit.p(s.L["about_screening_none"], "small"))
    story += [kit.p(s.L["about_font"].format(font=font_note()) + " " + s.L["about_rulesets"], "small")]
    regimes = list(ctx.regimes) + [r for r in data.history_regimes if r not in ctx.regimes]
    rows = [[kit.id_cell(r.id, 120, "small", False), kit.p(r.sha256, "mono")] for r in regimes]
    story.append(kit.table(rows, [120, WIDTH - 120], style="small", header=False))
    story.append(kit.p(s.L["about_countries"].format(sha=ctx.countries_sha256), "small"))
    return story


def history(data, kit: Kit, s: English, label: str) -> list:
    """Appendix (on request): each product's position under the regimes that are not the law on the memo date."""
    if not data.history_regimes:
        return []
    kinds = dict(data.context.history)
    story = [Paragraph(kit.t(f"{s.L['s_history'].replace(':', ' ' + label + ':', 1) if s.lang == 'en' else label + '  ' + s.L['s_history']}"),
                       kit.styles["h2"]), kit.p(s.L["history_intro"], "small")]
    first = 150.0
    rows = [[s.L["c_regime"], s.L["c_kind"]] + [kit.u(p.spec.part_number, 40) for p in data.products]]
    each = (WIDTH - first - 70) / max(1, len(data.products))
    for j, loaded in enumerate(data.history_regimes):
        row = [kit.id_cell(loaded.id, first, "tiny", False), history_label(kinds.get(loaded.id, ""), s.lang)]
        for k, prod in enumerate(data.products):
            pos = data.history_positions[k][j]
            row.append(kit.p(_short_position(pos, pos.det, s), "tiny"))
        rows.append(row)
    story.append(kit.table(rows, [first, 70] + [each] * len(data.products), style="tiny"))
    return story


def full_texts(kit: Kit, s: English, label: str) -> list:
    """Appendix: the full text of every entry shortened in the body (wrapping anywhere)."""
    if not kit.full_texts:
        return []
    title = s.L["s_full_text"].replace(":", " " + label + ":", 1) if s.lang == "en" else label + "  " + s.L["s_full_text"]
    story = [Paragraph(kit.t(title), kit.styles["h2"]), kit.p(s.L["full_text_intro"], "small")]
    for i, (shown, full) in enumerate(list(kit.full_texts.items()), start=1):
        story.append(kit.p(f"[{i}] {shown[:60]}", "small", bold=True))
        for start in range(0, len(full), 4000):  # pieces a page can hold, whatever the text
            story.append(kit.p(full[start:start + 4000], "full"))
    return story
