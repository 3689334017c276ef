"""The deal editor: a form whose determination (per regime), fees and limit flags update on every edit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Optional

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from workbench.clock import SYSTEM_CLOCK, Clock
from workbench.engine.deals import STATUSES, Deal, DealLine, Party
from workbench.errors import StorageError, UserError
from workbench.services.deals import DealService, OverLimit
from workbench.ui.support import engine_text as et
from workbench.ui.deals.common import DEAL_STATUS, ENFORCED_ON_DATE, code_box, pydate, qdate, regime_combo
from workbench.ui.deals.deal_text import deal_reasons, deal_summary, flag_text
from workbench.ui.support.i18n import tr, tr_noop


COUNTRY_FIELDS = {"destination": tr_noop("destination"), "consignee_country": tr_noop("consignee country"),
                  "consignee_hq": tr_noop("consignee HQ"), "consignee_parent": tr_noop("consignee parent HQ"),
                  "end_user_country": tr_noop("end user country"), "end_user_hq": tr_noop("end user HQ"),
                  "end_user_parent": tr_noop("end user parent HQ")}


class DealEditorWidget(QWidget):
    """A deal form whose determination (per regime) and limit flags update on every change.

    Signals: saved(int) with the deal id; evaluated(str) with the determination text shown.
    """

    saved = Signal(int)
    evaluated = Signal(str)
    LINE_PART, LINE_QTY, LINE_VALUE = range(3)

    def __init__(self, service: DealService, parent=None, clock: Clock = SYSTEM_CLOCK):
        super().__init__(parent)
        self.clock = clock  # a new deal's date and notification date start on its today
        self.service = service
        self.library = service.library
        self.deal_id: Optional[int] = None
        self.current: Optional[Deal] = None
        self.flags: list = []
        self._loading = False
        parts = sorted(self.service.specs())
        self.parts = parts

        self.reference, self.exporter, self.end_use, self.authorization = QLineEdit(), QLineEdit(), QLineEdit(), QComboBox()
        self.authorization.setEditable(True)
        self.authorization.addItems(["", "LPP", "LPP-500", "NAC", "ACA", "AIA"])
        self.deal_date = QDateEdit(qdate(clock.today()))
        self.deal_date.setCalendarPopup(True)
        self.deal_date.setDisplayFormat("yyyy-MM-dd")
        self.notified = QCheckBox(tr("NAC notice sent on"))
        self.notified_on = QDateEdit(qdate(clock.today()))
        self.notified_on.setDisplayFormat("yyyy-MM-dd")
        self.notified_on.setEnabled(False)
        self.notified.toggled.connect(self.notified_on.setEnabled)
        self.from_us = QCheckBox(tr("Exported from the United States"))
        self.from_us.setChecked(True)
        self.status = QComboBox()
        for key in STATUSES:
            self.status.addItem(tr(DEAL_STATUS[key]), key)
        self.destination = code_box()
        self.party: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow(tr("Reference"), self.reference)
        form.addRow(tr("Date"), self.deal_date)
        form.addRow(tr("Exporter"), self.exporter)
        for who in ("consignee", "end_user"):
            label = tr("Consignee") if who == "consignee" else tr("End user")
            row = QHBoxLayout()
            for key, hint, box in (("name", tr("name"), QLineEdit()), ("country", tr("country"), code_box()),
                                   ("hq", tr("HQ"), code_box()), ("parent", tr("parent HQ"), code_box())):
                box.setPlaceholderText(hint)
                self.party[f"{who}_{key}"] = box
                row.addWidget(box, 3 if key == "name" else 1)
            form.addRow(label, row)
        form.addRow(tr("Destination"), self.destination)
        form.addRow(tr("End use"), self.end_use)
        form.addRow(tr("Licence or exception"), self.authorization)
        notice = QHBoxLayout()
        notice.addWidget(self.notified)
        notice.addWidget(self.notified_on)
        form.addRow("", notice)
        form.addRow("", self.from_us)
        form.addRow(tr("Status"), self.status)

        self.lines = QTableWidget(0, 3)
        self.lines.setHorizontalHeaderLabels([tr("Part number"), tr("Quantity"), tr("Unit value (USD)")])
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_line_button, self.remove_line_button = QPushButton(tr("Add line")), QPushButton(tr("Remove line"))
        line_buttons = QHBoxLayout()
        line_buttons.addWidget(self.add_line_button)
        line_buttons.addWidget(self.remove_line_button)
        line_buttons.addStretch(1)

        self.regime = regime_combo(self.library, ENFORCED_ON_DATE)
        self.determination = QPlainTextEdit()
        self.determination.setReadOnly(True)
        self.flag_label = QLabel()
        self.flag_label.setWordWrap(True)
        self.allow_over = QCheckBox(tr("Record even if a limit is exceeded"))
        self.save_button = QPushButton(tr("Save deal"))
        self.new_button = QPushButton(tr("New deal"))
        live = QGroupBox(tr("Live determination"))
        live_layout = QVBoxLayout(live)
        live_layout.addWidget(self.regime)
        live_layout.addWidget(self.determination, 1)
        live_layout.addWidget(self.flag_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.allow_over)
        bottom.addStretch(1)
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.save_button)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.lines, 1)
        left.addLayout(line_buttons)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(live, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

        for box in (self.reference, self.exporter, self.end_use, self.destination, *self.party.values()):
            box.textChanged.connect(self.update_determination)
        self.authorization.currentTextChanged.connect(self.update_determination)
        for widget in (self.deal_date, self.notified_on):
            widget.dateChanged.connect(self.update_determination)
        for box in (self.notified, self.from_us):
            box.toggled.connect(self.update_determination)
        self.status.currentIndexChanged.connect(self.update_determination)
        self.regime.currentIndexChanged.connect(self.update_determination)
        self.lines.itemChanged.connect(self.update_determination)
        self.add_line_button.clicked.connect(lambda: self.add_line())
        self.remove_line_button.clicked.connect(self.remove_line)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.clear)
        self.update_determination()

    # lines ---------------------------------------------------------------------------------------
    def add_line(self, part: str = "", quantity: int = 1, unit_value: str = "0.00") -> None:
        was_loading, self._loading = self._loading, True
        row = self.lines.rowCount()
        self.lines.insertRow(row)
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(self.parts)
        combo.setCurrentText(part)
        combo.currentTextChanged.connect(self.update_determination)
        self.lines.setCellWidget(row, self.LINE_PART, combo)
        spin = QSpinBox()
        spin.setRange(1, 10_000_000)
        spin.setValue(quantity)
        spin.valueChanged.connect(self.update_determination)
        self.lines.setCellWidget(row, self.LINE_QTY, spin)
        self.lines.setItem(row, self.LINE_VALUE, QTableWidgetItem(unit_value))
        self._loading = was_loading
        self.update_determination()

    def remove_line(self) -> None:
        row = self.lines.currentRow()
        if row < 0:
            row = self.lines.rowCount() - 1
        if row >= 0:
            self.lines.removeRow(row)
            self.update_determination()

    # the deal ------------------------------------------------------------------------------------
    def load(self, deal: Deal) -> None:
        """Show a saved deal for editing."""
        self._loading = True
        self.deal_id = deal.id
        self.reference.setText(deal.reference)
        self.deal_date.setDate(qdate(deal.deal_date))
        self.exporter.setText(deal.exporter)
        for who, party in (("consignee", deal.consignee), ("end_user", deal.end_user)):
            self.party[f"{who}_name"].setText(party.name)
            self.party[f"{who}_country"].setText(party.country)
            self.party[f"{who}_hq"].setText(party.hq_country or "")
            self.party[f"{who}_parent"].setText(party.parent_hq_country or "")
        self.destination.setText(deal.destination)
        self.end_use.setText(deal.end_use)
        self.authorization.setCurrentText(deal.authorization)
        self.notified.setChecked(deal.notified_on is not None)
        if deal.notified_on:
            self.notified_on.setDate(qdate(deal.notified_on))
        self.from_us.setChecked(deal.exports_from_us)
        self.status.setCurrentIndex(max(0, self.status.findData(deal.status)))
        self.lines.setRowCount(0)
        for ln in deal.lines:
            self.add_line(ln.part_number, ln.quantity, str(ln.unit_value_usd))
        self._loading = False
        self.update_determination()

    def clear(self) -> None:
        """An empty form for a new deal (the regime choice is kept)."""
        self._loading = True
        self.deal_id = None
        for box in (self.reference, self.exporter, self.end_use, self.destination, *self.party.values()):
            box.clear()
        self.authorization.setCurrentText("")
        self.notified.setChecked(False)
        self.from_us.setChecked(True)
        self.status.setCurrentIndex(max(0, self.status.findData("draft")))
        self.allow_over.setChecked(False)
        self.lines.setRowCount(0)
        self._loading = False
        self.update_determination()

    def missing_for_save(self) -> list[str]:
        """Fields the live determination can do without but a saved deal needs."""
        need = {tr_noop("reference"): self.reference, tr_noop("exporter"): self.exporter,
                tr_noop("consignee name"): self.party["consignee_name"],
                tr_noop("consignee country"): self.party["consignee_country"],
                tr_noop("end user name"): self.party["end_user_name"],
                tr_noop("end user country"): self.party["end_user_country"]}
        return [label for label, box in need.items() if not box.text().strip()]

    def build(self) -> Deal:
        """The form as a validated Deal; raises ValueError with a readable message."""
        lines = []
        for row in range(self.lines.rowCount()):
            part = self.lines.cellWidget(row, self.LINE_PART).currentText().strip()
            qty = self.lines.cellWidget(row, self.LINE_QTY).value()
            item = self.lines.item(row, self.LINE_VALUE)
            text = (item.text() if item else "").replace(",", "").replace("$", "").strip()
            try:
                value = Decimal(text or "0")
            except InvalidOperation:
                raise ValueError(tr("line %1: unit value '%2' is not an amount (expected e.g. 25000.00)")
                                 .replace("%1", str(row + 1)).replace("%2", text)) from None
            if not value.is_finite() or value != value.quantize(Decimal("0.01")):
                raise ValueError(tr("line %1: unit value '%2' (expected dollars with at most 2 decimals)")
                                 .replace("%1", str(row + 1)).replace("%2", text))
            lines.append(DealLine(part_number=part, quantity=qty, unit_value_usd=value.quantize(Decimal("0.01"))))
        if not lines:
            raise ValueError(tr("no lines (expected at least one product line)"))
        p = {k: v.text().strip() or None for k, v in self.party.items()}
        dest = self.destination.text().strip()  # stands in for a blank party country while typing
        for key, code in [("destination", self.destination.text().strip())] + [(k, v) for k, v in p.items()
                                                                               if not k.endswith("_name")]:
            if code and code not in self.library.countries:
                raise ValueError(tr("%1: unknown country code '%2' (expected e.g. MY, CN, AE)")
                                 .replace("%1", tr(COUNTRY_FIELDS.get(key, key))).replace("%2", code))
        return Deal(id=self.deal_id, reference=self.reference.text().strip() or "(new)",
                    deal_date=pydate(self.deal_date.date()), exporter=self.exporter.text().strip() or "(exporter)",
                    consignee=Party(name=p["consignee_name"] or "(consignee)", country=p["consignee_country"] or dest,
                                    hq_country=p["consignee_hq"], parent_hq_country=p["consignee_parent"]),
                    end_user=Party(name=p["end_user_name"] or "(end user)", country=p["end_user_country"] or dest,
                                   hq_country=p["end_user_hq"], parent_hq_country=p["end_user_parent"]),
                    destination=self.destination.text().strip(), end_use=self.end_use.text().strip(),
                    authorization=self.authorization.currentText().strip(),
                    notified_on=pydate(self.notified_on.date()) if self.notified.isChecked() else None,
                    exports_from_us=self.from_us.isChecked(), status=self.status.currentData(), lines=tuple(lines))

    def update_determination(self, *_args) -> None:
        if self._loading:
            return
        self.flags = []
        try:
            deal = self.build()
        except (ValueError, ValidationError) as exc:
            self.current = None
            text = _problem_text(exc)
            self.flag_label.setText("")
        else:
            self.current = deal
            rid = self.regime.currentData() or self.service.enforced_on(deal.deal_date)
            if rid is None:
                raise_text = tr("No enforced regime on this date (the controls start on 2022-10-21).")
                self.determination.setPlainText(raise_text)
                self.evaluated.emit(raise_text)
                return
            ev = self.service.evaluate(deal, rid)
            total = tr("unknown (some TPP missing)") if ev.tpp_total is None else f"{ev.tpp_total:,} TPP"
            fees = self.service.fees(deal, rid)
            limits = self.service.limits
            text = "\n".join([f"{ev.regime}: {deal_summary(ev)}", tr("Deal TPP total: %1").replace("%1", total),
                              tr("Value: %1").replace("%1", f"${deal.value_usd:,}"),
                              tr("Confidence: %1").replace("%1", et.confidence(ev.confidence)),
                              tr("Revenue share (%1%, 2025 arrangement, never codified): %2")
                              .replace("%1", str(limits.revenue_share.rate_percent))
                              .replace("%2", f"${fees['revenue_share']:,}"),
                              tr("Section 232 tariff exposure (%1%): %2").replace("%1", str(limits.tariff.rate_percent))
                              .replace("%2", f"${fees['tariff']:,}"),
                              "", *deal_reasons(ev)])
            if not ev.overlay_applied:
                text += "\n\n" + tr("(no is-informed letters applied)")
            self.flags = self.service.check(deal) if deal.status != "cancelled" else []
            checked = ", ".join(self.service.checked_regimes(deal)) or tr("none in force on this date")
            self.flag_label.setText("\n".join(f"⚠ {flag_text(f)}" for f in self.flags) if self.flags
                                    else tr("Within every limit checked (%1).").replace("%1", checked))
            self.flag_label.setStyleSheet("color: #b3261e" if self.flags else "")
        self.determination.setPlainText(text)
        self.save_button.setEnabled(self.current is not None)
        self.evaluated.emit(text)

    def save(self) -> Optional[int]:
        if self.current is None:
            return None
        missing = self.missing_for_save()
        if missing:
            self.flag_label.setText(tr("Not saved: fill in %1.").replace("%1", ", ".join(tr(m) for m in missing)))
            return None
        try:
            saved, _ = self.service.save(self.current, allow_over_limit=self.allow_over.isChecked())
        except OverLimit as exc:
            self.flag_label.setText(tr("Not saved: %1 (tick 'Record even if a limit is exceeded' to record it)")
                                    .replace("%1", "; ".join(flag_text(f) for f in exc.flags)))
            return None
        except (UserError, StorageError) as exc:  # a refused deal write, a database problem
            self.flag_label.setText(tr("Not saved: %1").replace("%1", str(exc)))
            return None
        self.deal_id = saved.id
        self.update_determination()
        self.saved.emit(saved.id)
        return saved.id


def _problem_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return tr("Incomplete deal:") + "\n" + "\n".join(
            f"- {'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
    return tr("Incomplete deal:") + f"\n- {exc}"
