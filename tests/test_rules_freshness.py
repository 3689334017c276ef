"""The rules content carries one "current to" date (rulesets/MANIFEST.json, rules_current_to): the
latest Federal Register item or guidance it considered. It shows in ``--version``, ``regimes``,
the status bar and About; more than 90 days after it, the GUI says so."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from workbench.cli import main
from workbench.services.manifest import STALE_AFTER_DAYS, read_manifest, rules_current_to, rules_freshness, write_manifest
from workbench.paths import rulesets_dir
from test_ui_support import gui  # noqa: F401  (fixture)

CURRENT_TO = date(2026, 9, 25)  # BIS rules in the Federal Register read up to an API listing of this day


def test_manifest_carries_the_date_and_a_rewrite_keeps_it(tmp_path):
    assert rules_current_to() == CURRENT_TO
    assert read_manifest(rulesets_dir())["rules_current_to"] == "2026-09-25"
    for f in rulesets_dir().iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    write_manifest(tmp_path)
    assert rules_current_to(tmp_path) == CURRENT_TO


@pytest.mark.parametrize("days, stale", [(0, False), (STALE_AFTER_DAYS, False), (STALE_AFTER_DAYS + 1, True)])
def test_stale_after_90_days_not_on_the_90th(days, stale):
    fresh = rules_freshness(CURRENT_TO + timedelta(days=days))
    assert fresh.days == days and fresh.stale is stale
    assert fresh.line().startswith("rules current to 2026-09-25")
    assert ("more than 90" in fresh.line()) is stale


def test_unknown_date_is_stale(tmp_path):
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"format": 1, "version": 1, "files": {}}))
    fresh = rules_freshness(date(2026, 12, 6), tmp_path)
    assert fresh.current_to is None and fresh.stale and "not stated" in fresh.line()


def test_version_prints_the_rules_date(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("workbench ") and out[1] == "rules current to 2026-09-25"


def test_regimes_shows_the_rules_date(capsys):
    assert main(["regimes"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "rules current to 2026-09-25"
    assert main(["regimes", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {i["rules_current_to"] for i in items} == {"2026-09-25"}


def test_status_bar_and_about_show_the_date_and_the_warning(gui):
    """The GUI test clock stands more than 90 days after 2026-09-25: the line warns, in red."""
    from workbench.ui.shell.dialogs import AboutDialog
    from workbench.ui.shell.main_window import rules_freshness_text

    today = gui.services.clock.today()
    label = gui.window.rules_freshness.text()
    assert "2026-09-25" in label
    assert ("more than 90" in label) is ((today - CURRENT_TO).days > STALE_AFTER_DAYS)
    assert "more than 90" not in rules_freshness_text(CURRENT_TO + timedelta(days=STALE_AFTER_DAYS))
    assert "more than 90" in rules_freshness_text(CURRENT_TO + timedelta(days=STALE_AFTER_DAYS + 1))
    dialog = AboutDialog(gui.services, gui.window)
    assert "Rules current to 2026-09-25" in dialog.findChild(type(gui.window.rules_freshness)).text()
    dialog.close()
