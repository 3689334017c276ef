"""English memo wording: labels, field and metric names, and the sentences of a professional memo.

Everything returned is plain text; the layout escapes it before it reaches reportlab.
"""

from __future__ import annotations

from typing import Optional

from workbench.engine.determine import INDETERMINATE_CLASS
from workbench.engine.metrics import FLAG_METRICS, NUMERIC_METRICS
from workbench.io.memo.strings import _THROUGHPUT, PRECISION, fmt_num, fmt_pct
from workbench.wording.labels import CONFIDENCE, FIELDS, POLICIES, REGIME_STATUS, RESULTS


class English:
    lang = "en"
    ANY_THROUGHPUT = "a dense throughput figure (any precision) or a declared TPP"
    SEP = ", "

    def missing(self, fields) -> str:
        """Template fields to fill in, by their labels; the nine throughput columns plus tpp read as one need."""
        from workbench.wording import missing_words

        return missing_words(fields, self.lang)

    L = {
        "s_integrity": "Integrity", "s_history": "Appendix: regimes not in force on the memo date",
        "s_full_text": "Appendix: full text of shortened entries",
        "footer_integrity": "Integrity: audit log entry #{seq} {head}… (section {n})",
        "criteria_same": "The same criteria decide as under {regime} (table above).",
        "caveat_prov_count": "{part}: {n} figures rest on {level} sources (marked in section 2).",
        "caveat_note_group": "{who}: {note}",
        "demo_mark": "DEMO DATA – not for compliance decisions",
        "modified_banner": "MODIFIED RULES: {ids} differ from the published ruleset manifest; results are not the published rules.",
        "integrity_intro": "The values below identify exactly which data and rules this memo was computed from.",
        "rules_current_to": "The rules are current to {day} (the latest Federal Register item or guidance considered).",
        "rules_current_unknown": "The rulesets do not state the date they are current to.",
        "rules_stale": "Warning: today ({today}) is {days} days after the date the rules are current to; check for newer rules before relying on this memo.",
        "letters_not_applied": "The catalog's is-informed letters were not applied to this memo (on request): licence positions are the regimes' alone.",
        "conclusion_intro": "Licence position on {day} under each regime enforced that day:",
        "conclusion_intro_chosen": "Licence position under each regime considered:",
        "c_why": "Why",
        "criteria_shown": "Only the criteria that decided each result are shown: met, within 10 % of the line, or missing an input; the full trace is in the workbook export.",
        "history_intro": "Shown on request for reference only; none of these is the legal position on the memo date.",
        "full_text_intro": "Entries shortened in the body (marked …), in full:",
        "c_kind": "Status on the memo date",
        "no_criteria_close": "No criterion was met or within 10 % of its line.",
        "missing_figure": "missing {missing}",
        "indeterminate_first": "{product} under {regime}: indeterminate — {why}.",
        "title": "Export Classification Memorandum",
        "memo_id": "Memo ID", "date": "Date", "company": "Company", "prepared_by": "Prepared by",
        "reviewed_by": "Reviewed by", "subject": "Subject", "destination": "Destination",
        "end_user_hq": "End user headquartered in", "regimes": "Regimes considered", "blank": "____________________",
        "none_given": "not given (licence position not evaluated)",
        "s_summary": "Summary", "s_products": "Products", "s_comparison": "Regime comparison",
        "s_letters": "Open is-informed letters", "s_chart": "TPP and performance density chart",
        "s_citations": "Citations", "s_caveats": "Caveats", "s_signoff": "Sign-off", "s_about": "About this memo",
        "h_specs": "Specifications and sources", "h_calc": "TPP and performance density, step by step",
        "h_criteria": "Criteria by regime", "h_exceptions": "Eligible licence exceptions",
        "c_product": "Product", "c_regime": "Regime", "c_classification": "Classification",
        "c_licence": "Licence", "c_review": "Review policy", "c_exceptions": "Exceptions",
        "c_field": "Field", "c_value": "Value", "c_source": "Source", "c_confidence": "Confidence",
        "c_precision": "Precision", "c_throughput": "Dense throughput", "c_bits": "Bit length",
        "c_product_bits": "Throughput × bit length", "c_rule": "Rule", "c_criterion": "Criterion",
        "c_threshold": "Threshold", "c_result": "Result", "c_margin": "Margin", "c_margin_pct": "Margin %",
        "c_letter": "Letter", "c_received": "Received", "c_status": "Status", "c_summary": "Summary",
        "c_products": "Products", "c_destinations": "Destinations",
        "lic_required": "Licence required", "lic_not_required": "No licence required",
        "lic_not_evaluated": "Not evaluated", "lic_undecided": "Undecided",
        "no_exceptions_any": "No licence exception is available for these products and destinations under the regimes considered.",
        "no_exceptions": "No licence exception is available for this product{where} under the regimes considered.",
        "exceptions_need_destination": "Licence exceptions are assessed only when a destination is given.",
        "no_letters": "No open is-informed letter recorded in the catalog applies to these products{where}.",
        "letters_intro": "The following open is-informed letters name these products and impose a licence requirement beyond the regulations:",
        "spec_unsourced": "—",
        "imported_note": "imported from {where} row {row} on {day} (audit entry #{seq})",
        "record_source": "Product record source: {source}",
        "record_notes": "Notes: {notes}",
        "no_throughput": "No throughput figure is recorded, so TPP cannot be computed from precisions.",
        "comparison_intro": "Position of each product under each regime (classification / licence / review policy / exceptions). Shaded cells differ from the regime to their left.",
        "comparison_single": "Only one regime was considered; there is nothing to compare.",
        "chart_intro": "Each point is a product; the products of this memo are marked in red{numbered}. Grey points are the rest of the catalog. Dashed lines are the TPP and performance-density thresholds of the regimes considered. Both axes are logarithmic; products without a performance density (planar or unknown) sit on the band below the axis.",
        "chart_numbered": " and numbered as in the key below",
        "chart_pd_na": "PD n/a",
        "chart_x": "TPP (bit length × dense TOPS)", "chart_y": "Performance density (TPP per mm²)",
        "caveat_prov": "{part}: figures from a {level} source: {fields}.",
        "caveat_unsourced": "{part}: figures without a recorded per-field source: {fields}.",
        "caveat_rule": "Under {regime} the classification rests on rule text of {level} confidence ({rules}); confirm it against the Federal Register / eCFR before relying on it.",
        "caveat_status": "{regime}: status {status}{enforced}; results under these regimes are shown for comparison, not as the current legal position.",
        "caveat_draft": "{regime}: a what-if draft, not a regulation.",
        "caveat_missing": "{part} under {regime}: indeterminate; missing {missing}.",
        "caveat_note": "{part} under {regime}: {note}",
        "caveat_interpretations": "Interpretations applied by the rule engine (the same for every determination):",
        "caveat_general": "This memo records the output of a rule engine over the figures in the catalog. It is not legal advice; figures and rule text marked secondary or unverified should be confirmed before an export decision.",
        "not_enforced": ", not enforced",
        "sign_intro": "I have reviewed the specifications, the calculation and the criteria above and agree with the classification and licence position recorded in this memo.",
        "sign_name": "Name", "sign_signature": "Signature", "sign_date": "Date",
        "about_app": "Generated by the export-control workbench {version} at {ts} UTC.",
        "about_db": "Catalog database: {path}",
        "about_audit": "Audit log head at the time of writing: entry {seq}, SHA-256 {hash}. A later change to the catalog appends to the log, so this value dates the data shown.",
        "about_font": "Font for Chinese text: {font}.",
        "about_rulesets": "Rulesets (id, SHA-256 of the file):",
        "about_countries": "Country-group data SHA-256: {sha}",
        "about_rules_in_use": "Rules in use: {rules}.",
        "about_screening": "Party screening: Consolidated Screening List snapshot of {day} ({entries} entries, file SHA-256 {sha}).",
        "about_screening_none": "Party screening: no Consolidated Screening List snapshot is loaded in this catalog, so no party was screened.",
        "footer_rulesets": "Rulesets (SHA-256)", "footer_audit": "Audit log head", "footer_countries": "Country groups",
        "page": "Page {x} of {y}",
        "evaluated_on": "evaluated on {day}",
        "licence_line": "Licence position: {text}",
        "conditions": "Conditions", "notification": "{days}-day prior notification to BIS.",
        "quantity": "Quantity limit: TPP {limit} per {period}.",
        "key": "Key",
        "rule_results": "Rules: ",
        "missing_input": "missing input: ",
        "effective": "effective", "addressee": "addressed to", "legal_basis": "Legal basis",
        "letter_reason": "Why it applies",
        "letter_binds": "In addition, is-informed letter {refs} requires a licence for this product (section 4).",
        "letter_may": "Is-informed letter {refs} may also apply to this product (section 4).",
    }
    FIELDS = FIELDS["en"]
    PRODUCT_TYPES = {"ic": "integrated circuit", "board": "board or module", "server": "server or system",
                     "hbm": "HBM", "model_weights": "model weights"}
    RESULTS = RESULTS["en"]
    POLICIES = POLICIES["en"]
    CONFIDENCE = CONFIDENCE["en"]
    STATUS = REGIME_STATUS["en"]
    SHORT = {"tpp": "TPP", "performance_density": "performance density",
             "interconnect_bandwidth_gbs": "aggregate interconnect bandwidth", "memory_bandwidth_gbs": "DRAM bandwidth",
             "hbm_bandwidth_density_gbs_mm2": "HBM bandwidth density", "transistors_billion": "transistor count (billion)",
             "process_node_nm": "process node (nm)", "die_area_mm2": "die area (mm²)", "training_ops": "training operations"}
    LETTER_RESULTS = {"binds": "binds", "may bind": "may bind", "does not bind": "does not bind"}

    def day(self, value) -> str:
        """A date in the memo's language (ISO in English, 2026年6月15日 in Chinese)."""
        from workbench.wording import date_text

        return date_text(value, self.lang)

    def yes_no(self, value: Optional[bool]) -> str:
        return {True: "yes", False: "no", None: "unknown"}[value]

    def short(self, criterion) -> str:
        return self.SHORT.get(criterion.metric) or self.metric(criterion)

    def letter_result(self, value: str) -> str:
        return self.LETTER_RESULTS.get(value, value)

    def field(self, name: str) -> str:
        return self.FIELDS.get(name, name)

    def metric(self, criterion) -> str:
        return criterion.label or NUMERIC_METRICS.get(criterion.metric) or FLAG_METRICS.get(criterion.metric) or criterion.metric

    def result(self, value: str) -> str:
        return self.RESULTS.get(value, value)

    def policy(self, value: Optional[str]) -> str:
        return self.POLICIES.get(value, value or "—") if value else "—"

    def value(self, field: str, value: object) -> str:
        if value is None:
            return "unknown"
        if isinstance(value, bool):
            return self.yes_no(value)
        if field == "product_type":
            return self.PRODUCT_TYPES.get(str(value), str(value))
        if field == "tpp_basis":
            return {"computed": "computed from throughput", "declared": "vendor-declared"}.get(str(value), str(value))
        return fmt_num(value) if isinstance(value, (int, float)) else str(value)

    def regime(self, loaded) -> str:
        return loaded.regime.title

    def place(self, iso2: Optional[str], name_en: Optional[str], name_zh: Optional[str]) -> str:
        if not iso2:
            return ""
        return f"{name_en} ({iso2})" if name_en else iso2

    def product(self, spec) -> str:
        name = " ".join(x for x in (spec.vendor, spec.name) if x) if spec.name else ""
        return f"{name} ({spec.part_number})" if name else spec.part_number

    def subject(self, n_products: int, n_regimes: int, dest: str) -> str:
        what = "one product" if n_products == 1 else f"{n_products} products"
        where = f" and licence position for export to {dest}" if dest else ""
        regimes = "one regime" if n_regimes == 1 else f"{n_regimes} regimes"
        return f"ECCN classification of {what} under {regimes} of the EAR{where}"

    def summary_intro(self, n_products: int, n_regimes: int, dest: str) -> str:
        what = "one product" if n_products == 1 else f"{n_products} products"
        versions = "one version" if n_regimes == 1 else f"{n_regimes} versions"
        text = (f"This memorandum records the export classification of {what} under {versions} of the US advanced-computing export controls in the Export "
                f"Administration Regulations (EAR), with the calculation and every criterion behind each result.")
        if dest:
            text += f" The licence position is assessed for export to {dest}."
        else:
            text += " No destination was given, so licence positions are not assessed."
        return text

    def classification(self, det) -> str:
        if det.classification == INDETERMINATE_CLASS:
            return "indeterminate (could be " + " or ".join(det.candidates) + ")"
        return det.paragraph or det.classification

    def licence(self, det) -> str:
        if det.license_required is True:
            return self.L["lic_required"]
        if det.license_required is False:
            return self.L["lic_not_required"] if (det.destination or det.end_user_hq) else self.L["lic_not_evaluated"]
        return self.L["lic_undecided"] if (det.destination or det.end_user_hq) else self.L["lic_not_evaluated"]

    def conclusions_intro(self, regime_id: str, regime_name: str) -> str:
        return f"Conclusions under {regime_id} ({regime_name}), the latest regime in force among those considered:"

    def under(self, regime_ids) -> str:
        """'Under A and B: ' before a conclusion that holds under each of them."""
        ids = list(regime_ids)
        return "Under " + (ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]) + ": "

    def conclusion(self, product: str, det, regime_name: str, dest: str, with_regime: bool = True,
                   position=None) -> str:
        head = f"Under {det.regime} ({regime_name}), {product} " if with_regime else f"{product} "
        if det.classification == INDETERMINATE_CLASS:
            head += (f"cannot yet be classified: it could fall under {' or '.join(det.candidates)}, and "
                     f"{self.missing(det.missing) or 'some inputs'} must be supplied to decide.")
        elif det.controlled:
            met = self._met(det)
            head += f"is classified {det.paragraph}"
            head += (" because " + " and ".join(met) + ".") if met else "."
        else:
            head += "is not controlled under 3A090/4A090" + (
                f" ({det.paragraph})" if det.paragraph and not det.paragraph.startswith("not") else "")
            n = det.nearest
            if n is not None and n.margin_pct is not None:
                side = "above" if (n.margin or 0) >= 0 else "below"
                head += (f"; the nearest line is {self.short(n)} at {fmt_num(n.value)}, "
                         f"{abs(n.margin_pct):.1f}% {side} the threshold of {fmt_num(n.threshold)}.")
            else:
                head += "."
        return head + self.licence_sentence(det, dest, position)

    def licence_sentence(self, det, dest: str, position=None) -> str:
        """The licence position of the conclusion, from the one position (letters included)."""
        binding = tuple(getattr(position, "binding", ()) or ())
        maybe = tuple(getattr(position, "maybe", ()) or ())
        required = position.license_required if position is not None else det.license_required
        refs = ", ".join(binding)
        if binding and det.license_required is not True:
            return (f" The regime itself requires no licence for export to {dest}, but is-informed letter {refs} does "
                    "(section 4): a licence is required." if dest else
                    f" Is-informed letter {refs} requires a licence (section 4).")
        text = ""
        if dest and required is True:
            text += f" A licence is required for export to {dest}"
            text += f", reviewed under a {self.policy(det.review_policy)}." if det.review_policy else "."
            if det.license_exceptions:
                text += " Licence exceptions available: " + ", ".join(f"{e.id} ({e.name})" for e in det.license_exceptions) + "."
            else:
                text += " No licence exception is available."
            if binding:
                text += f" Is-informed letter {refs} also requires one (section 4)."
        elif dest and required is False:
            text += f" No licence is required for export to {dest} under this regime."
        elif dest and maybe:
            text += f" Is-informed letter {', '.join(maybe)} may apply (section 4): the licence position is open until it is settled."
        elif dest:
            text += " The licence position cannot be decided until the missing figures are supplied."
        return text

    def _met(self, det) -> list[str]:
        rule = next((r for r in det.rules if r.paragraph == det.paragraph and r.result == "met"), None)
        if rule is None:
            return []
        out = []
        for c in det.criteria:
            if c.id == rule.id and c.result == "met" and c.margin is not None:
                out.append(f"its {self.short(c)} of {fmt_num(c.value)} is {self._op_words(c.op)} "
                           f"{fmt_num(c.threshold)} ({fmt_pct(c.margin_pct)})")
        return out

    @staticmethod
    def _op_words(op: str) -> str:
        return {">=": "at or above", ">": "above", "<": "below", "<=": "at or below", "==": "equal to",
                "!=": "other than"}.get(op, op)

    def tpp_line(self, metrics, precision_label: str, figure: float, bits: int) -> str:
        return (f"TPP is the highest dense throughput × bit length over the precisions given: "
                f"{precision_label} {fmt_num(figure)} × {bits} bits = {fmt_num(metrics.tpp_computed)}.")

    def tpp_declared(self, declared: float, discrepancy: Optional[float], basis: str, used: Optional[float]) -> str:
        text = f"The vendor declares a TPP of {fmt_num(declared)}"
        if discrepancy is not None:
            text += f" ({discrepancy:+.1f}% against the computed figure)"
        return text + f"; the determination uses the {basis} figure, {fmt_num(used)}."

    def tpp_missing(self) -> str:
        return "TPP cannot be computed: no dense throughput figure and no declared TPP are recorded."

    def pd_line(self, tpp: float, area: float, pd: float) -> str:
        return (f"Performance density = TPP ÷ applicable die area = {fmt_num(tpp)} ÷ {fmt_num(area)} mm² "
                f"= {fmt_num(pd, 2)}.")

    def pd_na(self, why: str) -> str:
        return f"Performance density does not apply: {why}."

    def pd_missing(self, fields: list[str]) -> str:
        return "Performance density cannot be computed: missing " + self.missing(fields) + "."

    def regime_heading(self, det, loaded) -> str:
        return f"{det.regime} — {loaded.regime.title} ({self.L['evaluated_on'].format(day=det.as_of.isoformat())})"

    def licence_detail(self, det, position=None, conditions: bool = True) -> str:
        from workbench.wording import licence_reasons, licence_text

        pos = position if position is not None else det
        parts = [licence_text(pos, self.lang)]
        policy = getattr(pos, "review_policy", det.review_policy)
        if policy:
            parts.append(self.policy(policy))
        text = "; ".join(parts)
        reasons = licence_reasons(pos, self.lang, letters_in_full=False)
        if reasons:
            text += ". " + " ".join(r if r.endswith((".", "]")) else r + "." for r in reasons)
        if det.review_conditions and conditions:
            text += " Conditions: " + "; ".join(c.rstrip(".") for c in det.review_conditions) + "."
        elif det.review_conditions:
            text += " Conditions as quoted above."
        return text
