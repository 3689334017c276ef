"""The is-informed letter tracker: named operations the GUI and the CLI call.

Every write is one ``write_transaction`` holding the change and its audit row; each successful
write then notifies the subscribers once (``subscribe(callback)``; callback(action, ref)), which
the GUI can turn into a Qt signal. Reads return engine objects (``Letter``, ``LetterOverlay``,
``Dashboard``) or plain dataclasses. Nothing here imports Qt.

Attachment files are copied into ``attachments/`` beside the database under their SHA-256, and
read back only through :meth:`LetterService.attachment_path`, which verifies the hash first.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from pydantic import ValidationError

from workbench.engine.countries import CountryTable
from workbench.engine.determine import Determination
from workbench.engine.conditions import NOT_MET
from workbench.engine.letters import (Catch, Dashboard, Deadline, Letter, LetterOverlay, LicenceApplication,
                                      ProductCoverage, apply_letters, compile_letters, coverage, dashboard,
                                      newly_caught, revalidate, transition)
from workbench.engine.spec import ProductSpec
from workbench.paths import resources_dir
from workbench.store import write_transaction
from workbench.store import letters as repo
from workbench.store.letters import Attachment, HistoryEntry, LetterStoreError

ATTACHMENT_MAX_BYTES = 100 * 1024 * 1024
SAMPLE_FILE = "sample-h20-letter-2025-04.json"
_SAMPLE_KEY = "sample_letter"


class LetterInputError(ValueError):
    """A letter file or edit that cannot be accepted; one readable line per problem."""


# --- reading letter files -------------------------------------------------------------------------

def parse_letter_json(text: str, source: str = "letter") -> list[Letter]:
    """A JSON object (one letter) or array (several); errors name the file and the key path."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LetterInputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    items = data if isinstance(data, list) else [data]
    letters, problems = [], []
    for i, item in enumerate(items):
        where = f"{source}[{i}]" if isinstance(data, list) else source
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a JSON object describing a letter")
            continue
        try:
            letters.append(Letter.model_validate_json(json.dumps(item)))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(letter)"
                problems.append(f"{where}: {loc}: {err['msg']} (got {json.dumps(err.get('input'), default=str)[:80]})")
    refs = [x.ref for x in letters]
    problems += [f"{source}: reference {r} appears twice" for r in sorted({r for r in refs if refs.count(r) > 1})]
    if problems:
        raise LetterInputError("\n".join(problems))
    return letters


def load_letter_file(path: Path) -> list[Letter]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterInputError(f"{path}: cannot read ({exc})") from None
    return parse_letter_json(text, str(path))


def sample_letter() -> Letter:
    return load_letter_file(resources_dir() / "demo" / "letters" / SAMPLE_FILE)[0]


# --- attachment files -----------------------------------------------------------------------------

