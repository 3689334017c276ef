"""The Excel workbook export (openpyxl, write-only mode): Catalog, Determinations, Comparison,
Letters, Deals (when the catalog has the deals feature), Sources, About.

* Catalog has exactly the canonical template columns (workbench.engine.spec.TEMPLATE_FIELDS), with
  yes/no for flags and plain numbers, and is the first sheet: the catalog's own import reads it
  back to identical rows.
* Every text cell goes through workbench.io.xlsx_safe (text stays text, nothing is evaluated,
  nothing is truncated silently); cells that could not be written exactly are returned and listed
  on the About sheet.
* Frozen header rows, filters, column widths and number formats on every sheet.
* The file is written atomically (workbench.io.atomic).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Optional, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.errors import Cancelled
from workbench.io.atomic import atomic_write
from workbench.io.tables import column_letter
from workbench.io.xlsx_safe import CellIssue, is_plain, text_cell
from workbench.wording import OPS, fmt_num, fmt_pct, licence_text, position_text, short_metric

DEMO_MARK = "DEMO DATA – not for compliance decisions / 演示数据 – 不得用于合规决策"
# Workbook (by id) -> the mark every one of its sheets prints while it is being written.
_MARKS: dict[int, str] = {}

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
CHANGED_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")

_BOOL_FIELDS = {"datacenter", "non_planar", "has_hbm", "weights_published"}
_TEXT_FIELDS = {"part_number", "vendor", "name", "product_type", "source", "notes", "tpp_basis"}
_WIDE = {"part_number": 28, "vendor": 14, "name": 28, "source": 50, "notes": 50}


@dataclass(frozen=True)
class Col:
    header: str
    width: float = 12
    number_format: Optional[str] = None
    wrap: bool = False


class SheetWriter:
    """Appends rows of plain values to a write-only sheet, making every cell safe and formatted."""

    def __init__(self, wb: Workbook, title: str, columns: Sequence[Col], issues: list[CellIssue], freeze: str = "A2"):
        self.ws = wb.create_sheet(title)
        mark = _MARKS.get(id(wb), "")
        if mark:  # the demo catalog: printed on every page of every sheet, and a red tab
            self.ws.oddHeader.center.text = mark
            self.ws.oddFooter.center.text = mark
            self.ws.sheet_properties.tabColor = "B00020"
        self.title, self.columns, self.issues = title, list(columns), issues
        self.letters = [column_letter(i) for i in range(len(self.columns))]
        for letter, col in zip(self.letters, self.columns):
            self.ws.column_dimensions[letter].width = col.width
        self.ws.freeze_panes = freeze
        self.row = 0
        self.append([c.header for c in self.columns], header=True)

    def append(self, values: Sequence[object], header: bool = False, fills: Optional[dict[int, PatternFill]] = None) -> None:
        """Plain text and unformatted numbers go in as bare values (openpyxl stores them exactly as
        strings/numbers); everything else becomes a styled or made-safe cell."""
        self.row += 1
        cells: list[object] = []
        for i, value in enumerate(values):
            col = self.columns[i] if i < len(self.columns) else Col("")
            styled = header or col.wrap or (fills is not None and i in fills)
            if value is None or value == "":
                cells.append(WriteOnlyCell(self.ws) if styled else None)  # empty means unknown, as in the import
                if styled:
                    self._style(cells[-1], header, fills, i)
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            if isinstance(value, (date, datetime)):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = col.number_format or "yyyy-mm-dd"
                self._style(cell, header, fills, i)
                cells.append(cell)
                continue
            if isinstance(value, (int, float)):
                if not col.number_format and not styled:
                    cells.append(value)
                    continue
                cell = WriteOnlyCell(self.ws, value=value)
                if col.number_format:
                    cell.number_format = col.number_format
            else:
                text = str(value)
                if not styled and is_plain(text):
                    cells.append(text)
                    continue
                coordinate = f"{self.letters[i] if i < len(self.letters) else column_letter(i)}{self.row}"
                cell = text_cell(self.ws, text, sheet=self.title, coordinate=coordinate, issues=self.issues)
                if col.wrap and not header:
                    cell.alignment = WRAP
            self._style(cell, header, fills, i)
            cells.append(cell)
        self.ws.append(cells)

    @staticmethod
    def _style(cell, header: bool, fills, i: int) -> None:
        if header:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        elif fills and i in fills:
            cell.fill = fills[i]

    def finish(self) -> None:
        self.ws.auto_filter.ref = f"A1:{self.letters[-1]}{max(self.row, 1)}"


Cancel = Optional[Callable[[], bool]]


def _check(cancel: Cancel) -> None:
    if cancel is not None and cancel():
        raise Cancelled("cancelled: nothing was written")


def write_workbook(data, out: Path, cancel: Cancel = None) -> list[CellIssue]:
    """Write ``data`` (io.report_data.WorkbookData) to ``out``; returns the cells flagged in the report."""
    issues: list[CellIssue] = []
    wb = Workbook(write_only=True)
    if getattr(data.context, "demo", False):
        _MARKS[id(wb)] = DEMO_MARK
    try:
        _catalog(wb, data, issues, cancel)
        _determinations(wb, data, issues, cancel)
        _comparison(wb, data, issues)
        _letters(wb, data, issues)
        _deals(wb, data, issues)
        _sources(wb, data, issues)
        _check(cancel)
        _about(wb, data, issues)
        with atomic_write(out) as fh:
            wb.save(fh)
    except BaseException:
        _discard(wb)
        raise
    finally:
        _MARKS.pop(id(wb), None)
    return issues


def _discard(wb: Workbook) -> None:
    """Close and delete the write-only sheets' temporary files after a cancel or a failed save."""
    import contextlib

    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def _catalog(wb, data, issues, cancel) -> None:
    cols = [Col(f, _WIDE.get(f, 12 if f not in _BOOL_FIELDS else 10)) for f in TEMPLATE_FIELDS]
    sheet = SheetWriter(wb, "Catalog", cols, issues, freeze="B2")
    for i, rec in enumerate(data.records.values(), start=1):
        if i % 500 == 0:
            _check(cancel)
        sheet.append([rec.get(f) for f in TEMPLATE_FIELDS])
    sheet.finish()


