"""Reading a rectangular table of cells from a CSV file or an xlsx sheet (python-calamine).

Rows keep their 1-based spreadsheet row number so every error can name its cell.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


class TableError(ValueError):
    """The file cannot be read as a table; the message names the file (and sheet)."""


@dataclass(frozen=True)
class Table:
    file: str
    sheet: str
    header: list[object]
    rows: list[tuple[int, list[object]]]  # (spreadsheet row number, cells)
    notes: tuple[str, ...] = ()
    text_only: bool = False  # CSV: every cell is text by nature


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_table(path: Path, sheet: Optional[str] = None) -> Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, sheet)
    raise TableError(f"{path}: unsupported file type '{suffix}' (expected .xlsx or .csv)")


def _split(file: str, sheet: str, grid: list[list[object]], notes: tuple[str, ...] = (), text_only: bool = False) -> Table:
    header_index = next((i for i, row in enumerate(grid) if any(str(c).strip() for c in row if c is not None)), None)
    if header_index is None:
        raise TableError(f"{file}:{sheet}: the sheet is empty (expected a header row with part_number)")
    rows = [(i + 1, list(r)) for i, r in enumerate(grid) if i > header_index]
    rows = [(n, r) for n, r in rows if any(c is not None and str(c).strip() != "" for c in r)]
    return Table(file, sheet, list(grid[header_index]), rows, notes, text_only)


def _read_csv(path: Path) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"{path.name}: not UTF-8 text at byte {exc.start} (expected a UTF-8 CSV)") from None
    grid = [[c if c != "" else None for c in row] for row in csv.reader(text.splitlines())]
    return _split(path.name, "csv", grid, text_only=True)


def _read_xlsx(path: Path, sheet: Optional[str]) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for broken files
        raise TableError(f"{path.name}: cannot be read as an xlsx workbook ({exc})") from None
    notes: list[str] = []
    if sheet is None:
        visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")]
        if not visible:
            raise TableError(f"{path.name}: no visible sheet (expected --sheet NAME)")
        sheet = visible[0]
        hidden = [m.name for m in book.sheets_metadata if m.name not in visible]
        if hidden:
            notes.append(f"hidden sheets not read: {', '.join(hidden)}")
    elif sheet not in book.sheet_names:
        raise TableError(f"{path.name}: no sheet named '{sheet}' (sheets: {', '.join(book.sheet_names)})")
    grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    grid = [[None if c == "" else c for c in row] for row in grid]
    return _split(path.name, sheet, grid, tuple(notes))
