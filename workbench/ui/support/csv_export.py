"""CSV export of a matrix with spreadsheet-formula neutralisation (OWASP ASVS V1.2.10, CWE-1236):
a field starting with = + - @ tab or CR (or NUL) gets a leading apostrophe. Written atomically
(workbench.io.atomic) so a failed write leaves the old file or none, readable as the user's
umask allows (as memos and workbooks are).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.io.atomic import atomic_write

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(TRIGGERS) else text


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return buf.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with atomic_write(path) as fh:
        fh.write(("\ufeff" + csv_text(header, rows)).encode("utf-8"))  # BOM: Excel reads UTF-8 (Chinese) correctly
