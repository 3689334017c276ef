"""Turning one spreadsheet cell into a typed template value, or a clear error.

Defined behaviours (nothing guessed silently): "4,800" is accepted with a note; a unit typed into
the cell ("989 TFLOPS") is accepted with a note when it is the column's unit and refused
otherwise; dates, booleans in number columns and negative or non-finite numbers are refused.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from functools import partial
from typing import Callable, Optional

from workbench.engine.spec import FIELD_UNITS, THROUGHPUT_BIT_LENGTH
from workbench.errors import UserError

BOOL_FIELDS = {"datacenter", "non_planar", "has_hbm", "weights_published"}
TEXT_FIELDS = {"part_number", "vendor", "name", "source", "notes"}
CHOICE_FIELDS = {"product_type": ("ic", "board", "server", "hbm", "model_weights"), "tpp_basis": ("computed", "declared")}
NUMBER_FIELDS = frozenset(FIELD_UNITS) - BOOL_FIELDS - TEXT_FIELDS - set(CHOICE_FIELDS)

_TRUE = {"yes", "y", "true", "1", "是", "是的", "x", "✓", "✔", "有", "√", "对"}
_FALSE = {"no", "n", "false", "0", "否", "不是", "不", "无", "没有", "✗", "×"}

# Units a user may type after a number, per field (lower-case, spaces removed).
_UNITS: dict[str, set[str]] = {
    **{f: ({"tops"} if f.endswith("_tops") else {"tflops", "tflop/s"}) for f in THROUGHPUT_BIT_LENGTH},
    "die_area_mm2": {"mm2", "mm²", "mm^2"},
    "process_node_nm": {"nm"},
    "memory_gb": {"gb"},
    "memory_bandwidth_gbs": {"gb/s", "gbps", "gbyte/s"},
    "interconnect_bandwidth_gbs": {"gb/s", "gbps", "gbyte/s"},
    "hbm_bandwidth_density_gbs_mm2": {"gb/s/mm2", "gb/s/mm²"},
    "transistors_billion": {"b", "billion", "bn"},
}
_NUMBER_WITH_UNIT = re.compile(r"^\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([^\d\s].*)?$")


def scaled(number: float, factor: float) -> float:
    """number x factor in decimal, so 2.039 TB/s is 2039 GB/s, not 2038.9999999999998."""
    if factor == 1.0 or not math.isfinite(number):
        return number
    from decimal import Decimal

    return float(Decimal(repr(number)) * Decimal(repr(factor)))


def _other_unit_factor(field: str, suffix: str) -> Optional[float]:
    """A typed unit of the field's kind but another size (TB/s in a GB/s column): its factor."""
    from workbench.io.headers import FIELD_FAMILY, UNITS, clean

    typed = clean(suffix).replace(" ", "")
    family = FIELD_FAMILY.get(field)
    if family is None or typed not in UNITS or UNITS[typed][0] != family:
        return None
    return UNITS[typed][1]


class CellProblem(UserError, ValueError):
    """Why a cell was refused and what was expected."""

    def __init__(self, what: str, expected: str):
        self.what, self.expected = what, expected
        super().__init__(f"{what} (expected {expected})")


EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#N/A!"})


def excel_error(value: object) -> Optional[str]:
    """The Excel error value a cell shows ("#N/A", "#REF!" ...), or None."""
    if type(value) is str and value[:1] == "#":
        text = value.strip().upper()
        if text in EXCEL_ERRORS:
            return text
    return None


def error_problem(error: str) -> "CellProblem":
    return CellProblem(f"Excel error value {error} (the cell's formula or source failed, so its value is unknown)",
                       "a value: fix the formula or type the figure")


