"""A large import computes its audit entry's JSON and its new rows' digests in a forked child while
it inserts (workbench.beside), and hashes the rows from the values it bound instead of
reading them back (workbench.store.stored_rows). Neither may change anything stored: each file is
imported into identical catalogs through the child and in process, reading the rows back, and
everything stored is compared; the stored form is checked against SQLite itself on random rows;
and a child that fails, hangs or answers nonsense only makes the parent compute it itself."""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_helpers import fresh_catalog
from test_import_write_equality import FILES, _stored
from workbench import beside
from workbench.services.import_products import import_products
from workbench.store import audit, audit_state, products
from workbench.store.audit_verify import verify
from workbench.store.columns import BOOL_COLUMNS, PRODUCT_COLUMNS, TEXT_COLUMNS
from workbench.store.schema import V1
from workbench.store.stored_rows import products_table_is_strict, stored_products

pytestmark = pytest.mark.skipif(not beside.can_fork(), reason="the child is forked on Linux only")


def _watch(monkeypatch, pids=None) -> list:
    """Every Beside the writer makes, in order (and its child's pid, taken before it is reaped)."""
    entries, real_beside = [], products.Beside

    def watched(work, fork):
        entry = real_beside(work, fork)
        entries.append(entry)
        if pids is not None:
            pids.append(entry._pid)
        return entry

    monkeypatch.setattr(products, "Beside", watched)
    return entries


def _import_both_ways(tmp_path, path, monkeypatch, with_demo: bool) -> tuple[dict, dict]:
    monkeypatch.setattr(audit, "utc_now", lambda: "2026-03-01T09:00:00.000000Z")
    monkeypatch.setattr(audit, "current_actor", lambda: "officer")
    stored, entries = [], _watch(monkeypatch)
    for name in ("beside", "read back"):
        if name == "beside":
            monkeypatch.setattr(products, "FORK_FROM", 1)
            monkeypatch.setattr(products, "DIGEST_CHUNK", 1)  # a chunk per row: both processes take some
        else:
            monkeypatch.setattr(products, "FORK_FROM", 10 ** 9)
            monkeypatch.setattr(products, "_known_rows", lambda *a: None)
        conn = fresh_catalog(tmp_path, f"{name}.db", with_demo=with_demo)
        import_products(conn, path, similar="add")
        import_products(conn, path, similar="add")  # again: nothing changes, nothing is written
        assert verify(conn).ok
        stored.append(_stored(conn))
        conn.close()
    assert entries[0].forked and not entries[-1].forked  # not vacuous: the first import ran in a child
    return stored[0], stored[1]


@pytest.mark.parametrize("with_demo", [False, True], ids=["empty", "demo"])
@pytest.mark.parametrize("name", list(FILES))
def test_an_entry_computed_beside_stores_exactly_what_the_read_back_path_stores(tmp_path, monkeypatch, name,
                                                                                with_demo):
    path = FILES[name](tmp_path)
    forked, read_back = _import_both_ways(tmp_path, path, monkeypatch, with_demo)
    assert forked == read_back
    assert any(r[3] == "products.import" for r in forked["audit"])


# Values of every kind a products row may be handed, including the awkward ones.
_TEXT = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
_REAL = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1e308, 5e-324]),
                  st.integers(min_value=-(2 ** 64), max_value=2 ** 64), st.integers(-3, 3))
_BOOL = st.one_of(st.none(), st.booleans(), st.integers(-1, 2))


def _value(field: str):
    if field == "part_number":
        return st.text(min_size=1, max_size=8)
    if field == "product_type":
        return st.sampled_from(["ic", "board", "server", "hbm", "model_weights"])
    if field == "tpp_basis":
        return st.sampled_from(["computed", "declared"])
    if field in TEXT_COLUMNS:
        return _TEXT
    if field in BOOL_COLUMNS:
        return _BOOL
    return _REAL


