"""Loading the bundled regimes and country data once, and finding a regime by id."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from workbench.engine import CountryTable, LoadedRegime, load_all_regimes, load_countries
from workbench.paths import rulesets_dir


class UnknownRegime(KeyError):
    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class RegimeLibrary:
    regimes: tuple[LoadedRegime, ...]
    countries: CountryTable
    # Issue 7: ids of regimes whose files (or countries.csv) differ from rulesets/MANIFEST.json,
    # and the manifest check itself; shown as "modified" wherever a regime is named.
    modified: frozenset[str] = frozenset()
    manifest: Optional[object] = None  # workbench.services.manifest.ManifestReport

    def is_modified(self, regime_id: str) -> bool:
        return regime_id in self.modified

    def get(self, regime_id: str) -> LoadedRegime:
        for regime in self.regimes:
            if regime.id == regime_id:
                return regime
        raise UnknownRegime(f"unknown regime '{regime_id}' (expected one of {', '.join(r.id for r in self.regimes)})")

    def select(self, ids: list[str] | None) -> list[LoadedRegime]:
        return [self.get(i) for i in ids] if ids else list(self.regimes)


@lru_cache(maxsize=1)
def bundled_library() -> RegimeLibrary:
    from workbench.services.manifest import verify_manifest  # issue 7: ruleset integrity

    folder = rulesets_dir()
    regimes = tuple(load_all_regimes(folder))
    report = verify_manifest(folder, {r.path.name: r.id for r in regimes})
    return RegimeLibrary(regimes, load_countries(folder / "countries.csv"), report.modified_regimes, report)
