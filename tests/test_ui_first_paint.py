"""The catalog window comes before the engine (issue 4, cold start): `workbench gui` builds the
services and the main window and paints the catalog's rows (part number, vendor, stored figures)
with pydantic, YAML and workbench.engine still unimported; TPP, PD, classification and margin
read "…" and the status bar says "Classifying…"; search, filters and sorting work meanwhile.
Then the engine is imported and the selected regime loaded on a worker, and the columns fill.
A first start (no saved geometry) opens at a usable size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pydantic", "yaml")


def _run(code: str, tmp_path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(ROOT),
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


HEAVY_LOADED = ("sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml') "
                "or m.startswith('workbench.engine'))")


@pytest.fixture
def demo_db(tmp_path):
    from workbench.services.catalog import open_catalog

    db = tmp_path / "catalog.db"
    open_catalog(db).close()  # first start: created with the demo catalog (that validates it: engine)
    return db


def test_building_the_services_imports_no_engine(tmp_path, demo_db):
    out = _run("import json, sys\n"
               "from workbench.app import build_services\n"
               f"s = build_services({str(demo_db)!r}, data_dir=__import__('pathlib').Path({str(tmp_path)!r}) / 'd')\n"
               f"before = {HEAVY_LOADED}\n"
               "n = len(list(s.library.countries))\n"
               f"print(json.dumps({{'before': before, 'countries': n, 'after': {HEAVY_LOADED}}}))\n", tmp_path)
    assert out["before"] == []
    # the country table's engine module, when asked for (it needs no pydantic: the engine's
    # package imports its models only when they are used)
    assert out["countries"] > 100 and "workbench.engine.countries" in out["after"]


# The real entry point (`workbench gui --db DB`, the interactive path, offscreen). When the window
# would start the engine (its catalog rows painted), the probe looks at the window, searches, then
# lets the engine start and looks again once the selected regime's classification is shown.
FIRST_PAINT = """
import json, sys
from PySide6.QtWidgets import QApplication
from workbench import cli
from workbench.services import catalog_query as cq
from workbench.ui.shell import launcher

seen = {}

def heavy():
    return HEAVY_LOADED

def cells(model, row=0):
    return [model.index(row, c).data() for c in range(cq.COLUMN_COUNT)]

start = launcher.EngineAfterFirstPaint._start

def probed(self):
    if "rows" in seen:
        return start(self)
    window, session = self.window, self.session
    view, model = window.catalog, window.catalog.model
    seen["rows"] = {"heavy": heavy(), "count": model.rowCount(), "first": cells(model),
                    "visible": window.isVisible(), "status": window.status.text(),
                    "progress": [window.progress.isVisible(), window.progress.format()],
                    "regime": [window.regime.currentText(), window.regime.isEnabled()],
                    "destination": [window.destination.currentText(), window.destination.isEnabled()]}
    view.search.setText("h100")
    view.apply_query()
    seen["search"] = {"heavy": heavy(), "count": model.rowCount(),
                      "parts": [model.index(r, cq.COL_PART).data() for r in range(model.rowCount())]}

    def classified(cls):
        seen["classified"] = {"count": model.rowCount(), "first": cells(model), "progress": window.progress.isVisible(),
                              "regime": [window.regime.currentText(), window.regime.isEnabled()],
                              "destination": [window.destination.currentText(), window.destination.isEnabled()]}
        window.close()

    session.classified.connect(classified)
    start(self)

