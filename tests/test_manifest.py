"""Ruleset integrity (target 20, offline part): rulesets/MANIFEST.json is current; a changed, missing or
extra file is reported and the regimes it affects are marked "modified" in the library, the CLI and
the GUI; drafts stay drafts."""

from __future__ import annotations

import json
import shutil

import pytest

from workbench.cli import main
from workbench.paths import rulesets_dir
from workbench.services import regimes as regimes_module
from workbench.services.manifest import (MANIFEST_NAME, REGENERATE, build_manifest, read_manifest, ruleset_files,
                                         verify_manifest, write_manifest)


def test_the_bundled_manifest_is_current():
    folder = rulesets_dir()
    report = verify_manifest(folder)
    assert report.ok, ("rulesets/MANIFEST.json is stale: " + "; ".join(report.problems())
                       + f". After an intended ruleset change regenerate it with `{REGENERATE}` and commit it.")
    data = read_manifest(folder)
    assert set(data["files"]) == set(ruleset_files(folder)) and data["version"] >= 1
    assert {r.id for r in regimes_module.bundled_library().regimes} == set(data["regimes"].values())


@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "rulesets"
    shutil.copytree(rulesets_dir(), folder)
    return folder


def test_a_changed_regime_file_marks_only_that_regime(copy):
    path = copy / "us-ear-2023-10.yaml"
    path.write_bytes(path.read_bytes().replace(b"4800", b"4801", 1))
    report = verify_manifest(copy)
    assert report.changed == ("us-ear-2023-10.yaml",) and not report.missing and not report.extra
    assert report.modified_regimes == {"us-ear-2023-10"}
    assert report.problems() == ["us-ear-2023-10.yaml: changed since the manifest (SHA-256 differs)"]


def test_missing_and_extra_files_are_reported(copy):
    (copy / "us-h200-2026-01.yaml").unlink()
    extra = (copy / "us-ear-2023-10.yaml").read_text(encoding="utf-8").replace(
        "id: us-ear-2023-10", "id: us-ear-2023-10-local", 1)
    (copy / "local.yaml").write_text(extra, encoding="utf-8")
    report = verify_manifest(copy)
    assert report.missing == ("us-h200-2026-01.yaml",) and report.extra == ("local.yaml",)
    assert report.modified_regimes == {"us-h200-2026-01", "us-ear-2023-10-local"}


def test_a_changed_country_table_marks_every_regime(copy):
    with open(copy / "countries.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    report = verify_manifest(copy)
    assert report.all_regimes_modified and report.modified_regimes == set(read_manifest(copy)["regimes"].values())


def test_a_missing_or_broken_manifest_marks_everything(copy):
    (copy / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    report = verify_manifest(copy)
    assert report.error and "unreadable" in report.error and len(report.modified_regimes) == 9
    (copy / MANIFEST_NAME).unlink()
    report = verify_manifest(copy)
    assert "missing" in report.error and REGENERATE in report.error


def test_write_bumps_the_version_only_when_files_change(copy):
    before = read_manifest(copy)["version"]
    assert write_manifest(copy)["version"] == before
    path = copy / "us-ear-2022-10.yaml"
    path.write_bytes(path.read_bytes() + b"\n# local note\n")
    data = write_manifest(copy)
    assert data["version"] == before + 1 and verify_manifest(copy).ok
    assert json.loads((copy / MANIFEST_NAME).read_text(encoding="utf-8")) == build_manifest(copy, data)


@pytest.fixture
def tampered_library(copy, monkeypatch):
    """The bundled library loaded from a copy with one regime changed (cache restored afterwards)."""
    path = copy / "us-h200-2026-01.yaml"
    path.write_bytes(path.read_bytes() + b"\n# edited by hand\n")
    monkeypatch.setattr(regimes_module, "rulesets_dir", lambda: copy)
    monkeypatch.setattr("workbench.paths.rulesets_dir", lambda: copy)
    regimes_module.bundled_library.cache_clear()
    yield regimes_module.bundled_library()
    regimes_module.bundled_library.cache_clear()


def test_library_and_cli_show_the_modified_regime(tampered_library, capsys):
    assert tampered_library.modified == {"us-h200-2026-01"} and tampered_library.is_modified("us-h200-2026-01")
    assert main(["rulesets", "verify"]) == 1
    out = capsys.readouterr().out
    assert "us-h200-2026-01.yaml: changed since the manifest" in out and "modified regimes: us-h200-2026-01" in out
    assert REGENERATE in out


def test_gui_labels_mark_the_modified_regime_and_drafts_stay_drafts(tampered_library, tmp_path, qtbot):
    pytest.importorskip("pytestqt")
    from test_ui_support import close_gui, make_gui
    from workbench.services.catalog_column import regime_label

    gui = make_gui(tmp_path, qtbot)
    try:
        combo = gui.window.regime
        labels = [combo.itemText(i) for i in range(combo.count())]
        assert "us-h200-2026-01 (modified)" in labels and "us-ear-2023-10" in labels
        assert gui.window.banner.isVisible() and "us-h200-2026-01" in gui.window.banner.text()
        draft = gui.services.library.get("us-h200-2026-01")
        from dataclasses import replace

        assert regime_label(replace(draft, draft=True)) == "DRAFT us-h200-2026-01"
    finally:
        close_gui(gui)


def test_gui_shows_a_read_only_banner_and_none_when_healthy(tmp_path, qtbot):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import QSettings

    from test_ui_support import close_gui, make_gui
    from workbench.app import build_services
    from workbench.store.locking import CatalogLock
    from workbench.ui.shell.launcher import Gui

    gui = make_gui(tmp_path, qtbot)
    try:
        assert not gui.window.banner.isVisible()
    finally:
        close_gui(gui)
    # Another holder of the catalog (a lock naming another live process: our parent shell's pid).
    import os
    import socket

    from workbench.store.locking import LockInfo, lock_path

    os.mkdir(lock_path(tmp_path / "catalog.db"))
    os.mkdir(lock_path(tmp_path / "catalog.db") / LockInfo(socket.gethostname(), os.getppid(), "ann",
                                                              "2026-11-22T07:00:00Z").entry())
    services = build_services(tmp_path / "catalog.db", data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    ro = Gui(services, QSettings(str(tmp_path / "s2.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(ro.window)
    try:
        ro.window.show()
        text = ro.window.banner.text()
        assert ro.window.banner.isVisible() and text.startswith("Read-only:")
        assert f"already open by ann on {socket.gethostname()} (pid {os.getppid()}" in text
        ro.window.grab().save(str(tmp_path / "read-only.png"))
    finally:
        close_gui(ro)
    assert CatalogLock  # the lock of the other holder is left alone
    assert lock_path(tmp_path / "catalog.db").exists()
