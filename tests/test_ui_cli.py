"""The ``gui`` subcommand end to end (subprocesses): screenshots in English and Chinese, ``--demo``
making the demo catalog on request, the first-start dialog, the no-display and no-catalog
messages (nothing created behind the user's back), and the translations."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM",
                                                             "WORKBENCH_DB")}
    env.update(PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "xdg-data"), XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
               XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), HOME=str(tmp_path))
    env.update(extra)
    return env


def _run(args, env, timeout=240):
    return subprocess.run([sys.executable, "-m", "workbench", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=str(ROOT))


@pytest.mark.parametrize("view,lang,size", [("catalog", "en", "1366x768"), ("product", "zh", "1920x1080")])
def test_screenshot_renders_the_loaded_window(tmp_path, view, lang, size):
    from PySide6.QtGui import QImage

    out = tmp_path / f"{view}.png"
    db = tmp_path / "first-run" / "demo.db"
    proc = _run(["gui", "--demo", "--db", str(db), "--screenshot", str(out), "--view", view, "--size", size,
                 "--lang", lang], _env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert db.exists()  # --demo made the demo catalog, on request
    image = QImage(str(out))
    w, h = (int(v) for v in size.split("x"))
    assert (image.width(), image.height()) == (w, h)
    # Not a blank window: many distinct colours (text, table, highlight).
    colours = {image.pixel(x, y) for x in range(0, w, 7) for y in range(0, h, 7)}
    assert len(colours) > 20


def test_without_a_display_the_gui_explains_how_to_run_it(tmp_path):
    from workbench.services.catalog import create_catalog

    db = create_catalog(tmp_path / "catalog.db")
    proc = _run([], _env(tmp_path, WORKBENCH_DB=str(db)))
    assert proc.returncode == 3
    assert "no display" in proc.stderr and "xvfb-run -a" in proc.stderr and "--screenshot" in proc.stderr


def test_nothing_is_created_behind_the_users_back(tmp_path):
    """No catalog chosen yet and nobody to ask (no display): how to make one, exit 2, no file made.
    A --db / WORKBENCH_DB path with no file is refused with the init command to run."""
    env = _env(tmp_path)
    proc = _run([], env)
    assert proc.returncode == 2 and "no catalog chosen yet" in proc.stderr and "gui --demo" in proc.stderr
    assert not (tmp_path / "xdg-data").exists() or not any((tmp_path / "xdg-data").rglob("*.sqlite3"))
    missing = tmp_path / "nothing-here.db"
    for argv, extra in ((["gui", "--db", str(missing)], {}), ([], {"WORKBENCH_DB": str(missing)})):
        proc = _run(argv, _env(tmp_path, **extra))
        assert proc.returncode == 2, proc.stderr
        assert f"no catalog at {missing} (create one with: workbench init --db {missing})" in proc.stderr
        assert not missing.exists()


def test_first_start_dialog_screenshot_needs_no_catalog(tmp_path):
    from PySide6.QtGui import QImage

    for lang in ("en", "zh"):
        out = tmp_path / f"first-{lang}.png"
        proc = _run(["gui", "--screenshot", str(out), "--view", "first-start", "--lang", lang], _env(tmp_path))
        assert proc.returncode == 0, proc.stderr
        assert (QImage(str(out)).width(), QImage(str(out)).height()) == (1366, 768)
    assert not list(tmp_path.rglob("*.sqlite3"))


def test_help_and_other_subcommands_still_work(tmp_path):
    proc = _run(["--help"], _env(tmp_path))
    assert proc.returncode == 0 and "gui" in proc.stdout and "compare" in proc.stdout
    proc = _run(["gui", "--size", "huge"], _env(tmp_path))
    assert proc.returncode == 2 and "WIDTHxHEIGHT" in proc.stderr


def _tr_literals() -> set[str]:
    found = set()
    for path in (ROOT / "workbench" / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
    return found


def test_every_ui_string_has_a_chinese_translation():
    from workbench.engine.ruleset import Status
    from workbench.ui.support.i18n import CONTEXT, read_ts, ts_path

    table = read_ts(ts_path("zh"))
    wanted = _tr_literals() | set(Status.__args__)
    missing = sorted(s for s in wanted if (CONTEXT, s) not in table)
    assert len(wanted) > 100 and not missing, missing


@pytest.mark.parametrize("use_lrelease", [True, False])
def test_translator_from_lrelease_or_from_the_ts_itself(qapp, tmp_path, use_lrelease, monkeypatch):
    from workbench.ui.support import i18n

    if use_lrelease and i18n.find_lrelease() is None:
        pytest.skip("no lrelease tool in this environment")
    switch = i18n.LanguageSwitch(tmp_path / "cache")
    try:
        switch.apply("zh", use_lrelease=use_lrelease)
        assert i18n.tr("Catalog") == "产品目录" and i18n.tr("Red-line proximity") == "红线临近"
        assert isinstance(switch.current, i18n.TsTranslator) is (not use_lrelease)
        assert (tmp_path / "cache" / "workbench_zh_CN.qm").exists() is use_lrelease
    finally:
        switch.apply("en")
    assert i18n.tr("Catalog") == "Catalog"
