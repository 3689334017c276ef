"""Choosing a catalog in the desktop app: the first-start dialog (company catalog with a name and
a location, or the demo), File > New catalog / Open catalog / Open recent, DEMO in the title bar,
and withdrawing a letter recorded in error from the Letters tab (the reason asked, audited)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402

from test_ui_support import close_gui, make_gui  # noqa: E402,F401
from workbench.ui.shell.first_start import COMPANY, DEMO, CatalogChoiceDialog, catalog_file_for  # noqa: E402

SAMPLE = "SAMPLE-BIS-2025-04-09-H20"


@pytest.fixture
def gui(tmp_path, qtbot):
    """The app on a demo catalog; the window (replaced by catalog switches) is closed here."""
    from PySide6.QtWidgets import QApplication

    import shiboken6

    g = make_gui(tmp_path, qtbot, register=False)
    yield g
    g.window.close()
    shiboken6.delete(g._first_paint)  # no timer may start the engine once the runner is drained
    for _ in range(3):
        g.runner.cancel_all()
        g.runner.wait()
        QApplication.processEvents()  # the cancelled jobs' last signals reach their (live) session first
    close_gui(g)
    shiboken6.delete(g.window)


def test_catalog_file_names_keep_the_officers_words_but_no_path_characters(tmp_path):
    assert catalog_file_for("Acme 出口管制", tmp_path) == tmp_path / "Acme 出口管制.sqlite3"
    assert catalog_file_for("a/b:c", tmp_path) == tmp_path / "a_b_c.sqlite3"
    assert catalog_file_for("   ", tmp_path) is None


def test_first_start_dialog_offers_a_company_catalog_or_the_demo_by_keyboard(tmp_path, qtbot):
    dialog = CatalogChoiceDialog(tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.company.isChecked() and dialog.ok.isEnabled()
    assert dialog.company.text() == "&Create a company catalog" and dialog.demo.text() == "&Explore the demo catalog"
    dialog.name.setText("Acme export control")
    assert dialog.target.text() == str(tmp_path / "Acme export control.sqlite3")
    (tmp_path / "Taken.sqlite3").write_bytes(b"")
    dialog.name.setText("Taken")
    assert not dialog.ok.isEnabled() and "already there" in dialog.problem.text()  # nothing is replaced
    dialog.name.setText("")
    assert not dialog.ok.isEnabled()
    dialog.demo.setFocus()  # reached by Tab (the tab order follows the reading order), chosen by Space
    qtbot.keyClick(dialog.demo, Qt.Key.Key_Space)
    assert dialog.demo.isChecked() and dialog.ok.isEnabled() and not dialog.name.isEnabled()
    dialog._accept()
    assert dialog.choice == DEMO and dialog.path is None

    again = CatalogChoiceDialog(tmp_path)
    qtbot.addWidget(again)
    again.name.setText("Acme")
    again._accept()
    assert again.choice == COMPANY and again.path == tmp_path / "Acme.sqlite3"
    assert not again.path.exists()  # the dialog only chooses; the service makes the file


def test_the_demo_says_so_in_the_title_bar_and_a_company_catalog_does_not(gui, tmp_path, qtbot, monkeypatch):
    assert gui.services.is_demo and gui.window.windowTitle().startswith("DEMO – catalog.db")
    from workbench.services.catalog import create_catalog

    company = create_catalog(tmp_path / "Acme.sqlite3")
    assert gui.switch_catalog(str(company))
    assert not gui.services.is_demo and gui.window.windowTitle().startswith("Acme.sqlite3 – ")
    qtbot.waitUntil(lambda: gui.session.loaded, timeout=30000)
    assert gui.window.catalog.model.rowCount() == 0  # a company catalog starts empty
    recent = [a.text() for a in gui.window.recent_menu.actions()]
    assert any(str((tmp_path / "catalog.db").resolve()) in t for t in recent)  # Open recent: the demo


def test_file_new_catalog_makes_an_empty_company_catalog_and_opens_it(gui, tmp_path, qtbot, monkeypatch):
    actions = {a.text() for a in gui.window.menuBar().actions()[0].menu().actions()}
    assert {"&New catalog…", "&Open catalog…", "Open &recent"} <= actions
    dialog = gui.window.new_catalog(exec_dialog=False)
    assert dialog.demo.isHidden()  # File > New catalog: a company catalog only
    dialog.deleteLater()
    del dialog
    monkeypatch.setattr(CatalogChoiceDialog, "exec", lambda self: (self.name.setText("Newco"), self._accept(), 1)[2])
    gui.window.new_catalog()
    assert gui.services.db_path.name == "Newco.sqlite3" and not gui.services.is_demo
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "catalog.db"), ""))
    gui.window.open_catalog()
    assert gui.services.is_demo and gui.services.db_path == tmp_path / "catalog.db"


def test_opening_a_file_that_is_not_a_catalog_keeps_the_current_one(gui, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    window = gui.window
    assert not gui.switch_catalog(str(empty))
    assert gui.window is window and "empty (0 bytes)" in shown[0] and empty.read_bytes() == b""


def test_letters_tab_withdraws_a_letter_recorded_in_error_with_the_reason(gui, qtbot, monkeypatch):
    from workbench.ui.letters.letters_view import WithdrawDialog

    letters = gui.window.view("letters")
    dialog = WithdrawDialog(SAMPLE)
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()  # a reason is required
    dialog.reason.setText("  ")
    assert not dialog.ok.isEnabled()
    dialog.reason.setText("the demo's fictitious letter")
    assert dialog.ok.isEnabled()
    monkeypatch.setattr(WithdrawDialog, "exec", lambda self: 0)  # cancelled: nothing changes
    assert not letters.withdraw_selected(SAMPLE)
    assert letters.service.get(SAMPLE).status == "under_review"

    def confirm(self):
        self.reason.setText("the demo's fictitious letter")
        return 1
    monkeypatch.setattr(WithdrawDialog, "exec", confirm)
    assert letters.select_ref(SAMPLE) and letters.withdraw_selected()
    letter = letters.service.get(SAMPLE)
    assert letter.status == "recorded_in_error" and not letter.is_open
    last = letters.service.history(SAMPLE)[-1]
    assert last.after["reason"] == "the demo's fictitious letter"
    assert SAMPLE not in letters.strip.text()


def _gui_args(**over):
    from workbench.cli.gui import default_args

    args = default_args()
    for k, v in over.items():
        setattr(args, k, v)
    return args


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No WORKBENCH_DB, the user data folder and the settings file in tmp_path."""
    from workbench.cli import gui as cli_gui

    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(cli_gui, "_settings", lambda: settings)
    return settings


