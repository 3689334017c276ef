"""What-if: duplicate a regime as a DRAFT, change a threshold, and see at once which products
flip between the base regime and the draft. Drafts are saved as ruleset YAML (status
"proposed") in the user's data folder and loaded with load_regime(path, draft=True).
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.engine import RulesetError
from workbench.services.catalog_column import Classified, regime_label
from workbench.services.drafts import Draft
from workbench.ui.support.i18n import tr
from workbench.ui.shell.session import Session
from workbench.ui.support.widgets import fill_regime_combo, split_key


class WhatIfView(QWidget):
    """Signals: flipsShown(int) with the number of products that flip."""

    flipsShown = Signal(int)
    COL_OWNER, COL_METRIC, COL_OP, COL_VALUE = range(4)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.draft: Optional[Draft] = None
        self.base = QComboBox()
        real = [r for r in session.services.regimes() if not r.draft]
        fill_regime_combo(self.base, real, session.regime if not session.regime.draft else real[-1])
        self.duplicate = QPushButton(tr("Duplicate as draft"))
        self.saved = QComboBox()
        self.open_button = QPushButton(tr("Open draft"))
        self.banner = QLabel(tr("No draft yet: pick a regime and duplicate it."))
        self.banner.setWordWrap(True)
        self.thresholds = QTableWidget(0, 4)
        self.thresholds.setHorizontalHeaderLabels([tr("Rule"), tr("Metric"), tr("Test"), tr("Threshold")])
        self.thresholds.verticalHeader().setVisible(False)
        self.thresholds.horizontalHeader().setSectionResizeMode(self.COL_METRIC, QHeaderView.ResizeMode.Stretch)
        self.thresholds.horizontalHeader().resizeSection(self.COL_OWNER, 130)
        self.flips = QTableWidget(0, 3)
        self.flips.setHorizontalHeaderLabels([tr("Part number"), tr("Base regime"), tr("Draft")])
        self.flips.verticalHeader().setVisible(False)
        self.flips.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.flip_caption = QLabel()
        self.flip_caption.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Base regime")))
        top.addWidget(self.base, 1)
        top.addWidget(self.duplicate)
        top.addSpacing(20)
        top.addWidget(QLabel(tr("Saved drafts")))
        top.addWidget(self.saved, 1)
        top.addWidget(self.open_button)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(tr("Thresholds of the draft (edit a number)")))
        lv.addWidget(self.thresholds)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.flip_caption)
        rv.addWidget(self.flips)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self.duplicate.clicked.connect(self.make_draft)
        self.open_button.clicked.connect(self.open_saved)
        session.regimesChanged.connect(self._fill_saved)
        self._fill_saved()
        self.thresholds.itemChanged.connect(self._threshold_edited)

    def _fill_saved(self) -> None:
        drafts = [d for d in self.session.services.regimes() if d.draft]
        fill_regime_combo(self.saved, drafts, None)
        self.saved.setEnabled(bool(drafts))
        self.open_button.setEnabled(bool(drafts))

    def make_draft(self) -> None:
        rid, _ = split_key(self.base.currentData())
        base = self.session.services.regime(rid)
        self.draft = Draft.from_regime(base, self.session.services.drafts_dir)
        loaded = self.draft.save()
        self.session.add_draft(loaded)
        self._show_draft(base, loaded)

    def open_saved(self) -> None:
        """Continue editing a draft saved earlier (this session or a previous one)."""
        if not self.saved.currentData():
            return
        rid, _ = split_key(self.saved.currentData())
        loaded = self.session.services.regime(rid, draft=True)
        self.draft = Draft.open(loaded.path)
        self._show_draft(self.session.services.regime(self.draft.base_id), loaded)

    def _show_draft(self, base, loaded) -> None:
        self.banner.setText(tr("DRAFT %1 (a what-if copy of %2, status proposed; not a real regime). Saved to %3")
                            .replace("%1", loaded.id).replace("%2", base.id).replace("%3", str(self.draft.path)))
        self.banner.setStyleSheet("background: #fff3c4; color: #6b4e00; padding: 6px; font-weight: bold;")
        self.thresholds.blockSignals(True)
        self.thresholds.setRowCount(len(self.draft.thresholds))
        for row, t in enumerate(self.draft.thresholds):
            for col, text in enumerate((t.owner, t.metric, t.op, f"{t.value:g}")):
                item = QTableWidgetItem(text)
                if col != self.COL_VALUE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.thresholds.setItem(row, col, item)
        self.thresholds.blockSignals(False)
        self._compare(base, loaded)

    def move_line(self, metric: str, old: float, new: float) -> int:
        """A threshold line dragged on the map: every threshold of ``metric`` at ``old`` in the
        selected DRAFT moves to ``new`` (a line shared by several rules moves for all of them).
        Returns how many thresholds changed."""
        regime = self.session.regime
        if not regime.draft:
            return 0
        if self.draft is None or self.draft.id != regime.id:
            self.draft = Draft.open(regime.path)
            self._show_draft(self.session.services.regime(self.draft.base_id), regime)
        rows = [k for k, t in enumerate(self.draft.thresholds) if t.metric == metric and t.value == old]
        if not rows:
            return 0
        for k in rows:
            self.draft.set_threshold(k, new)
        try:
            loaded = self.draft.save()
        except RulesetError as exc:
            for k in rows:
                self.draft.set_threshold(k, old)
            QMessageBox.warning(self, tr("Value refused"), str(exc))
            return 0
        self.thresholds.blockSignals(True)
        for k in rows:
            self.thresholds.item(k, self.COL_VALUE).setText(f"{new:g}")
        self.thresholds.blockSignals(False)
        self.session.add_draft(loaded)
        self._compare(self.session.services.regime(self.draft.base_id), loaded)
        return len(rows)

    def set_threshold(self, row: int, value: float) -> None:
        """What typing a number into the threshold column does."""
        self.thresholds.item(row, self.COL_VALUE).setText(f"{value:g}")

    def _threshold_edited(self, item: QTableWidgetItem) -> None:
        if self.draft is None or item.column() != self.COL_VALUE:
            return
        try:
            value = float(item.text().replace(",", ""))
        except ValueError:
            QMessageBox.warning(self, tr("Value refused"), tr("A threshold must be a number."))
            return
        old = self.draft.thresholds[item.row()].value
        self.draft.set_threshold(item.row(), value)
        try:
            loaded = self.draft.save()
        except RulesetError as exc:
            self.draft.set_threshold(item.row(), old)
            QMessageBox.warning(self, tr("Value refused"), str(exc))
            return
        self.session.add_draft(loaded)
        self._compare(self.session.services.regime(self.draft.base_id), loaded)

    def _compare(self, base, draft) -> None:
        got: dict[str, Classified] = {}
        dest = self.session.destination

        def take(name: str, result: Classified) -> None:
            got[name] = result
            if len(got) == 2:
                self._show_flips(got["base"], got["draft"])

        self.flip_caption.setText(tr("Classifying…"))
        self.session.ensure(base, dest, lambda r: take("base", r))
        self.session.ensure(draft, dest, lambda r: take("draft", r))

    def _show_flips(self, base: Classified, draft: Classified) -> None:
        if self.draft is None or draft.regime.id != self.draft.id:
            return
        parts = self.session.snapshot.parts
        flips = [i for i in range(len(parts)) if base.position[i] != draft.position[i]]
        self.flips.setRowCount(len(flips))
        for row, i in enumerate(flips):
            for col, text in enumerate((parts[i], base.position[i], draft.position[i])):
                self.flips.setItem(row, col, QTableWidgetItem(text))
        self.flips.setHorizontalHeaderLabels([tr("Part number"), regime_label(base.regime), regime_label(draft.regime)])
        self.flip_caption.setText(tr("%1 products flip between %2 and %3.").replace("%1", str(len(flips)))
                                  .replace("%2", regime_label(base.regime)).replace("%3", regime_label(draft.regime)))
        self.flipsShown.emit(len(flips))
