"""A large sheet's pre-flight is scanned in two halves at once: the first here, the second in a
forked child (workbench.beside). The split must decide exactly what one pass decides: the same
facts for a clean sheet, and for a refused one the same first refusal (a far reference in either
half or on the seam between chunks, or too many rows before it). Chunks are made small here so
that small files are split."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog_helpers import HEADER, product_row
from workbench import beside
from workbench.io import xlsx_guard
from workbench.io.xlsx_guard import DEFAULT_LIMITS, UnsafeFile, inspect_xlsx
from xlsx_builder import Formula, Sheet, write_xlsx

pytestmark = pytest.mark.skipif(not beside.can_fork(), reason="the child is forked on Linux only")


def _filler(first: int, count: int) -> str:
    return "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>filler {i}</t></is></c></row>'
                   for i in range(first, first + count))


def _outcome(path, limits):
    try:
        book, sheet = inspect_xlsx(path, limits=limits)
    except UnsafeFile as exc:
        return "refused", str(exc)
    return "read", book, sheet


def _both_ways(path, monkeypatch, limits=DEFAULT_LIMITS, chunk=256):
    monkeypatch.setattr(xlsx_guard, "_CHUNK", chunk)
    monkeypatch.setattr(xlsx_guard, "SPLIT_FROM_CHUNKS", 10 ** 9)
    one_pass = _outcome(path, limits)
    forked = []
    real = xlsx_guard.Beside

    def watched(work, fork):
        entry = real(work, fork)
        forked.append(entry.forked)
        return entry

    monkeypatch.setattr(xlsx_guard, "Beside", watched)
    monkeypatch.setattr(xlsx_guard, "SPLIT_FROM_CHUNKS", 2)
    split = _outcome(path, limits)
    assert forked == [True]  # not vacuous: the second half was scanned by a child
    return one_pass, split


def test_a_clean_sheet_gives_the_same_facts(tmp_path, monkeypatch):
    rows = [HEADER] + [product_row(i) for i in range(60)]
    rows[7][5] = Formula("1+1", cached=2)
    path = write_xlsx(tmp_path / "clean.xlsx", [Sheet("Products", rows, hidden_rows=(40,))])
    one_pass, split = _both_ways(path, monkeypatch)
    assert one_pass[0] == "read" and one_pass == split
    assert split[2].rows_seen == 61 and split[2].hidden_rows == [40] and split[2].formulas_with_value == 1


@pytest.mark.parametrize("early", [True, False], ids=["first half", "second half"])
def test_a_far_reference_in_either_half_is_refused_the_same(tmp_path, monkeypatch, early):
    far = '<row r="9"><c r="XFD1048576"><v>1</v></c></row>'
    raw = far + _filler(10, 80) if early else _filler(10, 80) + far
    path = write_xlsx(tmp_path / "far.xlsx", [Sheet("Products", [HEADER, product_row(1)], raw_rows=raw)])
    one_pass, split = _both_ways(path, monkeypatch)
    assert one_pass == split
    assert split[1].startswith("far.xlsx:Products: cell XFD1048576 lies beyond the import limits")


@pytest.mark.parametrize("pad", range(0, 256, 17))
def test_a_far_reference_on_any_seam_is_refused_the_same(tmp_path, monkeypatch, pad):
    """Padding moves the reference across chunk boundaries (chunks of 256 bytes), the split's among them."""
    far = f'<row r="90"><c r="A90" t="inlineStr"><is><t>{"x" * pad}</t></is></c><c r="JA90"><v>1</v></c></row>'
    path = write_xlsx(tmp_path / "seam.xlsx", [Sheet("Products", [HEADER], raw_rows=_filler(2, 40) + far + _filler(91, 40))])
    one_pass, split = _both_ways(path, monkeypatch)
    assert one_pass == split and split[1].startswith("seam.xlsx:Products: cell JA90 lies beyond")


def test_too_many_rows_before_a_far_reference_is_what_is_said(tmp_path, monkeypatch):
    raw = _filler(2, 120) + '<row r="130"><c r="XFD1048576"><v>1</v></c></row>'
    path = write_xlsx(tmp_path / "long.xlsx", [Sheet("Products", [HEADER], raw_rows=raw)])
    limits = replace(DEFAULT_LIMITS, max_rows=100)
    one_pass, split = _both_ways(path, monkeypatch, limits)
    assert one_pass == split == ("refused", "long.xlsx:Products: more than 100 rows (expected at most 100; split "
                                            "the file or raise the limit)")


def test_a_far_reference_before_too_many_rows_is_what_is_said(tmp_path, monkeypatch):
    raw = _filler(2, 60) + '<row r="62"><c r="XFD62"><v>1</v></c></row>' + _filler(63, 80)
    path = write_xlsx(tmp_path / "far.xlsx", [Sheet("Products", [HEADER], raw_rows=raw)])
    limits = replace(DEFAULT_LIMITS, max_rows=100)
    one_pass, split = _both_ways(path, monkeypatch, limits)
    assert one_pass == split and split[1].startswith("far.xlsx:Products: cell XFD62 lies beyond")