def test_first_start_asks_and_makes_only_the_chosen_catalog(tmp_path, qtbot, monkeypatch, isolated):
    from workbench.cli.gui import choose_catalog
    from workbench.services.catalog import default_demo_path, is_demo_catalog, open_existing_catalog

    assert choose_catalog(_gui_args(), interactive=False) is None  # nobody to ask: nothing is made
    monkeypatch.setattr(CatalogChoiceDialog, "exec", lambda self: 0)  # the officer closes the dialog
    assert choose_catalog(_gui_args(), interactive=True) is None
    assert not list(tmp_path.rglob("*.sqlite3"))

    def company(self):
        self.folder.setText(str(tmp_path / "work"))
        self.name.setText("Acme")
        self._accept()
        return 1
    monkeypatch.setattr(CatalogChoiceDialog, "exec", company)
    path = choose_catalog(_gui_args(), interactive=True)
    assert path == tmp_path / "work" / "Acme.sqlite3"
    conn = open_existing_catalog(path)
    try:
        assert not is_demo_catalog(conn) and conn.execute("SELECT count(*) FROM products").fetchone()[0] == 0
    finally:
        conn.close()

    def demo(self):
        self.demo.setChecked(True)
        self._accept()
        return 1
    monkeypatch.setattr(CatalogChoiceDialog, "exec", demo)
    assert choose_catalog(_gui_args(), interactive=True) == default_demo_path()
    assert default_demo_path().is_relative_to(tmp_path / "data")


def test_the_catalog_opened_last_time_opens_next_time(tmp_path, isolated):
    from workbench.cli.gui import choose_catalog
    from workbench.services.catalog import create_catalog
    from workbench.ui.shell.main_window import remember_catalog

    acme = create_catalog(tmp_path / "acme.sqlite3")
    remember_catalog(isolated, acme)
    assert choose_catalog(_gui_args(), interactive=False) == acme.resolve()
    assert choose_catalog(_gui_args(demo=True, db=str(tmp_path / "d.db")), interactive=False) == tmp_path / "d.db"
    assert (tmp_path / "d.db").exists()  # --demo makes the demo where asked, on request
