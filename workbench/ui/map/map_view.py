"""The TPP x PD map tab: the canvas (map_canvas.py), a caption naming the regime the regions come
from, and PNG export."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.services.catalog_column import Classified, regime_label
from workbench.ui.support.i18n import tr
from workbench.ui.map.map_canvas import MapCanvas
from workbench.ui.shell.session import Session

__all__ = ["MapCanvas", "MapView"]


class MapView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._pending: Optional[Classified] = None
        self.canvas = MapCanvas()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        export = QPushButton(tr("Export PNG…"))
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        export.clicked.connect(lambda: self.export_png())
        self.canvas.productClicked.connect(session.select_product)
        session.classified.connect(self._classified)
        session.productSelected.connect(self._selected)

    def _classified(self, cls: Classified) -> None:
        """Drawn when the tab is visible (100,000 points cost ~0.1 s to lay out): else on showing."""
        self._pending = cls
        if self.isVisible():
            self._apply_pending()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._apply_pending()

    def _apply_pending(self) -> None:
        cls, self._pending = self._pending, None
        if cls is None:
            return
        self.canvas.set_data(self.session.snapshot.parts, cls)
        self.canvas.selected = self.session.snapshot.index.get(self.session.part) if self.session.part else None
        self.canvas.draggable = cls.regime.draft
        planar = sum(1 for t, d in zip(cls.tpp, cls.pd) if t and d is None)
        self.caption.setText(tr("Regions drawn from the thresholds of %1. Products without a performance density "
                                "(planar or die area unknown) sit on the PD = 0 line: %2.")
                             .replace("%1", regime_label(cls.regime)).replace("%2", str(planar))
                             + (" " + tr("DRAFT: drag a threshold line to move it.") if cls.regime.draft else ""))

    def _selected(self, part: str) -> None:
        self.canvas.selected = self.session.snapshot.index.get(part)
        self.canvas.update()

    def export_png(self, path: Optional[Path] = None) -> Optional[Path]:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, tr("Export map"), "tpp-pd-map.png", "PNG (*.png)")
            if not name:
                return None
            path = Path(name)
        if not self.canvas.grab().save(str(path), "PNG"):
            raise OSError(f"{path}: could not write the PNG")
        return path