_ROW = st.tuples(*(_value(f) for f in PRODUCT_COLUMNS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ROW, min_size=1, max_size=4))
def test_the_stored_form_is_what_sqlite_gives_back(rows):
    conn = sqlite3.connect(":memory:")
    conn.execute(V1[0])
    assert products_table_is_strict(conn)
    rows = [(f"{i}:{row[0]}", *row[1:]) for i, row in enumerate(rows)]  # distinct part numbers
    expected = stored_products(rows)
    try:
        conn.executemany(f"INSERT INTO products ({', '.join(PRODUCT_COLUMNS)}, created_utc, updated_utc) "
                         f"VALUES ({', '.join('?' * (len(PRODUCT_COLUMNS) + 2))})", [(*r, "t", "t") for r in rows])
    except (sqlite3.Error, OverflowError, ValueError):
        return  # nothing would be stored: the import fails, whatever the stored form says
    back = conn.execute(f"SELECT {', '.join(PRODUCT_COLUMNS)} FROM products ORDER BY rowid").fetchall()
    if expected is None:  # not handled: the import reads the rows back instead
        assert any(type(v) not in (str, float, int, type(None)) or (type(v) is float and math.isnan(v))
                   or (type(v) is int and not -2 ** 63 <= v < 2 ** 63) for r in rows for v in r)
        return
    assert [repr(r) for r in expected] == [repr(r) for r in back]
    assert audit_state.rows_sum("products", expected) == audit_state.rows_sum("products", back)


def test_a_table_that_is_not_strict_is_read_back():
    conn = sqlite3.connect(":memory:")
    conn.execute(V1[0].replace(") STRICT", ")"))
    assert not products_table_is_strict(conn)


def test_the_interpreters_own_sha256_gives_the_same_digests():
    own = beside._own_sha256()
    rows = [("a", 1.0, None), ("中文", -2.5, True)]
    assert audit_state.rows_sum("t", rows, own) == audit_state.rows_sum("t", rows, hashlib.sha256)


def _work(sha256):
    return ("answer", sha256 is hashlib.sha256)


def test_no_fork_below_the_threshold_computes_here():
    entry = beside.Beside(_work, fork=False)
    assert not entry.forked and entry.result() == ("answer", True)


def _fails_in_child(sha256):
    if sha256 is not hashlib.sha256:
        raise RuntimeError("boom")
    return "computed here"


def _hangs_in_child(sha256):
    if sha256 is not hashlib.sha256:
        time.sleep(60)
    return "computed here"


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_answers_and_is_reaped_once_it_has_exited():
    entry = beside.Beside(_work, fork=True)
    pid = entry._pid
    assert entry.forked and pid
    assert entry.result() == ("answer", False)  # computed in the child, with the interpreter's own SHA-256
    entry.close()  # it has answered: not killed, only reaped once it has exited (without waiting for it)
    deadline = time.monotonic() + 10
    while pid in beside._dying and time.monotonic() < deadline:
        time.sleep(0.01)
        beside._reap_dying()
    assert pid not in beside._dying and _reaped(pid)


def _garbage(monkeypatch):
    """The child writes bytes that are no marshalled answer, and exits as if all went well."""
    import marshal
    import types

    monkeypatch.setattr(beside, "marshal", types.SimpleNamespace(dumps=lambda value: b"\xffnot marshal",
                                                                  loads=marshal.loads))


@pytest.mark.parametrize("case", ["fails", "hangs", "garbage"])
def test_a_child_that_fails_hangs_or_answers_nonsense_is_replaced_by_the_parent(case, monkeypatch):
    monkeypatch.setattr(beside, "WAIT", 0.5)
    work = {"fails": _fails_in_child, "hangs": _hangs_in_child, "garbage": lambda sha256: "computed here"}[case]
    if case == "garbage":
        _garbage(monkeypatch)
    entry = beside.Beside(work, fork=True)
    pid = entry._pid
    assert entry.forked and pid
    assert entry.result() == "computed here"
    assert _reaped(pid)


