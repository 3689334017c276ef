"""Column-wise validation (workbench.io.template): a clean column is taken wholesale, the rest cell
by cell, and pydantic checks each column against ProductSpec's own fields. These tests pin that the
result is exactly what validating each row with ProductSpec would give, in the same row order."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pydantic import ValidationError

from catalog_helpers import HEADER, product_row
from workbench.io.cells import CellProblem, convert
from workbench.engine.spec import ProductSpec
from workbench.io.tables import Table
from workbench.io.template import parse_table
from xlsx_builder import Sheet, write_xlsx
from workbench.io.template import parse_products


def _table(rows, text_only=False):
    header, *body = rows
    return Table("f.xlsx", "S", header, [(i + 2, list(r)) for i, r in enumerate(body)], text_only=text_only)


def test_product_spec_has_no_validators_beyond_its_field_types():
    """Column validation checks each field on its own; a model or field validator on ProductSpec
    (a rule across fields) would be skipped by it. If one is ever added, validate rows instead."""
    decorators = ProductSpec.__pydantic_decorators__
    assert not decorators.model_validators and not decorators.field_validators
    assert ProductSpec.model_config.get("extra") == "forbid"


cells = st.one_of(st.none(), st.just(""), st.just("  "), st.floats(allow_nan=True, allow_infinity=True),
                  st.floats(min_value=0, max_value=1e6), st.sampled_from(["4,800", "989 TFLOPS", "12 GB", "yes", "no",
                                                                          "ic", "board", "x", True, False]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C", " D ", ""]), cells, cells, cells, cells, cells),
                min_size=1, max_size=12))
def test_records_are_exactly_what_product_spec_makes_of_each_good_row(rows):
    header = ["part_number", "fp16_tflops", "die_area_mm2", "datacenter", "product_type", "vendor"]
    parsed = parse_table(_table([header, *rows]))
    # every record is a valid ProductSpec and unchanged by validating it
    for record in parsed.records:
        assert ProductSpec.model_validate(record).model_dump() == record
    bad_rows = {int("".join(ch for ch in e.cell if ch.isdigit())) for e in parsed.errors}
    assert not bad_rows & set(parsed.rows.values())  # a row is either a record or has errors, never both
    # errors come in row order, then column order within a row
    keys = [(int("".join(ch for ch in e.cell if ch.isdigit())), "".join(ch for ch in e.cell if ch.isalpha()))
            for e in parsed.errors]
    assert keys == sorted(keys)
    # the same verdict as converting each cell and building a ProductSpec per row (the oracle)
    accepted, refused = _row_by_row(header, rows)
    assert bool(parsed.errors) == refused
    if not refused:
        assert {r["part_number"]: r for r in parsed.records} == accepted


def _row_by_row(header, rows):
    """cells.convert per cell, then ProductSpec per row: the definition column-wise parsing must match."""
    accepted, refused = {}, False
    for row in rows:
        values, ok = {}, True
        for f, cell in zip(header, row):
            try:
                value, _ = convert(f, cell)
            except CellProblem:
                ok = False
                continue
            if value is not None:
                values[f] = value
        if not ok or not values.get("part_number") or values["part_number"] in accepted:
            refused = True
            continue
        try:
            accepted[values["part_number"]] = ProductSpec(**values).model_dump()
        except ValidationError:
            refused = True
    return accepted, refused


def test_clean_and_awkward_cells_in_one_column_give_the_cell_by_cell_answers():
    rows = [["part_number", "fp16_tflops", "die_area_mm2", "datacenter"],
            ["P1", 10.0, 400.0, "yes"],
            ["P2", "4,800", 0.0, "是"],  # text number: a note; area 0: below the stated range
            ["P3", -1.0, 300.0, "maybe"],  # negative and a non-boolean: two errors in one row
            ["P4", 20.0, 500.0, True]]
    parsed = parse_table(_table(rows))
    assert [str(e) for e in parsed.errors] == [
        "f.xlsx:S!C3: 0.0 is not valid for die_area_mm2 (expected mm², from 0.01 to 1,000,000)",
        "f.xlsx:S!B4: -1.0 is negative (expected a non-negative number in TFLOPS (dense))",
        "f.xlsx:S!D4: 'maybe' is not yes or no (expected yes or no)",
    ]
    assert parsed.notes == ["f.xlsx:S!B3: fp16_tflops: text number '4,800' read as 4800"]
    assert [(r["part_number"], r["fp16_tflops"], r["datacenter"]) for r in parsed.records] == \
        [("P1", 10.0, True), ("P4", 20.0, True)]


def test_columns_absent_from_the_sheet_take_the_model_defaults(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [Sheet("Products", [HEADER, product_row(1)])])
    (record,) = parse_products(path).records
    assert record["tpp_basis"] == "computed" and record["fp64_tflops"] is None
    assert record == ProductSpec.model_validate(record).model_dump()


def test_an_empty_choice_cell_means_the_default_not_unknown():
    parsed = parse_table(_table([["part_number", "product_type"], ["P1", None], ["P2", "board"]]))
    assert [r["product_type"] for r in parsed.records] == ["ic", "board"]


def test_columns_split_row_by_row_equal_the_columns_read_down_the_sheet():
    from operator import itemgetter

    from workbench.io.template import _columns_of

    grid = [["P1", 10.0, None, "yes"], ["P2", "", 3, True], ["P3", 1.5, "x", None]]
    columns = {0: "part_number", 1: "fp16_tflops", 3: "datacenter"}
    raws, kinds = _columns_of(grid, columns)
    assert raws == {i: list(map(itemgetter(i), grid)) for i in columns}
    assert kinds == {i: set(map(type, raws[i])) for i in columns}
    # rows of different lengths (a CSV's extra cells) are read down each column, types left to the caller
    ragged = [*grid, ["P4", 2.0, None, "no", "extra"]]
    raws, kinds = _columns_of(ragged, columns)
    assert raws == {i: list(map(itemgetter(i), ragged)) for i in columns} and kinds == dict.fromkeys(columns)
    assert _columns_of([], columns) == ({i: [] for i in columns}, dict.fromkeys(columns))
    with pytest.raises(IndexError):  # rows too short for a column are never read across into the next row
        _columns_of([["P1", 1.0], ["P2", 2.0]], columns)
