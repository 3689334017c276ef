"""Shared fixtures: the bundled regimes and country data, and a spec factory."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite runs on the built-in rules: an empty rule-updates folder, whatever this machine has
# installed (tests of signed rule updates point WORKBENCH_RULE_UPDATES at their own folder).
os.environ["WORKBENCH_RULE_UPDATES"] = tempfile.mkdtemp(prefix="workbench-rule-updates-")

from workbench.engine import ProductSpec  # noqa: E402
from workbench.services.regimes import bundled_library  # noqa: E402


@pytest.fixture(scope="session")
def library():
    return bundled_library()


@pytest.fixture(scope="session")
def countries(library):
    return library.countries


@pytest.fixture(scope="session")
def regime(library):
    return library.get


def spec(**values) -> ProductSpec:
    """A datacenter FinFET IC unless told otherwise."""
    base = {"part_number": "TEST-1", "datacenter": True, "non_planar": True}
    base.update(values)
    return ProductSpec(**base)
