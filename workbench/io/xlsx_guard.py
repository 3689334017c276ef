"""Pre-flight for untrusted xlsx files, before python-calamine reads a byte of cell data.

Checks, each with a clear message and without decompressing more than needed:
- the zip's central directory: file size, member count, per-member and total *declared*
  uncompressed size, compression ratio, duplicate or overlapping members (zip bombs; zipfile
  stops at the declared size, so the declared sizes bound the work);
- every XML part's prolog: a DTD (<!DOCTYPE / <!ENTITY) is refused outright (entity bombs,
  external entities); workbook.xml and its relationships are parsed with defusedxml;
- the chosen sheet, streamed in chunks: its <dimension> (which may lie), its real row count and
  every row/cell reference (``r="XFD1048576"``) against the caps, formulas without a cached value
  (calamine returns '' for those), hidden rows. A reference far out matters even in a tiny file:
  calamine allocates the whole rectangle up to the farthest cell (550 GB for XFD1048576), which
  aborts the process instead of raising.

Parts are found exactly as the reader finds them (python-calamine 0.9, calamine >= 0.35): the
workbook's folder comes from the officeDocument relationship in _rels/.rels, a sheet target starting
with "/" is taken from the zip's root and any other from the workbook's folder, and a member matches
a path ignoring ASCII letter case, with "\\" in member names read as "/". A zip with two members that
match the same path, or a sheet pointing at a part that is not there, is refused: otherwise the scan
could look at one part while the reader reads another.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Optional

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from workbench.beside import Beside
from workbench.errors import UserError
from workbench.io.xml_safety import UnsafeXmlParser, require_safe_xml


class UnsafeFile(UserError, ValueError):
    """The file was refused before reading (bomb, DTD, over a size cap); the message names the file."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 2**20
    max_members: int = 2_000
    max_member_bytes: int = 1 * 2**30  # declared uncompressed size of one part
    max_total_bytes: int = 2 * 2**30  # declared uncompressed size of all parts
    max_ratio: float = 100.0  # uncompressed : compressed, for parts over ratio_floor_bytes
    ratio_floor_bytes: int = 1 * 2**20
    max_rows: int = 200_000
    max_columns: int = 256  # with max_rows, bounds the rectangle calamine allocates
    prolog_bytes: int = 64 * 2**10


DEFAULT_LIMITS = Limits()
MAX_PARSED_PART_BYTES = 16 * 2**20  # workbook.xml and its relationships: a few KB in real workbooks

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_HIDDEN = re.compile(rb"hidden=[\"'](?:1|true)[\"']")


@dataclass
class SheetFacts:
    name: str
    state: str  # visible | hidden | veryHidden
    part: str
    declared: Optional[str] = None
    rows_seen: int = 0
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 1/0-based -> text
    formulas_with_value: int = 0
    hidden_rows: list[int] = field(default_factory=list)
    # Cells holding an Excel error value (t="e": #N/A, #REF! ...), which python-calamine reads as
    # empty: (row 1-based, column 0-based) -> the error text.
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class WorkbookFacts:
    sheets: list[SheetFacts]
    date1904: bool = False


# A reference with six or more digits (row >= 100,000), three letters, or two letters from JA on
# (column >= 261) may lie past the caps; only such candidates are parsed and compared. One simple
# pattern keeps the scan at about 3 ns a byte (an exact "greater than the cap" regex is 2-3x slower).
_FAR_CANDIDATE = re.compile(rb"""r=["'](?:[A-Z]{0,3}\d{6}|[A-Z]{3}|[J-Z][A-Z])[A-Z]*\d*""")
_REF = re.compile(rb"""r=["']([A-Z]*)0*(\d+)""")