def test_an_error_in_the_parent_stops_the_child(tmp_path, monkeypatch):
    """A write that fails (here: a product breaking a CHECK) kills and reaps the child, and the
    catalog is as it was."""
    from workbench.store.connection import write_transaction

    monkeypatch.setattr(products, "FORK_FROM", 1)
    entries = _watch(monkeypatch, pids := [])
    conn = fresh_catalog(tmp_path, with_demo=False)
    rows = [(f"P-{i}", *[None] * (len(PRODUCT_COLUMNS) - 1)) for i in range(3)]
    rows = [r[:3] + ("ic",) + r[4:-1] + ("computed",) for r in rows] + [("BAD", *[None] * 2, "nonsense",
                                                                        *[None] * (len(PRODUCT_COLUMNS) - 5), "computed")]
    with pytest.raises(sqlite3.IntegrityError):
        with write_transaction(conn, "catalog"):
            products.write_products(conn, products.ProductWrite(added=rows, as_import=True))
    assert products.count_products(conn) == 0
    assert entries and pids[0] and _reaped(pids[0])
    conn.close()


def test_chunks_shared_from_both_ends_are_each_taken_once_and_merged_in_order():
    ends = beside.Ends(40)
    entry = beside.Beside(lambda sha256: ends.front(lambda i: (time.sleep(0.002), ("child", i))[1]), fork=True)
    back = ends.back(lambda i: (time.sleep(0.002), ("here", i))[1])
    front = entry.result()
    merged = ends.merge(front, back, lambda i: ("merge", i))
    ends.close()
    assert [i for _, i in merged] == list(range(40))
    assert front and back  # not vacuous: each side took some chunks
    assert {who for who, _ in merged} <= {"child", "here"}


def test_without_a_child_this_process_takes_every_chunk():
    ends = beside.Ends(4)
    back = ends.back(lambda i: i * 10)
    assert back == {3: 30, 2: 20, 1: 10, 0: 0} and ends.front(lambda i: -1) == []
    assert ends.merge([], back, lambda i: -1) == [0, 10, 20, 30]
    ends.close()


def test_a_chunk_both_sides_took_counts_once_and_a_chunk_neither_took_is_computed():
    ends = beside.Ends(5)
    # both computed chunk 2 (one read the other's note late): the front side's result is kept
    assert ends.merge(["f0", "f1", "f2"], {2: "b2", 3: "b3", 4: "b4"}, lambda i: f"m{i}") == ["f0", "f1", "f2", "b3", "b4"]
    # nobody took chunk 2: it is computed at the merge
    assert ends.merge(["f0", "f1"], {3: "b3", 4: "b4"}, lambda i: f"m{i}") == ["f0", "f1", "m2", "b3", "b4"]
    ends.close()


def test_a_child_that_fails_after_taking_chunks_leaves_them_to_this_process(monkeypatch):
    monkeypatch.setattr(beside, "WAIT", 5.0)
    ends = beside.Ends(6)

    def dies_after_two(sha256):
        if os.getpid() != parent:
            ends.front(lambda i: os._exit(3) if i == 2 else i)
        return ends.front(lambda i: ("here again", i))

    parent = os.getpid()
    entry = beside.Beside(dies_after_two, fork=True)
    time.sleep(0.2)  # the child has claimed chunks 0-2 and died
    back = ends.back(lambda i: ("back", i))
    front = entry.result()  # computed here: takes every chunk the back side did not
    merged = ends.merge(front, back, lambda i: ("merge", i))
    ends.close()
    assert [i for _, i in merged] == list(range(6)) and all(who in ("here again", "back") for who, _ in merged)


def _work_leaving_the_pipe_open(sha256):
    if os.fork() == 0:  # a process that keeps a copy of the pipe's end open for 3 s
        time.sleep(3)
        os._exit(0)
    return "answer"


def test_the_answer_is_taken_once_the_child_says_so_even_if_the_pipe_stays_open(monkeypatch):
    """Another thread's child, forked meanwhile, may hold the pipe's end open: the parent does not
    wait for that one to exit, and on an answer it closes the pipe and the in-memory file at once."""
    monkeypatch.setattr(beside, "WAIT", 10.0)
    entry = beside.Beside(_work_leaving_the_pipe_open, fork=True)
    started = time.monotonic()
    assert entry.result() == "answer"
    assert time.monotonic() - started < 2.0 and entry._fd is None and entry._answer is None
