"""The product tab: every figure with its source (editable: audited, undoable), and the
determination under each regime with every criterion, value, threshold, margin and citation, plus
the plain-language sentence per regime.
"""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QHeaderView, QLabel, QMessageBox, QSizePolicy, QSplitter, QTableWidget, QTableWidgetItem,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from workbench.engine import SpecError, make_spec
from workbench.engine.spec import FIELD_UNITS, TEMPLATE_FIELDS
from workbench.services.changes import CATALOG, LETTERS
from workbench.services.catalog_edits import BOOL_COLUMNS, FigureChanged, product_spec, provenance, update_figure
from workbench.ui.support import engine_text as et
from workbench.services.catalog_column import regime_label
from workbench.ui.support.i18n import current_language, tr
from workbench.ui.shell.session import Session

EDITABLE = [f for f in TEMPLATE_FIELDS if f != "part_number"]


def parse_value(name: str, text: str) -> object:
    """Text typed in the value column -> the field's type (empty = unknown). Raises SpecError."""
    text = text.strip()
    if not text:
        return None
    if name in BOOL_COLUMNS:
        low = text.lower()
        if low in ("yes", "y", "true", "1", "是"):
            return True
        if low in ("no", "n", "false", "0", "否"):
            return False
        raise SpecError([(name, text, FIELD_UNITS.get(name, "yes or no"))])
    if name in ("vendor", "name", "product_type", "source", "notes", "tpp_basis"):
        return text
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise SpecError([(name, text, FIELD_UNITS.get(name, "a number"))]) from None