def _far_reference(window: bytes, limits: Limits) -> Optional[str]:
    """The first row/cell reference in ``window`` past max_rows + 1 or max_columns, if any."""
    for candidate in _FAR_CANDIDATE.finditer(window):
        m = _REF.match(candidate.group(0))
        if m is None:
            continue
        letters, digits = m.group(1).decode(), int(m.group(2))
        if digits > limits.max_rows + 1 or (letters and column_index(letters) >= limits.max_columns):
            return f"{letters}{digits}"
    return None


def column_letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA' (the inverse of column_index)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _refuse(path: Path, what: str) -> UnsafeFile:
    return UnsafeFile(f"{path.name}: unsafe or oversized file, not read: {what}")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _part_key(name: str) -> str:
    """How the reader matches a part path with a zip member: ASCII case ignored, backslashes as "/"."""
    return name.replace("\\", "/").translate(_ASCII_LOWER)


class _Parts:
    """The zip's members as the reader resolves them (see the module's docstring)."""

    def __init__(self, path: Path, zf: zipfile.ZipFile):
        self.by_key: dict[str, str] = {}
        for name in zf.namelist():
            other = self.by_key.setdefault(_part_key(name), name)
            if other != name:
                raise _refuse(path, f"parts {other} and {name} differ only in letter case (expected unique "
                                    "part names; a reader would pick one of them)")

    def find(self, part: str) -> Optional[str]:
        """The member the reader opens for ``part``, or None."""
        return self.by_key.get(_part_key(part))


