"""The TPP x PD map canvas: products as points (TPP on a log axis, PD linear), the selected
regime's regions drawn from its rule thresholds and labelled, a legend, hover tooltips, click to
select, and (for a DRAFT regime) threshold lines that can be dragged. Painted with QPainter;
point positions are cached per size and classification.
"""

from __future__ import annotations

import math
from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QToolTip, QWidget

from workbench.services.catalog_column import Classified, regime_label
from workbench.ui.support import engine_text as et
from workbench.ui.support.i18n import tr
from workbench.ui.map.map_regions import Region, regions

REGION_COLOURS = [QColor(220, 60, 50, 45), QColor(230, 120, 30, 45), QColor(60, 110, 220, 40), QColor(120, 70, 200, 40),
                  QColor(40, 150, 120, 40)]
POINT_COLOURS = {"controlled": QColor("#c62828"), "not": QColor("#1565c0"), "indeterminate": QColor("#ef8f00")}


def point_kind(classification: str) -> str:
    if classification == "indeterminate":
        return "indeterminate"
    return "not" if classification.startswith("not-") else "controlled"


class MapCanvas(QWidget):
    """Signals: productClicked(part); lineMoved(metric, old value, new value) when a threshold
    line of a DRAFT regime is dragged (what-if)."""

    productClicked = Signal(str)
    lineMoved = Signal(str, float, float)
    MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 70, 40, 20, 50

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(400, 300)
        self.cls: Optional[Classified] = None
        self.parts: list[str] = []
        self.regions: list[Region] = []
        self.selected: Optional[int] = None
        self.tpp_range = (100.0, 100000.0)
        self.pd_max = 12.0
        self._cache_key = None
        self._points: dict[str, QPolygonF] = {}
        self._grid: dict[tuple[int, int], list[int]] = {}
        self._xy: list[Optional[tuple[float, float]]] = []
        self.draggable = False  # only a draft's lines can be moved
        self._drag: Optional[tuple[str, float, float]] = None  # (metric, old value, current pixel)

    def set_data(self, parts: list[str], cls: Optional[Classified]) -> None:
        self.parts, self.cls = parts, cls
        self.regions = regions(cls.regime) if cls is not None else []
        if cls is not None:
            tpps = [t for t in cls.tpp if t]
            pds = [p for p in cls.pd if p is not None]
            hi = max(tpps, default=50000.0)
            self.tpp_range = (100.0, 10 ** math.ceil(math.log10(max(hi, 50000.0) * 1.05)))
            self.pd_max = max(12.0, math.ceil(max(pds, default=0.0) * 1.1))
        self._cache_key = None
        self.update()

    # geometry -------------------------------------------------------------------------
    def plot_rect(self) -> QRectF:
        return QRectF(self.MARGIN_L, self.MARGIN_T, max(self.width() - self.MARGIN_L - self.MARGIN_R, 10),
                      max(self.height() - self.MARGIN_T - self.MARGIN_B, 10))

    def x_of(self, tpp: float) -> float:
        r, (lo, hi) = self.plot_rect(), self.tpp_range
        t = min(max(tpp, lo), hi)
        return r.left() + (math.log10(t) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * r.width()

    def y_of(self, pd: float) -> float:
        r = self.plot_rect()
        return r.bottom() - min(max(pd, 0.0), self.pd_max) / self.pd_max * r.height()

    def tpp_at(self, x: float) -> float:
        r, (lo, hi) = self.plot_rect(), self.tpp_range
        frac = min(max((x - r.left()) / r.width(), 0.0), 1.0)
        return 10 ** (math.log10(lo) + frac * (math.log10(hi) - math.log10(lo)))

    def pd_at(self, y: float) -> float:
        r = self.plot_rect()
        return min(max((r.bottom() - y) / r.height(), 0.0), 1.0) * self.pd_max

    def edges(self) -> list[tuple[str, float, float]]:
        """(metric, threshold, pixel) of every region boundary drawn: TPP lines are vertical, PD horizontal."""
        out = []
        for g in self.regions:
            for metric, value in (("tpp", g.tpp_lo), ("tpp", g.tpp_hi), ("performance_density", g.pd_lo),
                                  ("performance_density", g.pd_hi)):
                if value:
                    out.append((metric, value, self.x_of(value) if metric == "tpp" else self.y_of(value)))
        return out

    def edge_at(self, x: float, y: float, tolerance: float = 5.0) -> Optional[tuple[str, float, float]]:
        best = None
        for metric, value, pixel in self.edges():
            d = abs((x if metric == "tpp" else y) - pixel)
            if d <= tolerance and (best is None or d < best[0]):
                best = (d, (metric, value, pixel))
        return best[1] if best else None

    @staticmethod
    def _round(value: float) -> float:
        """Three significant figures: a dragged line lands on a readable threshold."""
        if value <= 0:
            return 0.0
        digits = 2 - int(math.floor(math.log10(value)))
        return round(value, digits)

    def _ensure_points(self) -> None:
        key = (id(self.cls), self.width(), self.height())
        if key == self._cache_key:
            return
        self._cache_key = key
        self._points, self._grid, self._xy = {}, {}, []
        if self.cls is None:
            return
        polys: dict[str, list[QPointF]] = {k: [] for k in POINT_COLOURS}
        cls = self.cls
        for i, (tpp, pd) in enumerate(zip(cls.tpp, cls.pd)):
            if not tpp:
                self._xy.append(None)
                continue
            x, y = self.x_of(tpp), self.y_of(pd if pd is not None else 0.0)
            self._xy.append((x, y))
            polys[point_kind(cls.classification[i])].append(QPointF(x, y))
            self._grid.setdefault((int(x) // 8, int(y) // 8), []).append(i)
        self._points = {k: QPolygonF(v) for k, v in polys.items()}

    def product_at(self, x: float, y: float, radius: float = 6.0) -> Optional[int]:
        self._ensure_points()
        best, best_d = None, radius * radius
        for gx in range(int(x) // 8 - 1, int(x) // 8 + 2):
            for gy in range(int(y) // 8 - 1, int(y) // 8 + 2):
                for i in self._grid.get((gx, gy), ()):
                    px, py = self._xy[i]
                    d = (px - x) ** 2 + (py - y) ** 2
                    if d <= best_d:
                        best, best_d = i, d
        return best

    # painting -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        r = self.plot_rect()
        self._draw_regions(p, r)
        self._draw_axes(p, r)
        self._ensure_points()
        for kind, poly in self._points.items():
            p.setPen(QPen(POINT_COLOURS[kind], 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPoints(poly)
        if self.selected is not None and self.selected < len(self._xy) and self._xy[self.selected]:
            x, y = self._xy[self.selected]
            p.setPen(QPen(QColor("black"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(x, y), 8, 8)
            p.drawText(QPointF(x + 10, y - 8), self.parts[self.selected])
        if self._drag is not None:
            metric, old, pixel = self._drag
            p.setPen(QPen(QColor("#8a5a00"), 2, Qt.PenStyle.DashLine))
            if metric == "tpp":
                new = self._round(self.tpp_at(pixel))
                p.drawLine(QPointF(pixel, r.top()), QPointF(pixel, r.bottom()))
                p.drawText(QPointF(pixel + 6, r.top() + 40), f"TPP {old:,.6g} → {new:,.6g}")
            else:
                new = self._round(self.pd_at(pixel))
                p.drawLine(QPointF(r.left(), pixel), QPointF(r.right(), pixel))
                p.drawText(QPointF(r.left() + 260, pixel - 6), f"PD {old:,.6g} → {new:,.6g}")
        self._draw_legend(p, r)
        p.end()

    def _region_rect(self, g: Region, r: QRectF) -> QRectF:
        x0 = self.x_of(g.tpp_lo) if g.tpp_lo else r.left()
        x1 = self.x_of(g.tpp_hi) if g.tpp_hi else r.right()
        y1 = self.y_of(g.pd_lo) if g.pd_lo else r.bottom()
        y0 = self.y_of(g.pd_hi) if g.pd_hi else r.top()
        return QRectF(QPointF(x0, y0), QPointF(x1, y1))

    def _draw_regions(self, p: QPainter, r: QRectF) -> None:
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        rules = [g for g in self.regions if g.kind == "rule"]
        for k, g in enumerate(rules):
            rect = self._region_rect(g, r)
            colour = REGION_COLOURS[k % len(REGION_COLOURS)]
            p.fillRect(rect, colour)
            p.setPen(QPen(colour.darker(300), 1, Qt.PenStyle.DashLine))
            p.drawRect(rect)
            label = g.label + (f" ({g.note})" if g.note else "")
            solid = QColor(colour)
            solid.setAlpha(255)
            fm = p.fontMetrics()
            box = QRectF(rect.left() + 4, rect.top() + 4, fm.horizontalAdvance(label) + 10, fm.height() + 4)
            if g.pd_hi is not None and g.pd_lo is not None:  # a band: label at its right end, inside
                if g.tpp_hi:
                    box.moveRight(rect.right() - 4)
            p.fillRect(box, QColor(255, 255, 255, 215))
            p.setPen(solid.darker(250))
            p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)
        start = min((g.tpp_lo for g in rules if g.tpp_lo), default=None)
        for g in (g for g in self.regions if g.kind == "window"):
            rect = self._region_rect(g, r)
            if start is not None and g.tpp_lo is None:
                rect.setLeft(self.x_of(start))
            p.fillRect(rect, QBrush(QColor(0, 120, 0, 70), Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(QColor(0, 110, 0), 2, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(rect.right(), r.top()), QPointF(rect.right(), r.bottom()))
            p.setPen(QColor(0, 90, 0))
            label = f"{tr('2026 case-by-case window')}: TPP < {g.tpp_hi:,.0f}" + (f", {g.note}" if g.note else "")
            p.drawText(QRectF(r.left() + 6, r.bottom() - 22, rect.right() - r.left() - 10, 18),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
        p.setFont(self.font())

    def _draw_axes(self, p: QPainter, r: QRectF) -> None:
        p.setPen(QPen(QColor("#444"), 1))
        p.drawRect(r)
        lo, hi = self.tpp_range
        exp = int(math.log10(lo))
        while 10 ** exp <= hi:
            for m in (1, 2, 5):
                v = m * 10 ** exp
                if lo <= v <= hi:
                    x = self.x_of(v)
                    p.setPen(QPen(QColor("#ddd"), 1))
                    p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
                    p.setPen(QColor("#333"))
                    p.drawText(QRectF(x - 40, r.bottom() + 4, 80, 16), int(Qt.AlignmentFlag.AlignHCenter), f"{v:,.0f}")
            exp += 1
        step = 2 if self.pd_max <= 20 else 5
        v = 0
        while v <= self.pd_max:
            y = self.y_of(v)
            p.setPen(QPen(QColor("#ddd"), 1))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.setPen(QColor("#333"))
            p.drawText(QRectF(r.left() - 44, y - 8, 38, 16), int(Qt.AlignmentFlag.AlignRight), f"{v:g}")
            v += step
        p.drawText(QRectF(r.left(), r.bottom() + 24, r.width(), 18), int(Qt.AlignmentFlag.AlignHCenter),
                   tr("Total processing performance (TPP), log scale"))
        p.save()
        p.translate(14, r.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-r.height() / 2, -10, r.height(), 20), int(Qt.AlignmentFlag.AlignHCenter),
                   tr("Performance density (PD)"))
        p.restore()

    def _draw_legend(self, p: QPainter, r: QRectF) -> None:
        items = [(POINT_COLOURS["controlled"], tr("Controlled")), (POINT_COLOURS["not"], tr("Not controlled")),
                 (POINT_COLOURS["indeterminate"], tr("Indeterminate (missing inputs)"))]
        fm = p.fontMetrics()
        width = max(fm.horizontalAdvance(t) for _, t in items) + 40
        title = regime_label(self.cls.regime) if self.cls else ""
        width = max(width, fm.horizontalAdvance(title) + 20)
        box = QRectF(r.left() + 10, r.top() + 10, width, 22 * (len(items) + 1) + 6)
        p.setPen(QPen(QColor("#888")))
        p.setBrush(QColor(255, 255, 255, 230))
        p.drawRect(box)
        p.setPen(QColor("#000"))
        p.drawText(QRectF(box.left() + 8, box.top() + 4, box.width() - 10, 18), int(Qt.AlignmentFlag.AlignLeft), title)
        for k, (colour, text) in enumerate(items):
            y = box.top() + 26 + 22 * k
            p.setPen(QPen(colour, 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPoint(QPointF(box.left() + 14, y + 8))
            p.setPen(QColor("#000"))
            p.drawText(QRectF(box.left() + 28, y, box.width() - 30, 18), int(Qt.AlignmentFlag.AlignLeft), text)

    # interaction ----------------------------------------------------------------------
    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self._drag is not None:
            metric, old, _ = self._drag
            self._drag = (metric, old, pos.x() if metric == "tpp" else pos.y())
            self.update()
            return
        if self.draggable and self.edge_at(pos.x(), pos.y()) is not None:
            self.setCursor(Qt.CursorShape.SplitHCursor)
        else:
            self.unsetCursor()
        i = self.product_at(pos.x(), pos.y())
        if i is None or self.cls is None:
            QToolTip.hideText()
            return
        cls = self.cls
        pd = "-" if cls.pd[i] is None else f"{cls.pd[i]:.2f}"
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{self.parts[i]}\nTPP {cls.tpp[i]:,.0f}, PD {pd}\n{et.classification(cls.shown[i])}", self)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        edge = self.edge_at(pos.x(), pos.y()) if self.draggable else None
        if edge is not None and self.product_at(pos.x(), pos.y(), 3.0) is None:
            self._drag = edge
            return
        i = self.product_at(pos.x(), pos.y())
        if i is not None:
            self.selected = i
            self.update()
            self.productClicked.emit(self.parts[i])

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._drag is None:
            return
        metric, old, pixel = self._drag
        self._drag = None
        self.update()
        new = self._round(self.tpp_at(pixel) if metric == "tpp" else self.pd_at(pixel))
        if new != old and new > 0:
            self.lineMoved.emit(metric, old, new)
