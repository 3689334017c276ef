"""The bundled named-entity lists and rule dates (rulesets/named-lists.data.yaml), read once.

``affiliates_rule_in_force(day)`` is what the ownership screening asks before applying the 50 %
rule; the engine function behind it (:func:`workbench.engine.named_lists.affiliates_rule_in_force`)
takes the lists as an argument, for tests and for a folder other than the bundled one.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Optional

from workbench.engine.named_lists import NamedLists, affiliates_rule_in_force as _in_force, parse_named_lists
from workbench.paths import rulesets_dir

NAMED_LISTS_FILE = "named-lists.data.yaml"


def load_named_lists(folder: Optional[Path] = None) -> NamedLists:
    path = Path(folder or rulesets_dir()) / NAMED_LISTS_FILE
    return parse_named_lists(path.read_bytes(), path.name)


@lru_cache(maxsize=1)
def bundled_named_lists() -> NamedLists:
    return load_named_lists()


def affiliates_rule_in_force(day: date) -> bool:
    """Is the Affiliates rule in force on ``day`` (per the bundled rules data)?"""
    return _in_force(bundled_named_lists(), day)
