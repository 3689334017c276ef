"""The app's shared state on the UI thread: the catalog snapshot, the selected regime and
destination, the selected product, and the per-regime classification cache. Views listen to
its signals instead of talking to each other.

It is also the one bridge from the services' change notices (workbench.services.changes) to Qt:
it subscribes to the app's publisher, brings each notice onto the UI thread, brings its own state
up to date (a new snapshot after an import, a reclassification after a letter or rule change),
then re-emits it as ``dataChanged(topic, keys)``, the one signal every screen refreshes on.

Start-up (the catalog is usable before the engine loads): the session is built, and the catalog's
rows are loaded and painted, before the engine is imported. :meth:`Session.start_engine` then
imports it and loads the selected regime on a worker (``engineReady``), and the catalog is
classified. Whoever reads ``session.regime`` before that gets it loaded on the spot (the engine
imported on that thread). Meanwhile, when the last full classification kept a compiled column
that fits (same products, regime, destination, day and letters), ``columnEarly`` brings the
selected regime's column without the engine; the full classification replaces it with the same
values.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.services.changes import CATALOG, LETTERS, RULES
from workbench.services.catalog_snapshot import CatalogSnapshot, load_snapshot
from workbench.services.catalog_column import ClassificationCache, Classified, classify_catalog, early_classified
from workbench.ui.shell.tasks import JobContext, TaskHandle, TaskRunner

if TYPE_CHECKING:
    from workbench.app import AppServices
    from workbench.engine import LoadedRegime

log = logging.getLogger("workbench.ui.shell.session")
DEFAULT_REGIME = "us-h200-2026-01"


class Session(QObject):
    """Signals: catalogLoaded(), engineReady() (the selected regime is loaded: the pickers can be
    filled), classified(Classified) for the selected regime, classifyProgress(done, total),
    regimeChanged(), productSelected(part), regimesChanged() (a draft added or removed, or every
    bundled regime loaded), dataChanged(topic, keys) (a service's change notice, after the session
    has brought itself up to date; topics and keys as in workbench.services.changes), failed(message)."""

    catalogLoaded = Signal()
    # The selected regime's column from the compiled cache, before the engine is loaded (a
    # Classified whose regime is a RegimeNamed); the full classification follows as ``classified``.
    columnEarly = Signal(object)
    engineReady = Signal()
    REGIMES_AFTER_MS = 100  # the other regimes start loading this long after the first classification
    REGIMES_QUIET_S = 0.5  # ... and once the catalog table has not been painted for this long
    classified = Signal(object)
    classifyProgress = Signal(int, int)
    regimeChanged = Signal()
    productSelected = Signal(str)
    regimesChanged = Signal()
    dataChanged = Signal(str, object)
    _notice = Signal(str, object)  # a change notice from any thread, delivered on the UI thread
    failed = Signal(str)

    def __init__(self, services: AppServices, runner: TaskRunner, parent=None,
                 cache: Optional[ClassificationCache] = None, regime_id: Optional[str] = None):
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.snapshot = CatalogSnapshot()
        self.loaded = False
        self.cache = cache or ClassificationCache()
        # The regime to select (the remembered one, else the default): loaded by start_engine() or
        # on first use of ``regime``; only it is loaded for the first screen, load_regimes() does the rest.
        self.wanted_regime = regime_id
        self._regime: Optional[LoadedRegime] = None
        self._engine_job: Optional[TaskHandle] = None
        # True while someone (workbench.ui.shell.launcher) will call start_engine(): until then the
        # catalog waits for it instead of loading the regime on the UI thread.
        self.engine_deferred = False
        self._announced = False  # engineReady emitted
        self.destination: Optional[str] = "CN"
        self.part: Optional[str] = None
        self.current: Optional[Classified] = None
        self._classify_job: Optional[TaskHandle] = None
        self._inflight: dict[tuple, tuple[TaskHandle, list[Callable[[Classified], None]]]] = {}
        self._regimes_job: Optional[TaskHandle] = None
        self._early_job: Optional[TaskHandle] = None
        self._notice.connect(self._changed)  # queued when published on a worker thread
        changes = getattr(services, "changes", None)
        if changes is not None:
            unsubscribe = changes.subscribe(lambda topic, keys: self._notice.emit(topic, keys))
            self.destroyed.connect(lambda *_: unsubscribe())

    # the selected regime, loaded after the first paint ---------------------------------
    @property
    def regime(self) -> LoadedRegime:
        """The selected regime (loaded now, on this thread, if start_engine() has not done it yet)."""
        if self._regime is None:
            self._regime = self._pick_regime()
            QTimer.singleShot(0, self, self._engine_loaded)  # announced as start_engine() would
        return self._regime

    @regime.setter
    def regime(self, value: LoadedRegime) -> None:
        self._regime = value

    @property
    def engine_ready(self) -> bool:
        """True once the selected regime is loaded (so the engine is imported)."""
        return self._regime is not None

    @property
    def regime_id(self) -> Optional[str]:
        """The selected regime's id, without loading anything (None: the newest, known once loaded)."""
        if self._regime is not None:
            return self._regime.id
        ids = self.services.library.ids
        return next((i for i in (self.wanted_regime, DEFAULT_REGIME) if i and i in ids), None)

    def _pick_regime(self) -> LoadedRegime:
        library = self.services.library
        return ((library.find(self.wanted_regime) if self.wanted_regime else None) or library.find(DEFAULT_REGIME)
                or self.services.regimes()[-1])

    def start_engine(self) -> Optional[TaskHandle]:
        """Import the engine and load the selected regime, the country table and the drafts on a
        worker, then emit engineReady and classify the catalog. Called once the catalog's rows are
        on screen (workbench.ui.shell.launcher), so it does not compete with the first paint."""
        self.engine_deferred = False
        if self._engine_job is not None:
            return None
        if self._regime is not None:  # read (so loaded) on the spot already
            self._engine_loaded()
            return None
        services = self.services

        def job(ctx: JobContext) -> LoadedRegime:
            regime = self._pick_regime()
            services.library.countries  # noqa: B018  (the destination picker lists them)
            services.drafts  # noqa: B018  (the regime picker lists them)
            return regime

        def done(regime: LoadedRegime) -> None:
            self._engine_job = None
            if self._regime is None:
                self._regime = regime
            self._engine_loaded()

        def failed(exc: BaseException, text: str) -> None:
            self._engine_job = None
            self._failed(exc, text)

        def cancelled() -> None:  # a later start_engine() or use of ``regime`` loads it
            self._engine_job = None

        self._engine_job = self.runner.start("load the engine", job, on_done=done, on_failed=failed,
                                             on_cancelled=cancelled)
        return self._engine_job

    def _engine_loaded(self) -> None:
        """The selected regime is loaded (by start_engine's worker, or on the spot): say so once."""
        if self._announced:
            return
        self._announced = True
        self.engineReady.emit()
        self.classify_current()

    # catalog --------------------------------------------------------------------------
    def load_catalog(self) -> TaskHandle:
        def job(ctx: JobContext) -> CatalogSnapshot:
            conn = self.services.open_reader()
            try:
                return load_snapshot(conn, lambda d, t: ctx.progress(d, t, "load"))
            finally:
                conn.close()

        return self.runner.start("load catalog", job, on_done=self._loaded, on_failed=self._failed)

    def _loaded(self, snap: CatalogSnapshot, keep_cache: bool = False) -> None:
        self.snapshot, self.loaded = snap, True
        if not keep_cache:
            self.cache.clear()
        self.current = None
        self.catalogLoaded.emit()
        self.classify_current()

    def fill_early(self) -> None:
        """Before the engine is loaded: the selected regime's column from the compiled regime the
        last full classification kept (services.catalog_column.early_classified), if there is one for
        exactly these products, this regime, destination, day and letters. Called once the rows
        are painted (workbench.ui.shell.launcher), so the worker does not slow the first paint."""
        regime_id, dest, snap, services = self.regime_id, self.destination, self.snapshot, self.services
        if self.engine_ready or self.current is not None or regime_id is None or not len(snap):
            return
        today = services.clock.today()

        def job(ctx: JobContext) -> Optional[Classified]:
            conn = services.open_reader()
            try:
                return early_classified(conn, snap, services.library, services.cache_dir, regime_id, dest, today)
            finally:
                conn.close()

        def done(result: Optional[Classified]) -> None:
            self._early_job = None
            if result is not None and self.current is None and snap is self.snapshot \
                    and (regime_id, dest) == (self.regime_id, self.destination):
                self.columnEarly.emit(result)

        def failed(exc: BaseException, text: str) -> None:
            self._early_job = None
            log.warning("compiled column: %s", exc)

        self._early_job = self.runner.start("compiled column", job, on_done=done, on_failed=failed)

    @property
    def early_running(self) -> bool:
        """True while fill_early's job runs (the engine's import would slow it and its paint)."""
        return self._early_job is not None

    def _failed(self, exc: BaseException, text: str) -> None:
        self.failed.emit(f"{type(exc).__name__}: {exc}")

    # regime and destination -----------------------------------------------------------
    def set_regime(self, regime: LoadedRegime) -> None:
        if regime is self.regime:
            return
        self.regime = regime
        self.regimeChanged.emit()
        self.classify_current()

    def set_destination(self, destination: Optional[str]) -> None:
        destination = destination or None
        if destination == self.destination:
            return
        self.destination = destination
        self.regimeChanged.emit()
        self.classify_current()

    def select_product(self, part: str) -> None:
        if part and part != self.part:
            self.part = part
            self.productSelected.emit(part)

    def classify_current(self) -> None:
        if not self.loaded or (self._regime is None and (self._engine_job is not None or self.engine_deferred)):
            return  # start_engine() classifies when the regime is loaded
        previous = self._classify_job
        regime, dest = self.regime, self.destination
        self._classify_job = self.ensure(regime, dest, self._got_current, progress=True, keep=True)
        if previous is not None and previous is not self._classify_job and previous.running:
            self.release(previous)

    def _got_current(self, result: Classified) -> None:
        if result.regime is self.regime and result.destination == self.destination:
            self.current = result
            self.classified.emit(result)
            if not self.services.library.complete:
                # After the views have painted the result: a worker parsing YAML holds the GIL, and
                # a paint meanwhile waits for it at every cell (a zero timer came before the paint).
                QTimer.singleShot(self.REGIMES_AFTER_MS, self._regimes_when_quiet)

    def _regimes_when_quiet(self) -> None:
        """load_regimes() once the catalog table has not been painted for REGIMES_QUIET_S: the
        officer filtering, sorting and scrolling right after the first result should not share the
        GIL with YAML parsing and validation (a few ms per regime, each one stretch)."""
        quiet = self.runner.gate.quiet_s()
        if quiet >= self.REGIMES_QUIET_S:
            self.load_regimes()
        elif not self.services.library.complete:
            QTimer.singleShot(int((self.REGIMES_QUIET_S - quiet) * 1000) + 1, self, self._regimes_when_quiet)

    def load_regimes(self) -> Optional[TaskHandle]:
        """Load the bundled regimes not loaded yet on a worker, then emit regimesChanged (the
        regime pickers list them all). Started once the first screen is classified and shown,
        so it does not compete with that first result; a view that needs every
        regime sooner gets them from services.regimes(), which loads them on its own thread."""
        library = self.services.library
        if library.complete or self._regimes_job is not None:
            return None

        def failed(exc: BaseException, text: str) -> None:
            self._regimes_job = None
            self._failed(exc, text)

        def job(ctx: JobContext) -> tuple:
            # One regime at a time, breathing between them: each is one long stretch of YAML and
            # validation (2-15 ms) that holds the GIL, and the officer is already using the table.
            for regime_id in library.ids:
                library.find(regime_id)
                ctx.breathe()
            return library.regimes

        self._regimes_job = self.runner.start("load regimes", job,
                                              on_done=lambda _r: self.regimesChanged.emit(), on_failed=failed)
        return self._regimes_job

    def ensure(self, regime: LoadedRegime, destination: Optional[str], then: Callable[[Classified], None],
               progress: bool = False, keep: bool = False) -> Optional[TaskHandle]:
        """Call ``then(result)`` with the classification of the catalog under ``regime`` (cached,
        or computed by a background job). Returns the job's handle, or None if it was cached.

        A request for a regime already being classified joins that job (the comparison and the
        catalog often want the same one); a job is cancelled only when nobody waits for it.
        ``keep``: also keep the compiled column for the next start (the selected regime's).
        """
        cached = self.cache.get(regime, destination)
        if cached is not None:
            then(cached)
            return None
        key = ClassificationCache.key(regime, destination)
        running = self._inflight.get(key)
        if running is not None:
            handle, waiters = running
            waiters.append(then)
            if progress:
                handle.progress.connect(lambda d, t, _text: self.classifyProgress.emit(d, t))
            return handle
        snap, services, cache = self.snapshot, self.services, self.cache
        today = services.clock.today()  # each regime is read on today (clamped into its window)
        waiters = [then]

        def job(ctx: JobContext) -> Optional[Classified]:
            conn = services.open_reader()
            try:
                result = classify_catalog(conn, snap, regime, services.library.countries, destination,
                                          lambda d, t: ctx.progress(d, t, regime.id), lambda: ctx.cancelled,
                                          today=today, keep=(services.library, services.cache_dir) if keep else None,
                                          breathe=ctx.breathe)
            finally:
                conn.close()
            if result is not None:
                cache.put(result)
            return result

        def done(result: Optional[Classified]) -> None:
            if self._inflight.get(key, (None,))[0] is handle:
                del self._inflight[key]
            if result is not None and snap is self.snapshot:
                for waiter in list(waiters):
                    waiter(result)

        def ended() -> None:  # cancelled or failed: forget the job so a later request starts a new one
            if self._inflight.get(key, (None,))[0] is handle:
                del self._inflight[key]

        def failed(exc: BaseException, text: str) -> None:
            ended()
            self._failed(exc, text)

        handle = self.runner.start(f"classify {regime.id}", job, on_done=done, on_failed=failed,
                                   on_progress=(lambda d, t, _text: self.classifyProgress.emit(d, t)) if progress else None,
                                   on_cancelled=ended)
        self._inflight[key] = (handle, waiters)
        return handle

    def release(self, handle: TaskHandle) -> None:
        """The selected regime changed: the old job is cancelled unless another view waits for it."""
        for key, (h, waiters) in list(self._inflight.items()):
            if h is handle:
                waiters[:] = [w for w in waiters if w != self._got_current]
                if not waiters:
                    handle.cancel()
                    del self._inflight[key]

    # drafts and edits -----------------------------------------------------------------
    def add_draft(self, draft: LoadedRegime) -> None:
        self.services.drafts = [d for d in self.services.drafts if d.id != draft.id] + [draft]
        self.regimesChanged.emit()
        if self.regime.draft and self.regime.id == draft.id:
            self.regime = draft
            self.regimeChanged.emit()
            self.classify_current()

    # change notices --------------------------------------------------------------------
    def _changed(self, topic: str, keys: tuple) -> None:
        """A service committed a change: bring the session's own state up to date first (so the
        screens read a fresh snapshot and classification), then tell the screens."""
        if topic == CATALOG:
            if keys:
                for part in keys:
                    self._edited(part)
                self.classify_current()
            elif self.loaded:
                self.load_catalog()  # an import: any product may be new or changed
        elif topic == LETTERS:
            # The licence positions (services.classify lays the open letters over every
            # determination) are stale: reclassify the selected regime.
            self.cache.clear()
            self.classify_current()
        elif topic == RULES:
            self._rules_changed()
        self.dataChanged.emit(topic, keys)

    def _edited(self, part: str) -> None:
        """A figure changed: refresh the product's row in the snapshot; cached classifications are stale."""
        i = self.snapshot.index.get(part)
        row = self.services.conn.execute(
            "SELECT vendor, name, memory_bandwidth_gbs FROM products WHERE part_number = ?", (part,)).fetchone()
        if i is not None and row is not None:
            snap = self.snapshot
            snap.vendors[i], snap.names[i], snap.mem_bw[i] = row
            snap.haystack[i] = f"{part}\t{row[0] or ''}\t{row[1] or ''}".lower()
        self.cache.clear()

    def _rules_changed(self) -> None:
        """New rules are in use (services.library was replaced): the same regime by id (its new
        version), and a new classification. The cache is emptied too: a result cached for the same
        file (after a rollback) belongs to the old library's regime object."""
        library = self.services.library
        self.cache.clear()
        current = self.regime
        if not current.draft:
            self.regime = library.find(current.id) or library.regimes[-1]
        self.regimesChanged.emit()
        self.regimeChanged.emit()
        self.classify_current()
