"""The memo's opening sections: title block, summary, one part per product (specifications with
sources, TPP/PD step by step, every criterion, licence exceptions); build_story puts them together
with the closing sections (closing.py).

Every piece of data reaches reportlab through ``Kit.p``/``Kit.table`` (escaped); only constant
strings of this package add markup.
"""

from __future__ import annotations

from typing import Callable, Optional

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from workbench.engine.spec import TEMPLATE_FIELDS, THROUGHPUT_BIT_LENGTH
from workbench.io.memo.layout import CHANGED_BG, WIDTH, Kit
from workbench.io.memo.strings import OPS, PRECISION, fmt_num, fmt_pct
from workbench.io.memo.strings_en import English
from workbench.store.provenance import ImportNote

_SPEC_SKIP = {"part_number", "source", "notes"}


def _current(data) -> int:
    """Index of the regime a conclusion is written for (services.reports.current_regime)."""
    from workbench.services.reports import current_regime

    regimes = data.context.regimes
    return regimes.index(current_regime(regimes))


def _dest(data, s: English) -> str:
    ctx = data.context
    return s.place(ctx.destination, ctx.destination_name_en, ctx.destination_name_zh)


def title_block(data, kit: Kit, s: English) -> list:
    ctx = data.context
    story = []
    if ctx.company:
        story.append(kit.p(ctx.company, "company"))
    story.append(Paragraph(kit.t(s.L["title"]), kit.styles["title"]))
    dest = _dest(data, s) or s.L["none_given"]
    rows = [
        (s.L["memo_id"], data.memo_id),
        (s.L["date"], ctx.generated_utc.strftime("%Y-%m-%d")),
        (s.L["company"], ctx.company or s.L["blank"]),
        (s.L["prepared_by"], ctx.prepared_by or s.L["blank"]),
        (s.L["reviewed_by"], ctx.reviewed_by or s.L["blank"]),
        (s.L["subject"], s.subject(len(data.products), len(ctx.regimes), _dest(data, s))),
        (s.L["destination"], dest),
    ]
    if ctx.end_user_hq:
        rows.append((s.L["end_user_hq"], ctx.end_user_hq))
    rows.append((s.L["regimes"], ", ".join(r.id for r in ctx.regimes)))
    story.append(kit.table(rows, [90, WIDTH - 90], style="small", header=False, bold_first_col=True))
    return story


def summary(data, kit: Kit, s: English) -> list:
    ctx = data.context
    dest = _dest(data, s)
    story = [Paragraph(kit.t("1  " + s.L["s_summary"]), kit.styles["h2"]),
             kit.p(s.summary_intro(len(data.products), len(ctx.regimes), dest))]
    now = _current(data)
    single = len(data.products) == 1
    if not single:
        story.append(kit.p(s.conclusions_intro(ctx.regimes[now].id, s.regime(ctx.regimes[now]))))
    for prod in data.products:
        det = prod.determinations[now]
        text = s.conclusion(s.product(prod.spec), det, s.regime(ctx.regimes[now]), dest, with_regime=single)
        hits = [(letter.ref, h.result) for letter in data.letters for h in letter.hits
                if h.part_number == prod.spec.part_number and h.regime == det.regime]
        binds = sorted({ref for ref, result in hits if result == "binds"})
        maybe = sorted({ref for ref, result in hits if result != "binds"} - set(binds))
        gap = "" if s.lang == "zh" else " "
        if binds:
            text += gap + s.L["letter_binds"].format(refs=", ".join(binds))
        if maybe:
            text += gap + s.L["letter_may"].format(refs=", ".join(maybe))
        story.append(kit.p(text, "body") if single else Paragraph(kit.t(text), kit.styles["bullet"], bulletText="•"))
    header = [s.L["c_product"], s.L["c_regime"], s.L["c_classification"], s.L["c_licence"], s.L["c_review"],
              s.L["c_exceptions"]]
    rows, extra = [header], []
    for prod in data.products:
        first = len(rows)
        for i, det in enumerate(prod.determinations):
            rows.append([prod.spec.part_number if i == 0 else "", det.regime, s.classification(det), s.licence(det),
                         s.policy(det.review_policy), ", ".join(e.id for e in det.license_exceptions) or "—"])
        if first > 1:
            extra.append(("LINEABOVE", (0, first), (-1, first), 0.8, colors.HexColor("#8A9099")))
    story.append(kit.table(rows, [108, 104, 92, 68, 78, WIDTH - 450], extra=extra))
    return story