_DET_COLS = [
    Col("part_number", 28), Col("vendor", 14), Col("name", 28), Col("regime", 24), Col("regime_status", 11),
    Col("as_of", 11), Col("destination", 11), Col("end_user_hq", 11), Col("classification", 14),
    Col("paragraph", 22), Col("controlled", 10), Col("tpp", 11, "#,##0"), Col("tpp_basis", 10),
    Col("tpp_precision", 12), Col("performance_density", 12, "#,##0.00"), Col("licence_required", 11),
    Col("licence", 34), Col("review_policy", 20), Col("licence_exceptions", 16), Col("letters_binding", 18),
    Col("letters_may_bind", 18), Col("regime_only_licence", 16),
    Col("nearest_criterion", 30), Col("nearest_value", 12, "#,##0.00"), Col("nearest_threshold", 12, "#,##0.00"),
    Col("nearest_margin", 12, "#,##0.00"), Col("nearest_margin_pct", 12, '+0.0"%";-0.0"%";0.0"%"'),
    Col("criteria", 70, wrap=True), Col("missing", 20), Col("confidence", 11), Col("explanation", 70, wrap=True),
    Col("ruleset_sha256", 20),
]


def _criterion_line(c, paragraphs: dict[str, str]) -> str:
    owner = paragraphs.get(c.id, c.id)
    if c.op == "is":
        test = f"= {'yes' if c.threshold else 'no'}"
        value = "unknown" if c.value is None else ("yes" if c.value else "no")
    elif c.op == "in":
        test, value = "in {" + ", ".join(map(str, c.threshold)) + "}", str(c.value)
    else:
        test, value = f"{OPS.get(c.op, c.op)} {fmt_num(c.threshold)}", "unknown" if c.value is None else fmt_num(c.value)
    margin = f" (margin {fmt_num(c.margin)}, {fmt_pct(c.margin_pct)})" if c.margin is not None else ""
    return f"{owner}: {c.label or c.metric} {value} {test}: {c.result}{margin}"


