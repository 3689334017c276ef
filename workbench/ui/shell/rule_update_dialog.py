"""Help > Apply rule update…: check a signed rules bundle, show what it changes, adopt it.

The bundle is verified and its impact on the catalog computed on a worker (signature, manifest,
schema, then every product under every changed regime for the toolbar's destination). The dialog
then shows the signer, sequence and dates and a table of the products whose classification or
licence position changes, before -> after. Adopt asks once more, installs the bundle (one audit
entry) and points the open window at the new rules; Cancel changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.ui.support.i18n import tr

if TYPE_CHECKING:
    from workbench.services.rule_updates import Impact, VerifiedBundle
    from workbench.ui.shell.session import Session
    from workbench.ui.shell.tasks import TaskRunner


def check_bundle(session: Session, path: Path) -> tuple[VerifiedBundle, Impact]:
    """Verify ``path`` and compute its impact on the catalog (runs on a worker thread)."""
    from workbench.services.catalog import catalog_specs
    from workbench.services.rule_updates import impact, verify_bundle

    verified = verify_bundle(path)
    conn = session.services.open_reader()
    try:
        specs = catalog_specs(conn)
    finally:
        conn.close()
    return verified, impact(session.services.library, verified.library, specs, session.destination,
                            today=session.services.clock.today())


class RuleUpdateDialog(QDialog):
    """Signer, sequence, dates and the impact table; Adopt (with a confirmation) or Cancel."""

    def __init__(self, session: Session, verified: VerifiedBundle, result: Impact, parent: Optional[QWidget] = None,
                 confirm: bool = True):
        super().__init__(parent)
        self.session, self.verified, self.result, self.confirm = session, verified, result, confirm
        self.adopted = None  # the InstalledBundle once adopted
        self.setWindowTitle(tr("Apply rule update"))
        self.resize(1040, 620)
        m, bundle = verified.bundle.manifest, verified.bundle
        form = QFormLayout()
        form.addRow(tr("File"), QLabel(str(bundle.path)))
        form.addRow(tr("Signature"), QLabel(tr("valid, signed by key %1").replace("%1", verified.signer)))
        form.addRow(tr("Sequence"), QLabel(tr("%1 (installed: %2)").replace("%1", str(m.sequence))
                                           .replace("%2", str(verified.installed_sequence))))
        form.addRow(tr("Created"), QLabel(m.created.strftime("%Y-%m-%d %H:%M UTC")))
        form.addRow(tr("Rules current to"), QLabel(m.rules_current_to.isoformat()))
        if m.notes:
            notes = QLabel(m.notes)
            notes.setWordWrap(True)
            form.addRow(tr("Notes"), notes)
        sha = QLabel(bundle.sha256)
        sha.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("SHA-256", sha)

        where = result.destination or tr("no destination")
        self.summary = QLabel(tr("%1 of %2 catalog products change (destination: %3)")
                              .replace("%1", str(len(result.flipped_products))).replace("%2", str(result.products))
                              .replace("%3", where))
        self.summary.setStyleSheet("font-weight: bold;")
        extra = []
        if result.regimes_added:
            extra.append(tr("Regimes added: %1").replace("%1", ", ".join(result.regimes_added)))
        if result.regimes_removed:
            extra.append(tr("Regimes removed: %1").replace("%1", ", ".join(result.regimes_removed)))
        if result.regimes_changed:
            extra.append(tr("Regimes changed: %1").replace("%1", ", ".join(result.regimes_changed)))
        self.regimes_note = QLabel("\n".join(extra))
        self.regimes_note.setVisible(bool(extra))

        self.table = QTableWidget(len(result.rows), 4)
        self.table.setHorizontalHeaderLabels([tr("Part number"), tr("Regime"), tr("Before"), tr("After")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        from workbench.ui.support import engine_text as et  # positions in the window's language, as in Compare

        for row, item in enumerate(result.rows):
            for col, value in enumerate((item.part_number, item.regime, et.position(item.before),
                                         et.position(item.after))):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

        buttons = QDialogButtonBox()
        self.adopt_button = QPushButton(tr("Adopt"))
        self.adopt_button.setDefault(False)
        buttons.addButton(self.adopt_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Cancel"))
        cancel.setDefault(True)
        self.adopt_button.clicked.connect(self.adopt)
        buttons.rejected.connect(self.reject)
        read_only = getattr(session.services, "read_only_reason", None)
        if read_only:
            self.adopt_button.setEnabled(False)
            self.adopt_button.setToolTip(tr("The catalog is read-only: the update cannot be recorded"))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.regimes_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def adopt(self) -> None:
        from workbench.errors import WorkbenchError
        from workbench.services.rule_updates import install

        sequence = self.verified.sequence
        if self.confirm:
            answer = QMessageBox.question(
                self, tr("Adopt rule update"),
                tr("Adopt signed rule bundle %1? Every determination will use it from now on; "
                   "`workbench update rollback` returns to the rules in use now.").replace("%1", str(sequence)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        services = self.session.services
        try:
            self.adopted = install(self.verified, services.conn, services.db_path, services.clock)
        except WorkbenchError as exc:
            QMessageBox.warning(self, tr("Rule update not adopted"), str(exc))
            return
        use_new_rules(self.session)
        self.accept()


def use_new_rules(session: Session) -> None:
    """Point the open window at the rules now installed: the app reads them into a fresh library
    and announces it (AppServices.reload_rules); the session then selects the same regime by id
    (its new version) and classifies again, and every screen re-reads the rules, the "rules
    current to" label included."""
    session.services.reload_rules()


def apply_rule_update(parent: QWidget, session: Session, runner: TaskRunner, path: Optional[Path] = None) -> None:
    """Help > Apply rule update…: pick the bundle, check it on a worker, then show the dialog."""
    if path is None:
        name, _ = QFileDialog.getOpenFileName(parent, tr("Apply rule update"), "",
                                              tr("Signed rule bundles (*.zip)"))
        if not name:
            return
        path = Path(name)

    def done(found) -> None:
        RuleUpdateDialog(session, *found, parent=parent).exec()

    def failed(exc: BaseException, text: str) -> None:
        QMessageBox.warning(parent, tr("Rule update refused"), str(exc))

    runner.start("rule-update", lambda ctx: check_bundle(session, path), on_done=done, on_failed=failed)
