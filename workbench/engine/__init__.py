"""The rule engine: product specs and regime rulesets in, cited determinations out.

Pure Python and pydantic only. Nothing here imports Qt, sqlite3 or a spreadsheet/PDF library,
so the GUI, the CLI, the exporters and the tests all share one implementation.
"""

from workbench.engine.spec import ProductSpec, SpecError, make_spec, spec_errors
from workbench.engine.ruleset import Regime
from workbench.engine.loader import RulesetError, load_regime, load_all_regimes, LoadedRegime
from workbench.engine.countries import CountryTable, load_countries
from workbench.engine.determine import Determination, determine
from workbench.engine.compare import Comparison, compare

__all__ = [
    "ProductSpec", "SpecError", "make_spec", "spec_errors", "Regime", "RulesetError", "load_regime",
    "load_all_regimes", "LoadedRegime", "CountryTable", "load_countries", "Determination",
    "determine", "Comparison", "compare",
]