_YES_NO = {True: "yes", False: "no", None: "not decided"}


def _determinations(wb, data, issues, cancel) -> None:
    """One row per product and regime; the licence columns are the one licence position
    (services.classify: letters applied), the regime's own answer beside it."""
    sheet = SheetWriter(wb, "Determinations", _DET_COLS, issues, freeze="B2")
    status = {r.id: r.regime.status for r in data.context.regimes}
    for i, prod in enumerate(data.products, start=1):
        if i % 200 == 0:
            _check(cancel)
        spec = prod.spec
        for j, det in enumerate(prod.determinations):
            pos = prod.positions[j] if prod.positions else det
            paragraphs = {r.id: r.paragraph for r in det.rules}
            n = det.nearest
            sheet.append([
                spec.part_number, spec.vendor, spec.name, det.regime, status.get(det.regime), det.as_of.isoformat(),
                det.destination, det.end_user_hq, det.classification, det.paragraph,
                {True: "yes", False: "no", None: "unknown"}[det.controlled], det.tpp, det.tpp_basis, det.tpp_precision,
                det.performance_density, _YES_NO[pos.license_required], licence_text(pos, "en"),
                getattr(pos, "review_policy", det.review_policy), ", ".join(e.id for e in det.license_exceptions) or None,
                ", ".join(getattr(pos, "binding", ())) or None, ", ".join(getattr(pos, "maybe", ())) or None,
                _YES_NO[det.license_required],
                f"{paragraphs.get(n.id, n.id)}: {short_metric(n.metric)} {OPS.get(n.op, n.op)}" if n else None,
                n.value if n else None, n.threshold if n else None, n.margin if n else None, n.margin_pct if n else None,
                "\n".join(_criterion_line(c, paragraphs) for c in det.criteria), ", ".join(det.missing) or None,
                getattr(pos, "confidence", det.confidence), getattr(pos, "explanation", det.explanation),
                det.ruleset_sha256,
            ])
    sheet.finish()


def _comparison(wb, data, issues) -> None:
    regimes = data.context.regimes
    cols = [Col("part_number", 28), Col("name", 24)] + [Col(r.id, 26, wrap=True) for r in regimes] + [Col("changes", 9, "0")]
    sheet = SheetWriter(wb, "Comparison", cols, issues, freeze="C2")
    for prod in data.products:
        positions = [position_text(prod.positions[j] if prod.positions else d) for j, d in enumerate(prod.determinations)]
        fills = {j + 2: CHANGED_FILL for j in range(1, len(positions)) if positions[j] != positions[j - 1]}
        sheet.append([prod.spec.part_number, prod.spec.name, *positions, len(fills)], fills=fills)
    sheet.finish()


_LETTER_COLS = [
    Col("ref", 26), Col("status", 14), Col("addressee", 28), Col("received", 11), Col("effective", 11),
    Col("licence_required", 11), Col("review_policy", 18), Col("destinations", 30, wrap=True),
    Col("legal_basis", 40, wrap=True), Col("summary", 60, wrap=True), Col("part_number", 28), Col("regimes", 30, wrap=True),
    Col("result", 11), Col("why", 60, wrap=True),
]


def _letters(wb, data, issues) -> None:
    sheet = SheetWriter(wb, "Letters", _LETTER_COLS, issues, freeze="B2")
    for letter in data.letters:
        head = [letter.ref, letter.status, letter.addressee, letter.received, letter.effective, letter.licence_required,
                letter.review_policy, letter.destinations, letter.legal_basis, letter.summary]
        grouped: dict[tuple, list[str]] = {}
        for hit in letter.hits:
            grouped.setdefault((hit.part_number, hit.result, "; ".join(hit.matched) or hit.reason), []).append(hit.regime)
        if not grouped:
            sheet.append(head + [None, None, "none", "no catalog product is covered (or the letter is closed)"])
        for (part, result, why), regs in grouped.items():
            sheet.append(head + [part, ", ".join(regs), result, why])
    sheet.finish()


