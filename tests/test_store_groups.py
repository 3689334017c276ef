"""Product lines and tags: audited, tied to existing products."""

from __future__ import annotations

import sqlite3

import pytest

from catalog_helpers import fresh_catalog
from workbench.store.connection import write_transaction
from workbench.store.groups import add_to_line, product_lines, remove_from_line, tag_product, tags_of, untag_product

H100, H20 = "NVIDIA-H100-SXM5-80GB", "NVIDIA-H20-HGX-96GB"


def _actions(conn, since):
    return [tuple(r) for r in conn.execute("SELECT action, entity FROM audit WHERE seq > ? ORDER BY seq", (since,))]


def test_tags_and_lines_are_audited(tmp_path):
    conn = fresh_catalog(tmp_path)
    since = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
    with write_transaction(conn):
        assert tag_product(conn, H100, " export-review ") is True
        assert tag_product(conn, H100, "export-review") is False  # already tagged: no second audit row
        assert add_to_line(conn, "Hopper", H100) is True
        assert add_to_line(conn, "Hopper", H20) is True
    assert tags_of(conn, H100) == ["export-review"]
    assert product_lines(conn) == {"Hopper": sorted([H100, H20])}
    with write_transaction(conn):
        assert untag_product(conn, H100, "export-review") is True
        assert remove_from_line(conn, "Hopper", H20) is True
        assert remove_from_line(conn, "Hopper", H20) is False
    assert tags_of(conn, H100) == [] and product_lines(conn) == {"Hopper": [H100]}
    assert _actions(conn, since) == [("product.tag", H100), ("product.line.add", H100), ("product.line.add", H20),
                                     ("product.untag", H100), ("product.line.remove", H20)]
    conn.close()


def test_unknown_products_cannot_be_grouped_and_writes_need_a_transaction(tmp_path):
    conn = fresh_catalog(tmp_path)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        with write_transaction(conn):
            tag_product(conn, "NO-SUCH-PART", "x")
    assert not conn.in_transaction and tags_of(conn, "NO-SUCH-PART") == []
    with pytest.raises(RuntimeError, match="transaction"):
        add_to_line(conn, "Hopper", H100)
    conn.close()
