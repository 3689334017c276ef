"""The main window: regime and destination pickers, one tab per view, menus with shortcuts,
drag-and-drop import, remembered state (QSettings). It wires views to the Session; the views
do the work.

Start-up time (the catalog must be usable at once): only the catalog tab is built with the window. Every other tab is an
empty placeholder until it is first shown or its attribute (``window.product``, ...) is first
read; it is then imported, built, brought up to date with the session (selected product,
current classification) and put in the placeholder's place.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QComboBox, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QTabWidget,
                               QToolBar, QWidget)

from workbench.services.changes import RULES
from workbench.ui.catalog.catalog_view import CatalogView
from workbench.ui.support.i18n import tr
from workbench.ui.shell.report_actions import ReportActions
from workbench.ui.shell.session import Session
from workbench.ui.shell.tasks import TaskRunner
from workbench.ui.support.widgets import (destination_combo, fill_destination_combo, fill_regime_combo, placeholder_combo,
                                  regime_label_of, split_key)

if TYPE_CHECKING:
    from workbench.ui.compare.compare_view import CompareView
    from workbench.ui.deals.ledger_view import LedgerWidget
    from workbench.ui.deals.deals_tabs import DealsTab
    from workbench.ui.catalog.import_dialog import ImportDialog
    from workbench.ui.letters.letters_view import LettersView
    from workbench.ui.map.map_view import MapView
    from workbench.ui.product.product_view import ProductView
    from workbench.ui.catalog.proximity_view import ProximityView
    from workbench.ui.product.whatif_view import WhatIfView

TABS = ("catalog", "product", "compare", "proximity", "map", "whatif", "letters", "deals", "ledgers", "screening")
IMPORTABLE = (".xlsx", ".csv")


RECENT_KEY, RECENT_MAX = "catalog/recent", 8


def recent_catalogs(settings: QSettings) -> list[str]:
    """The catalogs opened lately, newest first (those still on disk)."""
    value = settings.value(RECENT_KEY, []) or []
    items = [value] if isinstance(value, str) else list(value)
    return [p for p in items if p and Path(p).exists()]


def remember_catalog(settings: QSettings, path: Path) -> None:
    """Make ``path`` the catalog opened next time and the first of the recent ones."""
    text = str(Path(path).resolve())
    settings.setValue("catalog/current", text)
    settings.setValue(RECENT_KEY, [text, *[p for p in recent_catalogs(settings) if p != text]][:RECENT_MAX])


def window_title(services) -> str:
    """The title bar names the catalog; the demo catalog says DEMO, so it is never taken for real data."""
    title = tr("Export-control compliance workbench")
    name = Path(services.db_path).name
    if getattr(services, "is_demo", False):
        return f"{tr('DEMO')} – {name} – {title}"
    return f"{name} – {title}"


def rules_freshness_text(today, folder: Optional[Path] = None) -> str:
    """'Rules current to 2026-07-14', in red with a warning when more than 90 days before ``today``
    (of the rules in ``folder``, default the rules folder in use)."""
    from workbench.services.manifest import STALE_AFTER_DAYS, rules_freshness

    fresh = rules_freshness(today, folder)
    if fresh.current_to is None:
        return "<span style='color:#b00020'>" + tr("Rules current to: not stated") + "</span>"
    text = tr("Rules current to %1").replace("%1", fresh.current_to.isoformat())
    if fresh.stale:
        text = "<span style='color:#b00020'>" + tr(
            "Rules current to %1 — %2 days ago, more than %3: check for newer rules before relying on a determination"
        ).replace("%1", fresh.current_to.isoformat()).replace("%2", str(fresh.days)).replace(
            "%3", str(STALE_AFTER_DAYS)) + "</span>"
    return text


class MainWindow(QMainWindow):
    """Signals: languageChangeRequested(lang); catalogOpenRequested(path) (File > New / Open / Open recent)."""

    languageChangeRequested = Signal(str)
    catalogOpenRequested = Signal(str)

    def __init__(self, session: Session, runner: TaskRunner, settings: QSettings, lang: str = "en"):
        super().__init__()
        self.session, self.runner, self.settings, self.lang = session, runner, settings, lang
        self.setWindowTitle(window_title(session.services))
        self.setAcceptDrops(True)
        self.undo = QUndoStack(self)
        self.regime = QComboBox()
        self.regime.setMinimumContentsLength(24)
        self.regime.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        ready = session.engine_ready
        self.destination = destination_combo(session.services.library.countries if ready else None,
                                             session.destination)
        bar = QToolBar(tr("Regime"))
        bar.setObjectName("regime-toolbar")
        bar.setMovable(False)
        bar.addWidget(QLabel(" " + tr("Regime") + " "))
        bar.addWidget(self.regime)
        bar.addWidget(QLabel("  " + tr("Destination") + " "))
        bar.addWidget(self.destination)
        self.regime_note = QLabel()
        bar.addWidget(self.regime_note)
        self.addToolBar(bar)

        self.catalog = CatalogView(session, runner)
        self._views: dict[str, QWidget] = {"catalog": self.catalog}
        self._near_pct: Optional[float] = None  # for the proximity tab, until it is built
        self.tabs = QTabWidget()
        for name in TABS:
            self.tabs.addTab(self.catalog if name == "catalog" else QWidget(), tab_title(name))
        self.tabs.currentChanged.connect(lambda i: self.view(TABS[i]))
        self.setCentralWidget(self.tabs)
        self._records_banner(session.services)  # read-only / sync-folder / modified-ruleset banner

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        self.status = QLabel(tr("Loading the catalog…"))
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.rules_freshness = QLabel(rules_freshness_text(session.services.clock.today(),
                                                           session.services.library.folder))
        self.rules_freshness.setObjectName("rules-freshness")
        self.statusBar().addPermanentWidget(self.rules_freshness)
        if getattr(session.services, "is_demo", False):  # also on screenshots, which have no title bar
            demo = QLabel(tr("DEMO catalog – not for compliance decisions"))
            demo.setObjectName("demo-marker")
            demo.setStyleSheet("QLabel { background: #b00020; color: white; font-weight: bold; padding: 1px 8px; }")
            self.statusBar().addPermanentWidget(demo)
        self._menus()

        # The regimes loaded so far (the selected one once the engine is ready); all of them on regimesChanged.
        if ready:
            self._engine_ready()
        else:
            rid = session.regime_id
            placeholder_combo(self.regime, regime_label_of(rid, session.services.library) if rid else "",
                              f"real:{rid}" if rid else None)
        session.engineReady.connect(self._engine_ready)
        self.regime.currentIndexChanged.connect(self._regime_picked)
        self.destination.currentIndexChanged.connect(lambda: session.set_destination(self.destination.currentData()))
        # A bound method, not a lambda: Qt drops the connection when the window is destroyed, so a
        # regime load finishing after a catalog switch or close cannot reach a deleted combo box.
        session.regimesChanged.connect(self._refill_regimes)
        session.regimeChanged.connect(self._regime_note)
        session.classifyProgress.connect(self._classify_progress)
        session.classified.connect(self._classified)
        session.catalogLoaded.connect(self._catalog_loaded)
        session.dataChanged.connect(self._data_changed)
        session.failed.connect(lambda msg: QMessageBox.warning(self, tr("Error"), msg))
        session.productSelected.connect(lambda part: self.catalog.select_part(part, emit=False))
        self.catalog.table.doubleClicked.connect(lambda _i: self.show_tab("product"))
        self.restore_state()

    def _data_changed(self, topic: str, _keys: tuple) -> None:
        if topic == RULES:  # a rule update adopted: the label follows the rules now in use
            services = self.session.services
            self.rules_freshness.setText(rules_freshness_text(services.clock.today(), services.library.folder))

    # tabs, built when first needed ----------------------------------------------------
    def view(self, name: str) -> QWidget:
        """The tab ``name``, built (and put in its placeholder's place) on first use."""
        if name not in self._views:
            _BUILDERS[name](self)
        return self._views[name]

    def _install(self, name: str, widget: QWidget) -> None:
        i = TABS.index(name)
        placeholder, current = self.tabs.widget(i), self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # the same tab stays current: nothing to announce
        try:
            self.tabs.removeTab(i)
            self.tabs.insertTab(i, widget, tab_title(name))
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        self._views[name] = widget

    def _build_product(self) -> None:
        from workbench.ui.product.product_view import ProductView

        product = ProductView(self.session, self.undo)
        self._install("product", product)
        if self.session.part:
            product.show_product(self.session.part)

    def _build_compare(self) -> None:
        from workbench.ui.compare.compare_view import CompareView

        self._install("compare", CompareView(self.session))

    def _build_proximity(self) -> None:
        from workbench.ui.catalog.proximity_view import ProximityView

        proximity = ProximityView(self.session)
        if self._near_pct is not None:
            proximity.pct.setValue(self._near_pct)
        self._install("proximity", proximity)  # it lists when shown (ProximityView.showEvent)

    def _build_map(self) -> None:
        from workbench.ui.map.map_view import MapView

        view = MapView(self.session)
        view.canvas.lineMoved.connect(lambda metric, old, new: self.whatif.move_line(metric, old, new))
        self._install("map", view)
        if self.session.current is not None:
            view._classified(self.session.current)  # drawn now if shown, else when shown

    def _build_whatif(self) -> None:
        from workbench.ui.product.whatif_view import WhatIfView

        self._install("whatif", WhatIfView(self.session))

    def _build_letters(self) -> None:
        from workbench.ui.letters.letters_view import LettersView

        self._install("letters", LettersView(self.session))

    def _build_deals(self) -> None:
        from workbench.ui.deals.deals_tabs import deals_tabs

        deals, ledgers = deals_tabs(self.session, self.runner)  # deals (list + editor) and ledgers
        self._install("deals", deals)
        self._install("ledgers", ledgers)

    product: ProductView = property(lambda self: self.view("product"))  # type: ignore[assignment]
    compare: CompareView = property(lambda self: self.view("compare"))  # type: ignore[assignment]
    proximity: ProximityView = property(lambda self: self.view("proximity"))  # type: ignore[assignment]
    map: MapView = property(lambda self: self.view("map"))  # type: ignore[assignment]
    whatif: WhatIfView = property(lambda self: self.view("whatif"))  # type: ignore[assignment]
    letters: LettersView = property(lambda self: self.view("letters"))  # type: ignore[assignment]
    deals: DealsTab = property(lambda self: self.view("deals"))  # type: ignore[assignment]
    ledgers: LedgerWidget = property(lambda self: self.view("ledgers"))  # type: ignore[assignment]

    def _records_banner(self, services) -> None:
        """One banner above the tabs when the catalog needs attention (workbench.services.catalog_banner:
        read-only, a sync/network folder, a failed audit check, a modified ruleset), so the officer
        knows before trusting or editing anything. Nothing is shown for a healthy start."""
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        from workbench.services.catalog_banner import banner_lines

        lines = banner_lines(services.db_path, audit_problem=getattr(services, "audit_problem", None),
                             read_only_reason=getattr(services, "read_only_reason", None),
                             sync_warning=getattr(services, "sync_warning", None),
                             modified=getattr(services.library, "modified", ()))
        self.banner = QLabel("\n".join(lines))
        self.banner.setObjectName("records-banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 6px; "
                                  "border-bottom: 1px solid #e0c36a; }")
        self.banner.setVisible(bool(lines))
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(holder)

    # menus and shortcuts --------------------------------------------------------------
    def _action(self, menu, text: str, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _menus(self) -> None:
        m = self.menuBar().addMenu(tr("&File"))
        self.new_catalog_action = self._action(m, tr("&New catalog…"), QKeySequence.StandardKey.New, self.new_catalog)
        self.open_catalog_action = self._action(m, tr("&Open catalog…"), QKeySequence.StandardKey.Open,
                                                self.open_catalog)
        self.recent_menu = m.addMenu(tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        m.addSeparator()
        self.import_action = self._action(m, tr("Import products…"), "Ctrl+I", lambda: self.import_file())
        self.reports = ReportActions(self)  # memo and workbook off the UI thread
        self.memo_action = self._action(m, tr("Write memo for selection…"), "Ctrl+M", lambda: self.reports.write_memo())
        m.addAction(self.reports.history_action)
        self.workbook_action = self._action(m, tr("Export workbook…"), "Ctrl+E", lambda: self.reports.export_workbook())
        self._action(m, tr("Export comparison (CSV)…"), "Ctrl+Alt+E", lambda: self.compare.export())
        self._action(m, tr("Export map (PNG)…"), "Ctrl+Shift+E", lambda: self.map.export_png())
        m.addSeparator()
        self.add_letter_action = self._action(m, tr("Add letter from JSON…"), None, lambda: self.letters.add_from_json())
        self.close_letter_action = self._action(m, tr("Close letter"), None,
                                                lambda: (self.show_tab("letters"), self.letters.close_selected()))
        m.addSeparator()
        self._action(m, tr("Quit"), QKeySequence.StandardKey.Quit, self.close)
        m = self.menuBar().addMenu(tr("&Edit"))
        undo = self.undo.createUndoAction(self, tr("Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo.createRedoAction(self, tr("Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        m.addAction(undo)
        m.addAction(redo)
        self._action(m, tr("Find product"), QKeySequence.StandardKey.Find, self._find)
        m = self.menuBar().addMenu(tr("&View"))
        for k, name in enumerate(TABS):
            self._action(m, tab_title(name), f"Ctrl+{k + 1}", lambda _=False, k=k: self.tabs.setCurrentIndex(k))
        self._action(m, tr("Run comparison"), "Ctrl+R", lambda: (self.show_tab("compare"), self.compare.run()))
        m = self.menuBar().addMenu(tr("&Settings"))
        self._action(m, tr("Preferences…"), "Ctrl+,", self.open_settings)
        m = self.menuBar().addMenu(tr("&Help"))
        self.rule_update_action = self._action(m, tr("Apply rule update…"), None, self.apply_rule_update)
        self._action(m, tr("About"), "F1", self.about)

    # catalogs: File > New catalog…, Open catalog…, Open recent --------------------------
    def new_catalog(self, exec_dialog: bool = True):
        """Ask for a name and folder, make an empty company catalog there, and open it."""
        from workbench.ui.shell.first_start import CatalogChoiceDialog

        dialog = CatalogChoiceDialog(Path(self.session.services.db_path).parent, first_start=False, parent=self)
        if not exec_dialog:
            return dialog
        if dialog.exec() and dialog.path is not None:
            from workbench.errors import WorkbenchError
            from workbench.services.catalog import create_catalog

            try:
                create_catalog(dialog.path)
            except WorkbenchError as exc:
                QMessageBox.warning(self, tr("Error"), str(exc))
                return dialog
            self.catalogOpenRequested.emit(str(dialog.path))
        return dialog

    def open_catalog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open catalog"), str(Path(self.session.services.db_path).parent),
                                              tr("Workbench catalogs (*.sqlite3 *.db);;All files (*)"))
        if path:
            self.catalogOpenRequested.emit(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        current = str(Path(self.session.services.db_path).resolve())
        items = [p for p in recent_catalogs(self.settings) if p != current]
        for k, path in enumerate(items):
            action = self.recent_menu.addAction(f"&{k + 1} {path}" if k < 9 else path)
            action.triggered.connect(lambda _=False, p=path: self.catalogOpenRequested.emit(p))
        if not items:
            none = self.recent_menu.addAction(tr("(no other catalogs yet)"))
            none.setEnabled(False)

    def apply_rule_update(self) -> None:
        from workbench.ui.shell.rule_update_dialog import apply_rule_update

        apply_rule_update(self, self.session, self.runner)

    def about(self) -> None:
        from workbench.ui.shell.dialogs import AboutDialog

        AboutDialog(self.session.services, self).exec()

    def _find(self) -> None:
        self.show_tab("catalog")
        self.catalog.search.setFocus()
        self.catalog.search.selectAll()

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(name))

    # regime ---------------------------------------------------------------------------
    def _regime_picked(self) -> None:
        data = self.regime.currentData()
        if data:
            self.session.set_regime(self.session.services.regime(*split_key(data)))

    def _regime_note(self) -> None:
        r = self.session.regime
        if r.draft:
            self.regime_note.setText("  " + tr("DRAFT: a what-if copy, not a real regime"))
            self.regime_note.setStyleSheet("color: #8a5a00; font-weight: bold;")
        else:
            note = tr(r.regime.status) + ("" if r.regime.enforced else ", " + tr("not enforced"))
            self.regime_note.setText(f"  {note}")
            self.regime_note.setStyleSheet("")
        self.regime.setToolTip(r.regime.title)

    def _engine_ready(self) -> None:
        """The selected regime is loaded: fill the pickers (until now one disabled item each)."""
        session = self.session
        fill_regime_combo(self.regime, session.services.loaded_regimes(), session.regime)
        self.regime.setEnabled(True)
        fill_destination_combo(self.destination, session.services.library.countries, session.destination)
        # sized to the placeholder when first shown: now to the country names, as when built filled
        self.destination.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._regime_note()

    def _catalog_loaded(self) -> None:
        session = self.session
        self.status.setText(tr("%1 products in %2").replace("%1", f"{len(session.snapshot):,}")
                            .replace("%2", str(session.services.db_path)))
        if session.current is None and len(session.snapshot):  # the figures follow (progress from the job)
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat(tr("Classifying…"))
            self.progress.setVisible(True)

    def _classify_progress(self, done: int, total: int) -> None:
        self.progress.setVisible(done < total)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(tr("Classifying %p%"))

    def _classified(self, cls) -> None:
        self.progress.setVisible(False)

    # import ---------------------------------------------------------------------------
    def import_file(self, path: Optional[Path] = None, exec_dialog: bool = True) -> Optional[ImportDialog]:
        from workbench.ui.catalog.import_dialog import ImportDialog

        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, tr("Import products"), "", tr("Product sheets (*.xlsx *.csv)"))
            if not name:
                return None
            path = Path(name)
        dialog = ImportDialog(self.session, self.runner, path, self)
        dialog.start()
        if exec_dialog:
            dialog.open()
        return dialog

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() and u.toLocalFile().lower().endswith(IMPORTABLE) for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = event.mimeData().urls()
        if urls:
            self.import_file(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    # settings -------------------------------------------------------------------------
    def open_settings(self) -> None:
        from workbench.ui.shell.dialogs import SettingsDialog

        dialog = SettingsDialog(self.lang, self.catalog.near_pct.value(), self)
        if dialog.exec():
            self._set_near_pct(dialog.near_pct.value())
            lang = dialog.language.currentData()
            if lang != self.lang:
                self.settings.setValue("language", lang)
                self.languageChangeRequested.emit(lang)

    def restore_state(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(*first_start_size(self))
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        near = s.value("near_pct")
        if near is not None:
            try:
                self._set_near_pct(float(near))
            except (TypeError, ValueError):
                pass
        tab = s.value("window/tab")
        if tab in TABS:
            self.show_tab(tab)

    def _set_near_pct(self, pct: float) -> None:
        """The "near a line" percentage of the catalog and proximity tabs."""
        self.catalog.near_pct.setValue(pct)
        self._near_pct = pct
        if "proximity" in self._views:
            self.proximity.pct.setValue(pct)

    def save_state(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/tab", TABS[self.tabs.currentIndex()])
        session = self.session  # (no regime is loaded to save one: before the engine is ready, the id to load)
        s.setValue("regime", "" if session.engine_ready and session.regime.draft else (session.regime_id or ""))
        s.setValue("destination", self.session.destination or "")
        s.setValue("near_pct", self.catalog.near_pct.value())
        s.sync()

    def _refill_regimes(self) -> None:
        fill_regime_combo(self.regime, self.session.services.regimes(), self.session.regime)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_state()
        self.runner.cancel_all()
        super().closeEvent(event)


FIRST_START_SIZE = (1366, 768)


def first_start_size(window: QWidget) -> tuple[int, int]:
    """The window's size when no geometry was saved yet: 1366x768 (what the catalog's columns are
    laid out for), at most 90 % of the screen's available area. Qt's own default, from the size
    hints, was 928x347 under xvfb-run, which squashed the search box to a few letters."""
    screen = window.screen()
    if screen is None:
        return FIRST_START_SIZE
    area = screen.availableGeometry()
    return min(FIRST_START_SIZE[0], int(area.width() * 0.9)), min(FIRST_START_SIZE[1], int(area.height() * 0.9))


def tab_title(name: str) -> str:
    return {"catalog": tr("Catalog"), "product": tr("Product"), "compare": tr("Compare regimes"),
            "proximity": tr("Red-line proximity"), "map": tr("TPP × PD map"), "whatif": tr("What-if"),
            "letters": tr("Letters"), "deals": tr("Deals"), "ledgers": tr("Ledgers"), "screening": tr("Screening")}[name]


_BUILDERS: dict[str, Callable[[MainWindow], None]] = {
    "product": MainWindow._build_product, "compare": MainWindow._build_compare,
    "proximity": MainWindow._build_proximity, "map": MainWindow._build_map, "whatif": MainWindow._build_whatif,
    "letters": MainWindow._build_letters, "deals": MainWindow._build_deals, "ledgers": MainWindow._build_deals,
    "screening": lambda window: _build_screening(window),
}


def _build_screening(window: MainWindow) -> None:
    from workbench.ui.screening.screening_view import ScreeningView

    window._install("screening", ScreeningView(window.session))
