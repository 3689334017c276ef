"""Canonical-template rows -> ProductSpec objects, with one addressed error per bad cell.

Error lines read ``FILE:SHEET!CELL: what is wrong (expected ...)`` so an officer can go straight
to the cell. Parsing never stops at the first error: the whole sheet is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from workbench.engine.spec import ProductSpec, spec_errors
from workbench.io.cells import CellProblem, fast_converter
from workbench.io.headers import map_header
from workbench.io.tables import Table, cell_name, column_letter, read_table
from workbench.io.xlsx_guard import DEFAULT_LIMITS, Limits


NOTES_PER_COLUMN = 5  # accepted-with-a-note cells listed per column; the rest are counted


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
    specs: list[ProductSpec] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # part number -> spreadsheet row
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # header as written -> field
    unmapped: list[str] = field(default_factory=list)


def parse_table(table: Table) -> ParsedProducts:
    out = ParsedProducts(table.file, table.sheet, notes=list(table.notes))
    columns: dict[int, str] = {}
    for index, header in enumerate(table.header):
        if header is None or str(header).strip() == "":
            continue
        name = str(header)
        target = map_header(name)
        cell = f"{column_letter(index)}{table.header_row}"
        if target is None:
            out.unmapped.append(name)
        elif target in columns.values():
            out.errors.append(CellError(table.file, table.sheet, cell, name,
                                        f"column '{name}' maps to {target}, which another column already gives (expected each field once)"))
        else:
            columns[index] = target
            out.mapping[name] = target
    if "part_number" not in columns.values():
        out.errors.append(CellError(table.file, table.sheet, f"{table.header_row}:{table.header_row}", None,
                                    "no part_number column (expected a header 'part_number' or an alias such as 'Part number' or '型号')"))
        return out

    _layout_problems(table, columns, out)
    # One converter per column, chosen once: the common, clean cell takes a fast path and
    # anything else goes through cells.convert, which defines every other case.
    plan = [(index, target, column_letter(index), fast_converter(target, table.text_only))
            for index, target in columns.items()]
    part_letter = next(letter for _, target, letter, _ in plan if target == "part_number")
    file, sheet = table.file, table.sheet
    errors, notes = out.errors, out.notes
    noted: dict[int, int] = {}  # column -> notes so far (only the first few are listed)
    first_row: dict[str, str] = {}
    for row_number, cells in table.rows:
        values: dict[str, object] = {}
        bad = False
        width = len(cells)
        for index, target, letter, conv in plan:
            raw = cells[index] if index < width else None
            if raw is None:
                continue
            try:
                value, note = conv(raw)
            except CellProblem as problem:
                errors.append(CellError(file, sheet, f"{letter}{row_number}", raw, str(problem)))
                bad = True
                continue
            if note:
                shown = noted.get(index, 0)
                noted[index] = shown + 1
                if shown < NOTES_PER_COLUMN:
                    notes.append(f"{file}:{sheet}!{letter}{row_number}: {note}")
            if value is not None:
                values[target] = value
        if bad:
            continue
        part = values.get("part_number")
        part_cell = f"{part_letter}{row_number}"
        if not part:
            errors.append(CellError(file, sheet, part_cell, None,
                                    "part_number is empty (expected a part number on every product row)"))
            continue
        if part in first_row:
            errors.append(CellError(file, sheet, part_cell, part,
                                    f"duplicate part number '{part}', first given at {first_row[part]} (expected each part number once)"))
            continue
        first_row[part] = part_cell
        try:
            spec = ProductSpec(**values)
        except ValidationError as exc:
            letters = {target: letter for _, target, letter, _ in plan}
            for fld, value, expected in spec_errors(exc):
                cell = f"{letters[fld]}{row_number}" if fld in letters else f"row {row_number}"
                errors.append(CellError(file, sheet, cell, value, f"{value!r} is not valid for {fld} (expected {expected})"))
            continue
        out.specs.append(spec)
        out.rows[part] = row_number
    for index, count in noted.items():
        if count > NOTES_PER_COLUMN:
            notes.append(f"{file}:{sheet}!{column_letter(index)}: {count - NOTES_PER_COLUMN} more cells in column "
                         f"{column_letter(index)} ({columns[index]}) with notes like the ones above")
    if out.unmapped:
        out.notes.append(f"{table.file}:{table.sheet}: columns not in the template, ignored: {', '.join(out.unmapped)}")
    return out


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
    for row, col, formula in table.formulas_without_value:
        cell = cell_name(row, col)
        if col in columns and row >= table.header_row:
            out.errors.append(CellError(table.file, table.sheet, cell, f"={formula}",
                                        f"formula ={formula} has no saved result, so its value is unknown (expected a "
                                        "value: recalculate and save the file in Excel, or paste values)"))
        else:
            out.notes.append(f"{table.file}:{table.sheet}!{cell}: formula ={formula} without a saved result, outside "
                             "the template's data, ignored")


def parse_products(path: Path, sheet: Optional[str] = None, limits: Limits = DEFAULT_LIMITS) -> ParsedProducts:
    return parse_table(read_table(path, sheet, limits, is_header=has_part_number_header))


def has_part_number_header(row: list[object]) -> bool:
    return any(map_header(str(c)) == "part_number" for c in row if c is not None and not isinstance(c, bool))
