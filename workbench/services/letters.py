"""The is-informed letter tracker: named operations the GUI and the CLI call.

Every write is one ``write_transaction`` holding the change and its audit row; each successful
write then notifies the subscribers once (``subscribe(callback)``; callback(action, ref)), which
the GUI can turn into a Qt signal. Reads return engine objects (``Letter``, ``LetterOverlay``,
``Dashboard``) or plain dataclasses. Nothing here imports Qt.

Attachment files are copied into ``attachments/`` beside the database under their SHA-256, and
read back only through :meth:`LetterService.attachment_path`, which verifies the hash first.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
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
from workbench.store import write_transaction
from workbench.store import letters as repo
from workbench.store.letters import Attachment, HistoryEntry, LetterStoreError
from workbench.services.letter_files import (SAMPLE_FILE, AttachmentCheck, LetterInputError, copy_in, load_letter_file, parse_letter_json, sample_letter, sha256_file)

_SAMPLE_KEY = "sample_letter"


Listener = Callable[[str, str], None]


class LetterService:
    """Letters of one catalog database. ``countries`` is the bundled CountryTable."""

    def __init__(self, conn: sqlite3.Connection, countries: CountryTable, *, actor: Optional[str] = None,
                 changes=None):
        self.conn, self.countries, self.actor = conn, countries, actor
        self.changes = changes  # a workbench.services.changes.ChangePublisher told of every write, or None
        self._listeners: list[Listener] = []

    # events
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _changed(self, action: str, ref: str) -> None:
        for listener in list(self._listeners):
            listener(action, ref)
        if self.changes is not None:
            self.changes.publish("letters", (ref,))

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
        data = letter if isinstance(letter, dict) else letter.to_json()  # the file's checks for every letter
        letter = parse_letter_json(json.dumps(data, default=str), "letter")[0]
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

    def withdraw_in_error(self, ref: str, on: date, reason: str) -> Letter:
        """Withdraw a letter recorded by mistake, from any status, with the reason in the audit log;
        from then on it binds nothing. A blank reason is refused (TransitionRefused)."""
        from workbench.engine.letters import RECORDED_IN_ERROR

        return self.set_status(ref, RECORDED_IN_ERROR, on, (reason or "").strip() or None)

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

    def dashboard(self, now: datetime, user_tz: str = "UTC", horizon_days: int = 30,
                  specs: Optional[Sequence[ProductSpec]] = None) -> Dashboard:
        """Deadlines due and overdue as of ``now`` (the caller's clock), letters by status, affected products."""
        from workbench.store.products import load_specs

        return dashboard(self.list(), load_specs(self.conn) if specs is None else specs, now, user_tz, horizon_days)

    def export_xlsx(self, out: Path) -> Path:
        from workbench.services.letters_export import export_letters_xlsx

        return export_letters_xlsx(self, Path(out))


def _is_demo_catalog(conn: sqlite3.Connection) -> bool:
    """The demo catalog (workbench.services.catalog.is_demo_catalog: the kind recorded at creation)."""
    from workbench.services.catalog import is_demo_catalog

    return is_demo_catalog(conn)


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
