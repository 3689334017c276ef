"""Start-up dialogs of `workbench gui` (issue 7): restore offered for a damaged catalog, sync-folder
confirmation before the first write. QMessageBox answers are monkeypatched; the real restore runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.cli import gui as cli_gui
from workbench.services.catalog import open_catalog
from workbench.store.backup import backup_to
from workbench.store.products import count_products
from workbench.store.recovery import CorruptDatabase


@pytest.fixture
def answer(monkeypatch):
    calls = []

    def make(button):
        def fake(*args, **kwargs):
            calls.append(args[2] if len(args) > 2 else "")
            return button
        for name in ("question", "warning", "critical"):
            monkeypatch.setattr(QMessageBox, name, staticmethod(fake))
        return calls
    return make


def _damaged_with_backup(tmp_path: Path) -> CorruptDatabase:
    db = tmp_path / "catalog.sqlite3"
    conn = open_catalog(db)
    backup = backup_to(conn, tmp_path / "catalog.sqlite3.backup-20261101T000000Z.sqlite3")
    conn.close()
    moved = db.with_name(db.name + ".corrupt-x")
    db.rename(moved)
    return CorruptDatabase(db, ["database disk image is malformed"], moved, backup)


def test_damaged_catalog_restored_when_the_user_accepts(qapp, tmp_path, answer):
    calls = answer(QMessageBox.StandardButton.Yes)
    exc = _damaged_with_backup(tmp_path)
    assert cli_gui._offer_restore(exc) is True
    assert "Restore" in calls[0] and exc.backup.name in calls[0]
    conn = open_catalog(exc.path, with_demo=False)  # a fresh catalog would be empty; the backup has 53
    assert count_products(conn) == 53
    conn.close()


def test_damaged_catalog_left_alone_when_the_user_declines(qapp, tmp_path, answer):
    answer(QMessageBox.StandardButton.No)
    exc = _damaged_with_backup(tmp_path)
    assert cli_gui._offer_restore(exc) is False
    assert not exc.path.exists()


@pytest.mark.parametrize("button,expected", [(QMessageBox.StandardButton.Yes, True),
                                             (QMessageBox.StandardButton.No, False)])
def test_sync_folder_is_confirmed(qapp, answer, button, expected):
    calls = answer(button)
    assert cli_gui._ask_sync("The catalog is inside a Dropbox folder.") is expected
    assert "Dropbox" in calls[0]
