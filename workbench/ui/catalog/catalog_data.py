"""The catalog as the desktop app holds it: ids and a few display columns in memory, full
specs read from SQLite only when a job or the product view needs them.

Qt-free on purpose (jobs run it on worker threads, tests call it directly). It reads the store
through its public tables and writes only through ``workbench.store.products.write_products``
inside ``write_transaction``, so every edit gets its hash-chained audit row.

Loading the snapshot imports no engine model (issue 4: the catalog's rows are painted before
the engine is imported); building specs and validating an edit import it when called.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from workbench.errors import StorageError
from workbench.store.columns import BOOL_COLUMNS
from workbench.store.columns import PRODUCT_COLUMNS as TEMPLATE_FIELDS  # = engine.spec.TEMPLATE_FIELDS (tested)
from workbench.store.connection import write_transaction
from workbench.store.products import ProductWrite, get_product

if TYPE_CHECKING:
    from workbench.engine.spec import ProductSpec

_BOOLS = frozenset(BOOL_COLUMNS)
SELECT_ALL = f"SELECT {', '.join(TEMPLATE_FIELDS)} FROM products ORDER BY part_number"
EDIT_SOURCE = "edited in the desktop app"


def record_from_row(row: tuple) -> dict:
    return {f: (bool(v) if f in _BOOLS and v is not None else v) for f, v in zip(TEMPLATE_FIELDS, row)}


def spec_from_record(rec: dict) -> ProductSpec:
    """Rows were validated by ProductSpec before they were written, so build without re-validating."""
    from workbench.engine.spec import ProductSpec

    return ProductSpec.model_construct(**{k: v for k, v in rec.items() if v is not None})


@dataclass
class CatalogSnapshot:
    """Everything the catalog table needs without touching the database: one entry per product."""

    parts: list[str] = field(default_factory=list)
    vendors: list[Optional[str]] = field(default_factory=list)
    names: list[Optional[str]] = field(default_factory=list)
    mem_bw: list[Optional[float]] = field(default_factory=list)
    lines: list[tuple[str, ...]] = field(default_factory=list)  # product lines each product belongs to
    haystack: list[str] = field(default_factory=list)  # lower-cased part, vendor and name for search
    index: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.parts)

    @property
    def vendor_names(self) -> list[str]:
        return sorted({v for v in self.vendors if v})

    @property
    def line_names(self) -> list[str]:
        return sorted({n for ls in self.lines for n in ls})


def load_snapshot(conn: sqlite3.Connection, progress: Optional[Callable[[int, int], None]] = None) -> CatalogSnapshot:
    snap = CatalogSnapshot()
    members: dict[str, list[str]] = {}
    for part, name in conn.execute("SELECT m.part_number, l.name FROM product_line_members m "
                                   "JOIN product_lines l ON l.id = m.line_id"):
        members.setdefault(part, []).append(name)
    total = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    rows = conn.execute("SELECT part_number, vendor, name, memory_bandwidth_gbs FROM products ORDER BY part_number")
    for i, (part, vendor, name, bw) in enumerate(rows):
        snap.index[part] = i
        snap.parts.append(part)
        snap.vendors.append(vendor)
        snap.names.append(name)
        snap.mem_bw.append(bw)
        snap.lines.append(tuple(members.get(part, ())))
        snap.haystack.append(f"{part}\t{vendor or ''}\t{name or ''}".lower())
        if progress and i % 20000 == 0:
            progress(i, total)
    return snap


def iter_specs(conn: sqlite3.Connection):
    """Every product's spec in part-number order, streamed."""
    from workbench.engine.spec import ProductSpec

    build = ProductSpec.model_construct
    for row in conn.execute(SELECT_ALL):
        yield build(**{k: v for k, v in record_from_row(row).items() if v is not None})


def product_spec(conn: sqlite3.Connection, part: str) -> Optional[ProductSpec]:
    rec = get_product(conn, part)
    return spec_from_record(rec) if rec else None


def provenance(conn: sqlite3.Connection, part: str) -> dict[str, tuple[str, Optional[str], Optional[str]]]:
    """field -> (source, confidence, note): the figure's source row, else the import that set it."""
    from workbench.store.provenance import figure_sources

    return figure_sources(conn, [part]).get(part, {})


Provenance = Optional[tuple[str, Optional[str], Optional[str]]]
ANY = object()  # update_figure(expected=ANY): write whatever the current value is


class FigureChanged(StorageError):
    """Undo/redo found another value than the one this window wrote: someone else (a command-line
    import, another workbench) changed the figure since, and their change must not be overwritten."""


def update_figure(conn: sqlite3.Connection, part: str, name: str, value: object, source: Provenance = None,
                  db_label: object = "catalog", expected: object = ANY) -> tuple[object, Provenance]:
    """Set one field of one product, in one transaction with its audit row.

    ``source`` is the provenance to record for the new value (default: "edited in the desktop
    app", keeping the previous source in the note). Returns (old value, old provenance) so the
    caller can undo with another audited write. Raises workbench.engine.SpecError for a value the
    template refuses (the message names the unit). With ``expected`` (an undo or redo: the value
    this window wrote last), raises FigureChanged and writes nothing when the catalog now holds
    another value.
    """
    from workbench.engine.spec import make_spec

    if name not in TEMPLATE_FIELDS or name == "part_number":
        raise ValueError(f"{name}: not an editable field")
    with write_transaction(conn, db_label):
        old = get_product(conn, part)
        if old is None:
            raise KeyError(part)
        if expected is not ANY and old[name] != expected:
            raise FigureChanged(f"{part}: {name} is now {old[name]!r}, not {expected!r} as this window left it: it was "
                                "changed elsewhere (an import or another workbench) meanwhile, so it was not "
                                "overwritten (expected: check the new value and edit it again if needed)")
        new = {**old, name: value}
        make_spec(**{k: v for k, v in new.items() if v is not None})  # validate (unit-naming errors)
        before = old[name]
        old_source = provenance(conn, part).get(name)
        if source is None:
            note = f"was {before!r}" + (f" from {old_source[0]}" if old_source else "")
            source = (EDIT_SOURCE, None, note)
        batch = ProductWrite(updated=[(new, {name: before}, {name: value})],
                             origin={"edit": "desktop app", "field": name})
        batch.stale_provenance.append((part, name))
        if source[0]:
            batch.provenance.append((part, name, source[0], source[1], source[2]))
        from workbench.store.products import write_products

        write_products(conn, batch)
    return before, old_source


def last_audit(conn: sqlite3.Connection, limit: int = 5) -> list[tuple]:
    return conn.execute("SELECT seq, action, entity, before_json, after_json FROM audit ORDER BY seq DESC LIMIT ?",
                        (limit,)).fetchall()
