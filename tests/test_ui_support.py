"""Fixtures for the desktop-app tests (imported by the test_ui_* modules; holds no tests).

Each test gets a fresh demo catalog (made as ``workbench init --demo`` makes it), a
private data/cache folder and a private settings file, and the real main window, offscreen.
"""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings  # noqa: E402

from workbench.app import build_services  # noqa: E402
from workbench.clock import FixedClock  # noqa: E402

# The app's "today" in GUI tests: well away from the demo letter's deadlines, so that no result
# depends on the day the suite runs.
TODAY = date(2026, 6, 15)


def demo_catalog(path):
    """The demo catalog at ``path`` (made as ``workbench init --demo`` makes it) unless one is there."""
    from pathlib import Path

    from workbench.services.catalog import create_catalog

    if not Path(path).exists():
        create_catalog(path, demo=True)
    return path


def make_gui(tmp_path, qtbot, lang="en", settings_name="settings.ini", register: bool = True):
    """The real window on a fresh demo catalog, classified. ``register=False``: the caller closes the
    window (a catalog switch replaces and deletes it, which qtbot's own cleanup would trip on)."""
    from workbench.ui.shell.launcher import Gui

    services = build_services(demo_catalog(tmp_path / "catalog.db"), data_dir=tmp_path / "data", cache_dir=tmp_path / "cache",
                              clock=FixedClock.on(TODAY))
    settings = QSettings(str(tmp_path / settings_name), QSettings.Format.IniFormat)
    gui = Gui(services, settings, lang)
    if register:
        qtbot.addWidget(gui.window)
    gui.window.resize(1366, 768)
    gui.window.show()
    qtbot.waitUntil(lambda: gui.session.current is not None, timeout=60000)
    # The other regimes load on a worker once the first screen is classified (issue 4).
    expected = len(gui.services.library.ids) + len(gui.services.drafts)
    qtbot.waitUntil(lambda: gui.window.regime.count() == expected, timeout=60000)
    return gui


def close_gui(gui) -> None:
    gui.runner.cancel_all()
    gui.runner.wait()
    gui.language.apply("en")
    gui.services.close()


@pytest.fixture
def gui(tmp_path, qtbot):
    g = make_gui(tmp_path, qtbot)
    yield g
    close_gui(g)
