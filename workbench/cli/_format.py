"""Plain-text table, CSV and JSON renderings for the CLI."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Sequence


def text_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    from workbench.cli._terminal import terminal_safe  # a table is for reading: escapes shown, never run

    rows = [["" if v is None else terminal_safe(str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with formula-trigger text cells neutralised (OWASP: prefix ' to = + - @ tab CR).

    Numbers stay numbers: an int or float, or text that is exactly a number ("-12.5"), is written
    as it is, so a spreadsheet reads a margin of -12.5 as a number, not as the text "'-12.5"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue()


def _safe(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(value):
        return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    """Plain decimal notation only ("-12.5", "1,979"): never a formula, whatever its first character."""
    import re

    return re.fullmatch(r"-?\d[\d,]*(\.\d+)?", text) is not None


def json_text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str, allow_nan=False)  # NaN/Infinity are not JSON


def number(value: object, digits: int = 0) -> str:
    if value is None:
        return "?"
    return f"{value:,.{digits}f}"
