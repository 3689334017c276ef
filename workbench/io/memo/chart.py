"""The TPP x performance-density chart: vector reportlab graphics, log-log, thresholds as dashed lines.

Points without a performance density (planar logic or missing inputs) are drawn on a band below the
x axis rather than dropped, so the chart never hides a product. The memo's products are red and
labelled (by part number for one product, by number with a key for several).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Rect, String
from reportlab.lib import colors

RED = colors.HexColor("#C0392B")
GREY = colors.HexColor("#B0B6BE")
GRID = colors.HexColor("#E3E6EA")
TPP_LINE = colors.HexColor("#1F5C99")
PD_LINE = colors.HexColor("#7A4EA3")


@dataclass(frozen=True)
class Point:
    label: str
    tpp: Optional[float]
    pd: Optional[float]


def _decades(lo: float, hi: float) -> list[float]:
    return [10.0 ** e for e in range(int(math.floor(math.log10(lo))), int(math.ceil(math.log10(hi))) + 1)]


def tpp_pd_chart(width: float, marked: Sequence[Point], context: Sequence[Point], tpp_lines: Sequence[float],
                 pd_lines: Sequence[float], font: str, x_title: str, y_title: str, na_label: str,
                 numbered: bool) -> Drawing:
    height = width * 0.36
    left, right, top, bottom = 46.0, 12.0, 10.0, 52.0
    band = 14.0  # the "no PD" strip under the x axis
    plot_w, plot_h = width - left - right, height - top - bottom - band
    x0, y0 = left, bottom + band

    tpps = [p.tpp for p in (*marked, *context) if p.tpp and p.tpp > 0] + list(tpp_lines)
    pds = [p.pd for p in (*marked, *context) if p.pd and p.pd > 0] + list(pd_lines)
    dec_x = _decades(max(min(tpps, default=100.0) / 1.5, 1.0), max(tpps, default=10000.0) * 1.5)
    dec_y = _decades(max(min(pds, default=0.1) / 1.5, 0.01), max(pds, default=10.0) * 1.5)
    xlo, xhi = math.log10(dec_x[0]), math.log10(dec_x[-1])
    ylo, yhi = math.log10(dec_y[0]), math.log10(dec_y[-1])
    if xhi == xlo:
        xhi += 1
    if yhi == ylo:
        yhi += 1

    def sx(v: float) -> float:
        return x0 + (math.log10(v) - xlo) / (xhi - xlo) * plot_w

    def sy(v: float) -> float:
        return y0 + (math.log10(v) - ylo) / (yhi - ylo) * plot_h

    d = Drawing(width, height)
    d.add(Rect(x0, y0, plot_w, plot_h, strokeColor=colors.HexColor("#8A9099"), fillColor=None, strokeWidth=0.6))
    d.add(Rect(x0, bottom, plot_w, band - 3, strokeColor=None, fillColor=colors.HexColor("#F4F5F7")))
    d.add(String(x0 - 4, bottom + 2, na_label, fontName=font, fontSize=6, textAnchor="end",
                 fillColor=colors.HexColor("#5A6270")))
    for v in dec_x:
        x = sx(v)
        if dec_x[0] < v < dec_x[-1]:
            d.add(Line(x, y0, x, y0 + plot_h, strokeColor=GRID, strokeWidth=0.5))
        d.add(String(x, bottom - 9, f"{v:,.0f}", fontName=font, fontSize=6.5, textAnchor="middle"))
    for v in dec_y:
        y = sy(v)
        if dec_y[0] < v < dec_y[-1]:
            d.add(Line(x0, y, x0 + plot_w, y, strokeColor=GRID, strokeWidth=0.5))
        d.add(String(x0 - 4, y - 2.2, f"{v:g}", fontName=font, fontSize=6.5, textAnchor="end"))
    d.add(String(x0 + plot_w / 2, bottom - 22, x_title, fontName=font, fontSize=7.5, textAnchor="middle"))
    y_label = String(0, 0, y_title, fontName=font, fontSize=7.5, textAnchor="middle")
    g = Group(y_label)
    g.transform = (0, 1, -1, 0, 12, y0 + plot_h / 2)
    d.add(g)

    for k, v in enumerate(sorted(set(v for v in tpp_lines if v > 0))):
        x = sx(v)
        d.add(Line(x, y0 - band + 3, x, y0 + plot_h, strokeColor=TPP_LINE, strokeWidth=0.7, strokeDashArray=[3, 2]))
        d.add(String(x + 2, y0 + plot_h - 8 - 8 * (k % 2), f"TPP {v:,.0f}", fontName=font, fontSize=6,
                     fillColor=TPP_LINE))
    for v in sorted(set(pd_lines)):
        if v <= 0:
            continue
        y = sy(v)
        d.add(Line(x0, y, x0 + plot_w, y, strokeColor=PD_LINE, strokeWidth=0.7, strokeDashArray=[3, 2]))
        d.add(String(x0 + 3, y + 2, f"PD {v:g}", fontName=font, fontSize=6, fillColor=PD_LINE))

    def place(p: Point) -> Optional[tuple[float, float]]:
        if not p.tpp or p.tpp <= 0:
            return None
        x = sx(p.tpp)
        y = sy(p.pd) if p.pd and p.pd > 0 else bottom + (band - 3) / 2
        return x, y

    for p in context:
        at = place(p)
        if at:
            d.add(Circle(at[0], at[1], 1.8, fillColor=GREY, strokeColor=None))
    for i, p in enumerate(marked, start=1):
        at = place(p)
        if not at:
            continue
        d.add(Circle(at[0], at[1], 3.2, fillColor=RED, strokeColor=colors.white, strokeWidth=0.6))
        text = str(i) if numbered else p.label
        anchor = "end" if at[0] > x0 + plot_w * 0.7 else "start"
        dx = -5 if anchor == "end" else 5
        d.add(String(at[0] + dx, at[1] + 3, text, fontName=font, fontSize=6.5 if numbered else 7,
                     fillColor=RED, textAnchor=anchor))
    return d