def sha256_file(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def copy_in(source: Path, folder: Path) -> tuple[str, str, int]:
    """Copy ``source`` into ``folder`` named by its SHA-256: temp file, fsync, atomic rename.

    The hash is taken over the bytes written, in the same pass, so it always describes the copy.
    Returns (stored_name, sha256, size).
    """
    source = Path(source)
    if not source.is_file():
        raise LetterInputError(f"{source}: not a file (expected the scanned letter, e.g. a PDF)")
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "".join(c for c in source.suffix.lower()[:10] if c.isalnum() or c == ".")
    h, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                size += len(block)
                if size > ATTACHMENT_MAX_BYTES:
                    raise LetterInputError(f"{source}: larger than {ATTACHMENT_MAX_BYTES >> 20} MB")
                h.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        digest = h.hexdigest()
        final = folder / (digest + suffix)
        if final.is_file() and sha256_file(final)[0] == digest:
            os.unlink(tmp)  # the same content is already stored
        else:
            os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return digest + suffix, digest, size


@dataclass(frozen=True)
class AttachmentCheck:
    attachment: Attachment
    ok: bool
    actual_sha256: Optional[str]
    problem: Optional[str]


# --- the service ----------------------------------------------------------------------------------

Listener = Callable[[str, str], None]


class LetterService:
    """Letters of one catalog database. ``countries`` is the bundled CountryTable."""

    def __init__(self, conn: sqlite3.Connection, countries: CountryTable, *, actor: Optional[str] = None):
        self.conn, self.countries, self.actor = conn, countries, actor
        self._listeners: list[Listener] = []

    # events
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _changed(self, action: str, ref: str) -> None:
        for listener in list(self._listeners):
            listener(action, ref)

    def _tx(self):
        return write_transaction(self.conn, repo.database_path(self.conn))

    # reads
    def list(self, status: Optional[str] = None) -> list[Letter]:
        return [x for x in repo.all_letters(self.conn) if status is None or x.status == status]

    def open_letters(self) -> list[Letter]:
        return [x for x in repo.all_letters(self.conn) if x.is_open]

    def get(self, ref: str) -> Letter:
        letter = repo.get_letter(self.conn, ref)
        if letter is None:
            known = ", ".join(x.ref for x in repo.all_letters(self.conn)) or "none recorded"
            raise LetterInputError(f"no letter {ref} (known: {known})")
        return letter

    def revision(self, ref: str) -> int:
        self.get(ref)
        return repo.get_revision(self.conn, ref)  # type: ignore[return-value]

    def history(self, ref: str) -> list[HistoryEntry]:
        self.get(ref)
        return repo.history(self.conn, ref)

    def attachments(self, ref: Optional[str] = None) -> list[Attachment]:
        return repo.attachments(self.conn, ref)

    # writes
    def add(self, letter: Letter | dict, *, origin: Optional[dict] = None) -> Letter:
        if isinstance(letter, dict):
            letter = parse_letter_json(json.dumps(letter, default=str), "letter")[0]
        with self._tx():
            try:
                repo.insert_letter(self.conn, letter, actor=self.actor, origin=origin)
            except LetterStoreError as exc:
                raise LetterInputError(str(exc)) from None
        self._changed("letter.add", letter.ref)
        return letter

    def add_file(self, path: Path, attach: Optional[Path] = None) -> list[Letter]:
        """Record every letter in a JSON file (all or none); optionally attach the scan to each."""
        letters = load_letter_file(path)
        stored = copy_in(Path(attach), repo.attachments_dir(self.conn)) if attach else None
        with self._tx():
            for letter in letters:
                try:
                    repo.insert_letter(self.conn, letter, actor=self.actor, origin={"file": Path(path).name})
                    if stored:
                        repo.insert_attachment(self.conn, letter.ref, Path(attach).name, *stored,
                                               original_path=str(Path(attach).resolve()), actor=self.actor)
                except LetterStoreError as exc:
                    raise LetterInputError(f"{path}: {exc}") from None
        for letter in letters:
            self._changed("letter.add", letter.ref)
        return letters

    def _update(self, ref: str, action: str, change: Callable[[Letter], Letter], expected_revision: Optional[int],
                note: Optional[str] = None) -> Letter:
        with self._tx():
            before = self.get(ref)
            try:
                after = change(before)
                repo.update_letter(self.conn, before, after, action, actor=self.actor,
                                   expected_revision=expected_revision, note=note)
            except (LetterStoreError, ValidationError) as exc:
                raise LetterInputError(str(exc)) from None
        self._changed(action, ref)
        return after

    def set_status(self, ref: str, status: str, on: date, note: Optional[str] = None, *,
                   expected_revision: Optional[int] = None) -> Letter:
        """Move the letter along its status machine; a refused change raises TransitionRefused."""
        return self._update(ref, "letter.status", lambda x: transition(x, status, on, note), expected_revision, note)

    def close(self, ref: str, on: date, note: Optional[str] = None) -> Letter:
        return self.set_status(ref, "closed", on, note)

    def edit(self, ref: str, *, expected_revision: Optional[int] = None, reason: Optional[str] = None,
             **fields: object) -> Letter:
        """Change recorded fields (summary, criteria, destinations ...). Status changes go through set_status."""
        if "status" in fields or "history" in fields or "ref" in fields:
            raise LetterInputError("status, history and ref cannot be edited directly (use set_status / a new letter)")
        return self._update(ref, "letter.edit", lambda x: revalidate(x, **fields), expected_revision, reason)

    def add_note(self, ref: str, text: str) -> Letter:
        if not text.strip():
            raise LetterInputError("a note cannot be empty")
        return self._update(ref, "letter.note", lambda x: revalidate(x, notes=[*x.notes, text]), None)

    def set_deadline(self, ref: str, deadline: Deadline | dict) -> Letter:
        """Add a deadline, or replace the one with the same id (e.g. to mark it done)."""
        d = deadline if isinstance(deadline, Deadline) else Deadline.model_validate_json(json.dumps(deadline, default=str))

        def change(x: Letter) -> Letter:
            rest = [e for e in x.deadlines if e.id != d.id]
            return revalidate(x, deadlines=sorted([*rest, d], key=lambda e: (e.due, e.id)))
        return self._update(ref, "letter.deadline", change, None)

    def set_application(self, ref: str, application: LicenceApplication | dict) -> Letter:
        """Link a licence application, or update the one with the same number."""
        a = application if isinstance(application, LicenceApplication) else \
            LicenceApplication.model_validate_json(json.dumps(application, default=str))

        def change(x: Letter) -> Letter:
            apps = [e for e in x.applications if e.number != a.number]
            at = next((i for i, e in enumerate(x.applications) if e.number == a.number), len(apps))
            apps.insert(at, a)
            return revalidate(x, applications=apps)
        return self._update(ref, "letter.application", change, None)

    def attach(self, ref: str, file: Path) -> Attachment:
        """Copy the scanned letter into the data folder and record it with its SHA-256."""
        self.get(ref)
        stored = copy_in(Path(file), repo.attachments_dir(self.conn))
        with self._tx():
            try:
                att_id = repo.insert_attachment(self.conn, ref, Path(file).name, *stored,
                                                original_path=str(Path(file).resolve()), actor=self.actor)
            except LetterStoreError as exc:
                raise LetterInputError(str(exc)) from None
        self._changed("letter.attach", ref)
        return next(a for a in repo.attachments(self.conn, ref) if a.id == att_id)

    def verify_attachment(self, att: Attachment) -> AttachmentCheck:
        path = repo.attachments_dir(self.conn) / att.stored_name
        if not path.is_file():
            return AttachmentCheck(att, False, None, f"missing: {path} not found")
        actual, _ = sha256_file(path)
        if actual != att.sha256:
            return AttachmentCheck(att, False, actual, "hash mismatch: the stored copy was changed or damaged "
                                                       f"(recorded {att.sha256[:12]}..., now {actual[:12]}...)")
        return AttachmentCheck(att, True, actual, None)

    def verify_attachments(self, ref: Optional[str] = None) -> list[AttachmentCheck]:
        return [self.verify_attachment(a) for a in repo.attachments(self.conn, ref)]

    def attachment_path(self, att: Attachment) -> Path:
        """The stored copy to open, only after its hash checks out."""
        check = self.verify_attachment(att)
        if not check.ok:
            raise LetterInputError(f"{att.file_name}: {check.problem}")
        return repo.attachments_dir(self.conn) / att.stored_name

    # questions the rest of the app asks
    def overlay(self, det: Determination, spec: ProductSpec, *, exporter: Optional[str] = None) -> LetterOverlay:
        """The determination with the open letters applied ("licence required under letter REF")."""
        return apply_letters(det, spec, compile_letters(self.list()), self.countries, exporter=exporter)

    def overlays(self, pairs: Iterable[tuple[Determination, ProductSpec]]) -> list[LetterOverlay]:
        compiled = compile_letters(self.list())
        return [apply_letters(d, s, compiled, self.countries) for d, s in pairs]

    def covering(self, spec: ProductSpec) -> list[ProductCoverage]:
        """The open letters that cover (or may cover) one product: for a product page."""
        out = [coverage(c, spec) for c in compile_letters(self.open_letters())]
        return [c for c in out if c.result != NOT_MET]

    def newly_caught(self, after: Sequence[ProductSpec], before: Optional[Sequence[ProductSpec]] = None,
                     fields: Optional[Iterable[str]] = None) -> list[Catch]:
        """Products an import or edit would newly bring under an open letter ("would this SKU be caught?").

        ``before`` defaults to the catalog as it is now, so call this before writing the change.
        ``fields``: the template fields the import sheet gives; as in the import, the others keep
        their stored values for products already in the catalog.
        """
        if before is None:
            from workbench.store.products import load_specs

            current = {s.part_number for s in after}
            before = [s for s in load_specs(self.conn) if s.part_number in current]
        if fields is not None:
            given, stored = set(fields) | {"part_number"}, {s.part_number: s for s in before}
            after = [stored[s.part_number].model_copy(update={f: getattr(s, f) for f in given})
                     if s.part_number in stored else s for s in after]
        return newly_caught(self.open_letters(), after, before)

    def dashboard(self, now: Optional[datetime] = None, user_tz: str = "UTC", horizon_days: int = 30,
                  specs: Optional[Sequence[ProductSpec]] = None) -> Dashboard:
        from workbench.store.products import load_specs

        return dashboard(self.list(), load_specs(self.conn) if specs is None else specs,
                         now or datetime.now(timezone.utc), user_tz, horizon_days)

    def export_xlsx(self, out: Path) -> Path:
        return export_letters_xlsx(self, Path(out))


# --- the sample letter of the demo database -------------------------------------------------------

def _is_demo_catalog(conn: sqlite3.Connection) -> bool:
    """True when the catalog was created with the bundled demo (its first audit row says so)."""
    row = conn.execute("SELECT after_json FROM audit WHERE seq = 1").fetchone()
    if not row or not row[0]:
        return False
    try:
        return (json.loads(row[0]).get("origin") or {}).get("file") == "demo/catalog.csv"
    except (ValueError, AttributeError):
        return False


def ensure_sample_letter(conn: sqlite3.Connection) -> bool:
    """Seed the SAMPLE letter once into a demo database; True if it was added now.

    Runs at most once per database (a marker in letter_meta), so a user who closes the sample
    keeps it closed. A catalog created without the demo never gets it.
    """
    if repo.get_meta(conn, _SAMPLE_KEY) is not None or not _is_demo_catalog(conn):
        return False
    letter = sample_letter()
    try:
        with write_transaction(conn, repo.database_path(conn)):
            if repo.get_meta(conn, _SAMPLE_KEY) is not None:  # another process got there first
                return False
            if repo.get_letter(conn, letter.ref) is None:
                repo.insert_letter(conn, letter, origin={"file": f"demo/letters/{SAMPLE_FILE}"}, action="letter.sample")
            repo.set_meta(conn, _SAMPLE_KEY, letter.ref)
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):  # a read-only catalog is shown as it is; the sample can wait
            return False
        raise
    return True


