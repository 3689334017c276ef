"""Deals from a spreadsheet (xlsx via python-calamine, or CSV): one row per deal line.

Rows with the same ``deal_ref`` form one deal; its deal-level cells may be left empty on the
later rows, and a different value there is an error. Every problem is one line
``FILE:SHEET!CELL: what is wrong (expected ...)``, the whole sheet is checked, and the caller
imports nothing when there is any error. The file goes through the same pre-flight as product
imports (workbench.io.tables: bombs, size caps, merged cells, formulas without a saved value).
Money is read exactly: a number cell becomes the Decimal of its shortest repr and may have at
most two decimals.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Container, Optional

from pydantic import ValidationError

from workbench.engine.countries import CountryTable
from workbench.engine.identity import identity_key
from workbench.engine.deals import MAX_UNIT_VALUE_USD, MAX_UNITS, STATUSES, Deal, DealLine, Party, date_problem
from workbench.io.cells import CellProblem
from workbench.io.headers import normalise
from workbench.io.tables import Table, column_letter, read_table
from workbench.io.template import CellError, _layout_problems
from workbench.io.xlsx_guard import DEFAULT_LIMITS, Limits

DEAL_FIELDS = ("deal_ref", "deal_date", "exporter", "consignee_name", "consignee_country", "consignee_hq",
               "consignee_parent_hq", "end_user_name", "end_user_country", "end_user_hq", "end_user_parent_hq",
               "destination", "end_use", "authorization", "notified_on", "exports_from_us", "status", "notes")
LINE_FIELDS = ("part_number", "quantity", "unit_value_usd")
REQUIRED = ("deal_ref", "deal_date", "exporter", "consignee_name", "consignee_country", "end_user_name",
            "end_user_country", "destination", "part_number", "quantity", "unit_value_usd")
ALIASES: dict[str, tuple[str, ...]] = {
    "deal_ref": ("deal", "reference", "deal reference", "deal id", "交易编号"),
    "deal_date": ("date", "export date", "交易日期", "日期"),
    "consignee_name": ("consignee", "收货人"),
    "end_user_name": ("end user", "最终用户"),
    "destination": ("destination country", "目的地"),
    "end_use": ("最终用途",),
    "authorization": ("licence", "license", "licence or exception", "license exception", "许可证"),
    "part_number": ("part number", "part no", "pn", "sku", "型号", "料号"),
    "quantity": ("qty", "units", "数量"),
    "unit_value_usd": ("unit value", "unit price", "unit price usd", "单价"),
    "notes": ("note", "comments", "备注"),
}
_LOOKUP = {normalise(f): f for f in DEAL_FIELDS + LINE_FIELDS}
for _f, _aliases in ALIASES.items():
    for _a in _aliases:
        _LOOKUP.setdefault(normalise(_a), _f)

COUNTRY_FIELDS = {"consignee_country", "consignee_hq", "consignee_parent_hq", "end_user_country", "end_user_hq",
                  "end_user_parent_hq", "destination"}
DATE_FIELDS = {"deal_date", "notified_on"}
_MONEY = re.compile(r"^\$?\s*((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)$")
_INT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # date.fromisoformat also takes week dates and 20250303
_UNITS_EXPECTED = f"a whole number of units, from 1 to {MAX_UNITS:,}"
_MONEY_EXPECTED = f"US dollars per unit, at most 2 decimals, from 0 to {MAX_UNIT_VALUE_USD:,.0f}"


def map_deal_header(header: object) -> Optional[str]:
    return _LOOKUP.get(normalise(str(header))) if header is not None and not isinstance(header, bool) else None


def has_deal_header(row: list[object]) -> bool:
    return any(map_deal_header(c) == "deal_ref" for c in row)


@dataclass
class ParsedDeals:
    file: str
    sheet: str
    deals: list[Deal] = field(default_factory=list)
    rows: dict[str, list[int]] = field(default_factory=dict)  # deal ref -> spreadsheet rows
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Converter:
    def __init__(self, countries: CountryTable, text_only: bool = False):
        self.countries = countries
        self.text_only = text_only  # CSV: every cell is text, so "10" is the normal spelling of a number
        self.by_name = {c.name_en.casefold(): c.iso2 for c in countries}

    def __call__(self, fld: str, raw: object) -> tuple[object, Optional[str]]:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, None
        if fld in DATE_FIELDS:
            return _date(raw), None
        if fld in COUNTRY_FIELDS:
            return self._country(raw)
        if fld == "quantity":
            value, note = _quantity(raw)
            return value, None if self.text_only and "," not in str(raw) else note
        if fld == "unit_value_usd":
            value, note = _money(raw)
            return value, None if self.text_only and _PLAIN.match(str(raw).strip()) else note
        if fld == "exports_from_us":
            text = str(raw).strip().lower() if not isinstance(raw, bool) else ("yes" if raw else "no")
            if text in ("yes", "y", "true", "1", "是"):
                return True, None
            if text in ("no", "n", "false", "0", "否"):
                return False, None
            raise CellProblem(f"'{raw}' is not yes or no", "yes or no")
        if fld == "status":
            text = str(raw).strip().lower()
            if text not in STATUSES:
                raise CellProblem(f"'{raw}' is not a deal status", "one of " + ", ".join(STATUSES))
            return text, None
        if isinstance(raw, (date, datetime)):
            raise CellProblem(f"{raw.isoformat()} is a date, not text", "text")
        if isinstance(raw, float):
            if not math.isfinite(raw):
                raise CellProblem(f"{raw!r} is not text", "text")
            return (str(int(raw)) if raw.is_integer() else repr(raw)), None
        return str(raw).strip(), None

    def _country(self, raw: object) -> tuple[str, Optional[str]]:
        text = str(raw).strip()
        code = text.upper()
        if len(code) == 2 and code in self.countries:
            return code, None
        by_name = self.by_name.get(text.casefold())
        if by_name:
            return by_name, f"country '{text}' read as {by_name}"
        raise CellProblem(f"'{text}' is not a known country code", "an ISO 3166-1 alpha-2 code such as MY, CN, AE")


def _date(raw: object) -> date:
    day = _any_date(raw)
    problem = date_problem(day)
    if problem:
        low, high = problem.rsplit("(expected ", 1)
        raise CellProblem(low.rstrip(), high.rstrip(")"))
    return day


def _any_date(raw: object) -> date:
    if isinstance(raw, datetime):
        if raw.time() != datetime.min.time():
            raise CellProblem(f"{raw.isoformat()} has a time of day", "a date without a time")
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        shown = int(raw) if float(raw).is_integer() else raw
        raise CellProblem(f"{shown!r} is a number, not a date (a date cell formatted as a number?)",
                          "a date cell or text YYYY-MM-DD")
    text = str(raw).strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise CellProblem(f"'{raw}' is not a date", "a date cell or text YYYY-MM-DD") from None


def _quantity(raw: object) -> tuple[int, Optional[str]]:
    value, note = _whole(raw)
    if value > MAX_UNITS:
        raise CellProblem(f"{raw!r} is over the limit", _UNITS_EXPECTED)
    return value, note


def _whole(raw: object) -> tuple[int, Optional[str]]:
    if isinstance(raw, bool):
        raise CellProblem(f"{raw!r} is not a number", _UNITS_EXPECTED)
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw) or not float(raw).is_integer():
            raise CellProblem(f"{raw!r} is not a whole number", _UNITS_EXPECTED)
        return int(raw), None
    text = str(raw).strip()
    if _INT.match(text) and len(text) <= 30:
        return int(text.replace(",", "")), f"text '{text}' read as the number {int(text.replace(',', ''))}"
    raise CellProblem(f"'{raw}' is not a whole number", _UNITS_EXPECTED)


def _money(raw: object) -> tuple[Decimal, Optional[str]]:
    expected = _MONEY_EXPECTED
    if isinstance(raw, bool) or isinstance(raw, (date, datetime)):
        raise CellProblem(f"{raw!r} is not an amount", expected)
    note = None
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise CellProblem(f"{raw!r} is not a finite amount", expected)
        value = Decimal(repr(float(raw))) if isinstance(raw, float) else Decimal(raw)
    else:
        text = str(raw).strip()
        match = _MONEY.match(text)
        if not match:
            raise CellProblem(f"'{raw}' is not an amount", expected)
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            raise CellProblem(f"'{raw}' is not an amount", expected) from None
        note = f"text '{text}' read as {value}"
    if value < 0:
        raise CellProblem(f"{raw!r} is negative", expected)
    if value > MAX_UNIT_VALUE_USD:  # before quantize, which fails past 28 digits
        raise CellProblem(f"{raw!r} is over the limit", expected)
    if value != value.quantize(Decimal("0.01")):
        raise CellProblem(f"{raw!r} has more than 2 decimals", expected)
    return value.quantize(Decimal("0.01")), note


def parse_deals_table(table: Table, countries: CountryTable, parts: Optional[Container[str]] = None) -> ParsedDeals:
    out = ParsedDeals(table.file, table.sheet, notes=list(table.notes))
    where = f"{table.file}:{table.sheet}"
    columns: dict[int, str] = {}
    unmapped = []
    for index, header in enumerate(table.header):
        if header is None or str(header).strip() == "":
            continue
        target = map_deal_header(header)
        cell = f"{column_letter(index)}{table.header_row}"
        if target is None:
            unmapped.append(str(header))
        elif target in columns.values():
            out.errors.append(CellError(table.file, table.sheet, cell, header,
                                        f"column '{header}' maps to {target}, which another column already gives "
                                        "(expected each field once)"))
        else:
            columns[index] = target
    missing = [f for f in REQUIRED if f not in columns.values()]
    if missing:
        out.errors.append(CellError(table.file, table.sheet, f"{table.header_row}:{table.header_row}", None,
                                    f"missing columns {', '.join(missing)} (expected the deals template headers: "
                                    f"{', '.join(DEAL_FIELDS + LINE_FIELDS)})"))
        return out
    if unmapped:
        out.notes.append(f"{where}: columns not in the deals template, ignored: {', '.join(unmapped)}")
    _layout_problems(table, columns, out)
    letter = {f: column_letter(i) for i, f in columns.items()}
    conv = _Converter(countries, table.text_only)
    by_key: Optional[dict[str, str]] = None  # identity_key -> catalog part number, built on the first miss
    groups: dict[str, dict] = {}  # ref -> {"fields": {...}, "cells": {...}, "lines": [(row, values)], "bad": bool}
    for row_number, cells in table.rows:
        values: dict[str, object] = {}
        bad = False
        for index, fld in columns.items():
            raw = cells[index] if index < len(cells) else None
            try:
                value, note = conv(fld, raw)
            except CellProblem as problem:
                out.errors.append(CellError(table.file, table.sheet, f"{letter[fld]}{row_number}", raw, str(problem)))
                bad = True
                continue
            if note:
                out.notes.append(f"{where}!{letter[fld]}{row_number}: {fld}: {note}")
            if value is not None:
                values[fld] = value
        ref = values.get("deal_ref")
        if not ref:
            if not bad:
                out.errors.append(CellError(table.file, table.sheet, f"{letter['deal_ref']}{row_number}", None,
                                            "deal_ref is empty (expected a deal reference on every row)"))
            continue
        group = groups.setdefault(ref, {"fields": {}, "cells": {}, "lines": [], "bad": False, "rows": []})
        group["rows"].append(row_number)
        group["bad"] |= bad
        for fld in DEAL_FIELDS:
            if fld not in values:
                continue
            if fld in group["fields"] and group["fields"][fld] != values[fld]:
                first = group["cells"][fld]
                out.errors.append(CellError(
                    table.file, table.sheet, f"{letter[fld]}{row_number}", values[fld],
                    f"{fld} '{values[fld]}' differs from '{group['fields'][fld]}' at {first} for deal {ref} "
                    "(expected the same value on every row of a deal, or empty)"))
                group["bad"] = True
            elif fld not in group["fields"]:
                group["fields"][fld], group["cells"][fld] = values[fld], f"{letter[fld]}{row_number}"
        part = values.get("part_number")
        if part is not None and parts is not None and part not in parts:
            if by_key is None:
                by_key = {identity_key(p): p for p in parts}
            same = by_key.get(identity_key(part))  # a look-alike spelling (U+2010, a zero-width space ...)
            hint = (f"; the catalog has '{same}', which looks the same: type it as the catalog does" if same
                    else "; import the product first")
            out.errors.append(CellError(table.file, table.sheet, f"{letter['part_number']}{row_number}", part,
                                        f"part number '{part}' is not in the catalog (expected a catalog part number"
                                        f"{hint})"))
            group["bad"] = True
        group["lines"].append((row_number, values))
    for ref, group in groups.items():
        if group["bad"]:
            continue
        deal = _build(ref, group, letter, table, out)
        if deal is not None:
            out.deals.append(deal)
            out.rows[ref] = group["rows"]
    return out


def _build(ref: str, group: dict, letter: dict[str, str], table: Table, out: ParsedDeals) -> Optional[Deal]:
    f = group["fields"]
    first_row = group["rows"][0]
    problems = []
    for fld in REQUIRED:
        if fld in DEAL_FIELDS and fld not in f:
            problems.append((f"{letter[fld]}{first_row}", f"{fld} is empty for deal {ref} (expected a value on its first row)"))
    lines = []
    for row_number, values in group["lines"]:
        for fld in LINE_FIELDS:
            if fld not in values:
                problems.append((f"{letter[fld]}{row_number}", f"{fld} is empty (expected a value on every line)"))
        if all(fld in values for fld in LINE_FIELDS):
            try:
                lines.append(DealLine(part_number=values["part_number"], quantity=values["quantity"],
                                      unit_value_usd=values["unit_value_usd"]))
            except ValidationError as exc:
                for err in exc.errors():
                    fld = str(err["loc"][0]) if err["loc"] else "part_number"
                    problems.append((f"{letter.get(fld, letter['part_number'])}{row_number}",
                                     f"{err.get('input')!r} is not valid for {fld} (expected {err['msg'].lower()})"))
    if not problems:
        try:
            return Deal(reference=ref, deal_date=f["deal_date"], exporter=f["exporter"],
                        consignee=Party(name=f["consignee_name"], country=f["consignee_country"],
                                        hq_country=f.get("consignee_hq"), parent_hq_country=f.get("consignee_parent_hq")),
                        end_user=Party(name=f["end_user_name"], country=f["end_user_country"],
                                       hq_country=f.get("end_user_hq"), parent_hq_country=f.get("end_user_parent_hq")),
                        destination=f["destination"], end_use=f.get("end_use", ""),
                        authorization=f.get("authorization", ""), notified_on=f.get("notified_on"),
                        exports_from_us=f.get("exports_from_us", True), status=f.get("status", "draft"),
                        notes=f.get("notes", ""), lines=tuple(lines))
        except ValidationError as exc:
            for err in exc.errors():
                fld = str(err["loc"][0]) if err["loc"] else "deal_ref"
                cell = group["cells"].get(fld, f"{letter['deal_ref']}{first_row}")
                if err["type"] == "value_error":  # the workbench's own check: its message names the value
                    problems.append((cell, f"deal {ref}: {fld}: {err['msg'].removeprefix('Value error, ')}"))
                else:
                    problems.append((cell, f"deal {ref}: {fld}: {err['msg']} (got {err.get('input')!r})"))
    for cell, message in problems:
        out.errors.append(CellError(table.file, table.sheet, cell, None, message))
    return None


def parse_deals(path: Path, countries: CountryTable, parts: Optional[Container[str]] = None,
                sheet: Optional[str] = None, limits: Limits = DEFAULT_LIMITS) -> ParsedDeals:
    """Read deals from ``path`` (the first visible sheet unless ``sheet``); raises TableError for
    a file that cannot be read as a table at all."""
    return parse_deals_table(read_table(path, sheet, limits, is_header=has_deal_header), countries, parts)
