"""Regimes are loaded when first asked for (issue 4, start-up time): one regime alone by id,
all of them in effective-date order on demand, each loaded once (the same object however it is
reached), and the desktop app's first screen loads only the selected regime."""

from __future__ import annotations

import pytest

from workbench.engine import load_all_regimes
from workbench.paths import rulesets_dir
from workbench.rule_files import is_regime_file
from workbench.services.regimes import RegimeLibrary, UnknownRegime, bundled_library


def fresh_library() -> RegimeLibrary:
    bundled = bundled_library()
    files = {p.stem: p for p in sorted(rulesets_dir().glob("*.yaml")) if is_regime_file(p.name)}
    return RegimeLibrary((), bundled.countries, bundled.modified, bundled.manifest, files=files)


def test_find_loads_only_that_regime():
    lib = fresh_library()
    h200 = lib.find("us-h200-2026-01")
    assert h200 is not None and h200.id == "us-h200-2026-01"
    assert lib.loaded() == [h200] and not lib.complete
    assert lib.find("no-such-regime") is None and not lib.complete
    assert lib.find("us-h200-2026-01") is h200


def test_all_regimes_in_effective_date_order_each_loaded_once():
    lib = fresh_library()
    h200 = lib.get("us-h200-2026-01")
    every = lib.regimes
    assert lib.complete
    assert [r.id for r in every] == [r.id for r in load_all_regimes(rulesets_dir())]
    assert [r.sha256 for r in every] == [r.sha256 for r in load_all_regimes(rulesets_dir())]
    assert h200 in every and next(r for r in every if r.id == h200.id) is h200
    assert lib.get("us-ear-2022-10") is next(r for r in every if r.id == "us-ear-2022-10")
    assert lib.select(None) == list(every) and lib.select(["us-ear-2023-10"])[0].id == "us-ear-2023-10"


def test_an_unknown_id_names_every_regime():
    with pytest.raises(UnknownRegime) as err:
        fresh_library().get("us-nonsense")
    assert "us-ear-2022-10" in str(err.value) and "us-h200-2026-01" in str(err.value)


def test_a_library_of_given_regimes_is_complete():
    loaded = load_all_regimes(rulesets_dir())
    lib = RegimeLibrary(loaded, bundled_library().countries)
    assert lib.complete and list(lib.regimes) == loaded and lib.ids == [r.id for r in loaded]


def test_the_app_loads_the_selected_regime_first_and_the_rest_after_the_first_screen(tmp_path, qtbot, monkeypatch):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import QSettings

    import workbench.app as app_module
    from workbench.ui.shell.launcher import Gui

    lib = fresh_library()
    monkeypatch.setattr(app_module, "read_bundled_library", lambda: lib)
    from test_ui_support import demo_catalog

    services = app_module.build_services(demo_catalog(tmp_path / "catalog.db"), data_dir=tmp_path / "data",
                                         cache_dir=tmp_path / "cache")
    gui = Gui(services, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), "en")
    try:
        qtbot.addWidget(gui.window)
        # Before the event loop runs: the window exists, naming the regime it will classify, with
        # nothing loaded yet (the catalog is painted first; test_ui_first_paint).
        assert lib.loaded() == [] and not gui.session.engine_ready
        assert gui.window.regime.count() == 1 and gui.window.regime.currentText() == "us-h200-2026-01"
        assert not gui.window.regime.isEnabled()
        gui.window.show()
        with qtbot.waitSignal(gui.session.engineReady, timeout=60000):
            pass
        # Then that regime alone, until the first screen is classified.
        assert [r.id for r in lib.loaded()] == ["us-h200-2026-01"] and gui.window.regime.isEnabled()
        with qtbot.waitSignal(gui.session.regimesChanged, timeout=60000):
            qtbot.waitUntil(lambda: gui.session.current is not None, timeout=60000)
        assert lib.complete
        combo = gui.window.regime
        assert [combo.itemText(i) for i in range(combo.count())] == [r.id for r in lib.regimes]
        assert combo.currentText() == "us-h200-2026-01" and gui.session.regime is lib.get("us-h200-2026-01")
        assert gui.session.current.regime is gui.session.regime
    finally:
        gui.runner.cancel_all()
        gui.runner.wait()
        services.close()


def test_the_other_regimes_wait_until_the_catalog_table_is_quiet(tmp_path, qtbot, monkeypatch):
    """While the officer filters, sorts and scrolls (the table keeps painting), loading the other
    regimes would share the GIL with those paints: it waits for a pause."""
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import QSettings

    import workbench.app as app_module
    from workbench.ui.shell.launcher import Gui
    from workbench.ui.shell.tasks import UiGate

    lib = fresh_library()
    monkeypatch.setattr(app_module, "read_bundled_library", lambda: lib)
    from test_ui_support import demo_catalog

    services = app_module.build_services(demo_catalog(tmp_path / "catalog.db"), data_dir=tmp_path / "data",
                                         cache_dir=tmp_path / "cache")
    busy = [True]
    monkeypatch.setattr(UiGate, "quiet_s", lambda self: 0.0 if busy[0] else 60.0)
    gui = Gui(services, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), "en")
    try:
        qtbot.addWidget(gui.window)
        gui.window.show()
        qtbot.waitUntil(lambda: gui.session.current is not None, timeout=60000)
        qtbot.wait(gui.session.REGIMES_AFTER_MS + int(gui.session.REGIMES_QUIET_S * 1000) * 2)
        assert not lib.complete and gui.session._regimes_job is None  # still painting: not started
        busy[0] = False
        with qtbot.waitSignal(gui.session.regimesChanged, timeout=60000):
            pass
        assert lib.complete
    finally:
        gui.runner.cancel_all()
        gui.runner.wait()
        services.close()
