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


def rulesets_dir() -> Path:
    """Folder holding the regime rulesets, the country data and the manifest.

    WORKBENCH_RULESETS overrides it (used by tests that tamper with a copy).
    """
    override = os.environ.get("WORKBENCH_RULESETS")
    return Path(override) if override else _data_dir("rulesets")


def resources_dir() -> Path:
    """Folder holding the demo catalog, translations and icons."""
    return _data_dir("resources")