def show_value(value: object, name: str = "") -> str:
    """A figure in the one number format of its quantity (workbench.wording: PD 19.45 everywhere)."""
    from workbench.wording import quantity

    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if current_language() == "zh" else ("yes" if value else "no")
    if isinstance(value, (int, float)):
        return quantity(name, value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


class EditFigure(QUndoCommand):
    """One figure edit; redo and undo are both audited writes."""

    def __init__(self, session: Session, part: str, name: str, value: object):
        super().__init__(tr("Edit %1 of %2").replace("%1", name).replace("%2", part))
        self.session, self.part, self.name, self.value = session, part, name, value
        self.old: object = None
        self.old_source = None
        self.done_once = False

    def redo(self) -> None:
        services = self.session.services
        if not self.done_once:  # the edit itself; a redo after an undo must find the value undo wrote
            self.old, self.old_source = update_figure(services.conn, self.part, self.name, self.value,
                                                      db_label=services.db_path, changes=services.changes)
            self.done_once = True
        else:
            self._guarded(self.value, None, expected=self.old)

    def undo(self) -> None:
        self._guarded(self.old, self.old_source or ("", None, None), expected=self.value)

    def _guarded(self, value: object, source, expected: object) -> None:
        """Write ``value`` only if the catalog still holds ``expected``; otherwise drop this step
        from the undo stack and say why (another writer's value is never overwritten)."""
        services = self.session.services
        try:
            update_figure(services.conn, self.part, self.name, value, source=source, db_label=services.db_path,
                          expected=expected, changes=services.changes)
        except FigureChanged as exc:
            self.setObsolete(True)
            # Nothing was written, but the figure on screen is stale: show the other writer's value.
            services.changes.publish(CATALOG, (self.part,))
            QMessageBox.warning(None, tr("Undo refused"), str(exc))


class ProductView(QWidget):
    COL_FIELD, COL_VALUE, COL_UNIT, COL_SOURCE = range(4)

    def __init__(self, session: Session, undo: QUndoStack, parent=None):
        super().__init__(parent)
        self.session, self.undo = session, undo
        self.title = QLabel(tr("Select a product in the catalog."))
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.sentences = QLabel()
        self.sentences.setWordWrap(True)
        self.sentences.setTextFormat(Qt.TextFormat.RichText)
        self.sentences.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.specs = QTableWidget(0, 4)
        self.specs.setHorizontalHeaderLabels([tr("Field"), tr("Value"), tr("Unit"), tr("Source")])
        self.specs.verticalHeader().setVisible(False)
        self.specs.setWordWrap(False)
        self.specs.verticalHeader().setDefaultSectionSize(22)
        h = self.specs.horizontalHeader()
        h.setSectionResizeMode(self.COL_SOURCE, QHeaderView.ResizeMode.Stretch)
        # Fits 1366x768 without a horizontal scroll bar; every cell carries its full text as a tooltip.
        for col, width in ((self.COL_FIELD, 160), (self.COL_VALUE, 90), (self.COL_UNIT, 86)):
            h.resizeSection(col, width)
        self.dets = QTreeWidget()
        self.dets.setColumnCount(7)
        self.dets.setHeaderLabels([tr("Regime / criterion"), tr("Classification / metric"), tr("Value"), tr("Test"),
                                   tr("Threshold"), tr("Margin"), tr("Citation")])
        self.dets.setWordWrap(True)
        for col, width in enumerate((176, 150, 62, 34, 62, 62)):
            self.dets.header().resizeSection(col, width)
        self.dets.header().setStretchLastSection(True)  # the citation takes the rest
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(tr("Specifications and sources (double-click a value to edit it)")))
        lv.addWidget(self.specs)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel(tr("Determination under each regime")))
        rv.addWidget(self.sentences)
        rv.addWidget(self.dets, 1)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)
        self.specs.itemChanged.connect(self._item_changed)
        session.productSelected.connect(self.show_product)
        # Bound methods, not lambdas: Qt drops them with the view, so a session outliving this
        # window (a catalog switch) cannot call into deleted widgets.
        session.dataChanged.connect(self._data_changed)
        session.regimeChanged.connect(self._reshow)
        session.regimesChanged.connect(self._reshow)
        self.part: Optional[str] = None
        self.letters = session.services.letters  # open letters layered over each determination

    def _data_changed(self, topic: str, keys: tuple) -> None:
        """Re-show the product after a letter change (its licence position) or an edit of it."""
        if self.part and (topic == LETTERS or (topic == CATALOG and (not keys or self.part in keys))):
            self.show_product(self.part)

    def _reshow(self) -> None:
        if self.part:
            self.show_product(self.part)

    def show_product(self, part: str) -> None:
        conn = self.session.services.conn
        spec = product_spec(conn, part)
        if spec is None:
            return
        self.part = part
        sources = provenance(conn, part)
        self.title.setText(f"{part} — {spec.vendor or ''} {spec.name or ''}".strip())
        self.specs.blockSignals(True)
        self.specs.setRowCount(len(EDITABLE))
        for row, name in enumerate(EDITABLE):
            src = sources.get(name)
            unit = FIELD_UNITS.get(name, "")
            cells = [et.field(name), show_value(getattr(spec, name), name), tr(unit) if unit else "",
                     (src[0] + (f" [{src[1]}]" if src[1] else "")) if src else ""]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col != self.COL_VALUE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(text)  # the full text of a cell the column cuts off
                if col == self.COL_SOURCE and src and src[2]:
                    item.setToolTip(f"{text}\n{src[2]}")
                if col == self.COL_FIELD:
                    item.setToolTip(f"{text} ({name})")  # with the template column name, as in import files
                self.specs.setItem(row, col, item)
        self.specs.blockSignals(False)
        self._fill_determinations(spec)

    def _fill_determinations(self, spec) -> None:
        """Each regime's determination with the one licence position (services.classify: the
        catalog's open letters applied, as in the memo, the workbook and ``classify``)."""
        from workbench.services.classify import classifier_for

        services = self.session.services
        classifier = classifier_for(services.conn, services.library.countries, self.session.destination,
                                    with_letters=self.letters is not None, today=services.clock.today())
        self.dets.clear()
        lines = []
        for loaded in services.regimes():
            pos = classifier.position(spec, loaded)
            det = pos.det
            binding = pos.overlay.binding if pos.overlay is not None else ()
            explanation = et.sentence(pos)
            cites = {r.id: r.citation for r in det.rules}
            reg = loaded.regime
            cites.update({x.id: x.citation for x in reg.licence_requirements})
            cites.update({p.id: p.citation for x in reg.licence_requirements for p in x.review_policies})
            cites.update({x.id: x.citation for x in reg.licence_exceptions})
            top = QTreeWidgetItem([regime_label(loaded), et.classification(det.paragraph or det.classification), "", "", "",
                                   "", explanation])
            top.setToolTip(0, regime_label(loaded))
            top.setToolTip(1, et.licence(pos))
            top.setToolTip(6, explanation)
            lines.append(f"<b>{html.escape(regime_label(loaded))}</b>: {html.escape(explanation)}")
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFont(1, font)
            self.dets.addTopLevelItem(top)
            for c in det.criteria:
                value = "?" if c.value is None else show_value(c.value, c.metric)
                margin = "" if c.margin_pct is None else f"{c.margin_pct:+.1f}%"
                child = QTreeWidgetItem([f"{c.id}: {et.result(c.result)}", et.metric(c), value, et.op(c.op),
                                         show_value(c.threshold, c.metric), margin, cites.get(c.id, "")])
                for col in range(7):
                    child.setToolTip(col, child.text(col))
                if c.note:
                    child.setToolTip(0, et.note(c))
                top.addChild(child)
            for match in binding:  # an open letter binds this product for the destination
                child = QTreeWidgetItem([tr("licence required under letter %1").replace("%1", match.ref),
                                         "; ".join(match.brief), "", "", "", "", "; ".join(match.matched)])
                child.setToolTip(1, "; ".join(match.brief))
                child.setToolTip(6, match.reason)
                child.setForeground(0, QColor("#b00020"))
                top.addChild(child)
            if loaded is self.session.regime:
                top.setExpanded(True)
        self.sentences.setText("<br>".join(lines))

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != self.COL_VALUE or self.part is None:
            return
        name = EDITABLE[item.row()]
        try:
            value = parse_value(name, item.text())
            spec = product_spec(self.session.services.conn, self.part)
            make_spec(**{**{k: v for k, v in spec.__dict__.items() if v is not None}, name: value})
        except SpecError as exc:
            QMessageBox.warning(self, tr("Value refused"), str(exc))
            self.show_product(self.part)
            return
        if value == getattr(spec, name):
            return
        self.undo.push(EditFigure(self.session, self.part, name, value))

    def edit_value(self, name: str, text: str) -> None:
        """Type ``text`` into the value cell of ``name`` (what a double-click and typing does)."""
        self.specs.item(EDITABLE.index(name), self.COL_VALUE).setText(text)
