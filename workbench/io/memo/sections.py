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
from workbench.errors import Cancelled
from workbench.io.memo.strings import OPS, PRECISION, fmt_num, fmt_pct
from workbench.io.memo.strings_en import English
from workbench.wording import licence_reasons, licence_text, missing_words, note_text, tidy

_SPEC_SKIP = {"part_number", "source", "notes", "vendor", "name"}  # the identity is in the heading


def _enforced_index(data) -> list[int]:
    """Indexes of the regimes the conclusion speaks for: those enforced on the memo date
    (engine.governance, via ReportContext.enforced), else every regime the memo covers."""
    ctx = data.context
    idx = [i for i, r in enumerate(ctx.regimes) if r.id in ctx.enforced]
    return idx or list(range(len(ctx.regimes)))


def _position(prod, j: int):
    """The one licence position of a product under the memo's j-th regime (letters applied)."""
    return prod.positions[j] if prod.positions else prod.determinations[j]


def _dest(data, s: English) -> str:
    ctx = data.context
    return s.place(ctx.destination, ctx.destination_name_en, ctx.destination_name_zh)


def title_block(data, kit: Kit, s: English) -> list:
    ctx = data.context
    story = []
    if ctx.company:
        story.append(kit.p(kit.u(ctx.company), "company"))
    story.append(Paragraph(kit.t(s.L["title"]), kit.styles["title"]))
    if ctx.demo:
        story.append(kit.p(s.L["demo_mark"], "h3"))
    if ctx.modified:
        story.append(kit.p(s.L["modified_banner"].format(ids=", ".join(ctx.modified)), "body", bold=True))
    dest = _dest(data, s) or s.L["none_given"]
    rows = [
        (s.L["memo_id"], data.memo_id),
        (s.L["date"], s.day(ctx.memo_date or ctx.generated_utc.date())),
        (s.L["company"], kit.u(ctx.company) or s.L["blank"]),
        (s.L["prepared_by"], kit.u(ctx.prepared_by) or s.L["blank"]),
        (s.L["reviewed_by"], kit.u(ctx.reviewed_by) or s.L["blank"]),
        (s.L["subject"], s.subject(len(data.products), len(ctx.regimes), _dest(data, s))),
        (s.L["destination"], dest),
    ]
    if ctx.end_user_hq:
        rows.append((s.L["end_user_hq"], ctx.end_user_hq))
    rows.append((s.L["regimes"], ", ".join(r.id for r in ctx.regimes)))
    story.append(kit.table(rows, [90, WIDTH - 90], style="small", header=False, bold_first_col=True))
    return story


