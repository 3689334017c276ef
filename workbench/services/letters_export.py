"""The letters workbook: every letter with its status, deadlines and history, written safely (xlsx_safe)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.engine.conditions import NOT_MET
from workbench.engine.letters import compile_letters, coverage
from workbench.io.atomic import atomic_write
from workbench.io.xlsx_safe import MAX_CELL_CHARS, prepare_text

if TYPE_CHECKING:
    from workbench.services.letters import LetterService


def _fits(text: str, seq: int) -> str:
    """History JSON too long for one cell is replaced by a visible pointer, never cut silently."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    return f"({len(text):,} characters: too long for one cell; see audit row seq {seq} in the database)"


def _put(ws, row: list) -> None:
    """Append a row; every string goes through workbench.io.xlsx_safe, as in the catalog workbook:
    stored as text (never a formula), quote-prefixed when it starts like one (OWASP ASVS V1.2.10,
    CWE-1236), control characters shown as visible symbols, over-long text replaced by a notice."""
    ws.append([None if isinstance(v, str) else v for v in row])
    for value, cell in zip(row, ws[ws.max_row]):
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(value, str):
            safe = prepare_text(value)
            cell._value = safe.stored  # bypass Cell.value's binding, which would make "=..." a formula
            cell.data_type = "s"
            cell.quotePrefix = safe.quote_prefix


def export_letters_xlsx(service: LetterService, out: Path) -> Path:
    """Letters, criteria, deadlines, applications, attachments and history as one workbook (written
    to a temporary file, then renamed into place)."""
    import openpyxl
    from openpyxl.styles import Font

    from workbench.store.audit import head

    letters = service.list()
    wb = openpyxl.Workbook()
    sheets = {
        "Letters": ["ref", "status", "addressee", "agency", "received", "effective", "legal_basis", "summary",
                    "part_numbers", "destinations", "end_user_hq", "licence_required", "review_policy", "notes"],
        "Criteria": ["ref", "criterion", "description", "condition", "confidence", "note"],
        "Deadlines": ["ref", "deadline", "label", "due", "agency_time_zone", "done_on"],
        "Applications": ["ref", "number", "status", "submitted", "decided", "items", "destination", "quantity",
                         "value_usd", "note"],
        "Attachments": ["ref", "file_name", "sha256", "size", "added_utc", "verified"],
        "Affected": ["ref", "part_number", "result", "matched", "missing"],
        "History": ["ref", "seq", "ts_utc", "actor", "action", "before", "after"],
    }
    ws_by = {}
    for i, (title, header) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        _put(ws, header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws_by[title] = ws
    from workbench.engine.places import describe

    for x in letters:
        _put(ws_by["Letters"], [x.ref, x.status, x.addressee, x.agency, x.received, x.effective, x.legal_basis,
                                x.summary, ", ".join(x.covered.part_numbers), describe(x.destinations),
                                describe(x.end_user_hq) if x.end_user_hq else "", x.requirement.licence_required,
                                x.requirement.review_policy, "\n".join(x.notes)])
        for c in x.covered.criteria:
            _put(ws_by["Criteria"], [x.ref, c.id, c.description,
                                     json.dumps(c.model_dump(mode="json", by_alias=True)["condition"]),
                                     c.confidence, c.note])
        for d in x.deadlines:
            _put(ws_by["Deadlines"], [x.ref, d.id, d.label, d.due, x.agency_tz, d.done_on])
        for a in x.applications:
            _put(ws_by["Applications"], [x.ref, a.number, a.status, a.submitted, a.decided, ", ".join(a.items),
                                         a.destination, a.quantity, a.value_usd, a.note])
        for chk in service.verify_attachments(x.ref):
            a = chk.attachment
            _put(ws_by["Attachments"], [x.ref, a.file_name, a.sha256, a.size, a.added_utc,
                                        "ok" if chk.ok else chk.problem])
        for h in service.history(x.ref):
            _put(ws_by["History"], [x.ref, h.seq, h.ts_utc, h.actor, h.action,
                                    json.dumps(h.before, ensure_ascii=False) if h.before is not None else None,
                                    _fits(json.dumps(h.after, ensure_ascii=False), h.seq) if h.after is not None else None])
    from workbench.store.products import load_specs

    specs = load_specs(service.conn)
    for c in compile_letters([x for x in letters if x.is_open]):
        for spec in specs:
            cov = coverage(c, spec)
            if cov.result != NOT_MET:
                _put(ws_by["Affected"], [c.letter.ref, spec.part_number,
                                         "covered" if cov.result == "met" else "may be covered",
                                         "; ".join(cov.matched), ", ".join(cov.missing)])
    seq, digest = head(service.conn)
    wb.properties.description = f"audit head seq {seq} sha256 {digest}"
    for ws in ws_by.values():
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, *(len(str(c.value or ""))
                                                                                for c in col[:50])))
    with atomic_write(out) as fh:
        wb.save(fh)
    return out
