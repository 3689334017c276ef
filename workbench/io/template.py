"""Canonical-template rows -> ProductSpec objects, with one addressed error per bad cell.

Error lines read ``FILE:SHEET!CELL: what is wrong (expected ...)`` so an officer can go straight
to the cell. Parsing never stops at the first error: the whole sheet is checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path
from types import NoneType
from typing import Annotated, Optional

from pydantic import ConfigDict, TypeAdapter, ValidationError

from workbench.engine.identity import identity_key
from workbench.engine.spec import TEMPLATE_FIELDS, ProductSpec, expected_for
from workbench.io.cells import (BOOL_FIELDS, CHOICE_FIELDS, FAST_BOOL as _FAST_BOOL, NUMBER_FIELDS, TEXT_FIELDS,
                                CellProblem, convert, fast_converter)
from workbench.io.headers import map_header
from workbench.io.mapping import BLOCKING, REFUSED, Choices, ColumnPlan, choice_key, plan_columns
from workbench.io.tables import Table, cell_name, column_letter, read_table
from workbench.io.xlsx_guard import DEFAULT_LIMITS, Limits


NOTES_PER_COLUMN = 5  # accepted-with-a-note cells listed per column; the rest are counted
_FLOAT_OR_NONE = frozenset({float, NoneType})
_STR_OR_NONE = frozenset({str, NoneType})
_NONE = frozenset({NoneType})
_EMPTY_IS_NONE = {"": None}  # .get(cell, cell): "" -> None, any other cell as it is
_STR_OR_BOOL_OR_NONE = frozenset({str, bool, NoneType})
_CHOICES_OR_EMPTY = {f: frozenset({*choices, None}) for f, choices in CHOICE_FIELDS.items()}
# Fields whose empty cell means the model's default rather than "unknown".
_DEFAULTS = {f: info.default for f, info in ProductSpec.model_fields.items()
             if info.default is not None and not info.is_required()}


@dataclass(frozen=True)
class CellError:
    file: str
    sheet: str
    cell: str
    value: object
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.sheet}!{self.cell}: {self.message}"


@dataclass
class ParsedProducts:
    file: str
    sheet: str
    values: list[tuple] = field(default_factory=list)  # validated values of every template field, in its order
    rows: dict[str, int] = field(default_factory=dict)  # part number -> spreadsheet row
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # header as written -> field
    unmapped: list[str] = field(default_factory=list)
    columns: list[ColumnPlan] = field(default_factory=list)  # every source column and what became of it
    blocking: list[ColumnPlan] = field(default_factory=list)  # columns the user must map or ignore
    factors: dict[int, float] = field(default_factory=dict)  # column index -> unit conversion factor
    _records: Optional[list[dict]] = field(default=None, repr=False)
    _specs: Optional[list[ProductSpec]] = field(default=None, repr=False)

    @property
    def records(self) -> list[dict]:
        """The values as {field: value} dicts, built on first use (an import writes the tuples)."""
        if self._records is None:
            self._records = [dict(zip(TEMPLATE_FIELDS, v)) for v in self.values]
        return self._records

    @property
    def specs(self) -> list[ProductSpec]:
        """The records as engine specs, built on first use (an import only needs the values)."""
        if self._specs is None:
            self._specs = [ProductSpec.model_validate(r) for r in self.records]
        return self._specs


def _map_header(table: Table, out: ParsedProducts, choices: Optional[Choices] = None) -> dict[int, str]:
    """Decide every column (see workbench.io.mapping) and record the outcome on ``out``."""
    plan = plan_columns(table, choices)
    out.columns = plan
    columns: dict[int, str] = {}
    for col in plan:
        cell = f"{column_letter(col.index)}{table.header_row}"
        if col.status == BLOCKING or col.status == REFUSED:
            out.errors.append(CellError(table.file, table.sheet, cell, col.header, col.message))
            out.blocking.append(col)
        elif col.field is not None:
            if col.field in columns.values():
                out.errors.append(CellError(table.file, table.sheet, cell, col.header,
                                            f"column '{col.header}' maps to {col.field}, which another column already "
                                            "gives (expected each field once: map or ignore one of them)"))
                continue
            columns[col.index] = col.field
            out.mapping[col.header] = col.field
            if col.note:
                out.notes.append(f"{table.file}:{table.sheet}!{cell}: {col.note}")
            if col.factor != 1.0:
                out.factors[col.index] = col.factor
        else:
            out.unmapped.append(col.header)
            if col.note:
                out.notes.append(f"{table.file}:{table.sheet}!{cell}: {col.note}")
    return columns


def parse_table(table: Table, choices: Optional[Choices] = None) -> ParsedProducts:
    """Check every cell, column by column: a clean column is accepted wholesale (C-speed checks),
    anything else cell by cell through cells.convert; then pydantic validates each column against
    ProductSpec's own field types and constraints. Errors and notes come out in row order."""
    out = ParsedProducts(table.file, table.sheet, notes=list(table.notes))
    columns = _map_header(table, out, choices)
    if "part_number" not in columns.values():
        out.errors.append(CellError(table.file, table.sheet, f"{table.header_row}:{table.header_row}", None,
                                    "no part_number column (expected a header 'part_number' or an alias such as 'Part number' or '型号')"))
        return out
    _layout_problems(table, columns, out)

    numbers = [n for n, _ in table.rows]
    grid = [cells for _, cells in table.rows]
    width = max(columns) + 1
    if table.text_only and any(len(cells) < width for cells in grid):  # ragged CSV rows (calamine's are not)
        grid = [cells if len(cells) >= width else [*cells, *([None] * (width - len(cells)))] for cells in grid]
    found: list[tuple[int, int, object]] = []  # (row index, column index, CellError | note text)
    bad: set[int] = set()
    converted: dict[str, list] = {}
    raws, kinds = _columns_of(grid, columns)
    for index, target in columns.items():
        values = column_values(target, raws[index], table.text_only, index, found, bad, out.factors.get(index, 1.0),
                               kinds[index])
        _validate_column(target, values, index, found, bad)
        converted[target] = values
    _finish(table, out, columns, numbers, converted, found, bad)
    return out


