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

import gc
import hashlib
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from workbench.engine.identity import identity_key
from workbench.engine.spec import TEMPLATE_FIELDS
from workbench.errors import UserError
from workbench.io.mapping import Choices
from workbench.io.tables import TableError, column_letter
from workbench.io.template import ParsedProducts, parse_products
from workbench.io.xlsx_guard import DEFAULT_LIMITS, Limits
from workbench.store.connection import write_transaction
from workbench.store.products import PART, ProductWrite, all_products, write_products

Progress = Callable[[str, int, int], None]


class ImportFailed(UserError):
    """The file was refused; ``problems`` holds one ``FILE:SHEET!CELL: ...`` line each. Nothing was written.
    ``columns`` is the column plan when the header was read (for the mapping table)."""

    def __init__(self, problems: list[str], notes: Optional[list[str]] = None, columns: Optional[list] = None,
                 parsed: Optional[ParsedProducts] = None):
        self.problems, self.notes, self.columns, self.parsed = problems, notes or [], columns or [], parsed
        super().__init__("\n".join(problems))


class FileChanged(ImportFailed):
    """The file (or the catalog) is no longer what the preview showed: nothing was written."""


@dataclass(frozen=True)
class Similar:
    """A file row whose part number matches a catalog product's on the identity key only."""
    part: str  # as in the file
    existing: str  # as in the catalog
    row: Optional[int]
    cell: str = ""  # e.g. "A7"


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
    column_plans: list = field(default_factory=list)  # workbench.io.mapping.ColumnPlan, in sheet order
    similar: list[Similar] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # file part -> catalog part it updated (--match-similar)
    sha256: Optional[str] = None
    cost: list[str] = field(default_factory=list)  # what the missing columns cost (indeterminate products)

    def fingerprint(self) -> str:
        """What this plan writes, as a digest: a confirmed import must write exactly the previewed plan."""
        h = hashlib.sha256()
        h.update(repr((self.sha256, self.added, [(p, sorted(d.items(), key=str)) for p, d in self.changed],
                       sorted(self.matched.items()))).encode("utf-8", "surrogatepass"))
        return h.hexdigest()


