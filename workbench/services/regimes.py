"""The bundled regimes and country data, and finding a regime by id.

Start-up time: a regime is loaded (its YAML parsed and validated) when it is first
asked for. ``get``/``find`` load just that one; ``regimes`` (every regime, in effective-date
order) loads the rest. The desktop app loads the selected regime to classify the first screen
and the others on a worker thread right after. The MANIFEST check is done at once, as before
(the app's banner names modified rulesets from the first paint); the country table is read when
first asked for, so the library is built without importing the engine. A loaded regime is the
same object however it was reached.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from workbench.errors import UserError
from workbench.paths import rulesets_dir

if TYPE_CHECKING:
    from workbench.engine import CountryTable, LoadedRegime


class UnknownRegime(UserError, KeyError):
    def __str__(self) -> str:
        return self.args[0]


class RegimeLibrary:
    """Regimes (given, or loaded on demand from ``files``: id -> ruleset path) and countries.

    Records integrity: ``modified`` holds the ids of regimes whose files (or countries.csv) differ from
    rulesets/MANIFEST.json, ``manifest`` the check itself; shown as "modified" wherever a regime
    is named.
    """

    def __init__(self, regimes: Iterable[LoadedRegime] = (), countries: Optional[CountryTable] = None,
                 modified: frozenset[str] = frozenset(), manifest: Optional[object] = None, *,
                 files: Optional[dict[str, Path]] = None, countries_file: Optional[Path] = None,
                 folder: Optional[Path] = None):
        self.folder = folder  # the rules folder the library was read from (built-in or an installed bundle)
        self._countries = countries
        self._countries_file = countries_file
        self.modified = modified
        self.manifest = manifest  # workbench.services.manifest.ManifestReport
        if modified:
            from dataclasses import replace

            regimes = [replace(r, modified=True) if r.id in modified and not r.modified else r for r in regimes]
        self._loaded: dict[str, LoadedRegime] = {r.id: r for r in regimes}
        self._files = dict(files or {})
        self._all: Optional[tuple[LoadedRegime, ...]] = None if self._files else tuple(self._loaded.values())
        self._lock = threading.RLock()  # the app's worker may load while the UI thread asks for one

    @property
    def countries(self) -> CountryTable:
        """The country table (read from ``countries_file`` when first asked for)."""
        if self._countries is None and self._countries_file is not None:
            with self._lock:
                if self._countries is None:
                    from workbench.engine import load_countries

                    self._countries = load_countries(self._countries_file)
        return self._countries

    @property
    def ids(self) -> list[str]:
        """Every regime id, without loading anything (file order, not effective-date order)."""
        return list(self._files) if self._files else list(self._loaded)

    @property
    def regimes(self) -> tuple[LoadedRegime, ...]:
        """Every regime, ordered by effective date then id (loads those not loaded yet)."""
        if self._all is None:
            with self._lock:
                if self._all is None:
                    for regime_id in self._files:
                        self._load(regime_id)
                    self._all = tuple(sorted(self._loaded.values(), key=lambda r: (r.regime.effective_from, r.id)))
        return self._all

    @property
    def complete(self) -> bool:
        """True once every regime is loaded."""
        return self._all is not None

    def loaded(self) -> list[LoadedRegime]:
        """The regimes loaded so far, in effective-date order (what a list can show before all are)."""
        return list(self._all) if self._all is not None else sorted(
            self._loaded.values(), key=lambda r: (r.regime.effective_from, r.id))

    def _load(self, regime_id: str) -> LoadedRegime:
        found = self._loaded.get(regime_id)
        if found is None:
            from workbench.engine import load_regime

            found = load_regime(self._files[regime_id])
            if regime_id in self.modified:  # every screen names it "(modified)" from the regime alone
                from dataclasses import replace

                found = replace(found, modified=True)
            self._loaded[regime_id] = found
        return found

    def find(self, regime_id: str) -> Optional[LoadedRegime]:
        """The regime with this id (loading only it), or None."""
        if regime_id in self._loaded:
            return self._loaded[regime_id]
        if regime_id not in self._files:
            return None
        with self._lock:
            return self._load(regime_id)

    def source_files(self, regime_id: str) -> Optional[tuple[Path, Optional[Path]]]:
        """(ruleset file, country table file) a bundled regime is read from, without loading it; None
        for a regime given already loaded."""
        path = self._files.get(regime_id)
        return (path, self._countries_file) if path is not None else None

    def is_modified(self, regime_id: str) -> bool:
        return regime_id in self.modified

    def get(self, regime_id: str) -> LoadedRegime:
        found = self.find(regime_id)
        if found is None:
            raise UnknownRegime(f"unknown regime '{regime_id}' (expected one of {', '.join(r.id for r in self.regimes)})")
        return found

    def select(self, ids: list[str] | None) -> list[LoadedRegime]:
        return [self.get(i) for i in ids] if ids else list(self.regimes)


@lru_cache(maxsize=1)
def bundled_library() -> RegimeLibrary:
    """The regimes every determination uses: read from :func:`workbench.paths.rulesets_dir`, which
    is the installed signed rule bundle when there is one, else the rules built into the app.
    After a bundle is adopted or rolled back, ``bundled_library.cache_clear()`` makes the next call
    read the new folder. (The desktop app owns its own instance: read_bundled_library.)"""
    return read_bundled_library()


def read_bundled_library() -> RegimeLibrary:
    """A new library of the rules every determination uses now (see bundled_library), for an owner
    that keeps it and reads it again after a rule update (workbench.app)."""
    return library_from_folder(rulesets_dir())


def library_from_folder(folder: Path) -> RegimeLibrary:
    """A lazily loaded library of the rules in ``folder``, checked against its MANIFEST.json."""
    from workbench.services.manifest import verify_manifest  # the ruleset files match the signed manifest

    folder = Path(folder)
    # A bundled regime's id is its file name (workbench.engine.loader refuses a file where they differ).
    from workbench.rule_files import is_regime_file  # named lists and rule dates (*.data.yaml) are not regimes

    files = {p.stem: p for p in sorted(folder.glob("*.yaml")) if is_regime_file(p.name)}
    report = verify_manifest(folder, {p.name: regime_id for regime_id, p in files.items()})
    return RegimeLibrary((), None, report.modified_regimes, report, files=files, countries_file=folder / "countries.csv",
                         folder=folder)