def _columns_of(grid: list[list], columns: dict[int, str]) -> tuple[dict[int, list], dict[int, Optional[set]]]:
    """Each template column's cells, and the set of their types when that comes cheap.

    A sheet's rows all have the same length (calamine's always do): then the grid is flattened
    once in row order and each column is a strided slice, and so are the cells' types. Reading
    row by row follows the order the cells were created in; going down one column touches each
    row list again per column, and in a long-running process, whose memory is fragmented, those
    scattered reads made the column split cost 0.05-0.1 s of a 50,000-row import."""
    widths = set(map(len, grid))
    if len(widths) != 1 or min(widths) <= max(columns, default=-1):  # no rows, ragged rows, or too short
        return {i: list(map(itemgetter(i), grid)) for i in columns}, dict.fromkeys(columns)
    width = widths.pop()
    flat = list(chain.from_iterable(grid))
    types = list(map(type, flat))
    return {i: flat[i::width] for i in columns}, {i: set(types[i::width]) for i in columns}


def column_values(target: str, raw: list, text_only: bool, index: int, found: list, bad: set[int],
                  factor: float = 1.0, kinds: Optional[set] = None) -> list:
    """One column's typed values (None for empty). A column of plain non-negative finite floats,
    or of listed choices, is taken as it is; every other cell goes through the fast converter.
    ``factor`` converts the header's unit to the field's (TB/s -> GB/s); a unit typed in a cell wins.
    ``kinds``: the set of the cells' types, when the caller has it already."""
    kinds = set(map(type, raw)) if kinds is None else kinds
    if str in kinds and "" in raw:  # calamine reads an empty cell as ""
        raw = list(map(_EMPTY_IS_NONE.get, raw, raw))
        kinds = set(map(type, raw))
    if kinds <= _NONE:  # an empty column: every cell is "unknown", whatever the field
        return raw
    if factor != 1.0:
        conv = partial(convert, target, text_source=text_only, column_factor=factor)
        return _convert_cells(raw, conv, index, found, bad)
    if target in NUMBER_FIELDS and kinds <= _FLOAT_OR_NONE:
        present = raw if NoneType not in kinds else [v for v in raw if v is not None]
        if not present:
            return raw
        if min(present) >= 0.0 and math.isfinite(sum(present)):  # a finite sum rules out inf and NaN
            return raw
    elif target in CHOICE_FIELDS and kinds <= _STR_OR_NONE and set(raw) <= _CHOICES_OR_EMPTY[target]:
        return raw
    elif target in TEXT_FIELDS and kinds <= _STR_OR_NONE:
        present = list(filter(None, raw))
        stripped = list(map(str.strip, present))
        if (stripped == present if target == "part_number" else all(stripped)) \
                and not (text_only and "\n#" in "\n" + "\n".join(stripped)):  # CSV "#N/A" gets a note
            return raw
    elif target in BOOL_FIELDS and kinds <= _STR_OR_BOOL_OR_NONE:
        values = list(map(_FAST_BOOL.get, raw))
        if values.count(None) == raw.count(None):  # every non-empty cell was a plain yes/no
            return values
    return _convert_cells(raw, fast_converter(target, text_only), index, found, bad)


