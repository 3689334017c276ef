"""import_products: a product sheet -> the catalog, as one all-or-nothing transaction.

1. Read and validate the whole sheet (pre-flight, every cell; no lock held). Any error stops here.
2. ``BEGIN IMMEDIATE``; diff against the catalog by part_number: added, changed (field by field),
   unchanged; catalog products absent from the file are left alone. Columns absent from the
   sheet are left alone too; an empty cell in a present column means "unknown" and clears the
   stored value (shown in the preview).
3. Unless dry-run: insert/update with executemany, one hash-chained ``products.import`` audit
   row holding every added record and changed field (with the file's SHA-256), the part numbers
   indexed as its subjects, COMMIT. Any error, a kill or a full disk leaves the catalog exactly as it was.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.errors import UserError
from workbench.io.tables import TableError
from workbench.io.template import ParsedProducts, parse_products
from workbench.io.xlsx_guard import DEFAULT_LIMITS, Limits
from workbench.store.connection import write_transaction
from workbench.store.products import PART, ProductWrite, all_products, write_products

Progress = Callable[[str, int, int], None]


class ImportFailed(UserError):
    """The file was refused; ``problems`` holds one ``FILE:SHEET!CELL: ...`` line each. Nothing was written."""

    def __init__(self, problems: list[str], notes: Optional[list[str]] = None):
        self.problems, self.notes = problems, notes or []
        super().__init__("\n".join(problems))


@dataclass
class ImportPlan:
    file: str
    sheet: str
    columns: list[str]  # template fields the sheet gives
    unmapped: list[str]
    notes: list[str]
    added: list[str] = field(default_factory=list)  # part numbers
    changed: list[tuple[str, dict[str, tuple[object, object]]]] = field(default_factory=list)  # part -> {f: (old, new)}
    unchanged: list[str] = field(default_factory=list)
    left_alone: int = 0  # catalog products not in the file
    written: bool = False
    audit_rows: int = 0


def read_products(path: Path, sheet: Optional[str] = None, limits: Limits = DEFAULT_LIMITS) -> ParsedProducts:
    try:
        parsed = parse_products(Path(path), sheet, limits)
    except TableError as exc:
        raise ImportFailed([str(exc)]) from None
    if parsed.errors:
        raise ImportFailed([str(e) for e in parsed.errors], parsed.notes)
    if not parsed.values:
        raise ImportFailed([f"{parsed.file}:{parsed.sheet}: no product rows (expected at least one row under the header)"],
                           parsed.notes)
    return parsed


_PUNCTUATION = re.compile(r"[\W_]+")


def _loose(part: str) -> str:
    return _PUNCTUATION.sub("", part).casefold()


def plan_changes(conn: sqlite3.Connection, parsed: ParsedProducts,
                 file_sha256: Optional[str] = None) -> tuple[ImportPlan, ProductWrite]:
    given = ["part_number"] + [f for f in TEMPLATE_FIELDS if f != "part_number" and f in parsed.mapping.values()]
    plan = ImportPlan(parsed.file, parsed.sheet, given, list(parsed.unmapped), list(parsed.notes))
    origin = {"file": parsed.file, "sheet": parsed.sheet, **({"sha256": file_sha256} if file_sha256 else {})}
    batch = ProductWrite(origin=origin, as_import=True)
    existing = all_products(conn)
    lookalikes = {_loose(p): p for p in existing}
    at = {f: i for i, f in enumerate(TEMPLATE_FIELDS)}
    given_at = [(f, at[f]) for f in given]
    seen = 0
    for row in parsed.values:  # every template field, in TEMPLATE_FIELDS order
        part = row[PART]
        batch.origin_rows[part] = parsed.rows.get(part)
        old = existing.get(part)
        if old is None:
            plan.added.append(part)
            batch.added.append(row)
            similar = lookalikes.get(_loose(part)) if lookalikes else None
            if similar is not None:
                plan.notes.append(f"{parsed.file}:{parsed.sheet}: row {parsed.rows.get(part)}: new part number '{part}' "
                                  f"differs from the catalog's '{similar}' only in case, spaces or punctuation; it is "
                                  "added as a new product (spell it as in the catalog to update that one instead)")
            continue
        seen += 1
        diff = {f: (old[f], row[i]) for f, i in given_at if old[f] != row[i]}
        if not diff:
            plan.unchanged.append(part)
            continue
        plan.changed.append((part, diff))
        new = {**old, **{f: row[i] for f, i in given_at}}
        batch.updated.append((new, {f: a for f, (a, _) in diff.items()}, {f: b for f, (_, b) in diff.items()}))
        batch.stale_provenance.extend((part, f) for f in diff)
    plan.left_alone = len(existing) - seen
    return plan, batch


def import_products(conn: sqlite3.Connection, path: Path, sheet: Optional[str] = None, *, dry_run: bool = False,
                    limits: Limits = DEFAULT_LIMITS, progress: Optional[Progress] = None,
                    db_label: object = "catalog") -> ImportPlan:
    """Validate ``path`` and upsert its products; returns the plan (what was, or would be, done).

    Raises ImportFailed for a refused file and workbench.store.DiskFull for a full disk; in both
    cases the catalog is unchanged and no transaction is left open.
    """
    if progress:
        progress("read", 0, 0)
    parsed = read_products(path, sheet, limits)
    if progress:
        progress("validated", len(parsed.values), len(parsed.values))
    if dry_run:
        return plan_changes(conn, parsed)[0]
    with open(path, "rb") as fh:  # which exact file was imported, for the audit row
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    with write_transaction(conn, db_label):
        plan, batch = plan_changes(conn, parsed, digest)
        if progress:
            progress("begin", 0, len(batch.added) + len(batch.updated))
        plan.audit_rows = write_products(conn, batch, progress=progress)
        if progress:
            progress("commit", plan.audit_rows, plan.audit_rows)
    plan.written = True
    return plan


def _show(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def render_plan(plan: ImportPlan, limit: int = 50) -> str:
    """The preview an officer reads before (or after) writing: added, changed field by field, left alone."""
    lines = [f"Import {plan.file}:{plan.sheet}: {len(plan.columns)} template columns "
             f"({', '.join(plan.columns)})"]
    if plan.unmapped:
        lines.append(f"  columns not in the template (ignored): {', '.join(plan.unmapped)}")
    lines.append(f"  add {len(plan.added)} new product{'s' if len(plan.added) != 1 else ''}")
    for part in plan.added[:limit]:
        lines.append(f"    + {part}")
    if len(plan.added) > limit:
        lines.append(f"    ... and {len(plan.added) - limit} more")
    lines.append(f"  change {len(plan.changed)} product{'s' if len(plan.changed) != 1 else ''}")
    for part, diff in plan.changed[:limit]:
        lines.append(f"    ~ {part}")
        for f, (old, new) in diff.items():
            lines.append(f"        {f}: {_show(old)} -> {_show(new)}")
    if len(plan.changed) > limit:
        lines.append(f"    ... and {len(plan.changed) - limit} more")
    lines.append(f"  leave alone {len(plan.unchanged)} unchanged product{'s' if len(plan.unchanged) != 1 else ''} "
                 f"in the file and {plan.left_alone} catalog product{'s' if plan.left_alone != 1 else ''} not in it")
    if plan.written:
        lines.append(f"Written: {len(plan.added)} added, {len(plan.changed)} changed, "
                     f"{plan.audit_rows} audit row{'s' if plan.audit_rows != 1 else ''}.")
    else:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)
