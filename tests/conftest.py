"""Shared fixtures: the bundled regimes and country data, and a spec factory."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