def _convert_cells(raw: list, conv, index: int, found: list, bad: set[int]) -> list:
    values: list = [None] * len(raw)
    for i, cell in enumerate(raw):
        if cell is None:
            continue
        try:
            values[i], note = conv(cell)
        except CellProblem as problem:
            found.append((i, index, problem))
            bad.add(i)
            continue
        if note:
            found.append((i, index, note))
    return values


def _validate_column(target: str, values: list, index: int, found: list, bad: set[int]) -> None:
    """pydantic checks the column against ProductSpec's field (type, bounds, length) in one call."""
    try:
        _column_adapter(target).validate_python(values)
    except ValidationError as exc:
        for err in exc.errors():
            i = err["loc"][0]
            if i not in bad:
                found.append((i, index, ValueError(f"{err.get('input')!r} is not valid for {target} "
                                                   f"(expected {expected_for(target, err)})")))
                bad.add(i)


@lru_cache(maxsize=None)
def _column_adapter(target: str) -> TypeAdapter:
    info = ProductSpec.model_fields[target]
    item = Optional[info.annotation]
    if info.metadata:
        item = Annotated[(item, *info.metadata)]
    config = ProductSpec.model_config
    return TypeAdapter(list[item], config=ConfigDict(strict=config.get("strict"), allow_inf_nan=config.get("allow_inf_nan")))


def _finish(table: Table, out: ParsedProducts, columns: dict[int, str], numbers: list[int],
            converted: dict[str, list], found: list, bad: set[int]) -> None:
    """One record per good row (empty and repeated part numbers refused), then errors and notes in row order."""
    file, sheet = table.file, table.sheet
    part_index = next(i for i, t in columns.items() if t == "part_number")
    parts = converted["part_number"]
    for target, default in _DEFAULTS.items():
        if target in converted and None in converted[target]:
            converted[target] = [default if v is None else v for v in converted[target]]
    n = len(numbers)
    columns_in_order = [converted[f] if f in converted else repeat(_DEFAULTS.get(f), n) for f in TEMPLATE_FIELDS]
    if not bad and None not in parts and _distinct_keys(parts):  # the common case, at C speed
        out.values = list(zip(*columns_in_order))
        out.rows = dict(zip(parts, numbers))
    else:
        first_row: dict[str, int] = {}  # part number -> spreadsheet row
        first_key: dict[str, str] = {}  # identity key -> part number as first written
        for i, values in enumerate(zip(*columns_in_order)):
            if i in bad:
                continue
            part = parts[i]
            if not part:
                found.append((i, part_index, ValueError("part_number is empty (expected a part number on every product row)")))
                continue
            key = identity_key(part)
            if key in first_key:
                earlier = first_key[key]
                first = f"{column_letter(part_index)}{first_row[earlier]}"
                what = (f"duplicate part number '{part}', first given at {first}" if earlier == part else
                        f"part number '{part}' is the same as '{earlier}' at {first} apart from case, spaces or "
                        "look-alike characters")
                found.append((i, part_index, ValueError(f"{what} (expected each part number once)")))
                continue
            first_key[key] = part
            first_row[part] = numbers[i]
            out.values.append(values)
        out.rows = first_row
    noted: dict[int, int] = {}  # column -> notes so far (only the first few are listed)
    for i, index, what in sorted(found, key=lambda f: (f[0], f[1])):
        cell = f"{column_letter(index)}{numbers[i]}"
        if isinstance(what, str):
            shown = noted.get(index, 0)
            noted[index] = shown + 1
            if shown < NOTES_PER_COLUMN:
                out.notes.append(f"{file}:{sheet}!{cell}: {what}")
        else:
            raw = table.rows[i][1][index] if index < len(table.rows[i][1]) else None
            out.errors.append(CellError(file, sheet, cell, None if raw == "" else raw, str(what)))
    for index, count in noted.items():
        if count > NOTES_PER_COLUMN:
            out.notes.append(f"{file}:{sheet}!{column_letter(index)}: {count - NOTES_PER_COLUMN} more cells in column "
                             f"{column_letter(index)} ({columns[index]}) with notes like the ones above")
    if out.unmapped:
        out.notes.insert(0, f"{table.file}:{table.sheet}: columns not in the template, ignored: {', '.join(out.unmapped)}")


