"""One place that finds rulesets/ and resources/.

From a source checkout they are the top-level folders of the repository; in an installed wheel
hatchling copies them into ``workbench/_data/`` (see pyproject.toml). Everything else asks here,
so a checkout, a wheel and a frozen bundle behave the same.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    bundled = _PACKAGE_DIR / "_data" / name
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"cannot find the '{name}' folder: looked in {bundled} (installed) and {checkout} (checkout)"
    )


APP_NAME = "export-control-workbench"
RULE_UPDATES_STATE = "state.json"


def builtin_rulesets_dir() -> Path:
    """The rules shipped inside the app (sequence 0 of the rule updates)."""
    return _data_dir("rulesets")


def rule_updates_dir() -> Path:
    """Where signed rule bundles are installed: ``rule-updates/`` in the user's data folder.

    WORKBENCH_RULE_UPDATES overrides it (tests, and deployments that manage the folder).
    """
    override = os.environ.get("WORKBENCH_RULE_UPDATES")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "rule-updates"


def installed_bundle_state() -> dict:
    """The rule-update state (``state.json``): ``{"format": 1, "installed": [...]}``, the last
    entry being the bundle in use; an empty list when none is installed or the file is unreadable
    (then the built-in rules are used, and `workbench update list` says why)."""
    import json

    try:
        data = json.loads((rule_updates_dir() / RULE_UPDATES_STATE).read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("installed"), list):
            return data
    except (OSError, ValueError):
        pass
    return {"format": 1, "installed": []}


def active_bundle_rulesets() -> Path | None:
    """The rules folder of the installed bundle in use, or None for the built-in rules."""
    installed = installed_bundle_state()["installed"]
    if not installed or not isinstance(installed[-1], dict):
        return None
    folder = str(installed[-1].get("folder", ""))
    if not folder or "/" in folder or "\\" in folder or folder.startswith("."):
        return None
    candidate = rule_updates_dir() / "bundles" / folder / "rulesets"
    return candidate if candidate.is_dir() else None


def rulesets_dir() -> Path:
    """Folder holding the regime rulesets, the country data and the manifest that every
    determination uses: the installed signed rule bundle when there is one, else the built-in rules.

    WORKBENCH_RULESETS overrides both (used by tests that tamper with a copy).
    """
    override = os.environ.get("WORKBENCH_RULESETS")
    if override:
        return Path(override)
    return active_bundle_rulesets() or builtin_rulesets_dir()


def resources_dir() -> Path:
    """Folder holding the demo catalog, translations and icons."""
    return _data_dir("resources")
