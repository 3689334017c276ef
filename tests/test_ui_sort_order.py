"""The catalog's sort order (services.catalog_query.sort_order, chunked so a worker never holds the
GIL for one long sort) is Python's stable sort of the rows with a known value, whatever the input:
already in order (the part-number column, read in that order: the chunks are joined, not merged),
shuffled, with ties across chunk borders, with unknown values."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.services.catalog_query import _CHUNK, sort_order


def _stable(values):
    return sorted((i for i in range(len(values)) if values[i] is not None), key=values.__getitem__)


@settings(max_examples=60, deadline=None)
@given(n=st.sampled_from([0, 1, 7, _CHUNK - 1, _CHUNK, _CHUNK + 1, 3 * _CHUNK + 5]), seed=st.integers(0, 10**6),
       kind=st.sampled_from(["ascending", "shuffled", "ties", "unknowns"]))
def test_sort_order_is_the_stable_sort(n, seed, kind):
    rng = random.Random(seed)
    if kind == "ascending":
        values = sorted(rng.random() for _ in range(n))
    elif kind == "ties":
        values = sorted(rng.randint(0, 3) for _ in range(n))
    else:
        values = [rng.random() for _ in range(n)]
    if kind == "unknowns":
        values = [v if rng.random() < 0.7 else None for v in values]
    assert sort_order(values) == _stable(values)


def test_part_numbers_in_order_are_joined_unchanged():
    parts = [f"P-{i:06d}" for i in range(2 * _CHUNK + 3)]
    assert sort_order(parts) == list(range(len(parts)))


def test_the_same_sort_asked_twice_starts_one_job(qtbot):
    """QTableView.sortByColumn asks the model to sort twice; the second, identical, request is not
    a second filter job over 100,000 rows competing with the first for the GIL."""
    from PySide6.QtCore import Qt

    from workbench.ui.shell.tasks import TaskRunner
    from workbench.ui.support.models import CatalogModel

    model = CatalogModel(TaskRunner())
    refreshed = []
    model.refresh = lambda: refreshed.append(model.query)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert [(q.sort_column, q.descending) for q in refreshed] == [(2, True), (2, False)]