def summary(data, kit: Kit, s: English) -> list:
    """Section 1: the conclusion first (every enforced regime, indeterminate results leading),
    then one table of the licence positions. Every licence statement reads the one position."""
    ctx = data.context
    dest = _dest(data, s)
    lang = s.lang
    story = [Paragraph(kit.t("1  " + s.L["s_summary"]), kit.styles["h2"]),
             kit.p(s.summary_intro(len(data.products), len(ctx.regimes), dest))]
    if not ctx.letters_applied:
        story.append(kit.p(s.L["letters_not_applied"], "small", bold=True))
    governing = _enforced_index(data)
    day = s.day(ctx.memo_date or ctx.generated_utc.date())
    story.append(kit.p(s.L["conclusion_intro"].format(day=day) if ctx.enforced else s.L["conclusion_intro_chosen"],
                       "body", bold=True))
    first, rest = [], []
    sep = "；" if lang == "zh" else "; "
    for prod in data.products:
        name = kit.u(s.product(prod.spec))
        grouped: dict[str, list[str]] = {}  # one conclusion, the regimes it holds under
        for j in governing:
            pos = _position(prod, j)
            det = prod.determinations[j]
            undecided = det.classification == "indeterminate" or (bool(dest) and pos.license_required is None)
            if undecided:
                why = (s.L["missing_figure"].format(missing=missing_words(det.missing, lang)) if det.missing
                       else sep.join(licence_reasons(pos, lang)))
                first.append(s.L["indeterminate_first"].format(product=name, regime=det.regime, why=why))
            else:
                text = s.conclusion(name, det, s.regime(ctx.regimes[j]), dest, with_regime=False, position=pos)
                grouped.setdefault(text, []).append(det.regime)
        for text, ids in grouped.items():
            rest.append(s.under(ids) + text)
    for text in first:
        story.append(Paragraph(kit.t(tidy(text)), kit.styles["bullet"], bulletText="!"))
    for text in rest:
        story.append(Paragraph(kit.t(tidy(text)), kit.styles["bullet"], bulletText="•"))
    header = [s.L["c_product"], s.L["c_regime"], s.L["c_classification"], s.L["c_licence"], s.L["c_review"],
              s.L["c_exceptions"]]
    rows, extra = [header], []
    widths = [100, 92, 88, 110, 70, WIDTH - 460]
    for prod in data.products:
        start = len(rows)
        for i, det in enumerate(prod.determinations):
            pos = _position(prod, i)
            rows.append([kit.u(prod.spec.part_number, 60) if i == 0 else "",
                         kit.id_cell(det.regime, widths[1], "cell", False),
                         s.classification(det), _cap(licence_text(pos, lang)),
                         s.policy(getattr(pos, "review_policy", det.review_policy)),
                         ", ".join(e.id for e in det.license_exceptions) or "—"])
        if start > 1:
            extra.append(("LINEABOVE", (0, start), (-1, start), 0.8, colors.HexColor("#8A9099")))
    story.append(kit.table(rows, widths, extra=extra))
    return story


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def product_part(data, kit: Kit, s: English, index: int, prod) -> list:
    spec, m = prod.spec, prod.metrics
    story = [CondPageBreak(120), Paragraph(kit.t(f"2.{index}  {kit.u(s.product(spec))}"), kit.styles["h3"])]
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
            if getattr(note, "seq", None) is not None:  # set by an import (its parts kept): said in the memo's language
                note = s.L["imported_note"].format(where=note.where, row=note.row, day=note.day, seq=note.seq)
            cite = f"[{n}]" + (f" {kit.u(note)}" if note else "")
        rows.append([s.field(name), kit.u(s.value(name, value)), cite,
                     s.CONFIDENCE.get(prov.confidence, prov.confidence) if prov else "—"])
    story += [CondPageBreak(70), Paragraph(kit.t(s.L["h_specs"]), kit.styles["h4"]), kit.table(rows, [150, 80, WIDTH - 280, 50])]
    for source, n in numbers.items():
        story.append(Paragraph(kit.t(kit.u(source, 400)), kit.styles["note"], bulletText=f"[{n}]"))
    if spec.source:
        story.append(kit.p(s.L["record_source"].format(source=kit.u(spec.source, 400)), "small"))
    if spec.notes:
        story.append(kit.p(s.L["record_notes"].format(notes=kit.u(spec.notes, 400)), "small"))
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


def _decides(c, det, deciding: set[str], rule_ids: set[str]) -> bool:
    """A criterion that decided the result: met in the rule that classified the product, a met
    licence condition, within 10 % of its line, the nearest line, or missing an input."""
    if c.result == "indeterminate":  # only where the missing figure leaves a result open
        open_rules = {r.id for r in det.rules if r.result == "indeterminate"}
        return c.id in open_rules or (c.id not in rule_ids and det.license_required is None)
    if c.margin_pct is not None and abs(c.margin_pct) <= 10.0:
        return True
    if det.nearest is not None and c is det.nearest:
        return True
    if c.result == "met":
        return c.id in deciding or (c.id not in rule_ids and c.margin is not None)
    return False


def _first_conditions(kit: Kit, det) -> bool:
    """Review conditions are quoted once per memo (the same text under several regimes and products)."""
    seen = kit.__dict__.setdefault("conditions_shown", set())
    key = det.review_conditions
    if key in seen:
        return False
    seen.add(key)
    return True