def open_letter_service(db=None, *, with_demo: bool = True, countries: Optional[CountryTable] = None,
                        actor: Optional[str] = None) -> LetterService:
    """Open the catalog (created with the demo on first start) with its letters; the sample letter
    is seeded into a demo catalog. The caller closes ``service.conn``."""
    from workbench.services.catalog import open_catalog

    if countries is None:
        from workbench.services.regimes import bundled_library

        countries = bundled_library().countries
    conn = open_catalog(db, with_demo=with_demo)
    try:
        if with_demo:
            ensure_sample_letter(conn)
    except BaseException:
        conn.close()
        raise
    return LetterService(conn, countries, actor=actor)


# --- export ---------------------------------------------------------------------------------------

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_MAX_CELL = 32767


def _cell_text(value: object) -> object:
    """Safe cell value: control characters shown as U+FFFD, over-long text refused."""
    if not isinstance(value, str):
        return value
    text = "".join(c if c in "\t\n" or ord(c) >= 32 else "\ufffd" for c in value)
    if len(text) > _MAX_CELL:
        raise LetterInputError(f"a cell of {len(text):,} characters exceeds Excel's {_MAX_CELL:,}; not exported")
    return text


def _fits(text: str, seq: int) -> str:
    """History JSON too long for one cell is replaced by a visible pointer, never cut silently."""
    if len(text) <= _MAX_CELL:
        return text
    return f"({len(text):,} characters: too long for one cell; see audit row seq {seq} in the database)"