def product_part(data, kit: Kit, s: English, index: int, prod) -> list:
    spec, m = prod.spec, prod.metrics
    story = [CondPageBreak(120), Paragraph(kit.t(f"2.{index}  {s.product(spec)}"), kit.styles["h3"])]
    # Specifications with their sources: each distinct source once, cited by number in the table.
    sources = {p.field: p for p in prod.provenance}
    numbers: dict[str, int] = {}
    rows = [[s.L["c_field"], s.L["c_value"], s.L["c_source"], s.L["c_confidence"]]]
    for name in TEMPLATE_FIELDS:
        value = getattr(spec, name)
        if name in _SPEC_SKIP or (value is None and name not in sources):
            continue
        if name == "tpp_basis" and value == "computed" and spec.tpp is None:
            continue
        prov = sources.get(name)
        if prov is None:
            cite = s.L["spec_unsourced"]
        else:
            n = numbers.setdefault(prov.source, len(numbers) + 1)
            note = prov.note
            if isinstance(note, ImportNote):  # set by an import: said in the memo's language
                note = s.L["imported_note"].format(where=note.where, row=note.row, day=note.day, seq=note.seq)
            cite = f"[{n}]" + (f" {note}" if note else "")
        rows.append([s.field(name), s.value(name, value), cite,
                     s.CONFIDENCE.get(prov.confidence, prov.confidence) if prov else "—"])
    story += [CondPageBreak(70), Paragraph(kit.t(s.L["h_specs"]), kit.styles["h4"]), kit.table(rows, [150, 80, WIDTH - 280, 50])]
    for source, n in numbers.items():
        story.append(Paragraph(kit.t(source), kit.styles["note"], bulletText=f"[{n}]"))
    if spec.source:
        story.append(kit.p(s.L["record_source"].format(source=spec.source), "small"))
    if spec.notes:
        story.append(kit.p(s.L["record_notes"].format(notes=spec.notes), "small"))
    story += calculation(kit, s, spec, m)
    story += criteria(data, kit, s, prod)
    story += exceptions(data, kit, s, prod)
    return story


def calculation(kit: Kit, s: English, spec, m) -> list:
    story = [CondPageBreak(70), Paragraph(kit.t(s.L["h_calc"]), kit.styles["h4"])]
    given = [(f, getattr(spec, f), bits) for f, bits in THROUGHPUT_BIT_LENGTH.items() if getattr(spec, f) is not None]
    if given:
        rows = [[s.L["c_precision"], s.L["c_throughput"], s.L["c_bits"], s.L["c_product_bits"]]]
        best = None
        for i, (f, figure, bits) in enumerate(given, start=1):
            rows.append([PRECISION[f], f"{fmt_num(figure)} {'TOPS' if f.endswith('_tops') else 'TFLOPS'}", str(bits),
                         fmt_num(figure * bits)])
            if f == m.tpp_precision or (best is None and m.tpp_precision is None and figure * bits == m.tpp_computed):
                best = i
        extra = [("BACKGROUND", (0, best), (-1, best), colors.HexColor("#E2F0D9"))] if best else []
        story.append(kit.table(rows, [70, 100, 60, 100], extra=extra))
        top = next((g for g in given if g[1] * g[2] == m.tpp_computed), None)
        if top and m.tpp_computed is not None:
            story.append(kit.p(s.tpp_line(m, PRECISION[top[0]], top[1], top[2])))
    else:
        story.append(kit.p(s.L["no_throughput"]))
    if m.tpp_declared is not None:
        story.append(kit.p(s.tpp_declared(m.tpp_declared, m.tpp_discrepancy_pct, m.tpp_basis, m.tpp)))
    elif m.tpp is None:
        story.append(kit.p(s.tpp_missing()))
    if m.performance_density is not None:
        story.append(kit.p(s.pd_line(m.tpp, spec.die_area_mm2, m.performance_density)))
    elif "performance_density" in m.not_applicable:
        story.append(kit.p(s.pd_na(m.not_applicable["performance_density"])))
    else:
        story.append(kit.p(s.pd_missing(list(m.missing.get("performance_density", ())))))
    return story


def _threshold(c, s: English) -> str:
    if c.op == "is":
        return "= " + s.yes_no(c.threshold)
    if c.op == "in":
        return "∈ {" + ", ".join(str(x) for x in c.threshold) + "}"
    return f"{OPS.get(c.op, c.op)} {fmt_num(c.threshold)}"


def _value(c, s: English) -> str:
    if c.value is None:
        return s.yes_no(None)
    if isinstance(c.value, bool):
        return s.yes_no(c.value)
    return fmt_num(c.value) if isinstance(c.value, (int, float)) else str(c.value)


def _leaves(det) -> list[tuple[list[str], object]]:
    """The determination's criteria with identical leaves (same metric, test and threshold) merged:
    [(paragraphs that use it, criterion)], in first-seen order. Every distinct criterion stays."""
    paragraphs = {r.id: r.paragraph for r in det.rules}
    merged: dict[tuple, tuple[list[str], object]] = {}
    for c in det.criteria:
        key = (c.metric, c.op, repr(c.threshold), c.label)
        owner = paragraphs.get(c.id, c.id)
        if key in merged:
            if owner not in merged[key][0]:
                merged[key][0].append(owner)
        else:
            merged[key] = ([owner], c)
    return list(merged.values())