def criteria(data, kit: Kit, s: English, prod) -> list:
    story = [CondPageBreak(70), Paragraph(kit.t(s.L["h_criteria"]), kit.styles["h4"])]
    lang = s.lang
    seen: dict[tuple, str] = {}  # the rows of a regime already shown -> its id (identical tables said once)
    for j, (loaded, det) in enumerate(zip(data.context.regimes, prod.determinations)):
        pos = _position(prod, j)
        rows = [[s.L["c_criterion"], s.L["c_value"], s.L["c_threshold"], s.L["c_result"], s.L["c_margin"],
                 s.L["c_margin_pct"], s.L["c_rule"]]]
        extra = []
        deciding = {r.id for r in det.rules if r.paragraph == det.paragraph and r.result == "met"}
        rule_ids = {r.id for r in det.rules}
        for owners, c in _leaves(det):
            if not _decides(c, det, deciding, rule_ids):
                continue
            rows.append([s.metric(c) + (f" ({note_text(c, lang)})" if c.note else ""), _value(c, s), _threshold(c, s),
                         s.result(c.result), fmt_num(c.margin) if c.margin is not None else "—", fmt_pct(c.margin_pct),
                         ", ".join(owners)])
            if c.result == "met":
                extra.append(("TEXTCOLOR", (3, len(rows) - 1), (3, len(rows) - 1), colors.HexColor("#9C2A1E")))
            elif c.result == "indeterminate":
                extra.append(("BACKGROUND", (3, len(rows) - 1), (3, len(rows) - 1), CHANGED_BG))
        outcome = "; ".join(f"{r.paragraph} {s.result(r.result)}" for r in det.rules if r.result != "not met") or \
            s.result("not met")
        head = kit.p(s.regime_heading(det, loaded), "small", bold=True)
        stop = "。" if lang == "zh" else ". "
        colon = "：" if lang == "zh" else ": "
        verdict = kit.p(f"{s.L['c_classification']}{colon}{s.classification(det)}{stop}"
                        + s.L["licence_line"].format(text=s.licence_detail(det, pos, _first_conditions(kit, det))),
                        "small")
        key = tuple(tuple(map(str, r)) for r in rows[1:])
        if len(rows) == 1:
            body = [kit.p(s.L["no_criteria_close"], "tiny")]
        elif key in seen:
            body = [kit.p(s.L["criteria_same"].format(regime=seen[key]), "tiny")]
        else:
            seen[key] = det.regime
            body = [kit.table(rows, [146, 48, 60, 58, 46, 44, WIDTH - 402], extra=extra)]
        story += [Spacer(1, 3), CondPageBreak(60), head, *body, Spacer(1, 1.5),
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
                story.append(Paragraph(kit.t(tidy(line)), kit.styles["bullet"], bulletText="•"))
    if not found:
        where = ("" if not dest else (f" for export to {dest}" if s.lang == "en" else f"出口至{dest}"))
        story.append(kit.p(s.L["no_exceptions"].format(where=where), "small"))
    return story


def build_story(data, kit: Kit, s: English, cancel: Optional[Callable[[], bool]], font_note: Callable[[], str]) -> list:
    from workbench.io.memo.closing import (caveats, chart, citations, comparison, full_texts, history, integrity,
                                           letters, signoff)

    story = title_block(data, kit, s) + summary(data, kit, s)
    heading = Paragraph(kit.t("2  " + s.L["s_products"]), kit.styles["h2"])
    for i, prod in enumerate(data.products, start=1):
        if cancel is not None and cancel():
            raise Cancelled("cancelled: nothing was written")
        part = product_part(data, kit, s, i, prod)
        lead = [heading, kit.p(s.L["criteria_shown"], "tiny")] if i == 1 else []
        story += part[:1] + lead + part[1:]  # the heading never ends a page alone
    story += comparison(data, kit, s, 3)
    story += letters(data, kit, s, 4)
    story += chart(data, kit, s, 5)
    story += citations(data, kit, s, 6)
    story += caveats(data, kit, s, 7)
    story += signoff(data, kit, s, 8)
    story += integrity(data, kit, s, 9, font_note)
    story += history(data, kit, s, "A")
    story += full_texts(kit, s, "B")  # last: every shortened entry is known once the rest is built
    return story