def _put(ws, row: list) -> None:
    """Append a row whose strings are plain text (never formulas), quote-prefixed when they start
    like one (OWASP ASVS V1.2.10, CWE-1236)."""
    ws.append([_cell_text(v) for v in row])
    for value, cell in zip(row, ws[ws.max_row]):
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(_TRIGGERS):
                cell.quotePrefix = True


def export_letters_xlsx(service: LetterService, out: Path) -> Path:
    """Letters, criteria, deadlines, applications, attachments and history as one workbook (written
    to a temporary file, then renamed into place)."""
    import openpyxl
    from openpyxl.styles import Font

    from workbench.store.audit import head

    letters = service.list()
    wb = openpyxl.Workbook()
    sheets = {
        "Letters": ["ref", "status", "addressee", "agency", "received", "effective", "legal_basis", "summary",
                    "part_numbers", "destinations", "end_user_hq", "licence_required", "review_policy", "notes"],
        "Criteria": ["ref", "criterion", "description", "condition", "confidence", "note"],
        "Deadlines": ["ref", "deadline", "label", "due", "agency_time_zone", "done_on"],
        "Applications": ["ref", "number", "status", "submitted", "decided", "items", "destination", "quantity",
                         "value_usd", "note"],
        "Attachments": ["ref", "file_name", "sha256", "size", "added_utc", "verified"],
        "Affected": ["ref", "part_number", "result", "matched", "missing"],
        "History": ["ref", "seq", "ts_utc", "actor", "action", "before", "after"],
    }
    ws_by = {}
    for i, (title, header) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        _put(ws, header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws_by[title] = ws
    from workbench.engine.places import describe

    for x in letters:
        _put(ws_by["Letters"], [x.ref, x.status, x.addressee, x.agency, x.received, x.effective, x.legal_basis,
                                x.summary, ", ".join(x.covered.part_numbers), describe(x.destinations),
                                describe(x.end_user_hq) if x.end_user_hq else "", x.requirement.licence_required,
                                x.requirement.review_policy, "\n".join(x.notes)])
        for c in x.covered.criteria:
            _put(ws_by["Criteria"], [x.ref, c.id, c.description,
                                     json.dumps(c.model_dump(mode="json", by_alias=True)["condition"]),
                                     c.confidence, c.note])
        for d in x.deadlines:
            _put(ws_by["Deadlines"], [x.ref, d.id, d.label, d.due, x.agency_tz, d.done_on])
        for a in x.applications:
            _put(ws_by["Applications"], [x.ref, a.number, a.status, a.submitted, a.decided, ", ".join(a.items),
                                         a.destination, a.quantity, a.value_usd, a.note])
        for chk in service.verify_attachments(x.ref):
            a = chk.attachment
            _put(ws_by["Attachments"], [x.ref, a.file_name, a.sha256, a.size, a.added_utc,
                                        "ok" if chk.ok else chk.problem])
        for h in service.history(x.ref):
            _put(ws_by["History"], [x.ref, h.seq, h.ts_utc, h.actor, h.action,
                                    json.dumps(h.before, ensure_ascii=False) if h.before is not None else None,
                                    _fits(json.dumps(h.after, ensure_ascii=False), h.seq) if h.after is not None else None])
    from workbench.store.products import load_specs

    specs = load_specs(service.conn)
    for c in compile_letters([x for x in letters if x.is_open]):
        for spec in specs:
            cov = coverage(c, spec)
            if cov.result != NOT_MET:
                _put(ws_by["Affected"], [c.letter.ref, spec.part_number,
                                         "covered" if cov.result == "met" else "may be covered",
                                         "; ".join(cov.matched), ", ".join(cov.missing)])
    seq, digest = head(service.conn)
    wb.properties.description = f"audit head seq {seq} sha256 {digest}"
    for ws in ws_by.values():
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, *(len(str(c.value or ""))
                                                                                for c in col[:50])))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out
