"""Writing text into xlsx cells so that Excel shows it and never evaluates it, and nothing is lost silently.

What openpyxl does on its own (reliability.md §2, verified): a string starting with ``=`` becomes a
live formula, ``"#N/A"`` an error cell, control characters raise ``IllegalCharacterError`` and text
over 32,767 characters is truncated without a word. So every text cell is written here:

* ``data_type = "s"`` always (an inline string: no ``<f>`` element can appear), plus the
  ``quotePrefix`` style when the text starts with ``= + - @``, tab, CR or NUL, so that editing the
  cell in Excel keeps it text too (OWASP ASVS 5.0 V1.2.10, CWE-1236).
* CR, which XML would turn into LF, is stored as Excel's ``_x000D_`` escape, whitespace-only text
  (which openpyxl writes without ``xml:space="preserve"``, so readers drop it) as escapes too, and
  text that already looks like such an escape is protected with ``_x005F`` - Excel and
  python-calamine read all of them back exactly.
* Control characters XML cannot carry are *marked*: replaced by their visible Unicode "control
  picture" (U+2400 + code, e.g. BEL -> ␇). Text over the cell limit is *refused*: the cell says so.
  Both are reported as :class:`CellIssue` for the export report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from openpyxl.cell.cell import ERROR_CODES

MAX_CELL_CHARS = 32_767
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")


@dataclass(frozen=True)
class CellIssue:
    """A cell whose text could not be written exactly (the export report lists these)."""

    sheet: str
    cell: str
    kind: str  # "control characters" | "too long"
    detail: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class SafeText:
    text: str  # what the cell will hold once Excel decodes it
    stored: str  # the XML-ready form (CR and escape look-alikes encoded)
    quote_prefix: bool
    issue: Optional[tuple[str, str]]  # (kind, detail)


def prepare_text(value: str) -> SafeText:
    text = str(value)
    quote = text.startswith(TRIGGERS)
    issue = None
    controls = _ILLEGAL.findall(text)
    if controls:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in controls}))
        text = _ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group(0))), text)
        issue = ("control characters", f"{len(controls)} control character{'s' if len(controls) != 1 else ''} "
                                       f"({codes}) shown as visible symbols (e.g. ␇)")
    stored = _ESCAPE_LIKE.sub(lambda m: "_x005F" + m.group(0), text).replace("\r", "_x000D_")
    if stored and stored.isspace():
        # openpyxl omits xml:space="preserve" for whitespace-only text, and readers then drop it.
        stored = "".join(f"_x{ord(c):04X}_" for c in stored)
    if len(text) > MAX_CELL_CHARS:
        refused = (f"[not exported: {len(text):,} characters, over Excel's {MAX_CELL_CHARS:,}-character cell limit; "
                   "see the export report]")
        return SafeText(refused, refused, False, ("too long", f"{len(text):,} characters refused (limit {MAX_CELL_CHARS:,}); "
                                                              "the cell holds a notice instead"))
    return SafeText(text, stored, quote, issue)


def is_plain(text: str) -> bool:
    """Text openpyxl would store exactly as given, as a string: no trigger character first, no
    error-code look-alike (openpyxl turns "#N/A" into an error cell), no CR, no control character,
    no escape look-alike, within the cell limit. Such text may be appended as a bare str (faster)."""
    return (bool(text) and not text.isspace() and not text.startswith(TRIGGERS) and text not in ERROR_CODES and len(text) <= MAX_CELL_CHARS
            and "\r" not in text and "_x" not in text and not _ILLEGAL.search(text))


def text_cell(ws, value: str, *, sheet: str, coordinate: str, issues: list, style: Optional[dict] = None):
    """A write-only cell holding ``value`` as text, never a formula; problems appended to ``issues``."""
    from openpyxl.cell import WriteOnlyCell

    safe = prepare_text(value)
    cell = WriteOnlyCell(ws)
    # Bypass Cell.value's binding on purpose: it would turn "=..." into a formula, raise on control
    # characters and truncate long text. prepare_text has already made the string safe.
    cell._value = safe.stored
    cell.data_type = "s"
    if safe.quote_prefix:
        cell.quotePrefix = True
    if style:
        for key, val in style.items():
            setattr(cell, key, val)
    if safe.issue:
        issues.append(CellIssue(sheet, coordinate, *safe.issue))
    return cell


