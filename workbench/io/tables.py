"""Reading a rectangular table of cells from a CSV file or an xlsx sheet (python-calamine).

Rows keep their 1-based spreadsheet row number so every error can name its cell. An xlsx file
passes workbench.io.xlsx_guard's pre-flight first (bombs, DTDs, size caps); what calamine cannot
say (formulas without a cached value, hidden rows) comes from that pre-flight, merged ranges from
calamine, and the template layer decides what each means.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from workbench.errors import UserError
from workbench.io.xlsx_guard import DEFAULT_LIMITS, Limits, UnsafeFile, column_letter, inspect_xlsx


class TableError(UserError, ValueError):
    """The file cannot be read as a table; the message names the file (and sheet)."""


@dataclass(frozen=True)
class Table:
    file: str
    sheet: str
    header: list[object]
    rows: list[tuple[int, list[object]]]  # (spreadsheet row number, cells); an empty cell is None or ""
    notes: tuple[str, ...] = ()
    text_only: bool = False  # CSV: every cell is text by nature
    header_row: int = 1  # 1-based
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (first row, first col, last row, last col), 0-based
    formulas_without_value: tuple[tuple[int, int, str], ...] = ()  # (row 1-based, col 0-based, formula)


def cell_name(row: int, col: int) -> str:
    """(1-based row, 0-based column) -> 'B7'."""
    return f"{column_letter(col)}{row}"


def read_table(path: Path, sheet: Optional[str] = None, limits: Limits = DEFAULT_LIMITS,
               is_header: Optional[HeaderTest] = None) -> Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    if suffix == ".csv":
        return _read_csv(path, is_header, limits)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, sheet, limits, is_header)
    raise TableError(f"{path}: unsupported file type '{suffix}' (expected .xlsx or .csv)")


HeaderTest = Callable[[list[object]], bool]
HEADER_SEARCH_ROWS = 20


def has_content(row: list[object]) -> bool:
    """Any cell that is not empty or spaces (0 and False count as content). Returns at the first
    such cell, which is nearly always the row's first."""
    for c in row:
        if c:
            if type(c) is not str or not c.isspace():
                return True
        elif c is not None and c != "":  # 0, 0.0, False
            return True
    return False


def _split(file: str, sheet: str, grid: list[list[object]], notes: tuple[str, ...] = (), text_only: bool = False,
           is_header: Optional[HeaderTest] = None, **extra) -> Table:
    """The header is the first non-empty row, or with ``is_header`` the first of the first 20
    non-empty rows it accepts (so a title row above the header is skipped, with a note)."""
    filled = [i for i, row in enumerate(grid) if has_content(row)]
    if not filled:
        raise TableError(f"{file}:{sheet}: the sheet is empty (expected a header row with part_number)")
    header_index = filled[0]
    if is_header is not None:
        header_index = next((i for i in filled[:HEADER_SEARCH_ROWS] if is_header(list(grid[i]))), filled[0])
        if header_index != filled[0]:
            notes = (*notes, f"{file}:{sheet}: rows {filled[0] + 1}-{header_index} above the header row "
                             f"{header_index + 1} were not read")
    header = [None if c == "" else c for c in grid[header_index]]
    rows = [(i + 1, grid[i]) for i in filled if i > header_index]
    return Table(file, sheet, header, rows, notes, text_only, header_index + 1, **extra)


def _read_csv(path: Path, is_header: Optional[HeaderTest] = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise TableError(f"{path.name}: {size:,} bytes, over the import limit of {limits.max_file_bytes:,} bytes "
                         "(expected a smaller file)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"{path.name}: not UTF-8 text at byte {exc.start} (expected a UTF-8 CSV)") from None
    lines = text.splitlines()
    if len(lines) > limits.max_rows + 1 and sum(1 for _ in csv.reader(lines)) > limits.max_rows + 1:
        raise TableError(f"{path.name}: more than {limits.max_rows:,} rows (expected at most {limits.max_rows:,}; "
                         "split the file or raise the limit)")
    grid = [[c if c != "" else None for c in row] for row in csv.reader(lines)]
    return _split(path.name, "csv", grid, text_only=True, is_header=is_header)


def _read_xlsx(path: Path, sheet: Optional[str], limits: Limits, is_header: Optional[HeaderTest] = None) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        facts, scanned = inspect_xlsx(path, sheet, limits)
    except UnsafeFile as exc:
        raise TableError(str(exc)) from None
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for broken files
        raise TableError(f"{path.name}: cannot be read as an xlsx workbook ({exc})") from None
    notes: list[str] = []
    if sheet is None:
        visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")
                   and not str(m.visible).endswith("Hidden")]
        if not visible:
            raise TableError(f"{path.name}: no visible sheet (expected --sheet NAME)")
        sheet = visible[0]
        hidden = [m.name for m in book.sheets_metadata if m.name not in visible]
        if hidden:
            notes.append(f"{path.name}: hidden sheets not read: {', '.join(hidden)}")
    elif sheet not in book.sheet_names:
        raise TableError(f"{path.name}: no sheet named '{sheet}' (sheets: {', '.join(book.sheet_names)})")
    else:
        state = next((str(m.visible) for m in book.sheets_metadata if m.name == sheet), "")
        if "Hidden" in state:
            notes.append(f"{path.name}:{sheet}: the sheet is hidden in the workbook; read because --sheet named it")
    try:
        data = book.get_sheet_by_name(sheet)
        grid = data.to_python(skip_empty_area=False)
        merged_ranges = data.merged_cell_ranges or ()
    except Exception as exc:  # calamine's XmlError, ZipError, CalamineError ... for damaged sheets
        raise TableError(f"{path.name}:{sheet}: the sheet cannot be read ({exc}; expected a workbook saved by a "
                         "spreadsheet program)") from None
    if data.height > limits.max_rows + 1 or data.width > limits.max_columns:
        raise TableError(f"{path.name}:{sheet}: {data.height:,} rows x {data.width:,} columns, over the import limits "
                         f"of {limits.max_rows:,} rows and {limits.max_columns:,} columns (expected a smaller sheet)")
    merged = tuple((a[0], a[1], b[0], b[1]) for a, b in merged_ranges)
    gaps: tuple[tuple[int, int, str], ...] = ()
    if scanned is not None and scanned.name == sheet:
        gaps = tuple((r, c, text) for (r, c), text in sorted(scanned.formulas_without_value.items()))
        if scanned.formulas_with_value:
            notes.append(f"{path.name}:{sheet}: {scanned.formulas_with_value} formula cells read by the value "
                         "Excel last calculated for them")
        if scanned.hidden_rows:
            rows = ", ".join(str(r) for r in scanned.hidden_rows[:20]) + (" ..." if len(scanned.hidden_rows) > 20 else "")
            notes.append(f"{path.name}:{sheet}: {len(scanned.hidden_rows)} hidden rows were read like the others "
                         f"(rows {rows})")
    if facts.date1904:
        notes.append(f"{path.name}: the workbook uses the 1904 date system (dates are read in it; no template "
                     "column takes a date)")
    return _split(path.name, sheet, grid, tuple(notes), is_header=is_header, merged=merged, formulas_without_value=gaps)
