"""The one change notice: services announce committed writes on the app's ChangePublisher, and
the desktop app's Session turns them into one Qt signal on the UI thread."""

from __future__ import annotations

import threading

import pytest

from workbench.services.changes import CATALOG, LETTERS, ChangePublisher


def test_subscribers_hear_each_notice_in_order_until_they_unsubscribe():
    changes = ChangePublisher()
    heard = []
    stop = changes.subscribe(lambda topic, keys: heard.append(("a", topic, keys)))
    changes.subscribe(lambda topic, keys: heard.append(("b", topic, keys)))
    changes.publish(CATALOG, ["H100", 7])
    stop()
    changes.publish(LETTERS)
    assert heard == [("a", "catalog", ("H100", "7")), ("b", "catalog", ("H100", "7")), ("b", "letters", ())]


def test_an_unknown_topic_is_refused_and_a_failing_subscriber_does_not_silence_the_others():
    changes = ChangePublisher()
    heard = []
    changes.subscribe(lambda topic, keys: 1 / 0)
    changes.subscribe(lambda topic, keys: heard.append(topic))
    with pytest.raises(ValueError, match="unknown change topic"):
        changes.publish("products")
    changes.publish(CATALOG)
    assert heard == ["catalog"]


def test_services_announce_their_writes(tmp_path, library):
    from datetime import date

    from deals_helpers import H100, make_deal
    from tests.test_letters_engine import REF, make_letter
    from workbench.services.catalog import open_catalog
    from workbench.services.catalog_edits import update_figure
    from workbench.services.deals import DealService
    from workbench.services.letters import LetterService

    changes = ChangePublisher()
    heard = []
    changes.subscribe(lambda topic, keys: heard.append((topic, keys)))
    conn = open_catalog(tmp_path / "c.db")
    try:
        LetterService(conn, library.countries, changes=changes).add(make_letter())
        DealService(conn, library, changes=changes).save(make_deal("A", date(2025, 3, 3), ((H100, 10, "25000.00"),),
                                                                   authorization="LPP"))
        update_figure(conn, H100, "memory_gb", 81, changes=changes)
    finally:
        conn.close()
    assert heard == [("letters", (REF,)), ("deals", ()), ("catalog", (H100,))]


def test_the_session_re_emits_notices_on_the_ui_thread(tmp_path, qtbot):
    pytest.importorskip("pytestqt")
    from test_ui_support import close_gui, make_gui

    gui = make_gui(tmp_path, qtbot)
    try:
        got = []
        gui.session.dataChanged.connect(lambda topic, keys: got.append((topic, keys, threading.current_thread())))
        worker = threading.Thread(target=lambda: gui.services.changes.publish("deals", [3]))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
        assert got == [("deals", ("3",), threading.main_thread())]
    finally:
        close_gui(gui)
