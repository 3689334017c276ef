"""Import products from an .xlsx/.csv (menu or drag and drop) in two steps: the column mapping,
then a preview of the rows as they will be written; nothing is written until Import is pressed.

The file is parsed in a child process with a memory limit (services.import_isolated), so a
native abort in the xlsx reader cannot take the window down. The mapping shows each source
column with sample values and a field chooser pre-filled by recognition; a mapping can be saved
as a named profile (in the catalog's folder) and is offered again for a file with the same
headers. The preview lists added, changed (old → new) and unchanged products, each cell's note
or problem in the cell (colour and tooltip), with a "problems only" filter. The write is bound
to the preview: the file's SHA-256 and the plan's fingerprint must match, or nothing is written.
Both steps show progress and can be cancelled; a cancelled write rolls back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QProgressBar, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.services.changes import CATALOG
from workbench.ui.support.i18n import tr
from workbench.ui.catalog.import_text import localise
from workbench.ui.shell.session import Session
from workbench.ui.shell.tasks import Cancelled, JobContext, TaskHandle, TaskRunner

_PROBLEM = re.compile(r"^(?P<file>[^:]*):(?P<sheet>[^!:]*)!(?P<cell>[A-Z]+[0-9]+): (?P<msg>.*)$")
_CELL = re.compile(r"^([A-Z]+)([0-9]+)$")
NOTE_COLOUR, PROBLEM_COLOUR, ADDED_COLOUR, CHANGED_COLOUR = "#fff4c2", "#f8c9c4", "#dff3df", "#dde8f8"
IGNORE = "ignore"


def split_problem(line: str) -> tuple[str, str]:
    """'FILE:SHEET!CELL: message' -> ('SHEET!CELL', 'message'); other lines -> ('', line)."""
    m = _PROBLEM.match(line)
    return (f"{m['sheet']}!{m['cell']}", m["msg"]) if m else ("", line)


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class ImportDialog(QDialog):
    """Signals: previewReady(), importFinished(plan), importCancelled(), importFailed(problems)."""

    previewReady = Signal()
    importFinished = Signal(object)
    importCancelled = Signal()
    importFailed = Signal(list)

    def __init__(self, session: Session, runner: TaskRunner, path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Import products") + f" — {path.name}")
        self.resize(1100, 640)
        self.session, self.runner, self.path = session, runner, path
        self.job: Optional[TaskHandle] = None
        self.plan = None
        self.columns: list = []
        self.choices: dict[str, Optional[str]] = {}
        self.profile_name: Optional[str] = None
        self.profiles_folder = Path(getattr(session.services, "db_path", ".") or ".").resolve().parent
        self.caption = QLabel(tr("Reading and checking %1…").replace("%1", str(path)))
        self.caption.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)

        self.mapping = QTableWidget(0, 4)
        self.mapping.setHorizontalHeaderLabels([tr("Column in the file"), tr("Sample values"), tr("Template field"),
                                                tr("Recognised as")])
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.apply_button = QPushButton(tr("Apply mapping and preview again"))
        self.save_profile_button = QPushButton(tr("Save mapping as profile…"))
        self.apply_button.setEnabled(False)
        self.save_profile_button.setEnabled(False)
        mapping_box = QWidget()
        mv = QVBoxLayout(mapping_box)
        mv.setContentsMargins(0, 0, 0, 0)
        mv.addWidget(QLabel(tr("Step 1 — columns: check what each column of the file becomes")))
        mv.addWidget(self.mapping, 1)
        mb = QHBoxLayout()
        mb.addWidget(self.apply_button)
        mb.addWidget(self.save_profile_button)
        mb.addStretch(1)
        mv.addLayout(mb)

        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().setVisible(False)
        self.problems_only = QCheckBox(tr("Problems only"))
        self.similar = "ask"
        self.similar_box = QComboBox()
        self.similar_box.addItem(tr("Near-duplicates: choose…"), "ask")
        self.similar_box.addItem(tr("Near-duplicates: update the catalog's product"), "update")
        self.similar_box.addItem(tr("Near-duplicates: add as new products"), "add")
        self.similar_box.setVisible(False)
        preview_box = QWidget()
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(0, 0, 0, 0)
        ph = QHBoxLayout()
        ph.addWidget(QLabel(tr("Step 2 — preview: the rows as they will be written")))
        ph.addStretch(1)
        ph.addWidget(self.similar_box)
        ph.addWidget(self.problems_only)
        pv.addLayout(ph)
        pv.addWidget(self.table, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(mapping_box)
        splitter.addWidget(preview_box)
        splitter.setSizes([330, 300])
        self.cancel_button = QPushButton(tr("Cancel"))
        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setEnabled(False)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.progress)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.cancel)
        self.apply_button.clicked.connect(self.apply_mapping)
        self.save_profile_button.clicked.connect(self.save_profile)
        self.problems_only.toggled.connect(self._filter)
        self.similar_box.activated.connect(lambda _i: self.choose_similar(self.similar_box.currentData()))

    # step 1: read (child process), map, preview ------------------------------------------
    def choose_similar(self, how: str) -> TaskHandle:
        """How near-duplicate part numbers are written: "update" the catalog's product or "add" new."""
        self.similar = how
        self.similar_box.setCurrentIndex(max(0, self.similar_box.findData(how)))
        self.plan = None
        return self.start(self.choices or None, first=False)

    def start(self, choices: Optional[dict] = None, first: bool = True) -> TaskHandle:
        services, path, similar = self.session.services, self.path, self.similar
        folder = self.profiles_folder
        self.confirm_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)

        def job(ctx: JobContext):
            from workbench.services.import_isolated import read_products_isolated
            from workbench.services.import_products import ImportFailed, plan_changes
            from workbench.services.import_profiles import profile_for
            ctx.progress(0, 0, "read")

            def parse(use):
                try:
                    return read_products_isolated(path, choices=use, check=ctx.check)
                except ImportFailed as exc:
                    return exc

            before = _sha256(path)
            use, profile = choices, None
            got = parse(use)
            if first and choices is None:
                found = profile_for(folder, [c.header for c in got.columns]) if got.columns else None
                if found:
                    profile, use = found
                    got = parse(use)
            if _sha256(path) != before:
                return ("failed", [f"{path.name}: the file changed while it was being read (expected a file that "
                                   "is not being saved: preview it again)"], [], got.columns, profile, use)
            if isinstance(got, ImportFailed):
                return ("failed", got.problems, got.notes, got.columns, profile, use)
            parsed = got
            ctx.check()
            from workbench.services.import_cost import missing_cost

            conn = services.open_reader()
            try:
                plan, _batch = plan_changes(conn, parsed, before, similar=similar)
                ctx.progress(0, 0, "cost")
                plan.cost = missing_cost(conn, plan, parsed, services.clock.today())
            finally:
                conn.close()
            return ("plan", plan, parsed, profile, use)

        self.job = self.runner.start("import preview", job, on_done=self._previewed, on_failed=self._crashed,
                                     on_cancelled=self._cancelled)
        return self.job

    def _previewed(self, result) -> None:
        self._idle()
        if result[0] == "failed":
            problems, notes, columns, profile = result[1], result[2], result[3], result[4]
            self.choices = result[5] if len(result) > 5 else self.choices
            self._fill_mapping(columns, profile)
            self.caption.setText(tr("%1 problems: nothing can be imported until they are fixed.")
                                 .replace("%1", str(len(problems)))
                                 + ("\n" + "\n".join(localise(n) for n in notes[:6]) if notes else ""))
            self._fill([tr("Cell"), tr("Problem"), ""], [(cell, localise(msg), "") for cell, msg in map(split_problem, problems)],
                       colour=PROBLEM_COLOUR)
            self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            self.importFailed.emit(problems)
            return
        plan, parsed, profile, self.choices = result[1], result[2], result[3], result[4]
        self._fill_mapping(plan.column_plans, profile)
        self.similar_box.setVisible(bool(plan.similar))
        self.plan = plan
        self._fill_preview(plan, parsed)
        text = (tr("%1 new, %2 changed, %3 unchanged products. Nothing is written until you press Import.")
                .replace("%1", str(len(plan.added))).replace("%2", str(len(plan.changed)))
                .replace("%3", str(len(plan.unchanged))))
        if profile:
            text += "\n" + tr("Mapping profile '%1' applied (same headers).").replace("%1", profile)
        if plan.similar and self.similar == "ask":
            text += "\n" + "\n".join(tr("%1 matches the catalog's %2: update %2, or add it as new? (left out until you "
                                         "choose)").replace("%1", s.part).replace("%2", s.existing)
                                      for s in plan.similar[:5])
        for line in plan.cost[:3]:
            text += "\n" + tr("Missing columns: %1").replace("%1", line)
        notes = [n for n in plan.notes if not _PROBLEM.match(n)]
        self.caption.setText(text + ("\n" + "\n".join(localise(n) for n in notes[:4]) if notes else ""))
        self.confirm_button.setEnabled(bool(plan.added or plan.changed) and not (plan.similar and self.similar == "ask"))
        self.previewReady.emit()

    def _fill_mapping(self, columns: list, profile: Optional[str]) -> None:
        from workbench.engine.spec import TEMPLATE_FIELDS

        self.columns = list(columns)
        self.profile_name = profile
        self.mapping.setRowCount(len(self.columns))
        how = {"mapped": tr("recognised (%1)"), "chosen": tr("as you chose"), "ignored": tr("ignored"),
               "foreign": tr("not in the template"), "blocking": tr("probably %1: map it?"),
               "refused": tr("unit does not fit: choose a field or ignore")}
        confidence = {"exact": tr("exact"), "alias": tr("alias"), "probable": tr("probable"), "none": tr("none")}
        for r, c in enumerate(self.columns):
            self.mapping.setItem(r, 0, QTableWidgetItem(c.header))
            self.mapping.setItem(r, 1, QTableWidgetItem(", ".join(c.samples)))
            box = QComboBox()
            box.addItem(tr("ignore"), IGNORE)
            for f in TEMPLATE_FIELDS:
                box.addItem(f, f)
            chosen = c.field or (c.suggestion if c.status in ("blocking", "refused") else None)
            box.setCurrentIndex(max(0, box.findData(chosen or IGNORE)))
            self.mapping.setCellWidget(r, 2, box)
            text = how.get(c.status, c.status).replace("%1", confidence.get(c.confidence, c.confidence)
                                                       if c.status == "mapped" else (c.suggestion or "?"))
            detail = localise(c.message if c.status in ("blocking", "refused") or (c.status == "ignored" and c.match.sparse)
                              else c.note or "")
            shown = detail if c.status in ("blocking", "refused") and detail else \
                text + (f" — {detail}" if detail else "")
            item = QTableWidgetItem(shown)
            item.setToolTip(detail or text)
            if c.status in ("blocking", "refused"):
                item.setBackground(QBrush(QColor(PROBLEM_COLOUR)))
            elif c.note:
                item.setBackground(QBrush(QColor(NOTE_COLOUR)))
            self.mapping.setItem(r, 3, item)
        self.mapping.resizeColumnsToContents()
        self.mapping.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.apply_button.setEnabled(bool(self.columns))
        self.save_profile_button.setEnabled(bool(self.columns))

    def chosen(self) -> dict[str, Optional[str]]:
        """The mapping as the user set it: {clean header: field or None}."""
        from workbench.io.mapping import choice_key

        out: dict[str, Optional[str]] = {}
        for r, c in enumerate(self.columns):
            box = self.mapping.cellWidget(r, 2)
            value = box.currentData() if box is not None else IGNORE
            field = None if value == IGNORE else value
            by_user = c.status == "chosen" or (c.status == "ignored" and not c.match.sparse)
            waiting = c.status in ("blocking", "refused")  # applying accepts what the chooser shows
            if by_user or waiting or field != c.field:
                out[choice_key(c.header)] = field  # only what the user decided; recognition keeps the rest
        return out

    def set_field(self, header: str, field: Optional[str]) -> None:
        """Choose the field of one column (as a user does with the chooser)."""
        for r, c in enumerate(self.columns):
            if c.header == header:
                box = self.mapping.cellWidget(r, 2)
                box.setCurrentIndex(box.findData(field or IGNORE))

    def apply_mapping(self) -> TaskHandle:
        self.choices = self.chosen()
        self.plan = None
        self.caption.setText(tr("Reading and checking %1…").replace("%1", str(self.path)))
        return self.start(self.choices, first=False)

    def save_profile(self, name: Optional[str] = None) -> None:
        from workbench.services.import_profiles import save_profile

        if name is None:
            name, ok = QInputDialog.getText(self, tr("Save mapping as profile"), tr("Profile name:"),
                                            text=self.profile_name or self.path.stem)
            if not ok or not name.strip():
                return
        save_profile(self.profiles_folder, name.strip(), [c.header for c in self.columns], self.chosen())
        self.profile_name = name.strip()
        self.caption.setText(tr("Mapping saved as profile '%1'; it is offered again for files with the same headers.")
                             .replace("%1", self.profile_name))

    def _fill_preview(self, plan, parsed) -> None:
        fields = [f for f in plan.columns if f != "part_number"]
        cell_notes: dict[tuple[int, str], str] = {}
        by_index = {c.index: c.field for c in plan.column_plans if c.field}
        for note in plan.notes:
            m = _PROBLEM.match(note)
            cm = _CELL.match(m["cell"]) if m else None
            if cm and _column_index(cm[1]) in by_index:
                cell_notes[(int(cm[2]), by_index[_column_index(cm[1])])] = localise(m["msg"])
        changed = dict(plan.changed)
        records = {r["part_number"]: r for r in parsed.records}
        rows: list[tuple[str, str, list[tuple[str, Optional[str], Optional[str]]]]] = []
        status = [(p, tr("add"), ADDED_COLOUR) for p in plan.added] + \
                 [(p, tr("change"), CHANGED_COLOUR) for p, _ in plan.changed] + \
                 [(p, tr("unchanged"), None) for p in plan.unchanged]
        reverse = {v: k for k, v in plan.matched.items()}
        for part, what, colour in status:
            src = reverse.get(part, part)
            rec = records.get(src, {})
            row_no = parsed.rows.get(src)
            cells = []
            for f in fields:
                if part in changed and f in changed[part]:
                    old, new = changed[part][f]
                    text, bg = f"{_show(old) or '∅'} → {_show(new) or '∅'}", CHANGED_COLOUR
                else:
                    text, bg = _show(rec.get(f)), None
                note = cell_notes.get((row_no, f)) if row_no else None
                cells.append((text, NOTE_COLOUR if note else bg, note))
            rows.append((what, part, cells, colour))
        headers = [tr("What"), "part_number", *fields]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        self._problem_rows = set()
        for r, (what, part, cells, colour) in enumerate(rows):
            head = QTableWidgetItem(what)
            if colour:
                head.setBackground(QBrush(QColor(colour)))
            self.table.setItem(r, 0, head)
            self.table.setItem(r, 1, QTableWidgetItem(part))
            for c, (text, bg, note) in enumerate(cells, start=2):
                item = QTableWidgetItem(text)
                if bg:
                    item.setBackground(QBrush(QColor(bg)))
                if note:
                    item.setToolTip(note)
                    self._problem_rows.add(r)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._filter()

    def _filter(self) -> None:
        only = self.problems_only.isChecked()
        rows = getattr(self, "_problem_rows", None)
        for r in range(self.table.rowCount()):
            self.table.setRowHidden(r, bool(only and rows is not None and r not in rows))

    # step 2: write --------------------------------------------------------------------
    def confirm(self) -> TaskHandle:
        services, path, plan, choices = self.session.services, self.path, self.plan, self.choices or None
        similar = self.similar
        self.confirm_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.caption.setText(tr("Importing… (Cancel rolls everything back)"))

        def job(ctx: JobContext):
            from workbench.services.import_products import ImportFailed, import_products

            def progress(phase: str, done: int, total: int) -> None:
                ctx.check()  # raising here, inside the import's transaction, rolls it back
                ctx.progress(done, total, phase)

            conn = services.open_reader()
            try:
                done = import_products(conn, path, progress=progress, db_label=services.db_path, choices=choices,
                                       similar=similar,
                                       expect_sha256=plan.sha256 if plan else None,
                                       expect_fingerprint=plan.fingerprint() if plan else None)
            except ImportFailed as exc:
                return exc
            finally:
                conn.close()
            # Committed: every screen re-reads the catalog (the session loads a new snapshot). The
            # import service is shared with the command line, which needs no notice, so the app's
            # job announces it.
            services.changes.publish(CATALOG)
            return done

        self.job = self.runner.start("import", job, on_done=self._imported, on_failed=self._crashed,
                                     on_progress=self._progress, on_cancelled=self._cancelled)
        return self.job

    def _progress(self, done: int, total: int, _phase: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _imported(self, plan) -> None:
        self._idle()
        if isinstance(plan, Exception):
            from workbench.services.import_products import FileChanged

            self._previewed(("failed", plan.problems, plan.notes, plan.columns or self.columns, None, self.choices))
            if isinstance(plan, FileChanged):
                self.caption.setText(tr("The file or the catalog changed since the preview: nothing was written. "
                                        "Preview it again.") + "\n" + "\n".join(plan.problems))
            return
        self.caption.setText(tr("Imported: %1 added, %2 changed, %3 audit rows.")
                             .replace("%1", str(len(plan.added))).replace("%2", str(len(plan.changed)))
                             .replace("%3", str(plan.audit_rows)))
        self.cancel_button.setText(tr("Close"))
        self.importFinished.emit(plan)

    # common ---------------------------------------------------------------------------
    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.caption.setText(tr("Cancelling…"))
        else:
            self.reject()

    def _cancelled(self) -> None:
        self._idle()
        self.caption.setText(tr("Cancelled: nothing was imported."))
        self.cancel_button.setText(tr("Close"))
        self.importCancelled.emit()

    def _crashed(self, exc: BaseException, _text: str) -> None:
        self._idle()
        self.caption.setText(tr("Import failed: %1").replace("%1", f"{type(exc).__name__}: {exc}"))
        self.importFailed.emit([str(exc)])

    def _idle(self) -> None:
        self.progress.setVisible(False)

    def _fill(self, headers: list[str], rows: list[tuple], colour: Optional[str] = None) -> None:
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        self._problem_rows = set(range(len(rows)))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(str(text))
                if colour and c == 0:
                    item.setBackground(QBrush(QColor(colour)))
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(0)
        self.table.horizontalHeader().resizeSection(1, 260)
        self._filter()


def _sha256(path: Path) -> Optional[str]:
    from workbench.services.import_products import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return None


__all__ = ["ImportDialog", "split_problem", "Cancelled"]
