"""Reading a rectangular table of cells from a CSV file or an xlsx sheet (python-calamine).

Rows keep their 1-based spreadsheet row number so every error can name its cell. An xlsx file
passes workbench.io.xlsx_guard's pre-flight first (bombs, DTDs, size caps); what calamine cannot
say (formulas without a cached value, hidden rows) comes from that pre-flight, merged ranges from
calamine, and the template layer decides what each means.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from workbench.errors import UserError
from workbench.io.xlsx_guard import DEFAULT_LIMITS, Limits, UnsafeFile, column_index, column_letter, inspect_xlsx


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
    error_cells: tuple[tuple[int, int, str], ...] = ()  # (row 1-based, col 0-based, "#N/A") read as empty by calamine


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
    # A row's first cell nearly always decides it: has_content is called only for the others.
    filled = [i for i, row in enumerate(grid)
              if row and (c := row[0]) and (type(c) is not str or not c.isspace()) or has_content(row)]
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
    """The csv module over the file object (``newline=''``), so a quoted newline stays in its cell
    and a form feed, vertical tab, U+2028 or NEL inside a cell never splits a row. Strict quoting:
    an unclosed quote is refused naming the line it opened on, never left to swallow later rows."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise TableError(f"{path.name}: {size:,} bytes, over the import limit of {limits.max_file_bytes:,} bytes "
                         "(expected a smaller file)")
    grid: list[list[object]] = []
    cap = limits.max_rows + 1
    filled = 0
    line = 1
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            for row in reader:
                cells = [c if c != "" else None for c in row]
                grid.append(cells)
                line = reader.line_num + 1
                filled += any(cells)
                if filled > cap:
                    raise TableError(f"{path.name}: more than {limits.max_rows:,} rows (expected at most "
                                     f"{limits.max_rows:,}; split the file or raise the limit)")
    except UnicodeDecodeError:
        data = path.read_bytes()
        try:
            data.decode("utf-8-sig")
            at = 0
        except UnicodeDecodeError as exc:
            at = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        raise TableError(f"{path.name}: not UTF-8 text at byte {at} (expected a UTF-8 CSV)") from None
    except csv.Error as exc:
        raise TableError(_csv_problem(path.name, line, str(exc))) from None
    return _split(path.name, "csv", grid, text_only=True, is_header=is_header)


def _csv_problem(name: str, line: int, what: str) -> str:
    if "field larger than field limit" in what:
        return (f"{name}: line {line}: a cell longer than {csv.field_size_limit():,} characters (expected a product "
                "figure or text; is a quote left open above it?)")
    if "unexpected end of data" in what:
        return (f"{name}: line {line}: a quoted cell opened on this line is never closed (expected a closing '\"'; "
                "every later line would have been read into it)")
    return f"{name}: line {line}: not valid CSV ({what}; expected comma-separated cells, quotes doubled inside quotes)"


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
    if scanned is not None and scanned.name == sheet:  # the pre-flight's pass found them already
        errors = tuple((r, c, text) for (r, c), text in sorted(scanned.error_cells.items()))
    else:
        errors = _error_cells(path, facts, sheet, scanned)
    if facts.date1904:
        notes.append(f"{path.name}: the workbook uses the 1904 date system (dates are read in it; no template "
                     "column takes a date)")
    return _split(path.name, sheet, grid, tuple(notes), is_header=is_header, merged=merged, formulas_without_value=gaps,
                  error_cells=errors)


_ERROR_MARKS = (b't="e"', b"t='e'")


def _error_cells(path: Path, facts, sheet: str, scanned) -> tuple[tuple[int, int, str], ...]:
    """Cells holding an Excel error value (``t="e"``: #N/A, #REF! ...), which python-calamine reads
    as empty, for a sheet the pre-flight did not scan. One streamed pass looks for the mark; only a
    sheet that has one is parsed."""
    part = scanned.part if scanned is not None and scanned.name == sheet else \
        next((s.part for s in facts.sheets if s.name == sheet), "")
    if not part:
        return ()
    with zipfile.ZipFile(path) as zf:
        names = {n.lower(): n for n in zf.namelist()}
        member = part if part in zf.namelist() else names.get(part.lower())
        if member is None:
            return ()
        found = False
        tail = b""
        with zf.open(member) as fh:
            while chunk := fh.read(4 << 20):
                window = tail + chunk[:16]
                # t="e" first; the single-quoted spelling only where a ' occurs at all (a fast memchr)
                if _ERROR_MARKS[0] in chunk or _ERROR_MARKS[0] in window or (
                        (b"'" in chunk or b"'" in window) and (_ERROR_MARKS[1] in chunk or _ERROR_MARKS[1] in window)):
                    found = True
                    break
                tail = chunk[-16:]
        if not found:
            return ()
        from defusedxml.ElementTree import iterparse

        out: list[tuple[int, int, str]] = []
        with zf.open(member) as fh:
            for _, el in iterparse(fh, events=("end",)):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    if el.get("t") == "e":
                        m = _CELL_REF.match(el.get("r", ""))
                        v = next((ch for ch in el if ch.tag.rsplit("}", 1)[-1] == "v"), None)
                        if m:
                            out.append((int(m.group(2)), column_index(m.group(1)),
                                        (v.text or "#ERROR") if v is not None else "#ERROR"))
                    el.clear()
                elif tag == "row":
                    el.clear()
    return tuple(out)


_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
