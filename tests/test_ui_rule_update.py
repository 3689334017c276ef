"""Help > Apply rule update…: the dialog shows signer, sequence, dates and the products that flip;
Adopt points the open window at the new rules; a refused bundle changes nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from bundle_helpers import lower_3a090a_tpp, make_bundle  # noqa: E402
from minisign_helpers import ThrowawayKey  # noqa: E402
from test_ui_support import close_gui, make_gui  # noqa: E402
from workbench.services import regimes as regimes_module  # noqa: E402
from workbench.services.manifest import rules_in_use  # noqa: E402
from workbench.ui.support.i18n import CONTEXT, read_ts, ts_path  # noqa: E402

FLIPS = "NVIDIA-RTX5090D-32GB"
SOURCE = Path(__file__).parents[1] / "workbench" / "ui" / "shell" / "rule_update_dialog.py"


@pytest.fixture
def updating_gui(tmp_path, qtbot, monkeypatch):
    key = ThrowawayKey()
    (tmp_path / "trusted.pub").write_text(key.public_text(), encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_TRUSTED_KEYS", str(tmp_path / "trusted.pub"))
    monkeypatch.setenv("WORKBENCH_RULE_UPDATES", str(tmp_path / "rule-updates"))
    monkeypatch.delenv("WORKBENCH_RULESETS", raising=False)
    regimes_module.bundled_library.cache_clear()
    gui = make_gui(tmp_path, qtbot)
    yield gui, key
    close_gui(gui)
    regimes_module.bundled_library.cache_clear()


def _shown(gui, part):
    return gui.session.current.shown[gui.session.snapshot.index[part]]


def test_the_dialog_shows_the_impact_and_adopt_switches_the_window(updating_gui, qtbot, tmp_path):
    from workbench.services.rule_updates import rollback
    from workbench.ui.shell.rule_update_dialog import RuleUpdateDialog, check_bundle, use_new_rules

    gui, key = updating_gui
    w = gui.window
    assert w.rule_update_action.text() == "Apply rule update…"
    with qtbot.waitSignal(gui.session.classified, timeout=30000):
        w.regime.setCurrentIndex(w.regime.findText("us-ear-2023-10"))
    assert _shown(gui, FLIPS) == "not 3A090/4A090"
    bundle = make_bundle(tmp_path, key, edit=lower_3a090a_tpp, sequence=4)
    dialog = RuleUpdateDialog(gui.session, *check_bundle(gui.session, bundle), parent=w, confirm=False)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(type(dialog.summary))]
    assert any(key.id_text in t for t in texts) and any(t.startswith("4 (installed: 0)") for t in texts)
    assert any("2027-01-15" in t for t in texts)
    assert dialog.summary.text() == "1 of 53 catalog products change (destination: CN)"
    rows = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    assert rows == [[FLIPS, "us-ear-2023-10", "not 3A090/4A090 / no licence",
                     "3A090.a.1 / licence (presumption of denial) / NAC"]]

    assert "2027-01-15" not in w.rules_freshness.text()
    with qtbot.waitSignal(gui.session.classified, timeout=30000):
        dialog.adopt_button.click()
    assert dialog.adopted is not None and dialog.adopted.sequence == 4
    assert "Rules current to 2027-01-15" in w.rules_freshness.text()  # without a restart
    assert rules_in_use().sequence == 4
    assert gui.session.regime.path.is_relative_to(tmp_path / "rule-updates")
    assert _shown(gui, FLIPS) == "3A090.a.1"

    rollback(gui.services.conn, gui.services.db_path)
    with qtbot.waitSignal(gui.session.classified, timeout=30000):
        use_new_rules(gui.session)
    assert _shown(gui, FLIPS) == "not 3A090/4A090"
    assert "2027-01-15" not in w.rules_freshness.text()


def test_a_refused_bundle_shows_one_reason_and_changes_nothing(updating_gui, qtbot, tmp_path, monkeypatch):
    from workbench.ui.shell import rule_update_dialog

    gui, key = updating_gui
    warnings = []
    monkeypatch.setattr(rule_update_dialog.QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    bundle = make_bundle(tmp_path, ThrowawayKey())
    rule_update_dialog.apply_rule_update(gui.window, gui.session, gui.runner, bundle)
    qtbot.waitUntil(lambda: bool(warnings), timeout=30000)
    assert "unknown key" in warnings[0] and "\n" not in warnings[0]
    assert rules_in_use().builtin and not (tmp_path / "rule-updates").exists()


def test_every_dialog_string_is_translated_and_none_bypasses_tr():
    table = read_ts(ts_path("zh"))
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    literals = [n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call)
                and getattr(n.func, "id", None) == "tr" and n.args and isinstance(n.args[0], ast.Constant)]
    literals.append("Apply rule update…")
    assert len(literals) > 20
    assert sorted(s for s in literals if not table.get((CONTEXT, s))) == []
    bare = [ast.unparse(n.args[0]) for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args
            and (getattr(n.func, "id", None) or getattr(n.func, "attr", None)) in {"QLabel", "QPushButton", "addRow",
                                                                                    "setText", "setWindowTitle"}
            and isinstance(n.args[0], ast.Constant) and re.search(r"[A-Za-z]{3}", str(n.args[0].value))
            and n.args[0].value != "SHA-256"]
    assert bare == []
