"""The catalog column from a compiled regime kept in the user's cache, before the engine is imported.

The desktop app's first screen shows the selected regime's column (class, nearest threshold and
margin, TPP and PD, licence position with the company's letters). Computing it the full way
needs the engine's models (pydantic) and the regime loaded from YAML with validation, which cost
about as long as the bare window. So once the full path (``services.classify``: the engine, then
the catalog's letters) has filled the column, :func:`remember` stores the regime compiled into
plain data (``engine.fastpath.column_plan``) with the answer of every signature met, and the next
start reads it back with :func:`early_column` (the standard library and ``engine.compiled`` only).

The stored plan is only used for exactly what it was made from. Its file name and its content
carry the key: the regime id and the SHA-256 of its ruleset file and of the country table (the
bytes the engine would load), the date the column is read on (the app clock's today), the
destination and end user's headquarters, a digest of the catalog's letters, and the code
version (the package version plus the size and modification time of the engine's and the
wording's sources and of the licence position's service). Everything read back is checked
(a checksum, sizes, types, the key); anything unexpected, any product whose signature has no
stored answer, any figure the plain arithmetic cannot decide
means None: the caller asks the full engine. Nothing here guesses.

:func:`remember` checks its own work before writing: every product of the catalog is evaluated
with the compiled plan and must give the same nearest threshold, TPP and PD as the full path,
and two products with one signature must have had the same answer; otherwise nothing is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Optional, Sequence

MAX_PRODUCTS = 20_000  # larger catalogs are classified by the engine's fast path on a worker
MAX_BYTES = 32 * 1024 * 1024
KEEP_FILES = 64  # compiled columns kept (regime x destination x day x letters); older ones are removed
FOLDER = "compiled-columns"


@dataclass(frozen=True)
class EarlyColumn:
    """The column's rows from the cache, in the catalog's part-number order."""

    key: dict
    parts: list[str]
    rows: list  # engine.compiled.Row per product

    @property
    def ruleset_sha256(self) -> str:
        return self.key["ruleset_sha256"]


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The sources the column's answers come from: the engine, the wording, the licence position, the
# column's own texts (catalog_column) and the product records and letters it is keyed on.
_SOURCES = ("engine", "wording", "services/classify.py", "services/catalog_column.py", "services/column_cache.py",
            "store/column_inputs.py")


def code_version() -> str:
    """The package version and the size and modification time of every source the column depends on."""
    import workbench

    root = Path(workbench.__file__).resolve().parent
    digest = hashlib.sha256(workbench.__version__.encode())
    for source in _SOURCES:
        base = root / source
        if base.is_file():
            found = [str(base)]
        elif base.is_dir():
            found = sorted(os.path.join(d, n) for d, _, names in os.walk(base) for n in names if n.endswith(".py"))
        else:
            continue  # a frozen app: its sources change only with its version
        for path in found:
            st = os.stat(path)
            digest.update(f"{os.path.relpath(path, root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def column_key(conn: sqlite3.Connection, library, regime_id: str, destination: Optional[str],
               end_user_hq: Optional[str], today: date) -> Optional[dict]:
    """The key a stored column must carry to be used for this regime, place, day and catalog's letters."""
    from workbench.store.column_inputs import letters_digest

    files = library.source_files(regime_id)
    if files is None or files[1] is None:
        return None
    ruleset, countries = files
    try:
        return {"regime": regime_id, "ruleset_sha256": _sha256_file(ruleset),
                "countries_sha256": _sha256_file(countries), "today": today.isoformat(),
                "destination": destination, "end_user_hq": end_user_hq, "letters": letters_digest(conn),
                "code": code_version()}
    except OSError:
        return None


def _path(cache_dir: Path, key: dict) -> Path:
    name = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return Path(cache_dir) / FOLDER / f"{name}.json"


def _read(path: Path, key: dict):
    from workbench.engine.compiled import from_data

    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None
        stored = json.loads(data)
        if not isinstance(stored, dict) or stored.pop("checksum", None) != _checksum(stored):
            return None
        return from_data(stored, key)
    except (OSError, ValueError, RecursionError):
        return None


