"""One number format per quantity, for the screen, the memo, the workbook and the command line.

``fmt_num`` is the general rule (1,979 / 19.45 / 0.125 / 1.0e+26); a quantity with a fixed
precision (performance density: two decimals) is formatted by :func:`quantity` everywhere, so
the product view and the memo never show 19.4496 and 19.45 for the same chip.
"""

from __future__ import annotations

from typing import Optional

# Digits after the decimal point for quantities shown with a fixed precision.
FIXED_DIGITS = {"performance_density": 2, "tpp": 0}


def fmt_num(value: object, digits: Optional[int] = None) -> str:
    """1,979 / 19.45 / 0.125 / 1.0e+26; None -> an em dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        v = float(value)
        if v != v or v in (float("inf"), float("-inf")):
            return "—"
        if digits is not None:
            return f"{v:,.{digits}f}"
        if v != 0 and (abs(v) >= 1e9 or abs(v) < 1e-3):
            return f"{v:.3g}"
        if v.is_integer():
            return f"{v:,.0f}"
        if abs(v) >= 1000:
            return f"{v:,.1f}"
        return f"{v:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def quantity(name: str, value: object) -> str:
    """A figure of a named quantity (a template field or a metric), in that quantity's one format."""
    digits = FIXED_DIGITS.get(name)
    if digits is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        if digits == 0 and abs(float(value)) < 1000 and not float(value).is_integer():
            return fmt_num(value)
        return fmt_num(value, digits)
    return fmt_num(value)


def fmt_pct(value: Optional[float]) -> str:
    """A signed margin in per cent for prose and tables ('+229.8%'); None -> an em dash."""
    return "—" if value is None else f"{value:+.1f}%"


def margin_number(value: Optional[float]) -> str:
    """A margin in per cent as a bare number for CSV and JSON-like tables: '229.8', '-12.0' (no '+')."""
    return "" if value is None else f"{value:.1f}"


def date_text(day, lang: Optional[str] = "en") -> str:
    """A date as a reader of ``lang`` writes it: 2026-06-15 / 2026年6月15日."""
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()