def _distinct_keys(parts: list[str]) -> bool:
    """No two part numbers share an identity key. ASCII part numbers without odd white space
    (the usual sheet) have lower() as their key, checked at C speed."""
    joined = "\x00".join(parts)
    if joined.isascii() and " ".join(joined.split()) == joined:
        return len(set(map(str.lower, parts))) == len(parts)
    return len(set(map(identity_key, parts))) == len(parts)


def _layout_problems(table: Table, columns: dict[int, str], out: ParsedProducts) -> None:
    """Merged ranges and formulas without a cached value: errors where they touch template data.

    Calamine reads both as empty cells, which would silently turn a figure into "unknown".
    Outside the template's columns (or above the header) they only earn a note.
    """
    for r0, c0, r1, c1 in table.merged:
        span = f"{cell_name(r0 + 1, c0)}:{cell_name(r1 + 1, c1)}"
        touches = any(c0 <= c <= c1 for c in columns) and r1 + 1 >= table.header_row
        if touches:
            out.errors.append(CellError(table.file, table.sheet, cell_name(r0 + 1, c0), span,
                                        f"cells {span} are merged: only {cell_name(r0 + 1, c0)} holds a value and the "
                                        "other cells would read as empty (expected one value per cell: unmerge the "
                                        "cells and fill each one)"))
        else:
            out.notes.append(f"{table.file}:{table.sheet}!{span}: merged cells outside the template's data, ignored")
    for row, col, error in table.error_cells:
        cell = cell_name(row, col)
        if col in columns and row > table.header_row:
            out.errors.append(CellError(table.file, table.sheet, cell, error,
                                        f"Excel error value {error} in {columns[col]}: the cell's value is unknown "
                                        "and is not read as empty (expected a value: fix the formula or type the figure)"))
        elif row >= table.header_row:
            out.notes.append(f"{table.file}:{table.sheet}!{cell}: Excel error value {error} outside the template's "
                             "data, ignored")
    for row, col, formula in table.formulas_without_value:
        cell = cell_name(row, col)
        if col in columns and row >= table.header_row:
            out.errors.append(CellError(table.file, table.sheet, cell, f"={formula}",
                                        f"formula ={formula} has no saved result, so its value is unknown (expected a "
                                        "value: recalculate and save the file in Excel, or paste values)"))
        else:
            out.notes.append(f"{table.file}:{table.sheet}!{cell}: formula ={formula} without a saved result, outside "
                             "the template's data, ignored")


def parse_products(path: Path, sheet: Optional[str] = None, limits: Limits = DEFAULT_LIMITS,
                   choices: Optional[Choices] = None) -> ParsedProducts:
    return parse_table(read_table(path, sheet, limits, is_header=header_test(choices)), choices)


def has_part_number_header(row: list[object]) -> bool:
    return any(map_header(str(c)) == "part_number" for c in row if c is not None and not isinstance(c, bool))


def header_test(choices: Optional[Choices] = None):
    """The header row is the first with a part-number column: recognised, or named so by the user."""
    chosen = {k for k, v in (choices or {}).items() if v == "part_number"}
    if not chosen:
        return has_part_number_header
    return lambda row: has_part_number_header(row) or any(
        choice_key(c) in chosen for c in row if c is not None and not isinstance(c, bool))