@contextmanager
def _collector_paused():
    """The cyclic garbage collector off while an import runs: a 50,000-row sheet is 1.5 million
    cells plus their rows and tuples, none in a cycle, and each collection the allocations trigger
    walks all of them again (a tenth of the import's time). Back on afterwards, as it was."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_products(path: Path, sheet: Optional[str] = None, limits: Limits = DEFAULT_LIMITS,
                  choices: Optional[Choices] = None) -> ParsedProducts:
    """Parse and check the whole file; raises ImportFailed (with the column plan) on any problem."""
    try:
        with _collector_paused():
            parsed = parse_products(Path(path), sheet, limits, choices)
    except TableError as exc:
        raise ImportFailed([str(exc)]) from None
    if parsed.errors:
        # Column problems (map it? / unit) come first: parse_table records them before any cell.
        raise ImportFailed([str(e) for e in parsed.errors], parsed.notes, parsed.columns, parsed)
    if not parsed.values:
        raise ImportFailed([f"{parsed.file}:{parsed.sheet}: no product rows (expected at least one row under the header)"],
                           parsed.notes, parsed.columns, parsed)
    return parsed


def loose_key(part: str) -> str:
    """identity_key without spaces, hyphens, dots, slashes or underscores: 'H100 SXM' ~ 'h100-sxm'."""
    return _SEPARATORS.sub("", identity_key(part))


_SEPARATORS = re.compile(r"[\s\-_./]+")


def plan_changes(conn: sqlite3.Connection, parsed: ParsedProducts, file_sha256: Optional[str] = None,
                 similar: str = "ask") -> tuple[ImportPlan, ProductWrite]:
    """The plan and the write batch. A file part number that matches a catalog product's only on the
    normalised key (case, dash variants, zero-width characters, spaces, hyphens) is listed in
    ``plan.similar``; ``similar`` says what becomes of it: "ask" (left out of the plan: the caller
    refuses), "update" (updates the catalog's product) or "add" (added as a new product)."""
    given = ["part_number"] + [f for f in TEMPLATE_FIELDS if f != "part_number" and f in parsed.mapping.values()]
    plan = ImportPlan(parsed.file, parsed.sheet, given, list(parsed.unmapped), list(parsed.notes),
                      column_plans=list(parsed.columns), sha256=file_sha256)
    origin = {"file": parsed.file, "sheet": parsed.sheet, **({"sha256": file_sha256} if file_sha256 else {})}
    batch = ProductWrite(origin=origin, as_import=True)
    existing = all_products(conn)
    if not existing:  # an empty catalog: every row is added (what the loop below does, at C speed)
        plan.added = [row[PART] for row in parsed.values]
        batch.added = list(parsed.values)
        batch.origin_rows = dict(zip(plan.added, map(parsed.rows.get, plan.added)))
        return plan, batch
    lookalikes: Optional[dict[str, str]] = None
    at = {f: i for i, f in enumerate(TEMPLATE_FIELDS)}
    given_at = [(f, at[f]) for f in given]
    seen = 0
    in_file: Optional[set[str]] = None  # the file's part numbers, built at the first near-duplicate
    part_letter = column_letter(next((c.index for c in parsed.columns if c.field == "part_number"), 0))
    for row in parsed.values:  # every template field, in TEMPLATE_FIELDS order
        part = row[PART]
        batch.origin_rows[part] = parsed.rows.get(part)
        old = existing.get(part)
        if old is None and existing:
            if lookalikes is None:
                lookalikes = {}
                for p in existing:
                    lookalikes.setdefault(loose_key(p), p)
            match = lookalikes.get(loose_key(part))
            if match is not None and in_file is None:
                in_file = {r[PART] for r in parsed.values}
            if match is not None and match not in in_file:
                row_number = parsed.rows.get(part)
                plan.similar.append(Similar(part, match, row_number, f"{part_letter}{row_number}"))
                if similar == "update":
                    plan.matched[part] = match
                    batch.origin_rows[match] = batch.origin_rows.pop(part)
                    row = (*row[:PART], match, *row[PART + 1:])
                    part, old = match, existing[match]
                elif similar != "add":
                    continue
        if old is None:
            plan.added.append(part)
            batch.added.append(row)
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


def similar_problems(plan: ImportPlan) -> list[str]:
    """One line per near-duplicate part number, naming both spellings (when the caller must refuse)."""
    return [f"{plan.file}:{plan.sheet}!{s.cell}: part number '{s.part}' matches the catalog's '{s.existing}' "
            "(same part number apart from case, spaces, hyphens or look-alike characters; expected --match-similar "
            f"to update '{s.existing}', or --add-similar to add it as a new product)" for s in plan.similar]


def _private_copy(path: Path, tmp: Path) -> tuple[Path, str]:
    """Copy the file once, hashing what is copied: the parse reads exactly the bytes the SHA-256 names,
    even if the original changes meanwhile."""
    copy = tmp / path.name  # same name: every message names the officer's file
    h = hashlib.sha256()
    try:
        with open(path, "rb") as src, open(copy, "wb") as dst:
            while chunk := src.read(1 << 20):
                h.update(chunk)
                dst.write(chunk)
    except FileNotFoundError:
        raise ImportFailed([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ImportFailed([f"{path}: is a folder (expected an .xlsx or .csv file)"]) from None
    except PermissionError:
        raise ImportFailed([f"{path}: cannot be read (permission denied; expected a readable file)"]) from None
    return copy, h.hexdigest()


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def import_products(conn: sqlite3.Connection, path: Path, sheet: Optional[str] = None, *, dry_run: bool = False,
                    limits: Limits = DEFAULT_LIMITS, progress: Optional[Progress] = None,
                    db_label: object = "catalog", choices: Optional[Choices] = None, similar: str = "ask",
                    expect_sha256: Optional[str] = None, expect_fingerprint: Optional[str] = None,
                    cost_on=None) -> ImportPlan:
    """Validate ``path`` and upsert its products; returns the plan (what was, or would be, done).

    ``choices`` maps or ignores columns; ``similar`` decides near-duplicate part numbers ("ask":
    refuse naming both, "update", "add"). ``expect_sha256``/``expect_fingerprint`` bind the write
    to a preview: if the file or the plan differs, FileChanged is raised and nothing is written.
    ``cost_on`` (a date): say which products the sheet's missing columns leave indeterminate.

    Raises ImportFailed for a refused file and workbench.store.DiskFull for a full disk; in both
    cases the catalog is unchanged and no transaction is left open.
    """
    with _collector_paused():
        return _import(conn, Path(path), sheet, dry_run, limits, progress, db_label, choices, similar, expect_sha256,
                       expect_fingerprint, cost_on)


def _import(conn, path: Path, sheet, dry_run, limits, progress, db_label, choices, similar, expect_sha256,
            expect_fingerprint, cost_on) -> ImportPlan:
    import tempfile

    if progress:
        progress("read", 0, 0)
    with tempfile.TemporaryDirectory(prefix="workbench-import-") as tmp:
        copy, digest = _private_copy(path, Path(tmp))
        if expect_sha256 is not None and digest != expect_sha256:
            raise FileChanged([f"{path.name}: the file changed since the preview (SHA-256 {digest[:12]}..., previewed "
                               f"{expect_sha256[:12]}...); nothing was written (expected the previewed file: preview "
                               "it again)"])
        parsed = read_products(copy, sheet, limits, choices)
    if progress:
        progress("validated", len(parsed.values), len(parsed.values))
    if dry_run:
        plan = plan_changes(conn, parsed, digest, similar)[0]
        _finish_plan(conn, plan, parsed, similar, cost_on)
        return plan
    with write_transaction(conn, db_label):
        plan, batch = plan_changes(conn, parsed, digest, similar)
        _finish_plan(conn, plan, parsed, similar, None)
        if expect_fingerprint is not None and plan.fingerprint() != expect_fingerprint:
            raise FileChanged([f"{path.name}: the catalog changed since the preview, so the import would not write what "
                               "was shown; nothing was written (expected: preview it again)"])
        if progress:
            progress("begin", 0, len(batch.added) + len(batch.updated))
        plan.audit_rows = write_products(conn, batch, progress=progress)
        if progress:
            progress("commit", plan.audit_rows, plan.audit_rows)
    plan.written = True
    return plan


def _finish_plan(conn, plan: ImportPlan, parsed: ParsedProducts, similar: str, cost_on) -> None:
    if plan.similar and similar == "ask":
        raise ImportFailed(similar_problems(plan), plan.notes, parsed.columns, parsed)
    for s in plan.similar:
        if similar == "update":
            plan.notes.append(f"{plan.file}:{plan.sheet}!{s.cell}: '{s.part}' updates the catalog's '{s.existing}' "
                              "(--match-similar)")
        else:
            plan.notes.append(f"{plan.file}:{plan.sheet}!{s.cell}: '{s.part}' added as a new product although it "
                              f"matches the catalog's '{s.existing}' (--add-similar)")
    if cost_on is not None:
        from workbench.services.import_cost import missing_cost

        plan.cost = missing_cost(conn, plan, parsed, cost_on)


def _show(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


_STATUS_TEXT = {"mapped": "recognised", "chosen": "as you chose", "ignored": "ignored", "foreign": "not in the template",
                "blocking": "MAP IT?", "refused": "REFUSED"}


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_columns(columns: list) -> str:
    """The mapping table: columns left out first (foreign, ignored, waiting for the user's word),
    then the mapped ones, each with the header as written, its field and how it was decided."""
    order = {"foreign": 0, "blocking": 1, "refused": 1, "ignored": 2, "mapped": 3, "chosen": 3}
    rows = sorted(columns, key=lambda c: (order.get(c.status, 9), c.index))
    width = min(max((_width(c.header) for c in rows), default=6), 36)
    lines = ["Columns:"]
    for c in rows:
        target = c.field or (f"probably {c.suggestion}?" if c.status in ("blocking", "refused") and c.suggestion
                             else "-")
        how = _STATUS_TEXT.get(c.status, c.status)
        if c.status == "mapped":
            how += f", {c.match.confidence}"
        extra = f"; {c.note}" if c.note else f"; {c.message}" if c.status in ("ignored",) and c.message else ""
        samples = f"  e.g. {', '.join(repr(x) if len(x) <= 20 else repr(x[:17] + '...') for x in c.samples)}" \
            if c.samples else ""
        header = c.header if len(c.header) <= 36 else c.header[:33] + "..."
        lines.append(f"  {header}{' ' * max(0, width - _width(header))}  -> {target:<28} ({how}{extra}){samples}")
    return "\n".join(lines)


def render_plan(plan: ImportPlan, limit: int = 50) -> str:
    """The preview an officer reads before (or after) writing: added, changed field by field, left alone."""
    lines = [f"Import {plan.file}:{plan.sheet}: {len(plan.columns)} template columns "
             f"({', '.join(plan.columns)})"]
    if plan.unmapped:
        lines.append(f"  columns not in the template (ignored): {', '.join(plan.unmapped)}")
    if plan.column_plans:
        lines.extend("  " + line for line in render_columns(plan.column_plans).splitlines())
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
    if plan.cost:
        lines.append("  what the missing columns cost:")
        lines.extend(f"    ! {line}" for line in plan.cost)
    if plan.written:
        lines.append(f"Written: {len(plan.added)} added, {len(plan.changed)} changed, "
                     f"{plan.audit_rows} audit row{'s' if plan.audit_rows != 1 else ''}.")
    else:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)