launcher.EngineAfterFirstPaint._start = probed
sys.argv = ["workbench", "gui", "--db", sys.argv[1]]
code = cli.main()
print(json.dumps(seen))
sys.exit(code)
""".replace("HEAVY_LOADED", HEAVY_LOADED)


def test_the_window_shows_the_catalog_before_the_engine_is_imported(tmp_path, demo_db):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(demo_db)], capture_output=True, text=True,
                            env=env, cwd=str(ROOT), timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    rows = seen["rows"]
    assert rows["heavy"] == [] and rows["visible"]
    assert rows["count"] == 53 and rows["status"].startswith("53 products in ")
    part, vendor, tpp, pd, bw, cls, margin, licence = rows["first"]
    assert (part, vendor, bw) == ("AMD-MI210-64GB", "AMD", "1,600")  # stored figures, from SQLite
    assert tpp == pd == cls == margin == licence == "…"  # the engine's figures (and the licence position) follow
    assert rows["progress"] == [True, "Classifying…"]
    assert rows["regime"] == ["us-h200-2026-01", False] and rows["destination"] == ["CN", False]
    search = seen["search"]
    assert search["heavy"] == [] and search["count"] == 3 and all("H100" in p for p in search["parts"])
    done = seen["classified"]
    assert done["count"] == 3 and done["first"][5] == "3A090.a.1" and done["first"][2] not in ("…", "")
    assert not done["progress"]
    assert done["regime"] == ["us-h200-2026-01", True] and done["destination"] == ["CN  China", True]


@pytest.fixture
def held_gui(tmp_path, qtbot, monkeypatch):
    """The real window, shown, with its catalog loaded and the engine held back until the test
    calls session.start_engine() (the window would start it after its first paint)."""
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import QSettings
    from test_ui_support import close_gui, demo_catalog

    from workbench.app import build_services
    from workbench.ui.shell import launcher
    from workbench.ui.shell.launcher import Gui

    monkeypatch.setattr(launcher.EngineAfterFirstPaint, "_catalog_loaded", lambda self: None)
    services = build_services(demo_catalog(tmp_path / "catalog.db"), data_dir=tmp_path / "data",
                              cache_dir=tmp_path / "cache")
    gui = Gui(services, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(gui.window)
    gui.window.resize(1366, 768)
    with qtbot.waitSignal(gui.session.catalogLoaded, timeout=60000):
        gui.window.show()
    yield gui
    close_gui(gui)


def test_placeholders_until_classified_then_filled(held_gui, qtbot):
    from PySide6.QtCore import Qt

    from workbench.services import catalog_query as cq

    window, session = held_gui.window, held_gui.session
    model = window.catalog.model
    assert model.rowCount() == 53 and not session.engine_ready and session.current is None
    for row in range(model.rowCount()):
        assert [model.index(row, c).data() for c in (cq.COL_TPP, cq.COL_PD, cq.COL_CLASS, cq.COL_MARGIN)] == ["…"] * 4
    assert model.headerData(cq.COL_CLASS, Qt.Orientation.Horizontal) == "Classification"  # no regime named yet
    assert window.progress.isVisible() and window.progress.format() == "Classifying…"
    with qtbot.waitSignal(session.classified, timeout=60000):
        session.start_engine()
    assert session.engine_ready and window.regime.isEnabled() and window.destination.isEnabled()
    h200 = model.index(model.row_of("NVIDIA-H200-SXM-141GB"), 0).row()
    assert [model.index(h200, c).data() for c in (cq.COL_TPP, cq.COL_PD, cq.COL_CLASS)] == ["15,832", "19.45",
                                                                                           "3A090.a.1"]
    assert all(model.index(r, cq.COL_CLASS).data() not in ("…", "") for r in range(model.rowCount()))
    assert not window.progress.isVisible()
    assert window.catalog.classification.isEnabled()  # the classification filter, now that there are some


def test_search_filter_and_sort_work_before_the_classification(held_gui, qtbot):
    from PySide6.QtCore import Qt

    from workbench.services import catalog_query as cq
    from workbench.ui.support.models import SORT_ROLE

    view, session = held_gui.window.catalog, held_gui.session
    model = view.model
    view.search.setText("nvidia-h")
    view.apply_query()
    parts = [model.index(r, cq.COL_PART).data() for r in range(model.rowCount())]
    assert parts and all(p.startswith("NVIDIA-H") for p in parts) and parts == sorted(parts)
    view.search.setText("")
    view.vendor.setCurrentIndex(view.vendor.findData("Intel"))
    assert {model.index(r, cq.COL_VENDOR).data() for r in range(model.rowCount())} == {"Intel"}
    view.table.sortByColumn(cq.COL_BW, Qt.SortOrder.DescendingOrder)
    bandwidths = [model.index(r, cq.COL_BW).data(SORT_ROLE) for r in range(model.rowCount())]
    assert bandwidths == sorted(bandwidths, reverse=True) and model.rowCount() == 5
    view.table.sortByColumn(cq.COL_CLASS, Qt.SortOrder.AscendingOrder)  # nothing to sort by yet: all kept
    assert model.rowCount() == 5 and not session.engine_ready
    with qtbot.waitSignal(session.classified, timeout=60000):
        session.start_engine()
    # the filter stays, the classification column now sorts
    shown = [model.index(r, cq.COL_CLASS).data() for r in range(model.rowCount())]
    assert model.rowCount() == 5 and shown == sorted(shown) and "…" not in shown


def test_the_regime_is_loaded_on_the_spot_when_read_before_the_engine_started(held_gui, qtbot):
    session = held_gui.session
    assert not session.engine_ready and session.regime_id == "us-h200-2026-01"
    assert session.regime.id == "us-h200-2026-01" and session.engine_ready
    with qtbot.waitSignal(session.engineReady, timeout=10000):  # the pickers are filled as after start_engine
        pass
    assert held_gui.window.regime.isEnabled() and held_gui.window.destination.currentText() == "CN  China"
    with qtbot.waitSignal(session.classified, timeout=60000):  # and the catalog is classified
        assert session.start_engine() is None  # (as the window calls it after its first paint: nothing to do)


def test_a_first_start_opens_at_a_usable_size(held_gui, tmp_path, qtbot):
    from PySide6.QtCore import QSettings

    from workbench.ui.shell.main_window import MainWindow, first_start_size

    fresh = MainWindow(held_gui.session, held_gui.runner, QSettings(str(tmp_path / "new.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(fresh)
    area = fresh.screen().availableGeometry()
    assert (fresh.width(), fresh.height()) == first_start_size(fresh) \
        == (min(1366, int(area.width() * 0.9)), min(768, int(area.height() * 0.9)))
    assert fresh.width() >= 600 and fresh.height() >= 400  # not Qt's hint-sized default (928x347 seen)
