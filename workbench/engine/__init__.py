"""The rule engine: product specs and regime rulesets in, cited determinations out.

Pure Python and pydantic only. Nothing here imports Qt, sqlite3 or a spreadsheet/PDF library,
so the GUI, the CLI, the exporters and the tests all share one implementation.

The names below are imported when first read (PEP 562), so importing one of the engine's
stdlib-only modules (``workbench.engine.identity``, ``workbench.engine.compiled``) does not
import pydantic: the desktop app fills its catalog column from a compiled regime before the
models are loaded.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module

_WHERE = {
    "ProductSpec": "spec", "SpecError": "spec", "make_spec": "spec", "spec_errors": "spec",
    "Regime": "ruleset",
    "RulesetError": "loader", "load_regime": "loader", "load_all_regimes": "loader", "LoadedRegime": "loader",
    "CountryTable": "countries", "load_countries": "countries",
    "Determination": "determine", "determine": "determine",
    "Comparison": "compare", "compare": "compare",
}

__all__ = list(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.engine' has no attribute {name!r}")
    value = getattr(import_module(f"workbench.engine.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


class _Engine(types.ModuleType):
    """``determine`` and ``compare`` name both a submodule and its function. Importing the submodule
    sets the package's attribute to the module; the package has always exported the function
    under that name (as the eager imports did), so the function is kept."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Engine
