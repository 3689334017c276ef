"""Starting the GUI from AppServices: QApplication, translator, error hooks, the window; the
language switch (a fresh window and session sharing the loaded catalog and its cache); and the
offscreen ``--screenshot`` mode.

Start-up order (the catalog is usable before the engine loads): the window is built and the
catalog's rows are loaded and painted without the engine; once they are on screen the session
imports the engine and loads the selected regime on a worker (Session.start_engine), then
classifies; the other regimes load after that result is shown.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from workbench.app import AppServices
from workbench.ui.shell.errors import ErrorReporter
from workbench.ui.support.i18n import LanguageSwitch, tr
from workbench.ui.shell.main_window import TABS, MainWindow, remember_catalog
from workbench.ui.shell.session import Session
from workbench.ui.shell.tasks import TaskRunner

log = logging.getLogger("workbench.ui")
VIEWS = ("catalog", "product", "compare", "map", "proximity", "whatif")


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Export-control workbench")
    app.setOrganizationName("export-control-workbench")
    return app


class Gui:
    """Owns the runner, the session and the window; rebuilds the last two on a language switch."""

    def __init__(self, services: AppServices, settings: QSettings, lang: Optional[str] = None,
                 errors: Optional[ErrorReporter] = None):
        self.services, self.settings = services, settings
        # Jobs (classification, filter/sort) are Python on worker threads. With the default 5 ms
        # GIL switch interval every data() call the views make waits up to 5 ms for a busy worker
        # to let go (a convoy: a repaint makes hundreds of them); 1 ms keeps the UI thread's blocks
        # short (bench_gui measures them).
        sys.setswitchinterval(0.001)
        self.runner = TaskRunner()
        self.language = LanguageSwitch(services.cache_dir / "i18n")
        self.language.apply(lang or str(settings.value("language", "en")))
        self.errors = errors
        if errors is not None:
            # workbench.crash, so a crash leaves a record and no half-written data: tracebacks also
            # go to crash.log, open transactions are rolled back, faulthandler writes C-level
            # crashes to crash-faults.log; the one dialog stays ErrorReporter's (called as on_error).
            from workbench import crash

            crash.install(services.data_dir / "crash.log", connections=lambda: [self.services.conn],
                          on_error=errors.handle)
        self.session: Optional[Session] = None
        self.window: Optional[MainWindow] = None
        self._build(None)
        remember_catalog(settings, services.db_path)

    def _build(self, previous: Optional[Session]) -> None:
        s = self.settings
        wanted = str(s.value("regime", "") or "") or None  # loaded by start_engine (only that regime)
        session = Session(self.services, self.runner, cache=previous.cache if previous else None, regime_id=wanted)
        if s.contains("destination"):
            session.destination = str(s.value("destination") or "") or None
        if previous is not None:
            session.wanted_regime, session.destination = previous.wanted_regime, previous.destination
            if previous.engine_ready:
                session.regime = previous.regime
        self.session = session
        self.window = MainWindow(session, self.runner, s, self.language.lang)
        self.window.languageChangeRequested.connect(self.switch_language)
        self.window.catalogOpenRequested.connect(self.switch_catalog)
        if self.errors is not None:
            self.errors.parent_widget = self.window
        self._first_paint = EngineAfterFirstPaint(self.window, session)
        if previous is not None and previous.loaded:
            session._loaded(previous.snapshot, keep_cache=True)
        else:
            session.load_catalog()

    def switch_language(self, lang: str) -> None:
        old_window, old_session = self.window, self.session
        old_window.save_state()
        self.runner.cancel_all()
        self.runner.wait()
        QApplication.processEvents()  # deliver the cancelled jobs' last signals to the old objects
        self.language.apply(lang)
        self._build(old_session)
        self.window.show()
        old_window.hide()
        old_window.deleteLater()
        old_session.deleteLater()

    def switch_catalog(self, path: str) -> bool:
        """Open another catalog (File > New catalog, Open catalog, Open recent) in a fresh window and
        session; the current one stays open if the other cannot be opened (the reason is shown)."""
        from PySide6.QtWidgets import QMessageBox

        from workbench.app import build_services
        from workbench.errors import WorkbenchError

        old = self.services
        if Path(path).resolve() == Path(old.db_path).resolve():
            return True
        try:
            new = build_services(path, data_dir=old.data_dir, cache_dir=old.cache_dir, clock=old.clock)
        except WorkbenchError as exc:
            QMessageBox.warning(self.window, tr("Cannot open the catalog"), str(exc))
            return False
        old_window, old_session = self.window, self.session
        old_window.save_state()
        _delete_now(self._first_paint)  # its pending timer would start the old session's engine later
        for _ in range(3):  # a cancelled job's last signal may start another job of the old session: settle
            self.runner.cancel_all()
            self.runner.wait()
            QApplication.processEvents()
        self.services = new
        self._build(None)
        remember_catalog(self.settings, new.db_path)
        self.window.show()
        old_window.hide()
        old_window.deleteLater()
        old_session.deleteLater()
        old.close()
        return True

    def wait_until_classified(self, timeout_ms: int = 300000) -> bool:
        if self.session.current is not None:
            return True
        loop = QEventLoop()
        self.session.classified.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        return self.session.current is not None


def _delete_now(obj: QObject) -> None:
    """Destroy a QObject at once (its timers with it), not at the next turn of the event loop."""
    import shiboken6

    if shiboken6.isValid(obj):
        shiboken6.delete(obj)


class EngineAfterFirstPaint(QObject):
    """Starts the session's engine (Session.start_engine) once the catalog table has been painted
    with the loaded catalog's rows and then not repainted for QUIET_MS (Qt repaints the table once
    or twice more as the scroll bar and header settle). Importing the engine on a worker holds the
    GIL for long stretches; a paint meanwhile waits for it at every cell (each is a Python call),
    so the engine waits for the first screen to be drawn. A window that is not shown starts it at
    once; one shown but not painted (minimised) starts it after FALLBACK_MS. Right after the first
    paint with rows the session fills the column from the compiled cache when it can
    (Session.fill_early: a short job, no engine)."""

    QUIET_MS = 50
    FALLBACK_MS = 1000

    def __init__(self, window: MainWindow, session: Session):
        super().__init__(window)
        self.window, self.session = window, session
        self.viewport = window.catalog.table.viewport()
        self.quiet = QTimer(self, singleShot=True, interval=self.QUIET_MS)
        self.quiet.timeout.connect(self._start)
        self._early = False
        session.engine_deferred = not session.engine_ready
        session.catalogLoaded.connect(self._catalog_loaded)

    def _catalog_loaded(self) -> None:
        if self.session.engine_ready:
            return
        if not self.window.isVisible():
            self.session.start_engine()
            return
        self.viewport.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self, self._start)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            if self.window.catalog.model.rowCount() or not len(self.session.snapshot):
                if not self._early:  # the compiled column, if kept (a short job), right after this paint
                    self._early = True
                    QTimer.singleShot(0, self, self.session.fill_early)
                self.quiet.start()  # (again: a later paint restarts the wait)
        return False

    def _start(self) -> None:
        if self.session.early_running and self.sender() is self.quiet:
            self.quiet.start()  # the compiled column first (its paint restarts the wait too)
            return
        self.quiet.stop()
        self.viewport.removeEventFilter(self)
        self.session.start_engine()


def _pick_product(session: Session) -> Optional[str]:
    cls = session.current
    if cls is None or not len(cls):
        return None
    for prefer in ("NVIDIA-H200-SXM-141GB", "NVIDIA-H100-SXM5-80GB"):
        if prefer in session.snapshot.index:
            return prefer
    controlled = [i for i, c in enumerate(cls.classification) if not c.startswith("not-") and c != "indeterminate"]
    return session.snapshot.parts[controlled[0] if controlled else 0]


def screenshot(gui: Gui, path: Path, view: str, size: tuple[int, int]) -> int:
    window = gui.window
    window.resize(*size)
    window.show()
    if not gui.wait_until_classified():
        print("error: the catalog was not classified in time", file=sys.stderr)
        return 3
    session = gui.session
    part = _pick_product(session)
    if part:
        session.select_product(part)
    if view == "compare":
        loop = QEventLoop()
        window.compare.compared.connect(loop.quit)
        window.show_tab("compare")
        window.compare.run()
        if window.compare.model.results == []:
            loop.exec()
    else:
        window.show_tab(view if view in TABS else "catalog")
    QApplication.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        print(f"error: could not write {path}", file=sys.stderr)
        return 3
    print(f"screenshot written to {path} ({size[0]}x{size[1]}, view {view})")
    return 0