def convert(field: str, value: object, text_source: bool = False, column_factor: float = 1.0) -> tuple[object, Optional[str]]:
    """(typed value or None for empty, note or None). Raises CellProblem.

    ``text_source``: the file only has text (CSV), so a plain "19.5" is the normal spelling of a
    number and gets no note; in a spreadsheet a number stored as text is worth telling.
    ``column_factor``: the header's unit converted to the field's (TB/s -> GB/s: 1000), applied to
    a plain number; a unit typed in the cell itself is converted on its own.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if field in TEXT_FIELDS:
        text, note = _text(field, value)
        if text_source and excel_error(value) is not None:  # a CSV cannot say whether it was an error
            note = f"{field}: text '{value}' looks like an Excel error value; kept as text (check the source sheet)"
        return text, note
    if (error := excel_error(value)) is not None:  # a typed cell "#N/A" where a figure or yes/no belongs
        raise error_problem(error)
    if field in BOOL_FIELDS:
        return _bool(field, value), None
    if field in CHOICE_FIELDS:
        text = str(value).strip().lower()
        if text not in CHOICE_FIELDS[field]:
            raise CellProblem(f"'{value}' is not a valid {field}", FIELD_UNITS[field])
        return text, None
    return _number(field, value, text_source, column_factor)


FAST_BOOL = {"yes": True, "no": False, "Yes": True, "No": False, "YES": True, "NO": False, True: True, False: False}
_INF = math.inf


def fast_converter(field: str, text_source: bool = False) -> Callable[[object], tuple[object, Optional[str]]]:
    """``convert`` for one column, with a fast path for the clean, common cell (a finite
    non-negative number in a number column, plain text, yes/no, a listed choice). Same results
    as ``convert``; anything unusual falls through to it."""
    slow = partial(convert, field, text_source=text_source)
    if field == "part_number":
        return slow
    if field in TEXT_FIELDS:
        if text_source:
            return lambda v: (v, None) if type(v) is str and not v.isspace() and v[:1] != "#" else slow(v)
        return lambda v: (v, None) if type(v) is str and not v.isspace() else slow(v)
    if field in BOOL_FIELDS:
        def boolean(v):
            b = FAST_BOOL.get(v) if type(v) in (str, bool) else None
            return (b, None) if b is not None else slow(v)
        return boolean
    if field in CHOICE_FIELDS:
        choices = frozenset(CHOICE_FIELDS[field])
        return lambda v: (v, None) if type(v) is str and v in choices else slow(v)

    def number(v):
        if type(v) is float and 0.0 <= v < _INF:
            return v, None
        return slow(v)
    return number


def _text(field: str, value: object) -> tuple[str, Optional[str]]:
    if isinstance(value, (datetime, date, time)):
        raise CellProblem(f"{value.isoformat()} is a date or time, not text", "text: format the cell as text")
    if isinstance(value, bool):
        raise CellProblem(f"{value!r} is not text", "text")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellProblem(f"{value!r} is not text", "text")
        if value.is_integer():
            return str(int(value)), f"{field}: number {value:g} read as text '{int(value)}'"
        return repr(value), f"{field}: number read as text '{value!r}'"
    if isinstance(value, int):
        return str(value), f"{field}: number {value} read as text"
    text = str(value)
    stripped = text.strip()
    note = f"{field}: surrounding spaces removed" if stripped != text and field == "part_number" else None
    return stripped if field == "part_number" else text, note


def _bool(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem(f"'{value}' is not yes or no", "yes or no")


def _number(field: str, value: object, text_source: bool = False, column_factor: float = 1.0) -> tuple[float, Optional[str]]:
    unit = FIELD_UNITS.get(field, "a number")
    if isinstance(value, bool):
        raise CellProblem(f"{value!r} is a true/false value, not a number", f"a number in {unit}")
    if isinstance(value, (datetime, date, time)):
        raise CellProblem(f"{value} is a date or time, not a number (a number formatted as a date?)", f"a number in {unit}")
    note = None
    if isinstance(value, (int, float)):
        number = scaled(float(value), column_factor)
    else:
        text = str(value).strip()
        match = _NUMBER_WITH_UNIT.match(text)
        if not match:
            raise CellProblem(f"'{value}' is not a number", f"a number in {unit}")
        digits, suffix = match.groups()
        number = float(digits.replace(",", ""))
        notes = []
        if "," in digits:
            notes.append(f"text number '{text}' read as {number:g}")
        if suffix:
            typed = re.sub(r"\s+", "", suffix.lower())
            if typed in _UNITS.get(field, set()):
                notes.append(f"unit '{suffix.strip()}' removed from '{text}'")
            elif (factor := _other_unit_factor(field, suffix)) is not None:
                number = scaled(number, factor)
                notes.append(f"'{text}' converted to {number:g} {FIELD_UNITS[field]}")
            else:
                raise CellProblem(f"'{value}' has unit '{suffix.strip()}'", f"a number in {unit}")
        else:
            number = scaled(number, column_factor)
            if "," not in digits and not text_source:
                notes.append(f"text '{text}' read as the number {number:g}")
        note = f"{field}: " + "; ".join(notes) if notes else None
    if not math.isfinite(number):
        raise CellProblem(f"{value!r} is not a finite number", f"a number in {unit}")
    if number < 0:
        raise CellProblem(f"{value!r} is negative", f"a non-negative number in {unit}")
    return number, note
