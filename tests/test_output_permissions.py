"""Output files (memos, workbooks, CSVs) follow the user's umask (0644 typically), so colleagues
can read the shared copies, and are still written atomically (a private temporary file that takes
the target's name only once complete)."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager

import pytest

from workbench.io.atomic import atomic_write, current_umask

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask,expected", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600), (0o027, 0o640)])
def test_a_new_file_gets_what_the_umask_allows(tmp_path, mask, expected):
    with umask(mask):
        assert current_umask() == mask
        with atomic_write(tmp_path / "memo.pdf") as fh:
            fh.write(b"%PDF-1.7")
    assert mode(tmp_path / "memo.pdf") == expected


def test_a_replaced_file_keeps_its_permissions_and_a_failed_write_leaves_it(tmp_path):
    target = tmp_path / "shared.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    with umask(0o022):
        with atomic_write(target) as fh:
            fh.write(b"new")
        assert mode(target) == 0o640 and target.read_bytes() == b"new"
        with pytest.raises(RuntimeError):
            with atomic_write(target) as fh:
                fh.write(b"half")
                raise RuntimeError("killed")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["shared.xlsx"]


def test_cli_memo_workbook_and_csv_are_readable_by_colleagues(tmp_path, capsys):
    from workbench.cli import main
    from workbench.services.catalog import create_catalog

    db = str(create_catalog(tmp_path / "demo.db", demo=True))
    with umask(0o022):
        assert main(["export", "--db", db, "--out", str(tmp_path / "catalog.xlsx")]) == 0
        assert main(["memo", "--product", "NVIDIA-H100-SXM5-80GB", "--regime", "us-ear-2023-10", "--destination",
                     "CN", "--db", db, "--out", str(tmp_path / "memo.pdf")]) == 0
        pytest.importorskip("PySide6")
        from workbench.ui.support.csv_export import write_csv

        write_csv(tmp_path / "comparison.csv", ["part_number"], [["=cmd"]])
    for name in ("catalog.xlsx", "memo.pdf", "comparison.csv"):
        assert mode(tmp_path / name) == 0o644, name
    assert (tmp_path / "comparison.csv").read_bytes() == "\ufeffpart_number\r\n'=cmd\r\n".encode("utf-8")
