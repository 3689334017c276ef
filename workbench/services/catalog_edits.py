"""Editing one figure of one product from the desktop app, with undo, and reading what the product
view shows (the product's spec and the source of each figure).

Qt-free (jobs run it on worker threads, tests call it directly). Every write goes through
``workbench.store.products.write_products`` inside ``write_transaction``, so each edit, undo and
redo gets its hash-chained audit row. The engine is imported only when a spec is built or an
edit validated: this module is imported with the product view, after the catalog is painted.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Optional

from workbench.errors import StorageError
from workbench.store.columns import BOOL_COLUMNS
from workbench.store.columns import PRODUCT_COLUMNS as TEMPLATE_FIELDS  # = engine.spec.TEMPLATE_FIELDS (tested)
from workbench.store.connection import write_transaction
from workbench.store.products import ProductWrite, get_product

if TYPE_CHECKING:
    from workbench.engine.spec import ProductSpec

__all__ = ["ANY", "BOOL_COLUMNS", "EDIT_SOURCE", "FigureChanged", "TEMPLATE_FIELDS", "last_audit", "product_spec",
           "provenance", "spec_from_record", "update_figure"]

EDIT_SOURCE = "edited in the desktop app"


def spec_from_record(rec: dict) -> ProductSpec:
    """Rows were validated by ProductSpec before they were written, so build without re-validating."""
    from workbench.engine.spec import ProductSpec

    return ProductSpec.model_construct(**{k: v for k, v in rec.items() if v is not None})


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
                  db_label: object = "catalog", expected: object = ANY, changes=None) -> tuple[object, Provenance]:
    """Set one field of one product, in one transaction with its audit row.

    ``source`` is the provenance to record for the new value (default: "edited in the desktop
    app", keeping the previous source in the note). Returns (old value, old provenance) so the
    caller can undo with another audited write. Raises workbench.engine.SpecError for a value the
    template refuses (the message names the unit). With ``expected`` (an undo or redo: the value
    this window wrote last), raises FigureChanged and writes nothing when the catalog now holds
    another value. ``changes`` (a workbench.services.changes.ChangePublisher) is told of the
    committed edit, so every screen showing the product or its position refreshes.
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
    if changes is not None:
        changes.publish("catalog", (part,))
    return before, old_source


def last_audit(conn: sqlite3.Connection, limit: int = 5) -> list[tuple]:
    return conn.execute("SELECT seq, action, entity, before_json, after_json FROM audit ORDER BY seq DESC LIMIT ?",
                        (limit,)).fetchall()
