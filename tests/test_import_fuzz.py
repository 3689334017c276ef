"""Damaged workbooks (random byte flips and truncations of a valid file): the import either
succeeds or raises ImportFailed with a message naming the file; nothing else escapes, and a
refused file writes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_helpers import HEADER, fresh_catalog, product_row, snapshot
from workbench.services.import_products import ImportFailed, import_products
from xlsx_builder import Sheet, write_xlsx


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory):
    path = write_xlsx(tmp_path_factory.mktemp("fuzz") / "good.xlsx", [Sheet("Products", [HEADER] + [product_row(i) for i in range(5)])])
    return path.read_bytes()


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_workbooks_fail_cleanly(tmp_path_factory, valid_bytes, data):
    raw = bytearray(valid_bytes)
    for _ in range(data.draw(st.integers(1, 8), label="flips")):
        i = data.draw(st.integers(0, len(raw) - 1), label="offset")
        raw[i] = data.draw(st.integers(0, 255), label="byte")
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw)), label="length")]
    tmp = tmp_path_factory.mktemp("f")
    path = tmp / "damaged.xlsx"
    path.write_bytes(bytes(raw))
    conn = fresh_catalog(tmp, with_demo=False)
    before = snapshot(conn)
    try:
        import_products(conn, path)
    except ImportFailed as exc:
        assert all(p.startswith("damaged.xlsx") for p in exc.problems), exc.problems
        assert snapshot(conn) == before
    assert not conn.in_transaction
    conn.close()
