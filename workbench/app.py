"""Composition root of the desktop app: opens the store, loads the regimes, builds the services
and hands them to the UI. The CLI's ``gui`` subcommand and the tests both start here.

Nothing below workbench/ui imports Qt; nothing in workbench/ui opens a database or reads a
ruleset folder by itself: it is given an :class:`AppServices`.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from workbench import __version__
from workbench.engine import LoadedRegime, RulesetError, load_regime
from workbench.services.catalog import open_catalog
from workbench.services.regimes import RegimeLibrary, bundled_library
from workbench.store import connect, resolve_db_path

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
    drafts: list[LoadedRegime] = field(default_factory=list)
    draft_errors: list[str] = field(default_factory=list)

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
        return [*self.library.regimes, *self.drafts]

    def regime(self, regime_id: str, draft: bool = False) -> LoadedRegime:
        for r in self.regimes():
            if r.id == regime_id and r.draft == draft:
                return r
        return self.library.get(regime_id)

    def load_drafts(self) -> None:
        """Every what-if draft saved in the user's data folder, each loaded as a draft."""
        self.drafts, self.draft_errors = [], []
        if not self.drafts_dir.is_dir():
            return
        for path in sorted(self.drafts_dir.glob("*.yaml")):
            try:
                self.drafts.append(load_regime(path, draft=True))
            except (RulesetError, OSError) as exc:
                self.draft_errors.append(str(exc))
                log.warning("draft %s not loaded: %s", path, exc)

    def versions(self) -> dict[str, str]:
        import platform

        import PySide6
        from PySide6 import QtCore

        return {"workbench": __version__, "Python": platform.python_version(), "PySide6": PySide6.__version__,
                "Qt": QtCore.qVersion(), "SQLite": sqlite3.sqlite_version}

    def close(self) -> None:
        self.conn.close()


def build_services(db: Optional[str | Path] = None, data_dir: Optional[Path] = None,
                   cache_dir: Optional[Path] = None) -> AppServices:
    """Open (on first start: create with the demo catalog) the catalog and load every regime."""
    path = resolve_db_path(db)
    conn = open_catalog(path)
    services = AppServices(path, conn, bundled_library(), data_dir or user_data_dir(), cache_dir or user_cache_dir())
    services.load_drafts()
    return services
