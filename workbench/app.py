"""Composition root of the desktop app: opens the store, owns the regime library, builds every
service once and the one change publisher they announce on, and hands them to the UI. The CLI's
``gui`` subcommand and the tests both start here.

Nothing below workbench/ui imports Qt; nothing in workbench/ui opens a database, reads a ruleset
folder or builds a service by itself: it is given an :class:`AppServices`. The one Qt object the
screens share besides (the task runner) is built by workbench.ui.shell.launcher, since Qt lives
only in workbench/ui.

Start-up time (the catalog is usable before the engine loads): building the services imports no
engine model. The catalog is opened and checked here; the regimes, the country table, the
what-if drafts and the letter, deal and screening services are built when first asked for (the
desktop app asks on a worker once the catalog is painted, or when their tab is first shown).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from workbench import __version__
from workbench.clock import SYSTEM_CLOCK, Clock
from workbench.services.catalog import is_demo_catalog, open_existing_catalog
from workbench.services.changes import RULES, ChangePublisher
from workbench.services.regimes import RegimeLibrary, read_bundled_library
from workbench.store import connect, resolve_db_path

if TYPE_CHECKING:
    from workbench.engine import LoadedRegime
    from workbench.services.deals import DealService
    from workbench.services.letters import LetterService
    from workbench.services.screening import ScreeningService

log = logging.getLogger("workbench.app")
APP_NAME = "export-control-workbench"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


@dataclass
class AppServices:
    """What the UI is given: the catalog connection (UI thread), a way to open reader connections
    for worker threads, the regime library, and the folders for drafts, logs and caches."""

    db_path: Path
    conn: sqlite3.Connection
    library: RegimeLibrary
    data_dir: Path
    cache_dir: Path
    # workbench.store.recovery.open_for_app, so a damaged, shared or synced file is never written
    # blindly: why the catalog is read-only (banner text), the cloud/network-folder warning, and
    # the single-writer lock released on close.
    read_only_reason: Optional[str] = None
    sync_warning: Optional[str] = None
    lock: Optional[object] = None
    audit_problem: Optional[str] = None  # the audit chain check at start-up, when it fails
    clock: Clock = SYSTEM_CLOCK  # every business date the screens decide by (tests pass a FixedClock)
    is_demo: bool = False  # the demo catalog (services.catalog.is_demo_catalog): DEMO in the title bar
    changes: ChangePublisher = field(default_factory=ChangePublisher)  # every service announces here
    _drafts: Optional[list[LoadedRegime]] = None  # loaded when first asked for (load_drafts)
    _draft_errors: list[str] = field(default_factory=list)
    _drafts_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _built: dict = field(default_factory=dict, repr=False)  # the services built so far, by name
    _build_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # the services, each built once on first use (none is needed to paint the catalog) ----------
    def _once(self, name: str, build):
        if name not in self._built:
            with self._build_lock:
                if name not in self._built:
                    self._built[name] = build()
        return self._built[name]

    @property
    def letters(self) -> LetterService:
        """The is-informed letters of this catalog (on the UI thread's connection)."""
        def build():
            from workbench.services.letters import LetterService

            return LetterService(self.conn, self.library.countries, changes=self.changes)
        return self._once("letters", build)

    @property
    def deals(self) -> DealService:
        """Deals and ledgers: one service, so a save refreshes every deal screen's cached books."""
        def build():
            from workbench.services.deals import DealService

            return DealService(self.conn, self.library, changes=self.changes)
        return self._once("deals", build)

    @property
    def screening(self) -> ScreeningService:
        """Party screening against the loaded screening list."""
        def build():
            from workbench.services.screening import ScreeningService

            return ScreeningService(self.conn, self.clock, db_label=self.db_path, changes=self.changes)
        return self._once("screening", build)

    def reload_rules(self) -> RegimeLibrary:
        """After a signed rule update is adopted (or rolled back): read the rules folder now in use
        into a new library, and announce it so every screen re-reads the rules (the regime
        pickers, the "rules current to" label, the classification)."""
        self.library = read_bundled_library()
        self.changes.publish(RULES)
        return self.library

    @property
    def drafts(self) -> list[LoadedRegime]:
        """The what-if drafts saved in the user's data folder (loaded on first use: YAML and the engine)."""
        if self._drafts is None:
            with self._drafts_lock:  # the app's start-up worker may be loading them
                if self._drafts is None:
                    self.load_drafts()
        return self._drafts

    @drafts.setter
    def drafts(self, value: list[LoadedRegime]) -> None:
        self._drafts = value

    @property
    def draft_errors(self) -> list[str]:
        self.drafts  # noqa: B018  (loads them if not yet)
        return self._draft_errors

    @draft_errors.setter
    def draft_errors(self, value: list[str]) -> None:
        self._draft_errors = value

    @property
    def drafts_dir(self) -> Path:
        return self.data_dir / "drafts"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "workbench.log"

    def open_reader(self) -> sqlite3.Connection:
        """A fresh connection (same recipe) for a worker thread; the caller closes it."""
        return connect(self.db_path)

    def regimes(self) -> list[LoadedRegime]:
        """Every bundled regime (loading those not loaded yet), then the drafts."""
        return [*self.library.regimes, *self.drafts]

    def loaded_regimes(self) -> list[LoadedRegime]:
        """The bundled regimes loaded so far, then the drafts: what the regime picker lists until
        the library is complete (workbench.services.regimes; Session.regimesChanged follows)."""
        return [*self.library.loaded(), *self.drafts]

    def regime(self, regime_id: str, draft: bool = False) -> LoadedRegime:
        if draft:
            for r in self.drafts:
                if r.id == regime_id:
                    return r
        return self.library.get(regime_id)

    def load_drafts(self) -> None:
        """Every what-if draft saved in the user's data folder, each loaded as a draft."""
        drafts, errors = [], []
        if self.drafts_dir.is_dir():
            from workbench.engine import RulesetError, load_regime

            for path in sorted(self.drafts_dir.glob("*.yaml")):
                try:
                    drafts.append(load_regime(path, draft=True))
                except (RulesetError, OSError) as exc:
                    errors.append(str(exc))
                    log.warning("draft %s not loaded: %s", path, exc)
        self._drafts, self._draft_errors = drafts, errors

    def versions(self) -> dict[str, str]:
        import platform

        import PySide6
        from PySide6 import QtCore

        return {"workbench": __version__, "Python": platform.python_version(), "PySide6": PySide6.__version__,
                "Qt": QtCore.qVersion(), "SQLite": sqlite3.sqlite_version}

    def close(self) -> None:
        self.conn.close()
        if self.lock is not None:
            self.lock.release()


def _mounts_text() -> Optional[str]:
    """/proc/mounts for the network-file-system check (Linux; elsewhere only folder names are checked)."""
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _records_checks(services: AppServices) -> None:
    """At start-up, so a catalog changed behind the workbench's back is flagged before anyone relies
    on it: verify the audit chain (about 0.6 s per 50,000 entries) and take the
    scheduled backup when one is due (workbench.store.backup_schedule; never fatal, logged)."""
    from workbench.store import StoreError
    from workbench.store.audit_verify import verify
    from workbench.store.backup_schedule import run_scheduled_backup

    report = verify(services.conn)
    if not report.ok:
        services.audit_problem = report.message()
        log.error("%s: %s", services.db_path, services.audit_problem)
    if services.read_only_reason is None:
        try:
            made = run_scheduled_backup(services.conn, services.db_path, now=services.clock.now())
            if made:
                log.info("scheduled backup written to %s", made)
        except StoreError as exc:
            log.warning("scheduled backup not taken: %s", exc)


def build_services(db: Optional[str | Path] = None, data_dir: Optional[Path] = None,
                   cache_dir: Optional[Path] = None, confirm_sync=None, clock: Clock = SYSTEM_CLOCK) -> AppServices:
    """Open the existing catalog and load every regime. Nothing is created here: a missing path is
    NoCatalog (the GUI's first-start dialog, or ``workbench init``, makes one first), and an empty,
    foreign or unreadable file is NotACatalog, left as it is.

    Records safety: a damaged catalog raises CorruptDatabase (a StoreError naming the moved file and the
    backup to restore); a read-only file, or one another workbench holds, opens read-only; a file
    in a sync/network folder is put to ``confirm_sync(message)`` before the first write.
    """
    from workbench.store.recovery import open_for_app

    path = resolve_db_path(db)
    opened = open_for_app(path, lambda p: open_existing_catalog(p, deep_check=False), confirm_sync, _mounts_text())
    conn = opened.conn
    services = AppServices(path, conn, read_bundled_library(), data_dir or user_data_dir(), cache_dir or user_cache_dir(),
                           read_only_reason=opened.read_only_reason, sync_warning=opened.sync_warning,
                           lock=opened.lock, clock=clock, is_demo=is_demo_catalog(conn))
    if opened.read_only_reason:
        log.warning("catalog %s %s: opened read-only", path, opened.read_only_reason)
    if opened.sync_warning:
        log.warning("%s", opened.sync_warning)
    _records_checks(services)
    return services