def _deals(wb, data, issues) -> None:
    """The deals feature's sheet (its import columns first, so ``workbench deals add`` reads it back),
    each line determined under the current regime; only when the catalog has the deals feature."""
    if data.deals is None:
        return
    _regime, headers, rows = data.deals
    wide = {"consignee_name": 24, "end_user_name": 24, "exporter": 20, "notes": 40, "ruleset_sha256": 20}
    cols = [Col(h, wide.get(h, 13), "yyyy-mm-dd" if h in ("deal_date", "notified_on") else None) for h in headers]
    sheet = SheetWriter(wb, "Deals", cols, issues, freeze="B2")
    for row in rows:
        sheet.append(row)
    sheet.finish()


def _sources(wb, data, issues) -> None:
    cols = [Col("part_number", 28), Col("field", 24), Col("value", 14), Col("source", 70, wrap=True),
            Col("confidence", 12), Col("note", 50, wrap=True)]
    sheet = SheetWriter(wb, "Sources", cols, issues, freeze="C2")
    for prod in data.products:
        for p in prod.provenance:
            sheet.append([p.part_number, p.field, p.value, p.source, p.confidence, p.note])
    sheet.finish()


def _about(wb, data, issues) -> None:
    ctx = data.context
    sheet = SheetWriter(wb, "About", [Col("item", 30), Col("value", 70, wrap=True), Col("detail", 70, wrap=True)],
                        issues, freeze="A2")
    rows = []
    if getattr(ctx, "demo", False):
        rows.append(("DEMO DATA", DEMO_MARK, "made from the demo catalog of public figures and a fictitious sample letter"))
    if getattr(ctx, "modified", ()):
        rows.append(("MODIFIED RULES", ", ".join(ctx.modified),
                     "these rulesets differ from the published manifest (workbench rulesets verify): "
                     "results are not the published rules"))
    if not getattr(ctx, "letters_applied", True):
        rows.append(("letters", "not applied", "the catalog's is-informed letters were left out on request"))
    rows += [
        ("app", f"export-control workbench {ctx.app_version}", None),
        ("exported_utc", ctx.generated_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "when the data was read and written, from the workbench's clock"),
        ("database", ctx.db_path or None, None),
        ("audit_head_seq", ctx.audit_seq, "the last audit-log entry when the data was read"),
        ("audit_head_sha256", ctx.audit_head, "the hash-chained audit log's head when the data was read: any later change appends after it"),
        ("destination", ctx.destination, "licence positions are evaluated for this destination" if ctx.destination
         else "no destination: licence positions not evaluated"),
        ("end_user_hq", ctx.end_user_hq, None),
        ("products", len(data.products), None),
        ("determinations", sum(len(p.determinations) for p in data.products), None),
        ("country_groups_sha256", ctx.countries_sha256, "rulesets/countries.csv"),
        ("rules_in_use", ctx.rules_in_use or None, "built-in rules, or the signed rule bundle installed (workbench update list)"),
        ("rules_current_to", ctx.rules_current_to.isoformat() if ctx.rules_current_to else None,
         "the latest Federal Register item or guidance the rules considered"),
        ("screening_snapshot", ctx.screening_snapshot[0].isoformat() if ctx.screening_snapshot else "none loaded",
         (f"Consolidated Screening List, {ctx.screening_snapshot[2]} entries, file SHA-256 {ctx.screening_snapshot[1]}"
          if ctx.screening_snapshot else "no party screening list in this catalog")),
    ]
    if data.deals is not None:
        rows.append(("deals_regime", data.deals[0], "the Deals sheet determines each deal line under this regime"))
    for row in rows:
        sheet.append(list(row))
    for r in ctx.regimes:
        sheet.append([f"ruleset {r.id}", r.sha256, f"{r.regime.title} (status: {r.regime.status})"])
    # The export report: listed last, so it includes the cells flagged on this sheet above.
    flagged = list(issues)
    sheet.append(["export_report", f"{len(flagged)} cell{'s' if len(flagged) != 1 else ''} could not be written exactly"
                  if flagged else "every cell was written exactly", None])
    for issue in flagged:
        sheet.append([f"{issue.sheet}!{issue.cell}", issue.kind, issue.detail])
    sheet.finish()