def _note(note: str, s: English) -> str:
    """The engine's leaf note, with a list of missing template fields said the memo's way."""
    prefix = "missing input: "
    if note.startswith(prefix):
        return s.L["missing_input"] + s.missing([f.strip() for f in note[len(prefix):].split(",")])
    return note


def criteria(data, kit: Kit, s: English, prod) -> list:
    story = [CondPageBreak(70), Paragraph(kit.t(s.L["h_criteria"]), kit.styles["h4"])]
    for loaded, det in zip(data.context.regimes, prod.determinations):
        rows = [[s.L["c_criterion"], s.L["c_value"], s.L["c_threshold"], s.L["c_result"], s.L["c_margin"],
                 s.L["c_margin_pct"], s.L["c_rule"]]]
        extra = []
        for owners, c in _leaves(det):
            rows.append([s.metric(c) + (f" ({_note(c.note, s)})" if c.note else ""), _value(c, s), _threshold(c, s),
                         s.result(c.result), fmt_num(c.margin) if c.margin is not None else "—", fmt_pct(c.margin_pct),
                         ", ".join(owners)])
            if c.result == "met":
                extra.append(("TEXTCOLOR", (3, len(rows) - 1), (3, len(rows) - 1), colors.HexColor("#9C2A1E")))
            elif c.result == "indeterminate":
                extra.append(("BACKGROUND", (3, len(rows) - 1), (3, len(rows) - 1), CHANGED_BG))
        outcome = "; ".join(f"{r.paragraph} {s.result(r.result)}" for r in det.rules)
        head = kit.p(s.regime_heading(det, loaded), "small", bold=True)
        stop = "。" if s.lang == "zh" else ". "
        colon = "：" if s.lang == "zh" else ": "
        verdict = kit.p(f"{s.L['c_classification']}{colon}{s.classification(det)}{stop}"
                        + s.L["licence_line"].format(text=s.licence_detail(det)), "small")
        table = kit.table(rows, [146, 48, 60, 58, 46, 44, WIDTH - 402], extra=extra)
        story += [Spacer(1, 4), CondPageBreak(90), head, table, Spacer(1, 1.5),
                  KeepTogether([kit.p(s.L["rule_results"] + outcome, "tiny"), verdict])]
    return story


def exceptions(data, kit: Kit, s: English, prod) -> list:
    story = [CondPageBreak(70), Paragraph(kit.t(s.L["h_exceptions"]), kit.styles["h4"])]
    ctx = data.context
    dest = _dest(data, s)
    if not (ctx.destination or ctx.end_user_hq):
        return story + [kit.p(s.L["exceptions_need_destination"], "small")]
    found = False
    for det in prod.determinations:
        for e in det.license_exceptions:
            found = True
            story.append(kit.p(f"{e.id} — {e.name} ({det.regime}; {e.citation}; "
                               f"{s.L['c_confidence']}: {s.CONFIDENCE.get(e.confidence, e.confidence)})", "small",
                               bold=True))
            lines = list(e.conditions)
            if e.notification_days:
                lines.append(s.L["notification"].format(days=e.notification_days))
            if e.quantity_limit_tpp:
                lines.append(s.L["quantity"].format(limit=fmt_num(e.quantity_limit_tpp), period=e.quantity_period or "—"))
            for line in lines:
                story.append(Paragraph(kit.t(line), kit.styles["bullet"], bulletText="•"))
    if not found:
        where = ("" if not dest else (f" for export to {dest}" if s.lang == "en" else f"出口至{dest}"))
        story.append(kit.p(s.L["no_exceptions"].format(where=where), "small"))
    return story


def build_story(data, kit: Kit, s: English, cancel: Optional[Callable[[], bool]], font_note: Callable[[], str]) -> list:
    from workbench.io.memo.closing import about, caveats, chart, citations, comparison, letters, signoff
    from workbench.services.reports import Cancelled

    story = title_block(data, kit, s) + summary(data, kit, s)
    story.append(Paragraph(kit.t("2  " + s.L["s_products"]), kit.styles["h2"]))
    for i, prod in enumerate(data.products, start=1):
        if cancel is not None and cancel():
            raise Cancelled("cancelled: nothing was written")
        story += product_part(data, kit, s, i, prod)
    story += comparison(data, kit, s, 3)
    story += letters(data, kit, s, 4)
    story += chart(data, kit, s, 5)
    story += citations(data, kit, s, 6)
    story += caveats(data, kit, s, 7)
    story += signoff(data, kit, s, 8)
    story += about(data, kit, s, 9, font_note)
    return story
