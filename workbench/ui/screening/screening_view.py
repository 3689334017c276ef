"""The Screening tab: the loaded list snapshot (date, entries per source list), a search box
with results as score bars and their reasons, the review queue with Clear / Confirm (each with
the officer's reason), and the ownership links with the Affiliates-rule check.

It works through workbench.services.screening.ScreeningService on the UI thread's catalog
connection; a list load (tens of seconds for a full list) runs the same service call and shows
a busy cursor. Reasons are the matcher's own words (English), as the engine's explanations are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QMessageBox,
                               QProgressBar, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from workbench.services.changes import DEALS, SCREENING
from workbench.ui.support.i18n import tr


def score_bar(score: float) -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 100)
    bar.setValue(round(score * 100))
    bar.setFormat(f"{score:.2f}")
    bar.setMaximumHeight(18)
    return bar


class ScreeningView(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.service = session.services.screening
        self.snapshot_label = QLabel()
        self.snapshot_label.setObjectName("screening-snapshot")
        self.snapshot_label.setWordWrap(True)
        self.snapshot_label.setTextFormat(Qt.TextFormat.RichText)
        self.snapshot_label.setStyleSheet("QLabel { background: #eef3f8; padding: 6px; border: 1px solid #c9d6e3; }")
        self.load_button = QPushButton(tr("Load screening list…"))
        self.load_button.clicked.connect(lambda: self.load_file())

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(tr("Party name, in any script (e.g. 華為技術有限公司)"))
        self.country_edit = QLineEdit()
        self.country_edit.setPlaceholderText(tr("Country (ISO2)"))
        self.country_edit.setMaximumWidth(110)
        self.search_button = QPushButton(tr("Screen"))
        self.search_button.clicked.connect(lambda: self.search())
        self.name_edit.returnPressed.connect(lambda: self.search())
        self.threshold_label = QLabel()

        self.results = QTreeWidget()
        self.results.setColumnCount(4)
        self.results.setHeaderLabels([tr("Score"), tr("List entry"), tr("Source list"), tr("Entry id")])
        self.results.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.results.setColumnWidth(0, 130)
        self.results.setColumnWidth(2, 330)

        self.queue = QTableWidget(0, 5)
        self.queue.setHorizontalHeaderLabels([tr("Score"), tr("Party"), tr("Possible match"), tr("Entry id"),
                                              tr("Where the party appears")])
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.verticalHeader().setVisible(False)
        self.queue.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.clear_button = QPushButton(tr("Clear match…"))
        self.confirm_button = QPushButton(tr("Confirm match…"))
        self.clear_button.clicked.connect(lambda: self.decide_selected("cleared"))
        self.confirm_button.clicked.connect(lambda: self.decide_selected("confirmed"))

        self.links = QTableWidget(0, 5)
        self.links.setHorizontalHeaderLabels([tr("Owner"), tr("Owned"), tr("Percent"), tr("As of"), tr("Source")])
        self.links.verticalHeader().setVisible(False)
        self.links.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_link_button = QPushButton(tr("Add ownership link…"))
        self.import_links_button = QPushButton(tr("Import links from xlsx/CSV…"))
        self.check_button = QPushButton(tr("Affiliates-rule check…"))
        self.add_link_button.clicked.connect(lambda: self.add_link())
        self.import_links_button.clicked.connect(lambda: self.import_links())
        self.check_button.clicked.connect(lambda: self.affiliates_check())

        top = QHBoxLayout()
        top.addWidget(self.snapshot_label, 1)
        top.addWidget(self.load_button)
        search = QHBoxLayout()
        search.addWidget(self.name_edit, 1)
        search.addWidget(self.country_edit)
        search.addWidget(self.search_button)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(search)
        ul.addWidget(self.threshold_label)
        ul.addWidget(self.results, 1)

        queue_page = QWidget()
        ql = QVBoxLayout(queue_page)
        qb = QHBoxLayout()
        qb.addWidget(self.clear_button)
        qb.addWidget(self.confirm_button)
        qb.addStretch(1)
        ql.addLayout(qb)
        ql.addWidget(self.queue, 1)
        links_page = QWidget()
        ll = QVBoxLayout(links_page)
        lb = QHBoxLayout()
        for b in (self.add_link_button, self.import_links_button, self.check_button):
            lb.addWidget(b)
        lb.addStretch(1)
        ll.addLayout(lb)
        ll.addWidget(self.links, 1)
        self.lower = QTabWidget()
        self.lower.addTab(queue_page, tr("Review queue"))
        self.lower.addTab(links_page, tr("Ownership links"))

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.lower)
        split.setSizes([380, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        session.dataChanged.connect(self._data_changed)  # a bound method: Qt drops it with this view
        self.refresh()

    # reading ----------------------------------------------------------------------------------------
    def _data_changed(self, topic: str, _keys: tuple) -> None:
        """A new list, a decision or a link (the service's own notices), or a deal saved in the
        Deals tab (it may hold new parties): the queue is re-read (cheap when nothing changed: the
        service keeps it until a snapshot, decision, deal or link changes)."""
        if topic in (SCREENING, DEALS):
            self.refresh()

    def refresh(self) -> None:
        from workbench.services.screening import REVIEW_THRESHOLD

        try:
            snap = self.service.snapshot()
            queue = self.service.review_queue()
            links = self.service.links()
        except Exception as exc:  # a catalog without the screening tables (or a locked one): say so, keep the app up
            self.snapshot_label.setText(tr("The screening list could not be read: %1").replace("%1", str(exc)))
            return
        if snap is None:
            self.snapshot_label.setText(tr("No screening list loaded. Load the Consolidated Screening List "
                                           "(CSV or JSON) to screen parties offline."))
        else:
            counts = "; ".join(f"{k}: {v:,}" for k, v in snap.counts.items())
            self.snapshot_label.setText(
                "<b>" + tr("List snapshot of %1").replace("%1", snap.list_date.isoformat()) + "</b> · "
                + tr("%1 entries").replace("%1", f"{snap.entries:,}") + f" ({counts}) · {snap.file_name} · "
                + tr("%1 possible matches awaiting review").replace("%1", str(len(queue))))
        self.threshold_label.setText(tr("Review threshold %1: entries scoring below it are not shown; nothing is "
                                        "cleared automatically.").replace("%1", f"{REVIEW_THRESHOLD:.2f}"))
        self.queue.setRowCount(len(queue))
        self._queue_items = queue
        for row, item in enumerate(queue):
            self.queue.setCellWidget(row, 0, score_bar(item.match.score))
            roles = "; ".join(item.roles) + (f" — {item.previous}" if item.previous else "")
            for col, text in enumerate((item.party, item.match.name, item.match.entry_id, roles), 1):
                self.queue.setItem(row, col, QTableWidgetItem(text))
        self.queue.resizeColumnsToContents()
        self.queue.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.links.setRowCount(len(links))
        for row, link in enumerate(links):
            for col, text in enumerate((link.owner, link.owned, f"{link.percent:g} %", link.as_of.isoformat(),
                                        link.source)):
                self.links.setItem(row, col, QTableWidgetItem(text))
        self.links.resizeColumnsToContents()
        self.links.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def search(self, name: Optional[str] = None, country: Optional[str] = None):
        from workbench.services.screening import ScreeningError

        name = self.name_edit.text() if name is None else name
        country = (self.country_edit.text() if country is None else country).strip().upper() or None
        self.results.clear()
        try:
            result = self.service.screen(name, country)
        except ScreeningError as exc:
            QMessageBox.information(self, tr("Screen"), str(exc))
            return None
        if result.snapshot is None:
            QMessageBox.information(self, tr("Screen"), tr("No screening list loaded."))
            return result
        if not result.matches:
            empty = QTreeWidgetItem(["", tr("No entry scores %1 or more.").replace("%1", f"{result.threshold:.2f}")])
            self.results.addTopLevelItem(empty)
        for m in result.matches:
            item = QTreeWidgetItem(["", m.name, m.source, m.entry_id])
            self.results.addTopLevelItem(item)
            self.results.setItemWidget(item, 0, score_bar(m.score))
            lic = m.entry.get("license_requirement")
            lines = list(m.reasons) + ([tr("Licence requirement: %1; policy: %2").replace("%1", lic).replace(
                "%2", m.entry.get("license_policy", ""))] if lic else [])
            for line in lines:
                child = QTreeWidgetItem(["      " + line])
                item.addChild(child)
                child.setFirstColumnSpanned(True)  # a reason reads across the whole row
            item.setExpanded(True)
        return result

    # writing ----------------------------------------------------------------------------------------
    def load_file(self, path: Optional[Path] = None):
        from workbench.errors import WorkbenchError

        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, tr("Load screening list"), "",
                                                  tr("Consolidated Screening List (*.csv *.json)"))
            if not name:
                return None
            path = Path(name)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = self.service.load(path)
        except WorkbenchError as exc:
            QMessageBox.warning(self, tr("Screening list not loaded"), str(exc))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        QMessageBox.information(self, tr("Screening list loaded"), tr(
            "%1 entries loaded; %2 new possible matches among the stored parties.").replace(
            "%1", f"{report.snapshot.entries:,}").replace("%2", str(len(report.new_matches))))
        return report

    def decide_selected(self, decision: str, reason: Optional[str] = None) -> bool:
        rows = self.queue.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, tr("Review queue"), tr("Select a possible match first."))
            return False
        item = self._queue_items[rows[0].row()]
        if reason is None:
            title = tr("Clear match") if decision == "cleared" else tr("Confirm match")
            reason, ok = QInputDialog.getText(self, title, tr("Reason (kept in the audit log):"))
            if not ok:
                return False
        try:
            self.service.decide(item.party, item.match.entry_id, decision, reason)
        except Exception as exc:
            QMessageBox.warning(self, tr("Review queue"), str(exc))
            return False
        return True  # the service's notice has refreshed the queue

    def add_link(self, values: Optional[tuple] = None) -> bool:
        if values is None:
            dialog = LinkDialog(self, self.session.services.clock.today())
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            values = dialog.values()
        try:
            self.service.add_links([values])
        except Exception as exc:
            QMessageBox.warning(self, tr("Ownership links"), str(exc))
            return False
        return True

    def import_links(self, path: Optional[Path] = None) -> int:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, tr("Import ownership links"), "",
                                                  tr("Tables (*.xlsx *.csv)"))
            if not name:
                return 0
            path = Path(name)
        try:
            n = self.service.import_links(path)
        except Exception as exc:
            QMessageBox.warning(self, tr("Ownership links"), str(exc))
            return 0
        return n

    def affiliates_check(self, party: Optional[str] = None) -> Optional[str]:
        if party is None:
            party, ok = QInputDialog.getText(self, tr("Affiliates-rule check"), tr("Party name:"))
            if not ok or not party.strip():
                return None
        r = self.service.affiliates(party)
        lines = [tr("%1 on %2: listed owners hold %3 %.").replace("%1", r.party).replace("%2", r.day.isoformat())
                 .replace("%3", f"{r.listed_share:g}")]
        lines.append(tr("The Affiliates rule is in force on this date.") if r.in_force
                     else tr("The Affiliates rule is not in force on this date."))
        if r.caught and r.inherited:
            lines.append(tr("Caught: inherits %1 (%2): %3").replace("%1", r.inherited.name)
                         .replace("%2", r.inherited.entry_id).replace("%3", r.inherited.license_policy))
        lines += [" ← ".join(p) for p in r.paths]
        text = "\n".join(lines)
        if party is not None and not self.isVisible():
            return text
        QMessageBox.information(self, tr("Affiliates-rule check"), text)
        return text


class LinkDialog(QDialog):
    """Owner, owned, percent, as-of date and source of one ownership link."""

    def __init__(self, parent, today: date):
        super().__init__(parent)
        self.setWindowTitle(tr("Add ownership link"))
        self.owner, self.owned, self.source = QLineEdit(), QLineEdit(), QLineEdit()
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.01, 100.0)
        self.percent.setValue(50.0)
        self.percent.setSuffix(" %")
        self.as_of = QLineEdit(today.isoformat())
        form = QFormLayout(self)
        form.addRow(tr("Owner"), self.owner)
        form.addRow(tr("Owned"), self.owned)
        form.addRow(tr("Percent"), self.percent)
        form.addRow(tr("As of (YYYY-MM-DD)"), self.as_of)
        form.addRow(tr("Source"), self.source)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple:
        try:
            day = date.fromisoformat(self.as_of.text().strip())
        except ValueError:
            day = date.min
        return (self.owner.text(), self.owned.text(), self.percent.value(), day, self.source.text())
