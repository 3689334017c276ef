"""A tiny hand-rolled xlsx writer for tests: fast (50,000 rows in about a second) and able to
write what openpyxl will not: formulas without cached values, lying <dimension> elements,
entity bombs, hidden rows, 1904 date systems.

Not shipped: only tests and the benchmark use it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence
from xml.sax.saxutils import escape

from workbench.io.tables import column_letter


@dataclass(frozen=True)
class Formula:
    text: str
    cached: Optional[object] = None  # None: no <v> element (what non-Excel tools often write)


@dataclass(frozen=True)
class ExcelError:
    """An error value as Excel saves it (``t="e"``), with or without the formula that gave it."""
    code: str = "#N/A"
    formula: Optional[str] = None


@dataclass(frozen=True)
class DateSerial:
    """A number shown with a date format (styles.xml cellXfs index 1 = numFmt 14)."""
    serial: float


@dataclass
class Sheet:
    name: str
    rows: Sequence[Sequence[object]]
    state: str = "visible"  # visible | hidden | veryHidden
    merges: Sequence[str] = ()
    hidden_rows: Sequence[int] = ()  # 1-based row numbers
    dimension: Optional[str] = None  # default: the real extent
    prolog: str = ""  # inserted after the XML declaration (e.g. a DTD)
    raw_rows: str = ""  # literal XML appended inside <sheetData> (crafted references)


_CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
{sheets}
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        v = "" if value.cached is None else f"<v>{escape(str(value.cached))}</v>"
        t = ' t="str"' if isinstance(value.cached, str) else ""
        return f'<c r="{ref}"{t}><f>{escape(value.text)}</f>{v}</c>'
    if isinstance(value, ExcelError):
        f = f"<f>{escape(value.formula)}</f>" if value.formula else ""
        return f'<c r="{ref}" t="e">{f}<v>{escape(value.code)}</v></c>'
    if isinstance(value, DateSerial):
        return f'<c r="{ref}" s="1"><v>{value.serial!r}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(sheet: Sheet) -> str:
    width = max((len(r) for r in sheet.rows), default=1)
    dim = sheet.dimension or f"A1:{column_letter(max(width, 1) - 1)}{max(len(sheet.rows), 1)}"
    hidden = set(sheet.hidden_rows)
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{sheet.prolog}',
             f'<worksheet {_NS}><dimension ref="{dim}"/><sheetData>']
    for i, row in enumerate(sheet.rows, start=1):
        cells = "".join(_cell(f"{column_letter(j)}{i}", v) for j, v in enumerate(row))
        h = ' hidden="1"' if i in hidden else ""
        parts.append(f'<row r="{i}"{h}>{cells}</row>')
    parts.append(sheet.raw_rows + "</sheetData>")
    if sheet.merges:
        parts.append(f'<mergeCells count="{len(sheet.merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges) + "</mergeCells>")
    parts.append("</worksheet>")
    return "".join(parts)


def write_xlsx(path: Path, sheets: Sequence[Sheet], *, date1904: bool = False, workbook_prolog: str = "",
               extra_members: Optional[dict[str, bytes]] = None, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write ``sheets`` as an xlsx workbook at ``path`` and return the path."""
    overrides = "\n".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    entries = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{i}"{"" if s.state == "visible" else f" state={chr(34)}{s.state}{chr(34)}"} r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1))
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{workbook_prolog}'
                f'<workbook {_NS}>{pr}<sheets>{entries}</sheets></workbook>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            + "</Relationships>")
    with zipfile.ZipFile(path, "w", compression) as z:
        z.writestr("[Content_Types].xml", _CT.format(sheets=overrides))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", _STYLES)
        for i, s in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(s))
        for name, data in (extra_members or {}).items():
            z.writestr(name, data)
    return path


ENTITY_BOMB_DTD = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                   + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
                   + "]>")