def _check_zip(path: Path, zf: zipfile.ZipFile, limits: Limits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _refuse(path, f"{len(infos)} parts in the zip (expected at most {limits.max_members})")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _refuse(path, "the zip lists the same part twice (expected unique part names)")
    _Parts(path, zf)  # refuses members that differ only in case
    total = 0
    size = path.stat().st_size
    for info in infos:
        if info.file_size > limits.max_member_bytes:
            raise _refuse(path, f"part {info.filename} declares {info.file_size:,} bytes uncompressed "
                                f"(expected at most {limits.max_member_bytes:,})")
        if info.compress_size > size:
            raise _refuse(path, f"part {info.filename} claims to be larger than the file (a damaged or crafted zip)")
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _refuse(path, f"part {info.filename} expands {info.file_size / max(info.compress_size, 1):,.0f}:1 "
                                f"(expected at most {limits.max_ratio:g}:1; a zip bomb?)")
        total += info.file_size
    if total > limits.max_total_bytes:
        raise _refuse(path, f"parts total {total:,} bytes uncompressed (expected at most {limits.max_total_bytes:,})")
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for a, b in zip(ordered, ordered[1:]):  # each local header is at least 30 bytes + name
        if a.header_offset + 30 + len(a.orig_filename.encode()) + a.compress_size > b.header_offset:
            raise _refuse(path, f"parts {a.filename} and {b.filename} overlap in the zip (a crafted zip bomb?)")


def _check_prolog(path: Path, zf: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """Refuse a DTD in the part's prolog; return the first bytes read."""
    with zf.open(name) as fh:
        head = fh.read(limits.prolog_bytes)
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos:pos + 1].isspace():
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
        elif head.startswith(b"<!", pos):
            raise _refuse(path, f"part {name} declares a DTD or entities (an XML entity bomb or external entity?)")
        else:
            if pos >= len(head) and len(head) == limits.prolog_bytes:
                raise _refuse(path, f"part {name} has a prolog longer than {limits.prolog_bytes:,} bytes")
            if pos < len(head) and head[pos:pos + 1] != b"<":  # e.g. UTF-16, where the checks above see nothing
                raise _refuse(path, f"part {name} is not UTF-8 XML (expected XML as spreadsheet programs write it)")
            return head
        if end < 0:
            raise _refuse(path, f"part {name} has an unterminated or oversized prolog")
        pos = end + 2


def _parse(path: Path, zf: zipfile.ZipFile, name: str):
    size = zf.getinfo(name).file_size
    if size > MAX_PARSED_PART_BYTES:  # Expat sees only small parts (its large-token attacks need big ones)
        raise _refuse(path, f"part {name} is {size:,} bytes (expected at most {MAX_PARSED_PART_BYTES:,} for this part)")
    try:
        return SafeET.fromstring(zf.read(name))
    except DefusedXmlException as exc:
        raise _refuse(path, f"part {name}: {exc}") from None
    except SafeET.ParseError as exc:
        raise UnsafeFile(f"{path.name}: part {name} is not valid XML ({exc}); expected an xlsx saved by a spreadsheet program") from None


def _office_folder(path: Path, zf: zipfile.ZipFile, parts: _Parts) -> str:
    """The workbook's folder ("xl/" in files spreadsheet programs write), as the reader takes it."""
    rels = parts.find("_rels/.rels")
    if rels is None:
        raise UnsafeFile(f"{path.name}: no _rels/.rels (expected an .xlsx workbook)")
    targets = [rel.get("Target", "") for rel in _parse(path, zf, rels).iter() if _local(rel.tag) == "Relationship"
               and rel.get("Type", "").endswith("/relationships/officeDocument")]
    if not targets:
        raise UnsafeFile(f"{path.name}: _rels/.rels names no workbook part (expected an .xlsx workbook)")
    target = targets[-1]  # the reader keeps the last one
    folder = target[: target.rfind("/") + 1]
    return folder[1:] if folder.startswith("/") else folder


def _local(name: str) -> str:
    """An element's or attribute's name without its namespace: the reader matches names so."""
    return name.rsplit("}", 1)[-1]


def _workbook(path: Path, zf: zipfile.ZipFile) -> WorkbookFacts:
    parts = _Parts(path, zf)
    folder = _office_folder(path, zf, parts)
    workbook = parts.find(f"{folder}workbook.xml")
    if workbook is None:
        raise UnsafeFile(f"{path.name}: no {folder}workbook.xml (expected an .xlsx workbook)")
    wb = _parse(path, zf, workbook)
    targets = {}
    rels = parts.find(f"{folder}_rels/workbook.xml.rels")
    if rels is not None:
        for rel in _parse(path, zf, rels).iter():
            if _local(rel.tag) == "Relationship":  # at any depth, in any namespace, as the reader reads them
                target = rel.get("Target", "")
                targets[rel.get("Id")] = target[1:] if target.startswith("/") else folder + target
    pr = wb.find(f"{_MAIN}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "").lower() in {"1", "true"}
    sheets = []
    for s in wb.iter():
        if _local(s.tag) != "sheet":  # any <sheet> element, whatever its namespace, as the reader does
            continue
        name = s.get("name", "")
        ids = [value for key, value in s.attrib.items() if _local(key) == "id"]  # r:id, or any prefix: the last
        wanted = targets.get(ids[-1], "") if ids else ""
        member = parts.find(wanted) if wanted else None
        if member is None:
            raise _refuse(path, f"sheet '{name}' points at part {wanted or '(none)'}, which is not in the file "
                                "(expected every sheet's part present)")
        if any(other.name.casefold() == name.casefold() for other in sheets):  # which one a reader opens is its choice
            raise _refuse(path, f"two sheets are named '{name}' (expected unique sheet names, as spreadsheet programs "
                                "require)")
        sheets.append(SheetFacts(name, s.get("state", "visible"), member))
    return WorkbookFacts(sheets, date1904)


_CHUNK = 1 << 20  # bytes of the sheet's XML scanned at a time
# A sheet part of at least this many chunks (declared, uncompressed) is scanned by two processes at
# once (workbench.beside): the first four sevenths here, the rest in a forked child.
SPLIT_FROM_CHUNKS = 8


def _facts_of(fh, stop: int, limits: Limits, tail: bytes = b""):
    """Per chunk of ``fh`` (up to ``stop`` chunks, or all when 0): (rows opened, the first far
    reference or None, formulas?, hidden?, error values?); ``tail`` is the end of the chunk before
    (the seam). The caller applies them in order, so a scan split in two stops at the same place,
    with the same message, as one pass would."""
    index = 0
    while (not stop or index < stop) and (chunk := fh.read(_CHUNK)):
        index += 1
        seam, head = tail + chunk[:64], chunk[:64]
        # (+ a rare <rowBreaks>: only ever over-counts); a "<row" cut by the seam counts once
        rows = chunk.count(b"<row") + seam.count(b"<row") - tail.count(b"<row") - head.count(b"<row")
        ref = None
        formulas = hidden = errors = False
        for window in (seam, chunk):  # the seam between chunks, then the chunk (no 1 MiB copy)
            ref = ref or _far_reference(window, limits)
            # plain substring tests first (fast; a lone byte first, a memchr); the regex only confirms a candidate
            formulas = formulas or (b"f" in window and (b"<f" in window or b":f" in window)
                                    and _FORMULA.search(window) is not None)
            hidden = hidden or (b"h" in window and b"hidden=" in window and _HIDDEN.search(window) is not None)
            errors = errors or b't="e"' in window or (b"'" in window and b"t='e'" in window)
        tail = chunk[-64:]
        yield rows, ref, formulas, hidden, errors


def _chunk_facts(path: Path, part: str, skip: int, limits: Limits) -> list[tuple]:
    """_facts_of for the chunks after the first ``skip`` (the seam with the last skipped one
    included), read from a zip opened afresh; stops after the first chunk that would refuse the
    file (a far reference, or more rows than allowed in these chunks alone)."""
    out, rows = [], 0
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        tail = b""
        for _ in range(skip):
            tail = fh.read(_CHUNK)[-64:]
        for fact in _facts_of(fh, 0, limits, tail):
            out.append(fact)
            rows += fact[0]
            if fact[1] is not None or rows > limits.max_rows + 1:
                break
    return out


def _answer(rest: Optional[Beside]):
    """The child's chunk facts, asked for only once the first half is through."""
    if rest is not None:
        yield from rest.result()


def _count_rows(path: Path, facts: SheetFacts, rows: int, limits: Limits) -> None:
    facts.rows_seen += rows
    if facts.rows_seen > limits.max_rows + 1:
        raise UnsafeFile(f"{path.name}:{facts.name}: more than {limits.max_rows:,} rows "
                         f"(expected at most {limits.max_rows:,}; split the file or raise the limit)")


def _refuse_far(path: Path, facts: SheetFacts, ref: Optional[str], limits: Limits) -> None:
    if ref is not None:
        what = f"row {ref}" if ref.isdigit() else f"cell {ref}"
        raise UnsafeFile(
            f"{path.name}:{facts.name}: {what} lies beyond the import limits of "
            f"{limits.max_rows:,} rows and {limits.max_columns:,} columns (expected the data near the "
            "top left; a cell that far out makes a reader allocate the whole rectangle up to it)")


def _scan_sheet(path: Path, zf: zipfile.ZipFile, facts: SheetFacts, limits: Limits) -> None:
    head = _check_prolog(path, zf, facts.part, limits)
    m = _DIMENSION.search(head)
    if m:
        facts.declared = m.group(0).split(b'"')[1].decode()
        last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
        rows = int(last_row or 1)
        cols = column_index(last_col.decode()) + 1 if last_col else 1
        if rows > limits.max_rows + 1 or cols > limits.max_columns:
            raise UnsafeFile(
                f"{path.name}:{facts.name}: the sheet declares its size as {facts.declared} ({rows:,} rows x "
                f"{cols:,} columns), over the import limits of {limits.max_rows:,} rows and {limits.max_columns:,} "
                "columns (expected a smaller sheet; if the sheet is really smaller, its size record is wrong: "
                "re-save it in a spreadsheet program)")
    chunks = zf.getinfo(facts.part).file_size // _CHUNK
    # Chunks scanned here; the child scans the rest, after decompressing these too (a fifth of
    # their cost), so this side takes a little more than half.
    split = chunks * 4 // 7 if chunks >= SPLIT_FROM_CHUNKS else 0
    rest = Beside(lambda _sha256: _chunk_facts(path, facts.part, split, limits), fork=split > 0) if split else None
    formulas = hidden = errors = False
    try:
        with zf.open(facts.part) as fh:
            for rows, ref, f, h, e in chain(_facts_of(fh, split, limits), _answer(rest)):
                _count_rows(path, facts, rows, limits)
                _refuse_far(path, facts, ref, limits)
                formulas, hidden, errors = formulas or f, hidden or h, errors or e
    finally:
        if rest is not None:
            rest.close()  # a refusal in the first half stops the child
    if formulas or hidden or errors:
        _walk_cells(path, zf, facts)


def _walk_cells(path: Path, zf: zipfile.ZipFile, facts: SheetFacts) -> None:
    """Second, exact pass (only when the fast scan saw a formula, a hidden attribute or an error value)."""
    with zf.open(facts.part) as fh:
        try:
            for _, el in SafeET.iterparse(fh, events=("end",)):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    if el.get("t") == "e":
                        m = _CELL_REF.match(el.get("r", ""))
                        v = next((ch for ch in el if ch.tag.endswith("}v") or ch.tag == "v"), None)
                        if m:
                            facts.error_cells[(int(m.group(2)), column_index(m.group(1)))] = \
                                (v.text or "#ERROR") if v is not None else "#ERROR"
                    f = next((ch for ch in el if ch.tag.endswith("}f") or ch.tag == "f"), None)
                    if f is not None:
                        v = next((ch for ch in el if ch.tag.endswith("}v") or ch.tag == "v"), None)
                        m = _CELL_REF.match(el.get("r", ""))
                        if v is None or v.text is None:
                            if m:
                                facts.formulas_without_value[(int(m.group(2)), column_index(m.group(1)))] = f.text or ""
                        else:
                            facts.formulas_with_value += 1
                    el.clear()
                elif tag == "row":
                    if el.get("hidden", "").lower() in {"1", "true"} and el.get("r", "").isdigit():
                        facts.hidden_rows.append(int(el.get("r")))
                    el.clear()
        except DefusedXmlException as exc:
            raise _refuse(path, f"part {facts.part}: {exc}") from None
        except SafeET.ParseError as exc:
            raise UnsafeFile(f"{path.name}:{facts.name}: the sheet is not valid XML ({exc})") from None


def inspect_xlsx(path: Path, sheet: Optional[str] = None, limits: Limits = DEFAULT_LIMITS) -> tuple[WorkbookFacts, Optional[SheetFacts]]:
    """Run every check; returns the workbook's facts and the scanned sheet (``sheet`` or the first visible)."""
    path = Path(path)
    try:
        require_safe_xml()
    except UnsafeXmlParser as exc:
        raise UnsafeFile(f"{path.name}: not read: {exc}") from None
    size = os.stat(path).st_size
    if size > limits.max_file_bytes:
        raise _refuse(path, f"{size:,} bytes (expected at most {limits.max_file_bytes:,})")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeFile(f"{path.name}: not an xlsx workbook ({exc}; expected a zip-based .xlsx file)") from None
    with zf:
        try:
            _check_zip(path, zf, limits)
            for name in zf.namelist():
                if name.lower().endswith((".xml", ".rels", ".vml")):
                    _check_prolog(path, zf, name, limits)
            book = _workbook(path, zf)
            chosen = next((s for s in book.sheets if s.name == sheet), None) if sheet is not None else \
                next((s for s in book.sheets if s.state == "visible"), None)
            if chosen is not None:
                _scan_sheet(path, zf, chosen, limits)
        except UnsafeFile:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError,
                UnicodeDecodeError) as exc:  # what zipfile raises for damaged, encrypted or odd archives
            raise UnsafeFile(f"{path.name}: damaged xlsx file ({exc}; expected a workbook saved by a "
                             "spreadsheet program)") from None
    return book, chosen
