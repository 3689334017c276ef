"""Read the US Consolidated Screening List (CSL) from its official bulk files, CSV or JSON.

CSV: the header is the CSL's (``_id,source,entity_number,type,programs,name,...,ids``); a
multi-valued cell holds its values separated by ``"; "``. JSON: an object whose ``results`` is
a list of entries keyed ``id``, with the same fields, lists for the multi-valued ones and
addresses as objects (``address, city, state, postal_code, country``).

Both become :class:`CslEntry` values in one shape, so the same entry read from either file has
the same :attr:`CslEntry.content_hash`. Entries are keyed on ``_id``/``id``: ``entity_number``
is not unique across the source lists. Reading is all or nothing: every problem is collected
and reported with its row (CSV, 1-based counting the header as row 1) or JSON path, and no
entry is returned if there is one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from workbench.errors import UserError

CSV_HEADER = ("_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,"
              "end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
              "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
              "dates_of_birth,nationalities,places_of_birth,source_information_url,ids").split(",")
REQUIRED = ("_id", "source", "name")
MULTI_VALUED = ("programs", "addresses", "alt_names", "citizenships", "dates_of_birth", "nationalities",
                "places_of_birth", "ids")
SEPARATOR = "; "
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_ENTRIES = 500_000
MAX_CELL_CHARS = 50_000
MAX_ERRORS = 50
MAX_NAME_CHARS = 1_000  # a name or alternative name; longer is not a name (and would slow every screening)
_ISO2 = re.compile(r"^[A-Z]{2}$")
_ADDRESS_PARTS = ("address", "city", "state", "postal_code", "country")


class CslError(UserError, ValueError):
    """The file is not a CSL file we can load; the message names the file and each bad row."""


@dataclass(frozen=True)
class CslEntry:
    """One list entry. ``fields`` holds every field of the file in one shape (lists for the
    multi-valued ones, addresses as text lines), which is what is stored, shown and hashed."""

    id: str
    source: str
    name: str
    alt_names: tuple[str, ...]
    countries: tuple[str, ...]
    fields: dict[str, Any] = field(hash=False, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,) + tuple(n for n in self.alt_names if n and n != self.name)

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(self.fields.get("addresses") or ())

    @property
    def content_hash(self) -> str:
        return content_hash(self.fields)


def content_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of the entry's fields as canonical JSON: a decision tied to it lapses when the entry changes."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CslFile:
    path: str
    format: str  # "csv" | "json"
    sha256: str
    entries: tuple[CslEntry, ...]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.source] = out.get(e.source, 0) + 1
        return dict(sorted(out.items()))


def _clean(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _country_of(address: str) -> Optional[str]:
    last = address.rsplit(",", 1)[-1].strip()
    return last if _ISO2.match(last) else None


def _entry(row: dict[str, Any], where: str, problems: list[str]) -> Optional[CslEntry]:
    fields: dict[str, Any] = {}
    for key in CSV_HEADER:
        value = row.get(key)
        if key in MULTI_VALUED:
            if value is None or value == "":
                items: list[Any] = []
            elif isinstance(value, list):
                items = value
            elif isinstance(value, str):
                items = [v for v in value.split(SEPARATOR)]
            else:
                problems.append(f"{where}: '{key}' is {type(value).__name__} (expected a list or '; '-separated text)")
                return None
            if key == "addresses":
                items = [_address_text(a, where, problems) for a in items]
            elif key == "ids":
                items = [json.dumps(i, sort_keys=True, ensure_ascii=False) if isinstance(i, dict) else _clean(i)
                         for i in items]
            else:
                items = [_clean(i) for i in items]
            fields[key] = [i for i in items if i]
        else:
            if isinstance(value, (dict, list)):
                problems.append(f"{where}: '{key}' is a {type(value).__name__} (expected text)")
                return None
            fields[key] = _clean(value)
    for key in REQUIRED:
        if not fields[key]:
            problems.append(f"{where}: '{key}' is empty (expected {'the entry id' if key == '_id' else 'text'})")
            return None
    too_long = [k for k, v in fields.items() if sum(len(x) for x in (v if isinstance(v, list) else [v])) > MAX_CELL_CHARS]
    if too_long:
        problems.append(f"{where}: '{too_long[0]}' is longer than {MAX_CELL_CHARS} characters")
        return None
    long_name = next((n for n in [fields["name"], *fields["alt_names"]] if len(n) > MAX_NAME_CHARS), None)
    if long_name is not None:
        problems.append(f"{where}: a name is {len(long_name)} characters long (expected at most {MAX_NAME_CHARS})")
        return None
    countries = tuple(dict.fromkeys(c for a in fields["addresses"] if (c := _country_of(a))))
    return CslEntry(fields["_id"], fields["source"], fields["name"], tuple(fields["alt_names"]), countries, fields)


def _address_text(value: Any, where: str, problems: list[str]) -> str:
    """An address as one line, ``street, city, state, postal code, COUNTRY`` (the CSV's shape)."""
    if isinstance(value, dict):
        parts = [_clean(value.get(k)) for k in _ADDRESS_PARTS]
        country = parts[-1].upper()
        parts[-1] = country if _ISO2.match(country) else parts[-1]
        return ", ".join(p for p in parts if p)
    if isinstance(value, str):
        return value.strip()
    problems.append(f"{where}: an address is {type(value).__name__} (expected an object or text)")
    return ""


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CslError(f"{path}: {size} bytes is more than a CSL file can be ({MAX_FILE_BYTES} bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise CslError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def _csv_rows(path: Path, data: bytes) -> list[tuple[str, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CslError(f"{path}: not UTF-8 text (byte {exc.start}; expected the CSL's CSV export)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CslError(f"{path}: the file is empty (expected the CSL header {','.join(CSV_HEADER[:4])},...)") from None
    except csv.Error as exc:
        raise CslError(f"{path}: row 1: {exc}") from None
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise CslError(f"{path}: row 1: the header lacks {', '.join(missing)} (expected the CSL header "
                       f"{','.join(CSV_HEADER[:6])},...)")
    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                rows.append((f"{path}: row {line}", {"__bad__": f"{len(values)} cells (expected {len(header)})"}))
                continue
            rows.append((f"{path}: row {line}", dict(zip(header, values))))
            if len(rows) > MAX_ENTRIES:
                raise CslError(f"{path}: more than {MAX_ENTRIES} rows (expected one CSL export)")
    except csv.Error as exc:
        raise CslError(f"{path}: row {reader.line_num}: {exc}") from None
    return rows


def _json_rows(path: Path, data: bytes) -> list[tuple[str, dict[str, Any]]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CslError(f"{path}: not valid JSON ({exc}; expected the CSL's JSON export)") from None
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list):
        raise CslError(f"{path}: $.results is missing or not a list (expected {{\"results\": [...]}})")
    if len(results) > MAX_ENTRIES:
        raise CslError(f"{path}: more than {MAX_ENTRIES} entries (expected one CSL export)")
    rows = []
    for i, item in enumerate(results):
        where = f"{path}: $.results[{i}]"
        if not isinstance(item, dict):
            rows.append((where, {"__bad__": f"a {type(item).__name__} (expected an object)"}))
            continue
        row = dict(item)
        row["_id"] = row.pop("id", row.get("_id"))
        rows.append((where, row))
    return rows


def read_csl(path: str | Path) -> CslFile:
    """Parse a CSL export (format by extension: .json, else CSV); raises :class:`CslError`."""
    path = Path(path)
    data = _read_bytes(path)
    fmt = "json" if path.suffix.lower() == ".json" or data.lstrip()[:1] == b"{" else "csv"
    rows = _json_rows(path, data) if fmt == "json" else _csv_rows(path, data)
    problems: list[str] = []
    entries: list[CslEntry] = []
    seen: dict[str, str] = {}
    for where, row in rows:
        if "__bad__" in row:
            problems.append(f"{where}: {row['__bad__']}")
            continue
        entry = _entry(row, where, problems)
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(f"{where}: id '{entry.id}' repeats {seen[entry.id].split(': ', 1)[-1]} "
                            "(expected each entry once)")
            continue
        seen[entry.id] = where
        entries.append(entry)
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        more = "" if len(problems) < MAX_ERRORS else f"\n(stopped after {MAX_ERRORS} problems)"
        raise CslError("\n".join(problems) + more + f"\n{path}: {len(problems)} problem"
                       f"{'s' if len(problems) != 1 else ''}; nothing was loaded")
    if not entries:
        raise CslError(f"{path}: no entries (expected at least one row under the header)")
    return CslFile(str(path), fmt, hashlib.sha256(data).hexdigest(), tuple(entries))