def early_column(conn: sqlite3.Connection, library, cache_dir: Path, regime_id: str, destination: Optional[str],
                 today: date, end_user_hq: Optional[str] = None) -> Optional[EarlyColumn]:
    """The column from the stored compiled regime, or None (no usable one: ask the engine)."""
    key = column_key(conn, library, regime_id, destination, end_user_hq, today)
    if key is None:
        return None
    path = _path(cache_dir, key)
    if not path.is_file():
        return None
    plan = _read(path, key)
    if plan is None:
        return None
    from workbench.store.column_inputs import product_records

    records = product_records(conn, MAX_PRODUCTS)
    if records is None:
        return None
    rows = plan.column(records)
    if rows is None:
        return None
    return EarlyColumn(key, [r["part_number"] for r in records], rows)


# What the full path showed for one product: (Answer fields..., nearest, tpp, pd), see remember().
FullRow = tuple


def remember(conn: sqlite3.Connection, library, cache_dir: Path, regime, countries, destination: Optional[str],
             today: date, full_row: Callable[[str], Optional[FullRow]], end_user_hq: Optional[str] = None) -> bool:
    """Store the compiled regime with the answers the full path gave this catalog (see the module
    docstring). ``full_row(part)`` gives (classification, shown, position, licence, nearest, tpp,
    pd) for a product, licence as (license_required, binding refs, maybe refs) or None. Returns
    True when a compiled column was written."""
    from workbench.engine.compiled import FORMAT, Answer, ColumnPlan, from_data
    from workbench.engine.fastpath import Plan, column_plan
    from workbench.engine.letters import compile_letters
    from workbench.services.classify import catalog_letters
    from workbench.store.column_inputs import product_records

    if regime.draft:
        return False
    key = column_key(conn, library, regime.id, destination, end_user_hq, today)
    if key is None or key["ruleset_sha256"] != regime.sha256:
        return False
    records = product_records(conn, MAX_PRODUCTS)
    if records is None:
        return False
    data = column_plan(Plan(regime, countries, destination, end_user_hq, None, True, today),
                       compile_letters(catalog_letters(conn)))
    if data is None:
        return False
    data = {**data, "key": key}
    plan = ColumnPlan(data, {})
    path = _path(cache_dir, key)
    answers: dict[str, Answer] = {}
    for rec in records:
        full = full_row(rec["part_number"])
        if full is None:
            return False
        classification, shown, position, licence, nearest, tpp, pd = full
        answer = Answer(classification, shown, position,
                        None if licence is None else (licence[0], tuple(licence[1]), tuple(licence[2])))
        signature, decided, own_nearest, own_tpp, own_pd = plan.measure(rec)
        if not decided or own_nearest != nearest or own_tpp != tpp or own_pd != pd:
            return False
        if answers.setdefault(signature, answer) != answer:
            return False  # one signature, two answers: the plain form would not be exact
    kept = _read(path, key) if path.is_file() else None
    if kept is not None and all(answers.get(s, a) == a for s, a in kept.answers.items()):
        answers = {**kept.answers, **answers}  # signatures met before (products since edited or removed)
    # (a stored answer the full path contradicts: the file was stale or damaged, its answers are dropped)
    data["answers"] = {s: [a.classification, a.shown, a.position,
                           None if a.licence is None else [a.licence[0], list(a.licence[1]), list(a.licence[2])]]
                       for s, a in answers.items()}
    if data.get("format") != FORMAT or from_data(json.loads(json.dumps(data)), key) is None:
        return False
    return _write(path, data)


def _checksum(data: dict) -> str:
    """SHA-256 of the content: a damaged or hand-edited file is not used."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _write(path: Path, data: dict) -> bool:
    data = {**data, "checksum": _checksum(data)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
        _prune(path.parent)
        return True
    except OSError:
        return False


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    for old in files[:-KEEP_FILES]:
        try:
            old.unlink()
        except OSError:
            pass


def same_rows(parts: Sequence[str], early: EarlyColumn) -> bool:
    """True when the early column was computed for exactly these products, in this order."""
    return list(parts) == early.parts


def consistent_reads(conn: sqlite3.Connection):
    """``with consistent_reads(conn):`` every read inside sees one state of the catalog: classify it
    and :func:`remember` what was found from the same products and letters."""
    from workbench.store.connection import read_transaction

    return read_transaction(conn)
